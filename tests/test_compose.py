"""The pure core: reproducible, varied, counts that match, the clerk's facts in place."""

from __future__ import annotations

import random

import pytest
from structure import count_mismatches

from generator.api import draft_from_brief
from generator.brief import Brief
from generator.compose import compose, sentence_key, sentences
from generator.render.txt import render_txt


def _brief(**kw: object) -> Brief:
    data: dict = {"meeting": {"name": "基层党建工作推进会", "kind": "推进会"}, "year": 2026}
    data.update(kw)
    return Brief.model_validate(data)


@pytest.mark.parametrize("skeleton", ["chengji-wenti-renwu", "sidian-yijian"])
def test_same_seed_same_text_and_global_random_untouched(synthetic_library, skeleton):
    brief = _brief(points=4 if skeleton == "sidian-yijian" else 3)
    random.seed(1)
    a = render_txt(draft_from_brief(brief, synthetic_library, 11, skeleton=skeleton))
    random.seed(2)
    state = random.getstate()
    b = render_txt(draft_from_brief(brief, synthetic_library, 11, skeleton=skeleton))
    assert a == b
    assert random.getstate() == state, "compose must not use the global random"


def test_different_seeds_differ(synthetic_library):
    texts = {render_txt(draft_from_brief(_brief(), synthetic_library, s)) for s in range(6)}
    assert len(texts) >= 5


def test_numbering_and_counts_follow_structure(synthetic_library):
    for skel in synthetic_library.skeletons.values():
        for points in skel.point_counts:
            for seed in range(5):
                brief = _brief(
                    points=points, domains=["农村", "社区", "学校"], facts={"programme": "“红色引擎”工程"}
                )
                draft = compose(brief, synthetic_library.bank, skel, random.Random(seed), _first)
                heads = [p.text for p in draft.paragraphs if p.kind == "heading1"]
                assert len(heads) == points == draft.point_count
                marks = (
                    ["一、", "二、", "三、", "四、"]
                    if skel.numbering == "一、"
                    else ["第一，", "第二，", "第三，", "第四，"]
                )
                assert [h[: len(marks[0])] for h in heads] == marks[:points]
                assert count_mismatches(draft) == [], skel.id


def _first(request, candidates, rng):
    return candidates[0]


def test_no_sentence_repeats_within_a_draft(synthetic_library):
    for seed in range(10):
        draft = draft_from_brief(_brief(points=4, domains=["农村", "机关"]), synthetic_library, seed)
        keys = [sentence_key(s) for p in draft.paragraphs for s in sentences(p.text) if p.kind == "body"]
        assert len(keys) == len(set(keys))
        ids = [c.variant_id for c in draft.choices.values()]
        assert len(ids) == len(set(ids))


def test_clerks_facts_appear_in_their_own_words(synthetic_library):
    facts = {
        "achievements": ["全县新建党群服务中心十二个", "发展党员三百名"],
        "problems": ["个别支部{{ 组织生活 }}不规范"],
    }
    draft = draft_from_brief(_brief(facts=facts), synthetic_library, 3, skeleton="chengji-wenti-renwu")
    text = draft.full_text()
    for fact in facts["achievements"] + facts["problems"]:
        assert fact in text
    assert "一是全县新建党群服务中心十二个。" in text


def test_missing_place_and_date_become_visible_placeholders(synthetic_library):
    draft = draft_from_brief(_brief(), synthetic_library, 1)
    assert draft.paragraphs[1].text.endswith("XXX同志")
    assert "2026年X月X日" in draft.full_text()
    assert draft.placeholders()


def test_scope_words_follow_scope(synthetic_library):
    city = draft_from_brief(_brief(scope="市"), synthetic_library, 1).full_text()
    county = draft_from_brief(_brief(scope="县"), synthetic_library, 1).full_text()
    assert "全市" in city and "全县" not in city and "市委" in city
    assert "全县" in county and "全市" not in county


def test_title_from_scope_and_meeting_name(synthetic_library):
    assert draft_from_brief(_brief(), synthetic_library, 1).title == "在全县基层党建工作推进会上的讲话"
    organs = _brief(meeting={"name": "县直机关党建工作会", "kind": "工作会"})
    assert draft_from_brief(organs, synthetic_library, 1).title == "在县直机关党建工作会上的讲话"
    assert draft_from_brief(_brief(title="自定标题"), synthetic_library, 1).title == "自定标题"


def test_target_length_moves_the_draft(synthetic_library):
    short = draft_from_brief(_brief(length={"characters": 800}), synthetic_library, 5)
    long = draft_from_brief(_brief(length={"characters": 20000}), synthetic_library, 5)
    assert short.characters < long.characters


def test_unreachable_target_is_reported_not_hidden(synthetic_library):
    from generator.brief import Length

    brief = _brief(length=Length(characters=20000))
    draft = draft_from_brief(brief, synthetic_library, 1, skeleton="chengji-wenti-renwu")
    assert any("超出骨架" in n and "20000" in n for n in draft.notes)
    plain = draft_from_brief(_brief(), synthetic_library, 1, skeleton="chengji-wenti-renwu")
    assert not any("超出骨架" in n for n in plain.notes)


