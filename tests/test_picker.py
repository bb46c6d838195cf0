"""The picker: plain session moves, CJK wrapping, and the UI driven through a pipe.

The UI runs with prompt_toolkit's `create_pipe_input()` and `DummyOutput()`, so
no terminal is needed; the command line gets them through click's context object.
"""

from __future__ import annotations

import itertools
import os
import re
import shutil
import string
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from test_answers import bank_data, cli, make_brief, make_library, write_case

from generator.answers import load_answers, replay, section_of
from generator.api import Library
from generator.brief import Brief
from generator.commands.pick import NO_TERMINAL, is_interactive
from generator.loaders import load_brief
from generator.numbering import cn
from generator.picker.session import PickSession
from generator.picker.ui import NO_LINE_END, NO_LINE_START, PickerApp, display_width, wrap
from generator.render.txt import render_txt

DOWN = "\x1b[B"


@pytest.fixture(autouse=True)
def _data_dir(tmp_path_factory, monkeypatch):
    """The user data folder of these tests: a fresh temporary one, never the real home."""
    monkeypatch.setenv("SPEECHDRAFT_DATA_DIR", str(tmp_path_factory.mktemp("data")))


@pytest.fixture(scope="module")
def lib():
    return make_library()


def session(lib, seed: int = 2, **kw) -> PickSession:
    return PickSession(make_brief(), lib, seed, new_seed=lambda: 4242, **kw)


# Session logic ---------------------------------------------------------------------


def test_outline_walks_sections_in_reading_order(lib):
    s = session(lib)
    outline = s.outline()
    assert [o.section for o in outline] == ["opening", "point1", "point2", "point3", "point4", "closing"]
    assert [o.label for o in outline] == ["开头", "第一部分", "第二部分", "第三部分", "第四部分", "结尾"]
    assert [x.path for o in outline for x in o.steps] == [x.path for x in s.steps]
    assert set(s.choices) == {x.path for x in s.steps}
    where = [s.paragraph_of(x.path) for x in s.steps]
    assert where == sorted(where), "an announce line comes before its items, as on the page"
    labels = {x.path: x.label for x in s.steps}
    assert labels["point2.heading"] == "第二部分标题"
    assert labels["point1.1.2"] == "第一部分“三是”", "items are named by the draft's own markers"
    assert labels["point2.0.0.0.1"] == "第二部分（一）“二要”"
    assert labels["point2.0.1.0"] == "第二部分（二）第1段"
    assert labels["closing.1"] == "结尾第2段"
    assert labels["opening.1"] == "开头第2段", "the opening takes one entry a paragraph"
    assert labels["point3.0.1"] == "第三部分“（二）”"


def test_options_show_the_current_choice_and_page_through_others(lib):
    s = session(lib)
    path = "point1.1.0"
    first = s.options(path)
    assert 2 <= len(first) <= 4
    assert first[0].current and first[0].candidate.id == s.choices[path]
    assert first[0].text in s.draft.full_text()
    entries = [o.candidate.entry_id for o in first[1:]]
    assert len(set(entries)) == len(entries), "one screen shows different ideas first"
    page, pages, n = s.page_info(path)
    assert (page, n) == (1, len(s.candidates(path))) and pages > 1
    seen = {o.candidate.id for o in first[1:]}
    for _ in range(pages - 1):
        more = s.other_candidates(path)
        assert more[0].candidate.id == s.choices[path]
        ids = {o.candidate.id for o in more[1:]}
        assert ids and not ids & seen
        seen |= ids
    assert len(seen) == n - 1
    assert s.other_candidates(path)[1:] == first[1:], "paging wraps around"


def test_announce_candidates_are_rendered_with_the_real_count(lib):
    s = session(lib)
    items = sum(1 for p in s.choices if p.startswith("point1.1.") and p[-1].isdigit())
    for opt in s.options("point1.1.announce"):
        assert f"分{cn(items)}点" in opt.text


def test_choose_changes_one_path_and_keeps_the_rest(lib):
    s = session(lib)
    before = dict(s.choices)
    # An option whose idea is not used elsewhere in the draft (one that is would move there).
    used = {v.split("/", 1)[0] for p, v in before.items() if p != "point2.0.0.heading"}
    target = next(o for o in s.options("point2.0.0.heading")[1:] if o.candidate.entry_id not in used)
    s.choose("point2.0.0.heading", target.candidate.id)
    assert s.choices["point2.0.0.heading"] == target.candidate.id
    assert {p: v for p, v in s.choices.items() if p != "point2.0.0.heading"} == {
        p: v for p, v in before.items() if p != "point2.0.0.heading"
    }
    assert target.text in s.draft.full_text()
    with pytest.raises(ValueError):
        s.choose("point2.0.0.heading", "pk.open.a.e0/nothing")


