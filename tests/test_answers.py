"""Answers files: replay reproduces a picked draft; changes are reported, not scrambled.

A small skeleton and phrase bank are built here (slots named `pk.*`), so these
tests do not depend on the real bank, which others are still writing.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from generator.answers import (
    Answers,
    AnswersChooser,
    answers_from,
    answers_path,
    dump_answers,
    load_answers,
    parse_section,
    replay,
    replay_answers,
    reroll,
    save_answers,
    section_of,
)
from generator.api import Library, draft_from_brief
from generator.bank import BankFile, PhraseBank
from generator.brief import DOMAINS, Brief
from generator.cli import main
from generator.compose import SlotRequest, random_chooser
from generator.errors import UserError
from generator.numbering import cn
from generator.render.txt import render_txt
from generator.skeleton import Skeleton

# What an id looks like in a message: a variant hash or a dotted path/entry id.
ID_IN_TEXT = re.compile(r"/[0-9a-f]{6}|[a-z]+[0-9]*\.[a-z0-9]+\.[a-z0-9]+")

# A test skeleton with every node kind: paras (one with 1-2 sentences), items with
# an announce line, sub-sections, domains, and an optional fourth point.
SKELETON = {
    "id": "pick-test",
    "name": "挑选测试",
    "description": "测试挑选与复现用的骨架",
    "numbering": "一、",
    "opening": [{"para": "pk.open.a"}, {"para": "pk.open.b", "sentences": [1, 2]}],
    "points": [
        {
            "heading": "pk.head.one",
            "body": [
                {"para": "pk.one.intro"},
                {"items": "pk.one.item", "style": "一是", "count": [2, 3], "announce": "pk.announce"},
            ],
        },
        {
            "heading": "pk.head.two",
            "body": [
                {
                    "sections": [
                        {
                            "heading": "pk.two.sub",
                            "body": [{"items": "pk.two.item", "style": "一要", "count": 2}],
                        },
                        {"heading": "pk.two.sub", "body": [{"para": "pk.two.para"}]},
                    ]
                }
            ],
        },
        {"heading": "pk.head.three", "body": [{"domains": "pk.domain", "style": "（一）"}]},
        {"heading": "pk.head.four", "optional": True, "body": [{"para": "pk.four.para"}]},
    ],
    "closing": [{"para": "pk.close.a"}, {"para": "pk.close.b"}],
}

_WORDS = {
    "pk.open.a": "开场",
    "pk.open.b": "定调",
    "pk.head.one": "回顾",
    "pk.one.intro": "总评",
    "pk.one.item": "成效",
    "pk.announce": "引导",
    "pk.head.two": "部署",
    "pk.two.sub": "分项",
    "pk.two.item": "要求",
    "pk.two.para": "措施",
    "pk.head.three": "领域",
    "pk.domain": "领域工作",
    "pk.head.four": "保障",
    "pk.four.para": "保障措施",
    "pk.close.a": "号召",
    "pk.close.b": "收束",
}


def bank_data(entries: int = 5, variants: int = 3) -> dict:
    """Machine-made, all-distinct text for every `pk.*` slot, plus one year-bound entry."""
    out = []
    for slot, word in _WORDS.items():
        for e in range(entries):
            vs = []
            for v in range(variants):
                mark = f"{word}第{cn(e + 1)}条第{cn(v + 1)}式"
                if slot == "pk.announce":
                    text = f"{mark}，下面分{{{{ count_cn }}}}点说明："
                elif ".head." in slot or slot == "pk.two.sub":
                    text = f"抓好{mark}"
                else:
                    text = f"{{{{ whole }}}}要把{mark}落到实处。{{{{ committee }}}}对{mark}负总责。"
                variant: dict = {"text": text}
                if slot in ("pk.one.item", "pk.two.item", "pk.domain"):
                    variant["head"] = f"把握{mark}"
                vs.append(variant)
            entry: dict = {"id": f"{slot}.e{e}", "slot": slot, "variants": vs}
            if slot == "pk.domain":
                entry["domains"] = list(DOMAINS)
            out.append(entry)
    out.append(
        {
            "id": "pk.open.a.recent",
            "slot": "pk.open.a",
            "years": [2026, None],
            "variants": [{"id": "v1", "text": "开场新提法仅用于二〇二六年以后的讲话。"}],
        }
    )
    return {"theme": "pick-test", "entries": out}


def make_library(data: dict | None = None) -> Library:
    bank = PhraseBank.from_files([("pick-test", BankFile.model_validate(data or bank_data()))])
    return Library(skeletons={"pick-test": Skeleton.model_validate(SKELETON)}, bank=bank)


def make_brief(**kw: object) -> Brief:
    data: dict = {
        "meeting": {"name": "基层党建工作推进会"},
        "year": 2026,
        "points": 4,
        "domains": ["农村", "社区"],
        "skeleton": "pick-test",
    }
    data.update(kw)
    return Brief.model_validate(data)


def write_case(folder: Path, brief: dict | None = None, bank: dict | None = None) -> tuple[Path, list[str]]:
    """A brief file plus skeleton and bank folders; returns the brief and the CLI folder options."""
    (folder / "skel").mkdir(exist_ok=True)
    (folder / "bank").mkdir(exist_ok=True)
    (folder / "skel" / "pick-test.yaml").write_text(yaml.safe_dump(SKELETON, allow_unicode=True), "utf-8")
    (folder / "bank" / "pick-test.yaml").write_text(
        yaml.safe_dump(bank or bank_data(), allow_unicode=True), "utf-8"
    )
    data = brief or {
        "meeting": {"name": "基层党建工作推进会"},
        "year": 2026,
        "points": 4,
        "domains": ["农村", "社区"],
        "skeleton": "pick-test",
        "seed": 11,
    }
    path = folder / "brief.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    return path, ["--skeletons-dir", str(folder / "skel"), "--bank-dir", str(folder / "bank")]


def cli(*args: object, **kw: object):
    return CliRunner().invoke(main, [str(a) for a in args], **kw)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def lib() -> Library:
    return make_library()


# The chooser ---------------------------------------------------------------------


def test_chooser_advances_the_rng_exactly_like_random_chooser(lib):
    cands = lib.bank.slot("pk.open.a")
    req = SlotRequest(path="opening.0", slot="pk.open.a", role="para", section="opening")
    for answer in (None, cands[3].id, "gone.entry/v9"):
        a, b = random.Random(5), random.Random(5)
        random_chooser(req, cands, a)
        chooser = AnswersChooser({"opening.0": answer} if answer else {})
        got = chooser(req, cands, b)
        assert a.getstate() == b.getstate()
        if answer == cands[3].id:
            assert got is cands[3]


def test_replay_without_answers_is_the_plain_draft(lib):
    for seed in range(6):
        plain = draft_from_brief(make_brief(), lib, seed)
        again = replay(make_brief(), lib, seed).draft
        assert render_txt(again) == render_txt(plain)
        assert again.choices == plain.choices


def test_answers_reproduce_a_draft_with_a_changed_pick(lib):
    brief = make_brief()
    base = replay(brief, lib, 3)
    path = "point1.1.1"
    record = base.slots[path]
    # The first alternative that says nothing the draft says elsewhere (one that does is replaced,
    # with a note: see test_a_pick_that_repeats_another_place_is_replaced_and_said).
    for other in (c.id for c in record.pool if c.id != record.chosen):
        picked = replay(brief, lib, 3, {**base.choices(), path: other})
        if picked.mismatches == []:
            break
    else:
        raise AssertionError("no alternative at point1.1.1 fits the draft")
    assert picked.draft.choices[path].variant_id == other
    changed = [p for p in base.choices() if base.choices()[p] != picked.choices().get(p)]
    assert changed == [path], "one pick must not move any other choice or count"
    # and the answers of the picked draft give it back exactly, through a file
    again = replay(brief, lib, 3, picked.choices())
    assert render_txt(again.draft) == render_txt(picked.draft)


def test_a_pick_that_repeats_another_place_is_replaced_and_said(lib):
    """Two saved picks of one entry (one place changed to what another says) are not both said: the
    later one is replaced, and the note names the places in the clerk's words, never an id."""
    brief = make_brief()
    for seed in range(12):
        base = replay(brief, lib, seed)
        for path, record in base.slots.items():
            used = {p: c.split("/")[0] for p, c in base.choices().items() if p != path}
            for cand in record.pool:
                if cand.entry_id in used.values() and cand.id != record.chosen:
                    again = replay(brief, lib, seed, {**base.choices(), path: cand.id})
                    entries = [c.variant_id.split("/")[0] for c in again.draft.choices.values()]
                    assert len(entries) == len(set(entries)), "an entry said twice"
                    assert any("意思重复" in m or "与前文重复" in m for m in again.mismatches), (
                        again.mismatches
                    )
                    assert not any("/" in m for m in again.mismatches), "a note shows an id"
                    return
    raise AssertionError("no pool offers an entry used elsewhere: the test cannot run")


