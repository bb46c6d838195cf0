"""Hostile YAML in each of the five roles: brief, answers, bank, skeleton, terms.

Every file goes through one entry point with hard limits. The runs happen in a
child limited to 10 s and 500 MB, so a regression fails here instead of hanging.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hostile import assert_clean_refusal

from generator.errors import UserError
from generator.yamlio import MAX_DEPTH, MAX_NODES, parse_yaml

ROOT = Path(__file__).resolve().parents[1]
BRIEF = (ROOT / "examples" / "county-push.yaml").read_text("utf-8")


def billion_laughs(key: str = "lol", levels: int = 9) -> str:
    """Nine levels of nine aliases: 9**9 strings when expanded, 600 bytes when not."""
    lines = [f'{key}0: &{key}0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels + 1):
        refs = ", ".join([f"*{key}{i - 1}"] * 9)
        lines.append(f"{key}{i}: &{key}{i} [{refs}]")
    return "\n".join(lines) + "\n"


def case(tmp_path: Path, role: str) -> list[str]:
    """Lay out the files for `role` with the billion-laughs file in it; return the CLI arguments."""
    (tmp_path / "brief.yaml").write_text(BRIEF, "utf-8")
    lol = billion_laughs()
    if role == "brief":
        (tmp_path / "brief.yaml").write_text(lol, "utf-8")
        return ["generate", "brief.yaml", "-o", "out.txt"]
    if role == "answers":
        (tmp_path / "brief.answers.yaml").write_text(lol, "utf-8")
        return ["generate", "brief.yaml", "-o", "out.txt"]
    if role == "bank":
        (tmp_path / "bank").mkdir()
        (tmp_path / "bank" / "lol.yaml").write_text("theme: lol\nentries: []\n" + lol, "utf-8")
        return ["generate", "brief.yaml", "-o", "out.txt", "--bank-dir", "bank"]
    if role == "skeleton":
        (tmp_path / "skel").mkdir()
        (tmp_path / "skel" / "lol.yaml").write_text("id: lol\n" + lol, "utf-8")
        return ["generate", "brief.yaml", "-o", "out.txt", "--skeletons-dir", "skel"]
    assert role == "terms"
    (tmp_path / "speech.txt").write_text("同志们：\n今天的会议很重要。\n", "utf-8")
    (tmp_path / "terms.yaml").write_text("terms: []\n" + lol, "utf-8")
    return ["lint", "speech.txt", "--terms", "terms.yaml"]


@pytest.mark.parametrize("role", ["brief", "answers", "bank", "skeleton", "terms"])
def test_billion_laughs_is_refused_in_every_role(limited_cli, tmp_path: Path, role: str):
    outcome = limited_cli.run(case(tmp_path, role), tmp_path)
    assert_clean_refusal(outcome)
    message = outcome.stderr
    if role in ("brief", "answers"):
        assert "不支持 YAML 别名（*lol0）" in message and ".yaml:2:" in message  # the first alias
    else:
        assert f"超过 {MAX_NODES} 个节点" in message
    assert not (tmp_path / "out.txt").exists()


def test_aliases_within_the_cap_still_work_in_a_bank(limited_cli, tmp_path: Path):
    """Banks may share a list by anchor: the cap stops bombs, not ordinary reuse."""
    (tmp_path / "brief.yaml").write_text(BRIEF, "utf-8")
    (tmp_path / "bank").mkdir()
    (tmp_path / "bank" / "shared.yaml").write_text(
        "theme: shared\n"
        "entries:\n"
        "  - id: shared.one\n"
        "    slot: opening.purpose\n"
        "    domains: &where [农村, 社区]\n"
        "    variants: [这是自有短语库里的第一种说法。]\n"
        "  - id: shared.two\n"
        "    slot: opening.purpose\n"
        "    domains: *where\n"
        "    variants: [这是自有短语库里的第二种说法。]\n",
        "utf-8",
    )
    outcome = limited_cli.run(["generate", "brief.yaml", "-o", "out.txt", "--bank-dir", "bank"], tmp_path)
    assert outcome.code == 0, outcome.stderr
    assert (tmp_path / "out.txt").read_text("utf-8").startswith("在")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("x: &x [*x]\n", "循环引用"),
        ("a: " + "[" * 500 + "]" * 500 + "\n", f"超过 {MAX_DEPTH} 层"),
        ("[" * 1000 + "]" * 1000 + "\n", f"超过 {MAX_DEPTH} 层"),
        ("seed: " + "9" * 4301 + "\n", "数字位数过多"),
        ("weight: .inf\n", "无穷大"),
        ("weight: -.Inf\n", "无穷大"),
        ("minutes: .nan\n", "非数"),
        ("1: a\n", "应为文本"),
        ("? [a]\n: b\n", "键不能是列表或映射"),
        ("a: !!python/object/apply:os.system [echo]\n", "不支持的 YAML 标签"),
        ("a: !!binary aGk=\n", "不支持的 YAML 标签"),
        ("a: &a {x: 1}\nb:\n  <<: *a\n", "合并键"),
    ],
)
def test_structural_limits_in_the_alias_allowing_roles(text: str, expected: str):
    for fast in (False, True):
        with pytest.raises(UserError) as info:
            parse_yaml(text, "bank.yaml", "短语库文件", fast=fast, aliases=True)
        assert expected in info.value.format()


@pytest.mark.parametrize(
    "text",
    [
        "meeting: {name: 推进会\n",
        "meeting:\n  name: 推进会\n kind: 推进会\n",
        "meeting:\n\tname: 推进会\n",
        "meeting: name: 推进会\n",
        'meeting: "推进会\n',
        "meeting: '推进会\n",
        "- a\nb: c\n",
        "a: 1\n---\nb: 2\n",
        "a: *nothing\n",
        "a: &x 1\nb: &x 2\n",
        "a: @x\n",
        "a: `x`\n",
        'a: "\\q"\n',
        "a: |0\n  x\n",
        "a: [1, 2\nb: 3\n",
        "a: {b: 1, c\n",
        "a: !foo 1\n",
        "a: &\n",
        "? a\n? a\n",
        "a:\n  - b\n  c: d\n",
        "a: 1 # x\n  b: 2\n",
        "\x00a: 1\n",
        "a: \x9b[31m\n",
    ],
)
def test_every_parser_error_is_one_chinese_line_with_a_position(text: str):
    for fast in (False, True):
        with pytest.raises(UserError) as info:
            parse_yaml(text, "brief.yaml", "简报文件", fast=fast)
        message = info.value.format()
        assert "\n" not in message and message.startswith("brief.yaml")
        detail = message.split("：", 1)[1]
        assert detail.isascii() is False
        for english in ("expected", "found", "could not", "while", "mapping", "scalar", "token"):
            assert english not in detail, message


def test_aliases_are_refused_in_briefs_at_the_alias_line():
    text = "meeting:\n  name: &n 推进会\ntitle: *n\n"
    with pytest.raises(UserError) as info:
        parse_yaml(text, "brief.yaml", "简报文件")
    assert info.value.line == 3 and "*n" in info.value.format()


def test_the_shipped_data_fits_well_inside_the_limits():
    """The caps leave room: the largest shipped file is far below each one."""
    from generator.yamlio import YamlDoc, _Walker

    for path in [*(ROOT / "phrasebank").glob("*.yaml"), *(ROOT / "skeletons").glob("*.yaml")]:
        node = yaml.compose(path.read_text("utf-8"), Loader=yaml.SafeLoader)
        walker = _Walker(YamlDoc(None, str(path)), aliases=True)
        assert walker.expanded_size(node, (), 0) < MAX_NODES // 10, path
