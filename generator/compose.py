"""The pure core: brief + bank + skeleton + rng + chooser -> Draft.

No files, no terminal, no global random. Every random decision goes through
the `rng` passed in, and every variant choice through `chooser`, so the same
seed gives the same draft and a picker or an answers file can steer any slot.

Variety without repetition: a variant, an entry and a sentence are each used at
most once per draft (a shuffle bag across the whole speech).
"""

from __future__ import annotations

import random
import re
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import jinja2

from .bank import Candidate, PhraseBank
from .brief import Brief
from .draft import Choice, Draft, Paragraph
from .errors import UserError
from .lint import LENGTH_TOLERANCE
from .numbering import INLINE_STYLES, cn, cn_count, ordinal
from .skeleton import Domains, Items, Para, Sections, Skeleton
from .templating import placeholder, render


@dataclass(frozen=True)
class SlotRequest:
    """What the chooser is asked to fill: a path in the draft and the slot behind it."""

    path: str
    slot: str
    role: str  # "para", "heading", "item", "announce", "domain"
    section: str
    domain: str | None = None
    # Template names set for this slot only (count, domain…), so a picker can render other candidates.
    context: tuple[tuple[str, str], ...] = ()


Chooser = Callable[[SlotRequest, Sequence[Candidate], random.Random], Candidate]


def random_chooser(request: SlotRequest, candidates: Sequence[Candidate], rng: random.Random) -> Candidate:
    """Weighted random choice: the default when no one is picking."""
    if len(candidates) == 1:
        return candidates[0]
    return rng.choices(list(candidates), weights=[c.weight for c in candidates], k=1)[0]


DOMAIN_LABELS = {
    "农村": "农村党建",
    "社区": "城市基层党建",
    "机关": "机关党建",
    "两新组织": "“两新”组织党建",
    "国有企业": "国有企业党建",
    "学校": "学校党建",
    "医院": "公立医院党建",
}

_SENTENCE_SPLIT = re.compile(r"(?<=[。！？；])")
_STRIP = re.compile(r"[\s“”‘’\"'（）()、，,。！？；：:]")


def sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE_SPLIT.split(text) if s.strip()]


def sentence_key(sentence: str) -> str:
    return _STRIP.sub("", sentence)


def _end(text: str) -> str:
    """Close a clerk's fact with a full stop if it has no end punctuation."""
    text = text.strip()
    return text if text.endswith(("。", "！", "？", "；", "…")) else text.rstrip("，,;.") + "。"


@dataclass
class _Cache:
    """What stays the same across the drafts of one compose call (one brief, one bank)."""

    rendered: dict[tuple[str, str | None, int], tuple[str, str, frozenset[str]]] = field(default_factory=dict)
    fitting: dict[tuple[str, str | None], list[Candidate]] = field(default_factory=dict)