def test_answers_survive_bank_edits_elsewhere(lib):
    brief = make_brief()
    picked = replay(brief, lib, 8)
    data = bank_data()
    # new entries in every slot, placed first, and the entries reversed: a plain seed run changes ...
    extra = [
        {
            "id": f"{e['id']}.new",
            "slot": e["slot"],
            "domains": e.get("domains", []),
            "variants": [f"新增说法{i}。"],
        }
        for i, e in enumerate(data["entries"])
        if e["id"].endswith(".e0")
    ]
    data["entries"] = extra + list(reversed(data["entries"]))
    edited = make_library(data)
    assert render_txt(draft_from_brief(brief, edited, 8)) != render_txt(picked.draft)
    # ... but the answers still give the picked draft
    again = replay(brief, edited, 8, picked.choices())
    assert render_txt(again.draft) == render_txt(picked.draft)
    assert again.mismatches == []


def test_a_removed_variant_is_reported_and_the_rest_kept(lib):
    brief = make_brief()
    picked = replay(brief, lib, 4)
    gone_path = "closing.1"
    gone_entry = picked.choices()[gone_path].split("/")[0]
    data = bank_data()
    data["entries"] = [e for e in data["entries"] if e["id"] != gone_entry]
    again = replay(brief, make_library(data), 4, picked.choices())
    assert len(again.mismatches) == 1
    line = again.mismatches[0]
    assert line.startswith("结尾第2段") and "不存在" in line and "\n" not in line
    assert not ID_IN_TEXT.search(line), "a clerk reads places and words, never ids"
    new_text = render_txt(again.draft).splitlines()[-1]
    assert line.endswith("已换成“" + new_text[:16] + "……”")
    assert (
        again.summary == f"{len(picked.choices())} 处挑选中 {len(picked.choices()) - 1} 处保留，1 处不再适用"
    )
    same = [p for p in picked.choices() if p != gone_path]
    assert all(again.choices()[p] == picked.choices()[p] for p in same)


