"""Reading a LibreOffice PDF back line by line: where each line sits and which paragraph it belongs to.

`pdftotext -bbox-layout` (poppler) gives every text line with its box. Each
body line is matched, in order, to the draft's paragraphs, so a test knows
whether a line is a heading, the first or the last line of its paragraph.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from generator.draft import Draft

PT_PER_MM = 72 / 25.4
_LINE = re.compile(
    r'<line xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</line>', re.S
)
_PUNCT = set("，。、；：！？”’）》")
_WORD = re.compile(r"<word[^>]*>([^<]*)</word>")


@dataclass
class Line:
    page: int
    left: float
    top: float  # pt from the page top
    bottom: float
    text: str
    paragraph: int = -1
    first: bool = False  # first line of its paragraph
    last: bool = False  # last line of its paragraph


@dataclass
class Page:
    number: int
    width: float
    height: float
    body: list[Line]
    footer: list[Line]


def read_pages(pdf: Path, bottom_margin_mm: float) -> list[Page]:
    """Lines of each page, split into the text block and what lies below it (the page number)."""
    html = subprocess.run(
        ["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    pages = []
    for number, chunk in enumerate(html.split("<page ")[1:], start=1):
        width = float(re.search(r'width="([\d.]+)"', chunk).group(1))
        height = float(re.search(r'height="([\d.]+)"', chunk).group(1))
        block_bottom = height - bottom_margin_mm * PT_PER_MM
        body, footer = [], []
        for x0, y0, _x1, y1, words in _LINE.findall(chunk):
            text = (
                "".join(_WORD.findall(words)).replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
            )
            line = Line(number, float(x0), float(y0), float(y1), text)
            (body if line.bottom < block_bottom + 2 else footer).append(line)
        body = _rows(body)
        pages.append(Page(number, width, height, body, footer))
    return pages


def _rows(lines: list[Line]) -> list[Line]:
    """Merge pieces poppler reports apart on one visual line (a hanging comma), left to right."""
    rows: list[list[Line]] = []
    for line in sorted(lines, key=lambda ln: (ln.top, ln.left)):
        if rows and abs((line.top + line.bottom) / 2 - (rows[-1][0].top + rows[-1][0].bottom) / 2) < 4:
            rows[-1].append(line)
        else:
            rows.append([line])
    merged = []
    for row in rows:
        row.sort(key=lambda ln: ln.left)
        first = row[0]
        top, bottom = min(ln.top for ln in row), max(ln.bottom for ln in row)
        merged.append(Line(first.page, first.left, top, bottom, "".join(ln.text for ln in row)))
    return merged


def match_paragraphs(pages: list[Page], draft: Draft) -> None:
    """Give each body line its paragraph index and whether it opens or closes that paragraph."""
    texts = [re.sub(r"\s", "", p.text) for p in draft.paragraphs]
    para, offset = 0, 0
    for page in pages:
        for line in page.body:
            text = re.sub(r"\s", "", line.text)
            while para < len(texts) and offset >= len(texts[para]):
                para, offset = para + 1, 0
            assert para < len(texts), f"PDF line beyond the draft: {text}"
            if texts[para][offset : offset + 1] in _PUNCT and texts[para][offset + 1 :].startswith(text):
                offset += 1  # LibreOffice does not paint punctuation hanging past the line end
            here = texts[para][offset : offset + len(text)]
            assert here == text, f"page {page.number}: PDF line {text!r} does not follow the draft ({here!r})"
            line.paragraph = para
            line.first = offset == 0
            offset += len(text)
            line.last = offset >= len(texts[para])
