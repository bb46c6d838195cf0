"""The office director's red pen, applied to every example brief × fitting skeleton × 20 seeds.

Each test is one stroke of the pen (red-pen.md): a claim or event the brief does not give, a
connective opening every item, a paragraph past the limit, an idea said twice, lagging progress
in March, an endorsement from below, a missing year anchor, discouraged wording, a word for
someone not in the room. The patterns come from generator/data/redpen.yaml, so the tests and
`check` hold the bank to the same rules.
"""

from __future__ import annotations

import random
import re
from functools import lru_cache

import pytest
from conftest import EXAMPLES

from generator.api import Library, complete_brief, draft_from_brief
from generator.bank import BankFile, PhraseBank, fit_for
from generator.brief import Brief
from generator.compose import compose
from generator.draft import Draft
from generator.loaders import load_brief
from generator.redpen import PARAGRAPH_LIMIT, bank_findings, draft_strikes, load_redpen, sentences
from generator.select import fits

SEEDS = range(20)
PEN = load_redpen()
LAGGING = re.compile(r"滞后|过半|中后段|下半年|冲刺|收官|进度(偏慢|较慢|不快)|后半程")
ORDERS_FOR_ORG_DEPT = re.compile(r"(县委|市委|区委)组织部(要|将|会)")


@lru_cache(maxsize=1)
def _library() -> Library:
    return Library.load()


@lru_cache(maxsize=1)
def corpus() -> list[tuple[str, Brief, str, int, Draft]]:
    """Every example brief × every skeleton that fits it × 20 seeds."""
    lib = _library()
    out = []
    for path in EXAMPLES:
        brief = complete_brief(load_brief(path))
        for skel in sorted(lib.skeletons.values(), key=lambda s: s.id):
            if not fits(brief, skel):
                continue
            for seed in SEEDS:
                draft = compose(brief, lib.bank, skel, random.Random(seed))
                out.append((path.stem, brief, skel.id, seed, draft))
    return out


def _where(name: str, skel: str, seed: int) -> str:
    return f"{name} × {skel} × 种子 {seed}"


def _body(draft: Draft) -> list[str]:
    return [p.text for p in draft.paragraphs if p.kind not in ("title", "byline", "salutation")]


def _quotes_brief(sentence: str, brief: Brief) -> bool:
    f = brief.facts
    quoted = [*f.achievements, *f.problems, *f.tasks, *f.events]
    quoted += [s.who for s in brief.previous_speakers] + [s.did for s in brief.previous_speakers if s.did]
    return any(q and q[:8] in sentence for q in quoted)


def test_the_corpus_covers_every_example_and_skeleton():
    seen = {(name, skel) for name, _, skel, _, _ in corpus()}
    assert {name for name, _ in seen} == {p.stem for p in EXAMPLES}
    assert len({skel for _, skel in seen}) == len(_library().skeletons)


def test_no_invented_event_or_claim():
    """§1: only the brief's facts are facts. Read by the tags and by the sentences' own words."""
    bank = _library().bank
    for name, brief, skel, seed, draft in corpus():
        where = _where(name, skel, seed)
        facts = fit_for(brief).facts
        for path, choice in draft.choices.items():
            cand = bank.variant(choice.variant_id)
            assert cand is not None
            if cand.asserts == "event":
                assert {"events", "previous_speakers"} & facts, f"{where} {path}: 事件"
            elif cand.asserts == "achievement":
                assert "achievements" in facts, f"{where} {path}: 成绩"
            elif cand.asserts == "problem":
                assert "problems" in facts, f"{where} {path}: 问题"
        for text in _body(draft):
            for s in sentences(text):
                claims = PEN.claims(s)
                if "event" in claims:
                    assert _quotes_brief(s, brief), f"{where}: 编造事件：{s}"
                if "achievement" in claims and not _quotes_brief(s, brief):
                    assert brief.facts.achievements, f"{where}: 无成绩事实却断言成绩：{s}"
                if "problem" in claims and not _quotes_brief(s, brief):
                    assert brief.facts.problems, f"{where}: 无问题事实却断言问题：{s}"