def test_changed_brief_keeps_fitting_picks_and_reports_the_rest(lib):
    brief = make_brief()
    base = replay(brief, lib, 2)
    choices = {**base.choices(), "opening.0": "pk.open.a.recent/v1"}
    picked = replay(brief, lib, 2, choices)
    assert picked.mismatches == []
    answers = answers_from(picked)
    # a year before the variant's range, and three points instead of four
    changed = make_brief(year=2024, points=3)
    again = replay_answers(changed, lib, answers)
    lines = again.mismatches
    assert any(s.startswith("开头第1段原选“开场新提法") and "不适合修改后的简报" in s for s in lines), lines
    assert not any(ID_IN_TEXT.search(s) for s in lines), lines
    assert any(s.startswith("第四部分：") and "没有这一部分" in s for s in lines), lines
    assert any("年份" in s for s in lines)
    kept = [p for p in picked.choices() if section_of(p) in ("point1", "point2", "point3", "closing")]
    assert all(again.choices().get(p) == picked.choices()[p] for p in kept)


def test_brief_without_year_takes_the_picked_year(lib):
    answers = answers_from(replay(make_brief(year=2027), lib, 1))
    undated = make_brief(year=None)
    assert replay_answers(undated, lib, answers).draft.year == 2027


# Sections and rerolls -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "section"),
    [
        ("二", "point2"),
        ("2", "point2"),
        ("point2", "point2"),
        ("第二部分", "point2"),
        ("三、", "point3"),
        ("opening", "opening"),
        ("开头", "opening"),
        ("closing", "closing"),
        ("结尾", "closing"),
    ],
)
def test_section_names(text, section):
    assert parse_section(text, 3) == section


