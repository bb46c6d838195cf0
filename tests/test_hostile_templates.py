"""Hostile templates in a clerk's own bank or skeleton folder.

Each one must be reported by `check` with its file, line and entry, and must make
`generate` stop with one Chinese line — never a traceback, a hang or gigabytes.
Runs go through children limited to 10 s and 500 MB.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import pytest
import yaml
from hostile import assert_clean_refusal

from generator.loaders import builtin_dir, worst_case_context
from generator.templating import MAX_OPERATIONS, TemplateFailure, render

ROOT = Path(__file__).resolve().parents[1]
BRIEF = (ROOT / "examples" / "county-push.yaml").read_text("utf-8")

HOSTILE = {
    "divide by zero": "{{ 1/0 }}",
    "numeral out of range": "{{ cn(-1) }}",
    "include": "{% include 'x.html' %}",
    "import": "{% import 'x.html' as x %}",
    "extends": "{% extends 'x.html' %}",
    "range": "{% for i in range(10**9) %}{{ i }}{% endfor %}",
    "lipsum": "{{ lipsum(5) }}",
    "cycler": "{{ cycler('a', 'b').next() }}",
    "joiner": "{{ joiner() }}",
    "namespace": "{% set ns = namespace(a=1) %}{{ ns.a }}",
    "random filter": "{{ whole|random }}",
    "wordwrap": "{{ whole|wordwrap(0) }}",
    "recursive macro": "{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}",
    "doubling macro": "{% macro m() %}{{ m() ~ m() }}{% endmacro %}{{ m() }}",
    "nested loops": "{% for a in previous %}{% for b in previous %}{% for c in previous %}"
    "{% endfor %}{% endfor %}{% endfor %}",
    "huge power": "{{ points|int ** 100000000 }}",
    "tower": "{{ 9 ** 9 ** 9 }}",
    "huge repeat": "{{ whole * 10**9 }}",
    "list repeat": "{{ [whole] * 10**9 }}",
    "doubling set": "{% set a = meeting %}" + "{% set a = a ~ a %}" * 40 + "{{ a|length }}",
    "format width": "{{ '{:>999999999}'.format(whole) }}",
    "percent width": "{{ '%0999999999d' % 1 }}",
    "center": "{{ whole.center(999999999) }}",
    "dunder": "{{ whole.__class__.__mro__ }}",
    "unknown name": "{{ secret }}",
    "recursive loop": "{% for x in whole recursive %}{{ loop(whole) }}{% endfor %}",
    "big block set": "{% set x %}{% for a in previous %}{% for b in previous %}"
    + "很长的话" * 500
    + "{% endfor %}{% endfor %}{% endset %}{{ x|length }}",
}


@pytest.mark.parametrize("name", HOSTILE)
def test_render_turns_every_failure_into_a_chinese_template_failure(name: str):
    with pytest.raises(TemplateFailure) as info:
        render(HOSTILE[name], worst_case_context())
    message = str(info.value)
    assert re.search(r"[\u4e00-\u9fff]", message) and "Traceback" not in message


def test_the_budget_stops_loops_that_print_nothing():
    loops = "{% for a in meeting %}" * 4 + "{% endfor %}" * 4  # 60**4 steps, no output
    with pytest.raises(TemplateFailure, match=str(MAX_OPERATIONS)):
        render(loops, worst_case_context())


def test_ordinary_templates_still_render():
    ctx = worst_case_context()
    assert render("{{ whole }}要{{ ph('数量') }}，我讲{{ points_cn }}点", ctx).startswith(ctx["whole"])
    assert render("{% if count|int > 3 %}多{% else %}少{% endif %}", ctx) == "多"
    assert render("{{ points|int + 1 }}", ctx) == "5"
    assert render("{% for c in whole %}{{ c }}{% endfor %}", ctx) == ctx["whole"]
    assert render("{{ meeting.startswith('会') }}", ctx) == "True"
    assert render("{{ count|int|cn }}", ctx) == "十二"


# Refused when the bank is loaded (unknown names, missing filters, other templates), before any render.
STATIC = ("include", "import", "extends", "range", "lipsum", "cycler", "joiner", "namespace", "random filter")
STATIC += ("wordwrap", "unknown name")


def bank_file(folder: Path, names: list[str]) -> Path:
    entries = [
        {"id": f"hostile.t{i}", "slot": "opening.purpose", "variants": [{"text": HOSTILE[name]}]}
        for i, name in enumerate(names)
    ]
    folder.mkdir(exist_ok=True)
    path = folder / "hostile.yaml"
    path.write_text(
        yaml.safe_dump({"theme": "hostile", "entries": entries}, allow_unicode=True, width=10_000), "utf-8"
    )
    return path


def test_loading_refuses_unknown_names_and_other_templates_with_their_lines(tmp_path: Path):
    from generator.errors import UserError
    from generator.loaders import load_bank_file

    for chunk in (STATIC[:6], STATIC[6:]):
        path = bank_file(tmp_path / "bank", list(chunk))
        with pytest.raises(UserError) as info:
            load_bank_file(path)
        lines = info.value.format().splitlines()
        for i in range(len(chunk)):
            assert any(
                re.search(rf"hostile\.yaml:\d+:\d+，键 entries\[{i}\]\.variants", line) for line in lines
            ), (
                chunk[i],
                lines,
            )


def test_check_renders_every_template_and_names_file_line_and_entry(limited_cli, tmp_path: Path):
    dynamic = [name for name in HOSTILE if name not in STATIC]
    bank_file(tmp_path / "bank", dynamic)
    outcome = limited_cli.run(["check", "--bank-dir", "bank"], tmp_path)
    assert outcome.signal is None and outcome.code == 1 and "Traceback" not in outcome.stderr
    ours = [line for line in outcome.stderr.splitlines() if "hostile.yaml" in line and "无法渲染" in line]
    for i, name in enumerate(dynamic):
        assert any(f"entries[{i}].variants[0]" in line for line in ours), (name, ours)
    assert all(re.search(r"hostile\.yaml:\d+", line) for line in ours)


@functools.lru_cache(maxsize=4)
def entry_ids(slot: str) -> list[str]:
    from generator.loaders import load_bank

    return sorted({c.entry_id for c in load_bank().slot(slot)})


def override_slot(tmp_path: Path, slot: str, text: str) -> Path:
    """A bank folder that replaces every built-in entry of `slot` with one hostile variant."""
    ids = entry_ids(slot)
    assert ids
    folder = tmp_path / "bank"
    folder.mkdir(exist_ok=True)
    entries = [{"id": i, "slot": slot, "variants": [{"text": text}]} for i in ids]
    (folder / "override.yaml").write_text(
        yaml.safe_dump({"theme": "override", "entries": entries}, allow_unicode=True, width=10_000), "utf-8"
    )
    return folder


@pytest.mark.parametrize(
    "name",
    [
        "divide by zero",
        "numeral out of range",
        "nested loops",
        "huge repeat",
        "doubling macro",
        "big block set",
    ],
)
def test_generate_stops_with_one_chinese_line(limited_cli, tmp_path: Path, name: str):
    (tmp_path / "brief.yaml").write_text(BRIEF, "utf-8")
    override_slot(tmp_path, "opening.handoff", HOSTILE[name])
    outcome = limited_cli.run(["generate", "brief.yaml", "-o", "out.txt", "--bank-dir", "bank"], tmp_path)
    assert_clean_refusal(outcome)
    # stopped when the folder is loaded, before any draft: with file, line and entry
    assert "无法渲染" in outcome.stderr and re.search(
        r"override\.yaml:\d+:\d+，键 entries\[0\]", outcome.stderr
    )
    assert not (tmp_path / "out.txt").exists()


@pytest.mark.parametrize("name", ["divide by zero", "nested loops", "huge repeat", "doubling macro"])
def test_a_failure_while_composing_is_a_user_error_naming_file_and_entry(name: str):
    """Past the load-time check (a bank built in code), compose still turns any failure into a UserError."""
    import random

    from conftest import synthetic_bank_data

    from generator.api import Library, complete_brief
    from generator.bank import BankFile, PhraseBank
    from generator.compose import compose
    from generator.errors import UserError
    from generator.loaders import load_skeletons, parse_brief

    data = synthetic_bank_data()
    for entry in data["entries"]:
        if entry["slot"] == "opening.handoff":
            entry["variants"] = [{"text": HOSTILE[name]}]
    bank = PhraseBank.from_files([("own/bank.yaml", BankFile.model_validate(data))])
    library = Library(skeletons=load_skeletons(), bank=bank)
    brief = complete_brief(parse_brief(BRIEF))
    skeleton = next(s for s in library.skeletons.values() if brief.points in s.point_counts)
    with pytest.raises(UserError) as info:
        compose(brief, library.bank, skeleton, random.Random(1))
    message = info.value.format()
    assert message.startswith("own/bank.yaml") and "opening.handoff" in message and "无法渲染" in message


def test_a_hostile_skeleton_title_is_one_chinese_line(limited_cli, tmp_path: Path):
    (tmp_path / "brief.yaml").write_text(BRIEF, "utf-8")
    skeleton = yaml.safe_load((builtin_dir("skeletons") / "sange-zai.yaml").read_text("utf-8"))
    skeleton["title"] = "{{ whole.__class__.__mro__[1].__subclasses__() }}"
    (tmp_path / "skel").mkdir()
    (tmp_path / "skel" / "own.yaml").write_text(yaml.safe_dump(skeleton, allow_unicode=True), "utf-8")
    argv = ["generate", "brief.yaml", "-o", "out.txt", "--skeletons-dir", "skel", "--skeleton", "sange-zai"]
    outcome = limited_cli.run(argv, tmp_path)
    assert_clean_refusal(outcome)
    assert "无法渲染" in outcome.stderr and re.search(r"own\.yaml:\d+:\d+，键 title", outcome.stderr)


def test_a_title_failing_while_composing_is_a_user_error():
    import random

    from generator.api import Library, complete_brief
    from generator.compose import compose
    from generator.errors import UserError
    from generator.loaders import parse_brief

    library = Library.load()
    brief = complete_brief(parse_brief(BRIEF))
    skeleton = next(s for s in library.skeletons.values() if brief.points in s.point_counts)
    broken = skeleton.model_copy(update={"title": "{{ 1/0 }}"})
    with pytest.raises(UserError, match="标题无法渲染"):
        compose(brief, library.bank, broken, random.Random(1))


@pytest.mark.parametrize("option", ["--bank-dir", "--skeletons-dir"])
@pytest.mark.parametrize("command", ["generate", "check"])
def test_a_missing_or_file_user_folder_is_an_error(limited_cli, tmp_path: Path, option: str, command: str):
    (tmp_path / "brief.yaml").write_text(BRIEF, "utf-8")
    (tmp_path / "a-file.yaml").write_text("x: 1\n", "utf-8")
    base = ["generate", "brief.yaml", "-o", "out.txt"] if command == "generate" else ["check"]
    for folder, expected in (("nowhere", "找不到"), ("a-file.yaml", "应为一个文件夹")):
        outcome = limited_cli.run([*base, option, folder], tmp_path)
        assert_clean_refusal(outcome)
        assert expected in outcome.stderr and folder in outcome.stderr


@pytest.mark.parametrize("count", [150, -1, [5, 2], 10**6])
def test_a_skeleton_asking_for_too_many_items_is_one_chinese_line(limited_cli, tmp_path: Path, count: object):
    (tmp_path / "brief.yaml").write_text(BRIEF, "utf-8")
    skeleton = yaml.safe_load((builtin_dir("skeletons") / "sange-zai.yaml").read_text("utf-8"))
    skeleton["opening"][0]["sentences"] = count
    (tmp_path / "skel").mkdir()
    (tmp_path / "skel" / "own.yaml").write_text(yaml.safe_dump(skeleton, allow_unicode=True), "utf-8")
    outcome = limited_cli.run(
        ["generate", "brief.yaml", "-o", "out.txt", "--skeletons-dir", "skel"], tmp_path
    )
    assert_clean_refusal(outcome)
    assert "数量应为" in outcome.stderr and "own.yaml" in outcome.stderr


@pytest.mark.parametrize(
    "weight, expected",
    [
        (".inf", "无穷大"),
        (".nan", "非数"),
        ("1e308", "数值应 ≤ 1000"),
        ("9" * 4301, "数字位数过多"),
        ("0", "数值应 >"),
    ],
)
def test_a_bank_weight_at_the_edges_is_one_chinese_line(
    limited_cli, tmp_path: Path, weight: str, expected: str
):
    (tmp_path / "brief.yaml").write_text(BRIEF, "utf-8")
    folder = override_slot(tmp_path, "opening.handoff", "下面我讲{{ points_cn }}点意见。")
    path = folder / "override.yaml"
    path.write_text(path.read_text("utf-8").replace("  slot:", f"  weight: {weight}\n  slot:", 1), "utf-8")
    outcome = limited_cli.run(["generate", "brief.yaml", "-o", "out.txt", "--bank-dir", "bank"], tmp_path)
    assert_clean_refusal(outcome)
    assert expected in outcome.stderr and "override.yaml:" in outcome.stderr
