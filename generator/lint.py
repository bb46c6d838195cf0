"""Quality checks for any speech: what to fix before a draft goes to the leader.

Pure functions over a list of paragraphs, so `speechdraft lint` (any file) and
`speechdraft generate` (its own output) run exactly the same checks, over the
paragraphs and outline `analyze` reads (generator/cleaning.py, structure.py).
Each finding names the paragraph (1-based, as restored) and, for a file, the
line it starts on; its level: an `error` must be fixed, a `warning` should be
looked at, an `info` is for the record.
"""

from __future__ import annotations

import bisect
import dataclasses
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from .numbering import cn, ordinal
from .overlap import MIN_SENTENCE, NEAR, NEAR_LENGTH_RATIO, NEAR_MIN, NORMAL, SPLIT, bigrams, dice
from .script import recognition_form

if TYPE_CHECKING:
    from .structure import Marker, Outline

CN_DIGITS = "一二三四五六七八九十"


def __getattr__(name: str) -> Any:
    """Marker, cn_to_int and find_markers live in generator.structure (loaded only when a check runs,
    so `generate` starts as fast as before); still importable from here."""
    if name in ("Marker", "cn_to_int", "find_markers"):
        from . import structure

        return getattr(structure, name)
    raise AttributeError(name)


Level = Literal["error", "warning", "info"]

# Speaking pace for a formal speech: 150-180 characters a minute; estimates use the middle.
RATE_LOW, RATE, RATE_HIGH = 150, 170, 180
LENGTH_TOLERANCE = 0.15


@dataclass(frozen=True)
class Finding:
    level: Level
    code: str
    paragraph: int  # 1-based; 0 for the whole document
    message: str
    excerpt: str = ""
    line: int = 0  # 1-based line of the file where the paragraph starts; 0 when not read from a file

    def format(self) -> str:
        where = f"第 {self.paragraph} 段" if self.paragraph else "全文"
        if self.line and self.line != self.paragraph:
            where += f"（原文第 {self.line} 行）"
        label = {"error": "错误", "warning": "警告", "info": "提示"}[self.level]
        tail = f"：“{self.excerpt}”" if self.excerpt else ""
        return f"{where} [{label}] {self.message}{tail}"


@dataclass
class Report:
    findings: list[Finding]
    characters: int
    year: int
    target: int | None = None
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def minutes(self) -> float:
        return self.characters / RATE

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "error"]

    def as_json(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "characters": self.characters,
            "minutes": round(self.minutes, 1),
            "rate_characters_per_minute": RATE,
            "target_characters": self.target,
            "errors": len(self.errors),
            "findings": [asdict(f) for f in self.findings],
        }


def _excerpt(text: str, start: int, end: int, pad: int = 8) -> str:
    a, b = max(0, start - pad), min(len(text), end + pad)
    return ("…" if a else "") + text[a:b] + ("…" if b < len(text) else "")


# Placeholders ------------------------------------------------------------------

PLACEHOLDER = re.compile(
    r"（此处[^）]{0,60}）|\(此处[^)]{0,60}\)|【[^】]{0,40}】|\[待[^\]]{0,30}\]"
    r"|(?<![A-Za-z0-9])(?:19|20)?\d{0,2}[XＸxｘ]+(?![A-Za-z])|[×✕]+|[*＊]+|某某|□+|○○+"
)


def check_placeholders(paragraphs: Sequence[str]) -> list[Finding]:
    out = []
    for i, text in enumerate(paragraphs, start=1):
        for m in PLACEHOLDER.finditer(text):
            out.append(
                Finding(
                    "error",
                    "placeholder",
                    i,
                    f"待补充的占位“{m.group()}”",
                    _excerpt(text, m.start(), m.end()),
                )
            )
    return out


# Numbering -------------------------------------------------------------------