def test_choose_option_moves_on_and_back_returns(lib):
    s = session(lib)
    assert s.current and s.current.path == "opening.0"
    s.choose_option(1)
    assert s.current.path == s.steps[1].path
    s.back()
    assert s.current.path == "opening.0"
    s.next_section()
    assert s.current.path == "point1.heading"
    s.forward()
    s.previous_section()
    assert s.current.path == "point1.heading"
    s.previous_section()
    assert s.current.path == "opening.0"
    s.accept_rest()
    assert s.finished and s.current is None
    s.previous_section()
    assert s.current.path == "closing.0"


def test_locked_entries_are_not_offered_elsewhere(lib):
    s = session(lib)
    later = "point1.1.2"
    held = s.choices[later].split("/")[0]
    raw_pool = {c.entry_id for c in s.result.slots["point1.1.0"].pool}
    assert held in raw_pool, "compose offers an entry a later path uses"
    assert s.lock(later) is True
    assert held not in {c.entry_id for c in s.candidates("point1.1.0")}
    assert s.lock(later) is False
    assert held in {c.entry_id for c in s.candidates("point1.1.0")}


def test_reroll_section_keeps_locks_and_other_sections(lib):
    s = session(lib)
    before = dict(s.choices)
    s.lock("point1.1.1")
    seed = s.reroll_section("point1")
    assert seed == 4242
    after = s.choices
    assert after["point1.1.1"] == before["point1.1.1"]
    assert all(after[p] != before[p] for p in before if section_of(p) == "point1" and p != "point1.1.1")
    assert all(after[p] == before[p] for p in before if section_of(p) != "point1")
    answers = s.to_answers()
    assert answers.rerolls == {"point1": 4242} and answers.locked == ["point1.1.1"]


def test_session_answers_reproduce_the_session_draft(lib):
    s = session(lib, seed=5)
    path = s.steps[1].path
    s.choose(path, s.options(path)[3].candidate.id)
    s.reroll_section("point3")
    s.choose("closing.0", s.options("closing.0")[1].candidate.id)
    answers = s.to_answers()
    again = replay(make_brief(), lib, answers.seed, answers.choices, pinned_skeleton=answers.skeleton)
    assert render_txt(again.draft) == render_txt(s.draft)


# Wrapping -----------------------------------------------------------------------------

_HAN = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
_PUNCT = st.sampled_from(sorted(NO_LINE_START | NO_LINE_END))
_ASCII = st.sampled_from(string.ascii_letters + string.digits)
_CHUNK = st.tuples(st.text(st.one_of(_HAN, _ASCII), min_size=2, max_size=12), _PUNCT).map("".join)


@settings(max_examples=100, deadline=None)
@given(st.lists(_CHUNK, max_size=30).map("".join), st.integers(min_value=16, max_value=100))
def test_wrap_fits_the_width_and_keeps_every_character(text, width):
    lines = wrap(text, width, "▶ 1. ", "     ")
    assert all(display_width(line) <= width for line in lines)
    assert "".join(line[5:] for line in lines) == text
    for prev, line in itertools.pairwise(lines):
        assert line[5:6] not in NO_LINE_START, (prev, line)
        assert prev[-1:] not in NO_LINE_END, (prev, line)


def test_cjk_counts_two_columns():
    assert display_width("党建abc") == 7
    assert [display_width(s) for s in wrap("党" * 30, 20)] == [20, 20, 20]


# The UI through a pipe -----------------------------------------------------------------


def drive(s: PickSession, keys: str) -> bool:
    with create_pipe_input() as inp:
        inp.send_text(keys)
        inp.close()  # keys run out -> EOF -> treated as cancel, never a hang
        return PickerApp(s, input=inp, output=DummyOutput()).run()


