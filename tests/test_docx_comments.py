"""`generate --alternatives`: other wordings of each slot as real Word comments."""

from __future__ import annotations

import io
import re
import zipfile

import docx
import pytest
from click.testing import CliRunner
from conftest import ROOT
from docx.oxml.ns import qn

from generator.answers import replay
from generator.api import complete_brief
from generator.cli import main
from generator.compose import base_context, sentence_key, sentences
from generator.loaders import load_brief
from generator.render.docx import render_docx
from generator.render.docx_alternatives import slot_alternatives
from generator.templating import render

BRIEF = ROOT / "examples" / "county-push.yaml"


@pytest.fixture(scope="module")
def result(library):
    brief = complete_brief(load_brief(BRIEF))
    return replay(brief, library, brief.seed if brief.seed is not None else 29)


@pytest.fixture(scope="module")
def alternatives(result):
    return slot_alternatives(result)


def _keys(text: str) -> set[str]:
    return {sentence_key(s) for s in sentences(text)} - {""}


def test_alternatives_are_other_variants_of_the_same_slot(result, alternatives):
    draft = result.draft
    assert len(alternatives) >= len(result.slots) // 2
    in_draft = set().union(*(_keys(p.text) for p in draft.paragraphs))
    base = base_context(result.brief, draft.point_count, draft.year)
    for path, alt in alternatives.items():
        record = result.slots[path]
        assert 1 <= len(alt.texts) <= 3 and len(set(alt.texts)) == len(alt.texts), path
        ctx = {**base, **dict(record.request.context)}
        others = {c.id: c for c in record.pool if c.id != record.chosen}
        for text in alt.texts:
            bodies = {cid: render(c.text, ctx).strip() for cid, c in others.items()}
            assert any(b and b.rstrip("。；，") in text for b in bodies.values()), (
                f"{path}: not in the pool: {text}"
            )
            assert not _keys(text) & in_draft, f"{path}: repeats a sentence of the draft: {text}"
    # The chosen wording itself is never offered.
    for path, alt in alternatives.items():
        chosen = next(c for c in result.slots[path].pool if c.id == result.slots[path].chosen)
        ctx = {**base, **dict(result.slots[path].request.context)}
        assert render(chosen.text, ctx).strip() not in alt.texts


def test_most_slots_offer_two_or_three(alternatives):
    counts = [len(a.texts) for a in alternatives.values()]
    assert sum(c >= 2 for c in counts) >= len(counts) * 0.8, counts


def _comment_ranges(data: bytes) -> dict[str, str]:
    """Comment id -> the text between its range start and end in document.xml."""
    document = docx.Document(io.BytesIO(data))
    body = document.element.body
    out: dict[str, str] = {}
    for para in body.iter(qn("w:p")):
        open_ids: list[str] = []
        for el in para.iter():
            if el.tag == qn("w:commentRangeStart"):
                open_ids.append(el.get(qn("w:id")))
                out.setdefault(el.get(qn("w:id")), "")
            elif el.tag == qn("w:commentRangeEnd"):
                open_ids.remove(el.get(qn("w:id")))
            elif el.tag == qn("w:t"):
                for cid in open_ids:
                    out[cid] += el.text or ""
        assert not open_ids, "a comment range runs past its paragraph"
    return out


def test_docx_carries_one_comment_per_slot_anchored_to_its_words(result, alternatives):
    data = render_docx(result.draft, alternatives=alternatives)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert "word/comments.xml" in z.namelist()
    document = docx.Document(io.BytesIO(data))
    comments = list(document.comments)
    assert len(comments) == len(alternatives)
    ranges = _comment_ranges(data)
    assert set(ranges) == {str(c.comment_id) for c in comments}
    by_text = {}
    for path, alt in alternatives.items():
        by_text.setdefault(
            "\n".join(["其他说法：", *(f"{n}{t}" for n, t in zip("①②③", alt.texts, strict=False))]), []
        ).append(path)
    for c in comments:
        assert c.author == "speechdraft"
        assert c.text.startswith("其他说法：\n①"), c.text
        paths = by_text[c.text]
        anchored = ranges[str(c.comment_id)]
        assert anchored, "empty anchor"
        # The anchored words are the slot's words (or, failing that, its whole paragraph).
        holders = [p for p in result.draft.paragraphs if set(paths) & set(p.paths)]
        assert any(anchored in p.text for p in holders), anchored
        anchors = [alternatives[p].anchor.rstrip("。；，：") for p in paths]
        assert any(a and a in anchored for a in anchors) or anchored in [p.text for p in holders]
    # The paragraphs read exactly as without comments.
    plain = docx.Document(io.BytesIO(render_docx(result.draft)))
    assert [p.text for p in document.paragraphs] == [p.text for p in plain.paragraphs]


def test_without_the_flag_there_are_no_comments(tmp_path):
    out = tmp_path / "plain.docx"
    assert CliRunner().invoke(main, ["generate", str(BRIEF), "-o", str(out)]).exit_code == 0
    with zipfile.ZipFile(out) as z:
        assert "word/comments.xml" not in z.namelist()


def test_cli_alternatives(tmp_path, alternatives):
    out = tmp_path / "alt.docx"
    result = CliRunner().invoke(main, ["generate", str(BRIEF), "-o", str(out), "--alternatives"])
    assert result.exit_code == 0, result.output
    assert f"已在 {len(alternatives)} 处加批注" in result.output
    assert len(list(docx.Document(str(out)).comments)) == len(alternatives)
    plain = tmp_path / "plain.docx"
    assert CliRunner().invoke(main, ["generate", str(BRIEF), "-o", str(plain)]).exit_code == 0
    assert [p.text for p in docx.Document(str(out)).paragraphs] == [
        p.text for p in docx.Document(str(plain)).paragraphs
    ], "--alternatives must not change the draft"


def test_cli_alternatives_needs_docx(tmp_path):
    out = tmp_path / "a.txt"
    result = CliRunner().invoke(main, ["generate", str(BRIEF), "-o", str(out), "--alternatives"])
    assert result.exit_code == 1
    assert "--alternatives" in result.output and "Traceback" not in result.output
    assert not out.exists()


def test_cli_alternatives_with_answers_file(tmp_path, result):
    from generator.answers import answers_from, dump_answers

    brief = tmp_path / "brief.yaml"
    brief.write_text(BRIEF.read_text("utf-8"), "utf-8")
    answers = answers_from(result)
    (tmp_path / "brief.answers.yaml").write_text(dump_answers(answers), "utf-8")
    out = tmp_path / "picked.docx"
    res = CliRunner().invoke(main, ["generate", str(brief), "-o", str(out), "--alternatives"])
    assert res.exit_code == 0, res.output
    assert "使用挑选结果" in res.output
    text = [p.text for p in docx.Document(str(out)).paragraphs]
    assert text[1:] == [p.text for p in result.draft.paragraphs][1:]
    assert re.search(r"已在 \d+ 处加批注", res.output)