_DEPTH = {1: "一级标题", 2: "二级标题", 3: "三级标题"}
# Styles that number items (checked as runs, a new 一 starting a new run), wherever they stand.
_ITEM_STYLES = frozenset({"一是", "一要"})


def _siblings(markers: Sequence[Marker]) -> dict[tuple[int, bool], list[Marker]]:
    """Placed marks grouped by the mark they sit under, headings apart from inline items."""
    from .structure import UNCHECKED_STYLES

    groups: dict[tuple[int, bool], list[Marker]] = {}
    for mk in markers:
        if mk.level == 0 or mk.style in UNCHECKED_STYLES or (mk.inline and mk.parent < 0):
            continue
        item = mk.inline or mk.style in _ITEM_STYLES
        groups.setdefault((mk.parent, item), []).append(mk)
    return groups


def _item_runs(items: Sequence[Marker]) -> list[list[Marker]]:
    """Inline items under one heading: a run ends where a new 一 starts."""
    runs: list[list[Marker]] = []
    for mk in items:
        if mk.value == 1 or not runs:
            runs.append([])
        runs[-1].append(mk)
    return runs


def check_numbering(paragraphs: Sequence[str], markers: Sequence[Marker] | None = None) -> list[Finding]:
    """Sequences and styles at every level, each level restarting under its parent heading."""
    from .structure import find_markers

    markers = list(markers if markers is not None else find_markers(paragraphs))
    out: list[Finding] = []

    def sequence(marks: Sequence[Marker], what: str) -> None:
        expected = 1
        for mk in marks:
            if mk.value == expected:
                expected += 1
                continue
            if mk.value == expected - 1:
                msg = f"{what}编号重复：“{mk.text}”"
            elif mk.value > expected:
                msg = f"{what}编号跳号：应为“{_mark(mk.style, expected)}”，实为“{mk.text}”"
            else:
                msg = f"{what}编号顺序错乱：应为“{_mark(mk.style, expected)}”，实为“{mk.text}”"
            out.append(
                Finding(
                    "error",
                    "numbering",
                    mk.paragraph + 1,
                    msg,
                    _excerpt(paragraphs[mk.paragraph], mk.pos, mk.pos + len(mk.text), 16)
                    if mk.pos
                    else paragraphs[mk.paragraph][:24],
                )
            )
            expected = mk.value + 1

    for (_parent, inline), group in _siblings(markers).items():
        if not inline:
            what = _DEPTH.get(group[0].level, f"{group[0].level}级标题")
            first = group[0].style
            for mk in group:
                if mk.style != first:
                    out.append(
                        Finding(
                            "error" if mk.level == 1 else "warning",
                            "numbering-style",
                            mk.paragraph + 1,
                            f"{what}编号样式混用（前面用“{_mark(first, 1)}”，此处用“{mk.text}”）",
                            paragraphs[mk.paragraph][:24],
                        )
                    )
            sequence(group, what)
            continue
        for run in _item_runs(group):
            odd = next((m for m in run if m.style != run[0].style), None)
            if odd is not None:
                out.append(
                    Finding(
                        "warning",
                        "numbering-style",
                        odd.paragraph + 1,
                        f"同一层级的“{run[0].text}”与“{odd.text}”样式混用",
                        _excerpt(paragraphs[odd.paragraph], odd.pos, odd.pos + len(odd.text)),
                    )
                )
            expected = 1
            for mk in run:
                if mk.value != expected:
                    kind = "重复" if mk.value == expected - 1 else "跳号"
                    out.append(
                        Finding(
                            "error",
                            "numbering",
                            mk.paragraph + 1,
                            f"“{_mark(mk.style, 1)}”系列编号{kind}：应为“{_mark(mk.style, expected)}”，实为“{mk.text}”",
                            _excerpt(paragraphs[mk.paragraph], mk.pos, mk.pos + len(mk.text)),
                        )
                    )
                expected = mk.value + 1
    out.sort(key=lambda f: f.paragraph)
    return out


