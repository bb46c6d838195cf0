"""Child order of w:pPr, w:rPr and w:sectPr as ISO/IEC 29500 defines it.

Word tolerates properties out of order (say w:ind after w:jc) but strict
validators and some document systems reject the file, so the renderer puts
every property element of every part back into schema order before saving.
"""

from __future__ import annotations

from typing import Any

from docx.oxml.ns import qn


def _names(spaced: str) -> tuple[str, ...]:
    return tuple(spaced.split())


# CT_PPr (CT_PPrBase + rPr, sectPr, pPrChange)
PPR_ORDER = _names(
    "pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr suppressLineNumbers pBdr shd "
    "tabs suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE autoSpaceDN bidi "
    "adjustRightInd snapToGrid spacing ind contextualSpacing mirrorIndents suppressOverlap jc "
    "textDirection textAlignment textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange"
)
# CT_RPr (EG_RPrBase + rPrChange)
RPR_ORDER = _names(
    "rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss imprint noProof "
    "snapToGrid vanish webHidden color spacing w kern position sz szCs highlight u effect bdr shd "
    "fitText vertAlign rtl cs em lang eastAsianLayout specVanish oMath rPrChange"
)
# CT_SectPr
SECTPR_ORDER = _names(
    "headerReference footerReference footnotePr endnotePr type pgSz pgMar paperSrc pgBorders lnNumType "
    "pgNumType cols formProt vAlign noEndnote titlePg textDirection bidi rtlGutter docGrid "
    "printerSettings sectPrChange"
)

ORDERS: dict[str, tuple[str, ...]] = {
    qn("w:pPr"): tuple(qn(f"w:{n}") for n in PPR_ORDER),
    qn("w:rPr"): tuple(qn(f"w:{n}") for n in RPR_ORDER),
    qn("w:sectPr"): tuple(qn(f"w:{n}") for n in SECTPR_ORDER),
}


def put_in_schema_order(root: Any) -> None:
    """Sort the children of every pPr, rPr and sectPr under `root` (stable; unknown tags last)."""
    for tag, order in ORDERS.items():
        rank = {t: i for i, t in enumerate(order)}
        for parent in list(root.iter(tag)):
            children = list(parent)
            ordered = sorted(children, key=lambda el: rank.get(el.tag, len(order)))
            if ordered != children:
                for el in children:
                    parent.remove(el)
                parent.extend(ordered)
