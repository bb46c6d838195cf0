"""Title line breaking, linted over many titles: whole words, balanced lines, no short tail."""

from __future__ import annotations

import itertools
import math
import random

import pytest
from conftest import EXAMPLES

from generator.api import complete_brief, draft_from_brief
from generator.brief import Brief
from generator.loaders import load_brief
from generator.render.docx_title import LINE_CHARS, MIN_LINE, title_lines

# Words a title line must never split (written here apart from the breaker's own list).
WHOLE = (
    "党建",
    "工作",
    "会议",
    "讲话",
    "推进",
    "培训",
    "部署",
    "机关",
    "基层",
    "组织",
    "建设",
    "上的",
    "2026",
)

PLACES = ("全县", "全市", "全区", "县直机关", "市直机关", "青山县", "全省机关", "市委理论学习中心组")
SUBJECTS = (
    "基层党建工作",
    "党建工作",
    "组织工作",
    "党风廉政建设和反腐败工作",
    "全面从严治党",
    "机关党建",
    "农村基层党建",
    "两新组织党建工作",
    "2026年基层党建",
)
MEETINGS = (
    "推进会",
    "部署会",
    "座谈会",
    "会议",
    "推进暨业务培训会",
    "会议暨业务培训会",
    "述职评议会",
    "现场观摩交流会",
)


def generated_titles() -> list[str]:
    """Titles the way speechdraft forms them, 在{place}{meeting}上的讲话, over many meeting names."""
    return [f"在{p}{s}{m}上的讲话" for p, s, m in itertools.product(PLACES, SUBJECTS, MEETINGS)]


def lint(title: str) -> list[str]:
    lines = title_lines(title)
    problems = []
    if "".join(lines) != title:
        problems.append("lines do not give back the title")
    if len(lines) != max(1, math.ceil(len(title) / LINE_CHARS)):
        problems.append(f"{len(lines)} lines")
    for line in lines:
        if len(line) > LINE_CHARS:
            problems.append(f"too long: {line}")
        if len(lines) > 1 and len(line) < MIN_LINE:
            problems.append(f"short line: {line}")
    if len(lines) > 1 and max(map(len, lines)) - min(map(len, lines)) > 8:
        problems.append(f"unbalanced: {lines}")
    at = 0
    for line in lines[:-1]:
        at += len(line)
        for word in WHOLE:
            start = title.find(word)
            while start != -1:
                if start < at < start + len(word):
                    problems.append(f"splits {word}: {lines}")
                start = title.find(word, start + 1)
    return problems


def test_many_generated_titles_break_well():
    titles = generated_titles()
    long = [t for t in titles if len(t) > LINE_CHARS]
    assert len(long) > 100
    bad = {t: lint(t) for t in titles if lint(t)}
    assert not bad, list(bad.items())[:5]


def test_breaks_prefer_ji_and_meeting_ends():
    assert title_lines("在县直机关党建工作推进暨业务培训会上的讲话") == [
        "在县直机关党建工作推进暨",
        "业务培训会上的讲话",
    ]
    assert title_lines("在全市组织工作会议暨基层党建工作推进会上的讲话") == [
        "在全市组织工作会议暨",
        "基层党建工作推进会上的讲话",
    ]
    # Wherever breaking at 暨 gives two lines close in length, the break is beside it.
    fair = []
    for t in generated_titles():
        at = t.find("暨") + 1
        if at and len(t) > LINE_CHARS and max(at, len(t) - at) <= LINE_CHARS and abs(len(t) - 2 * at) <= 4:
            fair.append(t)
    assert len(fair) > 10
    assert [
        t for t in fair if not (title_lines(t)[0].endswith("暨") or title_lines(t)[1].startswith("暨"))
    ] == []


@pytest.mark.parametrize("title", ["在会上的讲话", "在全县基层党建工作推进会上的讲话", ""])
def test_short_titles_stay_on_one_line(title):
    assert title_lines(title) == ([title] if title else [])


def test_lint_catches_a_bad_break():
    assert lint("在县直机关党建工作推进暨业务培训会上的讲话") == []
    bad = "在县直机关党建工作推进暨业务培训会上的讲话"
    # the old layout: 20 characters, then 「话」 alone
    assert len(bad[20:]) < MIN_LINE


def test_titles_of_composed_drafts(library):
    briefs = [complete_brief(load_brief(p)) for p in EXAMPLES]
    rng = random.Random(4)
    for name in rng.sample(MEETINGS, 3):
        briefs.append(
            Brief.model_validate(
                {"meeting": {"name": f"县直机关党建工作{name}"}, "scope": "县", "year": 2026, "seed": 1}
            )
        )
    for brief in briefs:
        title = draft_from_brief(brief, library, brief.seed if brief.seed is not None else 29).title
        assert lint(title) == [], title
