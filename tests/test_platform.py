"""Office PCs: CRLF briefs from Notepad, Chinese folder names with spaces, consoles that are not UTF-8."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from generator.cli import main


def test_crlf_brief_in_a_chinese_folder_with_spaces(tmp_path):
    folder = tmp_path / "办公室 材料" / "2026年 讲话"
    folder.mkdir(parents=True)
    brief = folder / "推进会 简报.yaml"
    brief.write_bytes("meeting:\r\n  name: 基层党建工作推进会\r\nplace: 青山县\r\nseed: 3\r\n".encode())
    out = folder / "讲话稿 初稿.docx"
    res = CliRunner().invoke(main, ["generate", str(brief), "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert out.is_file() and str(out) in res.output


def _run(args: list[str], encoding: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": encoding, "LANG": "C", "LC_ALL": "C"}
    return subprocess.run(
        [sys.executable, "-m", "generator.cli", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        env=env,
        cwd=Path(__file__).resolve().parents[1],
    )


def test_an_ascii_or_gbk_console_still_gets_a_one_line_error():
    for encoding in ("ascii", "gbk"):
        res = _run(["generate", "不存在的简报.yaml"], encoding)
        assert res.returncode == 1
        assert "Traceback" not in res.stderr
        lines = [line for line in res.stderr.splitlines() if line.strip()]
        assert len(lines) == 1 and "yaml" in lines[0]