def test_ui_choose_others_lock_reroll_back_and_finish(lib):
    s = session(lib)
    step1, step2 = s.steps[1].path, s.steps[2].path
    second = s.options("opening.0")[1].candidate.id
    # The same moves made through the session's methods give the expected picks.
    expect = session(lib)
    expect.choose_option(2)
    before1 = expect.choices[step1]
    others = {o.candidate.id for o in expect.other_candidates(step1)}
    s_probe = session(lib)
    assert drive(s_probe, "2" + "o" + DOWN + DOWN + "\r" + "a") is True
    page2 = s_probe.choices[step1]
    assert page2 in others and page2 != before1  # other candidates, then arrows and Enter
    expect.choose(step1, page2)
    expect.lock(step2)
    expect.reroll_section(section_of(step2), seed=4242)
    third = expect.options("opening.0")[2].candidate.id
    keys = "2" + "o" + DOWN + DOWN + "\r" + "l" + "r" + "b" + "b" + "3" + "p" + DOWN + "p" + "a"
    assert drive(s, keys) is True
    assert s.locked == {step2}  # lock
    assert s.rerolls == {section_of(step2): 4242}  # reroll of the section
    assert s.choices["opening.0"] == third != second  # back twice, then a number key
    assert s.finished


def test_ui_quit_needs_two_presses_and_eof_cancels(lib):
    s = session(lib)
    before = dict(s.choices)
    assert drive(s, "q" + "2" + "q" + "a") is True, "a key between the two q's disarms quitting"
    s = session(lib)
    assert drive(s, "2qq") is False
    s = session(lib)
    assert drive(s, "1") is False
    assert s.choices == before


def test_ui_renders_every_view_within_the_width(lib):
    s = session(lib)
    app = PickerApp(s, input=None, output=DummyOutput())
    width = DummyOutput().get_size().columns
    for mode, index in (("pick", 0), ("pick", 5), ("preview", 5), ("pick", len(s.steps))):
        app.mode, s.index = mode, index
        text = "".join(t for _, t in app._render())
        lines = text.split("\n")
        assert len(lines) <= DummyOutput().get_size().rows
        assert all(display_width(line) < width for line in lines)
        assert text.startswith(" 预览全文") == (mode == "preview")


# The command line ---------------------------------------------------------------------------


def test_pick_saves_answers_that_generate_reproduces(tmp_path):
    brief, opts = write_case(tmp_path)
    out = tmp_path / "picked.txt"
    with create_pipe_input() as inp:
        inp.send_text("2" + "o" + "3" + "l" + "r" + "b" + "[" + "p" + "p" + "a")
        inp.close()
        result = cli("pick", brief, "-o", out, *opts, obj={"picker_io": (inp, DummyOutput())})
    assert result.exit_code == 0, result.output
    assert "已保存挑选结果" in result.output and "已写入" in result.output
    answers = load_answers(tmp_path / "brief.answers.yaml")
    third = PickSession(make_brief(), make_library(), 11).steps[2].path  # where "l" and "r" land
    assert answers.locked == [third] and set(answers.rerolls) == {section_of(third)}
    plain = replay(make_brief(), make_library(), 11)
    assert answers.choices != plain.choices()
    again = tmp_path / "again.txt"
    result = cli("generate", brief, "-o", again, *opts)
    assert result.exit_code == 0 and "使用挑选结果" in result.output
    assert again.read_text("utf-8") == out.read_text("utf-8")
    # picking again resumes from the saved answers: finishing at once changes nothing
    with create_pipe_input() as inp:
        inp.send_text("a")
        inp.close()
        result = cli("pick", brief, "-o", out, "--force", *opts, obj={"picker_io": (inp, DummyOutput())})
    assert result.exit_code == 0 and "继续挑选" in result.output
    assert out.read_text("utf-8") == again.read_text("utf-8")


def test_pick_quit_keeps_the_picks_but_writes_no_draft(tmp_path):
    brief, opts = write_case(tmp_path)
    with create_pipe_input() as inp:
        inp.send_text("2qq")
        inp.close()
        result = cli("pick", brief, "-o", tmp_path / "x.txt", *opts, obj={"picker_io": (inp, DummyOutput())})
    assert result.exit_code == 1
    assert (
        "已保存 1 处挑选，下次运行 pick 从第 2 处继续" in result.output and "没有写出讲话稿" in result.output
    )
    assert not (tmp_path / "x.txt").exists()
    assert load_answers(tmp_path / "brief.answers.yaml").picked == ["opening.0"]
    with create_pipe_input() as inp:
        inp.send_text("qq")
        inp.close()
        result = cli("pick", brief, "--no-answers", *opts, obj={"picker_io": (inp, DummyOutput())})
    assert result.exit_code == 1 and "还没有挑选任何一处" in result.output
    first = (tmp_path / "brief.answers.yaml").read_text("utf-8")
    with create_pipe_input() as inp:
        inp.send_text("3" + "\x03")
        inp.close()
        result = cli("pick", brief, "--no-answers", *opts, obj={"picker_io": (inp, DummyOutput())})
    assert f"本次开始前的挑选结果已备份为 {tmp_path / 'brief.answers.yaml.bak'}" in result.output
    assert (tmp_path / "brief.answers.yaml.bak").read_text("utf-8") == first


