"""Options several commands share, defined once so their names and help stay the same."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from ..brief import Brief
    from ..overlap import SentenceIndex


def paths_option(flag: str, name: str, help: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """An option that may be given several times, each a file or folder path."""
    return click.option(flag, name, multiple=True, type=click.Path(path_type=Path), help=help)


SKELETONS_DIR = paths_option("--skeletons-dir", "skeleton_dirs", "自有骨架目录（与内置骨架合并，同名覆盖）")
BANK_DIR = paths_option("--bank-dir", "bank_dirs", "自有短语库目录（与内置短语库合并，同 id 覆盖）")


def user_folders(f: Callable[..., Any]) -> Callable[..., Any]:
    """--skeletons-dir and --bank-dir: the clerk's own data merged over the built-ins."""
    return SKELETONS_DIR(BANK_DIR(f))


AVOID = paths_option(
    "--avoid", "avoid_paths", "往年讲话稿（.txt/.md/.docx 文件或目录）：新稿不重复其中的句子，可多次给出"
)


def load_past(brief: Brief, brief_path: Path, extra: tuple[Path, ...]) -> SentenceIndex | None:
    """The past speeches of `--avoid` and the brief's `avoid:`, read once, with a line saying so."""
    from ..api import avoid_sources, past_speeches

    sources = avoid_sources(brief, brief_path, extra)
    index = past_speeches(sources)
    if index is not None:
        click.echo(f"避开往年讲话：{len(sources)} 处来源，{len(index)} 个句子")
    return index
