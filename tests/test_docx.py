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
        # A long title is set as balanced lines with line breaks between them.
        assert para.text.replace("\n", "") == src.text
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


# Page flow, fonts, package ---------------------------------------------------------------------


def test_headings_keep_with_next_and_body_has_widow_control(document):
    for name in ("讲话稿一级标题", "讲话稿二级标题", "讲话稿标题"):
        fmt = document.styles[name].paragraph_format
        assert fmt.keep_with_next is True and fmt.keep_together is True, name
    assert document.styles["讲话稿正文"].paragraph_format.widow_control is True
    assert document.styles["讲话稿称呼"].paragraph_format.keep_with_next is True


def test_page_number_line_is_exact_14pt_off_the_grid_and_footer_leaves_7mm(document):
    style = document.styles["讲话稿页码"]
    assert style.paragraph_format.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert style.paragraph_format.line_spacing == Pt(14)
    assert style.element.pPr.find(qn("w:snapToGrid")).get(qn("w:val")) == "0"
    s = document.sections[0]
    # bottom margin - footer distance = gap above the number + its 14 pt line (+ under 1 mm of ascent)
    gap_mm = (s.bottom_margin - s.footer_distance) / Mm(1) - 14 * 25.4 / 72
    assert 6 <= gap_mm <= 8, gap_mm


def _part_xml(data: bytes, name: str) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read(name).decode("utf-8")


@pytest.fixture(scope="module")
def docx_bytes(draft) -> bytes:
    return render_docx(draft, author="县委书记 XXX")


def test_font_table_names_the_chinese_faces_with_alt_names_and_gb2312(docx_bytes):
    from lxml import etree

    root = etree.fromstring(_part_xml(docx_bytes, "word/fontTable.xml").encode("utf-8"))
    fonts = {f.get(qn("w:name")): f for f in root.findall(qn("w:font"))}
    expected_alt = {"仿宋_GB2312": "仿宋", "楷体_GB2312": "楷体", "方正小标宋简体": "宋体", "黑体": "SimHei"}
    for face, alt in expected_alt.items():
        assert face in fonts, face
        assert fonts[face].find(qn("w:altName")).get(qn("w:val")) == alt
        assert fonts[face].find(qn("w:charset")).get(qn("w:val")) == "86"  # GB2312
    assert "宋体" in fonts
    assert not any(f.find(qn("w:charset")).get(qn("w:val")) == "80" for f in fonts.values()), "Japanese faces"


def test_theme_and_settings_are_chinese_and_word_2013(docx_bytes):
    settings = _part_xml(docx_bytes, "word/settings.xml")
    assert re.search(r'<w:themeFontLang [^>]*w:eastAsia="zh-CN"', settings)
    assert "ja-JP" not in settings
    assert re.search(r'w:name="compatibilityMode"[^>]*w:val="15"', settings)
    theme = _part_xml(docx_bytes, "word/theme/theme1.xml")
    assert 'script="Jpan"' not in theme and "ＭＳ" not in theme
    assert '<a:ea typeface="仿宋_GB2312"/>' in theme and '<a:ea typeface="黑体"/>' in theme
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as z:
        names = z.namelist()
        rels = z.read("word/_rels/document.xml.rels").decode() + z.read("_rels/.rels").decode()
        types = z.read("[Content_Types].xml").decode()
    assert not [n for n in names if "stylesWithEffects" in n or "thumbnail" in n or n.startswith("customXml")]
    assert "stylesWithEffects" not in rels + types and "thumbnail" not in rels


def test_core_properties_come_from_the_draft(docx_bytes, draft):
    import datetime as dt

    props = docx.Document(io.BytesIO(docx_bytes)).core_properties
    assert props.title == draft.title
    assert props.author == "县委书记 XXX"
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    for stamp in (props.created, props.modified):
        assert abs((now - stamp.replace(tzinfo=None)).total_seconds()) < 300, stamp
    app = _part_xml(docx_bytes, "docProps/app.xml")
    assert "<Application>speechdraft</Application>" in app and "Macintosh" not in app
    assert docx.Document(io.BytesIO(render_docx(draft))).core_properties.author == ""


# Child order from the ISO/IEC 29500 schema (CT_PPrBase, EG_RPrBase, CT_SectPr), written out here
# independently of the renderer's own table.
SCHEMA_ORDER = {
    "pPr": "pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr suppressLineNumbers pBdr "
    "shd tabs suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE autoSpaceDN "
    "bidi adjustRightInd snapToGrid spacing ind contextualSpacing mirrorIndents suppressOverlap jc "
    "textDirection textAlignment textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange",
    "rPr": "rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss imprint noProof "
    "snapToGrid vanish webHidden color spacing w kern position sz szCs highlight u effect bdr shd fitText "
    "vertAlign rtl cs em lang eastAsianLayout specVanish oMath",
    "sectPr": "headerReference footerReference footnotePr endnotePr type pgSz pgMar paperSrc pgBorders "
    "lnNumType pgNumType cols formProt vAlign noEndnote titlePg textDirection bidi rtlGutter docGrid "
    "printerSettings",
}


def _order_errors(xml: str) -> list[str]:
    from lxml import etree

    root = etree.fromstring(xml.encode("utf-8"))
    errors = []
    for parent, names in SCHEMA_ORDER.items():
        rank = {qn(f"w:{n}"): i for i, n in enumerate(names.split())}
        for el in root.iter(qn(f"w:{parent}")):
            tags = [c.tag for c in el]
            unknown = [t for t in tags if t not in rank]
            assert not unknown, f"{parent}: unexpected {unknown}"
            ranks = [rank[t] for t in tags]
            if ranks != sorted(ranks):
                errors.append(f"{parent}: " + " ".join(t.split("}")[1] for t in tags))
    return errors


