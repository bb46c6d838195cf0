"""Answers files: the variants a clerk picked, so the same draft can be made again.

`BRIEF.answers.yaml` sits next to the brief. It records the skeleton, seed and
year, and for every choice path of the draft ("opening.0", "point2.heading",
"point1.1.3") the stable variant id (`entry/variant`) that fills it. Replaying
it through `AnswersChooser` gives back exactly the picked draft; when the brief
or the bank has changed, picks that no longer fit fall back to the seed and are
reported one line each, in Chinese.

Everything here is plain data and pure functions except `load_answers` and
`save_answers`, so the picker, the CLI and a future web page share one logic.
"""

from __future__ import annotations

import random
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
from pydantic import BaseModel, ConfigDict, Field

from .answersfile import ANSWERS_SUFFIX as ANSWERS_SUFFIX  # re-exported: the answers API
from .answersfile import answers_path as answers_path
from .answersfile import dump_answers
from .api import Library, draft_rng
from .bank import Candidate, PhraseBank, fit_for
from .brief import Brief
from .compose import SlotRequest, base_context, compose, random_chooser
from .draft import Draft
from .errors import UserError
from .numbering import cn
from .overlap import SentenceIndex
from .places import Role, place_labels, section_label, section_of, shorten
from .redpen import load_redpen
from .select import choose_skeleton, fits
from .templating import render
from .yamlio import load_yaml

PATH_RE = re.compile(r"^(?:opening|closing|point[1-9])(?:\.(?:heading|announce|\d{1,3}))+$")
VARIANT_RE = re.compile(r"^[A-Za-z0-9_\-.]+/[A-Za-z0-9_\-.]+$")
SECTION_RE = re.compile(r"^(?:opening|closing|point[1-9])$")


class Answers(BaseModel):
    """What `pick` and `reroll` save and `generate` replays."""

    model_config = ConfigDict(extra="forbid")

    version: int = Field(1, ge=1, le=1)
    skeleton: str = Field(pattern=r"^[A-Za-z0-9_\-.]+$")
    seed: int = Field(ge=0)
    year: int = Field(ge=2012, le=2050)
    choices: dict[str, str] = Field(default_factory=dict)
    locked: list[str] = Field(default_factory=list)
    picked: list[str] = Field(default_factory=list)
    rerolls: dict[str, int] = Field(default_factory=dict)


# Sections and labels ---------------------------------------------------------


_SECTION_WORDS = {
    "opening": "opening",
    "开头": "opening",
    "开场": "opening",
    "开场白": "opening",
    "closing": "closing",
    "结尾": "closing",
    "结束语": "closing",
    "结语": "closing",
}
_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4}
_POINT_RE = re.compile(r"^(?:point|第)?\s*([1-9一二三四])\s*(?:部分|点|、|，)?$", re.IGNORECASE)


def parse_section(text: str, point_count: int) -> str:
    """Accept 二 / 2 / point2 / 第二部分 / opening / closing / 开头 / 结尾; name the section."""
    raw = text.strip()
    word = _SECTION_WORDS.get(raw.lower()) or _SECTION_WORDS.get(raw)
    if word:
        return word
    m = _POINT_RE.match(raw)
    if m:
        g = m.group(1)
        n = int(g) if g.isdigit() else _CN_DIGITS[g]
        if 1 <= n <= point_count:
            return f"point{n}"
        raise UserError(f"本稿只有{cn(point_count)}部分，没有第{cn(n)}部分", key="--section")
    raise UserError(
        f"无法识别的部分 {raw!r}，可用：开头、结尾、一至{cn(point_count)}（或 1-{point_count}、point1、opening、closing）",
        key="--section",
    )


# The chooser ---------------------------------------------------------------


@dataclass(frozen=True)
class SlotRecord:
    """One choice point as compose saw it: the request, the pool offered, the variant taken."""

    request: SlotRequest
    pool: tuple[Candidate, ...]
    chosen: str


