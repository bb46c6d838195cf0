"""A draft stamped into the cached built-in .docx without python-docx.

The usual `generate` writes the built-in layout with no comments: the styled, empty package is
already in the start-up cache (render.docx builds it with python-docx), so the draft's paragraphs
only need writing into its document part, and the title, author and dates into its core
properties. That skips importing python-docx and re-reading the package, most of a cold run.
The result is the package python-docx would write, part for part (tests/test_docx_stamp.py holds
the two paths to that); any text python-docx would turn into tabs or breaks goes the long way.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

from ..draft import Draft

# python-docx writes a tab or a line break for these, not text: such a draft is built the long way.
_NOT_PLAIN = re.compile(r"[\t\n\r]")
_DOCUMENT = "word/document.xml"
_CORE = "docProps/core.xml"
_W3CDTF = "%Y-%m-%dT%H:%M:%SZ"


def escape(text: str) -> str:
    """Text and attribute values as lxml writes them (xml.sax.saxutils would pull in urllib)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _t(text: str) -> str:
    if not text:
        return "<w:t/>"
    space = ' xml:space="preserve"' if len(text.strip()) < len(text) else ""
    return f"<w:t{space}>{escape(text)}</w:t>"


def _runs(text: str, lead: str, lead_id: str) -> str:
    """One run for the lead phrase (in its character style) and one for the rest, as render.docx."""
    lead_end = len(lead) if lead and text.startswith(lead) else 0
    out = []
    if lead_end:
        out.append(f'<w:r><w:rPr><w:rStyle w:val="{escape(lead_id)}"/></w:rPr>{_t(text[:lead_end])}</w:r>')
    if lead_end < len(text):
        out.append(f"<w:r>{_t(text[lead_end:])}</w:r>")
    return "".join(out)


def _title_runs(title: str) -> str:
    from .docx_title import title_lines

    return "".join(
        f"<w:r>{'<w:br/>' if i else ''}{_t(line)}</w:r>" for i, line in enumerate(title_lines(title))
    )


def stamp(
    draft: Draft,
    package: bytes,
    style_ids: dict[str, str],
    *,
    author: str,
    now: dt.datetime | None = None,
) -> bytes | None:
    """The .docx for `draft` made from the empty styled `package`, or None when it must be built."""
    from .docx import AUTHOR_MARK, TIME_MARK, TITLE_MARK, _clean, core_time

    texts = [_clean(p.text) for p in draft.paragraphs]
    leads = [_clean(p.lead) for p in draft.paragraphs]
    title, author = _clean(draft.title), _clean(author)
    if any(_NOT_PLAIN.search(t) for t in (*texts, *leads, title, author)):
        return None
    paragraphs = []
    for p, text, lead in zip(draft.paragraphs, texts, leads, strict=True):
        runs = _title_runs(text) if p.kind == "title" else _runs(text, lead, style_ids["lead"])
        paragraphs.append(f'<w:p><w:pPr><w:pStyle w:val="{escape(style_ids[p.kind])}"/></w:pPr>{runs}</w:p>')
    stamp_time = core_time(now)
    with zipfile.ZipFile(io.BytesIO(package)) as src:
        members = [(info.filename, src.read(info)) for info in src.infolist()]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as dst:
        for name, blob in members:
            if name == _DOCUMENT:
                xml = blob.decode("utf-8")
                at = xml.index("<w:body>") + len("<w:body>")
                blob = (xml[:at] + "".join(paragraphs) + xml[at:]).encode("utf-8")
            elif name == _CORE:
                xml = blob.decode("utf-8")
                xml = xml.replace(f">{TITLE_MARK}<", f">{escape(title)}<")
                xml = xml.replace(f">{AUTHOR_MARK}<", f">{escape(author)}<")
                xml = xml.replace(f">{TIME_MARK.strftime(_W3CDTF)}<", f">{stamp_time.strftime(_W3CDTF)}<")
                blob = xml.encode("utf-8")
            dst.writestr(name, blob)
    return out.getvalue()
