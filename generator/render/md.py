"""Markdown: headings for 一、 and （一）, lead phrases in bold."""

from __future__ import annotations

import re

from ..draft import Draft

_SPECIAL = re.compile(r"([\\`*_#\[\]<>|])")


def _esc(text: str) -> str:
    return _SPECIAL.sub(r"\\\1", text)


def render_md(draft: Draft) -> str:
    out: list[str] = []
    for p in draft.paragraphs:
        if p.kind == "title":
            out.append(f"# {_esc(p.text)}")
        elif p.kind == "byline":
            out.append(f'<p align="center">{_esc(p.text)}</p>')
        elif p.kind == "heading1":
            out.append(f"## {_esc(p.text)}")
        elif p.kind == "heading2":
            out.append(f"### {_esc(p.text)}")
        elif p.lead and p.text.startswith(p.lead):
            out.append(f"**{_esc(p.lead)}**{_esc(p.text[len(p.lead) :])}")
        else:
            out.append(_esc(p.text))
    return "\n\n".join(out) + "\n"
