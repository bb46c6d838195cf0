"""The Word file: reopened with python-docx and inspected, then converted by LibreOffice."""

from __future__ import annotations

import io
import math
import os
import random
import re
import shutil
import subprocess
import zipfile

import docx
import pytest
from click.testing import CliRunner
from conftest import ROOT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from generator.brief import Brief
from generator.cli import main
from generator.compose import compose
from generator.draft import Draft, Paragraph
from generator.render import docx_layout as layout
from generator.render.docx import render_docx

EXPECTED_STYLE = {
    "title": "讲话稿标题",
    "byline": "讲话稿署名",
    "salutation": "讲话稿称呼",
    "body": "讲话稿正文",
    "heading1": "讲话稿一级标题",
    "heading2": "讲话稿二级标题",
}
EXPECTED_FACE = {
    "讲话稿标题": ("方正小标宋简体", 22),
    "讲话稿署名": ("楷体_GB2312", 16),
    "讲话稿称呼": ("仿宋_GB2312", 16),
    "讲话稿正文": ("仿宋_GB2312", 16),
    "讲话稿一级标题": ("黑体", 16),
    "讲话稿二级标题": ("楷体_GB2312", 16),
    "讲话稿页码": ("宋体", 14),
}


@pytest.fixture(scope="module")
def draft(synthetic_library) -> Draft:
    brief = Brief.model_validate(
        {
            "meeting": {"name": "基层党建重点任务推进会", "kind": "推进会"},
            "scope": "县",
            "place": "青山县",
            "year": 2026,
            "points": 4,
            "domains": ["农村", "社区", "学校"],
        }
    )
    skel = synthetic_library.skeletons["sidian-yijian"]
    return compose(brief, synthetic_library.bank, skel, random.Random(3))


@pytest.fixture(scope="module")
def document(draft):
    return docx.Document(io.BytesIO(render_docx(draft)))


def test_page_size_and_margins(document):
    s = document.sections[0]
    assert abs(s.page_width - Mm(210)) < Mm(0.5) and abs(s.page_height - Mm(297)) < Mm(0.5)
    for side, mm in (("top", 37), ("bottom", 35), ("left", 28), ("right", 26)):
        assert abs(getattr(s, f"{side}_margin") - Mm(mm)) < Mm(0.2), side
    grid = s._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:linePitch")) == "579"
    # 22 lines of 28.95 pt fill the 225 mm text height.
    text_height_pt = (297 - 37 - 35) / 25.4 * 72
    assert round(text_height_pt / layout.LINE_PITCH_PT) == 22


def test_every_paragraph_gets_its_style_and_no_direct_run_formatting(document, draft):
    paras = document.paragraphs
    assert len(paras) == len(draft.paragraphs)
    for para, src in zip(paras, draft.paragraphs, strict=False):
        assert para.style.name == EXPECTED_STYLE[src.kind]
        assert para.text == src.text
        for run in para.runs:
            rpr = run._r.rPr
            # Only a character style may be applied to a run (the bold lead phrase).
            if rpr is not None:
                assert [c.tag for c in rpr] == [qn("w:rStyle")], para.text[:20]
        assert para._p.pPr.find(qn("w:ind")) is None, "indent belongs to the style"
    salutation = next(p for p in paras if p.text == "同志们：")
    assert salutation.style.name == "讲话稿称呼"


def test_lead_phrases_use_the_character_style(document, draft):
    leads = [p for p in draft.paragraphs if p.lead]
    assert leads
    styled = [
        r.text
        for p in document.paragraphs
        for r in p.runs
        if r.style is not None and r.style.name == layout.LEAD
    ]
    assert styled == [p.lead for p in leads]
    assert document.styles[layout.LEAD].font.bold is True


def _fonts(style) -> dict[str, str]:
    rfonts = style.element.rPr.find(qn("w:rFonts"))
    return {k.split("}")[1]: v for k, v in rfonts.attrib.items()}


def test_styles_fonts_sizes_indents_and_spacing(document):
    for name, (face, size) in EXPECTED_FACE.items():
        style = document.styles[name]
        fonts = _fonts(style)
        assert fonts["eastAsia"] == face and fonts["ascii"] == face and fonts["hAnsi"] == face, name
        assert fonts["hint"] == "eastAsia"
        assert not any("theme" in k.lower() for k in fonts), name
        assert style.font.size == Pt(size), name
        lang = style.element.rPr.find(qn("w:lang"))
        assert lang.get(qn("w:eastAsia")) == "zh-CN"
    body = document.styles["讲话稿正文"]
    ind = body.element.pPr.find(qn("w:ind"))
    assert ind.get(qn("w:firstLineChars")) == "200" and ind.get(qn("w:firstLine")) == "640"
    assert body.paragraph_format.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert abs(body.paragraph_format.line_spacing.pt - 28.95) < 0.05
    assert document.styles["讲话稿称呼"].element.pPr.find(qn("w:ind")) is None
    assert document.styles["讲话稿标题"].paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert document.styles["讲话稿署名"].paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
    for name in ("讲话稿一级标题", "讲话稿二级标题"):
        assert document.styles[name].element.pPr.find(qn("w:outlineLvl")) is not None


