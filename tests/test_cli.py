"""The command line through click's CliRunner: outputs, summaries, no clobbering."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import EXAMPLES

from generator.cli import main


def run(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
@pytest.mark.parametrize("suffix", [".txt", ".md", ".docx"])
def test_every_example_generates_in_every_format(tmp_path, example, suffix):
    out = tmp_path / f"draft{suffix}"
    result = run("generate", example, "-o", out, "--seed", "3")
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 1000
    summary = result.output.splitlines()[0]
    assert re.search(r"骨架 \S+.*，[34] 点，\d+ 字，约 \d+ 分钟，待补充占位 \d+ 处，种子 3", summary), summary
    if suffix != ".docx":
        text = out.read_text("utf-8")
        assert "{{" not in text and "同志们：" in text


def test_same_seed_same_bytes_in_txt(tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    assert run("generate", EXAMPLES[0], "-o", a, "--seed", "42").exit_code == 0
    assert run("generate", EXAMPLES[0], "-o", b, "--seed", "42").exit_code == 0
    assert a.read_bytes() == b.read_bytes()
    c = tmp_path / "c.txt"
    assert run("generate", EXAMPLES[0], "-o", c, "--seed", "43").exit_code == 0
    assert c.read_bytes() != a.read_bytes()


def test_skeleton_option_forces_the_skeleton(tmp_path):
    out = tmp_path / "x.txt"
    county = next(p for p in EXAMPLES if p.stem == "county-push")
    result = run("generate", county, "-o", out, "--skeleton", "chengji-wenti-renwu")
    assert result.exit_code == 0, result.output
    assert "骨架 chengji-wenti-renwu" in result.output


def test_existing_output_needs_force_and_keeps_a_backup(tmp_path):
    out = tmp_path / "mine.txt"
    out.write_text("我改过的稿子", "utf-8")
    result = CliRunner().invoke(main, ["generate", str(EXAMPLES[0]), "-o", str(out)])
    assert result.exit_code == 1
    assert "--force" in result.output and "Traceback" not in result.output
    assert out.read_text("utf-8") == "我改过的稿子"
    result = run("generate", EXAMPLES[0], "-o", out, "--force")
    assert result.exit_code == 0
    assert (tmp_path / "mine.txt.bak").read_text("utf-8") == "我改过的稿子"
    assert out.read_text("utf-8") != "我改过的稿子"


def test_skeletons_lists_each_with_a_description():
    result = run("skeletons")
    assert result.exit_code == 0
    lines = result.output.strip().splitlines()
    assert len(lines) >= 2
    assert any(line.startswith("chengji-wenti-renwu") for line in lines)
    assert all("：" in line for line in lines)


def test_new_writes_a_starter_that_generates(tmp_path):
    brief = tmp_path / "brief.yaml"
    assert run("new", brief).exit_code == 0
    text = brief.read_text("utf-8")
    assert text.startswith("# yaml-language-server: $schema=")
    assert (tmp_path / "brief.schema.json").exists()
    result = run("generate", brief, "-o", tmp_path / "d.txt", "--seed", "1")
    assert result.exit_code == 0, result.output
    assert run("new", brief).exit_code == 1  # never overwrites without --force


def test_schema_is_json_schema_of_the_brief():
    result = run("schema")
    schema = json.loads(result.output)
    assert schema["additionalProperties"] is False
    assert {"meeting", "scope", "points", "domains", "facts"} <= set(schema["properties"])


def test_check_reports_the_bank_and_skeletons():
    result = run("check")
    assert result.exit_code == 0, result.output
    assert "骨架" in result.output


def test_help_lists_commands():
    result = run("--help")
    assert "generate" in result.output and "skeletons" in result.output


def test_unsupported_suffix_is_a_one_line_error(tmp_path):
    result = CliRunner().invoke(main, ["generate", str(EXAMPLES[0]), "-o", str(tmp_path / "x.pdf")])
    assert result.exit_code == 1
    assert "不支持的输出格式" in result.output
    assert not (tmp_path / "x.pdf").exists()


def test_missing_brief_file(tmp_path: Path):
    result = CliRunner().invoke(main, ["generate", str(tmp_path / "none.yaml")])
    assert result.exit_code == 1 and "找不到" in result.output
