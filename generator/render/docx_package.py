"""The package around the text: fonts Word can find, Chinese theme, Word 2013+ mode, honest properties.

python-docx starts from a 2013 Macintosh Word template: a Japanese theme and
font table, compatibility mode 14 (Word shows 兼容模式), a stale
stylesWithEffects part, a thumbnail of an empty page and core properties dated
2013. Everything here replaces those leftovers with what the draft is.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from .docx_layout import FontProfile

GB2312_CHARSET = "86"  # Windows charset 134: simplified Chinese
# Face -> (alternative name Word tries when the face is missing, PANOSE, family).
FONT_INFO: dict[str, tuple[str, str, str]] = {
    "仿宋_GB2312": ("仿宋", "02010609030101010101", "modern"),
    "楷体_GB2312": ("楷体", "02010609030101010101", "modern"),
    "方正小标宋简体": ("宋体", "02000000000000000000", "script"),
    "黑体": ("SimHei", "02010609060101010101", "modern"),
    "宋体": ("SimSun", "02010600030101010101", "auto"),
    "仿宋": ("FangSong", "02010609060101010101", "modern"),
    "楷体": ("KaiTi", "02010609060101010101", "modern"),
}
# Unicode and code-page coverage of a GB2312 face (CJK ideographs, code page 936).
_CJK_SIG = {"usb0": "00000001", "usb1": "080E0000", "usb2": "00000010", "usb3": "00000000"}
_CJK_SIG.update({"csb0": "00040000", "csb1": "00000000"})

_REL_STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"
_REL_CUSTOM_XML = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/customXml"
_REL_THUMBNAIL = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/thumbnail"
_REL_FONT_TABLE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable"
_REL_THEME = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme"
_REL_APP = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties"
_WORD_URI = "http://schemas.microsoft.com/office/word"
COMPATIBILITY_MODE = "15"  # Word 2013 and later


def _part(rels: Any, reltype: str) -> Any | None:
    return next((r.target_part for r in rels.values() if not r.is_external and r.reltype == reltype), None)


def drop_leftovers(document: Any) -> None:
    """Remove the template's stylesWithEffects, sample custom XML and thumbnail."""
    for rels, reltype in (
        (document.part.rels, _REL_STYLES_WITH_EFFECTS),
        (document.part.rels, _REL_CUSTOM_XML),
        (document.part.package.rels, _REL_THUMBNAIL),
    ):
        for rid in [rid for rid, r in rels.items() if r.reltype == reltype]:
            rels.pop(rid)


def _font_element(face: str) -> Any:
    alt, panose, family = FONT_INFO.get(face, ("", "00000000000000000000", "auto"))
    font = OxmlElement("w:font")
    font.set(qn("w:name"), face)
    children: list[tuple[str, dict[str, str]]] = []
    if alt:
        children.append(("w:altName", {"w:val": alt}))
    children += [
        ("w:panose1", {"w:val": panose}),
        ("w:charset", {"w:val": GB2312_CHARSET}),
        ("w:family", {"w:val": family}),
        ("w:pitch", {"w:val": "variable"}),
        ("w:sig", {f"w:{k}": v for k, v in _CJK_SIG.items()}),
    ]
    for tag, attrs in children:
        el = OxmlElement(tag)
        for k, v in attrs.items():
            el.set(qn(k), v)
        font.append(el)
    return font


def font_table(existing: bytes | None, faces: list[str]) -> bytes:
    """The font table with an entry (alternative name, GB2312 charset) for each Chinese face.

    Entries of other faces are kept, except Japanese ones (charset 80) left over from the template.
    """
    from lxml import etree

    root = etree.fromstring(existing) if existing else OxmlElement("w:fonts")
    ours = set(faces)
    for font in root.findall(qn("w:font")):
        charset = font.find(qn("w:charset"))
        japanese = charset is not None and charset.get(qn("w:val"), "").upper() == "80"
        if font.get(qn("w:name")) in ours or japanese:
            root.remove(font)
    for i, face in enumerate(dict.fromkeys(faces)):
        root.insert(i, _font_element(face))
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))


