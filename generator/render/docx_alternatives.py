"""Other wordings for each choice point of a draft, for `generate --alternatives`.

The candidates are the pool compose offered at each path (recorded by
`answers.replay`, the same record the picker reads), rendered with the same
template context. A wording is offered only if none of its sentences is in the
draft already, so it is never the chosen one and never repeats another part, and
each wording is offered at one slot only (sentences of one paragraph share a pool).
"""

from __future__ import annotations

from dataclasses import dataclass

import jinja2

from ..answers import Replay
from ..bank import Candidate, spread_over_entries
from ..compose import base_context, sentence_key, sentences
from ..templating import render

MAX_ALTERNATIVES = 3


@dataclass(frozen=True)
class Alternatives:
    """The slot's words as the draft prints them (to anchor the comment) and other wordings."""

    anchor: str
    texts: tuple[str, ...]


def _wording(c: Candidate, ctx: dict[str, object]) -> str:
    """Head and text as a reader sees them: 「抓好班子建设。要……」 (empty when it cannot render)."""
    try:
        text = render(c.text, ctx).strip()
        head = render(c.head, ctx).strip() if c.head else ""
    except jinja2.TemplateError:
        return ""
    if head:
        return f"{head.rstrip('。；，')}。{text}"
    return text


def slot_alternatives(result: Replay, limit: int = MAX_ALTERNATIVES) -> dict[str, Alternatives]:
    """Up to `limit` other wordings for every path of `result.draft` that has any."""
    draft = result.draft
    base = base_context(result.brief, draft.point_count, draft.year)
    used = {sentence_key(s) for p in draft.paragraphs for s in sentences(p.text)}
    used |= {sentence_key(p.text) for p in draft.paragraphs}
    used.discard("")
    out: dict[str, Alternatives] = {}
    offered: set[str] = set()  # each wording is offered once, at the first slot it fits
    for path, record in result.slots.items():
        ctx = {**base, **dict(record.request.context)}
        chosen = next((c for c in record.pool if c.id == record.chosen), None)
        if chosen is None:
            continue
        texts: list[str] = []
        for c in spread_over_entries(o for o in record.pool if o.id != record.chosen):
            wording = _wording(c, ctx)
            if record.request.role == "heading":
                wording = wording.rstrip("。；，")
            keys = {sentence_key(s) for s in sentences(wording)} - {""}
            if not keys or keys & used or keys & offered:
                continue
            texts.append(wording)
            offered |= keys
            if len(texts) == limit:
                break
        if texts:
            try:
                anchor = render(chosen.text, ctx).strip()
            except jinja2.TemplateError:
                anchor = ""
            out[path] = Alternatives(anchor=anchor, texts=tuple(texts))
    return out
