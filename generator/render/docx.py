"""Word output in the official layout: the renderer only assigns named styles.

The look (faces, sizes, indents, grid, page numbers) is in `docx_layout`; with
`reference`, a clerk's own template supplies styles, margins, header and footer,
like pandoc's --reference-doc, and any speech style it lacks is added from the
built-in definitions.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import zipfile
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..draft import XML_INVALID, Draft
from ..errors import UserError

if TYPE_CHECKING:
    from .docx_alternatives import Alternatives


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


# Stand-ins written into the cached template's core properties and replaced when a draft is
# stamped into it (docx_stamp); set_properties overwrites them on the python-docx path.
TITLE_MARK = "speechdraft-title-3c1e"
AUTHOR_MARK = "speechdraft-author-3c1e"
TIME_MARK = dt.datetime(2000, 1, 1)


def core_time(now: dt.datetime | None) -> dt.datetime:
    """The created/modified time a package gets: now (UTC) unless given, to the second, naive."""
    return (now or dt.datetime.now(dt.timezone.utc)).replace(microsecond=0, tzinfo=None)


DEFAULT_FONT_PROFILE = "gb2312"


def _profile_name(name: str | None) -> str:
    return name or DEFAULT_FONT_PROFILE


def _builtin_template(profile_name: str) -> bytes:
    return _builtin_package(profile_name)[0]


@lru_cache(maxsize=4)
def _builtin_package(profile_name: str) -> tuple[bytes, dict[str, str]]:
    """The built-in layout as an empty .docx, built once per font profile and kept in the start-up
    cache (keyed by the code that builds it and python-docx's own template), so a cold `generate`
    opens one finished package instead of styling a blank one. With it, the style id of each
    paragraph kind (and of the lead phrase, under "lead")."""
    from importlib.util import find_spec

    from .. import cache

    here = Path(__file__).parent
    sources = [
        here / name
        for name in ("docx.py", "docx_layout.py", "docx_package.py", "docx_schema.py", "docx_stamp.py")
    ]
    spec = find_spec("docx")  # found, not imported: a stamped draft never loads python-docx
    if spec is not None and spec.origin:
        sources.append(Path(spec.origin).parent / "templates" / "default.docx")
    return cache.cached(f"docxtemplate_{profile_name}", sources, lambda: _build_template(profile_name))


def _build_template(profile_name: str) -> tuple[bytes, dict[str, str]]:
    import docx

    from . import docx_layout as layout
    from .docx_package import modernise, set_properties

    profile = layout.profile_for(profile_name)
    document = docx.Document()
    _clear_body(document)
    layout.set_defaults(document, profile)
    layout.ensure_styles(document, replace=True, profile=profile)
    section = document.sections[0]
    layout.set_page(section)
    layout.set_page_numbers(document, section)
    modernise(document, profile, theme=True)
    set_properties(document, title=TITLE_MARK, author=AUTHOR_MARK, now=TIME_MARK)
    _in_schema_order(document)
    ids = {s.name: s.style_id for s in document.styles}
    kinds = {kind: ids[spec.name] for kind, spec in layout.PARAGRAPH_STYLES.items()}
    kinds["lead"] = ids[layout.LEAD]
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue(), kinds


def _in_schema_order(document: Any) -> None:
    from .docx_schema import put_in_schema_order

    for part in document.part.package.iter_parts():
        if str(part.partname).startswith("/word/") and hasattr(part, "element"):
            put_in_schema_order(part.element)


def new_document(reference: Path | None = None, font_profile: str | None = None) -> Any:
    """An empty document carrying the speech styles: built-in layout, or the user's template.

    A template keeps its page, header, footer and any speech style it defines; when it
    does not define the body style, its sections get the 22-line grid that style is made for.
    """
    import docx

    from . import docx_layout as layout
    from .docx_package import modernise

    profile = layout.profile_for(font_profile)
    if reference is not None:
        document = _open_reference(reference)
        _clear_body(document)
        own_body = layout.BODY.name in {s.name for s in document.styles}
        layout.ensure_styles(document, replace=False, profile=profile)
        if not own_body:
            for section in document.sections:
                layout.set_grid(section)
        modernise(document, profile, theme=False)
        return document
    return docx.Document(io.BytesIO(_builtin_template(profile.name)))


def _add_text(para: Any, text: str, lead: str, lead_style: str, cuts: set[int]) -> list[tuple[int, int, Any]]:
    """Runs for `text`: the lead phrase in its character style, split at `cuts` (comment anchors)."""
    lead_end = len(lead) if lead and text.startswith(lead) else 0
    points = sorted({0, len(text), lead_end, *(c for c in cuts if 0 < c < len(text))})
    runs = []
    for start, end in itertools.pairwise(points):
        run = para.add_run(text[start:end])
        if end <= lead_end:
            run._r.style = lead_style
        runs.append((start, end, run))
    return runs


def _add_title(para: Any, title: str) -> None:
    """The title as balanced lines, one line break between them (GB/T 9704 7.3.3)."""
    from .docx_title import title_lines

    for i, line in enumerate(title_lines(title)):
        run = para.add_run()
        if i:
            run.add_break()
        run.add_text(line)


def render_docx(
    draft: Draft,
    reference: Path | None = None,
    *,
    font_profile: str | None = None,
    author: str = "",
    alternatives: Mapping[str, Alternatives] | None = None,
    now: dt.datetime | None = None,
) -> bytes:
    """The draft as a .docx; with `alternatives`, other wordings of each slot as Word comments.

    The usual case (built-in layout, no comments) is stamped into the cached template without
    python-docx (docx_stamp: the same bytes, a fraction of the time); the rest is built here.
    """
    if reference is None and not alternatives:
        from .docx_stamp import stamp

        package, style_ids = _builtin_package(_profile_name(font_profile))
        stamped = stamp(draft, package, style_ids, author=author, now=now)
        if stamped is not None:
            return stamped
    return build_docx(
        draft, reference, font_profile=font_profile, author=author, alternatives=alternatives, now=now
    )


def build_docx(
    draft: Draft,
    reference: Path | None = None,
    *,
    font_profile: str | None = None,
    author: str = "",
    alternatives: Mapping[str, Alternatives] | None = None,
    now: dt.datetime | None = None,
) -> bytes:
    """The draft as a .docx built with python-docx: any template, any text, comments."""
    from . import docx_layout as layout
    from .docx_package import set_properties

    document = new_document(reference, font_profile)
    # Style ids looked up once: python-docx's lookup by name scans every style for each paragraph.
    ids = {s.name: s.style_id for s in document.styles}
    body = document._body
    texts = [_clean(p.text) for p in draft.paragraphs]
    spans: dict[int, list[tuple[str, int, int]]] = {}
    if alternatives:
        from . import docx_comments as comments

        spans = comments.anchors(draft, texts, alternatives)
    for i, p in enumerate(draft.paragraphs):
        para = body.add_paragraph()
        para._p.style = ids[layout.PARAGRAPH_STYLES[p.kind].name]
        text = texts[i]
        if p.kind == "title":
            _add_title(para, text)
            continue
        here = spans.get(i, [])
        runs = _add_text(para, text, _clean(p.lead), ids[layout.LEAD], comments.cuts(here) if here else set())
        if here and alternatives:
            comments.add_comments(document, runs, here, alternatives)
    set_properties(document, title=_clean(draft.title), author=_clean(author), now=now)
    _in_schema_order(document)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()