class AnswersChooser:
    """Replay answered variants; fall back to the seed (or a section's reroll seed) elsewhere.

    The main rng is always advanced exactly as `random_chooser` would, whether the
    answer is used or not, so counts drawn later from the same rng (items, sentences)
    stay as they were when the clerk picked. compose may run several times (target
    length); each run is recorded, and `run_for(draft)` finds the one kept.
    """

    def __init__(
        self,
        choices: Mapping[str, str] | None = None,
        *,
        rerolls: Mapping[str, int] | None = None,
        avoid: Mapping[str, str] | None = None,
        reserved_entries: Collection[str] = (),
        reserved_ideas: Collection[str] = (),
        reserved_anchors: Collection[re.Pattern[str]] = (),
        moving_anchors: Mapping[str, Collection[re.Pattern[str]]] | None = None,
    ) -> None:
        self.choices = dict(choices or {})
        self.rerolls = dict(rerolls or {})
        self.avoid = dict(avoid or {})
        self.reserved_entries = frozenset(reserved_entries)
        self.reserved_ideas = frozenset(reserved_ideas)
        self.reserved_anchors = tuple(reserved_anchors)
        self.moving_anchors = {p: tuple(a) for p, a in (moving_anchors or {}).items()}
        self.runs: list[dict[str, SlotRecord]] = []
        self._section_rngs: dict[str, random.Random] = {}

    def __call__(
        self, request: SlotRequest, candidates: Sequence[Candidate], rng: random.Random
    ) -> Candidate:
        if not self.runs or request.path in self.runs[-1]:
            self.runs.append({})
            self._section_rngs = {}
        fallback = random_chooser(request, candidates, rng)
        wanted = self.choices.get(request.path)
        chosen = next((c for c in candidates if c.id == wanted), None) if wanted else None
        if chosen is None:
            section = section_of(request.path)
            if section in self.rerolls:
                srng = self._section_rngs.setdefault(section, random.Random(self.rerolls[section]))
                chosen = random_chooser(request, self._fresh_pool(request.path, candidates), srng)
            else:
                chosen = fallback
        self.runs[-1][request.path] = SlotRecord(request, tuple(candidates), chosen.id)
        return chosen

    def _fresh_pool(self, path: str, candidates: Sequence[Candidate]) -> list[Candidate]:
        """For a reroll: not the old variant, and not an entry a kept path still uses, nor its idea or
        year's anchor (said once: a kept path later in the draft would otherwise have to give way).
        Where the old variant said a year's anchor, a new one that says it too, so the anchor stays in
        the section instead of going to its place elsewhere (and moving a kept path there)."""
        old = self.avoid.get(path)
        new = [c for c in candidates if c.id != old]
        free = [c for c in new if c.entry_id not in self.reserved_entries]
        clear = [c for c in free if not self._clashes(c)]
        said = self.moving_anchors.get(path, ())
        same = [c for c in clear if all(p.search(c.written) for p in said)]
        return (same if said else []) or clear or free or new or list(candidates)

    def _clashes(self, c: Candidate) -> bool:
        if (c.idea or c.entry_id) in self.reserved_ideas:
            return True
        return any(p.search(c.written) for p in self.reserved_anchors)

    def run_for(self, draft: Draft) -> dict[str, SlotRecord]:
        """The recorded run whose choices are the draft's."""
        taken = {p: c.variant_id for p, c in draft.choices.items()}
        for run in reversed(self.runs):
            # compose may ask for a path and then drop it (a list that stops early): not in the draft
            if all(p in run and run[p].chosen == v for p, v in taken.items()):
                return {p: r for p, r in run.items() if p in taken}
        return {}


# Replaying -------------------------------------------------------------------


@dataclass
class Replay:
    """A draft composed from answers, with what was offered at each path and what did not fit.

    `mismatches` are plain Chinese, one line per pick that could not stay; `summary`
    is one line over all of them (None when every pick stayed).
    """

    draft: Draft
    seed: int
    brief: Brief
    slots: dict[str, SlotRecord]
    mismatches: list[str] = field(default_factory=list)
    summary: str | None = None

    def choices(self) -> dict[str, str]:
        return {p: c.variant_id for p, c in self.draft.choices.items()}

    def labels(self) -> dict[str, str]:
        """How the draft names each choice path (第一部分“三是” …)."""
        return place_labels(
            self.draft, {p: Role(r.request.role, r.request.domain) for p, r in self.slots.items()}
        )


