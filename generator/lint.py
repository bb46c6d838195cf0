"""Quality checks for any speech: what to fix before a draft goes to the leader.

Pure functions over a list of paragraphs, so `speechdraft lint` (any file) and
`speechdraft generate` (its own output) run exactly the same checks. Each
finding names the paragraph (1-based, as counted in the file's non-empty
paragraphs) and carries a level: an `error` must be fixed, a `warning` should
be looked at, an `info` is for the record.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from .numbering import cn, ordinal

Level = Literal["error", "warning", "info"]

# Speaking pace for a formal speech: 150-180 characters a minute; estimates use the middle.
RATE_LOW, RATE, RATE_HIGH = 150, 170, 180
LENGTH_TOLERANCE = 0.15

CN_DIGITS = "一二三四五六七八九十"
_CN_VALUE = {
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
}


def cn_to_int(text: str) -> int | None:
    """一 -> 1, 十二 -> 12, 二十 -> 20; None for anything else."""
    if not text or any(ch not in _CN_VALUE for ch in text):
        return None
    if "十" not in text:
        return _CN_VALUE[text] if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    t = _CN_VALUE[tens] if tens else 1
    o = _CN_VALUE[ones] if ones else 0
    return t * 10 + o


@dataclass(frozen=True)
class Finding:
    level: Level
    code: str
    paragraph: int  # 1-based; 0 for the whole document
    message: str
    excerpt: str = ""

    def format(self) -> str:
        where = f"第 {self.paragraph} 段" if self.paragraph else "全文"
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
    r"|(?<![A-Za-z])[XＸ]+(?![A-Za-z])|[×✕]+|[*＊]+|某某|□+|○○+"
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

_LEVEL1 = re.compile(rf"^(?:([{CN_DIGITS}]+)、|第([{CN_DIGITS}]+)[，、,])")
_LEVEL2 = re.compile(rf"^[（(]([{CN_DIGITS}]+)[）)]")
_INLINE = re.compile(rf"(?:^|(?<=[。；;：:！？，,\s）)]))([{CN_DIGITS}]{{1,3}})(是|要|要靠|则)")
_SEQUENCE = re.compile(r"(?:^|(?<=[。；;：:！？]))(首先|其次|再次|最后)[，,]")
_ASPECT = re.compile(r"(?:^|(?<=[。；;：:！？]))在([^，,。；：:！？“”]{2,14})方面[，,。：:]")


@dataclass(frozen=True)
class Marker:
    """A numbering mark found in the text: its level, style, value and position."""

    paragraph: int  # 0-based index
    pos: int
    level: int  # 1: 一、/第一，  2: （一）  3: 一是/一要/首先
    style: str
    value: int
    text: str


def find_markers(paragraphs: Sequence[str]) -> list[Marker]:
    out: list[Marker] = []
    for i, text in enumerate(paragraphs):
        m1 = _LEVEL1.match(text)
        if m1:
            digits = m1.group(1) or m1.group(2)
            value = cn_to_int(digits)
            if value:
                out.append(Marker(i, 0, 1, "一、" if m1.group(1) else "第一，", value, m1.group()))
        m2 = _LEVEL2.match(text)
        if m2:
            value = cn_to_int(m2.group(1))
            if value:
                out.append(Marker(i, 0, 2, "（一）", value, m2.group()))
        for m in _INLINE.finditer(text):
            value = cn_to_int(m.group(1))
            if value and value <= 12:
                out.append(Marker(i, m.start(1), 3, "一" + m.group(2), value, m.group()))
        for m in _SEQUENCE.finditer(text):
            value = ("首先", "其次", "再次").index(m.group(1)) + 1 if m.group(1) != "最后" else 0
            out.append(Marker(i, m.start(1), 3, "首先", value, m.group(1)))
        for m in _ASPECT.finditer(text):
            out.append(Marker(i, m.start(), 3, "在方面", 0, m.group()[:-1]))
    out.sort(key=lambda mk: (mk.paragraph, mk.pos, mk.level))
    return out


def _runs(markers: Sequence[Marker]) -> list[list[Marker]]:
    """Split level-3 marks into runs: a run ends at any heading or when a new 一 starts."""
    runs: list[list[Marker]] = []
    current: list[Marker] = []
    for mk in markers:
        if mk.level < 3:
            if current:
                runs.append(current)
            current = []
            continue
        if mk.style in ("首先", "在方面"):
            continue  # 首先/其次/最后 and 在……方面 read as prose as often as numbering; not checked
        if mk.value == 1 and current:
            runs.append(current)
            current = []
        current.append(mk)
    if current:
        runs.append(current)
    return runs


def check_numbering(paragraphs: Sequence[str], markers: Sequence[Marker] | None = None) -> list[Finding]:
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
            out.append(Finding("error", "numbering", mk.paragraph + 1, msg, paragraphs[mk.paragraph][:24]))
            expected = mk.value + 1

    top = [m for m in markers if m.level == 1]
    styles = {m.style for m in top}
    if len(styles) > 1:
        first = top[0].style
        for mk in top:
            if mk.style != first:
                out.append(
                    Finding(
                        "error",
                        "numbering-style",
                        mk.paragraph + 1,
                        f"一级标题编号样式混用（前面用“{_mark(first, 1)}”，此处用“{mk.text}”）",
                        paragraphs[mk.paragraph][:24],
                    )
                )
    sequence(top, "一级标题")
    # Level 2 restarts under each level-1 heading.
    block: list[Marker] = []
    for mk in markers:
        if mk.level == 1:
            sequence(block, "二级标题")
            block = []
        elif mk.level == 2:
            block.append(mk)
    sequence(block, "二级标题")
    for run in _runs(markers):
        kinds = {m.style for m in run}
        if len(kinds) > 1:
            mk = run[1] if run[1].style != run[0].style else next(m for m in run if m.style != run[0].style)
            out.append(
                Finding(
                    "warning",
                    "numbering-style",
                    mk.paragraph + 1,
                    f"同一层级的“{run[0].text}”与“{mk.text}”样式混用",
                    _excerpt(paragraphs[mk.paragraph], mk.pos, mk.pos + len(mk.text)),
                )
            )
        seq = [m for m in run]
        expected = 1
        for mk in seq:
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
    return out


def _mark(style: str, n: int) -> str:
    """The marker a numbering style expects at position n (一要靠 and 一则 as well as the usual ones)."""
    if style in ("一、", "第一，", "（一）"):
        return ordinal(style, n, n)
    return cn(n) + style[1:]


# Announced counts --------------------------------------------------------------

_HANDOFF = re.compile(rf"(?:讲|谈|强调|提|说)([{CN_DIGITS}两]{{1,2}})点(?:意见|要求|看法|想法|建议)")
_ANNOUNCE = re.compile(
    rf"([{CN_DIGITS}两]{{1,2}})(?:个方面|方面|项任务|项工作|项重点|项要求|个问题|个重点|个着力点|个环节|点|个)"
    r"[^。：:；]{0,12}?[“”\"']?[^。：:；]{0,8}?[：:]"
)


def check_counts(paragraphs: Sequence[str], markers: Sequence[Marker] | None = None) -> list[Finding]:
    markers = list(markers if markers is not None else find_markers(paragraphs))
    out: list[Finding] = []
    top = [m for m in markers if m.level == 1]
    for i, text in enumerate(paragraphs):
        for m in _HANDOFF.finditer(text):
            said = cn_to_int(m.group(1).replace("两", "二"))
            after = [t for t in top if t.paragraph > i]
            if said is None or not after:
                continue
            n = len({t.value for t in after})
            if n != said:
                out.append(
                    Finding(
                        "error",
                        "count",
                        i + 1,
                        f"宣布讲{m.group(1)}点，后文实有 {n} 个一级标题",
                        _excerpt(text, m.start(), m.end()),
                    )
                )
        for m in _ANNOUNCE.finditer(text):
            if _HANDOFF.match(text, max(0, m.start() - 2)) or text[max(0, m.start() - 1) : m.start()] in (
                "第",
            ):
                continue
            said = cn_to_int(m.group(1).replace("两", "二"))
            if said is None or said < 2:
                continue
            found = _items_after(markers, i, m.end())
            if found is None or found == said:
                continue
            n = found
            out.append(
                Finding(
                    "error",
                    "count",
                    i + 1,
                    f"宣布“{m.group(1)}”项，后面实有 {n} 项",
                    _excerpt(text, m.start(), m.end()),
                )
            )
    return out


def _items_after(markers: Sequence[Marker], paragraph: int, pos: int) -> int | None:
    """How many items the first numbered run after (paragraph, pos) has; None when nothing follows closely."""
    following = [
        mk
        for mk in markers
        if (mk.paragraph, mk.pos) > (paragraph, pos - 1) and mk.paragraph <= paragraph + 1 and mk.level > 1
    ]
    following = [mk for mk in following if mk.paragraph > paragraph or mk.pos >= pos]
    if not following or (following[0].value != 1 and following[0].style != "在方面"):
        return None
    first = following[0]
    later = [mk for mk in markers if (mk.paragraph, mk.pos) >= (first.paragraph, first.pos)]
    count = 0
    for mk in later:
        if mk.level < first.level:
            break
        if mk.level > first.level:
            continue
        if mk.style != first.style and first.style != "首先":
            break
        if count and mk.value == 1 and mk.style != "在方面":
            break
        count += 1
        if first.style == "首先" and mk.value == 0:
            break
    return count


# Repeats -----------------------------------------------------------------------

_SPLIT = re.compile(r"(?<=[。！？!?；;])")
_NORMAL = re.compile(r"[\s“”‘’\"'（）()、，,。！？!?；;：:…—-]")
_MIN_REPEAT = 10
_NEAR = 0.8


def _sentences(paragraphs: Sequence[str]) -> list[tuple[int, str, str]]:
    out = []
    for i, text in enumerate(paragraphs, start=1):
        for s in _SPLIT.split(text):
            key = _NORMAL.sub("", s)
            if len(key) >= _MIN_REPEAT:
                out.append((i, s.strip(), key))
    return out


def _bigrams(text: str) -> frozenset[str]:
    return frozenset(text[i : i + 2] for i in range(len(text) - 1))


def check_repeats(paragraphs: Sequence[str]) -> list[Finding]:
    out: list[Finding] = []
    sents = _sentences(paragraphs)
    first_seen: dict[str, int] = {}
    for para, s, key in sents:
        if key in first_seen:
            out.append(Finding("error", "repeat", para, f"与第 {first_seen[key]} 段的句子完全相同", s[:40]))
        else:
            first_seen[key] = para
    unique = [(p, s, k, _bigrams(k)) for p, s, k in sents if len(k) >= 16]
    seen_keys: set[str] = set()
    for a in range(len(unique)):
        pa, _sa, ka, ba = unique[a]
        if ka in seen_keys:
            continue
        for b in range(a + 1, len(unique)):
            pb, sb, kb, bb = unique[b]
            if ka == kb or min(len(ka), len(kb)) / max(len(ka), len(kb)) < 0.7:
                continue
            dice = 2 * len(ba & bb) / (len(ba) + len(bb))
            if dice >= _NEAR:
                out.append(
                    Finding(
                        "warning",
                        "near-repeat",
                        pb,
                        f"与第 {pa} 段的句子几乎相同（相似度 {dice:.0%}）",
                        sb[:40],
                    )
                )
                seen_keys.add(kb)
    return out


# Time-bound terms --------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    term: str
    pattern: re.Pattern[str]
    current: tuple[int | None, int | None]
    replace: str = ""

    def is_outdated(self, year: int) -> bool:
        """Superseded by `year`. A term used before its time is left alone: --year may be a guess."""
        hi = self.current[1]
        return hi is not None and year > hi


@dataclass(frozen=True)
class TermList:
    terms: tuple[Term, ...]
    historical: tuple[str, ...]


BUILTIN_TERMS = Path(__file__).with_name("data") / "terms.yaml"


@lru_cache(maxsize=8)
def load_terms(extra: tuple[str, ...] = ()) -> TermList:
    """The built-in list, then each user file over it (a `term` of the same name replaces)."""
    from .errors import UserError
    from .yamlio import load_yaml

    terms: dict[str, Term] = {}
    historical: list[str] = []
    for path in (BUILTIN_TERMS, *map(Path, extra)):
        doc = load_yaml(path, "用语表")
        data = doc.data
        if not isinstance(data, dict) or not isinstance(data.get("terms", []), list):
            raise doc.error("用语表应为 terms: [{term, pattern, current, replace}] 的映射")
        for k, item in enumerate(data.get("terms", [])):
            where = ("terms", k)
            if not isinstance(item, dict) or not isinstance(item.get("term"), str):
                raise doc.error("每条用语需要 term（字符串）", where)
            unknown = set(item) - {"term", "pattern", "current", "replace"}
            if unknown:
                raise doc.error(f"未知的键 {', '.join(sorted(unknown))}", where)
            current = item.get("current")
            if not (
                isinstance(current, list)
                and len(current) == 2
                and all(c is None or isinstance(c, int) for c in current)
            ):
                raise doc.error("current 应为 [起始年, 截止年]，不限用 null", (*where, "current"))
            try:
                pattern = re.compile(item.get("pattern") or re.escape(item["term"]))
            except re.error as exc:
                raise doc.error(f"pattern 不是有效的正则表达式（{exc}）", (*where, "pattern")) from None
            terms[item["term"]] = Term(
                item["term"], pattern, (current[0], current[1]), str(item.get("replace", ""))
            )
        hist = data.get("historical", [])
        if not isinstance(hist, list) or not all(isinstance(h, str) for h in hist):
            raise UserError("historical 应为字符串列表", file=str(path), key="historical")
        historical.extend(hist)
    return TermList(tuple(terms.values()), tuple(dict.fromkeys(historical)))


def check_terms(paragraphs: Sequence[str], year: int, terms: TermList) -> list[Finding]:
    out: list[Finding] = []
    for i, text in enumerate(paragraphs, start=1):
        taken: list[tuple[int, int]] = []
        for term in terms.terms:
            if not term.is_outdated(year):
                continue
            for m in term.pattern.finditer(text):
                if any(a <= m.start() < b for a, b in taken):
                    continue
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
                        f"“{m.group()}”是 {span} 的提法，{year} 年的讲话不应作为现行用语{hint}",
                        _excerpt(text, m.start(), m.end()),
                    )
                )
    return out


_DATED = re.compile(r"(19|20)\d\d年|[〇一二][〇一二三四五六七八九零]{3}年|当年|那年|曾经|过去")


def _dated(text: str, pos: int) -> bool:
    """A term inside a clause that names its own past year is history, not a current slogan."""
    start = max(text.rfind(c, 0, pos) for c in "。；！？") + 1
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
        if s.rule != "long-paragraph"
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
) -> Report:
    """Run every check; `skip` names codes to leave out (e.g. "placeholder" for a fresh draft)."""
    terms = terms or load_terms()
    markers = find_markers(paragraphs)
    findings = [
        *check_placeholders(paragraphs),
        *check_counts(paragraphs, markers),
        *check_numbering(paragraphs, markers),
        *check_repeats(paragraphs),
        *check_terms(paragraphs, year, terms),
        *check_redpen(paragraphs, year, scope),
        *check_places(paragraphs, place, scope),
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


def summary_line(report: Report) -> str:
    """One line for `generate`: what the checks found, by kind."""
    parts = [f"{LABELS[c]} {n} 处" for c, n in report.counts.items() if c in LABELS]
    return "检查：" + ("；".join(parts) if parts else "未发现问题")
