"""The pure core: brief + bank + skeleton + rng + chooser -> Draft.

No files, no terminal, no global random. Every random decision goes through
the `rng` passed in, and every variant choice through `chooser`, so the same
seed gives the same draft and a picker or an answers file can steer any slot.

Variety without repetition: a variant, an entry and a sentence are each used at
most once per draft (a shuffle bag across the whole speech).
"""

from __future__ import annotations

import functools
import random
import re
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import jinja2

from .bank import Candidate, PhraseBank, fit_for
from .brief import Brief
from .draft import Choice, Draft, Paragraph
from .errors import UserError
from .lint import LENGTH_TOLERANCE
from .numbering import INLINE_STYLES, cn, cn_count, ordinal
from .overlap import SentenceIndex
from .places import section_label
from .redpen import (
    FULL_STOP,
    PARAGRAPH_LIMIT,
    PARAGRAPH_SENTENCES,
    QUOTE_NAMES,
    QUOTE_NEEDS,
    RedPen,
    full_sentences,
    load_redpen,
    sentences,
)
from .skeleton import Domains, Items, Para, Sections, Skeleton, iter_slots
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

# Sentences the opening may say before the hand-off, two more when it answers previous speakers (red pen §6).
OPENING_SENTENCES = 5

# The brief's lists a paragraph may quote whole (template names `achievements`, `problems`, `events`).
QUOTABLE_FACTS = ("achievements", "problems", "events")

# Chance that an item of a task list is one written for a domain the brief names and the list has not
# yet spoken to (where the bank has one): named domains get their tasks, the list stays varied.
DOMAIN_ITEMS = 0.5
DOMAIN_ITEMS_MIN = 3

# Share of drafts whose opening says why we meet in words written for the meeting's kind, where there are some.
KIND_OPENINGS = 0.5

# Characters a sentence that quotes the clerk's facts may run to before a wording that splits it is preferred.
READABLE_SENTENCE = 120

# A place is made to say a year's anchor only when at least this many entries there can say it.
ANCHOR_CARRIERS = 3

# An item that walks through 首先……其次……: fine once or twice a speech, not in every item (red pen §6).
_SEQUENCE = re.compile(r"首先[^。]*。.*其次")
MAX_SEQUENCED = 2
_STRIP = re.compile(r"[\s“”‘’\"'（）()、，,。！？；：:]")


def sentence_key(sentence: str) -> str:
    return _STRIP.sub("", sentence)


# A run of this many characters (punctuation aside) said twice in one paragraph reads as saying one
# thing twice (“一次讲清、一次办好” … “一次讲清、一次办好”).
ECHO_RUN = 8


# A further sentence that opens by pointing back at what was just said.
_POINTS_BACK = re.compile(r"只有这样|这样|所以|因此|可见|由此|这")


def _runs(text: str) -> set[str]:
    """Every run of ECHO_RUN characters of `text`, punctuation aside."""
    key = sentence_key(text)
    return {key[i : i + ECHO_RUN] for i in range(len(key) - ECHO_RUN + 1)}


def _end(text: str) -> str:
    """Close a clerk's fact with a full stop if it has no end punctuation."""
    text = text.strip()
    return text if text.endswith(("。", "！", "？", "；", "…")) else text.rstrip("，,;.") + "。"


class _Skip(Exception):
    """A spare place with nothing fresh to say: leave it out."""


@dataclass(frozen=True, slots=True)
class _Said:
    """A variant as it reads at one place, with what the style rules look at, worked out once."""

    text: str
    head: str
    keys: frozenset[str]  # its sentences and lead phrase, normalised
    anchors: frozenset[str]  # names of the anchors (terms.yaml) it carries
    sequenced: bool  # runs through 首先……其次……
    connective: bool  # opens with a connective (首先, 同时 …)
    quotes: frozenset[str]  # the brief's facts its words quote (programme, previous_speakers …)
    plain: bool  # nothing the style rules look at: no anchor, no 首先……其次…… run, no connective opener


