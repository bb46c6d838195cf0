"""Writing output: the umask's mode, the old mode kept, no lost race, no symlink followed, no orphans."""

from __future__ import annotations

import multiprocessing
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.answers import save_answers
from generator.cli import main
from generator.output import _host, remove_orphans, write_text_atomic

ROOT = Path(__file__).resolve().parents[1]
BRIEF = (ROOT / "examples" / "county-push.yaml").read_text("utf-8")

pytestmark = pytest.mark.skipif(os.name != "posix", reason="file modes and fork are POSIX behaviour")


def mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


def generate(tmp_path: Path, *extra: str) -> object:
    (tmp_path / "brief.yaml").write_text(BRIEF, "utf-8")
    return CliRunner().invoke(main, ["generate", str(tmp_path / "brief.yaml"), *extra])


@pytest.fixture()
def umask():
    old = os.umask(0o022)
    yield lambda value: os.umask(value)
    os.umask(old)


@pytest.mark.parametrize("mask, expected", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_a_new_file_gets_the_umask_mode(tmp_path: Path, umask, mask: int, expected: int):
    umask(mask)
    for name in ("out.txt", "out.docx"):
        result = generate(tmp_path, "-o", str(tmp_path / name), "--seed", "1")
        assert result.exit_code == 0, result.output
        assert mode(tmp_path / name) == expected


def test_force_keeps_the_old_mode_and_the_old_file(tmp_path: Path, umask):
    out = tmp_path / "out.txt"
    out.write_text("旧稿", "utf-8")
    out.chmod(0o640)
    result = generate(tmp_path, "-o", str(out), "--seed", "1", "--force")
    assert result.exit_code == 0, result.output
    assert mode(out) == 0o640 and out.read_text("utf-8") != "旧稿"
    assert (tmp_path / "out.txt.bak").read_text("utf-8") == "旧稿"
    assert mode(tmp_path / "out.txt.bak") == 0o640


def test_without_force_nothing_is_replaced(tmp_path: Path):
    out = tmp_path / "out.txt"
    out.write_text("旧稿", "utf-8")
    result = generate(tmp_path, "-o", str(out))
    assert result.exit_code == 1 and "已存在" in result.output
    assert out.read_text("utf-8") == "旧稿" and sorted(p.name for p in tmp_path.iterdir()) == [
        "brief.yaml",
        "out.txt",
    ]


def _racer(barrier, queue, brief: str, out: str, seed: int) -> None:  # pragma: no cover - child process
    barrier.wait()
    result = CliRunner().invoke(main, ["generate", brief, "-o", out, "--seed", str(seed)])
    queue.put((seed, result.exit_code, result.output))


def test_concurrent_writers_exactly_one_wins(tmp_path: Path):
    """16 processes, same new output, no --force: exactly one 已写入, the rest refused, nothing replaced."""
    (tmp_path / "brief.yaml").write_text(BRIEF, "utf-8")
    out = tmp_path / "same.txt"
    ctx = multiprocessing.get_context("fork")
    barrier, queue = ctx.Barrier(16), ctx.Queue()
    procs = [
        ctx.Process(target=_racer, args=(barrier, queue, str(tmp_path / "brief.yaml"), str(out), seed))
        for seed in range(16)
    ]
    for p in procs:
        p.start()
    results = [queue.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    winners = [r for r in results if r[1] == 0]
    assert len(winners) == 1, results
    assert "已写入" in winners[0][2]
    assert all(
        r[1] == 1 and "已存在" in r[2] and "已写入" not in r[2] for r in results if r is not winners[0]
    )
    # the file on disk is the winner's draft, whole
    seed = winners[0][0]
    alone = tmp_path / "alone.txt"
    assert generate(tmp_path, "-o", str(alone), "--seed", str(seed)).exit_code == 0
    assert out.read_bytes() == alone.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["alone.txt", "brief.yaml", "same.txt"]


def test_backups_never_follow_symlinks(tmp_path: Path):
    victim = tmp_path / "victim.txt"
    victim.write_text("别人的文件", "utf-8")
    other = tmp_path / "other.txt"
    other.write_text("另一个文件", "utf-8")
    out = tmp_path / "out.txt"
    out.symlink_to(victim)
    (tmp_path / "out.txt.bak").symlink_to(other)  # a trap where the backup would go
    result = generate(tmp_path, "-o", str(out), "--force", "--seed", "1")
    assert result.exit_code == 0, result.output
    assert victim.read_text("utf-8") == "别人的文件" and other.read_text("utf-8") == "另一个文件"
    assert not out.is_symlink() and out.read_text("utf-8").startswith("在")
    backup = tmp_path / "out.txt.bak2"
    assert backup.is_symlink() and os.readlink(backup) == str(victim)
    assert "out.txt.bak2" in result.output


def test_backups_are_numbered_and_answers_get_them_too(tmp_path: Path):
    path = tmp_path / "notes.txt"
    for i in range(4):
        write_text_atomic(path, f"第{i}版", force=True)
    assert path.read_text("utf-8") == "第3版"
    assert [
        (tmp_path / n).read_text("utf-8") for n in ("notes.txt.bak", "notes.txt.bak2", "notes.txt.bak3")
    ] == [
        "第0版",
        "第1版",
        "第2版",
    ]
    answers_file = tmp_path / "brief.answers.yaml"
    trap = tmp_path / "trap.txt"
    trap.write_text("不能被覆盖", "utf-8")
    (tmp_path / "brief.answers.yaml.bak").symlink_to(trap)
    answers = load_answers_of(tmp_path)
    kept = [save_answers(answers_file, answers, "brief.yaml") for _ in range(3)]
    assert kept == [None, tmp_path / "brief.answers.yaml.bak2", tmp_path / "brief.answers.yaml.bak3"]
    assert trap.read_text("utf-8") == "不能被覆盖"
    assert save_answers(answers_file, answers, "brief.yaml", backup=False) is None  # autosave: no flood
    assert not (tmp_path / "brief.answers.yaml.bak4").exists()


def load_answers_of(tmp_path: Path):
    """A real answers object: the picks of the example brief's draft."""
    from generator.answers import answers_from, replay
    from generator.api import Library, complete_brief
    from generator.loaders import parse_brief

    brief = complete_brief(parse_brief(BRIEF))
    return answers_from(replay(brief, Library.load(), 1))


def test_orphan_temp_files_are_removed_on_the_next_write(tmp_path: Path):
    finished = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    dead = int(finished.stdout)
    host = _host()
    orphan = tmp_path / f".out.txt.{host}~{dead}.0a1b2c3d.tmp"
    old_style = tmp_path / ".out.txt.k2j3h4g5.tmp"
    live = tmp_path / f".out.txt.{host}~{os.getppid()}.feedbeef.tmp"  # a running writer's file stays
    other_pc = tmp_path / f".out.txt.{host}x~{dead}.0a1b2c3d.tmp"  # another PC's pid means nothing here
    unrelated = tmp_path / f".other.txt.{host}~{dead}.abcd.tmp"
    for p in (orphan, old_style, live, other_pc, unrelated):
        p.write_text("半截", "utf-8")
    two_hours_ago = time.time() - 7200
    os.utime(old_style, (two_hours_ago, two_hours_ago))
    write_text_atomic(tmp_path / "out.txt", "新稿")
    assert not orphan.exists() and not old_style.exists()
    assert live.exists() and other_pc.exists() and unrelated.exists()
    assert remove_orphans(tmp_path, "out.txt") == []


def test_a_killed_writer_leaves_at_most_a_temp_file_that_the_next_run_removes(tmp_path: Path):
    """SIGKILL between the temp file and the rename: the target is untouched, the orphan goes next time."""
    script = (
        "import os, signal, sys\n"
        "from pathlib import Path\n"
        "import generator.output as o\n"
        "def die(tmp, path):\n"
        "    os.kill(os.getpid(), signal.SIGKILL)\n"
        "o._publish_new = die\n"
        "o.write_text_atomic(Path(sys.argv[1]), '新稿')\n"
    )
    out = tmp_path / "out.txt"
    proc = subprocess.run([sys.executable, "-c", script, str(out)], cwd=ROOT)
    assert proc.returncode == -9
    leftovers = [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert len(leftovers) == 1 and not out.exists()
    write_text_atomic(out, "再写一次")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]
