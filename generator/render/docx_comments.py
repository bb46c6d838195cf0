"""Other wordings as Word comments in the margin, anchored to the words they could replace.

Word, WPS and LibreOffice all show comments beside the text, so a clerk can swap
a sentence while editing, without the picker. Each comment covers the run of the
slot's own words when they can be found in the paragraph, else the whole paragraph.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..draft import Draft
from .docx_alternatives import Alternatives

AUTHOR = "speechdraft"
INITIALS = "SD"
NUMBERS = "①②③④⑤⑥⑦⑧⑨"


def anchors(
    draft: Draft, texts: Sequence[str], alternatives: Mapping[str, Alternatives]
) -> dict[int, list[tuple[str, int, int]]]:
    """For each paragraph index: (path, start, end) in `texts` (the words as written) of every slot."""
    out: dict[int, list[tuple[str, int, int]]] = {}
    for path, alt in alternatives.items():
        holders = [i for i, p in enumerate(draft.paragraphs) if path in p.paths]
        if not holders:
            continue
        needle = alt.anchor.rstrip("。；，：")
        span = None
        for i in holders:
            at = texts[i].find(needle) if needle else -1
            if at >= 0:
                span = (i, at, at + len(needle))
                break
        if span is None:
            span = (holders[0], 0, len(texts[holders[0]]))
        i, start, end = span
        out.setdefault(i, []).append((path, start, end))
    for spans in out.values():
        spans.sort(key=lambda s: (s[1], s[2]))
    return out


def cuts(spans: Sequence[tuple[str, int, int]]) -> set[int]:
    return {x for _, start, end in spans for x in (start, end)}


def comment_text(alt: Alternatives) -> list[str]:
    return ["其他说法："] + [f"{NUMBERS[i]}{text}" for i, text in enumerate(alt.texts)]


def add_comments(
    document: Any,
    runs: Sequence[tuple[int, int, Any]],
    spans: Sequence[tuple[str, int, int]],
    alternatives: Mapping[str, Alternatives],
) -> None:
    """Attach one comment per span, to the runs (start, end, run) that lie inside it."""
    for path, start, end in spans:
        inside = [run for s, e, run in runs if s >= start and e <= end] or [run for _, _, run in runs]
        if not inside:
            continue
        lines = comment_text(alternatives[path])
        comment = document.add_comment(inside, text=lines[0], author=AUTHOR, initials=INITIALS)
        for line in lines[1:]:
            comment.add_paragraph(line)
