"""The phrase bank's file format: what a bank YAML file may say, validated with pydantic.

Only loading and checking bank files needs these models; a draft is composed from the
`Candidate`s in generator.bank, so a start from the cache never builds them.
"""

from __future__ import annotations

import hashlib
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .brief import Audience, DidKind, Domain, MeetingKind, Phase, Relation, Role, Scope

ID_PATTERN = r"^[A-Za-z0-9_\-.]+$"

FACT_NAMES = (
    "achievements",
    "problems",
    "programme",
    "tasks",
    "events",
    "previous_speakers",
    "place",
    "speaker",
)

# What a sentence claims about this place. Only the brief's facts are facts: a variant that asserts
# is used only where the brief supplies that kind of fact (see compose), and an `event` must quote it.
Asserts = Literal["none", "achievement", "problem", "event"]

# The job a sentence does in a speech; it decides where the sentence may stand.
Function = Literal[
    "opening",  # why we meet
    "response",  # answering the previous speakers
    "reason",  # why this matters (认识)
    "appraisal",  # how things stand (成绩, 形势)
    "diagnosis",  # what is wrong (问题)
    "task",  # what to do (举措)
    "safeguard",  # conditions that make tasks happen (保障)
    "accountability",  # checks and consequences (考核、问责): last in a list
    "rally",  # the closing call
    "transition",  # links, hand-offs, announce lines
    "heading",  # point and section headings
]


# Weights multiply (entry × variant) and are summed per slot: bounded, the sum stays finite.
MAX_WEIGHT = 1000


class Tags(BaseModel):
    """Where a phrase fits. Empty means "anywhere"."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    scopes: tuple[Scope, ...] = ()
    kinds: tuple[MeetingKind, ...] = ()
    domains: tuple[Domain, ...] = ()
    years: tuple[int | None, int | None] = (None, None)
    needs: tuple[str, ...] = ()
    unless: tuple[str, ...] = ()
    family: str | None = None
    # Red-pen semantics (docs/DATA.md): what it claims, what job it does, what it is about,
    # which idea it expresses (one idea once per draft), whom it addresses, when and by whom it
    # can be said, and which previous speakers' acts it answers.
    asserts: Asserts | None = None
    function: Function | None = None
    topic: str | None = Field(None, max_length=20)
    idea: str | None = Field(None, pattern=r"^[A-Za-z0-9_\-.]+$")
    audience: tuple[Audience, ...] = ()
    phases: tuple[Phase, ...] = ()
    speakers: tuple[Role, ...] = ()
    relation: tuple[Relation, ...] = ()
    responds: tuple[DidKind, ...] = ()

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
    weight: float = Field(1.0, gt=0, le=MAX_WEIGHT)


class Entry(Tags):
    id: str = Field(pattern=ID_PATTERN)
    slot: str = Field(pattern=ID_PATTERN)
    weight: float = Field(1.0, gt=0, le=MAX_WEIGHT)
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

    model_config = ConfigDict(extra="forbid", defer_build=True)

    theme: str | None = None
    description: str | None = None
    entries: list[Entry] = Field(default_factory=list)


def variant_key(v: Variant) -> str:
    if v.id:
        return v.id
    digest = hashlib.sha1(f"{v.head or ''}\x1f{v.text}".encode()).hexdigest()
    return digest[:8]
