"""The offline bundle: built from the registry once, installed with no registry at all.

This is the path an intranet office takes: the Linux x86_64 bundle for the running Python is
unpacked and installed by its own install.sh with pip pointed at nowhere, then generates a
.docx; the Windows bundle is built and checked wheel by wheel (it cannot run here).
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PY = f"{sys.version_info[0]}.{sys.version_info[1]}"
sys.path.insert(0, str(ROOT / "scripts"))

import bundle  # noqa: E402


def _build(tmp: Path, plat: str) -> Path:
    res = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "bundle.py"),
            "--platform",
            plat,
            "--python",
            PY,
            "-o",
            str(tmp),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert res.returncode == 0, res.stderr + res.stdout
    archive = tmp / f"speechdraft-offline-{_version()}-{plat}-py{PY}.zip"
    assert archive.is_file(), res.stdout
    return archive


def _version() -> str:
    import re

    text = (ROOT / "pyproject.toml").read_text("utf-8")
    match = re.search(r'^version = "([^"]+)"', text, re.M)
    assert match
    return match.group(1)


@pytest.mark.skipif(platform.machine() != "x86_64" or sys.platform != "linux", reason="Linux x86_64 only")
def test_linux_bundle_installs_and_runs_with_no_registry(tmp_path):
    archive = _build(tmp_path / "dist", "linux_x86_64")
    unpacked = tmp_path / "unpacked"
    with zipfile.ZipFile(archive) as zf:
        zf.extractall(unpacked)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    env |= {
        "HOME": str(tmp_path / "home"),
        "PIP_INDEX_URL": "http://127.0.0.1:9/nowhere",
        "PIP_NO_INDEX": "1",
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "PYTHON": sys.executable,
    }
    (tmp_path / "home").mkdir()
    target = tmp_path / "装在这里 有空格"
    res = subprocess.run(
        ["sh", str(unpacked / "install.sh"), str(target)],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert res.returncode == 0, res.stderr + res.stdout
    assert "安装完成" in res.stdout
    launcher = tmp_path / "home" / ".local" / "bin" / "speechdraft"
    assert launcher.exists() and (target / "打开网页界面.sh").exists()
    out = tmp_path / "稿 子.docx"
    run = subprocess.run(
        [str(launcher), "generate", str(ROOT / "examples" / "county-push.yaml"), "-o", str(out)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr + run.stdout
    import docx

    assert "同志们：" in [p.text for p in docx.Document(str(out)).paragraphs]


def test_windows_bundle_has_a_wheel_for_every_dependency(tmp_path):
    archive = _build(tmp_path / "dist", "win_amd64")
    with zipfile.ZipFile(archive) as zf:
        names = zf.namelist()
        assert "安装.bat" in names and "说明.txt" in names
        bat = zf.read("安装.bat")
        assert b"\r\n" in bat and b"--no-index" in bat
        wheels = [n for n in names if n.startswith("wheels/") and n.endswith(".whl")]
        zf.extractall(tmp_path / "w")
    tags = {n.rsplit("-", 1)[-1].removesuffix(".whl") for n in wheels}
    assert tags <= {"any", "win_amd64"}, tags
    have = {bundle.canonical(Path(n).name.split("-")[0]) for n in wheels}
    _, env = bundle.PLATFORMS["win_amd64"]
    env = {**env, "python_version": PY, "python_full_version": f"{PY}.0"}
    env |= {"implementation_name": "cpython", "platform_python_implementation": "CPython"}
    for wheel in (tmp_path / "w" / "wheels").glob("*.whl"):
        for req in bundle.requirements(wheel, env):
            name = bundle.canonical(req.split("<")[0].split(">")[0].split("=")[0].split("!")[0].split("~")[0])
            assert name in have, f"{wheel.name} needs {req}, missing from the bundle"
    assert {"speechdraft", "pydantic-core", "lxml", "pyyaml"} <= have
