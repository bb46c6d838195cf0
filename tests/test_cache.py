"""The start-up cache: a shortcut that never changes a draft and never trusts a stale or foreign file."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import EXAMPLES

from generator.cli import main
from generator.loaders import _load_bank_cached, load_bank

BRIEF = next(p for p in EXAMPLES if p.stem == "county-push")


@pytest.fixture()
def cache_dir(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("SPEECHDRAFT_CACHE_DIR", str(folder))
    monkeypatch.delenv("SPEECHDRAFT_NO_CACHE", raising=False)
    _load_bank_cached.cache_clear()
    yield folder
    _load_bank_cached.cache_clear()


def _txt(tmp_path: Path, name: str) -> bytes:
    out = tmp_path / name
    res = CliRunner().invoke(main, ["generate", str(BRIEF), "-o", str(out), "--seed", "5", "--no-answers"])
    assert res.exit_code == 0, res.output
    return out.read_bytes()


def test_the_cache_never_changes_a_draft(cache_dir, tmp_path, monkeypatch):
    first = _txt(tmp_path, "a.txt")  # builds the cache
    assert list(cache_dir.glob("bank-*.pickle")) and list(cache_dir.glob("skeletons-*.pickle"))
    _load_bank_cached.cache_clear()
    second = _txt(tmp_path, "b.txt")  # served from it
    monkeypatch.setenv("SPEECHDRAFT_NO_CACHE", "1")
    _load_bank_cached.cache_clear()
    third = _txt(tmp_path, "c.txt")  # without it
    assert first == second == third
    if hasattr(os, "getuid"):
        assert cache_dir.stat().st_mode & 0o777 == 0o700


def _user_bank(folder: Path, text: str) -> Path:
    folder.mkdir(exist_ok=True)
    (folder / "mine.yaml").write_text(
        "entries:\n  - id: mine.one\n    slot: closing.rally\n    asserts: none\n    function: rally\n"
        f"    variants: [{text}]\n",
        "utf-8",
    )
    return folder


def test_a_changed_bank_file_invalidates_the_cache(cache_dir, tmp_path):
    folder = _user_bank(tmp_path / "bank", "让我们一起把各项工作抓实抓好！")
    assert load_bank([folder]).entries["mine.one"].variants[0].text == "让我们一起把各项工作抓实抓好！"
    _user_bank(folder, "让我们携手把这项工作做得更好！")
    _load_bank_cached.cache_clear()
    assert load_bank([folder]).entries["mine.one"].variants[0].text == "让我们携手把这项工作做得更好！"


def test_corrupt_or_foreign_cache_files_are_ignored_and_rebuilt(cache_dir, tmp_path):
    load_bank()
    (path,) = cache_dir.glob("bank-*.pickle")
    path.write_bytes(b"not a pickle")
    _load_bank_cached.cache_clear()
    assert len(load_bank().entries) > 100
    assert pickle.loads(path.read_bytes())[0].startswith(path.name[5:37]), "rebuilt with its own key"
    # A file put there under the right name but holding another key is not served.
    path.write_bytes(pickle.dumps(("0" * 64, "planted")))
    _load_bank_cached.cache_clear()
    assert load_bank() != "planted"


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX permissions")
def test_a_folder_others_can_write_is_never_read(cache_dir, tmp_path):
    load_bank()
    (path,) = cache_dir.glob("bank-*.pickle")
    digest = pickle.loads(path.read_bytes())[0]
    path.write_bytes(pickle.dumps((digest, "planted")))
    cache_dir.chmod(0o777)
    _load_bank_cached.cache_clear()
    try:
        assert load_bank() != "planted"
    finally:
        cache_dir.chmod(0o700)
    _load_bank_cached.cache_clear()
    assert load_bank() == "planted", "the same file in a private folder is served: the test is not vacuous"


def test_a_changed_class_never_meets_an_old_pickle(cache_dir, tmp_path, monkeypatch):
    """A new field in a pickled class (a skeleton's `length`) must not be served an old pickle without it,
    even where the version number has not moved: the classes' source is part of the key."""
    from generator import cache

    shape = tmp_path / "shape.py"
    shape.write_text("class Skeleton: pass\n", "utf-8")
    data = tmp_path / "data.yaml"
    data.write_text("a: 1\n", "utf-8")
    monkeypatch.setattr(cache, "SHAPES", (str(shape),))
    cache._shapes.cache_clear()
    before = cache.key("bank", [data])
    shape.write_text("class Skeleton:\n    length = None\n", "utf-8")
    cache._shapes.cache_clear()
    assert cache.key("bank", [data]) != before
    cache._shapes.cache_clear()
