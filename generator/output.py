"""Writing files without ever losing what the user wrote.

Output goes to a temporary file in the same folder, then takes the target's
name in one step:
- without `force` by `os.link`, which fails if the name exists, so of several
  processes writing the same new file exactly one succeeds and no file is
  replaced behind anyone's back;
- with `force` by `os.replace`, after the old file is kept as `NAME.bak`
  (or `NAME.bak2`, … — each backup name is created exclusively, and a symlink
  is backed up as the link itself, never followed).
A new file gets the mode the umask gives (0644 under umask 022, readable by
colleagues on a shared folder); a replaced file keeps its old mode. Temporary
files a killed run left behind are removed on the next write to that folder.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import socket
import stat
import sys
import time
from pathlib import Path

from .errors import UserError

# A temporary file older than this is an orphan even when its writer's pid cannot be checked.
ORPHAN_AGE_SECONDS = 3600
MAX_BACKUPS = 999
# What a file system without hard links (FAT, some network shares, Windows FAT) answers to os.link.
_NO_LINKS = frozenset(
    {errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EXDEV, errno.EMLINK, errno.EINVAL, errno.ENOSYS}
)
_EXISTS = "输出文件已存在；如需覆盖请加 --force（旧文件会保留为 .bak）"


def backup_name(path: Path) -> Path:
    """The first free backup name (informational: `_backup` claims names exclusively)."""
    for candidate in _backup_candidates(path):
        if not os.path.lexists(candidate):
            return candidate
    raise UserError("备份文件过多，请清理旧的 .bak 文件", file=str(path))


def _backup_candidates(path: Path) -> list[Path]:
    return [path.with_name(path.name + ".bak")] + [
        path.with_name(f"{path.name}.bak{n}") for n in range(2, MAX_BACKUPS + 1)
    ]


def check_writable(path: Path) -> None:
    """Fail early, before any work, when the output cannot be written where asked."""
    if path.is_dir():
        raise UserError("输出路径是一个目录", file=str(path))
    parent = _parent(path)
    if not parent.is_dir():
        raise UserError("输出目录不存在", file=str(parent))
    if not os.access(parent, os.W_OK):
        raise UserError("输出目录不可写", file=str(parent))
    if path.exists() and not os.access(path, os.W_OK):
        raise UserError("输出文件只读或被占用", file=str(path))


def write_bytes_atomic(path: Path, data: bytes, *, force: bool = False, backup: bool = True) -> Path | None:
    """Write `data` to `path` atomically. Returns the backup path if an old file was kept.

    `backup=False` (with `force`) replaces without keeping the old file: for files the
    program itself rewrites often, such as the picker's autosaved answers.
    """
    check_writable(path)
    parent = _parent(path)
    if not force and os.path.lexists(path):
        raise UserError(_EXISTS, file=str(path))
    remove_orphans(parent, path.name)
    old_mode = _old_mode(path) if force else None
    tmp = _write_temp(parent, path.name, data, old_mode if old_mode is not None else umask_mode())
    try:
        if not force:
            _publish_new(tmp, path)
            return None
        kept = _backup(path) if backup and os.path.lexists(path) else None
        os.replace(tmp, path)
        return kept
    except UserError:
        raise
    except OSError as exc:
        raise UserError(
            f"无法写入输出文件（{exc.strerror}；文件是否正被其他程序打开？）", file=str(path)
        ) from None
    finally:
        _remove(tmp)


def write_text_atomic(path: Path, text: str, *, force: bool = False, backup: bool = True) -> Path | None:
    return write_bytes_atomic(path, text.encode("utf-8"), force=force, backup=backup)


def umask_mode() -> int:
    """The mode a new file gets from the process umask (0o644 under umask 022)."""
    mask = _read_umask()
    return 0o666 & ~mask


def _read_umask() -> int:
    # Linux reports the umask without changing it; elsewhere set and restore it.
    with contextlib.suppress(OSError, ValueError), open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _parent(path: Path) -> Path:
    return path.parent if str(path.parent) else Path(".")


def _old_mode(path: Path) -> int | None:
    """Permission bits of an existing regular file (a symlink is replaced, so it has none to keep)."""
    try:
        info = os.lstat(path)
    except OSError:
        return None
    return stat.S_IMODE(info.st_mode) if stat.S_ISREG(info.st_mode) else None


def _temp_pattern(name: str) -> re.Pattern[str]:
    return re.compile(rf"^\.{re.escape(name)}\.(?:([A-Za-z0-9-]*)~(\d+)\.)?[A-Za-z0-9_-]+\.tmp$")


def _temp_name(name: str) -> str:
    """A temporary name beside `name` that `_temp_pattern` knows, so a killed run's file is cleaned up."""
    return f".{name}.{_host()}~{os.getpid()}.{secrets.token_hex(4)}.tmp"


