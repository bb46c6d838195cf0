"""The phrase bank: entries of interchangeable variants, tagged for fit.

An *entry* is one idea (say, "the meeting was called by the committee") with
several *variants* that say it differently. A skeleton slot draws from every
entry filed under that slot. Tags on an entry apply to all its variants; tags on
a variant narrow further. Variant ids are stable (`entry.id/variant.id`, or a
short hash of the text) so an answers file survives edits elsewhere in the bank.
"""

from __future__ import annotations

import dataclasses
import pickle
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .brief import Brief

if TYPE_CHECKING:
    from .bank_schema import BankFile, Entry, Variant

# What a sentence claims about this place. Only the brief's facts are facts: a variant that asserts
# is used only where the brief supplies that kind of fact (see compose), and an `event` must quote it.
ASSERT_FACT = {"achievement": "achievements", "problem": "problems", "event": "events"}


@dataclass(frozen=True)
class Candidate:
    """A variant ready to choose: its id, entry, text template and merged tags."""

    id: str
    entry_id: str
    slot: str
    text: str
    head: str | None
    weight: float
    scopes: tuple[str, ...]
    kinds: tuple[str, ...]
    domains: tuple[str, ...]
    years: tuple[int | None, int | None]
    needs: tuple[str, ...]
    unless: tuple[str, ...]
    family: str | None
    source: str = ""
    more: tuple[str, ...] = ()
    asserts: str = "none"
    function: str | None = None
    topic: str | None = None
    idea: str | None = None
    audience: tuple[str, ...] = ()
    phases: tuple[str, ...] = ()
    speakers: tuple[str, ...] = ()
    relation: tuple[str, ...] = ()
    responds: tuple[str, ...] = ()
    scaffold: bool = False  # made by the bank from an asserting entry: its topic and a placeholder

    @property
    def written(self) -> str:
        """Everything it says, as written (template names unrendered): its lead phrase and text."""
        return (self.head or "") + self.text

    def fits(self, fit: Fit, domain: str | None = None) -> bool:
        """Whether this variant may be said in this speech (red pen §1–§4), at a domain slot or not."""
        if self.scopes and fit.scope not in self.scopes:
            return False
        if self.kinds and fit.kind not in self.kinds:
            return False
        if domain is not None:
            if self.domains and domain not in self.domains:
                return False
        elif self.domains and not set(self.domains) & set(fit.domains):
            return False  # about a domain the brief did not list
        lo, hi = self.years
        if (lo is not None and fit.year < lo) or (hi is not None and fit.year > hi):
            return False
        if any(n not in fit.facts for n in self.needs) or any(n in fit.facts for n in self.unless):
            return False
        if self.asserts == "event" and not ({"events", "previous_speakers"} & fit.facts):
            return False
        if (
            self.asserts in ASSERT_FACT
            and self.asserts != "event"
            and ASSERT_FACT[self.asserts] not in fit.facts
        ):
            return False
        if self.audience and not set(self.audience) <= fit.room:
            return False
        if self.phases and fit.phase not in self.phases:
            return False
        if self.speakers and fit.role not in self.speakers:
            return False
        if self.relation and fit.relation not in self.relation:
            return False
        return not (self.responds and not (fit.did_kinds and fit.did_kinds <= set(self.responds)))


@dataclass(frozen=True)
class Fit:
    """What a brief says about where a phrase may be used: scope, meeting, year, facts, room, moment, speaker."""

    scope: str
    kind: str
    year: int
    facts: frozenset[str]
    domains: tuple[str, ...] = ()
    room: frozenset[str] = frozenset()
    phase: str | None = None
    role: str | None = None
    relation: str | None = None
    did_kinds: frozenset[str] = frozenset()


def present_facts(brief: Brief) -> frozenset[str]:
    """The kinds of fact the brief supplies (what `needs`, `unless` and `asserts` are checked against)."""
    f = brief.facts
    present = {
        "achievements": bool(f.achievements),
        "problems": bool(f.problems),
        "programme": bool(f.programme),
        "tasks": bool(f.tasks),
        "events": bool(f.events),
        "previous_speakers": bool(brief.previous_speakers),
        "place": bool(brief.place),
        "speaker": bool(brief.speaker),
    }
    return frozenset(k for k, v in present.items() if v)


def fit_for(brief: Brief, year: int | None = None) -> Fit:
    return Fit(
        scope=brief.scope,
        kind=brief.meeting.kind,
        year=year or brief.effective_year,
        facts=present_facts(brief),
        domains=brief.focus_domains,
        room=brief.room,
        phase=brief.phase,
        role=brief.role,
        relation=brief.relation,
        did_kinds=brief.did_kinds,
    )


def _merge(entry: Entry, v: Variant, source: str) -> Candidate:
    from .bank_schema import variant_key

    def pick(a: tuple[Any, ...], b: tuple[Any, ...]) -> tuple[Any, ...]:
        return b or a

    lo = v.years[0] if v.years[0] is not None else entry.years[0]
    hi = v.years[1] if v.years[1] is not None else entry.years[1]
    return Candidate(
        id=f"{entry.id}/{variant_key(v)}",
        entry_id=entry.id,
        slot=entry.slot,
        text=v.text,
        head=v.head,
        weight=entry.weight * v.weight,
        scopes=pick(entry.scopes, v.scopes),
        kinds=pick(entry.kinds, v.kinds),
        domains=pick(entry.domains, v.domains),
        years=(lo, hi),
        needs=tuple(dict.fromkeys(entry.needs + v.needs)),
        unless=tuple(dict.fromkeys(entry.unless + v.unless)),
        family=v.family or entry.family,
        source=source,
        more=tuple(entry.more),
        asserts=v.asserts or entry.asserts or "none",
        function=v.function or entry.function,
        topic=v.topic or entry.topic,
        idea=v.idea or entry.idea or entry.id,
        audience=pick(entry.audience, v.audience),
        phases=pick(entry.phases, v.phases),
        speakers=pick(entry.speakers, v.speakers),
        relation=pick(entry.relation, v.relation),
        responds=pick(entry.responds, v.responds),
    )