@dataclass
class _Cache:
    """What stays the same across the drafts of one compose call (one brief, one bank)."""

    rendered: dict[tuple[str, str | None, int], _Said] = field(default_factory=dict)
    more: dict[tuple[str, int, str | None], str] = field(default_factory=dict)
    places: dict[tuple[str, bool, str | None, int], tuple[list[Candidate], dict[str, _Said]]] = field(
        default_factory=dict
    )
    anchor_places: dict[str, dict[str, int]] | None = None  # see _Composer._anchor_places


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
        avoid: SentenceIndex | None = None,
        spread_anchors: bool = True,
    ) -> None:
        self.brief = brief
        self.avoid = avoid
        self.bank = bank
        self.skeleton = skeleton
        self.rng = rng
        self.chooser = chooser
        self.fill = fill
        self.year = brief.effective_year
        self.fit = fit_for(brief, self.year)
        self.pen: RedPen = load_redpen()
        self.used_variants: set[str] = set()
        self.used_entries: set[str] = set()
        self.used_ideas: set[str] = set()
        self.claimed: dict[str, str] = {}  # topic -> "achievement" | "problem" said of it so far
        self.sequenced = 0  # paragraphs run through 首先……其次……
        self.opening_said = 0  # sentences of the opening so far (the hand-off aside)
        self.governing: str | None = None  # topic of the current point's heading
        self.list_openers: list[str] | None = None  # connectives opening items of the list being built
        self.list_domains: set[str] = set()  # the brief's domains an item of the list being built is about
        self.anchors = [a for a in self.pen.anchors if a.applies(self.year)]  # still to be said
        self.said_anchor_names: set[str] = set()  # said once: not again (“十五五开局之年” twice is padding)
        self.used_sentences: set[str] = set()
        self.quoted: set[str] = set()  # brief facts some chosen variant already quotes (by name)
        self.paragraphs: list[Paragraph] = []
        self.choices: dict[str, Choice] = {}
        self.notes: list[str] = []
        if brief.facts.tasks and not skeleton.uses_fact("tasks"):
            self.notes.append(
                f"简报中的任务（tasks）在骨架“{skeleton.name}”里没有列出的位置：请换用列任务的骨架"
                "（成绩—问题—任务、认识—举措—责任），或把它们补进稿中"
            )
        if skeleton.kinds and brief.meeting.kind not in skeleton.kinds:
            # A skeleton chosen by hand for another kind of meeting: its headings speak as that kind does.
            self.notes.append(
                f"骨架“{skeleton.name}”通常用于{'、'.join(skeleton.kinds)}，本次是{brief.meeting.kind}："
                "标题和说法请按会议性质斟酌"
            )
        self.points = skeleton.active_points(brief.points)
        # The clerk's achievements and problems: a skeleton that lists them (成绩、问题条目) says them
        # there; otherwise a paragraph that quotes them is kept, so no fact the brief gives goes unsaid.
        self.listed_facts = {f for f in QUOTABLE_FACTS if skeleton.uses_fact(f, self.points)}
        self.base = self._base_context()
        self.cache = cache or _Cache()
        # Drawn first from the rng, so every pass over one seed (length search, picker) agrees.
        self.salt = rng.getrandbits(32)
        # Per anchor, the place that says it: drawn from the salt among the places sure to come where
        # several entries can say it, in proportion to how many can, so that every entry able to carry
        # the anchor is about as likely as any other to be the one said (none when not spreading).
        # Two anchors go to two places where they can: a place of one paragraph says only one.
        self.anchor_targets: dict[str, str] = {}
        for name, places in (self._anchor_places() if spread_anchors else {}).items():
            free = {k: v for k, v in places.items() if k not in self.anchor_targets.values()} or places
            if free:
                self.anchor_targets[name] = _weighted_pick(free, zlib.crc32(f"{self.salt}:{name}".encode()))
        self.passed_anchors: set[str] = set()  # anchors a place could have said but was not made to

    def _anchor_places(self) -> dict[str, dict[str, int]]:
        """For each anchor of the year, the slots sure to be in the draft (not optional) where at
        least ANCHOR_CARRIERS entries can say it, with how many can. It depends on the brief and
        skeleton only: worked out once per compose cache."""
        if self.cache.anchor_places is None:
            sure = [
                (slot, role)
                for slot, role in iter_slots(self.skeleton, self.points, sure_only=True)
                if role in ("para", "items", "heading")
            ]
            places: dict[str, dict[str, int]] = {}
            for a in self.anchors:
                places[a.name] = {}
                for slot, role in sure:
                    carriers = {
                        c.entry_id
                        for c in self._fitting(slot, None)
                        if (role != "items" or c.asserts == "none") and a.pattern.search(c.written)
                    }
                    if len(carriers) >= ANCHOR_CARRIERS:
                        places[a.name][slot] = max(places[a.name].get(slot, 0), len(carriers))
            self.cache.anchor_places = places
        return self.cache.anchor_places

    # Context -------------------------------------------------------------

    def _base_context(self) -> dict[str, Any]:
        return base_context(self.brief, len(self.points), self.year)

    # Choosing ------------------------------------------------------------

    def count(self, span: tuple[int, int], path: str) -> int:
        lo, hi = span
        if lo == hi:
            return lo
        return _scaled(self.fill, lo, hi, path)

    def _rendered(self, c: Candidate, extra: dict[str, Any]) -> _Said:
        """A candidate as it reads here, rendered once per compose call (cached)."""
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
            words = head + text  # everything it says: the lead phrase and the text
            anchors = frozenset(a.name for a in self.pen.anchors if a.pattern.search(words))
            sequenced = self._sequenced(text)
            connective = bool(self.pen.opening_connective(text))
            hit = _Said(
                text=text,
                head=head,
                keys=frozenset(k for k in keys if k),
                anchors=anchors,
                sequenced=sequenced,
                connective=connective,
                quotes=template_quotes(c.written),
                plain=not (anchors or sequenced or connective),
            )
            self.cache.rendered[key] = hit
        return hit

    def _fitting(self, slot: str, domain: str | None) -> list[Candidate]:
        """The slot's candidates that may be said in this speech at all: a pure function of the bank
        and the brief's `Fit`, so remembered on the bank (a picker or the page composes often)."""
        key = (self.fit, slot, domain)
        found = self.bank.fitted.get(key)
        if found is None:
            found = [
                c
                for c in self.bank.slot(slot)
                if c.fits(self.fit, domain) and not self.pen.discouraged_in(c.text, self.year)
            ]
            if len(self.bank.fitted) >= FITTED_MEMO:
                self.bank.fitted.clear()
            self.bank.fitted[key] = found
        return found

    def _can_quote(self, slot: str) -> bool:
        """Whether a variant here can quote a list of the brief's facts that nothing else will say."""
        waiting = {f for f in QUOTABLE_FACTS if f in self.fit.facts} - self.listed_facts - self.quoted
        return bool(waiting) and any(
            not waiting.isdisjoint(template_quotes(c.written)) for c in self._fitting(slot, None)
        )

    def _candidates_at(
        self, slot: str, role: str, domain: str | None, extra: dict[str, Any]
    ) -> tuple[list[Candidate], dict[str, _Said]]:
        """The candidates a place may take and how each reads there. It depends on the brief and
        skeleton only, so it is worked out once per compose cache: every pass and draft reuses it."""
        key = (slot, role == "item", domain, int(extra.get("count") or 0))
        hit = self.cache.places.get(key)
        if hit is None:
            fitting = self._fitting(slot, domain)
            if role == "item":
                # In a numbered list only the brief's own facts claim; the bank gives scaffolds instead.
                fitting = [c for c in fitting if c.asserts == "none"]
            elif self.listed_facts:
                # Facts the skeleton lists item by item are not also quoted whole in a paragraph.
                fitting = [c for c in fitting if self.listed_facts.isdisjoint(c.needs)] or fitting
            hit = fitting, {c.id: self._rendered(c, extra) for c in fitting}
            self.cache.places[key] = hit
        return hit

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
        spare: bool = False,
    ) -> tuple[Candidate, str, str]:
        """Choose a variant for `path`. A `spare` place (beyond a node's minimum) is dropped with
        `_Skip` rather than filled with a sentence of the office's past speeches or with a gap:
        gaps are not length."""
        extra = dict(extra or {})
        if domain:
            extra |= {"domain": domain, "domain_label": DOMAIN_LABELS[domain]}
        fitting, said = self._candidates_at(slot, role, domain, extra)
        if not fitting:
            where = f"、领域 {domain}" if domain else ""
            raise UserError(
                f"{self._place(section, role)}：短语库中没有适合这份简报的说法（范围 {self.brief.scope}、"
                f"会议 {self.brief.meeting.kind}、年份 {self.year}{where}），请换一个骨架，"
                f"或在自有短语库中为槽位 {slot} 补充说法"
            )
        # Not yet said (variant, entry, idea, sentence) and consistent with what was claimed: inlined,
        # as this runs over every candidate of every place at every fill level.
        used_v, used_e, used_i, used_s = (
            self.used_variants,
            self.used_entries,
            self.used_ideas,
            self.used_sentences,
        )
        usable = [
            c
            for c in fitting
            if c.id not in used_v
            and c.entry_id not in used_e
            and (c.idea or c.entry_id) not in used_i
            and used_s.isdisjoint(said[c.id].keys)
            and (c.asserts == "none" or self._consistent(c))
        ]
        # Formulas (the hand-off, announce lines) may match any speech; everything else avoids the
        # office's past speeches when it can, and says so when it cannot (never fails on it).
        if self.avoid is not None and role != "announce" and slot != "opening.handoff":
            fresh = [c for c in usable if not self._avoided(said[c.id])]
            if usable and not fresh and spare:
                raise _Skip
            if usable and not fresh:
                self.notes.append(f"{section_label(section)}：短语库中没有能避开往年讲话的说法，请修改此处")
            usable = fresh or usable
        styled = self.said_anchor_names or self.sequenced >= MAX_SEQUENCED or self.list_openers
        pool = [c for c in usable if said[c.id].plain or self._in_style(said[c.id])] if styled else usable
        if not pool:  # a thin bank: style rules give way before repetition does
            pool = usable
            if pool:
                self.notes.append(f"{section_label(section)}中可选的说法不多，个别条目的关联词未能错开")
        if not pool:
            raise UserError(
                f"{self._place(section, role)}：短语库中的说法已用尽，无法避免重复，"
                f"请换一个骨架或少讲几条，或在自有短语库中为槽位 {slot} 补充说法"
            )
        # The opening says why we meet in about five sentences (two more to answer those who spoke).
        if section == "opening" and slot != "opening.handoff":
            room = OPENING_SENTENCES + (2 if self.brief.previous_speakers else 0) - self.opening_said
            short = [c for c in pool if len(said[c.id].keys) <= room]
            if short:
                pool = short
        # Why we meet, said for this kind of meeting: a 总结会 or 述职评议会 opens as one, every other
        # time, where the bank has openings written for it (the rest keep the openings varied).
        # Not where a year's anchor is to be said: its few carriers would shrink to fewer still.
        anchored_here = any(self.anchor_targets.get(a.name) == slot for a in self.anchors)
        if slot == "opening.purpose" and not anchored_here:
            own_kind = [c for c in pool if self.brief.meeting.kind in c.kinds and not said[c.id].anchors]
            if own_kind and len(own_kind) < len(pool) and self._coin(path, KIND_OPENINGS):
                pool = own_kind
        # Real wording before scaffolds; scaffolds only where nothing else can stand.
        worded = [c for c in pool if not c.scaffold]
        if worded:
            pool = worded
        elif spare:
            raise _Skip
        # The clerk's own facts come first: where a variant can quote a fact not yet quoted, use one
        # that does. Once quoted, the fact no longer crowds out the other variants.
        quoted = self.quoted
        own = [c for c in pool if (q := said[c.id].quotes) and not quoted.issuperset(q)]
        if own:
            # Of those, the ones that say the most of the brief's waiting lists (achievements and
            # problems both, where one paragraph is all the place has).
            def waiting(c: Candidate) -> int:
                return len((said[c.id].quotes - quoted).intersection(QUOTABLE_FACTS))

            most = max(waiting(c) for c in own)
            pool = [c for c in own if waiting(c) == most]
            # Many facts make one sentence too long to say aloud: then a wording that gives each list
            # a sentence of its own.
            readable = [c for c in pool if _longest_sentence(said[c.id].text) <= READABLE_SENTENCE]
            pool = readable or pool
        # The year's anchors (terms.yaml): at the place drawn for one still missing, take a variant
        # that carries it. Only a place with several ways to say it is drawn (one with one or two
        # would put the same paragraph in most drafts); see anchor_targets. A draft that ends without
        # the anchor is made again saying it where it first can (_run, spread off).
        for a in self.anchors:
            carriers = [c for c in pool if a.name in said[c.id].anchors]
            if not carriers:
                continue
            target = self.anchor_targets.get(a.name)
            if target is not None and slot != target:
                self.passed_anchors.add(a.name)
                continue
            pool = carriers
            break
        # Parallel headings (对仗/排比): once a point heading sets a family, later ones keep to it.
        if family:
            same = [c for c in pool if c.family == family]
            if same:
                pool = same
        # A heading's topic governs what is said under it.
        if self.governing and role != "heading":
            governed = [c for c in pool if c.topic in (None, self.governing)]
            if governed:
                pool = governed
        # A list of tasks for a brief that names its domains speaks to them: while a named domain has no
        # item of its own yet, every other item (drawn) is one written for it, where the bank has one.
        if role == "item" and self.list_openers is not None and self.brief.domains:
            unspoken = set(self.brief.domains) - self.list_domains
            # Only domains with a few tasks of their own: one lone task would be in every other draft.
            tagged = [c for c in pool if c.domains]
            entries: dict[str, set[str]] = {}
            for c in tagged:
                for d in unspoken.intersection(c.domains):
                    entries.setdefault(d, set()).add(c.entry_id)
            ample = {d for d, ids in entries.items() if len(ids) >= DOMAIN_ITEMS_MIN}
            for_them = [c for c in tagged if ample.intersection(c.domains)]
            if for_them and len(for_them) < len(pool) and self._coin(path, DOMAIN_ITEMS):
                pool = for_them
        request = SlotRequest(
            path=path,
            slot=slot,
            role=role,
            section=section,
            domain=domain,
            context=tuple((k, str(v)) for k, v in extra.items()),
        )
        chosen = self.chooser(request, pool, self.rng)
        text, head = said[chosen.id].text, said[chosen.id].head
        if section != "opening":  # the opening says why we meet in a few sentences, no more
            budget = PARAGRAPH_LIMIT - len(text) - len(head) - 6
            text = _with_more(text, self._more(chosen, extra, text, budget))
        elif slot != "opening.handoff":
            self.opening_said += len(sentences(text))
        self.used_variants.add(chosen.id)
        self.used_entries.add(chosen.entry_id)
        self.list_domains.update(chosen.domains)
        self.used_ideas.add(chosen.idea or chosen.entry_id)
        if chosen.asserts in ("achievement", "problem") and chosen.topic:
            self.claimed[chosen.topic] = chosen.asserts
        if self._sequenced(text):
            self.sequenced += 1
        for a in [a for a in self.anchors if a.pattern.search(head + text)]:
            self.anchors.remove(a)
            self.said_anchor_names.add(a.name)
        self.quoted.update(said[chosen.id].quotes)
        for s in sentences(text):
            self.used_sentences.add(sentence_key(s))
        if head:
            self.used_sentences.add(sentence_key(head))
        self.choices[path] = Choice(path=path, slot=slot, variant_id=chosen.id)
        return chosen, text, head

    def _coin(self, path: str, chance: float) -> bool:
        """A draw for one place that leaves the rng alone: a replay or a reroll elsewhere sees the same
        draw here, so a kept pick is still among the candidates it is offered."""
        return zlib.crc32(f"{self.salt}:{path}".encode()) < chance * 2**32

    @staticmethod
    def _place(section: str, role: str) -> str:
        """Where in the speech, as a clerk reads it: “第二部分的条目”."""
        what = {"heading": "标题", "item": "条目", "announce": "过渡句", "domain": "分领域段落"}.get(
            role, "段落"
        )
        return f"{section_label(section)}的{what}"

    def _consistent(self, c: Candidate) -> bool:
        """Never praise and blame one thing in one speech."""
        return not (
            c.asserts in ("achievement", "problem")
            and c.topic
            and self.claimed.get(c.topic, c.asserts) != c.asserts
        )

    def _avoided(self, said: _Said) -> bool:
        """Whether a sentence of this variant, or its lead phrase, is (nearly) one of the past
        speeches' (`--avoid`)."""
        assert self.avoid is not None
        return self.avoid.holds_any([*sentences(said.text), said.head])

    def _in_style(self, said: _Said) -> bool:
        """Said once, varied (red pen §6): a year's anchor once, few 首先……其次…… runs, at most one
        connective-led item a list."""
        if self.said_anchor_names and not self.said_anchor_names.isdisjoint(said.anchors):
            return False
        if self.sequenced >= MAX_SEQUENCED and said.sequenced:
            return False
        # At most one item of a list opens with a connective (首先, 同时 …).
        return not (self.list_openers and said.connective)

    @staticmethod
    def _sequenced(text: str) -> bool:
        return bool(_SEQUENCE.search(text))

    def _more(self, chosen: Candidate, extra: dict[str, Any], text: str, budget: int) -> str:
        """Append some of the entry's further sentences: more the longer the draft should be,
        never past the paragraph limit. Which ones is drawn per draft, so two drafts that use one
        entry share its variant at most, not the whole paragraph; they keep the bank's order."""
        n = len(chosen.more)
        if not n or budget <= 0:
            return ""
        own = {sentence_key(s) for s in sentences(text)}
        phrases = _runs(text)  # a further sentence never repeats a phrase the paragraph already has
        room = PARAGRAPH_SENTENCES - full_sentences(text)
        # How many follows from the fill and the paragraph's room, not from how many the entry has:
        # an entry with many further sentences gives each draft a different few of them.
        k = min(_scaled(self.fill, 0, min(n, max(room, 0)), chosen.id), room)
        order = sorted(range(n), key=lambda j: zlib.crc32(f"{self.salt}:{chosen.id}:{j}".encode()))
        picked: dict[int, str] = {}
        for j in order:
            if k <= 0:
                break
            sentence = self._more_sentence(chosen, j, extra)
            size = full_sentences(sentence)
            if size > k:
                continue
            keys = [sentence_key(s) for s in sentences(sentence)]
            if any(key in self.used_sentences or key in own for key in keys):
                continue
            if self.avoid is not None and self.avoid.holds_any(sentences(sentence)):
                continue
            if len(sentence) > budget:
                continue
            runs = _runs(sentence)
            if not phrases.isdisjoint(runs):
                continue
            budget -= len(sentence)
            k -= size
            own.update(keys)
            phrases |= runs
            picked[j] = sentence
        # A sentence that points back (这是……, 这样才能……, 所以……) speaks of the wording: it goes right
        # after it, and only one does.
        pointing = [j for j in sorted(picked) if _POINTS_BACK.match(picked[j])]
        order = pointing[:1] + [j for j in sorted(picked) if j not in pointing]
        added: list[str] = []
        for j in order:  # never two connective-led sentences in a row
            if added and self.pen.opening_connective(picked[j]) and self.pen.opening_connective(added[-1]):
                continue
            added.append(picked[j])
        return "".join(added)

    def _more_sentence(self, chosen: Candidate, j: int, extra: dict[str, Any]) -> str:
        key = (chosen.id, j, extra.get("domain"))
        sentence = self.cache.more.get(key)
        if sentence is None:
            try:
                sentence = render(chosen.more[j], {**self.base, **extra}).strip()
            except jinja2.TemplateError as exc:
                raise UserError(
                    f"条目 {chosen.entry_id} 的 more 无法渲染（{exc}）", key=chosen.slot
                ) from None
            self.cache.more[key] = sentence
        return sentence

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
            self.governing = None
            chosen, text, _ = self.choose(path, point.heading, "heading", section, family=family)
            family = family or chosen.family
            self.governing = chosen.topic
            text = text.rstrip("。；，")
            marker = ordinal(self.skeleton.numbering, i, len(self.points))
            heading = f"{marker}{text}" + ("。" if self.skeleton.numbering == "第一，" else "")
            self.emit("heading1", heading, section, (path,))
            self.body(point.body, section, section)
        self.governing = None
        for i, node in enumerate(self.skeleton.closing):
            self.para(node, f"closing.{i}", "closing")
        return Draft(
            skeleton_id=self.skeleton.id,
            skeleton_name=self.skeleton.name,
            year=self.year,
            paragraphs=self.paragraphs,
            choices=self.choices,
            point_count=len(self.points),
            notes=list(dict.fromkeys(self.notes)),
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
        """One to n paragraphs from one slot, each one entry: one idea per paragraph (red pen §6)."""
        optional = node.optional and not self._can_quote(node.para)
        if optional and _scaled(self.fill, 0, 1, path) == 0:
            return
        k = self.count(node.sentences, path)
        if section == "opening":
            # The opening says why we meet in about four sentences: one entry a paragraph, and an
            # optional paragraph only while the opening is still short.
            k = 1
            said = sum(len(sentences(p.text)) for p in self.paragraphs if p.section == "opening")
            if optional and said >= 3:
                return
        for j in range(k):
            p = path if k == 1 else f"{path}.{j}"
            try:
                _, text, _ = self.choose(
                    p, node.para, "para", section, spare=optional or j >= node.sentences[0]
                )
            except _Skip:
                break
            self.emit("body", text, section, (p,))

    def announce(self, slot: str | None, n: int, path: str, section: str) -> None:
        if slot:
            p = f"{path}.announce"
            _, text, _ = self.choose(
                p, slot, "announce", section, extra={"count": str(n), "count_cn": cn_count(n)}
            )
            self.emit("body", text, section, (p,))

    def items(self, node: Items, path: str, section: str) -> None:
        user = list(getattr(self.brief.facts, node.facts)) if node.facts else []
        # The clerk's own facts lead, in their words; the bank tops the list up to the skeleton's count,
        # with scaffolds (topic + gap) where the bank's items would claim something.
        entries: list[tuple[str, str, str, str]] = [("", _end(fact), "", "") for fact in user]
        lo, _ = node.count
        want = self.count(node.count, path)
        self.list_openers = []
        self.list_domains = set()
        try:
            for j in range(len(entries), want):
                p = f"{path}.{j}"
                try:
                    chosen, text, head = self.choose(p, node.items, "item", section, spare=j >= lo)
                except _Skip:
                    break
                opener = self.pen.opening_connective(text)
                if opener:
                    self.list_openers.append(opener)
                entries.append((head, text, p, chosen.function or ""))
        finally:
            self.list_openers = None
        # Checks and consequences close a list (red pen §5).
        entries.sort(key=lambda e: e[3] == "accountability")
        self.announce(node.announce, len(entries), path, section)
        self._emit_items([e[:3] for e in entries], node.style, section, together=node.together)

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
            # A flat list in one paragraph, split where it would pass the paragraph limit.
            group: list[tuple[str, str, str]] = []
            for chunk in chunks:
                if group and sum(len(c[1]) for c in group) + len(chunk[1]) > PARAGRAPH_LIMIT:
                    self.emit(
                        "body", "".join(c[1] for c in group), section, tuple(c[2] for c in group if c[2])
                    )
                    group = []
                group.append(chunk)
            self.emit("body", "".join(c[1] for c in group), section, tuple(c[2] for c in group if c[2]))
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


@functools.lru_cache(maxsize=8192)
def template_quotes(template: str) -> frozenset[str]:
    """The brief's facts a template quotes by name (`{{ programme }}` → programme): what counts as
    said. An entry's `needs` only says what it cannot do without; “这项工程” needs the programme
    but does not name it."""
    return frozenset(QUOTE_NEEDS[name] for name in QUOTE_NAMES.findall(template))


def _quoted_list(facts: Sequence[str]) -> str:
    """The clerk's facts as one clause run, in their words: “A，B” (“A；B” when long), no end stop."""
    parts = [f.strip().rstrip("。；;，,！!") for f in facts if f.strip()]
    joined = "，".join(parts)
    return "；".join(parts) if len(joined) > 90 else joined


def _weighted_pick(weights: dict[str, int], draw: int) -> str:
    """The key at `draw` (any non-negative number) along the keys laid end to end by weight."""
    point = draw % sum(weights.values())
    for key, weight in weights.items():
        if point < weight:
            return key
        point -= weight
    raise AssertionError("unreachable: point lies within the total weight")


def _with_more(text: str, more: str) -> str:
    """Further sentences go after the text, or before its last sentence when that one leads into a list."""
    if not more:
        return text
    if text.endswith(("：", ":")):
        cut = max(text.rfind(c, 0, len(text) - 1) for c in "。！？；") + 1
        return text[:cut] + more + text[cut:]
    return text + more


def _longest_sentence(text: str) -> int:
    """The longest sentence as a reader counts it (up to 。！？), in characters."""
    return max((len(s) for s in FULL_STOP.split(text)), default=0)


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
        "events": _quoted_list(brief.facts.events),
        "achievements": _quoted_list(brief.facts.achievements),
        "problems": _quoted_list(brief.facts.problems),
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


BISECT_STEPS = 6
# Without a target in the brief, drafts aim at a usual work-meeting speech: about 4,500
# characters, some 25-30 minutes at a formal speaking pace.
TYPICAL_CHARACTERS = 4500


def _run(
    brief: Brief,
    bank: PhraseBank,
    skeleton: Skeleton,
    rng: random.Random,
    state: Any,
    chooser: Chooser,
    fill: float,
    cache: _Cache,
    avoid: SentenceIndex | None,
) -> Draft:
    """One draft from rng `state`. Should passing over places for a year's anchor leave it unsaid
    (later places could not carry it after all), the draft is made again saying it where it first can."""
    rng.setstate(state)
    composer = _Composer(brief, bank, skeleton, rng, chooser, fill, cache, avoid)
    draft = composer.run()
    if any(a.name in composer.passed_anchors for a in composer.anchors):  # unsaid, though a place could
        rng.setstate(state)
        draft = _Composer(brief, bank, skeleton, rng, chooser, fill, cache, avoid, spread_anchors=False).run()
    return draft


def compose(
    brief: Brief,
    bank: PhraseBank,
    skeleton: Skeleton,
    rng: random.Random,
    chooser: Chooser = random_chooser,
    *,
    avoid: SentenceIndex | None = None,
) -> Draft:
    """Compose a draft near the brief's target length (or a typical one), from one rng state.

    `avoid` holds sentences of the office's past speeches that the draft must not reuse.

    The same rng state is replayed at several fill levels and the draft closest to the target
    is kept, so the result depends only on the seed.
    """
    if brief.points not in skeleton.point_counts:
        raise UserError(
            f"骨架 {skeleton.id} 只能讲 {'或'.join(map(str, skeleton.point_counts))} 点，brief 要求 {brief.points} 点",
            key="points",
        )
    asked = brief.target_characters
    target = asked or skeleton.length or TYPICAL_CHARACTERS
    state = rng.getstate()
    # Rendering depends only on the brief and the skeleton (never on the seed): kept on the bank for
    # the next draft of the same brief (the picker, the page, many seeds). Like the fill levels below,
    # only for this very skeleton: a user's skeleton may reuse a built-in id with other slots.
    brief_key = brief.model_dump_json()
    held = bank.rendered.get((brief_key, skeleton.id))
    if held is not None and held[0] is skeleton:
        cache = held[1]
    else:
        if len(bank.rendered) >= RENDER_MEMO:
            bank.rendered.pop(next(iter(bank.rendered)))
        cache = _Cache()
        bank.rendered[(brief_key, skeleton.id)] = (skeleton, cache)
    tried: dict[float, Draft] = {}
    # The fill level depends only on brief, bank, skeleton, seed and avoid list, never on picks:
    # remember it on the bank, so a picker's move composes once instead of bisecting again.
    memo_key = (brief_key, skeleton.id, state)
    known = bank.fills.get(memo_key)
    if known is not None and known[0] is skeleton and known[1] is avoid:
        _, _, fill, sizes = known
        best = _run(brief, bank, skeleton, rng, state, chooser, fill, cache, avoid)
        return _noted(best, asked, target, sizes, skeleton)

    def attempt(fill: float) -> Draft:
        # The fill level is searched with the random chooser, so a picker's choice at one place
        # never moves the level, and with it every other place, of the draft.
        if fill not in tried:
            tried[fill] = _run(brief, bank, skeleton, rng, state, random_chooser, fill, cache, avoid)
        return tried[fill]

    # Length grows with the fill level (more items, more sentences, optional paragraphs kept), about
    # in proportion: search between the shortest and the longest draft the skeleton gives for this
    # brief by interpolating (kept off the ends, so each step narrows the range).
    lo, hi = 0.0, 1.0
    if attempt(lo).characters < target < attempt(hi).characters:
        for _ in range(BISECT_STEPS):
            c_lo, c_hi = attempt(lo).characters, attempt(hi).characters
            share = (target - c_lo) / (c_hi - c_lo) if c_hi > c_lo else 0.5
            mid = lo + (hi - lo) * min(0.9, max(0.1, share))
            if abs(attempt(mid).characters - target) <= LENGTH_TOLERANCE * target / 3:
                break
            if attempt(mid).characters < target:
                lo = mid
            else:
                hi = mid
    fill = min(tried, key=lambda f: abs(tried[f].characters - target))
    sizes = (min(d.characters for d in tried.values()), max(d.characters for d in tried.values()))
    if len(bank.fills) >= FILL_MEMO:
        bank.fills.pop(next(iter(bank.fills)))
    bank.fills[memo_key] = (skeleton, avoid, fill, sizes)
    if chooser is random_chooser:
        best = tried[fill]
    else:
        best = _run(brief, bank, skeleton, rng, state, chooser, fill, cache, avoid)
    return _noted(best, asked, target, sizes, skeleton)


FILL_MEMO = 64
FITTED_MEMO = 4096
RENDER_MEMO = 16


def _noted(best: Draft, asked: int | None, target: int, sizes: tuple[int, int], skeleton: Skeleton) -> Draft:
    if asked and abs(best.characters - target) > LENGTH_TOLERANCE * target:
        best.notes.append(
            f"目标篇幅 {target} 字超出骨架 {skeleton.id} 可达的范围（约 {sizes[0]}–{sizes[1]} 字），"
            f"已取最接近的 {best.characters} 字"
        )
    return best