def replay(
    brief: Brief,
    library: Library,
    seed: int,
    choices: Mapping[str, str] | None = None,
    *,
    skeleton: str | None = None,
    pinned_skeleton: str | None = None,
    rerolls: Mapping[str, int] | None = None,
    avoid: Mapping[str, str] | None = None,
    reserved_entries: Collection[str] = (),
    reserved_ideas: Collection[str] = (),
    reserved_anchors: Collection[re.Pattern[str]] = (),
    moving_anchors: Mapping[str, Collection[re.Pattern[str]]] | None = None,
    past: SentenceIndex | None = None,
) -> Replay:
    """Compose like `api.draft_from_brief`, steering every answered path.

    `avoid` holds variants a reroll moves away from; `past` the office's past speeches, whose
    sentences no path may reuse (a saved pick that does is reported as no longer fitting).

    `skeleton` is a command-line override; `pinned_skeleton` the answers file's
    skeleton, kept while the brief says `auto` and it still fits. The skeleton
    choice draws from the rng exactly as in a plain run, so the rest lines up.
    """
    if skeleton:
        brief = brief.model_copy(update={"skeleton": skeleton})
    rng = draft_rng(brief, seed)
    skel = choose_skeleton(brief, library.skeletons, rng)
    notes: list[str] = []
    changed_skeleton = False
    if pinned_skeleton and brief.skeleton == "auto" and pinned_skeleton != skel.id:
        other = library.skeletons.get(pinned_skeleton)
        if other is not None and fits(brief, other):
            skel = other
        else:
            changed_skeleton = True
            was = "已不存在" if other is None else f"“{other.name}”不适合修改后的简报"
            notes.append(f"挑选时用的骨架{was}，改用“{skel.name}”，原有挑选大多不再适用")
    chooser = AnswersChooser(
        choices,
        rerolls=rerolls,
        avoid=avoid,
        reserved_entries=reserved_entries,
        reserved_ideas=reserved_ideas,
        reserved_anchors=reserved_anchors,
        moving_anchors=moving_anchors,
    )
    draft = compose(brief, library.bank, skel, rng, chooser, avoid=past)
    slots = chooser.run_for(draft)
    result = Replay(draft=draft, seed=seed, brief=brief, slots=slots)
    details, kept = explain_mismatches(choices or {}, result, library.bank, past)
    result.mismatches = notes + details
    total = len(choices or {})
    if changed_skeleton:
        result.summary = f"骨架改为“{skel.name}”；{total} 处挑选中 {kept} 处保留"
    elif kept < total:
        result.summary = f"{total} 处挑选中 {kept} 处保留，{total - kept} 处不再适用"
    return result


def read_variant(cand: Candidate, request: SlotRequest, brief: Brief, draft: Draft) -> tuple[str, str]:
    """A variant's lead phrase and text as they would read at `request` in `draft` (may raise
    jinja2.TemplateError)."""
    ctx = {**base_context(brief, draft.point_count, draft.year), **dict(request.context)}
    head = render(cand.head, ctx).strip() if cand.head else ""
    return head, render(cand.text, ctx).strip()


def variant_words(
    bank: PhraseBank, variant_id: str, request: SlotRequest, brief: Brief, draft: Draft, limit: int = 16
) -> str:
    """The first words of a variant as it would read at `request` (its head when it has one)."""
    cand = bank.variant(variant_id)
    if cand is None:
        return ""
    try:
        head, text = read_variant(cand, request, brief, draft)
        words = head or text
    except jinja2.TemplateError:
        words = cand.head or cand.text
    return shorten(words, limit)


def explain_mismatches(
    choices: Mapping[str, str], result: Replay, bank: PhraseBank, past: SentenceIndex | None = None
) -> tuple[list[str], int]:
    """One plain Chinese line per answered path the draft could not keep, and how many it kept.

    Places are named as the draft names them and sayings by their first words: a
    clerk reads “第三部分“三是”原选“……”与“一是”意思重复，已换成“……””, never an id.
    """
    draft, slots, brief = result.draft, result.slots, result.brief
    labels = result.labels()
    lines: list[str] = []
    present_sections = set(draft.sections())
    gone: dict[str, int] = {}
    moved: dict[str, int] = {}
    kept = 0
    user_of_entry = {c.variant_id.split("/", 1)[0]: p for p, c in draft.choices.items()}
    for path, wanted in choices.items():
        section = section_of(path)
        record = slots.get(path)
        if record is None:
            bucket = moved if section in present_sections else gone
            bucket[section] = bucket.get(section, 0) + 1
            continue
        if record.chosen == wanted:
            kept += 1
            continue
        here = labels.get(path, section_label(section))
        old = variant_words(bank, wanted, record.request, brief, draft)
        new = variant_words(bank, record.chosen, record.request, brief, draft)
        if past is not None and _in_past(bank, wanted, record.request, brief, draft, past):
            reason = "与往年讲话重复"
        else:
            reason = _why(wanted, path, record, bank, brief, draft.year, labels, user_of_entry)
        was = f"原选“{old}”" if old else "原来的说法"
        lines.append(f"{here}{was}{reason}，已换成“{new}”")
    for section, n in moved.items():
        lines.append(f"{section_label(section)}的结构已变，其中 {n} 处挑选不再出现")
    for section, n in gone.items():
        lines.append(f"{section_label(section)}：修改后的讲话稿没有这一部分，其中 {n} 处挑选未使用")
    return lines, kept