class _Composer:
    def __init__(
        self,
        brief: Brief,
        bank: PhraseBank,
        skeleton: Skeleton,
        rng: random.Random,
        chooser: Chooser,
        fill: float,
        cache: _Cache | None = None,
    ) -> None:
        self.brief = brief
        self.bank = bank
        self.skeleton = skeleton
        self.rng = rng
        self.chooser = chooser
        self.fill = fill
        self.year = brief.effective_year
        self.facts = _present_facts(brief)
        self.used_variants: set[str] = set()
        self.used_entries: set[str] = set()
        self.used_sentences: set[str] = set()
        self.quoted: set[str] = set()  # brief facts some chosen variant already quotes
        self.paragraphs: list[Paragraph] = []
        self.choices: dict[str, Choice] = {}
        self.notes: list[str] = []
        self.points = skeleton.active_points(brief.points)
        self.base = self._base_context()
        self.cache = cache or _Cache()

    # Context -------------------------------------------------------------

    def _base_context(self) -> dict[str, Any]:
        return base_context(self.brief, len(self.points), self.year)

    # Choosing ------------------------------------------------------------

    def count(self, span: tuple[int, int], path: str) -> int:
        lo, hi = span
        if lo == hi:
            return lo
        return _scaled(self.fill, lo, hi, path)

    def _render(self, c: Candidate, extra: dict[str, Any]) -> tuple[str, str]:
        text, head, _ = self._rendered(c, extra)
        return text, head

    def _rendered(self, c: Candidate, extra: dict[str, Any]) -> tuple[str, str, frozenset[str]]:
        """Text, head and sentence keys of a candidate, rendered once per draft family (cached)."""
        key = (c.id, extra.get("domain"), int(extra.get("count") or 0))
        hit = self.cache.rendered.get(key)
        if hit is None:
            ctx = {**self.base, **extra}
            try:
                text = render(c.text, ctx).strip()
                head = render(c.head, ctx).strip() if c.head else ""
            except jinja2.TemplateError as exc:
                raise UserError(f"变体 {c.id} 无法渲染（{exc}）", file=c.source or None, key=c.slot) from None
            keys = {sentence_key(s) for s in sentences(text)} | ({sentence_key(head)} if head else set())
            hit = (text, head, frozenset(k for k in keys if k))
            self.cache.rendered[key] = hit
        return hit

    def _fresh(self, c: Candidate, extra: dict[str, Any]) -> bool:
        return self.used_sentences.isdisjoint(self._rendered(c, extra)[2])

    def _fitting(self, slot: str, domain: str | None) -> list[Candidate]:
        key = (slot, domain)
        if key not in self.cache.fitting:
            self.cache.fitting[key] = [
                c
                for c in self.bank.slot(slot)
                if c.fits(
                    scope=self.brief.scope,
                    kind=self.brief.meeting.kind,
                    year=self.year,
                    facts=self.facts,
                    domain=domain,
                )
            ]
        return self.cache.fitting[key]

    def choose(
        self,
        path: str,
        slot: str,
        role: str,
        section: str,
        *,
        domain: str | None = None,
        extra: dict[str, Any] | None = None,
        family: str | None = None,
    ) -> tuple[Candidate, str, str]:
        extra = dict(extra or {})
        if domain:
            extra |= {"domain": domain, "domain_label": DOMAIN_LABELS[domain]}
        fitting = self._fitting(slot, domain)
        if not fitting:
            where = f"、领域 {domain}" if domain else ""
            raise UserError(
                f"短语库中没有适合槽位 {slot} 的变体（范围 {self.brief.scope}、会议 {self.brief.meeting.kind}、"
                f"年份 {self.year}{where}），请在 phrasebank 中补充",
                key=slot,
            )
        pool = [
            c
            for c in fitting
            if c.id not in self.used_variants
            and c.entry_id not in self.used_entries
            and self._fresh(c, extra)
        ]
        if not pool:  # bank too thin for this draft: allow a second variant of a used entry
            pool = [c for c in fitting if c.id not in self.used_variants and self._fresh(c, extra)]
            if pool:
                self.notes.append(f"槽位 {slot} 的条目不够，已重复使用同一条目的其他说法")
        if not pool:
            raise UserError(f"短语库中槽位 {slot} 的变体已用尽，无法避免重复，请补充更多说法", key=slot)
        # The clerk's own facts come first: where a variant can quote a fact not yet quoted, use one
        # that does. Once quoted, the fact no longer crowds out the other variants.
        own = [c for c in pool if set(c.needs) - self.quoted]
        if own:
            pool = own
        # Parallel headings (对仗/排比): once a point heading sets a family, later ones keep to it.
        if family:
            same = [c for c in pool if c.family == family]
            if same:
                pool = same
        request = SlotRequest(
            path=path,
            slot=slot,
            role=role,
            section=section,
            domain=domain,
            context=tuple((k, str(v)) for k, v in extra.items()),
        )
        chosen = self.chooser(request, pool, self.rng)
        text, head = self._render(chosen, extra)
        text = _with_more(text, self._more(chosen, extra, text))
        self.used_variants.add(chosen.id)
        self.used_entries.add(chosen.entry_id)
        self.quoted.update(chosen.needs)
        for s in sentences(text):
            self.used_sentences.add(sentence_key(s))
        if head:
            self.used_sentences.add(sentence_key(head))
        self.choices[path] = Choice(path=path, slot=slot, variant_id=chosen.id)
        return chosen, text, head

    def _more(self, chosen: Candidate, extra: dict[str, Any], text: str) -> str:
        """Append some of the entry's further sentences: more of them the longer the draft should be."""
        n = len(chosen.more)
        if not n:
            return ""
        k = _scaled(self.fill, 0, n, chosen.id)
        own = {sentence_key(s) for s in sentences(text)}
        added = []
        for source in chosen.more[:k]:
            try:
                sentence = render(source, {**self.base, **extra}).strip()
            except jinja2.TemplateError as exc:
                raise UserError(
                    f"条目 {chosen.entry_id} 的 more 无法渲染（{exc}）", key=chosen.slot
                ) from None
            keys = [sentence_key(s) for s in sentences(sentence)]
            if any(key in self.used_sentences or key in own for key in keys):
                continue
            own.update(keys)
            added.append(sentence)
        return "".join(added)

    def emit(self, kind: Any, text: str, section: str, paths: tuple[str, ...], lead: str = "") -> None:
        self.paragraphs.append(Paragraph(kind=kind, text=text, lead=lead, section=section, paths=paths))

    # Structure -----------------------------------------------------------

    def run(self) -> Draft:
        b = self.brief
        title = b.title or self._title()
        self.emit("title", title, "", ())
        self.emit("byline", b.speaker or f"{b.words['committee']}XXX同志", "", ())
        date = b.date
        date_text = f"{date.year}年{date.month}月{date.day}日" if date else f"{self.year}年X月X日"
        self.emit("byline", f"（{date_text}）", "", ())
        self.emit("salutation", "同志们：", "opening", ())
        for i, node in enumerate(self.skeleton.opening):
            self.para(node, f"opening.{i}", "opening")
        family: str | None = None
        for i, point in enumerate(self.points, start=1):
            section = f"point{i}"
            path = f"{section}.heading"
            chosen, text, _ = self.choose(path, point.heading, "heading", section, family=family)
            family = family or chosen.family
            text = text.rstrip("。；，")
            marker = ordinal(self.skeleton.numbering, i, len(self.points))
            heading = f"{marker}{text}" + ("。" if self.skeleton.numbering == "第一，" else "")
            self.emit("heading1", heading, section, (path,))
            self.body(point.body, section, section)
        for i, node in enumerate(self.skeleton.closing):
            self.para(node, f"closing.{i}", "closing")
        return Draft(
            skeleton_id=self.skeleton.id,
            skeleton_name=self.skeleton.name,
            year=self.year,
            paragraphs=self.paragraphs,
            choices=self.choices,
            point_count=len(self.points),
            notes=self.notes,
        )

    def _title(self) -> str:
        if self.skeleton.title:
            try:
                return render(self.skeleton.title, self.base)
            except jinja2.TemplateError as exc:
                raise UserError(f"骨架 {self.skeleton.id} 的标题无法渲染（{exc}）", key="title") from None
        words, name = self.brief.words, self.brief.meeting.name
        own = (
            "全",
            words["whole"],
            words["organs"],
            words["unit"],
            words["committee"],
            self.brief.place or "\0",
        )
        prefix = "" if name.startswith(own) else words["whole"]
        return f"在{prefix}{name}上的讲话"

    def body(self, nodes: Sequence[Any], section: str, base: str) -> None:
        for i, node in enumerate(nodes):
            path = f"{base}.{i}"
            if isinstance(node, Para):
                self.para(node, path, section)
            elif isinstance(node, Items):
                self.items(node, path, section)
            elif isinstance(node, Domains):
                self.domains(node, path, section)
            elif isinstance(node, Sections):
                self.sections(node, path, section)

    def para(self, node: Para, path: str, section: str) -> None:
        if node.optional and _scaled(self.fill, 0, 1, path) == 0:
            return
        k = self.count(node.sentences, path)
        texts, paths = [], []
        for j in range(k):
            p = path if k == 1 else f"{path}.{j}"
            _, text, _ = self.choose(p, node.para, "para", section)
            texts.append(text)
            paths.append(p)
        # A part that leads into what follows (ends with a colon) closes the paragraph.
        order = sorted(range(k), key=lambda j: texts[j].endswith(("：", ":")))
        self.emit("body", "".join(texts[j] for j in order), section, tuple(paths[j] for j in order))

    def announce(self, slot: str | None, n: int, path: str, section: str) -> None:
        if slot:
            p = f"{path}.announce"
            _, text, _ = self.choose(
                p, slot, "announce", section, extra={"count": str(n), "count_cn": cn_count(n)}
            )
            self.emit("body", text, section, (p,))

    def items(self, node: Items, path: str, section: str) -> None:
        user = list(getattr(self.brief.facts, node.facts)) if node.facts else []
        # The clerk's own facts lead, in their words; the bank tops the list up to the skeleton's count.
        entries: list[tuple[str, str, str]] = [("", _end(fact), "") for fact in user]
        for j in range(len(entries), self.count(node.count, path)):
            p = f"{path}.{j}"
            _, text, head = self.choose(p, node.items, "item", section)
            entries.append((head, text, p))
        self.announce(node.announce, len(entries), path, section)
        self._emit_items(entries, node.style, section, together=node.together)

    def _emit_items(
        self, entries: list[tuple[str, str, str]], style: str, section: str, *, together: bool
    ) -> None:
        n = len(entries)
        chunks: list[tuple[str, str, str]] = []  # (lead, text, path)
        for j, (head, text, p) in enumerate(entries, start=1):
            mark = ordinal(style, j, n)
            if style in INLINE_STYLES:
                if head:
                    lead = f"{mark}{_end(head)}"
                    chunks.append((lead, lead + text, p))
                else:
                    chunks.append(("", mark + text, p))
            elif head:
                self.emit("heading2", f"{mark}{head}", section, (p,) if p else ())
                self.emit("body", text, section, (p,) if p else ())
            else:
                self.emit("body", mark + text, section, (p,) if p else (), lead=mark)
        if together and chunks:
            self.emit("body", "".join(c[1] for c in chunks), section, tuple(c[2] for c in chunks if c[2]))
        else:
            for lead, text, p in chunks:
                self.emit("body", text, section, (p,) if p else (), lead=lead)

    def domains(self, node: Domains, path: str, section: str) -> None:
        chosen = list(self.brief.domains or node.default)[: node.limit]
        self.announce(node.announce, len(chosen), path, section)
        entries: list[tuple[str, str, str]] = []
        for j, domain in enumerate(chosen):
            p = f"{path}.{j}"
            _, text, head = self.choose(p, node.domains, "domain", section, domain=domain)
            if node.style == "在方面":
                lead = f"在{DOMAIN_LABELS[domain]}方面，"
                self.emit("body", lead + text, section, (p,), lead=lead)
            else:
                entries.append((head, text, p))
        if entries:
            self._emit_items(entries, node.style, section, together=False)

    def sections(self, node: Sections, path: str, section: str) -> None:
        self.announce(node.announce, len(node.sections), path, section)
        for j, sec in enumerate(node.sections, start=1):
            p = f"{path}.{j - 1}"
            _, text, _ = self.choose(f"{p}.heading", sec.heading, "heading", section)
            text = text.rstrip("。；，")
            self.emit(
                "heading2", f"{ordinal('（一）', j, len(node.sections))}{text}", section, (f"{p}.heading",)
            )
            self.body(sec.body, section, p)


