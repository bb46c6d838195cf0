"""The phrase bank: entries of interchangeable variants, tagged for fit.

An *entry* is one idea (say, "the meeting was called by the committee") with
several *variants* that say it differently. A skeleton slot draws from every
entry filed under that slot. Tags on an entry apply to all its variants; tags on
a variant narrow further. Variant ids are stable (`entry.id/variant.id`, or a
short hash of the text) so an answers file survives edits elsewhere in the bank.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .brief import Domain, MeetingKind, Scope

ID_PATTERN = r"^[A-Za-z0-9_\-.]+$"

FACT_NAMES = ("achievements", "problems", "programme", "tasks", "previous_speakers", "place", "speaker")


class Tags(BaseModel):
    """Where a phrase fits. Empty means "anywhere"."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    scopes: tuple[Scope, ...] = ()
    kinds: tuple[MeetingKind, ...] = ()
    domains: tuple[Domain, ...] = ()
    years: tuple[int | None, int | None] = (None, None)
    needs: tuple[str, ...] = ()
    unless: tuple[str, ...] = ()
    family: str | None = None

    @field_validator("years", mode="before")
    @classmethod
    def _years(cls, value: Any) -> Any:
        if isinstance(value, int):
            return (value, value)
        if isinstance(value, (list, tuple)) and len(value) == 2:
            return tuple(value)
        if value is None:
            return (None, None)
        raise ValueError("years 应为 [起始年, 截止年]，不限用 null，如 [2022, null]")

    @field_validator("needs", "unless")
    @classmethod
    def _fact_names(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for name in value:
            if name not in FACT_NAMES:
                raise ValueError(f"未知的事实名 {name}，可用：{', '.join(FACT_NAMES)}")
        return value


class Variant(Tags):
    """One way of saying an entry's idea. `head` is the lead phrase of a list item."""

    id: str | None = Field(None, pattern=ID_PATTERN)
    text: str = Field(min_length=1)
    head: str | None = None
    weight: float = Field(1.0, gt=0)


class Entry(Tags):
    id: str = Field(pattern=ID_PATTERN)
    slot: str = Field(pattern=ID_PATTERN)
    weight: float = Field(1.0, gt=0)
    variants: list[Variant] = Field(min_length=1)
    # Further sentences that deepen the entry's idea, appended after any variant when a longer
    # draft is wanted: written for this idea, so a long draft stays on topic.
    more: list[str] = Field(default_factory=list)

    @field_validator("variants", mode="before")
    @classmethod
    def _plain_strings(cls, value: Any) -> Any:
        if isinstance(value, list):
            return [{"text": v} if isinstance(v, str) else v for v in value]
        return value

    @model_validator(mode="after")
    def _unique_variant_ids(self) -> Entry:
        seen: set[str] = set()
        for v in self.variants:
            vid = variant_key(v)
            if vid in seen:
                raise ValueError(f"条目 {self.id} 中有重复的变体（id 或文字相同）：{vid}")
            seen.add(vid)
        return self


class BankFile(BaseModel):
    """One YAML file of the bank: a theme and its entries."""

    model_config = ConfigDict(extra="forbid")

    theme: str | None = None
    description: str | None = None
    entries: list[Entry] = Field(default_factory=list)


def variant_key(v: Variant) -> str:
    if v.id:
        return v.id
    digest = hashlib.sha1(f"{v.head or ''}\x1f{v.text}".encode()).hexdigest()
    return digest[:8]


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

    def fits(
        self, *, scope: str, kind: str, year: int, facts: frozenset[str], domain: str | None = None
    ) -> bool:
        if self.scopes and scope not in self.scopes:
            return False
        if self.kinds and kind not in self.kinds:
            return False
        if domain is not None and self.domains and domain not in self.domains:
            return False
        if domain is None and self.domains:
            return False
        lo, hi = self.years
        if (lo is not None and year < lo) or (hi is not None and year > hi):
            return False
        if any(n not in facts for n in self.needs):
            return False
        return not any(n in facts for n in self.unless)


def _merge(entry: Entry, v: Variant, source: str) -> Candidate:
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
    )


@dataclass
class PhraseBank:
    """All candidates by slot. Later sources override earlier ones entry by entry."""

    by_slot: dict[str, list[Candidate]] = field(default_factory=dict)
    entries: dict[str, Entry] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_files(cls, files: Iterable[tuple[str, BankFile]]) -> PhraseBank:
        bank = cls()
        for source, bf in files:
            for entry in bf.entries:
                bank.entries[entry.id] = entry
                bank.sources[entry.id] = source
        for entry_id, entry in bank.entries.items():
            for v in entry.variants:
                bank.by_slot.setdefault(entry.slot, []).append(_merge(entry, v, bank.sources[entry_id]))
        return bank

    def slot(self, name: str) -> list[Candidate]:
        return self.by_slot.get(name, [])

    def all_candidates(self) -> Iterable[Candidate]:
        for cands in self.by_slot.values():
            yield from cands

    def variant(self, variant_id: str) -> Candidate | None:
        entry_id = variant_id.split("/", 1)[0]
        entry = self.entries.get(entry_id)
        if entry is None:
            return None
        return next((c for c in self.slot(entry.slot) if c.id == variant_id), None)
