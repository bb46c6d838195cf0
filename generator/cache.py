"""A compiled cache of the loaded bank and skeletons, so a start feels instant.

Parsing and validating the whole phrase bank (and checking every template in it) is most of a
cold `speechdraft generate`. The loaded result is pickled into the user's cache folder under a
key made of the speechdraft and Python versions, the source of the modules whose classes are pickled
and the bytes of every data file it came from,
so a changed file, a new version or a foreign file never serves stale data. The cache is only a
shortcut: safe to delete, rebuilt when missing or unreadable, and never read from a folder other
users can write (a pickle from there could run their code).
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

from . import __version__

T = TypeVar("T")
FORMAT = 7  # bump when what is pickled changes shape
# The modules whose classes are pickled: their source is part of the key, so a changed class (a new
# field) never meets an old pickle, even where the version number stays the same.
SHAPES = ("skeleton.py", "bank.py", "bank_schema.py", "yamlio.py", "templating.py")


@functools.lru_cache(maxsize=1)
def _shapes() -> bytes:
    here = Path(__file__).parent
    h = hashlib.sha256()
    for name in SHAPES:
        try:
            h.update((here / name).read_bytes())
        except OSError:  # a frozen or zipped install: the version and FORMAT still key it
            h.update(name.encode())
    return h.digest()


def cache_dir() -> Path:
    """SPEECHDRAFT_CACHE_DIR, else %LOCALAPPDATA%\\speechdraft\\cache or $XDG_CACHE_HOME/speechdraft."""
    if os.environ.get("SPEECHDRAFT_CACHE_DIR"):
        return Path(os.environ["SPEECHDRAFT_CACHE_DIR"])
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
        return base / "speechdraft" / "cache"
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "speechdraft"


def enabled() -> bool:
    return os.environ.get("SPEECHDRAFT_NO_CACHE", "") in ("", "0")


def key(kind: str, files: Sequence[Path]) -> str:
    """Digest of what the result depends on: versions, and each file's name and bytes."""
    h = hashlib.sha256(f"{kind}\0{FORMAT}\0{__version__}\0{sys.version_info[:2]}\0".encode())
    h.update(_shapes())
    for path in files:
        h.update(str(path).encode("utf-8", "surrogateescape") + b"\0")
        h.update(path.read_bytes())
        h.update(b"\0")
    return h.hexdigest()


def _private(folder: Path) -> bool:
    """Ours alone: owned by this user and not writable by group or others (POSIX)."""
    if not hasattr(os, "getuid"):
        return True  # Windows: the per-user LOCALAPPDATA folder
    try:
        st = folder.stat()
    except OSError:
        return False
    return st.st_uid == os.getuid() and not st.st_mode & 0o022


def cached(kind: str, files: Sequence[Path], build: Callable[[], T]) -> T:
    """`build()`, or its result from an earlier run with exactly these files."""
    if not enabled():
        return build()
    try:
        digest = key(kind, files)
    except OSError:
        return build()
    folder = cache_dir()
    path = folder / f"{kind}-{digest[:32]}.pickle"
    if path.is_file() and _private(folder):
        try:
            with path.open("rb") as fh:
                stored_key, value = pickle.load(fh)
            if stored_key == digest:
                return value
        except Exception:
            pass
    value = build()
    _store(folder, path, digest, value)
    return value


def _store(folder: Path, path: Path, digest: str, value: object) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not _private(folder):
            return
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".pickle")
        try:
            with os.fdopen(fd, "wb") as fh:
                pickle.dump((digest, value), fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        for old in folder.glob(f"{path.name.split('-')[0]}-*.pickle"):
            if old != path and old.stat().st_mtime < path.stat().st_mtime - 86400 * 30:
                old.unlink(missing_ok=True)  # entries unused for a month
    except (OSError, pickle.PicklingError):
        return  # a read-only home or full disk costs only speed
