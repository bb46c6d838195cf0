"""Each example's Word file, converted by LibreOffice and read back page by page from the PDF.

Checks what a reader sees: 22 lines on every full page (a page may end early only
where keep-with-next or widow/orphan control moves lines on), no page ending on a
heading, no title line shorter than four characters, the page number 7 mm below
the text block (odd pages right, even pages left), and comments shown.
"""

from __future__ import annotations

import itertools
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import EXAMPLES, ROOT
from pdf_pages import PT_PER_MM, Page, match_paragraphs, read_pages

from generator.api import complete_brief, draft_from_brief
from generator.brief import Brief
from generator.draft import Draft
from generator.loaders import load_brief
from generator.render import docx_layout as layout
from generator.render.docx import render_docx

PITCH = layout.LINE_PITCH_PT
BLOCK_TOP = layout.MARGINS_MM["top"] * PT_PER_MM
HEADINGS = ("heading1", "heading2")


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


pytestmark = pytest.mark.skipif(
    (_soffice() is None or shutil.which("pdftotext") is None)
    and not os.environ.get("SPEECHDRAFT_REQUIRE_SOFFICE"),
    reason="LibreOffice or poppler-utils not installed (CI installs them and sets SPEECHDRAFT_REQUIRE_SOFFICE=1)",
)


def convert(paths: list[Path], outdir: Path, *options: str) -> None:
    soffice = _soffice()
    assert soffice and shutil.which("pdftotext"), (
        "SPEECHDRAFT_REQUIRE_SOFFICE is set but soffice/pdftotext missing"
    )
    env = dict(os.environ, HOME=str(outdir), FONTCONFIG_FILE=str(ROOT / "tests" / "fonts.conf"))
    subprocess.run(
        [
            soffice,
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf" + "".join(options),
            "--outdir",
            str(outdir),
        ]
        + [str(p) for p in paths],
        check=True,
        capture_output=True,
        timeout=300,
        env=env,
    )


def _long_title_brief() -> Brief:
    """A meeting whose title needs two lines (21 characters, with 暨)."""
    return complete_brief(
        Brief.model_validate(
            {
                "meeting": {"name": "县直机关党建工作推进暨业务培训会", "kind": "推进会"},
                "scope": "县",
                "place": "青山县",
                "year": 2026,
                "points": 4,
                "seed": 5,
            }
        )
    )


@pytest.fixture(scope="module")
def converted(tmp_path_factory, library) -> dict[str, tuple[Draft, list[Page]]]:
    """Every example (and one long title) as .docx and its PDF, read back and matched to the draft."""
    folder = tmp_path_factory.mktemp("pdf")
    briefs = {p.stem: complete_brief(load_brief(p)) for p in EXAMPLES}
    briefs["long-title"] = _long_title_brief()
    drafts, paths = {}, []
    for name, brief in briefs.items():
        # A fixed seed where the brief names none: the pages a test reads must not change run to run.
        draft = draft_from_brief(brief, library, brief.seed if brief.seed is not None else 29)
        path = folder / f"{name}.docx"
        path.write_bytes(render_docx(draft, author=brief.speaker or ""))
        drafts[name], paths = draft, [*paths, path]
    convert(paths, folder)
    out = {}
    for name, draft in drafts.items():
        pages = read_pages(folder / f"{name}.pdf", layout.MARGINS_MM["bottom"])
        match_paragraphs(pages, draft)
        out[name] = (draft, pages)
    return out