def _mark(style: str, n: int) -> str:
    """The marker a numbering style expects at position n (一要靠 and 一则 as well as the usual ones)."""
    if style in ("一、", "第一，", "（一）"):
        return ordinal(style, n, n)
    if style == "1.":
        return f"{n}."
    if style == "（1）":
        return f"（{n}）"
    return cn(n) + style[1:]


# Announced counts --------------------------------------------------------------

_ANNOUNCE = re.compile(
    rf"([{CN_DIGITS}两]{{1,2}}|\d{{1,2}})(?:个方面|方面|项任务|项工作|项重点|项要求|个问题|个重点|个着力点|个环节|点|个)"
    r"[^。：:；]{0,12}?[“”\"']?[^。：:；]{0,8}?[：:]"
)


def _runs_after(markers: Sequence[Marker]) -> dict[int, int]:
    """For each mark that starts a run of items (value 1, or 在……方面), how many items the run has."""
    groups: dict[tuple[int, int], list[int]] = {}
    for k, mk in enumerate(markers):
        if mk.level == 1 and not mk.inline:
            continue
        groups.setdefault((mk.parent, mk.level), []).append(k)
    length: dict[int, int] = {}
    for ks in groups.values():
        start = -1
        for k in ks:
            mk = markers[k]
            same = start >= 0 and mk.style == markers[start].style
            if not same or (mk.value == 1 and mk.style != "在方面"):
                start = k
                length[k] = 1
            else:
                length[start] += 1
            if mk.style == "首先" and mk.value == 0:
                start = -1
    return length


def check_counts(
    paragraphs: Sequence[str], markers: Sequence[Marker] | None = None, speech: Outline | None = None
) -> list[Finding]:
    """An announced count (我讲三点意见, 两个方面：) against what follows it."""
    from .structure import cn_to_int, find_markers, outline

    markers = list(markers if markers is not None else find_markers(paragraphs))
    speech = speech or outline(paragraphs)
    out: list[Finding] = []
    handoff_at: int | None = None
    if speech.handoff is not None:
        handoff_at = next(
            (speech.start + i for i, p in enumerate(speech.opening) if speech.handoff in p), None
        )
        said = speech.announced_points
        if said is not None and said != len(speech.points) and handoff_at is not None:
            out.append(
                Finding(
                    "error",
                    "count",
                    handoff_at + 1,
                    f"宣布讲{cn(said) if said < 100 else said}点，后文实有 {len(speech.points)} 个一级标题",
                    speech.handoff[:40],
                )
            )
    keys = [(mk.paragraph, mk.pos) for mk in markers]
    runs = _runs_after(markers)
    for i, text in enumerate(paragraphs):
        key = recognition_form(text)
        if not any(ch in key for ch in "：:"):
            continue
        for m in _ANNOUNCE.finditer(key):
            if i == handoff_at and speech.handoff and text[m.start() : m.end()] in speech.handoff:
                continue
            if key[max(0, m.start() - 1) : m.start()] == "第":
                continue
            said = cn_to_int(m.group(1).replace("两", "二"))
            if said is None or said < 2:
                continue
            k = bisect.bisect_left(keys, (i, m.end()))
            if k >= len(markers) or markers[k].paragraph > i + 1 or k not in runs:
                continue
            if markers[k].level == 1 and not markers[k].inline:
                continue
            found = runs[k]
            if found == said:
                continue
            out.append(
                Finding(
                    "error",
                    "count",
                    i + 1,
                    f"宣布“{m.group(1)}”项，后面实有 {found} 项",
                    _excerpt(text, m.start(), m.end()),
                )
            )
    return out


# Repeats -----------------------------------------------------------------------

# Candidates looked at per sentence: only text built almost wholly of one sentence's bigrams repeated
# hundreds of times reaches it; it bounds the time, not the measure.
_NEAR_CANDIDATES = 200