@pytest.mark.parametrize("text", ["四", "5", "point0", "中间", ""])
def test_bad_section_names_are_user_errors(text):
    with pytest.raises(UserError) as err:
        parse_section(text, 3)
    assert "\n" not in err.value.format()


def test_reroll_changes_one_section_only_and_keeps_locks(lib):
    brief = make_brief()
    base = replay(brief, lib, 6)
    before = base.choices()
    locked = {"point2.0.1.heading"}
    result = reroll(brief, lib, 6, before, "point2", 1234, locked=locked)
    after = result.choices()
    inside = [p for p in before if section_of(p) == "point2"]
    assert after["point2.0.1.heading"] == before["point2.0.1.heading"]
    assert any(after[p] != before[p] for p in inside if p not in locked)
    assert all(after[p] != before[p] for p in inside if p not in locked), "a reroll avoids the old wording"
    assert all(after[p] == before[p] for p in before if section_of(p) != "point2")
    outside = [(p.section, p.text) for p in base.draft.paragraphs if p.section != "point2"]
    assert [(p.section, p.text) for p in result.draft.paragraphs if p.section != "point2"] == outside
    again = reroll(brief, lib, 6, before, "point2", 1234, locked=locked)
    assert again.choices() == after, "the recorded seed makes a reroll repeatable"


@pytest.mark.parametrize("section", ["point1", "point2"])
def test_reroll_never_makes_a_kept_path_give_way(library, example_briefs, section):
    """A rerolled section does not take an idea or a year's anchor that a kept path later in the draft
    says: said once, the kept path would have to change (the clerk sees other sections move). The
    heading is locked: the first heading sets the family the later ones keep to."""
    brief = example_briefs["city-deploy"].model_copy(update={"skeleton": "fangan-shishi"})
    before = replay(brief, library, 7).choices()
    locked = {f"{section}.heading"}
    for new_seed in range(12):
        after = reroll(brief, library, 7, before, section, new_seed, locked=locked).choices()
        moved = [p for p in before if section_of(p) != section and after.get(p) != before[p]]
        assert not moved, f"reroll seed {new_seed}: {moved}"


# Files ----------------------------------------------------------------------------------


def test_answers_file_round_trip(tmp_path, lib):
    result = replay(make_brief(), lib, 9)
    answers = answers_from(result, locked={"opening.0"}, rerolls={"point1": 77})
    path = answers_path(tmp_path / "县里.yaml")
    assert path.name == "县里.answers.yaml"
    save_answers(path, answers, "县里.yaml")
    text = path.read_text("utf-8")
    assert text.startswith("# speechdraft 挑选结果") and "县里.yaml" in text
    loaded = load_answers(path)
    assert loaded == answers
    assert list(loaded.choices) == list(result.draft.choices), "paths stay in draft order"
    save_answers(path, answers.model_copy(update={"seed": 10}), "县里.yaml")
    assert load_answers(path.with_name(path.name + ".bak")).seed == 9, "the previous file is kept"


@pytest.mark.parametrize(
    ("edit", "needle"),
    [
        ({"choices": {"opening.0": "no-slash"}}, "条目id/变体id"),
        ({"choices": {"middle.0": "a/b"}}, "无法识别的路径"),
        ({"locked": ["point9.heading"]}, "锁定的路径"),
        ({"rerolls": {"middle": 3}}, "无法识别的部分"),
        ({"seed": -1}, "seed"),
        ({"colour": "red"}, "未知的键"),
    ],
)
def test_bad_answers_files_name_the_line(tmp_path, edit, needle):
    good = Answers(skeleton="pick-test", seed=1, year=2026, choices={"opening.0": "a/b"})
    data = yaml.safe_load(dump_answers(good))
    data.update(edit)
    path = tmp_path / "x.answers.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    with pytest.raises(UserError) as err:
        load_answers(path)
    message = err.value.format()
    assert needle in message and "x.answers.yaml:" in message, message


