"""The picking logic, with no terminal in it.

A `PickSession` holds a draft and the answers that make it, and offers the moves
a picker needs: walk the choice points in draft order, show a few candidates for
one point, choose one, page through others, reroll a section, lock, go back,
accept the rest, preview, undo, a new draft. Every change recomposes the whole
draft through the pure core, so what the session shows is always what `generate`
will write from the saved answers. The terminal UI (`ui.py`) and the web page
both sit on top and hold no picking logic of their own.

A path the clerk chose (`picked`) or locked is a decision: rerolls and new drafts
change only the untouched ones, and other paths no longer offer its idea.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import jinja2

from ..answers import (
    Answers,
    Replay,
    answers_from,
    read_variant,
    replay,
    reroll,
)
from ..api import Library
from ..bank import Candidate, spread_over_entries
from ..brief import Brief
from ..compose import SlotRequest
from ..draft import Draft, Paragraph
from ..overlap import SentenceIndex
from ..places import section_label, section_of

PAGE_SIZE = 4  # candidates on screen at once: the current one and up to three others
HISTORY = 50  # undo steps kept in memory


@dataclass(frozen=True)
class Step:
    """One choice point: a path of the draft and how to call it."""

    path: str
    section: str
    role: str
    slot: str
    label: str


@dataclass(frozen=True)
class SectionOutline:
    section: str
    label: str
    steps: tuple[Step, ...]


@dataclass(frozen=True)
class Option:
    """A candidate as shown: number on screen, rendered head and text, whether it is in the draft now."""

    number: int
    candidate: Candidate
    head: str
    text: str
    current: bool
    # The entry's further sentences that follow the wording in the draft now (current choice only):
    # the draft shows them, so the list does too. Another wording brings some of its own entry's.
    further: str = ""


def _new_seed() -> int:
    return secrets.randbelow(1_000_000)


@dataclass(frozen=True)
class _Snapshot:
    """Everything a change can alter, so `undo` puts it back exactly."""

    result: Replay
    seed: int
    locked: frozenset[str]
    picked: frozenset[str]
    rerolls: tuple[tuple[str, int], ...]
    index: int
    pinned_skeleton: str | None
    messages: tuple[str, ...]


class PickSession:
    """Picking state over one brief; all moves are plain methods."""

    def __init__(
        self,
        brief: Brief,
        library: Library,
        seed: int,
        *,
        choices: Mapping[str, str] | None = None,
        locked: set[str] | None = None,
        picked: set[str] | None = None,
        rerolls: Mapping[str, int] | None = None,
        skeleton: str | None = None,
        pinned_skeleton: str | None = None,
        new_seed: Callable[[], int] = _new_seed,
        past: SentenceIndex | None = None,
    ) -> None:
        self.brief = brief
        self.past = past  # the office's past speeches: no choice here reuses their sentences
        self.library = library
        self.seed = seed
        self.skeleton = skeleton
        self.pinned_skeleton = pinned_skeleton
        self.locked: set[str] = set(locked or ())
        self.picked: set[str] = set(picked or ())
        self.on_change: Callable[[PickSession], None] | None = None
        self.history: list[_Snapshot] = []
        self.rerolls: dict[str, int] = dict(rerolls or {})
        self.new_seed = new_seed
        self.index = 0
        self.finished = False
        self.pages: dict[str, int] = {}
        self.messages: list[str] = []
        self.result: Replay = replay(
            brief,
            library,
            seed,
            choices,
            skeleton=skeleton,
            pinned_skeleton=pinned_skeleton,
            rerolls=self.rerolls,
            past=past,
        )
        self._after_compose()
        # a pick the changed brief could not keep is no longer the clerk's decision
        now = self.choices
        self.picked = {p for p in self.picked if choices is None or choices.get(p) == now.get(p)}
        self.messages = list(self.result.mismatches)
        self.summary: str | None = self.result.summary

    @classmethod
    def from_answers(
        cls,
        brief: Brief,
        library: Library,
        answers: Answers,
        *,
        seed: int | None = None,
        skeleton: str | None = None,
        past: SentenceIndex | None = None,
    ) -> PickSession:
        """Resume picking from a saved answers file at the first undecided point.

        The brief must already carry its year.
        """
        session = cls(
            brief,
            library,
            answers.seed if seed is None else seed,
            choices=answers.choices,
            locked=set(answers.locked),
            picked=set(answers.picked),
            rerolls=answers.rerolls,
            skeleton=skeleton,
            pinned_skeleton=answers.skeleton,
            past=past,
        )
        session.index = session.first_undecided()
        return session

    # State -------------------------------------------------------------------

    @property
    def draft(self) -> Draft:
        return self.result.draft

    @property
    def choices(self) -> dict[str, str]:
        return self.result.choices()

    @property
    def decided(self) -> set[str]:
        """Paths the clerk has settled: picked or locked."""
        return self.picked | self.locked

    def _after_compose(self) -> None:
        """Rebuild the step list from the draft; keep locks and picks only on paths that still exist."""
        self._labels = self.result.labels()
        self.steps = self._make_steps()
        self.locked &= set(self.result.slots)
        self.picked &= set(self.result.slots)
        self.brief = self.result.brief
        self.pinned_skeleton = self.draft.skeleton_id

    def label(self, path: str) -> str:
        """How the draft names the place: 开头第2段, 第二部分标题, 第一部分“三是” …"""
        return self._labels.get(path) or section_label(section_of(path))

    def _make_steps(self) -> list[Step]:
        """Choice points in reading order, one paragraph after another.

        Inside one paragraph (a list run together) they keep the order compose filled
        them in. A pick can move its item (checks and consequences close a list);
        `choose_option` then follows the order from before the pick.
        """
        para_of: dict[str, int] = {}
        for i, para in enumerate(self.draft.paragraphs):
            for p in para.paths:
                para_of.setdefault(p, i)
        filled = {p: k for k, p in enumerate(self.result.slots)}
        steps = [
            Step(
                path=path,
                section=section_of(path),
                role=record.request.role,
                slot=record.request.slot,
                label=self.label(path),
            )
            for path, record in self.result.slots.items()
        ]
        end = len(self.draft.paragraphs)
        return sorted(steps, key=lambda s: (para_of.get(s.path, end), filled[s.path]))

    def outline(self) -> list[SectionOutline]:
        """Sections in draft order (开头, 第一部分 …, 结尾) with their choice points."""
        out: dict[str, list[Step]] = {}
        for step in self.steps:
            out.setdefault(step.section, []).append(step)
        return [SectionOutline(s, section_label(s), tuple(steps)) for s, steps in out.items()]

    @property
    def current(self) -> Step | None:
        return self.steps[self.index] if 0 <= self.index < len(self.steps) else None

    def step(self, path: str) -> Step:
        for s in self.steps:
            if s.path == path:
                return s
        raise KeyError(path)

    def next_undecided(self) -> Step | None:
        """The first step after the current one that is neither picked nor locked."""
        decided = self.decided
        for step in self.steps[self.index + 1 :]:
            if step.path not in decided:
                return step
        return None

    def first_undecided(self) -> int:
        """Index of the first step not yet decided (len(steps) when all are)."""
        decided = self.decided
        return next((i for i, s in enumerate(self.steps) if s.path not in decided), len(self.steps))

    def _path(self, path: str | None) -> str:
        if path is not None:
            self.step(path)
            return path
        step = self.current
        if step is None:
            raise IndexError("已经看完全部选择点")
        return step.path

    # Candidates ----------------------------------------------------------------

    def candidates(self, path: str | None = None) -> list[Candidate]:
        """What can fill `path` now: the pool compose offered, minus ideas decided elsewhere.

        The current choice comes first; the others are spread over entries so that
        one screen shows different ideas before different wordings of one idea.
        """
        path = self._path(path)
        record = self.result.slots[path]
        choices = self.choices
        held = {self._idea(choices[p]) for p in self.decided if p != path and p in choices}
        pool = [c for c in record.pool if (c.idea or c.entry_id) not in held or c.id == record.chosen]
        current = [c for c in pool if c.id == record.chosen]
        return current + spread_over_entries(c for c in pool if c.id != record.chosen)

    def _idea(self, variant_id: str) -> str:
        """The idea a variant says (one idea once per draft); its entry when the bank names none."""
        cand = self.library.bank.variant(variant_id)
        entry = variant_id.split("/", 1)[0]
        return (cand.idea or cand.entry_id) if cand is not None else entry

    def options(self, path: str | None = None) -> list[Option]:
        """The current choice plus one page of others (2–4 on screen)."""
        path = self._path(path)
        cands = self.candidates(path)
        others = cands[1:]
        per = PAGE_SIZE - 1
        pages = max(1, -(-len(others) // per))
        page = self.pages.get(path, 0) % pages
        shown = [cands[0], *others[page * per : (page + 1) * per]]
        request = self.result.slots[path].request
        out = []
        for i, c in enumerate(shown, start=1):
            head, text = self.render_candidate(c, request)
            further = self._further(path, text) if i == 1 else ""
            out.append(Option(number=i, candidate=c, head=head, text=text, current=(i == 1), further=further))
        return out

    def _further(self, path: str, text: str) -> str:
        """What follows the chosen wording in its paragraph: the entry's further sentences."""
        at = self.paragraph_of(path)
        if at is None or not text:
            return ""
        para = self.draft.paragraphs[at]
        if para.paths != (path,) or text not in para.text:
            return ""  # a paragraph joined from several places: no tail of one's own
        return para.text.split(text, 1)[1]

    def page_info(self, path: str | None = None) -> tuple[int, int, int]:
        """(page, pages, candidates) for `path`, 1-based page."""
        path = self._path(path)
        n = len(self.candidates(path))
        pages = max(1, -(-(n - 1) // (PAGE_SIZE - 1)))
        return self.pages.get(path, 0) % pages + 1, pages, n

    def other_candidates(self, path: str | None = None) -> list[Option]:
        """Show the next page of candidates for `path` (wraps around)."""
        path = self._path(path)
        self.pages[path] = self.pages.get(path, 0) + 1
        return self.options(path)

    def render_candidate(self, c: Candidate, request: SlotRequest) -> tuple[str, str]:
        try:
            return read_variant(c, request, self.brief, self.draft)
        except jinja2.TemplateError:
            return "", c.text

    def text_of(self, path: str | None = None) -> str:
        """The words of `path` as they stand in the draft now."""
        path = self._path(path)
        return self.options(path)[0].text

    # Moves -----------------------------------------------------------------------

    def _snapshot(self) -> _Snapshot:
        return _Snapshot(
            result=self.result,
            seed=self.seed,
            locked=frozenset(self.locked),
            picked=frozenset(self.picked),
            rerolls=tuple(self.rerolls.items()),
            index=self.index,
            pinned_skeleton=self.pinned_skeleton,
            messages=tuple(self.messages),
        )

    def _remember(self) -> None:
        self.history.append(self._snapshot())
        del self.history[:-HISTORY]

    def _changed(self) -> None:
        if self.on_change is not None:
            self.on_change(self)

    def _recompose(self, result: Replay) -> None:
        self.result = result
        self._after_compose()
        self.messages = list(result.mismatches)

    def _replay(self, choices: Mapping[str, str]) -> Replay:
        return replay(
            self.brief,
            self.library,
            self.seed,
            choices,
            skeleton=self.skeleton,
            pinned_skeleton=self.pinned_skeleton,
            rerolls=self.rerolls,
            past=self.past,
        )

    def choose(self, path: str, variant_id: str) -> None:
        """Put `variant_id` at `path` and mark it picked; everything else stays where it can."""
        allowed = {c.id for c in self.candidates(path)}
        if variant_id not in allowed:
            raise ValueError("这个说法不能用在这里")
        if path in self.picked and variant_id == self.choices.get(path):
            return
        self._remember()
        if variant_id != self.choices.get(path):
            self._recompose(self._replay({**self.choices, path: variant_id}))
        self.picked.add(path)
        self.pages.pop(path, None)
        self._changed()

    def choose_option(self, number: int) -> None:
        """Take the numbered option at the current point and move on to the next undecided one."""
        step = self.current
        if step is None:
            raise IndexError("已经看完全部选择点")
        options = self.options(step.path)
        if not 1 <= number <= len(options):
            raise ValueError(f"没有第 {number} 项")
        ahead = [s.path for s in self.steps[self.index + 1 :]]
        self.choose(step.path, options[number - 1].candidate.id)
        self._move_after(step.path, ahead)

    def _move_after(self, path: str, ahead: list[str]) -> None:
        """Go to the first undecided point that came after `path` before the change.

        A pick can move its own item (checks and consequences close a list), so the
        order before the change says where the clerk was heading.
        """
        at = {s.path: i for i, s in enumerate(self.steps)}
        decided = self.decided
        nxt = next((p for p in ahead if p in at and p not in decided), None)
        if nxt is None:
            self.index = at.get(path, self.index)
            step = self.next_undecided()
            nxt = step.path if step is not None else None
        self.index = at[nxt] if nxt is not None else len(self.steps)

    def lock(self, path: str | None = None, on: bool | None = None) -> bool:
        """Toggle (or set) the lock on `path`; locked paths survive rerolls. Returns the new state."""
        path = self._path(path)
        state = (path not in self.locked) if on is None else on
        if state == (path in self.locked):
            return state
        self._remember()
        if state:
            self.locked.add(path)
        else:
            self.locked.discard(path)
        self._changed()
        return state

    def reroll_section(self, section: str | None = None, seed: int | None = None) -> int:
        """Fresh choices for every untouched point of `section` (default: the current one).

        Locked and picked points stay as they are.
        """
        if section is None:
            step = self.current
            if step is None:
                raise IndexError("已经看完全部选择点")
            section = step.section
        here = self.current.path if self.current else None
        new = self.new_seed() if seed is None else seed
        self._remember()
        self.rerolls[section] = new
        self._recompose(
            reroll(
                self.brief,
                self.library,
                self.seed,
                self.choices,
                section,
                new,
                locked=self.decided,
                rerolls=self.rerolls,
                skeleton=self.skeleton,
                pinned_skeleton=self.pinned_skeleton,
                past=self.past,
            )
        )
        for step in self.steps:
            if step.section == section:
                self.pages.pop(step.path, None)
        if here is not None:
            self.goto(here)
        self._changed()
        return new

    def new_draft(self, seed: int | None = None) -> int:
        """换一稿: a new seed for the whole draft; locked and picked points stay as they are."""
        new = self.new_seed() if seed is None else seed
        here = self.current.path if self.current else None
        keep = {p: v for p, v in self.choices.items() if p in self.decided}
        self._remember()
        self.seed = new
        self.rerolls = {}
        self._recompose(self._replay(keep))
        self.pages.clear()
        if here is not None:
            self.goto(here)
        self._changed()
        return new

    def undo(self) -> bool:
        """Put back the state before the last change; False when there is nothing to undo."""
        if not self.history:
            return False
        snap = self.history.pop()
        self.result = snap.result
        self.seed = snap.seed
        self.rerolls = dict(snap.rerolls)
        self.pinned_skeleton = snap.pinned_skeleton
        self._after_compose()
        self.locked = set(snap.locked)
        self.picked = set(snap.picked)
        self.messages = list(snap.messages)
        self.index = min(snap.index, len(self.steps))
        self.finished = False
        self.pages.clear()
        self._changed()
        return True

    def goto(self, path: str) -> None:
        paths = [s.path for s in self.steps]
        if path in paths:
            self.index = paths.index(path)
        self.finished = False

    def back(self) -> None:
        self.index = max(0, min(self.index, len(self.steps)) - 1)
        self.finished = False

    def forward(self) -> None:
        self.index = min(len(self.steps), self.index + 1)

    def previous_section(self) -> None:
        """Go to the start of this section, or of the one before when already at its start."""
        if not self.steps:
            return
        here = min(self.index, len(self.steps) - 1)
        start = self._section_start(here)
        if start == self.index and start > 0:
            start = self._section_start(start - 1)
        self.index = start
        self.finished = False

    def _section_start(self, i: int) -> int:
        section = self.steps[i].section
        while i > 0 and self.steps[i - 1].section == section:
            i -= 1
        return i

    def next_section(self) -> None:
        if self.index >= len(self.steps):
            return
        section = self.steps[self.index].section
        i = self.index
        while i < len(self.steps) and self.steps[i].section == section:
            i += 1
        self.index = i

    def accept_rest(self) -> None:
        """Keep every remaining point as it is and finish."""
        self.index = len(self.steps)
        self.finished = True

    # Output ------------------------------------------------------------------------

    def paragraph_of(self, path: str | None = None) -> int | None:
        """Index in `draft.paragraphs` of the paragraph holding `path`."""
        path = self._path(path)
        for i, p in enumerate(self.draft.paragraphs):
            if path in p.paths:
                return i
        return None

    def preview(self) -> list[Paragraph]:
        """The whole draft as it stands."""
        return list(self.draft.paragraphs)

    def to_answers(self) -> Answers:
        return answers_from(self.result, locked=self.locked, picked=self.picked, rerolls=self.rerolls)
