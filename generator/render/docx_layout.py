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

from .docx import DEFAULT_FONT_PROFILE

# Page: A4, margins top 37, bottom 35, left 28, right 26 mm.
PAGE_WIDTH_MM, PAGE_HEIGHT_MM = 210, 297
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
# GB/T 9704 7.5: the page number sits 7 mm below the text block. Word measures the footer distance
# from the page edge to the bottom of the footer, so: 35 mm margin - 7 mm - one exact 14 pt line
# (4.9 mm) - the 0.8 mm a CJK face's glyphs rise above that line.
PAGE_NUMBER_GAP_MM = 7
PAGE_NUMBER_LINE_PT = 14
FOOTER_DISTANCE_MM = round(35 - PAGE_NUMBER_GAP_MM - PAGE_NUMBER_LINE_PT * 25.4 / 72 - 0.8, 1)

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
class FontProfile:
    """The faces behind each role: the official names, or what a stock Windows PC has."""

    name: str
    faces: dict[str, str]  # role (fangsong, kaiti, heiti, title, songti) -> face name
    title_bold: bool = False  # a stand-in for 小标宋 is set bold to keep the title's weight


FONT_PROFILES: dict[str, FontProfile] = {
    "gb2312": FontProfile(
        "gb2312",
        {"fangsong": FANGSONG, "kaiti": KAITI, "heiti": HEITI, "title": XIAOBIAOSONG, "songti": SONGTI},
    ),
    "windows": FontProfile(
        "windows",
        {"fangsong": "仿宋", "kaiti": "楷体", "heiti": HEITI, "title": SONGTI, "songti": SONGTI},
        title_bold=True,
    ),
}
DEFAULT_PROFILE = DEFAULT_FONT_PROFILE


@dataclass(frozen=True)
class StyleSpec:
    """One named paragraph style: face role, size, alignment, indent, how it breaks across pages."""

    name: str
    role: str  # a FontProfile role
    size: Any
    align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.JUSTIFY
    indent_chars: int = 2  # first-line indent in characters
    bold: bool = False
    outline_level: int | None = None
    space_before_lines: float = 0
    space_after_lines: float = 0
    line_pt: float = LINE_PITCH_PT
    condense: int = CONDENSE_TWIPS
    keep_with_next: bool = False  # never the last line of a page
    keep_together: bool = False  # never split across pages
    widow_control: bool = True
    based_on: str | None = None  # a built-in heading style, so converters (pandoc) see a heading
    snap_to_grid: bool = True


# Paragraph kind of a Draft -> style. Names are documented in docs/WORD.md; a
# --reference-docx that defines a style of the same name keeps its own look.
TITLE = StyleSpec(
    "讲话稿标题",
    "title",
    SIZE_2HAO,
    WD_ALIGN_PARAGRAPH.CENTER,
    0,
    space_after_lines=1,
    line_pt=35,
    condense=0,
    keep_with_next=True,
    keep_together=True,
)
BYLINE = StyleSpec("讲话稿署名", "kaiti", SIZE_3HAO, WD_ALIGN_PARAGRAPH.CENTER, 0, keep_with_next=True)
SALUTATION = StyleSpec(
    "讲话稿称呼", "fangsong", SIZE_3HAO, WD_ALIGN_PARAGRAPH.LEFT, 0, space_before_lines=1, keep_with_next=True
)
BODY = StyleSpec("讲话稿正文", "fangsong", SIZE_3HAO)
HEADING1 = StyleSpec(
    "讲话稿一级标题",
    "heiti",
    SIZE_3HAO,
    outline_level=0,
    keep_with_next=True,
    keep_together=True,
    based_on="Heading 1",
)
HEADING2 = StyleSpec(
    "讲话稿二级标题",
    "kaiti",
    SIZE_3HAO,
    outline_level=1,
    keep_with_next=True,
    keep_together=True,
    based_on="Heading 2",
)
# An exact 14 pt line off the grid: inherited auto spacing would make the footer taller than its room.
PAGE_NUMBER = StyleSpec(
    "讲话稿页码",
    "songti",
    SIZE_4HAO,
    WD_ALIGN_PARAGRAPH.RIGHT,
    0,
    line_pt=PAGE_NUMBER_LINE_PT,
    condense=0,
    snap_to_grid=False,
)
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


def _snap_off(ppr: Any) -> None:
    el = ppr.find(qn("w:snapToGrid"))
    if el is None:
        el = OxmlElement("w:snapToGrid")
        ppr.append(el)
    el.set(qn("w:val"), "0")


def _plain_run(rpr: Any) -> None:
    """Black, upright: what a heading based on Word's blue Heading 1 must not inherit."""
    color = rpr.find(qn("w:color"))
    if color is None:
        color = OxmlElement("w:color")
        rpr.append(color)
    for attr in list(color.attrib):
        del color.attrib[attr]
    color.set(qn("w:val"), "000000")


def profile_for(name: str | None) -> FontProfile:
    return FONT_PROFILES[name or DEFAULT_PROFILE]


def ensure_styles(document: Any, *, replace: bool, profile: FontProfile | None = None) -> None:
    """Add the speech styles. With `replace=False` a style the document already has is kept as is."""
    profile = profile or profile_for(None)
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
        style.base_style = styles[spec.based_on] if spec.based_on and spec.based_on in existing else None
        style.quick_style = True
        font = style.font
        font.size = spec.size
        font.bold = spec.bold or (spec.role == "title" and profile.title_bold)
        font.italic = False
        rpr = style.element.get_or_add_rPr()
        set_east_asian_font(rpr, profile.faces[spec.role])
        _plain_run(rpr)
        if spec.condense:
            spacing = OxmlElement("w:spacing")
            spacing.set(qn("w:val"), str(spec.condense))
            rpr.append(spacing)
        fmt = style.paragraph_format
        fmt.alignment = spec.align
        fmt.space_before = Pt(spec.space_before_lines * LINE_PITCH_PT)
        fmt.space_after = Pt(spec.space_after_lines * LINE_PITCH_PT)
        if spec.line_pt:
            fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            fmt.line_spacing = Pt(spec.line_pt)
        fmt.widow_control = spec.widow_control
        fmt.keep_with_next = spec.keep_with_next
        fmt.keep_together = spec.keep_together
        ppr = style.element.get_or_add_pPr()
        if spec.indent_chars:
            _first_line_chars(ppr, spec.indent_chars, spec.size.pt)
        if not spec.snap_to_grid:
            _snap_off(ppr)
        if spec.outline_level is not None:
            _outline(ppr, spec.outline_level)
    if LEAD not in existing or replace:
        lead = styles[LEAD] if LEAD in existing else styles.add_style(LEAD, WD_STYLE_TYPE.CHARACTER)
        lead.quick_style = True
        lead.font.bold = True


def set_defaults(document: Any, profile: FontProfile | None = None) -> None:
    """Document defaults: the body face 三号 zh-CN, and no theme fonts anywhere in styles.xml."""
    face = (profile or profile_for(None)).faces["fangsong"]
    root = document.styles.element
    rpr_default = root.find(qn("w:docDefaults") + "/" + qn("w:rPrDefault") + "/" + qn("w:rPr"))
    if rpr_default is not None:
        set_east_asian_font(rpr_default, face)
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
    set_east_asian_font(normal.element.get_or_add_rPr(), face)


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
    set_grid(section)


def set_grid(section: Any) -> None:
    """A line grid of 579 twips (22 lines in the 225 mm text height), no character grid."""
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