# Through the command line ----------------------------------------------------------------


def test_generate_picks_up_the_answers_file(tmp_path):
    brief, opts = write_case(tmp_path)
    first = tmp_path / "first.txt"
    assert cli("reroll", brief, "--section", "二", "--new-seed", "5", "-o", first, *opts).exit_code == 0
    apath = tmp_path / "brief.answers.yaml"
    assert load_answers(apath).rerolls == {"point2": 5}
    again = tmp_path / "again.txt"
    result = cli("generate", brief, "-o", again, *opts)
    assert result.exit_code == 0, result.output
    assert "使用挑选结果" in result.output and "brief.answers.yaml" in result.output
    assert again.read_text("utf-8") == first.read_text("utf-8")
    plain = tmp_path / "plain.txt"
    result = cli("generate", brief, "-o", plain, "--no-answers", *opts)
    assert result.exit_code == 0 and "使用挑选结果" not in result.output
    assert plain.read_text("utf-8") != first.read_text("utf-8")


def test_reroll_keeps_other_sections_and_reports(tmp_path):
    brief, opts = write_case(tmp_path)
    plain = tmp_path / "plain.txt"
    assert cli("generate", brief, "-o", plain, *opts).exit_code == 0
    out = tmp_path / "out.txt"
    result = cli("reroll", brief, "-s", "开头", "--new-seed", "9", "-o", out, *opts)
    assert result.exit_code == 0, result.output
    assert "已重新生成开头" in result.output and "新种子 9" in result.output
    old, new = plain.read_text("utf-8").splitlines(), out.read_text("utf-8").splitlines()
    assert len(old) == len(new)
    differ = [i for i, (a, b) in enumerate(zip(old, new, strict=True)) if a != b]
    first_point = next(i for i, line in enumerate(old) if line.startswith("一、"))
    assert differ and old.index("同志们：") < min(differ) and max(differ) < first_point
    # the output exists now: rerolling again needs --force, and says so before any work
    result = cli("reroll", brief, "-s", "结尾", "-o", out, *opts)
    assert result.exit_code == 1 and "--force" in result.output
    result = cli("reroll", brief, "-s", "结尾", "-o", out, "--force", *opts)
    assert result.exit_code == 0, result.output
    assert set(load_answers(tmp_path / "brief.answers.yaml").rerolls) == {"opening", "closing"}


def test_reroll_bad_section_is_one_line(tmp_path):
    brief, opts = write_case(tmp_path)
    result = cli("reroll", brief, "--section", "第五部分", "-o", tmp_path / "x.txt", *opts)
    assert result.exit_code == 1
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1
    assert not (tmp_path / "x.txt").exists() and not (tmp_path / "brief.answers.yaml").exists()


def test_generate_reports_picks_a_changed_brief_cannot_keep(tmp_path):
    brief, opts = write_case(tmp_path)
    assert cli("reroll", brief, "-s", "1", "-o", tmp_path / "a.txt", *opts).exit_code == 0
    data = yaml.safe_load(brief.read_text("utf-8"))
    data["points"] = 3
    brief.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    result = cli("generate", brief, "-o", tmp_path / "b.txt", *opts)
    assert result.exit_code == 0, result.output
    lines = [s for s in result.output.splitlines() if s.startswith("挑选结果：")]
    total = len(load_answers(tmp_path / "brief.answers.yaml").choices)
    assert lines == [
        f"挑选结果：{total} 处挑选中 {total - 2} 处保留，2 处不再适用",
        "挑选结果：第四部分：修改后的讲话稿没有这一部分，其中 2 处挑选未使用",
    ]


# The answers file as a clerk reads it --------------------------------------------------------


