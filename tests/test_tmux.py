"""The picker in a real terminal (tmux, 80×24): type a few picks, Ctrl-C, run again, finish.

Skipped when tmux is absent, unless SPEECHDRAFT_REQUIRE_TMUX is set (CI installs
tmux with .ci/install-tmux.sh and sets it), so a missing tmux never passes silently.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(
    shutil.which("tmux") is None and not os.environ.get("SPEECHDRAFT_REQUIRE_TMUX"),
    reason="tmux 未安装（设 SPEECHDRAFT_REQUIRE_TMUX=1 时改为失败）",
)


class Terminal:
    """One tmux session running one command; `screen()` is what a clerk would see.

    Every test gets its own tmux server (`-L`), so nothing else using tmux on the
    machine is touched, and the server is ended with the test.
    """

    def __init__(self, server: str, command: str, cwd: Path, env: dict[str, str]) -> None:
        self.server = server
        self.name = f"pick-{uuid.uuid4().hex[:6]}"
        exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
        script = f"cd {shlex.quote(str(cwd))} && env {exports} {command}; echo EXIT=$?; sleep 120"
        self.tmux("new-session", "-d", "-s", self.name, "-x", "80", "-y", "24", script)

    def tmux(self, *args: str) -> str:
        done = subprocess.run(["tmux", "-L", self.server, *args], capture_output=True, text=True, check=False)
        if done.returncode:
            raise AssertionError(f"tmux {' '.join(args[:2])} 失败：{done.stderr.strip()}")
        return done.stdout

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", self.name)

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", self.name, *keys)

    def wait(self, ready: Callable[[str], bool], what: str, timeout: float = 60) -> str:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            text = self.screen()
            if ready(text):
                return text
            time.sleep(0.2)
        raise AssertionError(f"等待超时：{what}\n{self.screen()}")


@pytest.fixture
def server() -> Iterator[str]:
    name = f"speechdraft-test-{uuid.uuid4().hex[:8]}"
    yield name
    subprocess.run(["tmux", "-L", name, "kill-server"], capture_output=True, check=False)


def test_a_short_session_killed_with_ctrl_c_resumes_where_it_stopped(tmp_path, server):
    brief = tmp_path / "county-push.yaml"
    shutil.copy(ROOT / "examples" / "county-push.yaml", brief)
    # CI=true (set by the CI job, inherited by tmux) would make pick refuse: this is a real terminal.
    env = {
        "SPEECHDRAFT_DATA_DIR": str(tmp_path / "data"),
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
        "CI": "",
    }
    pick = f"{shlex.quote(sys.executable)} -m generator.cli pick county-push.yaml -o out.txt"
    env["PYTHONPATH"] = str(ROOT)
    term = Terminal(server, pick, tmp_path, env)
    term.wait(lambda s: "（1/" in s, "挑选界面")
    term.keys("2")
    term.wait(lambda s: "（2/" in s, "第 2 处")
    term.keys("３")  # full-width, as typed under a Chinese input method
    term.wait(lambda s: "（3/" in s, "第 3 处")
    term.keys("?")
    term.wait(lambda s: "按键帮助" in s, "帮助")
    term.keys("x", "C-c")
    shown = term.wait(lambda s: "EXIT=" in s, "退出")
    assert "已保存 2 处挑选，下次运行 pick 从第 3 处继续" in shown.replace("\n", "")
    answers = (tmp_path / "county-push.answers.yaml").read_text("utf-8")
    assert "picked:\n  - opening.0\n  - opening.1\n" in answers
    term = Terminal(server, pick, tmp_path, env)
    term.wait(lambda s: "（3/" in s, "从第 3 处继续")
    term.keys("a")
    shown = term.wait(lambda s: "EXIT=" in s, "完成")
    assert "EXIT=0" in shown and "已写入" in shown
    assert (tmp_path / "out.txt").is_file()