def set_font_table(document: Any, profile: FontProfile) -> None:
    part = _part(document.part.rels, _REL_FONT_TABLE)
    if part is not None and hasattr(part, "_blob"):
        part._blob = font_table(part.blob, list(profile.faces.values()))


def chinese_theme(theme: bytes, profile: FontProfile) -> bytes:
    """The theme's East Asian faces become the profile's (黑体 for headings, the body face for text)."""
    text = theme.decode("utf-8")
    text = re.sub(r'<a:font script="Jpan" typeface="[^"]*"/>', "", text)
    major, minor = profile.faces["heiti"], profile.faces["fangsong"]
    parts = text.split("<a:minorFont>")
    if len(parts) == 2:
        head, tail = parts
        head = re.sub(r'<a:ea typeface="[^"]*"/>', f'<a:ea typeface="{major}"/>', head)
        head = re.sub(
            r'<a:font script="Hans" typeface="[^"]*"/>', f'<a:font script="Hans" typeface="{major}"/>', head
        )
        tail = re.sub(r'<a:ea typeface="[^"]*"/>', f'<a:ea typeface="{minor}"/>', tail)
        tail = re.sub(
            r'<a:font script="Hans" typeface="[^"]*"/>', f'<a:font script="Hans" typeface="{minor}"/>', tail
        )
        text = head + "<a:minorFont>" + tail
    return text.encode("utf-8")


def set_theme(document: Any, profile: FontProfile) -> None:
    part = _part(document.part.rels, _REL_THEME)
    if part is not None and hasattr(part, "_blob"):
        part._blob = chinese_theme(part.blob, profile)


def set_settings(document: Any) -> None:
    """Compatibility mode 15 and Chinese as the theme's East Asian language."""
    settings = document.settings.element
    compat = settings.find(qn("w:compat"))
    if compat is None:
        compat = OxmlElement("w:compat")
        settings.append(compat)
    mode = next(
        (c for c in compat.findall(qn("w:compatSetting")) if c.get(qn("w:name")) == "compatibilityMode"),
        None,
    )
    if mode is None:
        mode = OxmlElement("w:compatSetting")
        mode.set(qn("w:name"), "compatibilityMode")
        mode.set(qn("w:uri"), _WORD_URI)
        compat.append(mode)
    mode.set(qn("w:val"), COMPATIBILITY_MODE)
    lang = settings.find(qn("w:themeFontLang"))
    if lang is None:
        lang = OxmlElement("w:themeFontLang")
        anchor = settings.find(qn("w:clrSchemeMapping"))
        if anchor is not None:
            anchor.addprevious(lang)
        else:
            settings.append(lang)
    for attr in list(lang.attrib):
        del lang.attrib[attr]
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")


APP_XML = (
    "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
    'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    "<Application>speechdraft</Application><DocSecurity>0</DocSecurity></Properties>"
)


def set_properties(document: Any, *, title: str, author: str, now: dt.datetime | None = None) -> None:
    """Core properties from the draft; the application named honestly in app.xml."""
    from .docx import core_time

    now = core_time(now)
    props = document.core_properties
    props.title = title
    props.author = author
    props.last_modified_by = author
    props.comments = ""
    props.created = now
    props.modified = now
    props.revision = 1
    app = _part(document.part.package.rels, _REL_APP)
    if app is not None and hasattr(app, "_blob"):
        app._blob = APP_XML.encode("utf-8")


def modernise(document: Any, profile: FontProfile, *, theme: bool) -> None:
    """Everything above that does not depend on the draft (a user's template keeps its own theme)."""
    drop_leftovers(document)
    set_font_table(document, profile)
    if theme:
        set_theme(document, profile)
    set_settings(document)