def test_pick_without_a_terminal_says_so_in_one_line(tmp_path):
    brief, opts = write_case(tmp_path)
    result = cli("pick", brief, *opts)
    assert result.exit_code == 1
    assert result.output.strip() == f"错误：{NO_TERMINAL}"
    assert not (tmp_path / "brief.docx").exists()


def test_ci_or_dumb_terminal_is_not_interactive(monkeypatch):
    class Tty:
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr("sys.stdin", Tty())
    monkeypatch.setattr("sys.stdout", Tty())
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert is_interactive()
    monkeypatch.setenv("CI", "true")
    assert not is_interactive()
    monkeypatch.setenv("CI", "false")
    monkeypatch.setenv("TERM", "dumb")
    assert not is_interactive()


def test_target_length_session_tracks_the_kept_run(lib):
    """With a target length compose runs at several fill levels; the session must read the kept one."""
    brief = make_brief(length={"characters": 800})
    s = PickSession(brief, lib, 3, new_seed=lambda: 7)
    assert all(s.options(x.path)[0].candidate.id == s.choices[x.path] for x in s.steps)
    s.choose(s.steps[0].path, s.options(s.steps[0].path)[2].candidate.id)
    s.reroll_section("closing")
    answers = s.to_answers()
    again = replay(brief, lib, answers.seed, answers.choices, pinned_skeleton=answers.skeleton)
    assert render_txt(again.draft) == render_txt(s.draft)


def test_picks_on_every_built_in_skeleton_replay_exactly(synthetic_library):
    """The shipped skeletons (with a machine-made bank): picks, a reroll, then replay gives the same text."""
    for skel in synthetic_library.skeletons.values():
        brief = Brief.model_validate(
            {
                "meeting": {"name": "基层党建工作推进会"},
                "year": 2026,
                "points": max(skel.point_counts),
                "skeleton": skel.id,
                "facts": {
                    "achievements": ["村级活动场所全部达标", "新建党群服务站"],
                    "programme": "“红色引擎”工程",
                },
            }
        )
        s = PickSession(brief, synthetic_library, 1, new_seed=lambda: 3)
        for step in s.steps[::3]:
            options = s.options(step.path)
            s.choose(step.path, options[-1].candidate.id)
        s.reroll_section("point2")
        answers = s.to_answers()
        again = replay(
            brief, synthetic_library, answers.seed, answers.choices, pinned_skeleton=answers.skeleton
        )
        assert render_txt(again.draft) == render_txt(s.draft), skel.id


# Decisions: picks, rerolls, new drafts and undo -------------------------------------------


def test_picks_survive_a_reroll_and_a_new_draft_like_locks(lib):
    s = session(lib)
    before = dict(s.choices)
    picked_path, other = "point1.1.0", s.options("point1.1.0")[2].candidate.id
    s.choose(picked_path, other)
    s.lock("point1.0")
    assert s.picked == {picked_path} and s.decided == {picked_path, "point1.0"}
    s.reroll_section("point1")
    assert s.choices[picked_path] == other and s.choices["point1.0"] == before["point1.0"]
    untouched = [p for p in before if section_of(p) == "point1" and p not in s.decided]
    assert untouched and all(s.choices[p] != before[p] for p in untouched)
    s.new_draft(seed=99)
    assert s.seed == 99 and s.rerolls == {}
    assert s.choices[picked_path] == other and s.choices["point1.0"] == before["point1.0"]
    assert any(s.choices[p] != before[p] for p in before if section_of(p) != "point1")
    answers = s.to_answers()
    assert answers.picked == [picked_path] and answers.locked == ["point1.0"]
    again = PickSession.from_answers(make_brief(), lib, answers)
    assert again.picked == {picked_path} and again.choices == s.choices


