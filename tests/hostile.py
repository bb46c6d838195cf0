"""Running the CLI on hostile input under hard resource limits.

A hostile file must not hang the tool or eat the machine, so tests run the
command in a child process limited by `resource.setrlimit` (CPU seconds and
address space) and a wall-clock alarm: a hang or a memory blow-up fails the
test instead of stalling CI. Children are forked from one warm worker, so a
hundred runs cost a hundred drafts, not a hundred interpreter start-ups.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

SECONDS = 10  # of CPU: what a hostile input may cost
WALL_SECONDS = 3 * SECONDS  # of wall clock: catches a child that blocks without spending CPU, with room for a
# loaded machine (CI, parallel jobs) where ten CPU seconds take longer than ten seconds
MEMORY_BYTES = 500 * 1024 * 1024
ROOT = Path(__file__).resolve().parents[1]

_CJK = re.compile(r"[\u4e00-\u9fff]")
_ENGLISH_TELLS = re.compile(
    r"Traceback|Error:|should be|Input should|Field required|Value error|not allowed|expected|found", re.I
)


@dataclass
class Outcome:
    code: int | None  # None: killed by a signal (time or memory limit)
    signal: int | None
    stdout: str
    stderr: str


def limit_resources() -> None:
    """In the child: CPU time, address space and wall clock all capped (the clock more loosely: a busy
    machine stretches it, and CPU time is what a hostile input costs)."""
    import resource
    import signal

    resource.setrlimit(resource.RLIMIT_CPU, (SECONDS, SECONDS))
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    signal.alarm(WALL_SECONDS)


def serve() -> None:  # pragma: no cover - runs in the worker process
    """Worker loop: one JSON request a line (argv, cwd), one JSON outcome a line."""
    import tempfile

    from generator import cli
    from generator.api import Library

    Library.load()  # warm the caches the children inherit
    out = sys.stdout
    for line in sys.stdin:
        request = json.loads(line)
        with tempfile.TemporaryFile() as fout, tempfile.TemporaryFile() as ferr:
            pid = os.fork()
            if pid == 0:
                code = 70
                try:
                    os.chdir(request["cwd"])
                    os.dup2(fout.fileno(), 1)
                    os.dup2(ferr.fileno(), 2)
                    limit_resources()
                    _probe(request.get("probe"))
                    cli.main(request["argv"], prog_name="speechdraft", standalone_mode=True)
                    code = 0
                except SystemExit as exc:
                    code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
                except BaseException:
                    import traceback

                    traceback.print_exc()
                    code = 71
                finally:
                    sys.stdout.flush()
                    sys.stderr.flush()
                    os._exit(code)
            _, status = os.waitpid(pid, 0)
            fout.seek(0)
            ferr.seek(0)
            result = {
                "code": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
                "signal": os.WTERMSIG(status) if os.WIFSIGNALED(status) else None,
                "stdout": fout.read().decode("utf-8", "replace"),
                "stderr": ferr.read().decode("utf-8", "replace"),
            }
        out.write(json.dumps(result) + "\n")
        out.flush()


def _probe(kind: str | None) -> None:  # pragma: no cover - runs in a limited child
    """For testing the harness: overrun a limit on purpose."""
    if kind == "memory":
        hog = bytearray(2 * MEMORY_BYTES)
        print(len(hog))


class LimitedCli:
    """A warm worker that runs `speechdraft ARGS` in limited, forked children."""

    def __init__(self) -> None:
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "tests"), str(ROOT)])}
        self.proc = subprocess.Popen(
            [sys.executable, "-c", "import hostile; hostile.serve()"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            env=env,
        )

    def run(self, argv: list[str], cwd: Path, probe: str | None = None) -> Outcome:
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(json.dumps({"argv": argv, "cwd": str(cwd), "probe": probe}) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("the limited CLI worker died")
        return Outcome(**json.loads(line))

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        self.proc.wait(timeout=30)


def assert_clean_refusal(outcome: Outcome) -> None:
    """Exit 1 within the limits, one 错误： line in Chinese (English key names allowed), no traceback."""
    assert outcome.signal is None, f"killed by signal {outcome.signal} (time or memory limit): {outcome}"
    assert outcome.code == 1, outcome
    text = outcome.stdout + outcome.stderr
    assert "Traceback" not in text, text
    lines = [line for line in outcome.stderr.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("错误：")]
    assert len(errors) == 1, lines
    for line in lines:
        assert _CJK.search(line), f"not Chinese: {line!r}"
    message = errors[0].split("：", 2)[-1].split("实际为")[0]  # the user's own text may say anything
    assert not _ENGLISH_TELLS.search(message), f"English in the message: {errors[0]!r}"


def assert_finished(outcome: Outcome) -> None:
    assert outcome.signal is None, f"killed by signal {outcome.signal} (time or memory limit): {outcome}"
    assert outcome.code in (0, 1), outcome
    assert "Traceback" not in outcome.stdout + outcome.stderr, outcome.stderr