def _in_past(
    bank: PhraseBank, variant_id: str, request: SlotRequest, brief: Brief, draft: Draft, past: SentenceIndex
) -> bool:
    """Whether a sentence or the lead phrase of this variant, as it would read here, is a past speech's."""
    from .redpen import sentences

    cand = bank.variant(variant_id)
    if cand is None:
        return False
    try:
        head, text = read_variant(cand, request, brief, draft)
    except jinja2.TemplateError:
        return False
    return past.holds_any([*sentences(text), head])


def _why(
    wanted: str,
    path: str,
    record: SlotRecord,
    bank: PhraseBank,
    brief: Brief,
    year: int,
    labels: Mapping[str, str],
    user_of_entry: Mapping[str, str],
) -> str:
    cand = bank.variant(wanted)
    if cand is None:
        return "在短语库中已不存在"
    if cand.slot != record.request.slot:
        return "不适合这一处（骨架已变）"
    if not cand.fits(fit_for(brief, year), record.request.domain):
        return "不适合修改后的简报（范围、会议类型、年份或事实不符）"
    if not cand.needs and any(c.needs for c in record.pool):
        return "让位给能引用简报事实的说法"
    other = user_of_entry.get(cand.entry_id)
    if other and other != path and other in labels:
        where = section_label(section_of(path))
        return f"与{labels[other].removeprefix(where) if section_of(other) == section_of(path) else labels[other]}意思重复"
    return "与前文重复"


def report_lines(result: Replay, limit: int = 5) -> list[str]:
    """What to tell a clerk after replaying answers: the summary line, then at most `limit` details."""
    lines = ([result.summary] if result.summary else []) + result.mismatches[:limit]
    if len(result.mismatches) > limit:
        lines.append(f"另有 {len(result.mismatches) - limit} 处挑选不再适用，用 speechdraft pick 可逐处查看")
    return lines


def brief_for_answers(brief: Brief, answers: Answers) -> tuple[Brief, list[str]]:
    """Give a brief without year or date the picked year, so next January's draft is the same."""
    if brief.year is None and brief.date is None:
        return brief.with_year(answers.year), []
    if brief.effective_year != answers.year:
        return brief, [
            f"简报年份 {brief.effective_year} 与挑选时的 {answers.year} 不同，与年份有关的说法可能重新选择"
        ]
    return brief, []


def replay_answers(
    brief: Brief,
    library: Library,
    answers: Answers,
    *,
    seed: int | None = None,
    skeleton: str | None = None,
    past: SentenceIndex | None = None,
) -> Replay:
    """What `generate` does with an answers file: the picked draft, plus notes on what changed."""
    brief, notes = brief_for_answers(brief, answers)
    if seed is not None and seed != answers.seed:
        notes.append(f"命令行种子 {seed} 与挑选时的种子 {answers.seed} 不同，部分段落的条数可能变化")
    elif seed is None and brief.seed is not None and brief.seed != answers.seed:
        notes.append(f"简报的 seed 为 {brief.seed}，按挑选结果使用种子 {answers.seed}")
    used = answers.seed if seed is None else seed
    if skeleton and skeleton != answers.skeleton:
        notes.append("命令行指定的骨架与挑选时的不同，原有挑选大多不再适用")
    result = replay(
        brief,
        library,
        used,
        answers.choices,
        skeleton=skeleton,
        pinned_skeleton=answers.skeleton,
        rerolls=answers.rerolls,
        past=past,
    )
    result.mismatches[:0] = notes
    return result