def _sentences(paragraphs: Sequence[str]) -> list[tuple[int, str, str]]:
    out = []
    for i, text in enumerate(paragraphs, start=1):
        for s in SPLIT.split(text):
            key = NORMAL.sub("", recognition_form(s))
            if len(key) >= MIN_SENTENCE:
                out.append((i, s.strip(), key))
    return out


def near_duplicates(keys: Sequence[str], threshold: float = NEAR) -> list[tuple[int, int, float]]:
    """(earlier, later, similarity) for each key that has an earlier key at least `threshold` alike.

    Linear in the text, not quadratic: bigrams are ordered rarest first and each key is indexed by
    its prefix only, so two keys are compared only when their prefixes share a bigram, which every
    pair at or above the threshold does (prefix filtering: Dice >= t needs an overlap of at least
    t·|A|/(2-t) bigrams). Each later key is reported once, against its earliest match; a key
    already reported is not used as the earlier one.
    """
    sets = [bigrams(k) for k in keys]
    df: dict[str, int] = {}
    for s in sets:
        for g in s:
            df[g] = df.get(g, 0) + 1
    # Rarest first, ties by the bigram itself (a fixed order whatever the hash seed): ranked once.
    rank = {g: r for r, g in enumerate(sorted(df, key=lambda g: (df[g], g)))}
    index: dict[str, list[int]] = {}
    out: list[tuple[int, int, float]] = []
    factor = threshold / (2 - threshold)
    for j, s in enumerate(sets):
        ordered = sorted(s, key=rank.__getitem__)
        prefix = ordered[: len(ordered) - math.ceil(factor * len(ordered) - 1e-9) + 1]
        candidates: set[int] = set()
        for g in prefix:
            posting = index.get(g)
            if posting:
                candidates.update(posting[:_NEAR_CANDIDATES])
                if len(candidates) >= _NEAR_CANDIDATES:
                    break
        match = None
        lj = len(keys[j])
        for i in sorted(candidates):
            li = len(keys[i])
            if keys[i] == keys[j] or min(li, lj) / max(li, lj) < NEAR_LENGTH_RATIO:
                continue
            d = dice(sets[i], s)
            if d >= threshold:
                match = (i, j, d)
                break
        if match:
            out.append(match)
            continue
        for g in prefix:
            index.setdefault(g, []).append(j)
    return out


def check_repeats(paragraphs: Sequence[str]) -> list[Finding]:
    out: list[Finding] = []
    sents = _sentences(paragraphs)
    first_seen: dict[str, int] = {}
    for para, s, key in sents:
        if key in first_seen:
            out.append(Finding("error", "repeat", para, f"与第 {first_seen[key]} 段的句子完全相同", s[:40]))
        else:
            first_seen[key] = para
    unique: list[tuple[int, str, str]] = []
    keys_seen: set[str] = set()
    for para, s, key in sents:
        if len(key) >= NEAR_MIN and key not in keys_seen:
            keys_seen.add(key)
            unique.append((para, s, key))
    for a, b, d in near_duplicates([k for _, _, k in unique]):
        pa, pb, sb = unique[a][0], unique[b][0], unique[b][1]
        out.append(
            Finding("warning", "near-repeat", pb, f"与第 {pa} 段的句子几乎相同（相似度 {d:.0%}）", sb[:40])
        )
    return out


# Time-bound terms --------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    term: str
    pattern: re.Pattern[str]
    current: tuple[int | None, int | None]
    replace: str = ""
    current_forms: tuple[str, ...] = ()  # "贯彻…": the term used as today's task
    retrospective_forms: tuple[str, ...] = ()  # "…取得全面胜利": the term spoken of as past

    def is_outdated(self, year: int) -> bool:
        """Superseded by `year`. A term used before its time is left alone: --year may be a guess."""
        hi = self.current[1]
        return hi is not None and year > hi


@dataclass(frozen=True)
class TermList:
    terms: tuple[Term, ...]
    historical: tuple[str, ...]


