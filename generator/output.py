"""Writing files without ever losing what the user wrote.

Output goes to a temporary file in the same folder, then replaces the target
in one rename. An existing file is only replaced with `force`, and then the old
one is kept as `NAME.bak` (or `NAME.bak2`, …).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from .errors import UserError


def backup_name(path: Path) -> Path:
    candidate = path.with_name(path.name + ".bak")
    n = 2
    while candidate.exists():
        candidate = path.with_name(f"{path.name}.bak{n}")
        n += 1
    return candidate


def check_writable(path: Path) -> None:
    """Fail early, before any work, when the output cannot be written where asked."""
    if path.is_dir():
        raise UserError("输出路径是一个目录", file=str(path))
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise UserError("输出目录不存在", file=str(parent))
    if not os.access(parent, os.W_OK):
        raise UserError("输出目录不可写", file=str(parent))
    if path.exists() and not os.access(path, os.W_OK):
        raise UserError("输出文件只读或被占用", file=str(path))


def write_bytes_atomic(path: Path, data: bytes, *, force: bool = False) -> Path | None:
    """Write `data` to `path` atomically. Returns the backup path if an old file was kept."""
    check_writable(path)
    parent = path.parent if str(path.parent) else Path(".")
    backup: Path | None = None
    if path.exists():
        if not force:
            raise UserError("输出文件已存在；如需覆盖请加 --force（旧文件会保留为 .bak）", file=str(path))
        backup = backup_name(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=parent)
    except OSError as exc:
        raise UserError(f"无法在输出目录中写入（{exc.strerror}）", file=str(parent)) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if backup is not None:
            os.link(path, backup) if _can_link(path) else _copy(path, backup)
        os.replace(tmp, path)
    except OSError as exc:
        _remove(tmp)
        raise UserError(
            f"无法写入输出文件（{exc.strerror}；文件是否正被其他程序打开？）", file=str(path)
        ) from None
    except BaseException:
        _remove(tmp)
        raise
    return backup


def write_text_atomic(path: Path, text: str, *, force: bool = False) -> Path | None:
    return write_bytes_atomic(path, text.encode("utf-8"), force=force)


def _can_link(path: Path) -> bool:
    return hasattr(os, "link") and path.is_file()


def _copy(src: Path, dst: Path) -> None:
    dst.write_bytes(src.read_bytes())


def _remove(tmp: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(tmp)
