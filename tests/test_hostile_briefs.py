"""Hostile briefs through the whole CLI, under 10 s of CPU and 500 MB of address space.

Random trees of the brief's own keys carry hostile values: huge, deeply nested,
aliased, control and invisible characters, wrong types, numbers at the edges.
Whatever comes in, `generate` ends in one of two ways: exit 0 with a .docx Word
can open, or exit 1 with one Chinese line and no traceback.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import pytest
import yaml
from hostile import assert_clean_refusal, assert_finished
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

KEYS = {
    "": [
        "meeting",
        "scope",
        "place",
        "committee",
        "speaker",
        "date",
        "year",
        "points",
        "domains",
        "previous_speakers",
        "facts",
        "length",
        "seed",
        "skeleton",
        "title",
        "speaker_role",
        "avoid",
    ],
    "meeting": ["name", "kind"],
    "facts": ["achievements", "problems", "programme", "tasks", "events"],
    "length": ["characters", "minutes"],
    "previous_speakers": ["who", "did", "rank", "kind"],
}
GOOD = {
    "meeting": {"name": "基层党建工作推进会"},
    "scope": "县",
    "place": "青山县",
    "points": 3,
    "domains": ["农村", "社区"],
    "facts": {"achievements": ["全县新建党群服务中心若干个"]},
}

# Characters a careless paste or a hostile file brings: controls, C1, bidi, zero-width, odd spaces.
NASTY_CHARS = st.sampled_from(
    [
        "\x00",
        "\x07",
        "\x1b[31m",
        "\x85",
        "\x9b",
        "\u202e",
        "\u2066",
        "\u200b",
        "\u200d",
        "\ufeff",
        "\u2028",
        "\n",
        "\r",
        "\t",
        "{{ 1/0 }}",
        "{% for %}",
        "'",
        '"',
        ": ",
        "#",
        "&a",
        "*a",
        "!!python/object",
        "\ud7ff",
        "\U0001f600",
        "Ａ",
    ]
)
TEXT = st.one_of(
    st.text(max_size=30),
    st.text(alphabet="县委基层党建工作推进会一二三", min_size=1, max_size=20),
    st.lists(st.one_of(NASTY_CHARS, st.text(max_size=5)), max_size=8).map("".join),
    st.integers(1, 200_000).map(lambda n: "长" * n),
)
NUMBERS = st.one_of(
    st.integers(-(10**30), 10**30),
    st.sampled_from([0, -1, 3, 4, 5, 99, 100, 2012, 2050, 2**63, 2**64, 10**29]),
    st.floats(allow_nan=True, allow_infinity=True),
)
SCALARS = st.one_of(
    TEXT,
    NUMBERS,
    st.booleans(),
    st.none(),
    st.sampled_from(["2026-03-15", "0001-01-01", "9999-12-31", "2026-02-30", "1900/1/1", "2026年4月1日"]),
)


def values(depth: int) -> st.SearchStrategy[object]:
    if depth <= 0:
        return SCALARS
    inner = values(depth - 1)
    return st.one_of(
        SCALARS,
        st.lists(inner, max_size=4),
        st.dictionaries(
            st.one_of(TEXT, st.sampled_from(sorted({k for keys in KEYS.values() for k in keys}))),
            inner,
            max_size=3,
        ),
    )


@st.composite
def briefs(draw: st.DrawFn, section: str = "", depth: int = 3) -> dict[str, object]:
    """A mostly valid brief whose chosen keys are replaced by hostile values or hostile subtrees."""
    brief: dict[str, object] = dict(GOOD) if section == "" and draw(st.integers(0, 3)) else {}
    for key in draw(st.lists(st.sampled_from(KEYS[section]), max_size=3, unique=True)):
        if key in KEYS and depth > 0 and draw(st.booleans()):
            sub = draw(briefs(key, depth - 1))
            brief[key] = [sub] * draw(st.integers(1, 3)) if key == "previous_speakers" else sub
        elif key in ("achievements", "problems", "tasks", "events", "domains") and draw(st.booleans()):
            brief[key] = draw(st.lists(TEXT, max_size=draw(st.sampled_from([3, 25, 120]))))
        else:
            brief[key] = draw(values(depth))
    return brief


NESTED = [
    "meeting:\n  name: " + "[" * 500 + "]" * 500 + "\n",
    "x: &x [*x]\n",
    "a: &a [x, x, x, x, x, x, x, x, x]\n"
    + "".join(f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]\n" for i in range(9)),
    "meeting:\n  name: 推进会\nseed: " + "9" * 4301 + "\n",
    "meeting: {name: 推进会}\nlength: {minutes: .nan}\n",
    "meeting: {name: 推进会}\ndate: 0\n",
    "? [a, b]\n: c\n",
    "1: 2\n",
    "meeting:\n\tname: 推进会\n",
]


@st.composite
def brief_texts(draw: st.DrawFn) -> str:
    choice = draw(st.integers(0, 9))
    if choice == 0:
        return draw(st.sampled_from(NESTED))
    tree = draw(briefs())
    if choice == 1 and tree:  # the same object twice: yaml writes an anchor and an alias
        key = draw(st.sampled_from(sorted(tree)))
        tree["facts"] = {"achievements": [tree[key], tree[key]]}
    try:
        return yaml.safe_dump(tree, allow_unicode=draw(st.booleans()), sort_keys=False)
    except (yaml.YAMLError, ValueError, OverflowError):
        return yaml.safe_dump(GOOD, allow_unicode=True)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(text=brief_texts())
def test_a_hostile_brief_gives_a_draft_or_one_chinese_line(limited_cli, tmp_path_factory, text):
    folder = tmp_path_factory.mktemp("brief")
    (folder / "brief.yaml").write_text(text, "utf-8", errors="surrogatepass")
    outcome = limited_cli.run(["generate", "brief.yaml", "-o", "out.docx", "--seed", "1"], folder)
    assert_finished(outcome)
    if outcome.code == 0:
        data = (folder / "out.docx").read_bytes()
        assert zipfile.ZipFile(io.BytesIO(data)).testzip() is None
        assert len(docx.Document(io.BytesIO(data)).paragraphs) > 10
    else:
        assert_clean_refusal(outcome)
        assert not (folder / "out.docx").exists()
        assert not [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize("text", NESTED, ids=range(len(NESTED)))
def test_each_known_hostile_brief_is_refused_in_chinese(limited_cli, tmp_path: Path, text: str):
    (tmp_path / "brief.yaml").write_text(text, "utf-8")
    outcome = limited_cli.run(["generate", "brief.yaml", "-o", "out.docx"], tmp_path)
    assert_clean_refusal(outcome)


def test_the_limits_are_real(limited_cli, tmp_path: Path):
    """The harness itself: a run over 500 MB or over 10 s is stopped and reported, never passed."""
    ok = limited_cli.run(["schema"], tmp_path)
    assert ok.code == 0 and '"meeting"' in ok.stdout
    hog = limited_cli.run(["schema"], tmp_path, probe="memory")
    assert hog.code != 0 and "MemoryError" in hog.stderr
    with pytest.raises(AssertionError):
        assert_finished(hog)


ANSWERS_KEYS = ["version", "skeleton", "seed", "year", "choices", "locked", "picked", "rerolls"]
PATHS = st.sampled_from(
    ["opening.0", "opening.3", "point1.heading", "point2.1.3", "closing.0", "point9.heading"]
)
SECTIONS = st.sampled_from(["opening", "closing", "point1", "point2", "point4", "point9"])


@st.composite
def answers_texts(draw: st.DrawFn) -> str:
    """A plausible answers file with some keys replaced by hostile values."""
    data: dict[str, object] = {
        "version": 1,
        "skeleton": draw(st.sampled_from(["sange-zai", "sidian-yijian", "chengji-wenti-renwu", "nothing"])),
        "seed": draw(st.integers(0, 10**6)),
        "year": 2026,
        "choices": draw(
            st.dictionaries(PATHS, st.sampled_from(["opening.purpose.a/1", "x/y", "bad"]), max_size=3)
        ),
        "locked": draw(st.lists(PATHS, max_size=2)),
        "rerolls": draw(st.dictionaries(SECTIONS, st.integers(0, 10**20), max_size=2)),
    }
    for key in draw(st.lists(st.sampled_from(ANSWERS_KEYS), max_size=3, unique=True)):
        data[key] = draw(values(2))
    if draw(st.integers(0, 5)) == 0:
        return draw(st.sampled_from(NESTED))
    try:
        return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    except (yaml.YAMLError, ValueError, OverflowError):
        return "version: 1\n"


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(text=answers_texts())
def test_a_hostile_answers_file_gives_a_draft_or_one_chinese_line(limited_cli, tmp_path_factory, text):
    """`generate` reads BRIEF.answers.yaml on its own: a file dropped next to a brief must not hurt it."""
    folder = tmp_path_factory.mktemp("answers")
    (folder / "brief.yaml").write_text(yaml.safe_dump(GOOD, allow_unicode=True), "utf-8")
    (folder / "brief.answers.yaml").write_text(text, "utf-8", errors="surrogatepass")
    outcome = limited_cli.run(["generate", "brief.yaml", "-o", "out.docx", "--seed", "1"], folder)
    assert_finished(outcome)
    if outcome.code == 0:
        data = (folder / "out.docx").read_bytes()
        assert len(docx.Document(io.BytesIO(data)).paragraphs) > 10
    else:
        assert_clean_refusal(outcome)
        assert not (folder / "out.docx").exists()