def spread_over_entries(candidates: Iterable[Candidate]) -> list[Candidate]:
    """One candidate per entry in turn, so different ideas come before rewordings of one idea."""
    by_entry: dict[str, list[Candidate]] = {}
    for c in candidates:
        by_entry.setdefault(c.entry_id, []).append(c)
    out: list[Candidate] = []
    queues = list(by_entry.values())
    while any(queues):
        for q in queues:
            if q:
                out.append(q.pop(0))
    return out


SCAFFOLD_HINT = {"achievement": "{}方面的成效", "problem": "{}方面存在的问题"}


def _scaffold(entry: Entry, first: Candidate) -> Candidate | None:
    """The honest stand-in for an entry that claims a result or a problem: its topic and a gap.

    Used where the brief gives no such fact (“三是（此处补充阵地建设方面的成效）。”), so the shape of
    the speech stays and nothing untrue is said.
    """
    if entry.asserts not in SCAFFOLD_HINT or not entry.topic:
        return None
    hint = SCAFFOLD_HINT[entry.asserts].format(entry.topic)
    return dataclasses.replace(
        first,
        id=f"{entry.id}/scaffold",
        text="{{ ph('" + hint + "') }}。",
        head=None,
        asserts="none",
        more=(),
        scaffold=True,
        needs=(),
        weight=entry.weight,
    )


@dataclass
class PhraseBank:
    """All candidates by slot. Later sources override earlier ones entry by entry."""

    by_slot: dict[str, list[Candidate]] = field(default_factory=dict)
    entries: dict[str, Entry] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    # compose's memos (not init fields, so dataclasses.replace gives a changed bank fresh ones).
    # Fill levels (see compose.compose): a speed-up only, never saved.
    fills: dict[Any, Any] = field(default_factory=dict, init=False, compare=False, repr=False)
    # compose's memo of the candidates that fit a brief at a slot (see compose._fitting): pure, never saved.
    fitted: dict[Any, Any] = field(default_factory=dict, init=False, compare=False, repr=False)
    # compose's rendered variants per brief and skeleton (compose._Cache): pure, never saved.
    rendered: dict[Any, Any] = field(default_factory=dict, init=False, compare=False, repr=False)

    def __getstate__(self) -> dict[str, Any]:
        # Pickled for the start-up cache with the heavy parts as blobs unpickled on first use: the
        # entries (pydantic models, needed only by `check` and a few messages) and each slot's
        # candidates (a draft uses the slots of one skeleton), so a cached bank loads in milliseconds.
        skip = ("entries", "_index", "by_slot", "_slots", "fills", "fitted", "rendered")
        state = {k: v for k, v in self.__dict__.items() if k not in skip}
        if "entries" in self.__dict__:
            state["_entries_blob"] = pickle.dumps(self.entries, 5)
        if "by_slot" in self.__dict__:
            state["_slot_blobs"] = {name: pickle.dumps(c, 5) for name, c in self.by_slot.items()}
        return state

    def __getattr__(self, name: str) -> Any:
        if name == "entries" and "_entries_blob" in self.__dict__:
            self.entries = pickle.loads(self.__dict__.pop("_entries_blob"))
            return self.entries
        if name == "by_slot" and "_slot_blobs" in self.__dict__:
            self.by_slot = {slot: self.slot(slot) for slot in self.__dict__["_slot_blobs"]}
            del self.__dict__["_slot_blobs"]
            return self.by_slot
        if name in ("fills", "fitted", "rendered"):  # memos: never pickled, made on first use
            self.__dict__[name] = {}
            return self.__dict__[name]
        raise AttributeError(name)

    @classmethod
    def from_files(cls, files: Iterable[tuple[str, BankFile]]) -> PhraseBank:
        bank = cls()
        for source, bf in files:
            for entry in bf.entries:
                bank.entries[entry.id] = entry
                bank.sources[entry.id] = source
        for entry_id, entry in bank.entries.items():
            merged = [_merge(entry, v, bank.sources[entry_id]) for v in entry.variants]
            bank.by_slot.setdefault(entry.slot, []).extend(merged)
            scaffold = _scaffold(entry, merged[0])
            if scaffold:
                bank.by_slot[entry.slot].append(scaffold)
        return bank

    def slot(self, name: str) -> list[Candidate]:
        by_slot = self.__dict__.get("by_slot")
        if by_slot is not None:
            return by_slot.get(name, [])
        loaded = self.__dict__.setdefault("_slots", {})
        if name not in loaded:
            blob = self.__dict__["_slot_blobs"].get(name)
            loaded[name] = pickle.loads(blob) if blob is not None else []
        return loaded[name]

    def all_candidates(self) -> Iterable[Candidate]:
        for cands in self.by_slot.values():
            yield from cands

    def variant(self, variant_id: str) -> Candidate | None:
        index = self.__dict__.get("_index")
        if index is None:
            index = self.__dict__["_index"] = {c.id: c for c in self.all_candidates()}
        return index.get(variant_id)


def __getattr__(name: str) -> Any:
    """The file-format models (generator.bank_schema), loaded only when asked for."""
    if name in ("BankFile", "Entry", "Variant", "Tags", "variant_key", "FACT_NAMES", "MAX_WEIGHT"):
        from . import bank_schema

        return getattr(bank_schema, name)
    raise AttributeError(name)
