"""No 雷同: avoiding past speeches, 查重 against reference files, and foreign place names."""

from __future__ import annotations

import json
import random
from pathlib import Path

from click.testing import CliRunner
from conftest import EXAMPLES

from generator.cli import main
from generator.overlap import SentenceIndex, compare, foreign_places, normal, split_sentences

COUNTY = next(p for p in EXAMPLES if p.stem == "county-push")


def _generate(tmp_path: Path, seed: int, name: str, *extra: str) -> Path:
    out = tmp_path / name
    res = CliRunner().invoke(
        main, ["generate", str(COUNTY), "-o", str(out), "--seed", str(seed), "--no-answers", *extra]
    )
    assert res.exit_code == 0, res.output
    return out


def _formulas(text: str) -> set[str]:
    """Lines every draft of this brief shares by design: title block, hand-off, the clerk's facts."""
    lines = text.splitlines()
    keep = set(lines[:4])
    keep |= {line for line in lines if "点意见" in line or line.startswith(("一是", "二是"))}
    return keep


def test_index_finds_identical_and_near_sentences_only():
    index = SentenceIndex()
    index.add_text(["要把党组织书记队伍建设作为基础工程抓紧抓实，确保每个支部都有好的带头人。"], "old.txt")
    same = index.find("要把党组织书记队伍建设作为基础工程抓紧抓实，确保每个支部都有好的带头人。")
    near = index.find("要把党组织书记队伍建设作为基础工程抓紧抓好，确保每个支部都有好的带头人。")
    other = index.find("各级党组织要围绕中心工作找准切入点，推动党建和业务深度融合。")
    assert same and same.similarity == 1.0 and same.source == "old.txt"
    assert near and 0.8 <= near.similarity < 1.0
    assert other is None
    assert index.find("同志们：") is None, "formulas too short to count"


def _shared(text: str, past: Path) -> list[str]:
    index = SentenceIndex()
    for f in past.iterdir():
        index.add_text(f.read_text("utf-8").splitlines(), f.name)
    allowed = _formulas(text)
    return [
        line
        for line in text.splitlines()
        if line not in allowed and not line.endswith("：")  # announce lines are formulas too
        for s in split_sentences(line)
        if index.find(s) and not any(normal(s) in normal(a) for a in allowed)
    ]


def test_avoid_earlier_drafts(tmp_path):
    past = tmp_path / "past"
    past.mkdir()
    for seed in range(3):
        _generate(past, seed, f"{seed}.txt")
    new = _generate(tmp_path, 99, "new.txt", "--avoid", str(past))
    assert _shared(new.read_text("utf-8"), past) == []
    # Without --avoid the same seed shares plenty: the check above is not vacuous.
    plain = _generate(tmp_path, 99, "plain.txt").read_text("utf-8")
    assert _shared(plain, past)


def test_avoid_ten_drafts_says_where_it_could_not(tmp_path):
    """Ten earlier drafts exhaust some slots: what is still shared is only where the summary says so."""
    past = tmp_path / "past"
    past.mkdir()
    for seed in range(10):
        _generate(past, seed, f"{seed}.txt")
    out = tmp_path / "new.txt"
    res = CliRunner().invoke(
        main, ["generate", str(COUNTY), "-o", str(out), "--seed", "99", "--no-answers", "--avoid", str(past)]
    )
    assert res.exit_code == 0, res.output
    text = out.read_text("utf-8")
    shared = _shared(text, past)
    named = {
        line.removeprefix("提示：").split("：")[0] for line in res.output.splitlines() if "没有能避开" in line
    }
    sections = {"第一部分": "一、", "第二部分": "二、", "第三部分": "三、"}
    lines = text.splitlines()
    for line in shared:
        heading = next(
            h for h in reversed(lines[: lines.index(line)]) if h.startswith(tuple(sections.values()))
        )
        where = next(k for k, v in sections.items() if heading.startswith(v))
        assert where in named, f"{line[:30]} 未在摘要中说明（{named}）"


def test_lint_against_itself_is_all_shared_and_two_drafts_are_measured(tmp_path):
    a = _generate(tmp_path, 1, "a.txt")
    b = _generate(tmp_path, 2, "b.txt")
    res = CliRunner().invoke(main, ["lint", str(a), "--against", str(a), "--format", "json"])
    data = json.loads(res.output)
    assert data["overlap"][0]["share"] == 1.0
    assert data["overlap"][0]["longest_runs"][0]["sentences"] == data["overlap"][0]["sentences"]
    res = CliRunner().invoke(main, ["lint", str(a), "--against", str(b), "--format", "json"])
    share = json.loads(res.output)["overlap"][0]["share"]
    ref = SentenceIndex()
    ref.add_text(b.read_text("utf-8").splitlines(), "b")
    assert share == round(compare(a.read_text("utf-8").splitlines(), ref, "b").share, 4)
    assert 0 < share < 1
    limit = f"{share * 100 - 1:.0f}%"
    over = CliRunner().invoke(main, ["lint", str(a), "--against", str(b), "--max-overlap", limit])
    assert over.exit_code == 1 and "[错误]" in over.output
    bad = CliRunner().invoke(main, ["lint", str(a), "--against", str(b), "--max-overlap", "lots"])
    assert bad.exit_code == 1 and "--max-overlap" in bad.output and "Traceback" not in bad.output


def test_place_catches_a_foreign_name_and_a_wrong_scope(tmp_path):
    draft = _generate(tmp_path, 3, "d.txt")
    clean = CliRunner().invoke(main, ["lint", str(draft), "--place", "青山县"])
    assert "地名" not in clean.output and "范围" not in clean.output
    text = draft.read_text("utf-8").splitlines()
    text[8] = "学习借鉴钟祥市的做法，" + text[8]
    text[12] = "全市上下要" + text[12]
    planted = tmp_path / "planted.txt"
    planted.write_text("\n".join(text), "utf-8")
    res = CliRunner().invoke(main, ["lint", str(planted), "--place", "青山县"])
    assert res.exit_code == 1
    assert "“钟祥市”" in res.output and "“全市”与本稿的范围（县）不符" in res.output


