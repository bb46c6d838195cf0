"""Careless and hostile input files: zip bombs, pipes, devices, odd numbers, tricky brief values."""

from __future__ import annotations

import io
import os
import struct
import zipfile
from pathlib import Path

import pytest
from hostile import assert_clean_refusal

from generator.errors import UserError
from generator.loaders import parse_brief
from generator.reading import MAX_DOCX_PARAGRAPHS, MAX_DOCX_UNPACKED, read_paragraphs

ROOT = Path(__file__).resolve().parents[1]
BRIEF = (ROOT / "examples" / "county-push.yaml").read_text("utf-8")
MINIMAL = "meeting:\n  name: 基层党建工作推进会\n"

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/></Relationships>'
)
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def docx_bytes(paragraphs: int, text: str = "同志们") -> bytes:
    """A minimal .docx whose body repeats one paragraph `paragraphs` times, written in chunks."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", RELS)
        with z.open("word/document.xml", "w") as fh:
            fh.write(f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{W}"><w:body>'.encode())
            para = f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>".encode()
            chunk = para * 1000
            for _ in range(paragraphs // 1000):
                fh.write(chunk)
            fh.write(para * (paragraphs % 1000))
            fh.write(b"</w:body></w:document>")
    return buf.getvalue()


def test_a_small_docx_still_reads(tmp_path: Path):
    path = tmp_path / "ok.docx"
    path.write_bytes(docx_bytes(3))
    # The reading pipeline folds a line repeated verbatim (a site's repeated title) into one.
    assert read_paragraphs(path) == ["同志们"]


def test_a_zip_bomb_docx_is_refused_before_it_is_unpacked(limited_cli, tmp_path: Path):
    # Some 31 MB of XML deflates to well under 1 MB: the declared size gives it away.
    data = docx_bytes(MAX_DOCX_UNPACKED // 60_000 + 100, text="空" * 20_000)
    assert len(data) < 2_000_000
    (tmp_path / "bomb.docx").write_bytes(data)
    for command in (["lint", "bomb.docx"], ["analyze", "bomb.docx"]):
        outcome = limited_cli.run(command, tmp_path)
        assert_clean_refusal(outcome)
        assert "解压后过大" in outcome.stderr


def test_a_zip_bomb_that_lies_about_its_size_is_refused(limited_cli, tmp_path: Path):
    """Headers that declare a small size: zipfile stops there and the CRC check fails."""
    data = bytearray(docx_bytes(MAX_DOCX_UNPACKED // 60_000 + 100, text="空" * 20_000))
    member = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("word/document.xml")
    # uncompressed size: offset 22 in the local header, 24 in the central directory entry
    struct.pack_into("<I", data, member.header_offset + 22, 1000)
    central = data.rfind(b"PK\x01\x02", 0, data.rfind(b"word/document.xml"))
    struct.pack_into("<I", data, central + 24, 1000)
    assert zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("word/document.xml").file_size == 1000
    (tmp_path / "liar.docx").write_bytes(bytes(data))
    outcome = limited_cli.run(["lint", "liar.docx"], tmp_path)
    assert_clean_refusal(outcome)


def test_too_many_paragraphs_are_refused(tmp_path: Path):
    path = tmp_path / "long.docx"
    path.write_bytes(docx_bytes(MAX_DOCX_PARAGRAPHS + 1))
    with pytest.raises(UserError, match="段落过多"):
        read_paragraphs(path)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this system")
def test_a_fifo_is_refused_without_blocking(limited_cli, tmp_path: Path):
    os.mkfifo(tmp_path / "brief.yaml")
    os.mkfifo(tmp_path / "speech.txt")
    for command in (["generate", "brief.yaml", "-o", "out.docx"], ["lint", "speech.txt"]):
        outcome = limited_cli.run(command, tmp_path)
        assert_clean_refusal(outcome)
        assert "不是普通文件" in outcome.stderr


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero on this system")
def test_dev_zero_is_refused_without_reading(limited_cli, tmp_path: Path):
    (tmp_path / "zero.txt").symlink_to("/dev/zero")
    for command in (["generate", "/dev/zero", "-o", "out.docx"], ["lint", "zero.txt"]):
        outcome = limited_cli.run(command, tmp_path)
        assert_clean_refusal(outcome)
        assert "不是普通文件" in outcome.stderr


@pytest.mark.parametrize("minutes", ["nan", "inf", "-inf", "1e308", "0", "-5"])
def test_lint_minutes_out_of_range_is_one_chinese_line(limited_cli, tmp_path: Path, minutes: str):
    (tmp_path / "speech.txt").write_text("同志们：\n今天的会议很重要。\n", "utf-8")
    outcome = limited_cli.run(["lint", "speech.txt", "--minutes", minutes], tmp_path)
    assert_clean_refusal(outcome)
    assert "--minutes" in outcome.stderr


@pytest.mark.parametrize(
    "addition, expected",
    [
        ("  achievements:\n" + "".join(f"    - 第{i}项成绩\n" for i in range(100)), "项数太多（最多 12 项）"),
        ("seed: " + "9" * 4301 + "\n", "数字位数过多"),
        ("seed: 18446744073709551616\n", "数值应 ≤"),
        ("length:\n  minutes: .nan\n", "非数"),
        ("length:\n  characters: 1e400\n", "应为整数"),
    ],
)
def test_numbers_at_the_edges_are_one_chinese_line(limited_cli, tmp_path: Path, addition: str, expected: str):
    text = MINIMAL + ("facts:\n" + addition if addition.startswith("  ") else addition)
    (tmp_path / "brief.yaml").write_text(text, "utf-8")
    outcome = limited_cli.run(["generate", "brief.yaml", "-o", "out.docx"], tmp_path)
    assert_clean_refusal(outcome)
    assert expected in outcome.stderr


@pytest.mark.parametrize(
    "date", ["0001-01-01", "1900-01-01", "2011-12-31", "2051-01-01", "2200-06-01", "9999-12-31"]
)
def test_dates_outside_the_speech_years_are_refused(date: str):
    with pytest.raises(UserError, match="2012–2050"):
        parse_brief(MINIMAL + f"date: {date}\n")


@pytest.mark.parametrize("value", ["0", "20260315", "true", "[2026, 3, 15]", "1.5"])
def test_a_date_that_is_not_a_date_string_is_refused(value: str):
    with pytest.raises(UserError, match="YYYY-MM-DD"):
        parse_brief(MINIMAL + f"date: {value}\n")


def test_the_edge_years_are_accepted():
    assert parse_brief(MINIMAL + "date: 2012-01-01\n").date.year == 2012
    assert parse_brief(MINIMAL + "date: 2050-12-31\n").date.year == 2050


@pytest.mark.parametrize(
    "text",
    [
        MINIMAL + 'title: "在会上的讲话\\n一、伪造标题"\n',
        MINIMAL + 'speaker: "县委书记\\r\\nXXX"\n',
        MINIMAL + 'facts:\n  achievements: ["全县新建站点\\n一、伪造标题"]\n',
        MINIMAL + 'place: "青山\\u2028县"\n',
        'meeting:\n  name: "推进会\\n二、伪造"\n',
        MINIMAL + "previous_speakers:\n  - who: |\n      县委副书记\n      XXX同志\n",
    ],
)
def test_single_line_fields_refuse_line_breaks(text: str):
    with pytest.raises(UserError, match="不能换行"):
        parse_brief(text)


def test_invisible_and_bidi_characters_are_removed_with_a_warning():
    warnings: list[str] = []
    brief = parse_brief(
        MINIMAL + 'place: "青\\u202e山\\u200b县\\u2066"\nspeaker: "县委书记\\x85XXX\\u200d"\n',
        warnings=warnings,
    )
    assert brief.place == "青山县" and brief.speaker == "县委书记XXX"
    assert len(warnings) == 2
    assert "键 place" in warnings[0] and "3 个不可见或改变文字方向的字符" in warnings[0]
    assert "键 speaker" in warnings[1]


@pytest.mark.parametrize(
    "text, expected",
    [
        (MINIMAL + "title: " + "长" * 81 + "\n", "文字太长（最多 80 个字）"),
        (MINIMAL + "points: 5\n", "应为 3、4 之一"),
        (MINIMAL + "scope: 省\n", "应为 县、市、区、乡镇、单位 之一"),
        ("meeting:\n  name: 会\n", "文字太短（至少 2 个字）"),
        (MINIMAL + "previous_speakers: " + str([{"who": "甲"}] * 11) + "\n", "项数太多（最多 10 项）"),
        (MINIMAL + "facts: 3\n", "应为键值映射"),
        (MINIMAL + "year: 2026.5\n", "应为整数"),
    ],
)
def test_validation_messages_are_chinese(text: str, expected: str):
    with pytest.raises(UserError) as info:
        parse_brief(text)
    message = info.value.format()
    assert expected in message
    for english in ("should", "Input", "Value error", "Datetimes", " or "):
        assert english not in message.split("实际为")[0], message


@pytest.mark.parametrize("content", ["", "\n\n   \n", "\ufeff"])
def test_an_empty_speech_is_not_a_clean_pass(limited_cli, tmp_path: Path, content: str):
    (tmp_path / "empty.txt").write_text(content, "utf-8")
    for command in (["lint", "empty.txt"], ["analyze", "empty.txt"]):
        outcome = limited_cli.run(command, tmp_path)
        assert_clean_refusal(outcome)
        assert "没有文字" in outcome.stderr


def test_analyze_refuses_one_file_for_both_outputs(limited_cli, tmp_path: Path):
    (tmp_path / "speech.txt").write_text("同志们：\n一、提高认识\n要抓好落实。\n", "utf-8")
    outcome = limited_cli.run(["analyze", "speech.txt", "-o", "a.yaml", "--bank", "./a.yaml"], tmp_path)
    assert_clean_refusal(outcome)
    assert not (tmp_path / "a.yaml").exists()
    outcome = limited_cli.run(["analyze", "speech.txt", "-o", "speech.txt", "--force"], tmp_path)
    assert_clean_refusal(outcome)
    assert (tmp_path / "speech.txt").read_text("utf-8").startswith("同志们")


def test_terminal_escapes_from_a_file_are_shown_not_obeyed(limited_cli, tmp_path: Path):
    speech = "同志们：\n\x1b]0;标题被改\x07（此处补充数字）\x1b[2J一、提高认识\u202e\n要抓好落实。\n"
    (tmp_path / "speech.txt").write_text(speech, "utf-8")
    for command in (["lint", "speech.txt"], ["analyze", "speech.txt", "--cleaned"]):
        outcome = limited_cli.run(command, tmp_path)
        assert outcome.signal is None and "Traceback" not in outcome.stderr
        shown = outcome.stdout + outcome.stderr
        assert "\x1b" not in shown and "\x07" not in shown and "\u202e" not in shown


def test_the_most_facts_a_brief_may_hold_pass_the_tools_own_count_check(tmp_path: Path):
    """At the cap every list still numbers and counts right (一是…十二是, “十二个方面”)."""
    import yaml
    from click.testing import CliRunner

    from generator.brief import MAX_FACTS
    from generator.cli import main

    brief = yaml.safe_load(BRIEF)
    brief["facts"] = {
        "achievements": [f"第{i}项工作取得新进展" for i in range(1, MAX_FACTS + 1)],
        "problems": [f"第{i}个方面还有不足" for i in range(1, MAX_FACTS + 1)],
        "tasks": [f"第{i}项任务按期完成" for i in range(1, MAX_FACTS + 1)],
    }
    (tmp_path / "brief.yaml").write_text(yaml.safe_dump(brief, allow_unicode=True), "utf-8")
    for seed in range(3):
        out = tmp_path / f"out{seed}.txt"
        result = CliRunner().invoke(
            main, ["generate", str(tmp_path / "brief.yaml"), "-o", str(out), "--seed", str(seed)]
        )
        assert result.exit_code == 0, result.output
        assert "宣布数目不符" not in result.output
        lint = CliRunner().invoke(main, ["lint", str(out)])
        assert "宣布“" not in lint.output, lint.output


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this system")
@pytest.mark.parametrize("option", ["--bank-dir", "--skeletons-dir"])
def test_a_pipe_or_device_in_a_user_folder_is_refused_before_anything_reads_it(
    limited_cli, tmp_path: Path, option: str
):
    (tmp_path / "brief.yaml").write_text(BRIEF, "utf-8")
    (tmp_path / "own").mkdir()
    os.mkfifo(tmp_path / "own" / "pipe.yaml")
    outcome = limited_cli.run(["generate", "brief.yaml", "-o", "out.txt", option, "own"], tmp_path)
    assert_clean_refusal(outcome)
    assert "pipe.yaml" in outcome.stderr and "不是普通文件" in outcome.stderr
    (tmp_path / "own" / "pipe.yaml").unlink()
    with (tmp_path / "own" / "huge.yaml").open("wb") as fh:
        fh.truncate(3 * 1024 * 1024)  # sparse: 3 MB of nothing, over the limit without using the disk
    outcome = limited_cli.run(["generate", "brief.yaml", "-o", "out.txt", option, "own"], tmp_path)
    assert_clean_refusal(outcome)
    assert "huge.yaml" in outcome.stderr and "过大" in outcome.stderr
