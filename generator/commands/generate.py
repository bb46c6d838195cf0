"""`speechdraft generate`: brief in, draft file out."""

from __future__ import annotations

from pathlib import Path

import click

from ..api import Library, complete_brief, draft_from_brief, resolve_seed, summary
from ..loaders import load_brief
from ..output import check_writable, write_bytes_atomic
from ..render import FORMATS, render_for


@click.command()
@click.argument("brief_path", metavar="BRIEF.yaml", type=click.Path(path_type=Path))
@click.option(
    "-o", "--output", type=click.Path(path_type=Path), help="输出文件（.docx/.txt/.md）；缺省为简报同名 .docx"
)
@click.option("--seed", type=click.IntRange(min=0), help="随机种子：相同简报和种子生成相同讲话稿")
@click.option("--skeleton", help="指定骨架名称（见 speechdraft skeletons）")
@click.option("--force", is_flag=True, help="覆盖已存在的输出文件（旧文件保留为 .bak）")
@click.option("--reference-docx", type=click.Path(path_type=Path), help="使用自己的 Word 模板的样式和版式")
@click.option(
    "--skeletons-dir",
    "skeleton_dirs",
    multiple=True,
    type=click.Path(path_type=Path),
    help="自有骨架目录（与内置骨架合并，同名覆盖）",
)
@click.option(
    "--bank-dir",
    "bank_dirs",
    multiple=True,
    type=click.Path(path_type=Path),
    help="自有短语库目录（与内置短语库合并，同 id 覆盖）",
)
@click.option(
    "--no-answers", is_flag=True, help="忽略简报旁的挑选结果 BRIEF.answers.yaml（见 speechdraft pick）"
)
@click.option(
    "--avoid",
    "avoid_paths",
    multiple=True,
    type=click.Path(path_type=Path),
    help="往年讲话稿（.txt/.md/.docx 文件或目录）：新稿不重复其中的句子，可多次给出",
)
def generate(
    brief_path: Path,
    output: Path | None,
    seed: int | None,
    skeleton: str | None,
    force: bool,
    reference_docx: Path | None,
    skeleton_dirs: tuple[Path, ...],
    bank_dirs: tuple[Path, ...],
    no_answers: bool = False,
    avoid_paths: tuple[Path, ...] = (),
) -> None:
    """根据简报 BRIEF.yaml 生成讲话稿（有 BRIEF.answers.yaml 时按其中的挑选复现）。"""
    from ..errors import UserError

    out = output or brief_path.with_suffix(".docx")
    if out.suffix.lower() not in FORMATS:
        raise UserError(
            f"不支持的输出格式 {out.suffix or '（无扩展名）'}，请用 .docx、.txt 或 .md", file=str(out)
        )
    check_writable(out)
    if out.exists() and not force:
        raise UserError("输出文件已存在；如需覆盖请加 --force（旧文件会保留为 .bak）", file=str(out))
    if reference_docx is not None:
        from ..render.docx import check_reference

        check_reference(reference_docx)
    warnings: list[str] = []
    raw_brief = load_brief(brief_path, warnings)
    brief = complete_brief(raw_brief)
    for warning in warnings:
        click.echo(f"警告：{warning}", err=True)
    library = Library.load(skeleton_dirs, bank_dirs)
    from ..answers import answers_path

    picked = answers_path(brief_path)
    if not no_answers and picked.is_file():
        from ..answers import load_answers, replay_answers

        answers = load_answers(picked)
        click.echo(f"使用挑选结果 {picked}（{len(answers.choices)} 处选择；加 --no-answers 可忽略）")
        replayed = replay_answers(raw_brief, library, answers, seed=seed, skeleton=skeleton)
        used_seed, draft = replayed.seed, replayed.draft
        for line in replayed.mismatches:
            click.echo(f"挑选结果不适用：{line}", err=True)
    else:
        used_seed = resolve_seed(brief, seed)
        avoid = None
        sources = [*avoid_paths, *(brief_path.parent / p for p in brief.avoid)]
        if sources:
            from ..overlap import index_files

            avoid = index_files(sources)
            click.echo(f"避开往年讲话：{len(sources)} 处来源，{len(avoid)} 个句子")
        draft = draft_from_brief(brief, library, used_seed, skeleton=skeleton, avoid=avoid)
    data = render_for(out, draft, reference_docx=reference_docx)
    backup = write_bytes_atomic(out, data, force=force)
    click.echo(f"已写入 {out}：{summary(draft, used_seed)}")
    from ..lint import lint_paragraphs, summary_line

    checked = lint_paragraphs(
        [p.text for p in draft.paragraphs],
        year=draft.year,
        target=brief.target_characters,
        skip=("placeholder",),
        scope=brief.scope,
        place=brief.place,
    )
    click.echo(summary_line(checked) + "（占位见上；详查可用 speechdraft lint）")
    if backup:
        click.echo(f"原文件已备份为 {backup}")
    for note in draft.notes:
        click.echo(f"提示：{note}", err=True)
