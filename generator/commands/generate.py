"""`speechdraft generate`: brief in, draft file out."""

from __future__ import annotations

from pathlib import Path

import click

from ..api import Library, complete_brief, draft_from_brief, resolve_seed, summary
from ..loaders import load_brief
from ..output import check_writable, write_bytes_atomic
from ..render import FORMATS, render_for
from .options import AVOID, load_past, user_folders


@click.command()
@click.argument("brief_path", metavar="BRIEF.yaml", type=click.Path(path_type=Path))
@click.option(
    "-o", "--output", type=click.Path(path_type=Path), help="输出文件（.docx/.txt/.md）；缺省为简报同名 .docx"
)
@click.option("--seed", type=click.IntRange(min=0), help="随机种子：相同简报和种子生成相同讲话稿")
@click.option("--skeleton", help="指定骨架名称（见 speechdraft skeletons）")
@click.option("--force", is_flag=True, help="覆盖已存在的输出文件（旧文件保留为 .bak）")
@click.option("--reference-docx", type=click.Path(path_type=Path), help="使用自己的 Word 模板的样式和版式")
@user_folders
@click.option(
    "--font-profile",
    type=click.Choice(["gb2312", "windows"]),
    default="gb2312",
    show_default=True,
    help="Word 字体：gb2312 用公文字体名（仿宋_GB2312 等）；windows 用 Windows 自带的仿宋、楷体、黑体、宋体",
)
@click.option(
    "--alternatives",
    is_flag=True,
    help="在 Word 文件中以批注列出每处的其他说法（仅 .docx）",
)
@click.option(
    "--no-answers", is_flag=True, help="忽略简报旁的挑选结果 BRIEF.answers.yaml（见 speechdraft pick）"
)
@AVOID
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
    font_profile: str = "gb2312",
    alternatives: bool = False,
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
    if alternatives and out.suffix.lower() != ".docx":
        raise UserError("--alternatives 只用于 Word 文件（.docx）", file=str(out))
    warnings: list[str] = []
    raw_brief = load_brief(brief_path, warnings)
    brief = complete_brief(raw_brief)
    for warning in warnings:
        click.echo(f"警告：{warning}", err=True)
    library = Library.load(skeleton_dirs, bank_dirs)
    from ..picker.store import find_answers  # next to the brief, or in the data folder

    picked = None if no_answers else find_answers(brief_path)
    replayed = None
    avoid = load_past(brief, brief_path, avoid_paths)
    if picked is not None:
        from ..answers import load_answers, replay_answers, report_lines

        answers = load_answers(picked)
        click.echo(f"使用挑选结果 {picked}（{len(answers.choices)} 处选择；加 --no-answers 可忽略）")
        replayed = replay_answers(raw_brief, library, answers, seed=seed, skeleton=skeleton, past=avoid)
        used_seed, draft = replayed.seed, replayed.draft
        for line in report_lines(replayed):
            click.echo(f"挑选结果：{line}", err=True)
    else:
        used_seed = resolve_seed(brief, seed)
        if alternatives:
            from ..answers import AnswersChooser, Replay

            # The same draft as a plain run, with the pool offered at every path recorded.
            recorder = AnswersChooser()
            draft = draft_from_brief(
                brief, library, used_seed, skeleton=skeleton, chooser=recorder, avoid=avoid
            )
            replayed = Replay(draft=draft, seed=used_seed, brief=brief, slots=recorder.run_for(draft))
        else:
            draft = draft_from_brief(brief, library, used_seed, skeleton=skeleton, avoid=avoid)
    others = None
    if alternatives and replayed is not None:
        from ..render.docx_alternatives import slot_alternatives

        others = slot_alternatives(replayed)
    data = render_for(
        out,
        draft,
        reference_docx=reference_docx,
        font_profile=font_profile,
        author=brief.speaker or "",
        alternatives=others,
    )
    backup = write_bytes_atomic(out, data, force=force)
    click.echo(f"已写入 {out}：{summary(draft, used_seed)}")
    if others is not None:
        click.echo(f"已在 {len(others)} 处加批注，列出其他说法")
    from ..lint import draft_check_line

    line = draft_check_line(
        [p.text for p in draft.paragraphs],
        year=draft.year,
        target=brief.target_characters,
        scope=brief.scope,
        place=brief.place,
    )
    click.echo(line + "（占位见上；详查可用 speechdraft lint）")
    if backup:
        click.echo(f"原文件已备份为 {backup}")
    for note in draft.notes:
        click.echo(f"提示：{note}", err=True)
