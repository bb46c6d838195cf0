"""Bad input: one clear Chinese line naming file, line and key; exit 1; nothing lost."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from generator.api import draft_from_brief
from generator.brief import DOMAINS, MEETING_KINDS, SCOPES, Brief
from generator.cli import main
from generator.errors import UserError
from generator.loaders import load_bank_file, load_brief, parse_brief
from generator.render import render_for

GOOD = "meeting:\n  name: 基层党建工作推进会\n  kind: 推进会\nscope: 县\ndate: 2026-04-01\n"


def fail(tmp_path: Path, text: str | bytes, *extra: str) -> str:
    brief = tmp_path / "brief.yaml"
    if isinstance(text, bytes):
        brief.write_bytes(text)
    else:
        brief.write_text(text, "utf-8")
    result = CliRunner().invoke(main, ["generate", str(brief), "-o", str(tmp_path / "out.txt"), *extra])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "out.txt").exists()
    return result.output


def test_yaml_syntax_error_names_the_line(tmp_path):
    out = fail(tmp_path, GOOD + "domains: [农村, 社区\n")
    assert "brief.yaml:" in out and "YAML 语法错误" in out
    assert ":6" in out or ":7" in out


def test_unknown_key_suggests_the_right_one(tmp_path):
    out = fail(tmp_path, GOOD + "domian: [农村]\n")
    assert "brief.yaml:6" in out and "domian" in out and "是否想写 domains" in out


def test_nested_unknown_key(tmp_path):
    out = fail(tmp_path, GOOD + "facts:\n  achievments: [x]\n")
    assert "facts.achievments" in out and "achievements" in out and ":7" in out


def test_wrong_type_and_missing_field(tmp_path):
    out = fail(tmp_path, GOOD + "domains: 农村社区\n")
    assert "domains" in out
    out = fail(tmp_path, "scope: 县\n")
    assert "meeting" in out and "缺少必填项" in out


def test_five_points_unknown_domain_unknown_scope(tmp_path):
    assert "points" in fail(tmp_path, GOOD + "points: 5\n")
    out = fail(tmp_path, GOOD + "domains: [农村, 太空]\n")
    assert "domains[1]" in out and "农村" in out
    assert "scope" in fail(tmp_path, GOOD.replace("scope: 县", "scope: 省"))


def test_unknown_skeleton_suggests(tmp_path):
    out = fail(tmp_path, GOOD + "skeleton: chengji-wenti\n")
    assert "未知的骨架" in out and "chengji-wenti-renwu" in out


def test_empty_and_non_utf8_files(tmp_path):
    assert "是空的" in fail(tmp_path, "")
    assert "是空的" in fail(tmp_path, "# 只有注释\n")
    assert "UTF-8" in fail(tmp_path, GOOD.encode("gbk"))


def test_top_level_not_a_mapping(tmp_path):
    assert "键值映射" in fail(tmp_path, "- 一\n- 二\n")


def test_duplicate_key_is_an_error(tmp_path):
    out = fail(tmp_path, GOOD + "scope: 市\n")
    assert "重复" in out and ":6" in out


def test_oversized_input(tmp_path):
    assert "过大" in fail(tmp_path, GOOD + "# " + "长" * 1_000_000 + "\n")


def test_yaml_11_words_stay_strings():
    brief = parse_brief(GOOD.replace("基层党建工作推进会", "no") + "place: yes\n")
    assert brief.meeting.name == "no" and brief.place == "yes"
    assert brief.date is not None and brief.date.year == 2026
    with pytest.raises(UserError, match="日期"):
        parse_brief(GOOD.replace("2026-04-01", "2026-02-30"))


def test_user_template_syntax_is_literal_text(tmp_path, library):
    facts = "facts:\n  achievements:\n    - '{{ 7*7 }} 和 {% for x in y %}<b>&amp;</b>'\n  programme: '“{{ place }}”工程'\n"
    brief = parse_brief(GOOD + facts)
    draft = draft_from_brief(brief, library, 1, skeleton="chengji-wenti-renwu")
    text = draft.full_text()
    assert "{{ 7*7 }} 和 {% for x in y %}<b>&amp;</b>" in text
    assert "49" not in text
    for suffix in (".txt", ".md", ".docx"):
        data = render_for(tmp_path / f"x{suffix}", draft)
        assert data
    docx = tmp_path / "x.docx"
    docx.write_bytes(render_for(docx, draft))
    with zipfile.ZipFile(docx) as z:
        assert z.testzip() is None
        body = z.read("word/document.xml").decode("utf-8")
    assert "&lt;b&gt;&amp;amp;&lt;/b&gt;" in body


def test_control_characters_are_dropped_with_a_warning(tmp_path):
    brief = tmp_path / "b.yaml"
    brief.write_text(GOOD + 'speaker: "县委书记\\x07张三\\x1b"\n', "utf-8")
    out = tmp_path / "d.docx"
    result = CliRunner().invoke(main, ["generate", str(brief), "-o", str(out), "--seed", "1"])
    assert result.exit_code == 0, result.output
    assert "控制字符" in result.output
    import docx

    assert any("县委书记张三" in p.text for p in docx.Document(str(out)).paragraphs)


def test_raw_control_character_in_file_is_a_clear_error(tmp_path):
    assert "控制字符" in fail(tmp_path, GOOD + "place: 青山\x07县\n")


def test_very_long_strings_are_kept_or_refused_cleanly(tmp_path):
    long_fact = "加强党建" * 400
    brief = parse_brief(GOOD + f"facts:\n  achievements: [{long_fact}]\n")
    assert long_fact in brief.facts.achievements[0]
    out = fail(tmp_path, GOOD + f"place: {'青' * 200}\n")
    assert "place" in out


def test_bank_with_broken_template_names_file_line_and_key(tmp_path):
    bank = tmp_path / "bad.yaml"
    bank.write_text(
        "entries:\n  - id: x.one\n    slot: opening.purpose\n    variants:\n      - 好的。\n      - 坏的{{ whole 。\n",
        "utf-8",
    )
    with pytest.raises(UserError) as info:
        load_bank_file(bank)
    msg = str(info.value)
    assert "bad.yaml:6" in msg and "entries[0].variants[1]" in msg and "模板语法错误" in msg


def test_bank_with_unknown_template_name(tmp_path):
    bank = tmp_path / "bad.yaml"
    bank.write_text(
        "entries:\n  - id: x.one\n    slot: s\n    variants:\n      - '{{ county }}要抓好。'\n", "utf-8"
    )
    with pytest.raises(UserError, match="county"):
        load_bank_file(bank)


def test_skeleton_slot_missing_from_bank_is_reported(tmp_path):
    skel_dir = tmp_path / "sk"
    skel_dir.mkdir()
    src = Path(__file__).resolve().parents[1] / "skeletons" / "chengji-wenti-renwu.yaml"
    data = yaml.safe_load(src.read_text("utf-8"))
    data["id"] = "mine"
    data["closing"] = [{"para": "closing.no_such_slot"}]
    (skel_dir / "mine.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    result = CliRunner().invoke(main, ["check", "--skeletons-dir", str(skel_dir)])
    assert result.exit_code == 1
    assert "closing.no_such_slot" in result.output


def test_unwritable_output_is_a_clear_error(tmp_path):
    brief = tmp_path / "b.yaml"
    brief.write_text(GOOD, "utf-8")
    locked = tmp_path / "locked"
    locked.mkdir()
    os.chmod(locked, 0o500)
    try:
        result = CliRunner().invoke(main, ["generate", str(brief), "-o", str(locked / "d.txt")])
        if os.geteuid() == 0:  # root ignores directory permissions; check the missing-folder path instead
            result = CliRunner().invoke(
                main, ["generate", str(brief), "-o", str(tmp_path / "nope" / "d.txt")]
            )
        assert result.exit_code == 1 and "Traceback" not in result.output
        assert "输出" in result.output
    finally:
        os.chmod(locked, 0o700)
    assert not [p for p in tmp_path.rglob("*.tmp")]


def test_load_brief_missing_file(tmp_path):
    with pytest.raises(UserError, match="找不到"):
        load_brief(tmp_path / "none.yaml")


_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)


@st.composite
def briefs(draw: st.DrawFn) -> Brief:
    data = {
        "meeting": {
            "name": draw(st.text(min_size=2, max_size=30).filter(lambda s: s.strip())),
            "kind": draw(st.sampled_from(MEETING_KINDS)),
        },
        "scope": draw(st.sampled_from(SCOPES)),
        "place": draw(st.none() | _text.filter(lambda s: s.strip())),
        "speaker": draw(st.none() | _text),
        "year": draw(st.integers(2018, 2030)),
        "points": draw(st.sampled_from([3, 4])),
        "domains": draw(st.lists(st.sampled_from(DOMAINS), unique=True, max_size=7)),
        "previous_speakers": draw(
            st.lists(st.fixed_dictionaries({"who": _text.filter(lambda s: s.strip())}), max_size=3)
        ),
        "facts": {
            "achievements": draw(st.lists(_text, max_size=4)),
            "problems": draw(st.lists(_text, max_size=4)),
            "programme": draw(st.none() | _text.filter(lambda s: s.strip())),
        },
    }
    try:
        return Brief.model_validate(data)
    except ValidationError:
        assume(False)
        raise


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(brief=briefs(), seed=st.integers(0, 10_000))
def test_any_accepted_brief_generates_in_every_format(tmp_path, library, brief, seed):
    draft = draft_from_brief(brief, library, seed)
    for suffix in (".txt", ".md", ".docx"):
        data = render_for(tmp_path / f"p{suffix}", draft)
        if suffix != ".docx":
            text = data.decode("utf-8")
            user = "".join(
                [
                    brief.place or "",
                    brief.speaker or "",
                    *brief.facts.achievements,
                    *brief.facts.problems,
                    brief.facts.programme or "",
                    brief.meeting.name,
                    *(s.who for s in brief.previous_speakers),
                ]
            )
            if "{{" not in user:
                assert "{{" not in text
        else:
            path = tmp_path / "p.docx"
            path.write_bytes(data)
            import docx

            docx.Document(str(path))