def test_undo_puts_back_each_change_in_turn(lib):
    s = session(lib)
    seen: list[dict[str, str]] = []
    s.on_change = lambda x: seen.append(dict(x.choices))
    start = (dict(s.choices), s.index)
    s.choose_option(3)
    after_pick = (dict(s.choices), set(s.picked), s.index)
    s.lock("point2.heading")
    s.reroll_section("closing")
    s.new_draft(seed=5)
    assert len(seen) == 4, "every change calls on_change"
    assert s.undo() and s.seed == 2 and s.rerolls == {"closing": 4242}
    assert s.undo() and s.rerolls == {} and s.locked == {"point2.heading"}
    assert s.undo() and s.locked == set()
    assert (dict(s.choices), set(s.picked), s.index) == after_pick
    assert s.undo() and (dict(s.choices), s.index) == start and s.picked == set()
    assert s.undo() is False
    assert len(seen) == 8


def test_choosing_moves_to_the_next_undecided_point(lib):
    s = session(lib)
    s.lock(s.steps[1].path)
    s.choose(s.steps[2].path, s.choices[s.steps[2].path])
    s.choose_option(1)
    assert s.current == s.steps[3], "a locked and a picked point are skipped"
    assert s.next_undecided() == s.steps[4]
    assert PickSession.from_answers(make_brief(), lib, s.to_answers()).index == 3


# Autosave and resume ----------------------------------------------------------------------

CTRL_C = "\x03"


def run_pick(brief, *args, keys: str):
    with create_pipe_input() as inp:
        inp.send_text(keys)
        inp.close()
        return cli("pick", brief, *args, obj={"picker_io": (inp, DummyOutput())})


def test_every_pick_is_saved_at_once_and_ctrl_c_resumes_at_the_next_point(tmp_path, monkeypatch):
    brief, opts = write_case(tmp_path)
    apath = tmp_path / "brief.answers.yaml"
    from generator import answers as answers_module

    saved: list[list[str]] = []
    real_save = answers_module.save_answers

    def watch(path, answers, *a, **kw):
        real_save(path, answers, *a, **kw)
        saved.append(load_answers(path).picked)  # what is on disk right after each change

    monkeypatch.setattr(answers_module, "save_answers", watch)  # the autosaver's writer
    result = run_pick(brief, "-o", tmp_path / "x.txt", *opts, keys="2" + "3" + "1" + CTRL_C + "2")
    assert result.exit_code == 1, result.output
    steps = [s.path for s in PickSession(make_brief(), make_library(), 11).steps]
    assert saved == [steps[:1], steps[:2], steps[:3]], "one save per pick, each already on disk"
    assert "已保存 3 处挑选，下次运行 pick 从第 4 处继续" in result.output
    assert not (tmp_path / "x.txt").exists()
    picked = load_answers(apath)
    # the next run starts at point 4 with the three picks in place: Enter keeps what is there
    result = run_pick(brief, "-o", tmp_path / "x.txt", *opts, keys="\r" + CTRL_C)
    assert (
        "从第 4 处继续挑选" in result.output
        and "已保存 4 处挑选，下次运行 pick 从第 5 处继续" in result.output
    )
    again = load_answers(apath)
    assert again.picked == steps[:4]
    assert {p: again.choices[p] for p in steps[:3]} == {p: picked.choices[p] for p in steps[:3]}
    backup = load_answers(tmp_path / "brief.answers.yaml.bak")
    assert backup.picked == steps[:3], ".bak holds the answers as they were before this run"


def test_a_read_only_brief_folder_saves_to_the_data_folder_and_says_where(tmp_path, monkeypatch):
    folder = tmp_path / "share"
    folder.mkdir()
    brief, opts = write_case(folder)
    data = tmp_path / "data"
    monkeypatch.setenv("SPEECHDRAFT_DATA_DIR", str(data))
    folder.chmod(0o555)
    try:
        from generator.picker import store

        if store.folder_writable(folder):  # root writes anywhere: make the folder refuse as a share would
            real = store.folder_writable
            monkeypatch.setattr(store, "folder_writable", lambda f: False if f == folder else real(f))
        out = tmp_path / "out.txt"
        result = run_pick(brief, "-o", out, *opts, keys="2" + CTRL_C)
        target = store.fallback_answers_path(brief)
        assert target.parent.parent == data
        assert f"挑选结果将自动保存到 {target}" in result.output
        assert f"已保存 1 处挑选（{target}）" in result.output
        assert not (folder / "brief.answers.yaml").exists()
        result = run_pick(brief, "-o", out, *opts, keys="a")
        assert result.exit_code == 0, result.output
        assert f"已读取挑选结果 {target}" in result.output and out.is_file()
        assert load_answers(target).picked == ["opening.0"]
    finally:
        folder.chmod(0o755)