BUILTIN_TERMS = Path(__file__).with_name("data") / "terms.yaml"
_TERM_KEYS = {"term", "pattern", "current", "replace", "current_forms", "retrospective_forms"}


def _forms(
    doc: Any, item: dict[str, Any], key: str, where: tuple[Any, ...], *, compile_check: bool = True
) -> tuple[str, ...]:
    """A list of frames, each with one “…” where the term stands; the two sides are regular expressions.

    A user's file has each side compiled here, so a bad one is reported with its place; the built-in
    file is compiled in the tests instead (compiling ~200 patterns is a third of a check's time)."""
    forms = item.get(key, [])
    if not isinstance(forms, list) or not all(isinstance(f, str) and f.count("…") == 1 for f in forms):
        raise doc.error(f"{key} 应为字符串列表，每条用一个“…”标出用语所在的位置", (*where, key))
    for k, form in enumerate(forms if compile_check else ()):
        for side in form.split("…"):
            try:
                re.compile(side)
            except re.error as exc:
                raise doc.error(f"{key} 第 {k + 1} 条不是有效的正则表达式（{exc}）", (*where, key)) from None
    return tuple(forms)


@lru_cache(maxsize=8)
def load_terms(extra: tuple[str, ...] = ()) -> TermList:
    """The built-in list, then each user file over it (a `term` of the same name replaces)."""
    from .errors import UserError
    from .yamlio import load_yaml

    terms: dict[str, Term] = {}
    historical: list[str] = []
    for path in (BUILTIN_TERMS, *map(Path, extra)):
        user = path != BUILTIN_TERMS
        doc = load_yaml(path, "用语表", aliases=True, fast=not user)
        data = doc.data
        if not isinstance(data, dict) or not isinstance(data.get("terms", []), list):
            raise doc.error("用语表应为 terms: [{term, pattern, current, replace}] 的映射")
        for k, item in enumerate(data.get("terms", [])):
            where = ("terms", k)
            if not isinstance(item, dict) or not isinstance(item.get("term"), str):
                raise doc.error("每条用语需要 term（字符串）", where)
            unknown = set(item) - _TERM_KEYS
            if unknown:
                raise doc.error(f"未知的键 {', '.join(sorted(unknown))}", where)
            current = item.get("current")
            if not (
                isinstance(current, list)
                and len(current) == 2
                and all(c is None or (isinstance(c, int) and not isinstance(c, bool)) for c in current)
            ):
                raise doc.error("current 应为 [起始年, 截止年]，不限用 null", (*where, "current"))
            try:
                pattern = re.compile(item.get("pattern") or re.escape(item["term"]))
            except re.error as exc:
                raise doc.error(f"pattern 不是有效的正则表达式（{exc}）", (*where, "pattern")) from None
            terms[item["term"]] = Term(
                item["term"],
                pattern,
                (current[0], current[1]),
                str(item.get("replace", "")),
                _forms(doc, item, "current_forms", where, compile_check=user),
                _forms(doc, item, "retrospective_forms", where, compile_check=user),
            )
        hist = data.get("historical", [])
        if not isinstance(hist, list) or not all(isinstance(h, str) for h in hist):
            raise UserError("historical 应为字符串列表", file=str(path), key="historical")
        historical.extend(hist)
    return TermList(tuple(terms.values()), tuple(dict.fromkeys(historical)))


_CONTEXT = 120  # characters looked at on each side of a term (a sentence, bounded)
_CLAUSE_BREAK = "，,；;。！？!?：:"
_SENTENCE_BREAK = "；;。！？!?"


def _around(text: str, start: int, end: int, breaks: str) -> tuple[str, str]:
    floor, ceiling = max(0, start - _CONTEXT), min(len(text), end + _CONTEXT)
    a = max(floor, *(text.rfind(c, floor, start) + 1 for c in breaks))
    found = [p for p in (text.find(c, end, ceiling) for c in breaks) if p >= 0]
    return text[a:start], text[end : min(found) if found else ceiling]


