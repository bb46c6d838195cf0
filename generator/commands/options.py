"""Options several commands share, defined once so their names and help stay the same."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

SKELETONS_DIR = click.option(
    "--skeletons-dir",
    "skeleton_dirs",
    multiple=True,
    type=click.Path(path_type=Path),
    help="自有骨架目录（与内置骨架合并，同名覆盖）",
)
BANK_DIR = click.option(
    "--bank-dir",
    "bank_dirs",
    multiple=True,
    type=click.Path(path_type=Path),
    help="自有短语库目录（与内置短语库合并，同 id 覆盖）",
)


def user_folders(f: Callable[..., Any]) -> Callable[..., Any]:
    """--skeletons-dir and --bank-dir: the clerk's own data merged over the built-ins."""
    return SKELETONS_DIR(BANK_DIR(f))