# The screen: cursor, ●, keys --------------------------------------------------------------


def closing_library():
    """The test bank, with two of the first part's list items about checks and consequences.

    compose puts such an item at the end of its list, so picking one moves it (and
    renumbers the list) under the clerk's cursor.
    """
    data = bank_data()
    for entry in data["entries"]:
        if entry["id"] in ("pk.one.item.e3", "pk.one.item.e4"):
            entry["function"] = "accountability"
    return make_library(data)


def screen(s: PickSession) -> str:
    return "".join(t for _, t in PickerApp(s, input=None, output=DummyOutput())._render())


def test_after_a_pick_that_reorders_a_list_the_cursor_moves_on_and_the_dot_tells_the_truth():
    lib = closing_library()
    items = ["point1.1.0", "point1.1.1", "point1.1.2"]
    accountable = {"pk.one.item.e3", "pk.one.item.e4"}

    def plain(d: PickSession) -> bool:
        return not {d.choices[p].split("/")[0] for p in items} & accountable

    s = next(
        d for d in (PickSession(make_brief(), lib, n, new_seed=lambda: 1) for n in range(60)) if plain(d)
    )
    s.goto(items[0])
    assert [s.label(p) for p in items] == ["第一部分“一是”", "第一部分“二是”", "第一部分“三是”"]
    keys = ""
    while not any(o.candidate.entry_id in accountable for o in s.options()[1:]):
        s.other_candidates()
        keys += "o"
    closing = next(o for o in s.options()[1:] if o.candidate.entry_id in accountable)
    s.pages.clear()
    drive(s, keys + str(closing.number))
    assert s.choices[items[0]] == closing.candidate.id
    assert s.label(items[0]) == "第一部分“三是”", "the picked item now closes the list"
    assert s.current.path == items[1], "the cursor goes on to the next item not yet picked"
    assert s.current.label == "第一部分“一是”"
    shown = screen(s)
    in_draft = s.options()[0]
    assert in_draft.current and f"●1. 【{in_draft.head}】" in shown and "第一部分“一是”" in shown
    second = s.options()[1].candidate.id
    drive(s, "2")
    assert s.choices[items[1]] == second and s.choices[items[0]] == closing.candidate.id
    assert s.current.path == items[2]
    # back at the first item, no option pushes out the pick after it
    for option in s.options(items[0])[1:]:
        trial = PickSession.from_answers(make_brief(), lib, s.to_answers())
        trial.choose(items[0], option.candidate.id)
        assert trial.choices[items[1]] == second
        assert trial.options(items[0])[0].candidate.id == option.candidate.id


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("２", "2"), ("Ｏ", "o"), ("O", "o"), ("】", "]"), ("【", "["), ("Ｎ", "n"), ("？", "?")],
)
def test_keys_typed_under_an_input_method_or_caps_lock_mean_the_same(lib, typed, meant):
    plain, odd = session(lib), session(lib)
    drive(plain, "1" + meant)
    drive(odd, "1" + typed)
    assert odd.choices == plain.choices and odd.index == plain.index and odd.pages == plain.pages


def test_question_mark_shows_help_and_an_unknown_key_says_so(lib):
    s = session(lib)
    app = PickerApp(s, input=None, output=DummyOutput())
    with create_pipe_input() as inp:
        app = PickerApp(s, input=inp, output=DummyOutput())
        inp.send_text("?")
        inp.close()
        app.run()
    assert app.mode == "help" and "按键帮助" in "".join(t for _, t in app._render())
    with create_pipe_input() as inp:
        app = PickerApp(s, input=inp, output=DummyOutput())
        inp.send_text("?" + "x" + "z")
        inp.close()
        app.run()
    assert app.mode == "pick" and app.status == "没有“z”这个按键，按 ? 查看全部按键"
    assert "没有“z”这个按键" in "".join(t for _, t in app._render())


