"""The red pen as code: what an office director strikes, read from data.

The patterns live in `data/redpen.yaml` (claims, events, phase talk, endorsements, orders,
audience and domain words) and `data/terms.yaml` (year anchors and discouraged wording), so a
clerk can extend them. Three users: `speechdraft check` holds every bank variant to its tags
(`bank_findings`), compose filters by the same tags, and lint and the tests read finished drafts
(`draft_findings`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).with_name("data")
SENTENCE_END = re.compile(r"(?<=[。！？；])")
CLAIMS = ("event", "achievement", "problem")
_NEGATED = re.compile(
    r"(不能|不要|不得|不搞|不再|防止|避免|杜绝|反对|纠正|克服|切忌|严禁|禁止|减少|整治|而不是|决不|绝不)[^。；！？]*$"
)
PARAGRAPH_LIMIT = 300  # characters: a paragraph holds one idea in two to five sentences (red pen §6)
PARAGRAPH_SENTENCES = 5  # full sentences (。！？) of a paragraph's body, its lead phrase aside (red pen §6)
FULL_STOP = re.compile(r"[。！？]+")


@dataclass(frozen=True)
class Anchor:
    """Wording a speech of these years is expected to carry (e.g. 2026: “十五五”开局)."""

    name: str
    pattern: re.Pattern[str]
    years: tuple[int | None, int | None]

    def applies(self, year: int) -> bool:
        lo, hi = self.years
        return (lo is None or year >= lo) and (hi is None or year <= hi)


@dataclass(frozen=True)
class Discouraged:
    """Wording to avoid (减负 rules, reserved formulas, slogans of other years) and why."""

    name: str
    pattern: re.Pattern[str]
    why: str
    years: tuple[int | None, int | None] = (None, None)

    def applies(self, year: int) -> bool:
        lo, hi = self.years
        return (lo is None or year >= lo) and (hi is None or year <= hi)


class _Compiled(Mapping[str, Any]):
    """Patterns compiled on first use: a draft needs the year's wording at once, the claim, room and
    domain patterns only when a bank is checked or a speech linted (a start that compiles none)."""

    def __init__(self, raw: dict[str, Any], compile_one: Callable[[str, Any], Any]) -> None:
        self._raw, self._compile, self._done = raw, compile_one, dict[str, Any]()

    def __getitem__(self, key: str) -> Any:
        if key not in self._done:
            self._done[key] = self._compile(key, self._raw[key])
        return self._done[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)


@dataclass(frozen=True)
class RedPen:
    directive: re.Pattern[str]
    patterns: Mapping[str, tuple[re.Pattern[str], ...]]
    connectives: tuple[str, ...]
    audience: Mapping[str, re.Pattern[str]]
    domains: Mapping[str, re.Pattern[str]]
    bare_places: re.Pattern[str]
    anchors: tuple[Anchor, ...]
    discouraged: tuple[Discouraged, ...]

    # Sentences ---------------------------------------------------------------------

    def claims(self, sentence: str) -> set[str]:
        """Which claims (event, achievement, problem) a sentence makes about this place.

        A pattern preceded in its sentence by a directive (要……, 确保……, 防止……) speaks of what
        should be, so it is no claim; an event is a claim wherever it stands.
        """
        found: set[str] = set()
        for kind in CLAIMS:
            for rx in self.patterns[kind]:
                for m in rx.finditer(sentence):
                    if kind == "event" or not self.directive.search(sentence, 0, m.start()):
                        found.add(kind)
                        break
                if kind in found:
                    break
        return found

    def flags(self, text: str) -> set[str]:
        """Every pattern family (claims, phase, endorse, power) the text matches."""
        out: set[str] = set()
        for s in sentences(text):
            out |= self.claims(s)
        for kind in ("phase", "endorse", "power"):
            if any(rx.search(text) for rx in self.patterns[kind]):
                out.add(kind)
        return out

    def audiences(self, text: str) -> set[str]:
        return {name for name, rx in self.audience.items() if rx.search(text)}

    def domains_of(self, text: str) -> set[str]:
        return {name for name, rx in self.domains.items() if rx.search(text)}

    def opening_connective(self, text: str) -> str | None:
        """The connective a text opens with (首先, 其次, …), if any."""
        return next((c for c in self.connectives if text.startswith(c)), None)

    def discouraged_in(self, text: str, year: int) -> list[tuple[Discouraged, re.Match[str]]]:
        """Discouraged wording used as a demand; “不能层层加码”, “防止全程留痕” argue for the rule."""
        out = []
        for d in self.discouraged:
            if d.applies(year):
                for m in d.pattern.finditer(text):
                    if not _NEGATED.search(text[max(0, m.start() - 8) : m.start()]):
                        out.append((d, m))
                        break
        return out


def sentences(text: str) -> list[str]:
    return [s for s in SENTENCE_END.split(text) if s.strip()]


def full_sentences(text: str) -> int:
    """How many sentences a reader counts: clauses joined by “；” make one sentence, as in print."""
    return len([s for s in FULL_STOP.split(text) if s.strip()])


def _years(value: Any) -> tuple[int | None, int | None]:
    if isinstance(value, list) and len(value) == 2:
        return (value[0], value[1])
    return (None, None)


@lru_cache(maxsize=8)
def load_redpen(extra_terms: tuple[str, ...] = ()) -> RedPen:
    """The built-in red pen, with anchors and discouraged wording from terms files (user ones too)."""
    from .yamlio import load_yaml

    doc = load_yaml(DATA / "redpen.yaml", "红笔规则", fast=True)
    data = doc.data

    def rx(value: str, where: tuple[str | int, ...]) -> re.Pattern[str]:
        try:
            return re.compile(value)
        except re.error as exc:
            raise doc.error(f"不是有效的正则表达式（{exc}）", where) from None

    patterns = _Compiled(
        {kind: data[kind] for kind in (*CLAIMS, "phase", "endorse", "power")},
        lambda kind, ps: tuple(rx(p, (kind, i)) for i, p in enumerate(ps)),
    )
    anchors: list[Anchor] = []
    discouraged: list[Discouraged] = []
    for path in (DATA / "terms.yaml", *map(Path, extra_terms)):
        tdoc = load_yaml(path, "用语表", fast=path.parent == DATA)
        tdata = tdoc.data if isinstance(tdoc.data, dict) else {}
        for i, a in enumerate(tdata.get("anchors") or []):
            if not isinstance(a, dict) or not isinstance(a.get("name"), str):
                raise tdoc.error("anchors 的每一项需要 name、pattern、years", ("anchors", i))
            anchors.append(
                Anchor(a["name"], re.compile(a.get("pattern") or a["name"]), _years(a.get("years")))
            )
        for i, d in enumerate(tdata.get("discouraged") or []):
            if not isinstance(d, dict) or not isinstance(d.get("name"), str):
                raise tdoc.error("discouraged 的每一项需要 name、pattern、why", ("discouraged", i))
            discouraged.append(
                Discouraged(
                    d["name"],
                    re.compile(d.get("pattern") or re.escape(d["name"])),
                    str(d.get("why", "")),
                    _years(d.get("years")),
                )
            )
    return RedPen(
        directive=rx(data["directive"], ("directive",)),
        patterns=patterns,
        connectives=tuple(data["connectives"]),
        audience=_Compiled(dict(data["audience"]), lambda k, v: rx(v, ("audience", k))),
        domains=_Compiled(dict(data["domains"]), lambda k, v: rx(v, ("domains", k))),
        bare_places=rx(data["bare_places"], ("bare_places",)),
        anchors=tuple(anchors),
        discouraged=tuple(discouraged),
    )


# The bank held to its tags -------------------------------------------------------------

# Template names that quote the brief's facts, and the fact each needs (empty without it).
QUOTE_NEEDS = {
    "previous": "previous_speakers",
    "events": "events",
    "achievements": "achievements",
    "problems": "problems",
    "programme": "programme",
}
QUOTE_NAMES = re.compile(r"\{\{\s*(" + "|".join(QUOTE_NEEDS) + r")\b")
_REQUIRED = ("asserts", "function")


def bank_findings(bank: Any, pen: RedPen | None = None) -> list[str]:
    """Every variant whose tags are missing or contradicted by its own words (for `check`).

    The text is read as written (template names included), with its `more` sentences.
    """
    pen = pen or load_redpen()
    out: list[str] = []
    for entry_id, entry in bank.entries.items():
        source = bank.sources.get(entry_id, "")
        where = f"{source}：条目 {entry_id}"
        for name in _REQUIRED:
            if getattr(entry, name) is None and any(getattr(v, name) is None for v in entry.variants):
                out.append(f"{where}：缺少标签 {name}")
        for k, v in enumerate(entry.variants, start=1):
            here = f"{where} 第{k}个变体"
            asserts = v.asserts or entry.asserts or "none"
            texts = [v.text, *(x for x in [v.head] if x), *entry.more]
            text = "".join(texts)
            out.extend(f"{here}：{msg}" for msg in _variant_findings(pen, entry, v, asserts, text))
    return out


def _variant_findings(pen: RedPen, entry: Any, v: Any, asserts: str, text: str) -> Iterable[str]:
    flags = pen.flags(text)
    for kind in CLAIMS:
        if kind in flags and asserts != kind:
            label = {"event": "叙述了简报未给出的事件", "achievement": "断言了成绩", "problem": "断言了问题"}[
                kind
            ]
            yield f"{label}（{_first(pen, kind, text)}），应改写，或标 asserts: {kind}"
    quoted = QUOTE_NAMES.findall(text)
    if asserts == "event" and not {"previous", "events"}.intersection(quoted):
        yield "asserts: event 的变体只能转述简报（{{ previous }} 或 {{ events }}），不能自行叙述事件"
    needs = set(v.needs or entry.needs)
    for name in dict.fromkeys(quoted):
        need = QUOTE_NEEDS[name]
        if need not in needs and name != "programme":  # a programme not given reads “XX”工程: a gap
            yield f"引用了简报的 {name}，需要 needs 包含 {need}（简报没有给出时这里会是空的）"
    phases = v.phases or entry.phases
    if "phase" in flags and not phases:
        yield f"说到了时段或进度（{_first(pen, 'phase', text)}），需要 phases 标签"
    relation = v.relation or entry.relation
    if "endorse" in flags and tuple(relation) != ("上级",):
        yield "表示同意他人讲话，只有上级能说：需要 relation: [上级]"
    speakers = v.speakers or entry.speakers
    if "power" in flags and not speakers:
        yield f"下达了只有部分领导能下的要求（{_first(pen, 'power', text)}），需要 speakers 标签"
    audience = set(v.audience or entry.audience)
    missing = pen.audiences(text) - audience
    if missing:
        yield f"称呼或说到了 {'、'.join(sorted(missing))}，需要 audience 包含它"
    domains = set(v.domains or entry.domains)
    dmissing = pen.domains_of(text) - domains
    if dmissing and entry.slot not in ("domain.task", "domain.project"):
        yield f"写的是 {'、'.join(sorted(dmissing))} 领域，需要 domains 包含它"
    m = pen.bare_places.search(text)
    if m:
        yield "用了“各地”：县、区、镇的讲话不这样称呼下级，请用 {{ sub_units }}"
    for d, dm in pen.discouraged_in(text, 2026):
        yield f"“{dm.group()}”：{d.why}"
    for s in sentences(v.text):
        if len(s) > PARAGRAPH_LIMIT:
            yield f"句子超过 {PARAGRAPH_LIMIT} 字"
    if full_sentences(v.text) > PARAGRAPH_SENTENCES:
        yield f"一段超过 {PARAGRAPH_SENTENCES} 句：一段讲一个意思，两到五句（以“。！？”计）"


def _first(pen: RedPen, kind: str, text: str) -> str:
    for rx in pen.patterns[kind]:
        m = rx.search(text)
        if m:
            return m.group()
    return ""


# Drafts read against the red pen ------------------------------------------------------


@dataclass(frozen=True)
class Strike:
    """One thing the red pen strikes in a draft: which rule, where, and the words."""

    rule: str
    paragraph: int  # 1-based
    message: str
    excerpt: str


def draft_strikes(
    paragraphs: Sequence[str],
    *,
    year: int,
    scope: str | None = None,
    pen: RedPen | None = None,
) -> list[Strike]:
    """Text-level red-pen rules any speech can be held to: discouraged wording, missing year
    anchors, 各地 in a county speech. (Paragraph length is compose's rule for its own drafts; real
    speeches run longer, so it is not judged here.)"""
    pen = pen or load_redpen()
    out: list[Strike] = []
    whole = "\n".join(paragraphs)
    for i, text in enumerate(paragraphs, start=1):
        for d, m in pen.discouraged_in(text, year):
            out.append(
                Strike("discouraged", i, f"“{m.group()}”：{d.why}", text[max(0, m.start() - 8) : m.end() + 8])
            )
        if scope in ("县", "区", "乡镇"):
            bare = pen.bare_places.search(text)
            if bare:
                m = bare
                out.append(
                    Strike(
                        "bare-places",
                        i,
                        "“各地”是省、市称呼下级的说法，请写明乡镇、部门",
                        text[max(0, m.start() - 8) : m.end() + 8],
                    )
                )
    for a in pen.anchors:
        if a.applies(year) and not a.pattern.search(whole):
            out.append(Strike("anchor", 0, f"{year} 年的讲话通常要提到“{a.name}”", ""))
    return out