def test_no_theme_fonts_anywhere_in_styles(document):
    xml = document.styles.element.xml
    assert not re.search(r"w:(ascii|hAnsi|eastAsia|cs)Theme=|w:cstheme=", xml)
    defaults = document.styles.element.find(qn("w:docDefaults"))
    rfonts = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:rFonts')}")
    assert rfonts.get(qn("w:eastAsia")) == "仿宋_GB2312"


def test_page_numbers_odd_right_even_left_with_page_field(document):
    assert document.settings.odd_and_even_pages_header_footer
    s = document.sections[0]
    for footer, align in (
        (s.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (s.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        para = footer.paragraphs[0]
        assert para.style.name == "讲话稿页码"
        assert para.alignment == align
        xml = para._p.xml
        assert "PAGE" in "".join(t.text or "" for t in para._p.iter(qn("w:instrText")))
        assert xml.count("w:fldCharType") == 3
        assert para.text.startswith("— ") and para.text.endswith(" —")


def test_control_and_xml_special_characters_are_safe():
    text = "要坚持<党建>&“引领”\x07，{{ whole }}。"
    d = Draft("x", "x", 2026, [Paragraph("title", "标题"), Paragraph("body", text)])
    reopened = docx.Document(io.BytesIO(render_docx(d)))
    assert reopened.paragraphs[1].text == "要坚持<党建>&“引领”，{{ whole }}。"


def test_reference_docx_supplies_styles_and_margins(tmp_path, draft):
    ref = docx.Document()
    ref.sections[0].left_margin = Mm(40)
    body = ref.styles.add_style("讲话稿正文", 1)
    body.font.size = Pt(15)
    ref.sections[0].header.paragraphs[0].text = "本单位页眉"
    ref.add_paragraph("模板里的示例文字")
    path = tmp_path / "ref.docx"
    ref.save(str(path))
    out = docx.Document(io.BytesIO(render_docx(draft, reference=path)))
    assert abs(out.sections[0].left_margin - Mm(40)) < Mm(0.2)
    assert out.styles["讲话稿正文"].font.size == Pt(15), "the template's own style wins"
    assert out.styles["讲话稿一级标题"].font.size == Pt(16), "missing styles come from the built-in layout"
    assert out.sections[0].header.paragraphs[0].text == "本单位页眉"
    assert "模板里的示例文字" not in [p.text for p in out.paragraphs]
    assert out.paragraphs[0].style.name == "讲话稿标题"


def test_cli_reference_docx_errors(tmp_path):
    brief = ROOT / "examples" / "county-push.yaml"
    bad = tmp_path / "bad.docx"
    bad.write_text("not a zip", "utf-8")
    result = CliRunner().invoke(
        main, ["generate", str(brief), "-o", str(tmp_path / "o.docx"), "--reference-docx", str(bad)]
    )
    assert result.exit_code == 1
    assert "Word 模板" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "o.docx").exists()


def _expected_pages(draft: Draft) -> int:
    """Lines each paragraph takes at 28 characters a line, 22 lines a page (title block counted apart)."""
    lines = 0.0
    for p in draft.paragraphs:
        if p.kind == "title":
            lines += math.ceil(len(p.text) / 20) * 35 / 28.95 + 1
        else:
            indent = 2 if p.kind in ("body", "heading1", "heading2") else 0
            lines += math.ceil((len(p.text) + indent) / layout.CHARS_PER_LINE)
            lines += p.kind == "salutation"
    return math.ceil(lines / layout.LINES_PER_PAGE)


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(
    _soffice() is None and not os.environ.get("SPEECHDRAFT_REQUIRE_SOFFICE"),
    reason="LibreOffice not installed (CI installs it and sets SPEECHDRAFT_REQUIRE_SOFFICE=1)",
)
def test_libreoffice_converts_to_a4_pdf_with_expected_pages(tmp_path, draft):
    soffice = _soffice()
    assert soffice, "SPEECHDRAFT_REQUIRE_SOFFICE is set but LibreOffice is missing"
    src = tmp_path / "draft.docx"
    src.write_bytes(render_docx(draft))
    env = dict(os.environ, HOME=str(tmp_path), FONTCONFIG_FILE=str(ROOT / "tests" / "fonts.conf"))
    subprocess.run(
        [soffice, "--headless", "--norestore", "--convert-to", "pdf", "--outdir", str(tmp_path), str(src)],
        check=True,
        capture_output=True,
        timeout=180,
        env=env,
    )
    pdf = (tmp_path / "draft.pdf").read_bytes()
    boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf)
    assert boxes, "no page in the PDF"
    for w, h in boxes:
        assert abs(float(w) - 595.3) < 1 and abs(float(h) - 841.9) < 1, (w, h)
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
    expected = _expected_pages(draft)
    assert abs(pages - expected) <= 1, f"{pages} pages, expected about {expected}"
    assert zipfile.is_zipfile(src)


def test_expected_pages_estimate_is_sane(draft):
    assert 2 <= _expected_pages(draft) <= 8