def _framed(forms: Sequence[str], before: str, after: str) -> bool:
    for form in forms:
        left, right = form.split("…")
        if (not left or re.search(left, before)) and (not right or re.search(right, after)):
            return True
    return False


def term_use(term: Term, text: str, start: int, end: int) -> str | None:
    """How a sentence uses a term: "current" (as a task of today), "retrospective" (as past), or None.

    A current frame in the term's own clause wins (全面贯彻党的十九大精神); then a retrospective
    frame anywhere in its sentence (脱贫攻坚取得全面胜利); then a current frame in the sentence.
    """
    if _framed(term.current_forms, *_around(text, start, end, _CLAUSE_BREAK)):
        return "current"
    sentence = _around(text, start, end, _SENTENCE_BREAK)
    if _framed(term.retrospective_forms, *sentence):
        return "retrospective"
    if _framed(term.current_forms, *sentence):
        return "current"
    return None


def check_terms(paragraphs: Sequence[str], year: int, terms: TermList) -> list[Finding]:
    out: list[Finding] = []
    outdated = [t for t in terms.terms if t.is_outdated(year)]
    for i, original in enumerate(paragraphs, start=1):
        text = recognition_form(original)
        taken: list[tuple[int, int]] = []
        for term in outdated:
            for m in term.pattern.finditer(text):
                if any(a <= m.start() < b for a, b in taken):
                    continue
                use = term_use(term, text, m.start(), m.end())
                if use == "retrospective":
                    continue
                if use is None:
                    tail = text[m.end() : m.end() + 4]
                    if any(tail.startswith(h) for h in terms.historical) or _dated(text, m.start()):
                        continue
                taken.append((m.start(), m.end()))
                lo, hi = term.current
                span = f"{lo or ''}—{hi or ''}年"
                hint = f"，可改为：{term.replace}" if term.replace else ""
                out.append(
                    Finding(
                        "error",
                        "outdated-term",
                        i,
                        f"“{original[m.start() : m.end()]}”是 {span} 的提法，{year} 年的讲话不应作为现行用语{hint}",
                        _excerpt(original, m.start(), m.end()),
                    )
                )
    return out


_DATED = re.compile(r"(19|20)\d\d年(?!度)|[〇一二][〇一二三四五六七八九零]{3}年|当年|那年|曾经|过去")


def _dated(text: str, pos: int) -> bool:
    """A term with no frame, in a clause that names its own past year, is history."""
    floor = max(0, pos - _CONTEXT)
    start = max(floor, *(text.rfind(c, floor, pos) + 1 for c in "。；！？，"))
    return bool(_DATED.search(text[start:pos]))


# Length ------------------------------------------------------------------------


def speech_characters(paragraphs: Sequence[str]) -> int:
    """Characters of the speech from the salutation on (the title block is not read out)."""
    start = next((i for i, p in enumerate(paragraphs) if p.startswith("同志们")), 0)
    return sum(len(re.sub(r"\s", "", p)) for p in paragraphs[start:])


def check_length(characters: int, target: int | None) -> list[Finding]:
    low, high = characters / RATE_HIGH, characters / RATE_LOW
    out = [
        Finding(
            "info",
            "length",
            0,
            f"全文 {characters} 字，按每分钟 {RATE_LOW}–{RATE_HIGH} 字约讲 {low:.0f}–{high:.0f} 分钟",
        )
    ]
    if target:
        diff = (characters - target) / target
        if abs(diff) > LENGTH_TOLERANCE:
            word = "超出" if diff > 0 else "少于"
            out.append(
                Finding(
                    "warning",
                    "length",
                    0,
                    f"篇幅{word}目标 {target} 字的 {abs(diff):.0%}（允许 ±{LENGTH_TOLERANCE:.0%}）",
                )
            )
    return out


