"""Where the page keeps its work between visits (a stand-in until the picker's store module lands)."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def user_data_dir() -> Path:
    """Per-user data folder: SPEECHDRAFT_DATA_DIR, else %APPDATA% or the XDG data folder."""
    override = os.environ.get("SPEECHDRAFT_DATA_DIR")
    if override:
        return Path(override)
    if sys.platform == "win32" and os.environ.get("APPDATA"):
        return Path(os.environ["APPDATA"]) / "speechdraft"
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "speechdraft"


def write_atomic(path: Path, text: str) -> None:
    """Replace `path` in one rename, with the mode the umask gives new files (no backups: this is our file).

    No fsync: the page saves after every click, the rename already guarantees a whole
    file after a crash, and a flush to disk would cost a swap more than its budget.
    """
    import tempfile

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