def test_item_lists_claim_only_the_briefs_facts():
    """In a numbered list of results or problems, a bank sentence never claims: facts or a gap."""
    bank = _library().bank
    for name, _brief, skel, seed, draft in corpus():
        item_paths = {p for para in draft.paragraphs if para.lead for p in para.paths}
        for path in item_paths:
            cand = bank.variant(draft.choices[path].variant_id)
            assert cand is not None and cand.asserts == "none", f"{_where(name, skel, seed)} {path}"


def test_connectives_vary_within_lists():
    """§6: no connective opens more than two items of one list; few 首先……其次…… runs per draft."""
    for name, _brief, skel, seed, draft in corpus():
        where = _where(name, skel, seed)
        run: list[str] = []
        last_section = ""
        sequenced = 0
        for para in draft.paragraphs:
            if re.search(r"首先[^。]*。.*其次", para.text):
                sequenced += 1
            if not para.lead or para.section != last_section:
                run = []
            last_section = para.section
            if para.lead:
                opener = PEN.opening_connective(para.text[len(para.lead) :])
                if opener:
                    run.append(opener)
                    assert run.count(opener) <= 2, f"{where}: “{opener}”开头的条目过多"
        assert sequenced <= 2, f"{where}: “首先……其次……”出现 {sequenced} 次"


def test_paragraphs_stay_within_the_limit():
    for name, _brief, skel, seed, draft in corpus():
        for para in draft.paragraphs:
            assert len(para.text) <= PARAGRAPH_LIMIT + 20, f"{_where(name, skel, seed)}: {para.text[:30]}…"


def test_each_idea_once():
    bank = _library().bank
    for name, _brief, skel, seed, draft in corpus():
        ideas = [bank.variant(c.variant_id).idea for c in draft.choices.values()]  # type: ignore[union-attr]
        dup = {i for i in ideas if ideas.count(i) > 1}
        assert not dup, f"{_where(name, skel, seed)}: 同一意思用了两次：{dup}"


def test_opening_is_short():
    """§6: the opening says why we meet in about four sentences (plus the answer to previous speakers)."""
    for name, brief, skel, seed, draft in corpus():
        opening = [p.text for p in draft.paragraphs if p.section == "opening" and p.kind == "body"]
        said = sum(len(sentences(t)) for t in opening[:-1])  # the last is the hand-off
        allowed = 5 + (2 if brief.previous_speakers else 0)
        assert said <= allowed, f"{_where(name, skel, seed)}: 开场 {said} 句"


EARLY = re.compile(r"都在起步|刚刚起步")
ABOVE_SAYS = re.compile(r"按照上级要求")  # a requirement from above the brief does not give


def test_a_september_push_hears_no_early_year_talk_and_no_unstated_orders_from_above():
    autumn = [c for c in corpus() if c[1].date and c[1].date.month >= 9]
    assert autumn, "an example brief is dated September or later"
    for name, _brief, skel, seed, draft in autumn:
        for text in _body(draft):
            m = EARLY.search(text)
            assert not m, f"{_where(name, skel, seed)}: 九月以后的会说“{m.group() if m else ''}”"
    for name, _brief, skel, seed, draft in corpus():
        for text in _body(draft):
            assert not ABOVE_SAYS.search(text), f"{_where(name, skel, seed)}: {text[:40]}"


def test_a_march_deployment_meeting_hears_no_lagging_progress():
    march = [c for c in corpus() if c[1].date and c[1].date.month <= 3 and c[1].meeting.kind == "部署会"]
    assert march, "an example brief is a March 部署会"
    for name, _brief, skel, seed, draft in march:
        for text in _body(draft):
            m = LAGGING.search(text)
            assert not m, f"{_where(name, skel, seed)}: 三月的部署会说“{m.group() if m else ''}”"