def reroll(
    brief: Brief,
    library: Library,
    seed: int,
    choices: Mapping[str, str],
    section: str,
    new_seed: int,
    *,
    locked: Collection[str] = (),
    rerolls: Mapping[str, int] | None = None,
    skeleton: str | None = None,
    pinned_skeleton: str | None = None,
    past: SentenceIndex | None = None,
) -> Replay:
    """Fresh choices for one section (from `new_seed`); every other path and every one in `locked` kept.

    Callers pass the locked paths together with the ones the clerk picked: an
    explicit pick is never thrown away by a reroll.
    """
    keep = {p: v for p, v in choices.items() if section_of(p) != section or p in locked}
    avoid = {p: v for p, v in choices.items() if p not in keep}
    reserved = {v.split("/", 1)[0] for v in keep.values()}
    kept = [c for c in map(library.bank.variant, keep.values()) if c is not None]
    kept_words = [c.written for c in kept]
    anchors = [a.pattern for a in load_redpen().anchors]
    reserved_anchors = [a for a in anchors if any(map(a.search, kept_words))]
    old = {p: library.bank.variant(v) for p, v in avoid.items()}
    moving = {
        p: [a for a in anchors if a.search(c.written) and a not in reserved_anchors]
        for p, c in old.items()
        if c
    }
    result = replay(
        brief,
        library,
        seed,
        keep,
        skeleton=skeleton,
        pinned_skeleton=pinned_skeleton,
        rerolls={**(rerolls or {}), section: new_seed},
        avoid=avoid,
        reserved_entries=reserved,
        reserved_ideas={c.idea or c.entry_id for c in kept},
        reserved_anchors=reserved_anchors,
        moving_anchors={p: said for p, said in moving.items() if said},
        past=past,
    )
    return result


def answers_from(
    result: Replay,
    *,
    locked: Iterable[str] = (),
    picked: Iterable[str] = (),
    rerolls: Mapping[str, int] | None = None,
) -> Answers:
    """The answers file that reproduces `result.draft` exactly."""
    choices = result.choices()
    locked, picked = set(locked), set(picked)
    return Answers(
        skeleton=result.draft.skeleton_id,
        seed=result.seed,
        year=result.draft.year,
        choices=choices,
        locked=[p for p in choices if p in locked],
        picked=[p for p in choices if p in picked],
        rerolls=dict(rerolls or {}),
    )


# Files -------------------------------------------------------------------------


def load_answers(path: Path) -> Answers:
    """Read and check an answers file; every problem names its line and key."""
    from .validation import validate

    doc = load_yaml(path, "挑选结果文件")
    if not isinstance(doc.data, dict):
        raise doc.error("挑选结果文件的顶层应为键值映射（skeleton:、seed:、choices: …）")
    answers = validate(Answers, doc, "挑选结果")
    for key, value in answers.choices.items():
        if not PATH_RE.match(key):
            raise doc.error(
                f"无法识别的路径 {key}（应形如 opening.0、point2.heading、point1.1.3）", ("choices", key)
            )
        if not VARIANT_RE.match(value):
            raise doc.error(f"说法 id 应形如 条目id/变体id（实际为 {value!r}）", ("choices", key))
    for i, key in enumerate(answers.locked):
        if key not in answers.choices:
            raise doc.error(f"锁定的路径 {key} 在 choices 中没有对应的选择", ("locked", i))
    for i, key in enumerate(answers.picked):
        if key not in answers.choices:
            raise doc.error(f"挑选过的路径 {key} 在 choices 中没有对应的选择", ("picked", i))
    for key in answers.rerolls:
        if not SECTION_RE.match(key):
            raise doc.error(f"无法识别的部分 {key}（应为 opening、closing 或 point1…）", ("rerolls", key))
    return answers


def answer_notes(result: Replay, bank: PhraseBank) -> dict[str, str]:
    """For each path of the draft: where it is and its first words, for the comment beside its id."""
    labels = result.labels()
    notes: dict[str, str] = {}
    for path, record in result.slots.items():
        words = variant_words(bank, record.chosen, record.request, result.brief, result.draft, limit=24)
        notes[path] = f"{labels.get(path, path)}：{words}" if words else labels.get(path, "")
    return notes


def save_answers(
    path: Path,
    answers: Answers,
    brief_name: str = "",
    *,
    backup: bool = True,
    notes: Mapping[str, str] | None = None,
    skeleton_name: str = "",
) -> Path | None:
    """Replace the answers file in one rename, with the mode the umask gives; returns the backup kept.

    With `backup` the previous version is kept as NAME.bak (NAME.bak2, … when that exists; never
    through a symlink). The clerk's own comments in the previous version are carried over; `notes`
    say beside each id what it is.
    """
    from .atomic import write_text_atomic

    try:
        old = path.read_text("utf-8") if path.is_file() else None
    except (OSError, UnicodeDecodeError):
        old = None
    text = dump_answers(answers, brief_name, notes=notes, skeleton_name=skeleton_name, previous=old)
    return write_text_atomic(path, text, backup=backup, what="挑选结果")
