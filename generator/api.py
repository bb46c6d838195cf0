"""The library's front door: load everything a draft needs and compose it.

The CLI, the picker and the benchmarks all come through here, so they agree
on how seeds, skeleton choice and user folders work.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .bank import PhraseBank
from .brief import SPEAKING_RATE, Brief
from .compose import Chooser, compose, random_chooser
from .draft import Draft
from .loaders import load_bank, load_skeletons
from .overlap import SentenceIndex
from .select import choose_skeleton
from .skeleton import Skeleton


@dataclass
class Library:
    """The skeletons and bank in force: built-ins plus any user folders."""

    skeletons: dict[str, Skeleton]
    bank: PhraseBank

    @classmethod
    def load(cls, skeleton_dirs: Sequence[Path] = (), bank_dirs: Sequence[Path] = ()) -> Library:
        return cls(skeletons=load_skeletons(skeleton_dirs), bank=load_bank(bank_dirs))


def resolve_seed(brief: Brief, seed: int | None) -> int:
    """--seed wins, then the brief's seed, then a fresh one (reported so it can be replayed)."""
    if seed is not None:
        return seed
    if brief.seed is not None:
        return brief.seed
    return secrets.randbelow(1_000_000)


def complete_brief(brief: Brief, today: dt.date | None = None) -> Brief:
    """Fix the year when the brief gives neither year nor date, so compose stays pure."""
    if brief.year is None and brief.date is None:
        return brief.with_year((today or dt.date.today()).year)
    return brief


def draft_rng(brief: Brief, seed: int) -> random.Random:
    """The random source of one draft: the seed and the office it is for. Two offices that copy the
    same brief and seed (an example's `seed: 7`) still get different drafts; one office with one seed
    gets the same draft every time. Seeded from a string, so the same on every machine and run."""
    return random.Random(f"{seed}|{brief.scope}|{brief.place or ''}")


def draft_from_brief(
    brief: Brief,
    library: Library,
    seed: int,
    *,
    skeleton: str | None = None,
    chooser: Chooser = random_chooser,
    avoid: SentenceIndex | None = None,
) -> Draft:
    """Compose one draft; the seed drives both the skeleton choice and every variant."""
    if skeleton:
        brief = brief.model_copy(update={"skeleton": skeleton})
    rng = draft_rng(brief, seed)
    skel = choose_skeleton(brief, library.skeletons, rng)
    return compose(brief, library.bank, skel, rng, chooser, avoid=avoid)


def speaking_minutes(characters: int) -> float:
    return characters / SPEAKING_RATE


def summary(draft: Draft, seed: int) -> str:
    holes = len(draft.placeholders())
    return (
        f"骨架 {draft.skeleton_id}（{draft.skeleton_name}），{draft.point_count} 点，"
        f"{draft.characters} 字，约 {speaking_minutes(draft.characters):.0f} 分钟，"
        f"待补充占位 {holes} 处，种子 {seed}"
    )


def avoid_sources(brief: Brief, brief_path: Path | None, extra: Sequence[Path] = ()) -> list[Path]:
    """Where the office's past speeches are: `--avoid` paths and the brief's `avoid:` (relative to
    the brief's folder, or to the working folder for a brief with no file)."""
    base = brief_path.parent if brief_path is not None else Path(".")
    return [*extra, *(base / p for p in brief.avoid)]


def past_speeches(sources: Sequence[Path]) -> SentenceIndex | None:
    """Every sentence of those speeches, which a draft must not reuse; None when there are none."""
    if not sources:
        return None
    from .overlap import index_files

    return index_files(sources)