def _with_more(text: str, more: str) -> str:
    """Further sentences go after the text, or before its last sentence when that one leads into a list."""
    if not more:
        return text
    if text.endswith(("：", ":")):
        cut = max(text.rfind(c, 0, len(text) - 1) for c in "。！？；") + 1
        return text[:cut] + more + text[cut:]
    return text + more


def _scaled(fill: float, lo: int, hi: int, key: str) -> int:
    """lo..hi by fill level, each node stepping at its own point so length grows smoothly with fill."""
    offset = (zlib.crc32(key.encode()) % 1000) / 1000 - 0.5  # -0.5 .. 0.5, fixed per node
    value = lo + fill * (hi - lo) + 0.9 * offset
    return max(lo, min(hi, round(value)))


def base_context(brief: Brief, points: int, year: int) -> dict[str, Any]:
    """The names every bank and skeleton template may use (see templating.CONTEXT_NAMES)."""
    prev = "，".join(f"{s.who}{s.did or '作了讲话'}" for s in brief.previous_speakers)
    return {
        **brief.words,
        "place": brief.place_name,
        "scope": brief.scope,
        "meeting": brief.meeting.name,
        "kind": brief.meeting.kind,
        "year": str(year),
        "programme": brief.facts.programme or "“XX”工程",
        "previous": prev,
        "domain": "",
        "domain_label": "",
        "count": "",
        "count_cn": "",
        "points": str(points),
        "points_cn": cn(points),
        "ph": placeholder,
        "cn": cn,
    }