def test_generic_words_are_not_place_names():
    text = [
        "推动乡镇、社区、园区、开发区、驻区单位、专业市场、城市和城镇党建，先进地区的经验，青山县委的部署。"
    ]
    assert foreign_places(text, "青山县", "县") == []


def test_a_towns_everyday_words_are_not_place_names_but_another_town_is(library):
    """乡 and 镇 end many words of a town's speech (回报家乡、乡情乡亲、在镇工作、同镇党委): none of them
    is a foreign place. Drafts for a town brief on every fitting skeleton pass; a planted town does not."""
    from generator.api import complete_brief
    from generator.brief import Brief
    from generator.compose import compose
    from generator.select import fits

    words = [
        "动员在外人才回报家乡、反哺家乡，用乡情乡亲凝聚力量，为回乡创业的青年和在镇工作的干部排忧解难，同镇党委一起研究。"
    ]
    assert foreign_places(words, "石桥镇", "乡镇") == []
    planted = ["学习借鉴李家镇和王家乡的做法。"]
    assert {s.word for s in foreign_places(planted, "石桥镇", "乡镇")} == {"李家镇", "王家乡"}
    brief = complete_brief(
        Brief.model_validate(
            {
                "meeting": {"name": "全镇农村基层党建工作总结会", "kind": "总结会"},
                "scope": "乡镇",
                "place": "石桥镇",
                "date": "2026-12-18",
                "domains": ["农村"],
            }
        )
    )
    fitting = [sk for sk in library.skeletons.values() if fits(brief, sk)]
    assert fitting
    for skel in fitting:
        for seed in range(6):
            draft = compose(brief, library.bank, skel, random.Random(seed))
            strikes = foreign_places([p.text for p in draft.paragraphs], "石桥镇", "乡镇")
            assert strikes == [], (skel.id, seed, strikes)


def _past_drafts(tmp_path: Path, n: int = 3) -> Path:
    past = tmp_path / "past"
    past.mkdir()
    for seed in range(n):
        _generate(past, seed, f"{seed}.txt")
    return past


def test_replaying_answers_avoids_past_speeches_and_says_what_it_replaced(tmp_path):
    """Picks saved without --avoid are replayed with it: a pick that reuses a past sentence gives way."""
    import shutil

    past = _past_drafts(tmp_path)
    brief = tmp_path / "brief.yaml"
    shutil.copy(COUNTY, brief)
    runner = CliRunner()
    res = runner.invoke(
        main, ["reroll", str(brief), "--section", "开头", "-o", str(tmp_path / "r.txt"), "--seed", "0"]
    )
    assert res.exit_code == 0, res.output
    assert (tmp_path / "brief.answers.yaml").is_file()
    plain = tmp_path / "plain.txt"
    assert runner.invoke(main, ["generate", str(brief), "-o", str(plain)]).exit_code == 0
    assert _shared(plain.read_text("utf-8"), past), "seed 0's picks reuse the past drafts: not vacuous"
    out = tmp_path / "out.txt"
    res = runner.invoke(main, ["generate", str(brief), "-o", str(out), "--avoid", str(past)])
    assert res.exit_code == 0, res.output
    assert "使用挑选结果" in res.output and "避开往年讲话" in res.output
    assert _shared(out.read_text("utf-8"), past) == []
    assert "与往年讲话重复" in res.output  # the replaced picks are reported, with the reason


def test_pick_and_the_web_page_avoid_the_briefs_past_speeches(tmp_path, library):
    from generator.loaders import load_brief
    from generator.render.txt import render_txt
    from generator.web.state import Workspace

    past = _past_drafts(tmp_path)
    brief = load_brief(COUNTY).model_copy(update={"avoid": [str(past)], "seed": 0})
    workspace = Workspace(library, tmp_path / "web")
    workspace.open(brief)
    assert workspace.session is not None and workspace.session.past is not None
    first = render_txt(workspace.session.draft)
    assert _shared(first, past) == []
    step = workspace.session.steps[3]
    for option in workspace.session.candidates(step.path):  # what the page offers to swap in
        workspace.session.choose(step.path, option.id)
        assert _shared(render_txt(workspace.session.draft), past) == []
    # A path that cannot be read is said, and the draft is still made.
    workspace.open(brief.model_copy(update={"avoid": [str(tmp_path / "gone")]}))
    assert workspace.session.past is None and any("往年讲话未能读取" in n for n in workspace.notes)
    without = Workspace(library, tmp_path / "web2")
    without.open(brief.model_copy(update={"avoid": []}))
    assert _shared(render_txt(without.session.draft), past), "seed 0 reuses the past drafts: not vacuous"


def test_an_avoid_or_against_path_the_system_refuses_is_one_chinese_line(tmp_path):
    """A name too long for the file system (or a folder one may not list) is said, not a traceback."""
    long_name = str(tmp_path / ("往年讲话" * 80))
    speech = _generate(tmp_path, 1, "speech.txt")
    for args in (
        ["generate", str(COUNTY), "-o", str(tmp_path / "x.txt"), "--no-answers", "--avoid", long_name],
        ["lint", str(speech), "--against", long_name],
    ):
        res = CliRunner().invoke(main, args)
        assert res.exit_code == 1, res.output
        assert "名称过长" in res.output and "Traceback" not in res.output, res.output
        assert not (tmp_path / "x.txt").exists()