def test_properties_follow_the_schema_order(docx_bytes):
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as z:
        parts = [n for n in z.namelist() if re.fullmatch(r"word/(styles|document|footer\d+)\.xml", n)]
        assert {"word/styles.xml", "word/document.xml"} <= set(parts)
        for name in parts:
            assert _order_errors(z.read(name).decode("utf-8")) == [], name
    styles = _part_xml(docx_bytes, "word/styles.xml")
    body = re.search(r'w:styleId="[^"]*"><w:name w:val="讲话稿正文"/>.*?</w:style>', styles, re.S).group(0)
    assert body.index("<w:ind ") < body.index("<w:jc ")


def test_schema_order_check_catches_jc_before_ind():
    xml = (
        '<w:p xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        '<w:pPr><w:jc w:val="both"/><w:ind w:firstLine="640"/></w:pPr></w:p>'
    )
    assert _order_errors(xml) == ["pPr: jc ind"]


def test_windows_font_profile_uses_faces_a_stock_pc_has(draft):
    data = render_docx(draft, font_profile="windows")
    doc = docx.Document(io.BytesIO(data))
    faces = {name: _fonts(doc.styles[name])["eastAsia"] for name in EXPECTED_FACE}
    assert faces == {
        "讲话稿标题": "宋体",
        "讲话稿署名": "楷体",
        "讲话稿称呼": "仿宋",
        "讲话稿正文": "仿宋",
        "讲话稿一级标题": "黑体",
        "讲话稿二级标题": "楷体",
        "讲话稿页码": "宋体",
    }
    assert doc.styles["讲话稿标题"].font.bold is True
    assert "_GB2312" not in doc.styles.element.xml
    table = _part_xml(data, "word/fontTable.xml")
    assert 'w:name="仿宋"' in table and 'w:val="FangSong"' in table


def test_long_title_is_broken_into_balanced_lines():
    title = "在县直机关党建工作推进暨业务培训会上的讲话"
    d = Draft("x", "x", 2026, [Paragraph("title", title), Paragraph("body", "正文。")])
    para = docx.Document(io.BytesIO(render_docx(d))).paragraphs[0]
    assert para.text.split("\n") == ["在县直机关党建工作推进暨", "业务培训会上的讲话"]
    assert len(para._p.findall(f".//{qn('w:br')}")) == 1


def test_heading_styles_are_based_on_word_headings_but_look_their_own(document):
    h1 = document.styles["讲话稿一级标题"]
    assert h1.base_style is not None and h1.base_style.name == "Heading 1"
    assert document.styles["讲话稿二级标题"].base_style.name == "Heading 2"
    assert h1.font.color.rgb is not None and str(h1.font.color.rgb) == "000000"
    assert h1.font.italic is False


def _pandoc() -> str | None:
    return shutil.which("pandoc")


@pytest.mark.skipif(
    _pandoc() is None and not os.environ.get("SPEECHDRAFT_REQUIRE_PANDOC"),
    reason="pandoc not installed (CI installs it and sets SPEECHDRAFT_REQUIRE_PANDOC=1)",
)
def test_pandoc_sees_the_level_one_headings(tmp_path, draft):
    pandoc = _pandoc()
    assert pandoc, "SPEECHDRAFT_REQUIRE_PANDOC is set but pandoc is missing"
    src = tmp_path / "draft.docx"
    src.write_bytes(render_docx(draft))
    md = subprocess.run(
        [pandoc, "-f", "docx", "-t", "markdown", str(src)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    level1 = [re.sub(r"\s*\{.*\}$", "", ln[2:]) for ln in md.splitlines() if ln.startswith("# ")]
    expected = [p.text for p in draft.paragraphs if p.kind == "heading1"]
    assert expected and level1 == expected
    level2 = [ln for ln in md.splitlines() if ln.startswith("## ")]
    assert len(level2) == sum(p.kind == "heading2" for p in draft.paragraphs)


def test_reference_docx_gets_the_grid_unless_it_has_its_own_body_style(tmp_path, draft):
    ref = docx.Document()
    path = tmp_path / "plain.docx"
    ref.save(str(path))
    out = docx.Document(io.BytesIO(render_docx(draft, reference=path)))
    grid = out.sections[0]._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:linePitch")) == "579" and grid.get(qn("w:charSpace")) is None
    own = docx.Document()
    own.styles.add_style("讲话稿正文", 1)
    own.sections[0]._sectPr.find(qn("w:docGrid")).set(qn("w:linePitch"), "312")
    path2 = tmp_path / "own.docx"
    own.save(str(path2))
    kept = docx.Document(io.BytesIO(render_docx(draft, reference=path2)))
    assert kept.sections[0]._sectPr.find(qn("w:docGrid")).get(qn("w:linePitch")) == "312"


def test_cli_font_profile_windows(tmp_path):
    brief = ROOT / "examples" / "county-push.yaml"
    out = tmp_path / "w.docx"
    result = CliRunner().invoke(main, ["generate", str(brief), "-o", str(out), "--font-profile", "windows"])
    assert result.exit_code == 0, result.output
    styles = _part_xml(out.read_bytes(), "word/styles.xml")
    assert "仿宋_GB2312" not in styles and 'w:eastAsia="仿宋"' in styles
    props = docx.Document(str(out)).core_properties
    assert props.author == "县委常委、组织部部长 XXX"
