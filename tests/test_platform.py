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


def test_paths_on_a_network_share_keep_their_server_and_folder():
    r"""Output on \\server\share (the path's handling, not the network): the temporary file, the
    backups and the answers file all go into the same folder of the same share."""
    from pathlib import PureWindowsPath

    from generator.answersfile import answers_path
    from generator.output import _backup_candidates, _parent, _temp_name, _temp_pattern

    share = PureWindowsPath(r"\\server\share")
    for folder in (share / "办公室 材料" / "2026年", PureWindowsPath(r"\\server\share" + "\\")):
        out = folder / "讲话稿 初稿.docx"
        parent = _parent(out)  # type: ignore[arg-type]
        assert parent == folder and parent.anchor == "\\\\server\\share\\"
        tmp = parent / _temp_name(out.name)
        assert tmp.parent == folder and _temp_pattern(out.name).match(tmp.name)
        for backup in _backup_candidates(out):  # type: ignore[arg-type]
            assert backup.parent == folder and backup.name.startswith(out.name + ".bak")
        brief = folder / "推进会 简报.yaml"
        assert answers_path(brief) == folder / "推进会 简报.answers.yaml"  # type: ignore[arg-type]
        assert brief.with_suffix(".docx") == folder / "推进会 简报.docx"  # generate's default output