def test_no_endorsement_from_below():
    """§4: only a speaker above every previous speaker says “我都同意”."""
    below = [c for c in corpus() if c[1].relation in ("下级", "同级")]
    assert below, "an example brief has a speaker answering a superior's report"
    for name, _brief, skel, seed, draft in below:
        for text in _body(draft):
            for rx in PEN.patterns["endorse"]:
                m = rx.search(text)
                assert not m, f"{_where(name, skel, seed)}: 下级表态同意：{text[:40]}"


def test_an_organs_secretary_gives_no_orders_for_the_organisation_department():
    workers = [c for c in corpus() if c[1].role == "工委书记"]
    assert workers
    for name, _brief, skel, seed, draft in workers:
        for text in _body(draft):
            m = ORDERS_FOR_ORG_DEPT.search(text)
            assert not m, f"{_where(name, skel, seed)}: 工委书记替组织部部署：{text[:40]}"


def test_year_anchors_and_no_discouraged_wording():
    """§7: a 2026 draft carries its anchors; no 减负-discouraged wording, reserved formulas or 各地."""
    for name, brief, skel, seed, draft in corpus():
        strikes = draft_strikes([p.text for p in draft.paragraphs], year=draft.year, scope=brief.scope)
        bad = [s for s in strikes if s.rule in ("anchor", "discouraged", "bare-places")]
        assert not bad, f"{_where(name, skel, seed)}: {[s.message for s in bad]}"


def test_an_organs_meeting_addresses_only_the_organs():
    """§2: no 乡镇, 村, 社区 or firms in a 县直机关 meeting, and no domain the brief did not list."""
    organs = [c for c in corpus() if c[1].organs_only]
    assert organs
    for name, brief, skel, seed, draft in organs:
        for text in _body(draft):
            for s in sentences(text):
                assert not (PEN.audiences(s) - {"部门"}), f"{_where(name, skel, seed)}: {s}"
                assert not (PEN.domains_of(s) - set(brief.focus_domains)), f"{_where(name, skel, seed)}: {s}"


def test_no_paragraph_about_an_unlisted_domain():
    bank = _library().bank
    for name, brief, skel, seed, draft in corpus():
        if not brief.domains:
            continue
        for choice in draft.choices.values():
            cand = bank.variant(choice.variant_id)
            assert cand is not None
            if cand.domains:
                assert set(cand.domains) & set(brief.domains), f"{_where(name, skel, seed)}: {cand.id}"


def test_no_sentence_speaks_of_an_unlisted_domain():
    """Issue 16 (5): a brief that lists its domains hears nothing about the others, 机关 included, by the
    words that make a sentence about a domain (redpen.yaml `domains`). A per-domain paragraph may name
    its neighbours (机关党员到社区报到), as `check` allows."""
    listed = [c for c in corpus() if c[1].domains]
    assert {c[0] for c in listed} >= {"county-push", "organs-training"}
    for name, brief, skel, seed, draft in listed:
        for p in draft.paragraphs:
            choice = draft.choices.get(p.paths[0]) if p.paths else None
            if p.kind != "body" or (choice and choice.slot in ("domain.task", "domain.project")):
                continue
            for s in sentences(p.text):
                extra = PEN.domains_of(s) - set(brief.focus_domains)
                assert not extra, f"{_where(name, skel, seed)}: {sorted(extra)} {s}"


def test_a_brief_with_few_facts_gets_gaps_not_claims():
    lib = _library()
    brief = complete_brief(load_brief(next(p for p in EXAMPLES if p.stem == "few-facts")))
    assert not brief.facts.achievements and not brief.facts.problems and not brief.previous_speakers
    for skel in lib.skeletons.values():
        if not fits(brief, skel):
            continue
        draft = compose(brief, lib.bank, skel, random.Random(1))
        text = draft.full_text()
        assert draft.placeholders(), skel.id
        if skel.uses_fact("achievements"):
            assert "方面的成效）" in text, f"{skel.id}: 成绩条目应留出占位"


