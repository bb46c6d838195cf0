"""Shared fixtures: the real library, the example briefs, and a synthetic bank.

The synthetic bank fills every slot of every skeleton with machine-made text,
so the composition mechanics (numbering, counts, no repeats) are tested apart
from the real phrase bank's content.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import pytest
import yaml

from generator.api import Library, complete_brief
from generator.bank import BankFile, PhraseBank
from generator.brief import DOMAINS, Brief
from generator.loaders import load_brief, load_skeletons
from generator.skeleton import iter_slots

# Tests keep the start-up cache to themselves (tests/test_cache.py points it elsewhere again).
os.environ["SPEECHDRAFT_CACHE_DIR"] = tempfile.mkdtemp(prefix="speechdraft-cache-")

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def library() -> Library:
    return Library.load()


@pytest.fixture(scope="session")
def example_briefs() -> dict[str, Brief]:
    return {p.stem: complete_brief(load_brief(p)) for p in EXAMPLES}


def synthetic_bank_data(entries_per_slot: int = 8, variants: int = 3) -> dict:
    """A bank covering every slot the built-in skeletons use, with unique machine text."""
    slots: dict[str, str] = {}
    for skel in load_skeletons().values():
        for slot, role in iter_slots(skel):
            slots.setdefault(slot, role)
    entries = []
    for slot, role in sorted(slots.items()):
        tag = re.sub(r"[^a-z]", "", slot)[:12]
        for e in range(entries_per_slot):
            vs = []
            for v in range(variants):
                word = f"{tag}甲{'乙' * e}丙{'丁' * v}"
                if role == "announce":
                    text = f"{word}共有{{{{ count_cn }}}}个方面："
                elif slot == "opening.handoff":
                    text = f"{word}，下面我讲{{{{ points_cn }}}}点意见。"
                else:
                    text = f"{word}在{{{{ whole }}}}落实。{word}由{{{{ committee }}}}负责。"
                variant: dict = {"text": text}
                if role in ("items", "domains"):
                    variant["head"] = f"{word}要点"
                vs.append(variant)
            entry: dict = {
                "id": f"{slot}.syn{e}",
                "slot": slot,
                "asserts": "none",
                "function": "heading" if role == "heading" else "task",
                "variants": vs,
            }
            if role == "domains":
                entry["domains"] = list(DOMAINS)
            entries.append(entry)
    return {"theme": "synthetic", "entries": entries}


@pytest.fixture(scope="session")
def synthetic_library() -> Library:
    bank = PhraseBank.from_files([("synthetic", BankFile.model_validate(synthetic_bank_data()))])
    return Library(skeletons=load_skeletons(), bank=bank)


@pytest.fixture()
def synthetic_bank_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "bank"
    folder.mkdir()
    (folder / "synthetic.yaml").write_text(yaml.safe_dump(synthetic_bank_data(), allow_unicode=True), "utf-8")
    return folder


@pytest.fixture(scope="module")
def limited_cli():
    """The CLI run in forked children under CPU, memory and time limits (tests/hostile.py)."""
    if not hasattr(os, "fork"):
        pytest.skip("the limited runner forks its children (POSIX only)")
    from hostile import LimitedCli

    cli = LimitedCli()
    yield cli
    cli.close()
