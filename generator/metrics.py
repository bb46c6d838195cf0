"""Measures of a draft's variety, shared by the tests and the benchmarks.

"Identical-sentence share" between two drafts of one brief is the Dice overlap
of their sentence sets (2·|A∩B| / (|A|+|B|)), counting the speech's own
sentences and headings but not the title block or the clerk's quoted facts,
which are the same in every draft by design.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations

from .brief import Brief
from .compose import sentence_key, sentences
from .draft import Draft


def _user_keys(brief: Brief) -> list[str]:
    f = brief.facts
    return [sentence_key(s) for s in (*f.achievements, *f.problems, *f.tasks, *f.events) if s]


def draft_sentences(draft: Draft, brief: Brief | None = None) -> list[str]:
    """Normalised sentences of the speech body and headings, in order."""
    user = _user_keys(brief) if brief else []
    out = []
    for p in draft.paragraphs:
        if p.kind in ("title", "byline", "salutation"):
            continue
        for s in sentences(p.text):
            key = sentence_key(s)
            if key and not any(u and u in key for u in user):
                out.append(key)
    return out


def duplicate_sentences(draft: Draft, brief: Brief | None = None) -> list[str]:
    seen: set[str] = set()
    dups = []
    for key in draft_sentences(draft, brief):
        if key in seen:
            dups.append(key)
        seen.add(key)
    return dups


def identical_share(a: Sequence[str], b: Sequence[str]) -> float:
    sa, sb = set(a), set(b)
    if not sa and not sb:
        return 1.0
    return 2 * len(sa & sb) / (len(sa) + len(sb))


def pairwise_shares(drafts: Sequence[Sequence[str]]) -> list[float]:
    return [identical_share(x, y) for x, y in combinations(drafts, 2)]
