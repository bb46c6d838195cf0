"""Picking a skeleton for a brief when it says `skeleton: auto`."""

from __future__ import annotations

import random
from collections.abc import Mapping

from .brief import Brief
from .errors import UserError
from .skeleton import Skeleton


def fits(brief: Brief, skel: Skeleton) -> bool:
    if brief.points not in skel.point_counts:
        return False
    have = {
        "programme": bool(brief.facts.programme),
        "achievements": bool(brief.facts.achievements),
        "problems": bool(brief.facts.problems),
        "tasks": bool(brief.facts.tasks),
        "domains": bool(brief.domains),
    }
    if not all(have[n] for n in skel.needs):
        return False
    # A whole point on a domain the brief did not list would be off topic (red pen §2).
    return all(p.domain in brief.focus_domains for p in skel.active_points(brief.points) if p.domain)


def score(brief: Brief, skel: Skeleton) -> int:
    """Higher is a better fit: meeting kind first, then use of the clerk's own facts."""
    s = 0
    if skel.kinds and brief.meeting.kind in skel.kinds:
        s += 4
    elif skel.kinds:
        s -= 1
    s += 2 * len(skel.needs)  # a skeleton built around given facts uses them best
    facts = brief.facts
    for name, given in (
        ("achievements", facts.achievements),
        ("problems", facts.problems),
        ("tasks", facts.tasks),
    ):
        if given and skel.uses_fact(name):
            s += 2
    return s


def choose_skeleton(brief: Brief, skeletons: Mapping[str, Skeleton], rng: random.Random) -> Skeleton:
    """The named skeleton, or the best-fitting one (ties broken by the rng)."""
    if brief.skeleton != "auto":
        skel = skeletons.get(brief.skeleton)
        if skel is None:
            import difflib

            hint = difflib.get_close_matches(brief.skeleton, list(skeletons), n=1)
            more = f"，是否想写 {hint[0]}？" if hint else f"（可用：{', '.join(sorted(skeletons))}）"
            raise UserError(f"未知的骨架 {brief.skeleton}{more}", key="skeleton")
        if not fits(brief, skel):
            raise UserError(
                f"骨架 {skel.id} 不适合这份简报（它讲 {'或'.join(map(str, skel.point_counts))} 点"
                + (f"，需要 {', '.join(skel.needs)}" if skel.needs else "")
                + "）",
                key="skeleton",
            )
        return skel
    fitting = sorted((s for s in skeletons.values() if fits(brief, s)), key=lambda s: s.id)
    if not fitting:
        raise UserError(f"没有适合讲 {brief.points} 点的骨架", key="points")
    best = max(score(brief, s) for s in fitting)
    top = [s for s in fitting if score(brief, s) == best]
    return top[0] if len(top) == 1 else rng.choice(top)