# check: the bank held to its tags ------------------------------------------------------------


def _bank(*entries: dict) -> PhraseBank:
    return PhraseBank.from_files([("mine.yaml", BankFile.model_validate({"entries": list(entries)}))])


def _entry(text: str, **tags: object) -> dict:
    return {"id": "x.one", "slot": "x", "asserts": "none", "function": "task", "variants": [text], **tags}


@pytest.mark.parametrize(
    ("text", "tags", "expected"),
    [
        ("会前，各单位开展了自查。", {}, "事件"),
        ("{{ whole }}党建工作取得了明显成效。", {}, "成绩"),
        ("有的单位抓党建还不够扎实。", {}, "问题"),
        ("下半年要加快进度。", {}, "phases"),
        ("这些意见我都同意。", {}, "relation"),
        ("{{ org_dept }}要按月调度。", {}, "speakers"),
        ("各乡镇要抓好落实。", {}, "audience"),
        ("要带动村集体增收。", {"audience": ["村"]}, "domains"),
        ("各地要抓好落实。", {}, "各地"),
        ("要把压力层层传导到基层。", {}, "减负"),
        ("会上的要求很明确。", {"asserts": None}, "asserts"),
        ("前一阶段，{{ achievements }}。", {"asserts": "achievement"}, "needs 包含 achievements"),
        ("也要看到，{{ problems }}。", {"asserts": "problem"}, "needs 包含 problems"),
        ("刚才，{{ previous }}。", {"asserts": "event", "function": "response"}, "previous_speakers"),
        ("要学。要查。要改。要督。要评。要用。", {}, "超过 5 句"),
    ],
)
def test_check_rejects_a_variant_its_tags_do_not_cover(text, tags, expected):
    findings = bank_findings(_bank(_entry(text, **tags)))
    assert findings and any(expected in f for f in findings), findings
    assert all(f.startswith("mine.yaml：条目 x.one") for f in findings)


@pytest.mark.parametrize(
    ("text", "tags"),
    [
        ("要确保各项任务取得实效。", {}),
        (
            "刚才，{{ previous }}。",
            {"asserts": "event", "needs": ["previous_speakers"], "function": "response"},
        ),
        ("{{ whole }}党建工作取得了明显成效。", {"asserts": "achievement"}),
        ("前一阶段，{{ achievements }}，值得肯定。", {"asserts": "achievement", "needs": ["achievements"]}),
        ("下半年要加快进度。", {"phases": ["年中"]}),
        ("这些意见我都同意。", {"relation": ["上级"]}),
        ("各乡镇要抓好落实。", {"audience": ["地方"]}),
        ("要学；要查。要改；要督。要评。要用；要考。", {}),
    ],
)
def test_check_accepts_a_variant_whose_tags_fit(text, tags):
    assert bank_findings(_bank(_entry(text, **tags))) == []


def test_the_built_in_bank_passes_its_own_red_pen():
    assert bank_findings(_library().bank) == []


# The brief's room, moment and speaker ----------------------------------------------------------


def _brief(**data: object) -> Brief:
    return Brief.model_validate({"meeting": {"name": "基层党建工作推进会"}, **data})


