"""What the draft part of the page shows, worked out from a `PickSession` (no picking logic here).

Each paragraph is cut into pieces: the words of one choice path (clickable, with
its `data-path`) and any words around them (numbering, joins). Placeholders are
wrapped in <mark>; everything else is escaped.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from markupsafe import Markup, escape

from ..answers import section_label
from ..api import speaking_minutes
from ..draft import PLACEHOLDER_RE, Paragraph
from ..lint import draft_check_line
from ..picker.session import PickSession


@dataclass(frozen=True)
class Piece:
    text: str
    path: str | None = None


@dataclass(frozen=True)
class ParagraphView:
    paragraph: Paragraph
    pieces: tuple[Piece, ...]
    section_start: str | None  # the section this paragraph opens, for its 重抽本部分 button
    section_name: str


def marked(text: str) -> Markup:
    """`text` escaped, with every placeholder (XX县, （此处补充……）) highlighted."""
    out: list[str] = []
    last = 0
    for m in PLACEHOLDER_RE.finditer(text):
        out.append(str(escape(text[last : m.start()])))
        out.append(f'<mark class="hole">{escape(m.group(0))}</mark>')
        last = m.end()
    out.append(str(escape(text[last:])))
    return Markup("".join(out))


def pieces(paragraph: Paragraph, words: dict[str, str]) -> tuple[Piece, ...]:
    """Cut `paragraph.text` at the words each of its paths contributes; unfound paths own the rest."""
    text = paragraph.text
    spans: list[tuple[int, int, str]] = []
    lost: list[str] = []
    for path in paragraph.paths:
        w = words.get(path, "")
        start = text.find(w) if w else -1
        while start >= 0 and any(start < e and start + len(w) > s for s, e, _ in spans):
            start = text.find(w, start + 1)
        if start < 0:
            lost.append(path)
        else:
            spans.append((start, start + len(w), path))
    if spans and paragraph.lead:  # an item's lead (一要 + its lead phrase) is part of that item's choice
        first = min(spans)
        if text[: first[0]] == paragraph.lead:
            spans[spans.index(first)] = (0, first[1], first[2])
    if lost:  # words we cannot place (a template joined them): the whole paragraph picks the first one
        return (Piece(text, lost[0]),) if not spans else (*_cut(text, spans), Piece("", lost[0]))
    return tuple(_cut(text, spans))


_SENTENCE_ENDS = "。！？；"


def _owned(text: str, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Each choice's span stretched over the further sentences the composer put after its words
    (an entry's `more`), up to the last sentence end before the next choice's words, so a click on
    any sentence of the draft finds its choice."""
    spans = sorted(spans)
    out = []
    for i, (start, end, path) in enumerate(spans):
        limit = spans[i + 1][0] if i + 1 < len(spans) else len(text)
        stop = max((text.rfind(mark, end, limit) for mark in _SENTENCE_ENDS), default=-1)
        out.append((start, max(end, stop + 1), path))
    return out


def _cut(text: str, spans: list[tuple[int, int, str]]) -> list[Piece]:
    out: list[Piece] = []
    last = 0
    for start, end, path in _owned(text, spans):
        if start > last:
            out.append(Piece(text[last:start]))
        out.append(Piece(text[start:end], path))
        last = end
    if last < len(text):
        out.append(Piece(text[last:]))
    return out


def paragraphs(session: PickSession) -> list[ParagraphView]:
    words = {step.path: session.text_of(step.path) for step in session.steps}
    seen: set[str] = set()
    out = []
    for para in session.draft.paragraphs:
        start = None
        if para.section and para.section not in seen and para.kind != "salutation":
            seen.add(para.section)
            start = para.section
        out.append(ParagraphView(para, pieces(para, words), start, section_label(para.section)))
    return out


@dataclass(frozen=True)
class Counts:
    characters: int
    minutes: int
    holes: int
    seed: int
    skeleton: str


def counts(session: PickSession) -> Counts:
    """The figures `generate` prints after writing a draft."""
    draft = session.draft
    return Counts(
        characters=draft.characters,
        minutes=round(speaking_minutes(draft.characters)),
        holes=len(draft.placeholders()),
        seed=session.seed,
        skeleton=f"{draft.skeleton_name}（{draft.skeleton_id}）",
    )


def checks(session: PickSession) -> str:
    """The check line `generate` prints (placeholders are counted on their own).

    The page asks for it right after each change, apart from the draft, because the
    near-duplicate check takes longer than a swap; the result is kept per draft text.
    """
    draft, brief = session.draft, session.brief
    texts = tuple(p.text for p in draft.paragraphs)
    return _checks(texts, draft.year, brief.target_characters, brief.scope, brief.place)


@lru_cache(maxsize=16)
def _checks(paragraphs: tuple[str, ...], year: int, target: int | None, scope: str, place: str | None) -> str:
    return draft_check_line(paragraphs, year=year, target=target, scope=scope, place=place)