def test_further_sentences_never_split_a_colon_from_its_list():
    from generator.compose import _with_more

    assert _with_more("甲事已办。乙事如下：", "丙要跟上。") == "甲事已办。丙要跟上。乙事如下："
    assert _with_more("乙事如下：", "丙要跟上。") == "丙要跟上。乙事如下："
    assert _with_more("甲事已办。", "丙要跟上。") == "甲事已办。丙要跟上。"


def test_the_remembered_fill_level_gives_the_same_draft(library, example_briefs):
    """compose remembers the fill level per brief and seed (a picker's moves compose once): same words."""
    import copy

    from generator.api import draft_from_brief

    brief = example_briefs["county-push"]
    fresh = copy.deepcopy(library)
    fresh.bank.fills.clear()
    first = draft_from_brief(brief, fresh, 11).full_text()
    assert fresh.bank.fills, "the level was remembered"
    again = draft_from_brief(brief, fresh, 11).full_text()
    other = copy.deepcopy(library)
    other.bank.fills.clear()
    assert first == again == draft_from_brief(brief, other, 11).full_text()


def test_a_bank_with_nothing_for_a_place_names_the_place_in_the_speech(library, example_briefs):
    """A clerk with a custom bank or brief reads where in the speech the gap is, not only a slot id."""
    import dataclasses

    from generator.errors import UserError

    brief = example_briefs["county-push"]
    skel = library.skeletons["chengji-wenti-renwu"]
    slot = skel.points[1].heading
    thin = dataclasses.replace(
        library.bank, by_slot={k: v for k, v in library.bank.by_slot.items() if k != slot}
    )
    with pytest.raises(UserError) as err:
        compose(brief, thin, skel, random.Random(1))
    message = err.value.format()
    assert message.startswith("第二部分的标题：短语库中没有适合这份简报的说法")
    assert slot in message and "\n" not in message
    # The thinned copy has memos of its own: the full bank still composes.
    assert compose(brief, library.bank, skel, random.Random(1)).point_count == 3


def _task_intro_paragraphs(wording, more, seeds: int) -> list[str]:
    """The paragraphs of 成绩—问题—任务 drafts from a synthetic bank whose task intros are `wording(n)` with
    further sentences `more(n)` (n: the entry's number, to keep them apart): what the composer adds."""
    from conftest import synthetic_bank_data

    from generator.api import Library
    from generator.bank import PhraseBank
    from generator.bank_schema import BankFile
    from generator.loaders import load_skeletons

    data = synthetic_bank_data()
    for entry in data["entries"]:
        if entry["slot"] == "cwr.tasks.intro":
            n = int(entry["id"][-1])
            entry["variants"] = [{"text": wording(n)}]
            entry["more"] = more(n)
    bank = PhraseBank.from_files([("synthetic", BankFile.model_validate(data))])
    library = Library(skeletons=load_skeletons(), bank=bank)
    brief = Brief.model_validate(
        {"meeting": {"name": "基层党建工作推进会", "kind": "推进会"}, "place": "青山县"}
    )
    skel = library.skeletons["chengji-wenti-renwu"]
    return [
        p.text
        for seed in range(seeds)
        for p in compose(brief, library.bank, skel, random.Random(seed)).paragraphs
    ]


def test_a_further_sentence_never_echoes_its_paragraph():
    """Red pen §6, said once: a further sentence that repeats a phrase of the wording before it
    (“一次讲清、一次办好” twice in one paragraph) is left out; one that says something new is kept."""
    paragraphs = _task_intro_paragraphs(
        lambda n: f"办事效率关系群众感受{'甲' * n}，要做到一次讲清、一次办好。",
        lambda n: [f"群众办事要一次讲清一次办好{'乙' * n}。", f"窗口服务要热情周到{'丙' * n}。"],
        4,
    )
    texts = [t for t in paragraphs if "一次讲清、一次办好" in t]
    assert texts and any("窗口服务" in t for t in texts), "a sentence that says something new is taken"
    assert not any("一次讲清一次办好" in t for t in texts)


def test_a_further_sentence_that_points_back_follows_the_wording():
    """“这样才能……” speaks of the wording before it: when a draft takes it, it comes right after the
    wording, not after another further sentence, and never two of them in one paragraph."""
    paragraphs = _task_intro_paragraphs(
        lambda n: f"任务要分解到人{'甲' * n}，每项都有人盯。",
        lambda n: [
            f"台账要简明{'甲' * n}。",
            f"进度要每月通报{'甲' * n}。",
            f"这样才能件件落地{'甲' * n}。",
            f"这是抓落实的要求{'甲' * n}。",
        ],
        8,
    )
    seen = 0
    for text in paragraphs:
        if "任务要分解到人" not in text:
            continue
        tail = text.split("每项都有人盯。", 1)[1]
        back = [s for s in sentences(tail) if s.startswith("这")]
        assert len(back) <= 1 and (not back or tail.startswith(back[0])), text
        seen += bool(back)
    assert seen