def test_room_phase_role_and_relation_from_the_brief():
    county = _brief(domains=["农村", "社区"], date="2026-03-10", speaker="县委常委、组织部部长 XXX")
    assert county.room == {"地方", "部门", "村", "社区"}
    assert county.phase == "开局" and county.role == "组织部长"
    assert "各乡镇（街道）" in county.words["sub_units"]
    organs = _brief(domains=["机关"], speaker="县委常委、县直机关工委书记 XXX")
    assert organs.room == {"部门"} and organs.role == "工委书记"
    assert "乡镇" not in organs.words["sub_units"]
    after_deputy = _brief(
        speaker="县委常委、组织部部长 XXX",
        previous_speakers=[{"who": "县委副书记XXX同志", "did": "通报了一季度工作情况"}],
    )
    assert after_deputy.relation == "下级" and after_deputy.did_kinds == {"通报"}
    chair = _brief(
        speaker="县委书记 XXX",
        previous_speakers=[{"who": "三个乡镇党委书记", "did": "作了交流发言"}],
    )
    assert chair.relation == "上级" and chair.did_kinds == {"交流发言"}
    told = _brief(speaker="XXX", speaker_role="书记", previous_speakers=[{"who": "某某", "rank": "上级"}])
    assert told.role == "书记" and told.relation == "下级"
    assert _brief().phase is None and _brief().role is None


def test_a_year_anchor_is_said_once():
    """§6 said once: “十五五开局之年” in the opening is not said again in the body."""
    for name, _brief, skel, seed, draft in corpus():
        text = draft.full_text()
        for anchor in PEN.anchors:
            if anchor.applies(draft.year):
                n = len(anchor.pattern.findall(text))
                assert n <= 1, f"{_where(name, skel, seed)}: “{anchor.name}” {n} 次"


def test_a_meeting_often_opens_with_words_written_for_its_kind():
    """§3: a 培训会 says why it meets as a 培训会 in about half the drafts, where the bank has such openings;
    the rest stay varied."""
    lib = _library()
    brief = complete_brief(load_brief(next(p for p in EXAMPLES if p.stem == "organs-training")))
    assert brief.meeting.kind == "培训会"
    kinds = []
    for seed in range(20):
        draft = compose(brief, lib.bank, lib.skeletons["sange-zai"], random.Random(seed))
        cand = lib.bank.variant(draft.choices["opening.0"].variant_id)
        assert cand is not None
        kinds.append("培训会" in cand.kinds)
    assert 7 <= sum(kinds) <= 17, sum(kinds)


def test_a_task_list_speaks_to_the_domains_the_brief_names():
    """§2: a county meeting about 农村, 社区 and 两新组织 hears tasks written for them, not only general ones
    (the bank has tasks per domain); none about a domain it did not name."""
    lib = _library()
    brief = complete_brief(load_brief(next(p for p in EXAMPLES if p.stem == "county-push")))
    named = set(brief.domains)
    assert len(named) == 3
    covered = []
    for seed in range(20):
        draft = compose(brief, lib.bank, lib.skeletons["chengji-wenti-renwu"], random.Random(seed))
        said: set[str] = set()
        for choice in draft.choices.values():
            if choice.slot == "cwr.tasks.item":
                cand = lib.bank.variant(choice.variant_id)
                assert cand is not None and set(cand.domains) <= named
                said |= set(cand.domains)
        covered.append(len(said & named))
    assert sum(covered) / len(covered) >= 2.5, covered


def test_a_review_meeting_answers_the_reports_as_reports():
    """§4: after eight town secretaries report on themselves (述职), the county secretary does not say
    “讲得很好。请大家认真领会” as after a briefing; entries written for 述职 answer them."""
    lib = _library()
    brief = complete_brief(
        _brief(
            meeting={"name": "乡镇党委书记抓基层党建工作述职评议会", "kind": "述职评议会"},
            scope="县",
            place="青山县",
            speaker="县委书记 XXX",
            date="2026-01-20",
            previous_speakers=[{"who": "八个乡镇党委书记", "did": "作了抓基层党建工作述职"}],
        )
    )
    assert brief.did_kinds == {"述职"} and brief.relation == "上级"
    answers = set()
    for seed in range(12):
        draft = draft_from_brief(brief, lib, seed)
        cand = lib.bank.variant(draft.choices["opening.1"].variant_id)
        assert cand is not None and "讲得很好" not in cand.text
        assert not cand.responds or "述职" in cand.responds, cand.id
        answers.add(cand.entry_id)
    assert {"opening.previous.review-follow", "opening.previous.review-mirror"} & answers
