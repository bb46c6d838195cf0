"""Word output in the official layout: the renderer only assigns named styles.

The look (faces, sizes, indents, grid, page numbers) is in `docx_layout`; with
`reference`, a clerk's own template supplies styles, margins, header and footer,
like pandoc's --reference-doc, and any speech style it lacks is added from the
built-in definitions.
"""

from __future__ import annotations

import io
import zipfile
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..draft import XML_INVALID, Draft
from ..errors import UserError


def _clean(text: str) -> str:
    return XML_INVALID.sub("", text)


def check_reference(reference: Path) -> None:
    """Cheap early check, before any composing: the template exists and is a .docx package."""
    if not reference.is_file():
        raise UserError("找不到 Word 模板文件", file=str(reference))
    if not zipfile.is_zipfile(reference):
        raise UserError("Word 模板不是有效的 .docx 文件", file=str(reference))


def _open_reference(reference: Path) -> Any:
    import docx

    check_reference(reference)
    try:
        return docx.Document(str(reference))
    except Exception as exc:  # python-docx raises several types for broken packages
        raise UserError(f"无法打开 Word 模板（{type(exc).__name__}）", file=str(reference)) from None


def _clear_body(document: Any) -> None:
    """Remove the template's paragraphs and tables, keeping its section settings."""
    from docx.oxml.ns import qn

    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)


@lru_cache(maxsize=1)
def _builtin_template() -> bytes:
    """The built-in layout as an empty .docx, built once per process."""
    import docx

    from . import docx_layout as layout

    document = docx.Document()
    _clear_body(document)
    layout.set_defaults(document)
    layout.ensure_styles(document, replace=True)
    section = document.sections[0]
    layout.set_page(section)
    layout.set_page_numbers(document, section)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def new_document(reference: Path | None = None) -> Any:
    """An empty document carrying the speech styles: built-in layout, or the user's template."""
    import docx

    from . import docx_layout as layout

    if reference is not None:
        document = _open_reference(reference)
        _clear_body(document)
        layout.ensure_styles(document, replace=False)
        return document
    return docx.Document(io.BytesIO(_builtin_template()))


def render_docx(draft: Draft, reference: Path | None = None) -> bytes:
    from . import docx_layout as layout

    document = new_document(reference)
    # Style ids looked up once: python-docx's lookup by name scans every style for each paragraph.
    ids = {s.name: s.style_id for s in document.styles}
    body = document._body
    for p in draft.paragraphs:
        para = body.add_paragraph()
        para._p.style = ids[layout.PARAGRAPH_STYLES[p.kind].name]
        text = _clean(p.text)
        lead = _clean(p.lead)
        if lead and text.startswith(lead):
            para.add_run(lead)._r.style = ids[layout.LEAD]
            para.add_run(text[len(lead) :])
        else:
            para.add_run(text)
    props = document.core_properties
    props.title = _clean(draft.title)
    props.author = ""
    props.last_modified_by = ""
    props.comments = "speechdraft"
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()
