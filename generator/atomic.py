"""Small state files (answers, a web page's session) replaced in one rename.

A crash or Ctrl-C leaves the old file or the new one, never half of either. The
new file gets the mode the umask gives, as any file the user's programs write
(a temporary file alone would be private to its owner).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path

from .errors import UserError


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_text_atomic(path: Path, text: str, *, backup: bool = False, what: str = "文件") -> None:
    """Write `text` to `path` (creating its folder); with `backup` the old file stays as NAME.bak."""
    parent = path.parent if str(path.parent) else Path(".")
    try:
        parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=parent)
    except OSError as exc:
        raise UserError(f"无法写入{what}（{exc.strerror}）", file=str(path)) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        with contextlib.suppress(OSError):
            os.chmod(tmp, 0o666 & ~_umask())
        if backup and path.is_file():
            shutil.copyfile(path, path.with_name(path.name + ".bak"))
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise UserError(f"无法写入{what}（{exc.strerror}）", file=str(path)) from None
        raise
