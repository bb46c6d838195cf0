"""The official layout (GB/T 9704-2012) as Word styles and page settings.

Everything visual lives in named styles so a clerk can restyle the draft in
Word or WPS; the renderer only assigns styles to paragraphs. Chinese faces are
set for East Asian text (``w:eastAsia``) with theme fonts removed, so Word does
not fall back to a Japanese or Latin face, and quotes and ellipses, which
Unicode shares with Latin, use the same face through ``w:hint="eastAsia"``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

# Page: A4, margins top 37, bottom 35, left 28, right 26 mm.
PAGE_WIDTH_MM, PAGE_HEIGHT_MM = 210, 297
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
FOOTER_DISTANCE_MM = 28  # the page number sits about 7 mm below the last text line

# Text grid: 22 lines x 28 characters. 225 mm / 22 lines = 28.95 pt a line
# (a line grid of 579 twips plus exact line spacing). 156 mm / 28 characters
# = 15.79 pt a character: 三号 text is condensed by 0.25 pt in its style rather
# than through a character grid, which LibreOffice snaps to two cells a
# character; Word, WPS and LibreOffice then all set 28 characters a line.
LINE_PITCH_PT = 28.95
LINE_PITCH_TWIPS = 579
CONDENSE_TWIPS = -5  # w:spacing in 1/20 pt
LINES_PER_PAGE = 22
CHARS_PER_LINE = 28

SIZE_2HAO = Pt(22)  # 二号
SIZE_3HAO = Pt(16)  # 三号
SIZE_4HAO = Pt(14)  # 四号

FANGSONG = "仿宋_GB2312"
KAITI = "楷体_GB2312"
HEITI = "黑体"
XIAOBIAOSONG = "方正小标宋简体"
SONGTI = "宋体"


@dataclass(frozen=True)
class StyleSpec:
    """One named paragraph style: face, size, alignment, indent."""

    name: str
    face: str
    size: Any
    align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.JUSTIFY
    indent_chars: int = 2  # first-line indent in characters
    bold: bool = False
    outline_level: int | None = None
    space_before_lines: float = 0
    space_after_lines: float = 0
    line_pt: float = LINE_PITCH_PT
    condense: int = CONDENSE_TWIPS


# Paragraph kind of a Draft -> style. Names are documented in docs/WORD.md; a
# --reference-docx that defines a style of the same name keeps its own look.
TITLE = StyleSpec(
    "讲话稿标题",
    XIAOBIAOSONG,
    SIZE_2HAO,
    WD_ALIGN_PARAGRAPH.CENTER,
    0,
    space_after_lines=1,
    line_pt=35,
    condense=0,
)
BYLINE = StyleSpec("讲话稿署名", KAITI, SIZE_3HAO, WD_ALIGN_PARAGRAPH.CENTER, 0)
SALUTATION = StyleSpec("讲话稿称呼", FANGSONG, SIZE_3HAO, WD_ALIGN_PARAGRAPH.LEFT, 0, space_before_lines=1)
BODY = StyleSpec("讲话稿正文", FANGSONG, SIZE_3HAO)
HEADING1 = StyleSpec("讲话稿一级标题", HEITI, SIZE_3HAO, outline_level=0)
HEADING2 = StyleSpec("讲话稿二级标题", KAITI, SIZE_3HAO, outline_level=1)
PAGE_NUMBER = StyleSpec("讲话稿页码", SONGTI, SIZE_4HAO, WD_ALIGN_PARAGRAPH.RIGHT, 0, line_pt=0, condense=0)
LEAD = "讲话稿引领句"  # character style for 一是……。 lead phrases: bold, same face as the body

PARAGRAPH_STYLES: dict[str, StyleSpec] = {
    "title": TITLE,
    "byline": BYLINE,
    "salutation": SALUTATION,
    "body": BODY,
    "heading1": HEADING1,
    "heading2": HEADING2,
}
STYLE_NAMES = [s.name for s in (*PARAGRAPH_STYLES.values(), PAGE_NUMBER)] + [LEAD]


def set_east_asian_font(rpr: Any, face: str) -> None:
    """Set one face for every script, drop theme fonts, mark East Asian, language zh-CN."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    strip_theme_fonts(fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), face)
    fonts.set(qn("w:hint"), "eastAsia")
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "zh-CN")
    lang.set(qn("w:eastAsia"), "zh-CN")


def strip_theme_fonts(fonts: Any) -> None:
    for attr in list(fonts.attrib):
        if attr.lower().endswith("theme}") or attr.endswith("Theme") or attr.endswith("theme"):
            del fonts.attrib[attr]


def _first_line_chars(ppr: Any, chars: int, size_pt: float) -> None:
    """Indent by characters (firstLineChars) with the twips equivalent (firstLine) for older readers."""
    ind = ppr.find(qn("w:ind"))
    if ind is None:
        ind = OxmlElement("w:ind")
        ppr.append(ind)
    ind.set(qn("w:firstLineChars"), str(chars * 100))
    ind.set(qn("w:firstLine"), str(round(chars * size_pt * 20)))


