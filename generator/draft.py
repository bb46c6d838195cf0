"""The Draft: what compose produces and every renderer consumes.

A draft is a flat list of typed paragraphs. Renderers need nothing else, so
.txt, .md and .docx always show the same words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

# Visible gaps the clerk must fill (XX县, ××, （此处补充……）, 【……】): the pattern lint reports.
from .lint import PLACEHOLDER as PLACEHOLDER_RE

# Characters XML 1.0, and so Word, cannot hold: dropped from briefs (with a warning) and from output.
XML_INVALID = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")

Kind = Literal["title", "byline", "salutation", "heading1", "heading2", "body"]


@dataclass(frozen=True)
class Paragraph:
    kind: Kind
    text: str
    lead: str = ""  # a lead phrase at the start of `text` (一是……。) shown in bold
    section: str = ""  # "opening", "point1".."point4", "closing" or "" for the head
    paths: tuple[str, ...] = ()  # choice paths whose variants make up this paragraph


@dataclass(frozen=True)
class Choice:
    path: str
    slot: str
    variant_id: str


@dataclass
class Draft:
    skeleton_id: str
    skeleton_name: str
    year: int
    paragraphs: list[Paragraph]
    choices: dict[str, Choice] = field(default_factory=dict)
    point_count: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        return next((p.text for p in self.paragraphs if p.kind == "title"), "")

    def body_text(self) -> str:
        """Everything below the title and byline, one paragraph a line."""
        return "\n".join(p.text for p in self.paragraphs if p.kind not in ("title", "byline"))

    def full_text(self) -> str:
        return "\n".join(p.text for p in self.paragraphs)

    @property
    def characters(self) -> int:
        """Characters of the speech itself (no spaces), as offices count them."""
        return len(re.sub(r"\s", "", self.body_text()))

    def placeholders(self) -> list[str]:
        return PLACEHOLDER_RE.findall(self.full_text())

    def sections(self) -> list[str]:
        return list(dict.fromkeys(p.section for p in self.paragraphs if p.section))