def _host() -> str:
    """This machine's name as it may appear in a file name: a shared folder is written from many PCs."""
    return re.sub(r"[^A-Za-z0-9-]", "", socket.gethostname())[:24]


def _write_temp(parent: Path, name: str, data: bytes, mode: int) -> Path:
    """A new temporary file holding `data`, flushed to disk, with its final mode."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOFOLLOW", 0)
    for _ in range(100):
        tmp = parent / _temp_name(name)
        try:
            fd = os.open(tmp, flags, 0o600)
            break
        except FileExistsError:
            continue
        except OSError as exc:
            raise UserError(f"无法在输出目录中写入（{exc.strerror}）", file=str(parent)) from None
    else:
        raise UserError("无法在输出目录中创建临时文件", file=str(parent))
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            if hasattr(os, "fchmod"):
                os.fchmod(fh.fileno(), mode)
            os.fsync(fh.fileno())
        if not hasattr(os, "fchmod"):
            os.chmod(tmp, mode)
    except OSError as exc:
        _remove(tmp)
        raise UserError(f"无法写入输出文件（{exc.strerror}）", file=str(parent / name)) from None
    except BaseException:
        _remove(tmp)
        raise
    return tmp


def _publish_new(tmp: Path, path: Path) -> None:
    """Give `tmp` the name `path` only if nothing has that name: never replaces a file."""
    try:
        os.link(tmp, path)
        return
    except FileExistsError:
        raise UserError(_EXISTS, file=str(path)) from None
    except OSError as exc:
        if exc.errno not in _NO_LINKS:
            raise
    # No hard links on this file system (FAT, some network shares): claim the name with an
    # exclusive create, then move the finished file over the claim.
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        raise UserError(_EXISTS, file=str(path)) from None
    os.replace(tmp, path)


def _backup(path: Path) -> Path:
    """Keep the current `path` under the first free backup name, claimed exclusively."""
    for candidate in _backup_candidates(path):
        try:
            _link_or_copy(path, candidate)
            return candidate
        except FileExistsError:
            continue
    raise UserError("备份文件过多，请清理旧的 .bak 文件", file=str(path))


def _link_or_copy(src: Path, dst: Path) -> None:
    """A hard link to `src` itself (a symlink stays a symlink); a copy where links are not possible."""
    try:
        os.link(src, dst, follow_symlinks=False)
        return
    except FileExistsError:
        raise
    except (OSError, NotImplementedError) as exc:
        if isinstance(exc, OSError) and exc.errno not in _NO_LINKS:
            raise
    if os.path.islink(src):
        os.symlink(os.readlink(src), dst)
        return
    flags = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOFOLLOW", 0)
    src_fd = os.open(src, flags)
    try:
        mode = stat.S_IMODE(os.fstat(src_fd).st_mode)
        dst_fd = os.open(dst, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), mode)
        try:
            while chunk := os.read(src_fd, 1 << 20):
                os.write(dst_fd, chunk)
        finally:
            os.close(dst_fd)
    finally:
        os.close(src_fd)


def remove_orphans(parent: Path, name: str) -> list[Path]:
    """Delete temporary files for `name` that a killed run left in `parent`; returns what was removed.

    A file is an orphan when the process that wrote it on this machine is gone or, where
    that cannot be checked (another PC on a shared folder, an older name), when it is over
    an hour old, so a concurrent writer's file is left alone.
    """
    pattern = _temp_pattern(name)
    removed: list[Path] = []
    try:
        entries = list(os.scandir(parent))
    except OSError:
        return removed
    now = time.time()
    host = _host()
    for entry in entries:
        m = pattern.match(entry.name)
        if not m:
            continue
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if not stat.S_ISREG(info.st_mode):
            continue
        pid = int(m.group(2)) if m.group(2) and m.group(1) == host else None
        if pid == os.getpid():
            continue
        if now - info.st_mtime > ORPHAN_AGE_SECONDS or (pid is not None and not _alive(pid)):
            path = parent / entry.name
            _remove(path)
            removed.append(path)
    return removed


def _alive(pid: int) -> bool:
    if sys.platform == "win32":  # os.kill(pid, 0) would send a signal there; rely on age instead
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True


def _remove(tmp: Path | str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(tmp)
