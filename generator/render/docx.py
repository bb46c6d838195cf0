"""Word output (minimal layout; the full GB/T 9704 layout is built on top of this)."""

from __future__ import annotations

import io
from pathlib import Path

from ..draft import Draft


def render_docx(draft: Draft, reference: Path | None = None) -> bytes:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    document = docx.Document(str(reference)) if reference else docx.Document()
    for p in draft.paragraphs:
        para = document.add_paragraph()
        if p.kind in ("title", "byline"):
            para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif p.kind == "body":
            para.paragraph_format.first_line_indent = Pt(32)
        if p.lead and p.text.startswith(p.lead):
            para.add_run(p.lead).bold = True
            para.add_run(p.text[len(p.lead) :])
        else:
            run = para.add_run(p.text)
            run.bold = p.kind in ("title", "heading1")
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()
