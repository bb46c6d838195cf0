"""Where a picking session is kept, so no choice is ever lost.

The answers file goes next to the brief. When that folder cannot be written
(a read-only share, a CD, a locked-down office PC) it goes to the user's data
folder instead, under a name tied to the brief's full path, and every message
says which file it is. `write_text_atomic` is the one writer for such state files.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
import zlib
from pathlib import Path
from typing import TYPE_CHECKING

from ..answersfile import answers_path
from ..atomic import write_text_atomic

if TYPE_CHECKING:
    from .session import PickSession

DATA_DIR_ENV = "SPEECHDRAFT_DATA_DIR"
__all__ = ["Autosaver", "find_answers", "save_target", "user_data_dir", "write_text_atomic"]


def user_data_dir() -> Path:
    """%APPDATA%\\speechdraft on Windows, else $XDG_DATA_HOME/speechdraft or ~/.local/share/speechdraft."""
    own = os.environ.get(DATA_DIR_ENV)
    if own:
        return Path(own)
    if sys.platform == "win32" and os.environ.get("APPDATA"):
        return Path(os.environ["APPDATA"]) / "speechdraft"
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg) if xdg else Path.home() / ".local" / "share"
    return base / "speechdraft"


def fallback_answers_path(brief_path: Path) -> Path:
    """The answers file in the data folder: the brief's name plus a checksum of its full path."""
    full = str(brief_path.resolve())
    tag = zlib.crc32(full.encode("utf-8"))
    return user_data_dir() / "answers" / f"{brief_path.stem}-{tag:08x}.answers.yaml"


def folder_writable(folder: Path) -> bool:
    """True when a file can really be created in `folder` (access bits alone mislead on shares)."""
    try:
        fd, tmp = tempfile.mkstemp(prefix=".speechdraft-probe.", dir=folder)
    except OSError:
        return False
    os.close(fd)
    with contextlib.suppress(OSError):
        os.unlink(tmp)
    return True


def find_answers(brief_path: Path) -> Path | None:
    """The saved answers for this brief, next to it or in the data folder; the newer when both exist."""
    found = [p for p in (answers_path(brief_path), fallback_answers_path(brief_path)) if p.is_file()]
    if not found:
        return None
    return max(found, key=lambda p: p.stat().st_mtime_ns)


def save_target(brief_path: Path) -> Path:
    """Where this session's answers go: next to the brief when that folder takes files."""
    beside = answers_path(brief_path)
    parent = beside.parent if str(beside.parent) else Path(".")
    if folder_writable(parent) and (not beside.exists() or os.access(beside, os.W_OK)):
        return beside
    return fallback_answers_path(brief_path)


class Autosaver:
    """Saves a session's answers after every change; the first save keeps the old file as NAME.bak."""

    def __init__(self, brief_path: Path, target: Path) -> None:
        self.brief_path = brief_path
        self.target = target
        self.saves = 0
        self.backup: Path | None = None

    @property
    def elsewhere(self) -> bool:
        """True when the answers live in the data folder, not next to the brief."""
        return self.target != answers_path(self.brief_path)

    def save(self, session: PickSession) -> None:
        keep_old = self.saves == 0 and self.target.is_file()
        from ..answers import answer_notes, save_answers  # the picker's modules: loaded on first save

        kept = save_answers(
            self.target,
            session.to_answers(),
            self.brief_path.name,
            backup=keep_old,
            notes=answer_notes(session.result, session.library.bank),
            skeleton_name=session.draft.skeleton_name,
        )
        if kept:
            self.backup = kept
        self.saves += 1
