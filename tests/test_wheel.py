"""A built wheel carries the skeletons and the phrase bank and works outside the source tree."""

from __future__ import annotations

import subprocess
import sys
import zipfile

import pytest
from conftest import ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    pytest.importorskip("hatchling", reason="hatchling (a test extra) builds the wheel offline")
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return next(out.glob("speechdraft-*.whl"))


def test_wheel_contains_data(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    skeletons = sorted(p.name for p in (ROOT / "skeletons").glob("*.yaml"))
    bank = sorted(p.name for p in (ROOT / "phrasebank").glob("*.yaml"))
    assert skeletons and bank
    for name in skeletons:
        assert f"generator/_data/skeletons/{name}" in names
    for name in bank:
        assert f"generator/_data/phrasebank/{name}" in names
    assert "generator/py.typed" in names
    for asset in ("templates/index.html", "static/htmx.min.js", "static/htmx.LICENSE", "static/style.css"):
        assert f"generator/web/{asset}" in names, asset


def test_installed_wheel_generates_outside_the_repo(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(wheel)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    brief = tmp_path / "b.yaml"
    brief.write_text("meeting: {name: 基层党建工作推进会}\nyear: 2026\n", "utf-8")
    code = (
        "import sys; sys.argv=['speechdraft','generate','b.yaml','-o','d.txt','--seed','1'];"
        "import generator.loaders as l; assert '_data' in str(l.builtin_dir('phrasebank'));"
        "from generator.cli import main; main()"
    )
    env = {"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert "同志们：" in (tmp_path / "d.txt").read_text("utf-8")