# Red pen: wording of the year ------------------------------------------------------


def check_redpen(paragraphs: Sequence[str], year: int, scope: str | None = None) -> list[Finding]:
    """Discouraged wording, missing year anchors and 各地 in a county speech (generator/redpen.py)."""
    from .redpen import draft_strikes

    return [
        Finding("info" if s.rule == "anchor" else "warning", s.rule, s.paragraph, s.message, s.excerpt)
        for s in draft_strikes(paragraphs, year=year, scope=scope)
    ]


def check_places(paragraphs: Sequence[str], place: str | None, scope: str | None) -> list[Finding]:
    """Another place's name or another level's scope word: the tell-tale of a copied text."""
    if not place:
        return []
    from .overlap import foreign_places

    return [
        Finding("error", "foreign-place", s.paragraph, s.message, s.word)
        for s in foreign_places(paragraphs, place, scope)
    ]


# All together --------------------------------------------------------------------


def lint_paragraphs(
    paragraphs: Sequence[str],
    *,
    year: int,
    target: int | None = None,
    terms: TermList | None = None,
    skip: Iterable[str] = (),
    scope: str | None = None,
    place: str | None = None,
    lines: Sequence[int] | None = None,
) -> Report:
    """Run every check; `skip` names codes to leave out (e.g. "placeholder" for a fresh draft).

    The paragraphs are read as `analyze` reads them (same outline, same numbering levels); `lines`
    gives, when they come from a file, the line each paragraph starts on, for the report.
    """
    from .structure import Marker, outline

    terms = terms or load_terms()
    speech = outline(paragraphs)
    at = speech.start
    markers = [
        Marker(mk.paragraph + at, mk.pos, mk.level, mk.style, mk.value, mk.text, mk.inline, mk.parent)
        for mk in speech.markers
    ]
    findings = [
        *check_placeholders(paragraphs),
        *check_counts(paragraphs, markers, speech),
        *check_numbering(paragraphs, markers),
        *check_repeats(paragraphs),
        *check_terms(paragraphs, year, terms),
        *check_redpen(paragraphs, year, scope),
        *check_places(paragraphs, place, scope),
    ]
    if lines is not None:
        findings = [
            dataclasses.replace(f, line=lines[f.paragraph - 1]) if 0 < f.paragraph <= len(lines) else f
            for f in findings
        ]
    chars = speech_characters(paragraphs)
    findings.sort(key=lambda f: (f.paragraph == 0, f.paragraph, f.code))
    findings += check_length(chars, target)
    skipped = set(skip)
    findings = [f for f in findings if f.code not in skipped]
    counts: dict[str, int] = {}
    for f in findings:
        counts[f.code] = counts.get(f.code, 0) + 1
    return Report(findings=findings, characters=chars, year=year, target=target, counts=counts)


LABELS = {
    "placeholder": "待补充占位",
    "count": "宣布数目不符",
    "numbering": "编号错误",
    "numbering-style": "编号样式混用",
    "repeat": "重复句子",
    "near-repeat": "近似重复句子",
    "outdated-term": "过时提法",
    "discouraged": "不宜用语",
    "anchor": "缺少年度提法",
    "bare-places": "称谓不当",
    "foreign-place": "疑似照搬的地名",
}


def draft_check_line(
    paragraphs: Sequence[str], *, year: int, target: int | None, scope: str, place: str | None
) -> str:
    """The one check line a fresh draft gets (in `generate` and on the web page): every check but
    placeholders, which the summary counts on its own."""
    report = lint_paragraphs(
        paragraphs, year=year, target=target, skip=("placeholder",), scope=scope, place=place
    )
    return summary_line(report)


def summary_line(report: Report) -> str:
    """One line for `generate`: what the checks found, by kind."""
    parts = [f"{LABELS[c]} {n} 处" for c, n in report.counts.items() if c in LABELS]
    return "检查：" + ("；".join(parts) if parts else "未发现问题")
