"""Small state files (answers, a web page's session) replaced in one rename.

One writer for every file speechdraft writes lives in `output.py` (umask mode, no half-written
file, numbered backups that never follow a symlink); this is its form for state files the
program rewrites itself: the folder is made when missing and errors name what was being saved.
"""

from __future__ import annotations

from pathlib import Path

from .errors import UserError


def write_text_atomic(path: Path, text: str, *, backup: bool = False, what: str = "文件") -> Path | None:
    """Write `text` to `path` (creating its folder); with `backup` the old file is kept. Returns the backup."""
    from .output import write_text_atomic as write

    parent = path.parent if str(path.parent) else Path(".")
    try:
        parent.mkdir(parents=True, exist_ok=True)
        return write(path, text, force=True, backup=backup)
    except OSError as exc:
        raise UserError(f"无法写入{what}（{exc.strerror}）", file=str(path)) from None
