"""Plain text: one paragraph a line, title block centred by a blank line."""

from __future__ import annotations

from ..draft import Draft


def render_txt(draft: Draft) -> str:
    lines: list[str] = []
    previous = ""
    for p in draft.paragraphs:
        if previous in ("title", "byline") and p.kind not in ("title", "byline"):
            lines.append("")
        lines.append(p.text)
        previous = p.kind
    return "\n".join(lines) + "\n"