def test_the_answers_file_shows_each_choice_in_words_and_keeps_a_clerks_notes(tmp_path, lib):
    from generator.answers import answer_notes

    result = replay(make_brief(), lib, 3)
    answers = answers_from(result, locked=["point1.0"], picked=["opening.0", "point1.0"])
    notes = answer_notes(result, lib.bank)
    path = tmp_path / "brief.answers.yaml"
    save_answers(path, answers, "brief.yaml", notes=notes, skeleton_name="挑选测试")
    text = path.read_text("utf-8")
    first_item = next(line for line in text.splitlines() if line.startswith("  point1.1.0:"))
    assert first_item.startswith(f"  point1.1.0: {result.choices()['point1.1.0']}  #= 第一部分“一是”：把握")
    assert "skeleton: pick-test  #= 挑选测试" in text
    assert load_answers(path) == answers
    # a clerk adds notes of their own: above a key, at a line's end, and at the end of the file
    lines = text.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("  point1.1.0:"))
    lines.insert(at, "  # 这一条是领导圈定的，别动")
    lines = [line + "  # 二稿再议" if line.startswith("  opening.0:") else line for line in lines]
    lines.append("# 2026年4月 办公室 小王")
    path.write_text("\n".join(lines) + "\n", "utf-8")
    new = replay(make_brief(), lib, 3, {**result.choices(), "closing.0": lib.bank.slot("pk.close.a")[-1].id})
    save_answers(
        path, answers_from(new, picked=["opening.0"]), "brief.yaml", notes=answer_notes(new, lib.bank)
    )
    again = path.read_text("utf-8")
    kept = again.splitlines()
    at = next(i for i, line in enumerate(kept) if line.startswith("  point1.1.0:"))
    assert kept[at - 1] == "# 这一条是领导圈定的，别动"
    opening = next(line for line in kept if line.startswith("  opening.0:"))
    assert opening.endswith("  # 二稿再议") and "#= 开头第1段：" in opening
    assert kept[-1] == "# 2026年4月 办公室 小王"
    closing = next(line for line in kept if line.startswith("  closing.0:"))
    assert closing.startswith(f"  closing.0: {new.choices()['closing.0']}  #= 结尾第1段：")
    assert load_answers(path).choices == new.choices()
    assert again.count("# 二稿再议") == 1 and again.count("别动") == 1
    # saving twice changes nothing
    save_answers(
        path, answers_from(new, picked=["opening.0"]), "brief.yaml", notes=answer_notes(new, lib.bank)
    )
    assert path.read_text("utf-8") == again


def test_answers_are_written_with_the_umasks_mode_and_never_half(tmp_path, lib, monkeypatch):
    import os

    from generator import output

    answers = answers_from(replay(make_brief(), lib, 3))
    path = tmp_path / "sub" / "brief.answers.yaml"
    old = os.umask(0o027)
    try:
        save_answers(path, answers, "brief.yaml")
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == 0o640
    before = path.read_bytes()

    def broken(*a, **kw):
        raise KeyboardInterrupt

    monkeypatch.setattr(output.os, "replace", broken)
    with pytest.raises(KeyboardInterrupt):
        save_answers(path, answers_from(replay(make_brief(), lib, 4)), "brief.yaml")
    assert path.read_bytes() == before
    left = sorted(p.name for p in path.parent.iterdir())
    assert left == [path.name, path.name + ".bak"], "no temporary file is left behind"


@pytest.mark.parametrize("name", ["city-deploy", "county-push", "organs-training"])
def test_reroll_keeps_the_years_anchor_it_said(library, example_briefs, name):
    """A section that said a year's anchor still says it after a reroll: otherwise the anchor goes to its
    place in another section, and a path the clerk did not reroll changes there."""
    brief = example_briefs[name]
    moved = []
    for seed in range(4):
        before = replay(brief, library, seed).choices()
        for section in ("point1", "point3"):
            locked = {f"{section}.heading"}
            for new_seed in range(3):
                after = reroll(brief, library, seed, before, section, new_seed, locked=locked).choices()
                moved += [
                    (seed, section, new_seed, p)
                    for p in before
                    if section_of(p) != section and after.get(p) != before[p]
                ]
    assert not moved, moved