def test_u_undoes_the_last_pick_and_r_keeps_explicit_picks(lib):
    s = session(lib)
    before = dict(s.choices)
    first = next(i for i, x in enumerate(s.steps) if x.section == "point1")
    mine = [x.path for x in s.steps[first : first + 3]]
    drive(s, "]" + "1" + "3" + "3")  # to the first part: keep its heading, then option 3 twice
    picked = dict(s.choices)
    assert s.picked == set(mine)
    drive(s, "u")
    assert s.picked == set(mine[:2]) and s.current.path == mine[2]
    assert s.choices[mine[1]] == picked[mine[1]]
    drive(s, "3" + "r")  # pick it again, then reroll the first part
    assert s.rerolls == {"point1": 4242}
    assert all(s.choices[p] == picked[p] for p in mine), "r leaves every explicit pick alone"
    rest = [x.path for x in s.steps if x.section == "point1" and x.path not in mine]
    assert rest and all(s.choices[p] != before[p] for p in rest)
    drive(s, "u")
    assert s.choices == picked and s.rerolls == {}
    drive(s, "g")  # a new draft: every untouched point anywhere changes, the picks stay
    assert s.seed == 4242 and all(s.choices[p] == picked[p] for p in mine)
    assert sum(s.choices[p] != picked[p] for p in picked) > len(picked) // 2


def test_small_screens_say_how_many_options_are_below_and_one_option_offers_no_numbers(lib):
    from prompt_toolkit.data_structures import Size

    class Small(DummyOutput):
        def get_size(self) -> Size:
            return Size(rows=14, columns=60)

    s = session(lib)
    text = "".join(t for _, t in PickerApp(s, input=None, output=Small())._render())
    assert "↓ 还有" in text and len(text.split("\n")) <= 14
    app = PickerApp(s, input=None, output=DummyOutput())
    app.mode = "preview"
    lines = "".join(t for _, t in app._render()).split("\n")
    assert lines[2].strip() == s.draft.title, "the preview opens at the top"
    assert lines[3].strip() == "", "blank lines between paragraphs"
    assert "1-4" in app._pick_help(4, 2) and "o 换一批" in app._pick_help(4, 2)
    one = app._pick_help(1, 1)
    assert "1-" not in one and "换一批" not in one and "回车 保留" in one


# Plain Chinese: no ids anywhere a clerk looks ------------------------------------------------

# A variant hash (…/8393e189) or a dotted path or entry id (point3.1.4, cwr.tasks.item).
ID_IN_TEXT = re.compile(r"/[0-9a-f]{6}|\b[a-z]+[0-9]*(?:\.[a-z0-9_-]+){2,}|\bpoint[1-9]\.")
EXAMPLES = sorted((Path(__file__).parent.parent / "examples").glob("*.yaml"))


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_no_message_shows_an_id_after_the_brief_changes(tmp_path, monkeypatch, example):
    brief = tmp_path / example.name
    shutil.copy(example, brief)
    frames: list[str] = []
    draw = PickerApp._render

    def record(app: PickerApp) -> Any:
        out = draw(app)
        frames.append("".join(t for _, t in out))
        return out

    monkeypatch.setattr(PickerApp, "_render", record)
    outputs = [run_pick(brief, "--no-answers", "-o", tmp_path / "a.txt", keys="3" * 12 + "r" + "a").output]
    data = yaml.safe_load(example.read_text("utf-8"))
    data["points"] = 4 if data.get("points", 3) == 3 else 3
    brief.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    result = cli("generate", brief, "-o", tmp_path / "b.txt")
    assert result.exit_code == 0, result.output
    outputs.append(result.output)
    notes = [line for line in result.output.splitlines() if line.startswith("挑选结果：")]
    if notes:  # a summary line first, then a few details
        assert "处挑选中" in notes[0] and "处保留" in notes[0] and len(notes) <= 7
    # every view and every status line of the resumed session, drawn on purpose
    from generator.answers import brief_for_answers, load_answers

    answers = load_answers(tmp_path / f"{example.stem}.answers.yaml")
    changed, _ = brief_for_answers(load_brief(brief, []), answers)
    s = PickSession.from_answers(changed, Library.load((), ()), answers)
    assert bool(s.summary) == bool(notes) and bool(s.messages) == bool(notes)
    outputs.append(
        run_pick(brief, "-o", tmp_path / "c.txt", keys="m" + "\r" + "2" + "u" + "?" + "x" + CTRL_C).output
    )
    files = re.compile(re.escape(str(tmp_path)) + r"\S*?\.(?:yaml\.bak|yaml|txt)")
    shown = [files.sub("FILE", line) for out in outputs for line in out.splitlines()]
    app = PickerApp(s, input=None, output=DummyOutput())
    for index in range(len(s.steps) + 1):
        s.index = index
        record(app)
    s.index = 0
    actions = [app._others, app._reroll, app._lock, app._lock, app._undo, app._undo, lambda: app._choose(9)]
    actions += [lambda: app._choose(2), app._show_messages, app._help_screen, app._preview]
    for action in actions:
        action()
        shown.append(app.status)
        record(app)
        app.mode = "pick"
    shown += [line for frame in frames for line in frame.splitlines()]
    assert any("全部提示" in line for line in shown) and any("按键帮助" in line for line in shown)
    leaks = [line for line in shown if ID_IN_TEXT.search(line)]
    assert leaks == []


