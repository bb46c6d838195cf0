"""The clerk's work behind the page: the brief, the picking session, and their copy on disk.

After every change the brief and the answers are written to the state folder (in
the per-user data folder), in the very formats the CLI reads, so a reload, a
closed tab or a restarted server finds the same draft, picks and locks.
"""

from __future__ import annotations

import os
import secrets
import tempfile
import threading
from pathlib import Path

from ..answers import Answers, brief_for_answers, dump_answers, load_answers
from ..api import Library, avoid_sources, complete_brief, past_speeches, resolve_seed
from ..brief import Brief
from ..errors import UserError
from ..loaders import load_brief
from ..overlap import SentenceIndex, speech_files
from ..picker.session import PickSession
from ..picker.store import user_data_dir
from .forms import BriefForm, brief_yaml, empty_values, values_from_brief

BRIEF_FILE = "brief.yaml"
ANSWERS_FILE = "brief.answers.yaml"
SECRET_FILE = "secret"


class Workspace:
    """One clerk's brief and draft; every method runs under `lock` (the server has several threads)."""

    def __init__(self, library: Library, folder: Path) -> None:
        self.library = library
        self.folder = folder
        self.lock = threading.RLock()
        self.brief: Brief | None = None  # as the clerk wrote it (no year filled in)
        self.session: PickSession | None = None
        self.form = BriefForm(values=empty_values())
        self.notes: list[str] = []  # one-off messages for the next page view
        self._written: dict[str, str] = {}  # file name -> text last written: unchanged files stay as they are
        self._past: tuple[tuple[tuple[str, int], ...], SentenceIndex | None] = ((), None)

    # Disk --------------------------------------------------------------------------

    def restore(self) -> None:
        """Pick up the work saved last time, if any; a damaged copy is reported, not fatal."""
        brief_path = self.folder / BRIEF_FILE
        if not brief_path.is_file():
            return
        try:
            brief = load_brief(brief_path)
            answers_file = self.folder / ANSWERS_FILE
            answers = load_answers(answers_file) if answers_file.is_file() else None
        except UserError as exc:
            self.notes.append(f"上次保存的工作无法读取，已从空白开始（{exc.format()}）")
            return
        self.open(brief, answers)

    def save(self) -> None:
        if self.brief is None:
            return
        files = {BRIEF_FILE: brief_yaml(self.brief)}
        if self.session is not None:
            files[ANSWERS_FILE] = dump_answers(self.session.to_answers(), BRIEF_FILE)
        try:
            for name, text in files.items():
                if self._written.get(name) != text:
                    write_atomic(self.folder / name, text)
                    self._written[name] = text
        except OSError as exc:
            raise UserError(f"无法保存网页界面的工作（{exc.strerror}）", file=str(self.folder)) from None

    def secret(self) -> str:
        """The CSRF secret, kept with the state so a tab stays usable across a server restart."""
        path = self.folder / SECRET_FILE
        try:
            text = path.read_text(encoding="ascii").strip()
            if len(text) >= 32:
                return text
        except (OSError, UnicodeDecodeError):
            pass
        text = secrets.token_urlsafe(32)
        try:
            write_atomic(path, text)
            path.chmod(0o600)
        except OSError:
            pass  # a read-only folder: the token just lasts as long as this server
        return text

    # Brief -------------------------------------------------------------------------

    def open(self, brief: Brief, answers: Answers | None = None) -> None:
        """Start from `brief`, replaying `answers` when given (what `generate` would write).

        Nothing changes when the brief cannot make a draft (a skeleton that does not fit).
        """
        past = self.past_speeches(brief)
        if answers is not None:
            completed, notes = brief_for_answers(brief, answers)
            session = PickSession.from_answers(completed, self.library, answers, past=past)
            session.messages[:0] = notes
        else:
            completed = complete_brief(brief)
            session = PickSession(completed, self.library, resolve_seed(completed, None), past=past)
        self.brief, self.session = brief, session
        self.form = BriefForm(values=values_from_brief(brief))

    def past_speeches(self, brief: Brief) -> SentenceIndex | None:
        """The brief's `avoid:` speeches (relative paths from the folder the server runs in), read
        again only when a file changes. A path that cannot be read is said, not fatal: the draft is
        then made without it."""
        sources = avoid_sources(brief, None)
        try:
            files = speech_files(sources)
            stamp = tuple((str(f), f.stat().st_mtime_ns) for f in files) + tuple(
                (str(p), -1) for p in sources
            )
            if stamp != self._past[0]:
                self._past = (stamp, past_speeches(sources))
        except (UserError, OSError) as exc:
            message = exc.format() if isinstance(exc, UserError) else str(exc)
            self.notes.append(f"往年讲话未能读取，本稿没有避开它们（{message}）")
            return None
        return self._past[1]

    def update(self, brief: Brief) -> None:
        """A changed brief: keep every pick and lock that still fits (a new seed in the form wins)."""
        if self.session is None or self.brief is None:
            self.open(brief)
            return
        answers = self.session.to_answers()
        if brief.seed is not None and brief.seed != self.brief.seed:
            answers = answers.model_copy(update={"seed": brief.seed})
        self.open(brief, answers)


def state_folder() -> Path:
    """Where the page keeps its work: `web/` in the per-user data folder."""
    return user_data_dir() / "web"


def write_atomic(path: Path, text: str) -> None:
    """Replace `path` in one rename, with the mode the umask gives new files (no backups: this is our file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
