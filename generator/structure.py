"""A speech's structure: title, salutation, opening, hand-off, numbered points at every level, closing.

Shared by `analyze` and `lint`, so both read the same forms. Patterns are
matched against the recognition form of the text (traditional characters
read as simplified, same positions), and what is reported is the original.

Numbering levels are not fixed by style: real speeches mix 一、/（一）/1./
第一，/一是, so the hierarchy is inferred from the order in which styles first
open a paragraph, and a style that continues an open sequence (三、 after 二、
written as 第三，) is that level in a mixed style.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from .script import recognition_form

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

SENTENCE_END = "。！？!?"
_SENTENCE_END_RE = re.compile(r"[。！？!?]")
_ITEM_END_RE = re.compile(r"[。！？!?；;]")
_HANDOFF_END = re.compile(r"[。！？!?：:]")


def cn_to_int(text: str) -> int | None:
    """一 -> 1, 十二 -> 12, 二十 -> 20, 3 -> 3; None for anything else."""
    if text.isascii() and text.isdigit():
        return int(text) if len(text) <= 3 else None
    if not text or any(ch not in _CN_VALUE for ch in text):
        return None
    if "十" not in text:
        return _CN_VALUE[text] if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    if len(tens) > 1 or len(ones) > 1:
        return None
    t = _CN_VALUE[tens] if tens else 1
    o = _CN_VALUE[ones] if ones else 0
    return t * 10 + o


# Numbering marks -------------------------------------------------------------------

_N = rf"[{CN_DIGITS}]{{1,3}}"
# Marks that open a paragraph (a heading or a numbered paragraph). 一、 not followed by another
# numeral: 三、四月份 is a list of months, not a heading.
_BLOCK = (
    ("一、", re.compile(rf"({_N})[、．](?![{CN_DIGITS}])")),
    ("第一，", re.compile(rf"第({_N})(?:个方面|个问题|部分|点)?(?:[，、,：:]|是|要|条)")),
    ("（一）", re.compile(rf"[（(]({_N})[）)]")),
    ("1.", re.compile(r"(\d{1,2})(?:[.．、](?!\d)|[)）])")),
    ("（1）", re.compile(r"[（(](\d{1,2})[）)]")),
)
_AFTER_STOP = r"(?:^|(?<=[。；;：:！？!?]))"
_AFTER_CLAUSE = r"(?:^|(?<=[。；;：:！？!?，,\s）)]))"
# Marks inside a paragraph: 一是/一要 after any clause break, 第一，/（1）/1. after a sentence break.
_INLINE_LEAD = re.compile(rf"{_AFTER_CLAUSE}({_N})(是要|是|要靠|要|则)")
_INLINE_FIRST = re.compile(rf"{_AFTER_STOP}第({_N})[，、,：:]")
_INLINE_PAREN = re.compile(rf"{_AFTER_CLAUSE}[（(](\d{{1,2}})[）)]")
_INLINE_ARABIC = re.compile(rf"{_AFTER_STOP}(\d{{1,2}})[.．、](?!\d)")
_SEQUENCE = re.compile(r"(?:^|(?<=[。；;：:！？!?]))(首先|其次|再次|最后)[，,]")
_ASPECT = re.compile(r"(?:^|(?<=[。；;：:！？!?]))在([^，,。；：:！？!?“”]{2,14})方面[，,。：:]")

# Styles read as prose as often as numbering: placed in the outline, never checked.
UNCHECKED_STYLES = frozenset({"首先", "在方面"})


@dataclass(frozen=True)
class Marker:
    """A numbering mark: where it is, its style and value, and where the hierarchy puts it.

    `level` is the depth in the outline (1 = a point); `parent` is the index of the mark it sits
    under in the list `find_markers` returns (-1 for a point or a mark outside the points);
    `inline` is true for a mark inside a paragraph rather than opening it.
    """

    paragraph: int  # 0-based index
    pos: int
    level: int
    style: str
    value: int
    text: str
    inline: bool = False
    parent: int = -1


def _raw_marks(index: int, text: str) -> list[Marker]:
    """Every mark in one paragraph (recognition form), before the hierarchy is known."""
    out: list[Marker] = []
    for style, pattern in _BLOCK:
        m = pattern.match(text)
        if m:
            value = cn_to_int(m.group(1))
            if value:
                out.append(Marker(index, 0, 0, style, value, m.group()))
            break
    for m in _INLINE_LEAD.finditer(text):
        value = cn_to_int(m.group(1))
        if value and value <= 12:
            style = "一要" if m.group(2) in ("要", "要靠") else "一是"  # 一是要 and 一则 number as 一是
            out.append(Marker(index, m.start(1), 0, style, value, m.group(), inline=m.start(1) > 0))
    for pattern, style in ((_INLINE_FIRST, "第一，"), (_INLINE_PAREN, "（1）"), (_INLINE_ARABIC, "1.")):
        for m in pattern.finditer(text):
            value = cn_to_int(m.group(1))
            if value and m.start() > 0:
                out.append(Marker(index, m.start(), 0, style, value, m.group(), inline=True))
    for m in _SEQUENCE.finditer(text):
        value = ("首先", "其次", "再次").index(m.group(1)) + 1 if m.group(1) != "最后" else 0
        out.append(Marker(index, m.start(1), 0, "首先", value, m.group(1), inline=m.start(1) > 0))
    for m in _ASPECT.finditer(text):
        out.append(Marker(index, m.start(), 0, "在方面", 0, m.group()[:-1], inline=m.start() > 0))
    # One mark per position: a paragraph-opening 一是 is both a block and an inline candidate.
    seen: set[int] = set()
    unique = []
    for mk in sorted(out, key=lambda mk: (mk.pos, mk.inline)):
        if mk.pos not in seen:
            seen.add(mk.pos)
            unique.append(mk)
    return unique


def opens_with_number(text: str) -> bool:
    """The paragraph opens with a heading or item number (一、 （一） 1. 第一， 一是)."""
    head = recognition_form(text[:8])
    return any(pattern.match(head) for _, pattern in _BLOCK) or bool(_INLINE_LEAD.match(head))


def find_markers(paragraphs: Sequence[str], begin: tuple[int, int] = (0, 0)) -> list[Marker]:
    """Every numbering mark with its place in the hierarchy, in reading order.

    A paragraph-opening mark's level comes from the order in which its style first opened a
    paragraph (from the first paragraph that opens with a number one); a style whose first use
    continues an open sequence joins that sequence's level. Marks inside a paragraph sit under the
    deepest open heading. `begin` (paragraph, position), the end of the hand-off, lets a list in the
    opening (过去一年：一是……二是……) stay out of the hierarchy.
    """
    raw: list[Marker] = []
    for i, text in enumerate(paragraphs):
        raw.extend(_raw_marks(i, recognition_form(text)))
    ones = [k for k, mk in enumerate(raw) if not mk.inline and mk.value == 1]
    numbered = [k for k in ones if raw[k].style not in UNCHECKED_STYLES]
    start = next((k for k in numbered if (raw[k].paragraph, raw[k].pos) >= begin), None)
    # Nothing numbered after the hand-off, but paragraphs open with 首先，……其次，……最后，: those are the points.
    sequence_points = start is None and begin > (0, 0)
    if sequence_points:
        start = next((k for k in ones if (raw[k].paragraph, raw[k].pos) >= begin), None)
        sequence_points = start is not None
    if start is None and begin > (0, 0):
        start = _items_as_points(raw, begin)
    if start is None:
        start = numbered[0] if numbered else len(raw)
    rank: dict[str, int] = {}
    stack: list[tuple[int, int, int]] = []  # (rank, index in out, value)
    out: list[Marker] = []
    for k, mk in enumerate(raw):
        if k < start:
            out.append(mk)  # before the structure begins (opening lists): level 0
            continue
        if mk.inline or (mk.style in UNCHECKED_STYLES and not (sequence_points and mk.style == "首先")):
            # 二是 inside the paragraph that 一是 opened continues that sequence as a sibling.
            same = next(
                (d for d in range(len(stack) - 1, -1, -1) if out[stack[d][1]].style == mk.style),
                None,
            )
            if same is not None and stack[same][2] == mk.value - 1 and mk.style not in UNCHECKED_STYLES:
                del stack[same + 1 :]
                sibling = out[stack[same][1]]
                out.append(_with(mk, sibling.level, sibling.parent, inline=sibling.inline))
                stack[same] = (stack[same][0], len(out) - 1, mk.value)
                continue
            parent = stack[-1][1] if stack else -1
            out.append(_with(mk, len(stack) + 1, parent, inline=True))
            continue
        if mk.style not in rank:
            continuing = next((r for r, _, v in stack if mk.value != 1 and v == mk.value - 1), None)
            rank[mk.style] = continuing if continuing is not None else max(rank.values(), default=0) + 1
        r = rank[mk.style]
        while stack and stack[-1][0] >= r:
            stack.pop()
        parent = stack[-1][1] if stack else -1
        out.append(_with(mk, len(stack) + 1, parent, inline=False))
        stack.append((r, len(out) - 1, mk.value))
    return out


def _items_as_points(raw: list[Marker], begin: tuple[int, int]) -> int | None:
    """No paragraph opens with a number after the hand-off (a speech copied onto one line, or points
    given as items: 我讲三点：一是要……二是要……): the first item run after it is the points.

    The run is the marks written exactly alike (一是要, 二是要 …, not the 一是 inside a point) with
    values 1, 2, 3 …; they are made paragraph-level marks in `raw`. Returns the first one's index.
    """
    first = next(
        (
            k
            for k, mk in enumerate(raw)
            if mk.inline
            and mk.value == 1
            and mk.style not in UNCHECKED_STYLES
            and (mk.paragraph, mk.pos) >= begin
        ),
        None,
    )
    if first is None:
        return None
    tail = _NUMERAL.sub("", raw[first].text)
    run = [first]
    for k in range(first + 1, len(raw)):
        mk = raw[k]
        if mk.style == raw[first].style and _NUMERAL.sub("", mk.text) == tail and mk.value == len(run) + 1:
            run.append(k)
    if len(run) < 2:
        return None
    for k in run:
        mk = raw[k]
        raw[k] = Marker(mk.paragraph, mk.pos, 0, mk.style, mk.value, mk.text)
    return first


_NUMERAL = re.compile(rf"^[{CN_DIGITS}\d]+")


def _with(mk: Marker, level: int, parent: int, *, inline: bool) -> Marker:
    return Marker(mk.paragraph, mk.pos, level, mk.style, mk.value, mk.text, inline, parent)


# Salutation, title, hand-off, closing ----------------------------------------------

_ADDRESS = re.compile(r"同志们|各位|尊敬的|朋友们|代表们|来宾们|女士们|先生们")
SALUTATION_LINE = re.compile(rf"^[^{SENTENCE_END}：:]{{0,36}}[：:]$")
# A salutation glued to its title or opening in a copied line.
SALUTATION_INLINE = re.compile(
    r"(?:(?:各位|尊敬的)[^。！？!?：:，,；;]{1,20}?(?:[，,、][^。！？!?：:，,；;]{1,12}?){0,3}|同志们(?:、朋友们)?)[：:]"
)
TITLE = re.compile(r"(?:讲话|发言|致辞|报告|讲稿|党课|讲话提纲|主持词)(?:[（(][^）)]{0,20}[）)])?$")
_CLOSING_OPEN = re.compile(r"^(?:同志们[，,！!]|让我们)")
_OPENING_ADDRESS = re.compile(r"^同志们[，,！!]")

_COUNT = rf"(?P<n>[{CN_DIGITS}两几]|\d{{1,2}})"
HANDOFF = re.compile(
    rf"(?:讲|谈|强调|提出?|说|交流|部署|明确)(?:一下|几句|这么|这样)?(?:以下|如下)?{_COUNT}"
    r"(?:个)?(?:方面|点|个?问题|项|条|句话)"
    rf"|从{_COUNT.replace('?P<n>', '?P<n2>')}个?方面(?:讲|谈|强调|说)"
    rf"|对[^{SENTENCE_END}]{{2,40}}?(?:进行|作|做)(?:一个|简要|简单|一下)?(?:点评|讲评)"
)


def is_salutation(text: str) -> bool:
    key = recognition_form(text)
    return bool(SALUTATION_LINE.match(key) and _ADDRESS.search(key))


def is_title(text: str) -> bool:
    return len(text) <= 60 and bool(TITLE.search(recognition_form(text)))


def announced_count(m: re.Match[str]) -> tuple[str | None, tuple[int, int]]:
    """The count a HANDOFF match announces (三, 两, 3, 几, or None) and where it stands."""
    for name in ("n", "n2"):
        if m.group(name):
            return m.group(name), m.span(name)
    return None, (-1, -1)


def handoff_in(text: str) -> tuple[str, int | None] | None:
    """The sentence that hands over to the points, and the count it announces (None for 几/以下)."""
    key = recognition_form(text)
    found = None
    for m in HANDOFF.finditer(key):
        found = m
    if found is None:
        return None
    floor = max(0, found.start() - 120)
    a = max(floor, *(key.rfind(c, floor, found.start()) + 1 for c in "。！？!?；;"))
    stop = _HANDOFF_END.search(key, found.end(), found.end() + 120)
    b = stop.end() if stop else min(len(key), found.end() + 120)
    n = announced_count(found)[0]
    count = cn_to_int(n) if n and n != "几" else None
    return text[a:b].strip("，, "), count


def heading_label(text: str, start: int, limit: int, *, inline: bool = False) -> str:
    """A heading: from the mark up to the first full stop (an item: or semicolon), or the whole paragraph."""
    rest = text[start : start + 4 * limit]
    m = (_ITEM_END_RE if inline else _SENTENCE_END_RE).search(rest)
    head = rest[: m.start()] if m else rest
    return head if len(head) <= limit else head[:limit] + "…"


# The outline ---------------------------------------------------------------------


@dataclass
class Node:
    level: int  # depth: 1 a point, 2 under a point, 3 below that
    marker: str
    style: str
    label: str  # the heading or the lead sentence
    paragraph: int
    offset: int  # position in the joined body, for character counts
    characters: int = 0
    children: list[Node] = field(default_factory=list)
    inline: bool = False


@dataclass
class Outline:
    title: str | None
    salutation: str | None
    opening: list[str]
    handoff: str | None
    announced_points: int | None
    points: list[Node]
    closing: str | None
    unclassified: list[str]
    numbering_notes: list[str]
    characters: int
    body: list[str] = field(default_factory=list)
    start: int = 0  # index of body[0] among the paragraphs given
    markers: list[Marker] = field(default_factory=list)  # over the body
    closing_index: int | None = None  # in the body

    @functools.cached_property
    def joined(self) -> str:
        return "".join(self.body)

    def segment(self, n: Node) -> str:
        """The text under a node, marker included, up to the next node of its level."""
        return self.joined[n.offset : n.offset + n.characters]

    @property
    def numbering(self) -> str:
        return self.points[0].style if self.points else "一、"


def _handoff_end(body: Sequence[str]) -> tuple[int, int]:
    """Where the hand-off ends, among the paragraphs before the first 一、 heading (or the first ten)."""
    first = next((i for i, p in enumerate(body) if _BLOCK[0][1].match(recognition_form(p[:6]))), None)
    end = (0, 0)
    for i, p in enumerate(body[: first if first is not None else 10]):
        key = recognition_form(p)
        for m in HANDOFF.finditer(key):
            end = (i, m.end())
    return end


_BYLINE = re.compile(
    r"^[（(]?[\d〇○一二三四五六七八九十零]{2,4}年[\d〇○一二三四五六七八九十零]{1,2}月[\d〇○一二三四五六七八九十零]{1,3}日[）)]?$"
    r"|^[\u4e00-\u9fff·]{2,16}$"
)


def _head(paras: Sequence[str]) -> tuple[int | None, int | None, str | None]:
    """(title index, salutation index, salutation text) among the first paragraphs."""
    sal = None
    for i, p in enumerate(paras[:8]):
        if is_salutation(p):
            sal = i
            break
        if opens_with_number(p):
            break
    zone = paras[: sal if sal is not None else min(3, len(paras))]
    title = next((i for i, p in enumerate(zone) if is_title(p)), None)
    if title and paras[title].startswith("——") and not _SENTENCE_END_RE.search(paras[title - 1]):
        title -= 1  # 主标题 above ——在……上的讲话
    if title is None and sal is not None and sal > 0:
        last = paras[sal - 1]
        if len(last) <= 60 and not _SENTENCE_END_RE.search(last):
            title = sal - 1
    return title, sal, paras[sal] if sal is not None else None


def outline(paragraphs: Sequence[str]) -> Outline:
    paras = list(paragraphs)
    unclassified: list[str] = []
    title_idx, sal, salutation = _head(paras)
    head_end = sal if sal is not None else (title_idx + 1 if title_idx is not None else 0)
    for i in range(head_end):
        after_title = title_idx is not None and i > title_idx
        subtitle = title_idx is not None and i == title_idx + 1 and paras[i].startswith("——")
        if i != title_idx and not subtitle and not (after_title and _BYLINE.match(paras[i])):
            unclassified.append(f"第 {i + 1} 段（称呼之前，未识别为标题）：{paras[i][:30]}")
    start = (sal + 1) if sal is not None else head_end
    body = paras[start:]
    if salutation is None and body and _OPENING_ADDRESS.match(recognition_form(body[0])):
        salutation = body[0][:4]  # 同志们，今天…: the address opens the first paragraph
    markers = find_markers(body, _handoff_end(body))
    points_at = [mk.paragraph for mk in markers if mk.level == 1 and not mk.inline]
    first_top = points_at[0] if points_at else len(body)
    last_block = max((mk.paragraph for mk in markers if mk.level >= 1 and not mk.inline), default=-1)
    # The closing: the last paragraph that opens with 同志们/让我们 after every heading; never the
    # paragraph that carried the salutation.
    floor = max(last_block, 0 if salutation and sal is None else -1)
    closing_idx = next(
        (i for i in range(len(body) - 1, floor, -1) if _CLOSING_OPEN.match(recognition_form(body[i]))),
        None,
    )
    end = closing_idx if closing_idx is not None else len(body)
    in_body = [mk for mk in markers if mk.paragraph < end]
    opening = body[:first_top] if points_at else body[:end]
    first_pos = next((mk.pos for mk in markers if mk.level == 1 and not mk.inline), 0)
    if points_at and first_pos > 0:
        opening = [*opening, body[first_top][:first_pos]]  # points given as items after the hand-off
    handoff, announced = None, None
    for p in opening:
        found = handoff_in(p)
        if found:
            handoff, announced = found
    offsets, pos = [], 0
    for p in body:
        offsets.append(pos)
        pos += len(p)
    total_end = offsets[end] if end < len(body) else pos

    nodes: dict[int, Node] = {}
    points: list[Node] = []
    flat: list[Node] = []
    for k, mk in enumerate(in_body):
        if mk.level == 0:
            continue
        text = body[mk.paragraph]
        n = Node(
            mk.level,
            text[mk.pos : mk.pos + len(mk.text)],
            mk.style,
            heading_label(text, mk.pos, 40 if not mk.inline else 30, inline=mk.inline),
            mk.paragraph,
            offsets[mk.paragraph] + mk.pos,
            inline=mk.inline,
        )
        nodes[k] = n
        flat.append(n)
        if mk.parent >= 0 and mk.parent in nodes:
            nodes[mk.parent].children.append(n)
        elif mk.level == 1 and not mk.inline:
            points.append(n)
        elif not mk.inline:
            unclassified.append(f"第 {start + mk.paragraph + 1} 段（第一个要点之前的编号“{mk.text}”）")
    # Characters under each node: up to the next node of the same or a higher level.
    levels = [n.level for n in flat]
    for i, n in enumerate(flat):
        nxt = next((flat[j].offset for j in range(i + 1, len(flat)) if levels[j] <= n.level), total_end)
        n.characters = nxt - n.offset
    if closing_idx is not None:
        for p in body[closing_idx + 1 :]:
            unclassified.append(f"结尾之后的段落：{p[:30]}")
    elif body:
        unclassified.append("未找到以“同志们，”开头的结尾段")
    from .lint import check_numbering  # lint builds on this module; imported here, not at the top

    notes = [f.format() for f in check_numbering(body[:end], in_body) if f.level == "error"]
    if announced is not None and announced != len(points):
        notes.append(f"开场宣布讲{announced}点，实际找到 {len(points)} 个一级要点")
    return Outline(
        title=paras[title_idx] if title_idx is not None else None,
        salutation=salutation,
        opening=opening,
        handoff=handoff,
        announced_points=announced,
        points=points,
        closing=body[closing_idx] if closing_idx is not None else None,
        unclassified=unclassified,
        numbering_notes=notes,
        characters=sum(len(p) for p in body),
        body=body,
        start=start,
        markers=in_body,
        closing_index=closing_idx,
    )