def test_cli_reroll_keeps_explicit_picks_and_backs_up_the_answers(tmp_path):
    brief, opts = write_case(tmp_path)
    apath = tmp_path / "brief.answers.yaml"
    run_pick(brief, "-o", tmp_path / "x.txt", *opts, keys="]" + "3" + "3" + CTRL_C)  # two picks in part one
    before = load_answers(apath)
    mine = before.picked
    assert len(mine) == 2 and all(section_of(p) == "point1" for p in mine)
    result = cli("reroll", brief, "-s", "一", "--new-seed", "5", "-o", tmp_path / "y.txt", *opts)
    assert result.exit_code == 0, result.output
    assert "挑选过或锁定的 2 处未动" in result.output
    assert f"原挑选结果已备份为 {apath}.bak" in result.output
    after = load_answers(apath)
    assert all(after.choices[p] == before.choices[p] for p in mine) and after.picked == mine
    rest = [p for p in before.choices if section_of(p) == "point1" and p not in mine]
    assert rest and all(after.choices[p] != before.choices[p] for p in rest)
    assert load_answers(tmp_path / "brief.answers.yaml.bak") == before


def test_labels_follow_the_markers_of_a_list_run_together_after_the_clerks_own_facts():
    from generator.draft import Draft, Paragraph
    from generator.places import Role, place_labels

    draft = Draft(
        skeleton_id="x",
        skeleton_name="x",
        year=2026,
        paragraphs=[
            Paragraph("heading1", "一、总结成绩", section="point1", paths=("point1.heading",)),
            Paragraph(
                "body",
                "一是村级场所全部达标。二是督导到位，做到三个到位。三是严格考核问责。",
                section="point1",
                paths=("point1.0.2", "point1.0.1"),  # the fact leads; a check item moved to the end
            ),
        ],
    )
    roles = {"point1.heading": Role("heading"), "point1.0.1": Role("item"), "point1.0.2": Role("item")}
    labels = place_labels(draft, roles)
    assert labels == {
        "point1.heading": "第一部分标题",
        "point1.0.2": "第一部分“二是”",
        "point1.0.1": "第一部分“三是”",
    }


def test_the_newer_answers_win_when_both_places_hold_some(tmp_path, monkeypatch):
    from generator.picker import store

    brief, _ = write_case(tmp_path)
    beside, away = tmp_path / "brief.answers.yaml", store.fallback_answers_path(brief)
    assert store.find_answers(brief) is None
    away.parent.mkdir(parents=True)
    beside.write_text("old", "utf-8")
    away.write_text("new", "utf-8")
    os.utime(beside, ns=(1_000_000_000, 1_000_000_000))
    assert store.find_answers(brief) == away
    os.utime(away, ns=(500_000_000, 500_000_000))
    assert store.find_answers(brief) == beside


def test_the_current_option_shows_the_further_sentences_the_draft_holds():
    """The list shows a paragraph as the draft has it: the wording and the entry's further sentences
    after it (the page and the terminal show them), not the wording alone."""
    library = Library.load()
    s = PickSession(load_brief(Path(__file__).parents[1] / "examples" / "county-push.yaml"), library, 3)
    shown = 0
    for step in s.steps[::3]:
        options = s.options(step.path)
        current = options[0]
        para = s.draft.paragraphs[s.paragraph_of(step.path)]
        if para.paths == (step.path,):
            assert para.text.endswith(current.text + current.further), step.path
        shown += bool(current.further)
        assert all(not o.further for o in options[1:]), "others are shown as worded"
    assert shown >= 3