def _grid_offset(pages: list[Page], draft: Draft) -> float:
    """Where body text sits within a grid line (the same on every page when the grid holds)."""
    tops = sorted(
        (ln.top - BLOCK_TOP) % PITCH
        for p in pages
        for ln in p.body
        if draft.paragraphs[ln.paragraph].kind == "body"
    )
    return tops[len(tops) // 2]


def _slot(top: float, offset: float) -> float:
    return (top - BLOCK_TOP - offset) / PITCH


def _kind(draft: Draft, line) -> str:
    return draft.paragraphs[line.paragraph].kind


def _shortfall_explained(draft: Draft, short: int, nxt: Page) -> bool:
    """A page may end early only where a keep rule moved lines to the next page."""
    head = nxt.body
    leading_headings = 0
    while leading_headings < len(head) and _kind(draft, head[leading_headings]) in HEADINGS:
        leading_headings += 1
    if leading_headings:
        return short <= leading_headings + 1  # heading kept with the first lines of its text
    if short == 1 and head:
        orphan = head[0].first  # a paragraph's first line would have stood alone at the bottom
        widow = not head[0].first and len(head) > 1 and head[1].last  # its last line alone on top
        return orphan or widow
    if short == 2 and len(head) > 2:
        # A three-line paragraph cannot split 2+1 (widow) nor 1+2 (orphan): it moves whole.
        return head[0].first and not head[1].last and head[2].last
    return False


def test_every_full_page_holds_22_lines_on_the_grid(converted):
    for name, (draft, pages) in converted.items():
        assert len(pages) >= 2, name
        offset = _grid_offset(pages, draft)
        for page, nxt in itertools.pairwise(pages):
            body = [ln for ln in page.body if _kind(draft, ln) != "title"]
            slots = [_slot(ln.top, offset) for ln in body]
            for ln, s in zip(body, slots, strict=True):
                assert abs(s - round(s)) < 0.1, f"{name} p{page.number}: off the grid: {ln.text}"
            last = round(max(slots))
            assert last <= layout.LINES_PER_PAGE - 1, f"{name} p{page.number}: more than 22 lines"
            short = layout.LINES_PER_PAGE - 1 - last
            if short:
                assert _shortfall_explained(draft, short, nxt), (
                    f"{name} p{page.number} ends {short} line(s) early with no keep rule to explain it"
                )
            elif page.number > 1:
                assert len(page.body) == layout.LINES_PER_PAGE, (
                    f"{name} p{page.number}: {len(page.body)} lines"
                )


def test_no_page_ends_with_a_heading_line(converted):
    for name, (draft, pages) in converted.items():
        for page in pages:
            last = page.body[-1]
            assert _kind(draft, last) not in HEADINGS, f"{name} p{page.number} ends with heading {last.text}"
            first = page.body[0]
            if _kind(draft, first) in HEADINGS:
                assert first.first, f"{name} p{page.number}: a heading split across pages"


def test_title_lines_are_never_short(converted):
    seen_two_lines = False
    for name, (draft, pages) in converted.items():
        title = [ln for ln in pages[0].body if _kind(draft, ln) == "title"]
        assert "".join(ln.text for ln in title) == draft.title, name
        for ln in title:
            assert len(ln.text) >= 4, f"{name}: title line {ln.text!r}"
        seen_two_lines |= len(title) > 1
    assert seen_two_lines, "no example tested a title of two lines"


def test_page_number_sits_7mm_below_the_text_block(converted):
    for name, (_draft, pages) in converted.items():
        for page in pages:
            assert len(page.footer) == 1, f"{name} p{page.number}: {[ln.text for ln in page.footer]}"
            number = page.footer[0]
            assert re.fullmatch(rf"—\s*{page.number}\s*—", number.text), number.text
            block_bottom = page.height - layout.MARGINS_MM["bottom"] * PT_PER_MM
            gap_mm = (number.top - block_bottom) / PT_PER_MM
            assert abs(gap_mm - 7) <= 1.5, f"{name} p{page.number}: page number {gap_mm:.1f} mm below"


def test_page_numbers_alternate_sides(converted):
    for name, (_draft, pages) in converted.items():
        for page in pages:
            odd = page.number % 2 == 1
            assert (page.footer[0].left > page.width / 2) == odd, f"{name} p{page.number}"


def _pdf_notes(pdf: bytes) -> list[str]:
    """Text of the PDF's note annotations (LibreOffice exports Word comments as these)."""
    notes = []
    for m in re.finditer(rb"/Subtype\s*/Text\b", pdf):
        obj = pdf[pdf.rfind(b"obj", 0, m.start()) : pdf.find(b"endobj", m.end())]
        hexed = re.search(rb"/Contents\s*<([0-9A-Fa-f]+)>", obj)
        if hexed:
            notes.append(bytes.fromhex(hexed.group(1).decode()).decode("utf-16"))
    return notes


def test_libreoffice_shows_the_alternatives_comments(tmp_path, library):
    from generator.answers import replay
    from generator.render.docx_alternatives import slot_alternatives

    brief = complete_brief(load_brief(EXAMPLES[0]))
    result = replay(brief, library, brief.seed if brief.seed is not None else 29)
    alternatives = slot_alternatives(result)
    path = tmp_path / "alt.docx"
    path.write_bytes(render_docx(result.draft, alternatives=alternatives))
    convert([path], tmp_path, ':writer_pdf_Export:{"ExportNotes":{"type":"boolean","value":"true"}}')
    notes = _pdf_notes((tmp_path / "alt.pdf").read_bytes())
    assert len(notes) == len(alternatives) > 0
    assert all("其他说法" in n and "①" in n for n in notes), notes[:2]