def _present_facts(brief: Brief) -> frozenset[str]:
    f = brief.facts
    present = {
        "achievements": bool(f.achievements),
        "problems": bool(f.problems),
        "programme": bool(f.programme),
        "tasks": bool(f.tasks),
        "previous_speakers": bool(brief.previous_speakers),
        "place": bool(brief.place),
        "speaker": bool(brief.speaker),
    }
    return frozenset(k for k, v in present.items() if v)


BISECT_STEPS = 6
# Without a target in the brief, drafts aim at a usual work-meeting speech: about 4,500
# characters, some 25-30 minutes at a formal speaking pace.
TYPICAL_CHARACTERS = 4500


def compose(
    brief: Brief,
    bank: PhraseBank,
    skeleton: Skeleton,
    rng: random.Random,
    chooser: Chooser = random_chooser,
) -> Draft:
    """Compose a draft near the brief's target length (or a typical one), from one rng state.

    The same rng state is replayed at several fill levels and the draft closest to the target
    is kept, so the result depends only on the seed.
    """
    if brief.points not in skeleton.point_counts:
        raise UserError(
            f"骨架 {skeleton.id} 只能讲 {'或'.join(map(str, skeleton.point_counts))} 点，brief 要求 {brief.points} 点",
            key="points",
        )
    asked = brief.target_characters
    target = asked or TYPICAL_CHARACTERS
    state = rng.getstate()
    cache = _Cache()
    tried: dict[float, Draft] = {}

    def attempt(fill: float) -> Draft:
        # The fill level is searched with the random chooser, so a picker's choice at one place
        # never moves the level, and with it every other place, of the draft.
        if fill not in tried:
            rng.setstate(state)
            tried[fill] = _Composer(brief, bank, skeleton, rng, random_chooser, fill, cache).run()
        return tried[fill]

    # Length grows with the fill level (more items, more sentences, optional paragraphs kept):
    # bisect between the shortest and the longest draft the skeleton gives for this brief.
    lo, hi = 0.0, 1.0
    if attempt(lo).characters < target < attempt(hi).characters:
        for _ in range(BISECT_STEPS):
            mid = (lo + hi) / 2
            if abs(attempt(mid).characters - target) <= LENGTH_TOLERANCE * target / 3:
                break
            if attempt(mid).characters < target:
                lo = mid
            else:
                hi = mid
    fill = min(tried, key=lambda f: abs(tried[f].characters - target))
    sizes = [d.characters for d in tried.values()]
    if chooser is random_chooser:
        best = tried[fill]
    else:
        rng.setstate(state)
        best = _Composer(brief, bank, skeleton, rng, chooser, fill, cache).run()
    if asked and abs(best.characters - target) > LENGTH_TOLERANCE * target:
        best.notes.append(
            f"目标篇幅 {target} 字超出骨架 {skeleton.id} 可达的范围（约 {min(sizes)}–{max(sizes)} 字），"
            f"已取最接近的 {best.characters} 字"
        )
    return best