def _outline(ppr: Any, level: int) -> None:
    el = OxmlElement("w:outlineLvl")
    el.set(qn("w:val"), str(level))
    ppr.append(el)


def ensure_styles(document: Any, *, replace: bool) -> None:
    """Add the speech styles. With `replace=False` a style the document already has is kept as is."""
    styles = document.styles
    existing = {s.name for s in styles}
    for spec in (*PARAGRAPH_STYLES.values(), PAGE_NUMBER):
        if spec.name in existing and not replace:
            continue
        style = (
            styles[spec.name]
            if spec.name in existing
            else styles.add_style(spec.name, WD_STYLE_TYPE.PARAGRAPH)
        )
        style.base_style = None
        style.quick_style = True
        font = style.font
        font.size = spec.size
        font.bold = spec.bold
        rpr = style.element.get_or_add_rPr()
        set_east_asian_font(rpr, spec.face)
        if spec.condense:
            spacing = OxmlElement("w:spacing")
            spacing.set(qn("w:val"), str(spec.condense))
            rpr.insert_element_before(spacing, "w:w", "w:kern", "w:position", "w:sz", "w:szCs", "w:lang")
        fmt = style.paragraph_format
        fmt.alignment = spec.align
        fmt.space_before = Pt(spec.space_before_lines * LINE_PITCH_PT)
        fmt.space_after = Pt(spec.space_after_lines * LINE_PITCH_PT)
        if spec.line_pt:
            fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            fmt.line_spacing = Pt(spec.line_pt)
        fmt.widow_control = False
        ppr = style.element.get_or_add_pPr()
        if spec.indent_chars:
            _first_line_chars(ppr, spec.indent_chars, spec.size.pt)
        if spec.outline_level is not None:
            _outline(ppr, spec.outline_level)
    if LEAD not in existing or replace:
        lead = styles[LEAD] if LEAD in existing else styles.add_style(LEAD, WD_STYLE_TYPE.CHARACTER)
        lead.quick_style = True
        lead.font.bold = True


def set_defaults(document: Any) -> None:
    """Document defaults: 仿宋_GB2312 三号 zh-CN, and no theme fonts anywhere in styles.xml."""
    root = document.styles.element
    rpr_default = root.find(qn("w:docDefaults") + "/" + qn("w:rPrDefault") + "/" + qn("w:rPr"))
    if rpr_default is not None:
        set_east_asian_font(rpr_default, FANGSONG)
        # The text grid's character pitch is relative to the default size, so it must be 三号.
        for tag in ("w:sz", "w:szCs"):
            el = rpr_default.find(qn(tag))
            if el is None:
                el = OxmlElement(tag)
                rpr_default.append(el)
            el.set(qn("w:val"), str(int(SIZE_3HAO.pt * 2)))
    for fonts in root.iter(qn("w:rFonts")):
        strip_theme_fonts(fonts)
    normal = document.styles["Normal"]
    normal.font.size = SIZE_3HAO
    set_east_asian_font(normal.element.get_or_add_rPr(), FANGSONG)


def set_page(section: Any) -> None:
    """A4 portrait, GB/T 9704 margins, the 22 x 28 text grid."""
    section.page_width = Mm(PAGE_WIDTH_MM)
    section.page_height = Mm(PAGE_HEIGHT_MM)
    section.top_margin = Mm(MARGINS_MM["top"])
    section.bottom_margin = Mm(MARGINS_MM["bottom"])
    section.left_margin = Mm(MARGINS_MM["left"])
    section.right_margin = Mm(MARGINS_MM["right"])
    section.footer_distance = Mm(FOOTER_DISTANCE_MM)
    section.header_distance = Mm(15)
    sect = section._sectPr
    grid = sect.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sect.append(grid)
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(LINE_PITCH_TWIPS))
    if qn("w:charSpace") in grid.attrib:
        del grid.attrib[qn("w:charSpace")]


def _page_field(paragraph: Any) -> None:
    """ "— N —" with N a PAGE field (begin / instrText / separate / result / end)."""

    def run(text: str | None = None, fld: str | None = None, instr: str | None = None) -> None:
        r = paragraph.add_run()
        if fld:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), fld)
            r._r.append(el)
        elif instr:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = instr
            r._r.append(el)
        elif text is not None:
            r.text = text

    run("— ")
    run(fld="begin")
    run(instr=" PAGE ")
    run(fld="separate")
    run("1")
    run(fld="end")
    run(" —")


def set_page_numbers(document: Any, section: Any) -> None:
    """Odd pages right, even pages left, each one character in from the edge (GB/T 9704 7.5)."""
    document.settings.odd_and_even_pages_header_footer = True
    one_char = Pt(14)
    for footer, align in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        footer.is_linked_to_previous = False
        body = footer._element
        for p in list(body.findall(qn("w:p"))):
            body.remove(p)
        para = footer.add_paragraph(style=document.styles[PAGE_NUMBER.name])
        para.alignment = align
        if align == WD_ALIGN_PARAGRAPH.RIGHT:
            para.paragraph_format.right_indent = one_char
        else:
            para.paragraph_format.left_indent = one_char
        _page_field(para)
