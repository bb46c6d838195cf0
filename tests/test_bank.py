"""The phrase bank itself: every variant renders, no invented numbers, terms dated, enough variety."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from conftest import ROOT, SHARED

from generator.brief import DOMAINS
from generator.compose import DOMAIN_LABELS, base_context
from generator.loaders import check_skeleton_slots
from generator.skeleton import Domains, Items, iter_slots
from generator.templating import render

# Terms that stopped being current, with the last year they may appear as current.
TIME_BOUND = {
    "十九大": 2022,
    "十九届": 2022,
    "疫情防控": 2022,
    "新冠": 2022,
    "决战脱贫攻坚": 2020,
    "脱贫攻坚战": 2020,
    "全面建成小康社会": 2021,
    "十三五": 2020,
    "主题教育": 2024,
    "党史学习教育": 2021,
    "十四五": 2025,
}
SCOPE_WORDS = re.compile(r"全县|县委|全市|市委|全区|区委|全镇|镇党委")


def test_every_variant_renders_against_every_example(library, example_briefs):
    assert example_briefs, "examples/ has no briefs"
    rendered = 0
    for brief in example_briefs.values():
        ctx = base_context(brief, brief.points, brief.effective_year)
        for cand in library.bank.all_candidates():
            extra = {"count": "3", "count_cn": "三"}
            if cand.domains:
                extra |= {"domain": cand.domains[0], "domain_label": DOMAIN_LABELS[cand.domains[0]]}
            text = render(cand.text, {**ctx, **extra})
            head = render(cand.head, {**ctx, **extra}) if cand.head else ""
            more = "".join(render(m, {**ctx, **extra}) for m in cand.more)
            assert text.strip(), cand.id
            assert "{" not in text + head + more and "}" not in text + head + more, cand.id
            rendered += 1
    assert rendered > 300


def test_no_invented_numbers_or_fixed_scope_words(library):
    for cand in library.bank.all_candidates():
        body = (cand.head or "") + cand.text + "".join(cand.more)
        visible = re.sub(r"\{\{.*?\}\}|\{%.*?%\}", "", body)
        assert not re.search(r"[0-9０-９%％]", visible), (
            f"{cand.id}: numbers must come from the brief: {body}"
        )
        if not cand.scopes:
            assert not SCOPE_WORDS.search(visible), (
                f"{cand.id}: use {{{{ whole }}}}/{{{{ committee }}}}: {body}"
            )


def test_time_bound_terms_carry_their_years(library):
    for cand in library.bank.all_candidates():
        body = (cand.head or "") + cand.text
        for term in TIME_BOUND:
            assert not any(term in m for m in cand.more), (
                f"{cand.id}: time-bound term {term} in more (it has no years)"
            )
        for term, last in TIME_BOUND.items():
            if term in body and not re.search(term + r"(以来|期间|时期)", body):
                hi = cand.years[1]
                assert hi is not None and hi <= last, f"{cand.id} uses {term} without years ending by {last}"


def test_skeleton_slots_all_exist_and_are_deep_enough(library):
    assert check_skeleton_slots(library.skeletons.values(), library.bank) == []
    for skel in library.skeletons.values():
        for slot, role in iter_slots(skel):
            cands = library.bank.slot(slot)
            if role == "domains":
                continue
            entries = {c.entry_id for c in cands}
            assert len(cands) >= 6, f"{skel.id}: slot {slot} has only {len(cands)} variants"
            if role == "items":
                need = max(n.count[1] for n in _items(skel) if n.items == slot)
                assert len(entries) >= need + 3, f"{skel.id}: slot {slot} has only {len(entries)} entries"


def _items(skel):
    def walk(body):
        for node in body:
            if isinstance(node, Items):
                yield node
            for sec in getattr(node, "sections", []) or []:
                yield from walk(sec.body)

    for point in skel.points:
        yield from walk(point.body)


def test_every_domain_has_paragraphs(library):
    slots = {
        node.domains
        for skel in library.skeletons.values()
        for point in skel.points
        for node in point.body
        if isinstance(node, Domains)
    }
    assert slots
    for slot in slots:
        for domain in DOMAINS:
            entries = {c.entry_id for c in library.bank.slot(slot) if domain in c.domains}
            assert len(entries) >= 3, f"{slot}: domain {domain} has {len(entries)} entries"


def test_five_skeletons_from_the_seed_outlines(library):
    assert len(library.skeletons) >= 5
    assert {3, 4} <= {n for s in library.skeletons.values() for n in s.point_counts}


def test_bank_and_skeletons_share_no_text_with_the_seeds():
    tool = SHARED / "tools" / "originality.py"
    if not tool.exists():
        pytest.skip("the seed speeches are not beside this checkout (shared/ absent)")
    result = subprocess.run(
        [sys.executable, str(tool), "phrasebank", "skeletons", "examples"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.strip().endswith("0 shared runs of 16+ characters"), result.stdout[-2000:]


def test_the_fast_substitution_renders_exactly_as_jinja(library, example_briefs):
    """Templates of plain names and ph('…') skip Jinja for speed; the words must be the same."""
    from generator.compose import base_context
    from generator.templating import _render_simple, compile_template

    brief = example_briefs["county-push"]
    ctx = base_context(brief, 3, 2026) | {
        "count": "3",
        "count_cn": "三",
        "domain": "农村",
        "domain_label": "农村党建",
    }
    fast = 0
    for cand in library.bank.all_candidates():
        for source in (cand.text, cand.head or "", *cand.more):
            simple = _render_simple(source, ctx)
            if simple is not None:
                fast += 1
                assert simple == compile_template(source).render(ctx), source
    assert fast > 1000, "most of the bank takes the fast path"
