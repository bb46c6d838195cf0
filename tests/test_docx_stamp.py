"""The quick Word path (a draft stamped into the cached template) writes what python-docx writes."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from conftest import EXAMPLES

from generator.api import draft_from_brief
from generator.draft import Draft, Paragraph
from generator.render import docx as docx_render
from generator.render.docx import build_docx, render_docx

NOW = dt.datetime(2026, 3, 2, 9, 30, 0)


def _parts(data: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return [(i.filename, z.read(i)) for i in z.infolist()]


def _same_package(draft: Draft, **kw) -> None:
    stamped = render_docx(draft, now=NOW, **kw)
    built = build_docx(draft, now=NOW, **kw)
    a, b = _parts(stamped), _parts(built)
    assert [n for n, _ in a] == [n for n, _ in b]
    for (name, x), (_, y) in zip(a, b, strict=True):
        assert x == y, f"{name} differs"


@pytest.mark.parametrize("profile", ["gb2312", "windows"])
def test_every_example_draft_is_the_same_package_either_way(library, example_briefs, profile):
    for path in EXAMPLES:
        brief = example_briefs[path.stem]
        for seed in (1, 2):
            draft = draft_from_brief(brief, library, seed)
            assert draft.paragraphs and any(p.lead for p in draft.paragraphs)
            _same_package(draft, font_profile=profile, author=brief.speaker or "")


def test_edge_texts_are_the_same_package_either_way():
    title = "在县直机关党建工作推进暨业务培训会上的讲话"  # two lines, a break between them
    paras = [
        Paragraph("title", title),
        Paragraph("byline", " 县委书记 XXX "),  # spaces kept at both ends
        Paragraph("salutation", "同志们："),
        Paragraph("heading1", "一、要坚持<党建>&“引领”\x07"),
        Paragraph("body", "一是全文都是引领句。", lead="一是全文都是引领句。"),
        Paragraph("body", "二是有引领句。后面还有话&。", lead="二是有引领句。"),
        Paragraph("body", "引领句对不上的段落。", lead="不在开头"),
        Paragraph("body", ""),
    ]
    _same_package(Draft("x", "x", 2026, paras), author="A&B <办公室>")
    _same_package(Draft("x", "x", 2026, paras), author="")


def test_text_python_docx_would_turn_into_tabs_or_breaks_goes_the_long_way(monkeypatch):
    draft = Draft("x", "x", 2026, [Paragraph("title", "标题"), Paragraph("body", "第一行\n第二行\t完")])
    built = []
    real = docx_render.build_docx
    monkeypatch.setattr(docx_render, "build_docx", lambda *a, **k: built.append(1) or real(*a, **k))
    data = render_docx(draft, now=NOW)
    assert built == [1]
    document = dict(_parts(data))["word/document.xml"].decode()
    assert "<w:br/>" in document and "<w:tab/>" in document


def test_the_template_is_cached_and_a_corrupt_cache_is_rebuilt(
    tmp_path, monkeypatch, library, example_briefs
):
    monkeypatch.setenv("SPEECHDRAFT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("SPEECHDRAFT_NO_CACHE", raising=False)
    docx_render._builtin_package.cache_clear()
    draft = draft_from_brief(example_briefs["county-push"], library, 4)
    first = render_docx(draft, now=NOW)
    cached = list((tmp_path / "cache").glob("docxtemplate_gb2312-*.pickle"))
    assert len(cached) == 1
    cached[0].write_bytes(b"not a pickle")
    docx_render._builtin_package.cache_clear()
    try:
        assert _parts(render_docx(draft, now=NOW)) == _parts(first)
    finally:
        docx_render._builtin_package.cache_clear()
