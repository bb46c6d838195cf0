"""`skeleton: auto` picks a skeleton that fits the brief, reproducibly."""

from __future__ import annotations

import random

import pytest

from generator.brief import Brief
from generator.errors import UserError
from generator.select import choose_skeleton, fits


def _brief(**kw: object) -> Brief:
    data: dict = {"meeting": {"name": "基层党建工作推进会", "kind": "推进会"}, "year": 2026}
    data.update(kw)
    return Brief.model_validate(data)


def test_auto_respects_point_count(library):
    for points in (3, 4):
        for seed in range(10):
            skel = choose_skeleton(_brief(points=points), library.skeletons, random.Random(seed))
            assert points in skel.point_counts


def test_auto_prefers_a_skeleton_that_quotes_the_facts(library):
    brief = _brief(facts={"achievements": ["甲"], "problems": ["乙"]})
    chosen = {choose_skeleton(brief, library.skeletons, random.Random(s)).id for s in range(10)}
    assert all(library.skeletons[c].uses_fact("achievements") for c in chosen)


def test_programme_skeleton_needs_a_programme(library):
    needing = [s for s in library.skeletons.values() if "programme" in s.needs]
    for skel in needing:
        assert not fits(_brief(points=skel.point_counts[0]), skel)
        assert fits(_brief(points=skel.point_counts[0], facts={"programme": "“红色领航”工程"}), skel)


def test_auto_is_reproducible(library):
    brief = _brief()
    assert choose_skeleton(brief, library.skeletons, random.Random(5)) == choose_skeleton(
        brief, library.skeletons, random.Random(5)
    )


def test_named_skeleton_that_does_not_fit_is_an_error(library):
    four_only = [s for s in library.skeletons.values() if s.point_counts == (4,)]
    if not four_only:
        pytest.skip("no four-point-only skeleton in the library")
    with pytest.raises(UserError, match="不适合"):
        choose_skeleton(_brief(points=3, skeleton=four_only[0].id), library.skeletons, random.Random(1))
