"""`speechdraft pick` (choose variants interactively) and `speechdraft reroll` (redo one section).

Both save `BRIEF.answers.yaml` next to the brief, which `generate` then replays
to write exactly the same draft. `pick` needs a terminal; tests hand it a
prompt_toolkit pipe input and a dummy output through the click context object:
`CliRunner().invoke(main, [...], obj={"picker_io": (pipe_input, DummyOutput())})`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..errors import UserError
from .options import AVOID, BANK_DIR, SKELETONS_DIR, load_past

if TYPE_CHECKING:
    from ..answers import Answers, Replay
    from ..api import Library
    from ..brief import Brief
    from ..picker.session import PickSession
    from ..picker.store import Autosaver

NO_TERMINAL = (
    "speechdraft pick 需要在终端里交互使用（当前的输入或输出不是终端）；"
    "非交互场景请用 speechdraft generate（会读取已保存的挑选结果）或 speechdraft reroll"
)


def is_interactive() -> bool:
    """A real terminal on both ends, and not a CI job or a dumb terminal."""
    if os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no"):
        return False
    if os.environ.get("TERM") == "dumb":
        return False
    try:
        return sys.stdin.isatty() and sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def _common(f: Any) -> Any:
    """Options shared with `generate`."""
    for option in reversed(
        [
            click.option(
                "-o",
                "--output",
                type=click.Path(path_type=Path),
                help="输出文件（.docx/.txt/.md）；缺省为简报同名 .docx",
            ),
            click.option("--skeleton", help="指定骨架名称（见 speechdraft skeletons）"),
            click.option("--force", is_flag=True, help="覆盖已存在的输出文件（旧文件保留为 .bak）"),
            click.option(
                "--reference-docx", type=click.Path(path_type=Path), help="使用自己的 Word 模板的样式和版式"
            ),
            SKELETONS_DIR,
            BANK_DIR,
            AVOID,
        ]
    ):
        f = option(f)
    return f


def _check_output(brief_path: Path, output: Path | None, force: bool, reference_docx: Path | None) -> Path:
    """Fail before any work (and before any picking) when the output cannot be written."""
    from ..output import check_writable
    from ..render import FORMATS

    out = output or brief_path.with_suffix(".docx")
    if out.suffix.lower() not in FORMATS:
        raise UserError(
            f"不支持的输出格式 {out.suffix or '（无扩展名）'}，请用 .docx、.txt 或 .md", file=str(out)
        )
    check_writable(out)
    if out.exists() and not force:
        raise UserError("输出文件已存在；如需覆盖请加 --force（旧文件会保留为 .bak）", file=str(out))
    if reference_docx is not None and not reference_docx.is_file():
        raise UserError("找不到 Word 模板文件", file=str(reference_docx))
    return out


def _load(
    brief_path: Path, skeleton_dirs: Iterable[Path], bank_dirs: Iterable[Path], use_answers: bool
) -> tuple[Brief, Library, Answers | None, Path | None]:
    """The brief, the library and the saved answers (next to the brief or in the data folder)."""
    from ..answers import load_answers
    from ..api import Library
    from ..loaders import load_brief
    from ..picker.store import find_answers

    warnings: list[str] = []
    brief = load_brief(brief_path, warnings)
    for warning in warnings:
        click.echo(f"警告：{warning}", err=True)
    library = Library.load(tuple(skeleton_dirs), tuple(bank_dirs))
    found = find_answers(brief_path) if use_answers else None
    answers = load_answers(found) if found is not None else None
    return brief, library, answers, found


def _save_and_write(
    result: Replay,
    answers: Answers,
    apath: Path,
    brief_path: Path,
    out: Path,
    *,
    force: bool,
    reference_docx: Path | None,
    library: Library,
    backup: bool = True,
) -> None:
    """Answers first (the picking work is never lost), then the draft file."""
    from ..answers import answer_notes, save_answers
    from ..api import summary
    from ..output import write_bytes_atomic
    from ..render import render_for

    data = render_for(out, result.draft, reference_docx=reference_docx)
    notes = answer_notes(result, library.bank)
    kept = save_answers(
        apath, answers, brief_path.name, backup=backup, notes=notes, skeleton_name=result.draft.skeleton_name
    )
    click.echo(f"已保存挑选结果 {apath}（{len(answers.choices)} 处选择，锁定 {len(answers.locked)} 处）")
    if kept:
        click.echo(f"原挑选结果已备份为 {kept}")
    written = write_bytes_atomic(out, data, force=force)
    click.echo(f"已写入 {out}：{summary(result.draft, result.seed)}")
    if written:
        click.echo(f"原文件已备份为 {written}")


def _where_next(session: PickSession) -> str:
    """下次运行 pick 从第 M 处继续 — or that every point is decided."""
    first = session.first_undecided()
    if first >= len(session.steps):
        return "各处都已挑定，下次运行 pick 可直接回车生成"
    return f"下次运行 pick 从第 {first + 1} 处继续"


def _report_stop(session: PickSession, saver: Autosaver) -> None:
    """What a clerk needs after Ctrl-C or q q: what was kept, where, and where the next run starts."""
    decided = len(session.decided)
    if saver.saves:
        where = f"（{saver.target}）" if saver.elsewhere else ""
        click.echo(f"已保存 {decided} 处挑选{where}，{_where_next(session)}；本次没有写出讲话稿", err=True)
        if saver.backup is not None:
            click.echo(f"本次开始前的挑选结果已备份为 {saver.backup}", err=True)
    elif decided:
        click.echo(
            f"挑选结果没有变化（{decided} 处挑选），{_where_next(session)}；本次没有写出讲话稿", err=True
        )
    else:
        click.echo("已退出：还没有挑选任何一处，没有保存挑选结果，也没有写出讲话稿", err=True)


@click.command()
@click.argument("brief_path", metavar="BRIEF.yaml", type=click.Path(path_type=Path))
@_common
@click.option("--seed", type=click.IntRange(min=0), help="随机种子（缺省用挑选结果或简报中的种子）")
@click.option("--no-answers", is_flag=True, help="不读取已保存的挑选结果，从头挑选")
@click.pass_obj
def pick(
    obj: Any,
    brief_path: Path,
    output: Path | None,
    skeleton: str | None,
    force: bool,
    reference_docx: Path | None,
    skeleton_dirs: tuple[Path, ...],
    bank_dirs: tuple[Path, ...],
    seed: int | None,
    no_answers: bool,
    avoid_paths: tuple[Path, ...] = (),
) -> None:
    """逐段挑选说法（交互式），保存挑选结果 BRIEF.answers.yaml 并生成讲话稿。"""
    io = obj.get("picker_io") if isinstance(obj, dict) else None
    if io is None and not is_interactive():
        raise UserError(NO_TERMINAL)
    from ..answers import brief_for_answers
    from ..api import complete_brief, resolve_seed
    from ..picker.session import PickSession
    from ..picker.store import Autosaver, save_target
    from ..picker.ui import run_picker

    out = _check_output(brief_path, output, force, reference_docx)
    raw, library, answers, found = _load(brief_path, skeleton_dirs, bank_dirs, not no_answers)
    saver = Autosaver(brief_path, save_target(brief_path))
    past = load_past(raw, brief_path, avoid_paths)
    if answers is not None:
        brief, notes = brief_for_answers(raw, answers)
        session = PickSession.from_answers(brief, library, answers, seed=seed, skeleton=skeleton, past=past)
        session.messages[:0] = notes
        start = session.index + 1
        click.echo(
            f"已读取挑选结果 {found}（已挑定 {len(session.decided)} 处），"
            + (f"从第 {start} 处继续挑选" if start <= len(session.steps) else "各处都已挑定")
        )
    else:
        brief = complete_brief(raw)
        session = PickSession(brief, library, resolve_seed(brief, seed), skeleton=skeleton, past=past)
    if saver.elsewhere:
        click.echo(f"简报所在的文件夹不能写入，挑选结果将自动保存到 {saver.target}")
    session.on_change = saver.save
    try:
        finished = run_picker(session, input=io[0] if io else None, output=io[1] if io else None)
    except KeyboardInterrupt:
        finished = False
    if not finished:
        _report_stop(session, saver)
        sys.exit(1)
    if session.summary:
        click.echo(f"提示：{session.summary}", err=True)
    _save_and_write(
        session.result,
        session.to_answers(),
        saver.target,
        brief_path,
        out,
        force=force,
        reference_docx=reference_docx,
        library=library,
        backup=saver.saves == 0,
    )


@click.command()
@click.argument("brief_path", metavar="BRIEF.yaml", type=click.Path(path_type=Path))
@click.option(
    "-s",
    "--section",
    "section_text",
    required=True,
    help="要重新生成的部分：开头、结尾、一/二/三/四、1-4、point2、opening、closing",
)
@_common
@click.option("--new-seed", type=click.IntRange(min=0), help="这一部分的新种子（缺省随机，会记入挑选结果）")
@click.option("--seed", type=click.IntRange(min=0), help="没有挑选结果时其余部分所用的种子（缺省用简报中的）")
def reroll(
    brief_path: Path,
    section_text: str,
    output: Path | None,
    skeleton: str | None,
    force: bool,
    reference_docx: Path | None,
    skeleton_dirs: tuple[Path, ...],
    bank_dirs: tuple[Path, ...],
    new_seed: int | None,
    seed: int | None,
    avoid_paths: tuple[Path, ...] = (),
) -> None:
    """重新生成某一部分的说法，其余部分保持不变；更新挑选结果并写出讲话稿。"""
    import secrets

    from ..answers import (
        answers_from,
        parse_section,
        replay,
        replay_answers,
        report_lines,
        section_label,
        section_of,
    )
    from ..answers import reroll as reroll_section
    from ..api import complete_brief, resolve_seed
    from ..picker.store import save_target

    out = _check_output(brief_path, output, force, reference_docx)
    raw, library, answers, found = _load(brief_path, skeleton_dirs, bank_dirs, True)
    apath = save_target(brief_path)
    past = load_past(raw, brief_path, avoid_paths)
    if answers is not None:
        click.echo(f"已读取挑选结果 {found}")
        base = replay_answers(raw, library, answers, seed=seed, skeleton=skeleton, past=past)
        locked, picked, rerolls = set(answers.locked), set(answers.picked), dict(answers.rerolls)
    else:
        brief = complete_brief(raw)
        base = replay(brief, library, resolve_seed(brief, seed), skeleton=skeleton, past=past)
        locked, picked, rerolls = set(), set(), {}
    for line in report_lines(base):
        click.echo(f"提示：{line}", err=True)
    section = parse_section(section_text, base.draft.point_count)
    fresh = secrets.randbelow(1_000_000) if new_seed is None else new_seed
    before = base.choices()
    result = reroll_section(
        base.brief,
        library,
        base.seed,
        before,
        section,
        fresh,
        locked=locked | picked,
        rerolls=rerolls,
        skeleton=skeleton,
        pinned_skeleton=base.draft.skeleton_id,
        past=past,
    )
    for line in report_lines(result):
        click.echo(f"提示：{line}", err=True)
    after = result.choices()
    paths = [p for p in after if section_of(p) == section]
    changed = sum(1 for p in paths if before.get(p) != after[p])
    kept = sum(1 for p in paths if p in locked | picked)
    click.echo(
        f"已重新生成{section_label(section)}：{len(paths)} 处中 {changed} 处换了说法"
        + (f"，挑选过或锁定的 {kept} 处未动" if kept else "")
        + f"（新种子 {fresh}），其余部分保持不变"
    )
    rerolls[section] = fresh
    _save_and_write(
        result,
        answers_from(result, locked=locked, picked=picked, rerolls=rerolls),
        apath,
        brief_path,
        out,
        force=force,
        reference_docx=reference_docx,
        library=library,
    )
