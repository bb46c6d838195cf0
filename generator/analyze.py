"""Turning an office's past speech into an outline, a draft skeleton and phrase candidates.

Three steps, each a pure function: `clean` removes what scraping and sharing
sites add (advertising, watermarks, page markers, broken lines, stray spaces);
`outline` finds title, salutation, opening, hand-off, numbered points at every
level and closing; `skeleton_yaml` / `bank_yaml` write the project's own
formats for a person to review. What cannot be classified is listed, never
silently guessed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import yaml

from .lint import Marker, check_numbering, find_markers

# Cleaning ----------------------------------------------------------------------

# Lines that sell, watermark or advertise rather than speak.
_NOISE = re.compile(
    r"QQ|qq|微信|公众号|会员|订阅|禁止外传|仅供学习|仅供参考|举报|倒卖|免费|咨询|下载|关注|版权|侵权|"
    r"www\.|https?://|\.com|\.cn\b|扫码|二维码|淘宝|客服|VIP|vip|整理[，,：:]|整理$|分享平台|实时分享|"
    r"自建平台|资料库|范文网|文库|原创|转载|购买|售价|优惠|权益|迭代"
)
_PAGE_MARK = re.compile(r"^\s*(?:[-—–]\s*)?(?:第\s*)?\d{1,3}\s*(?:页|、|\.|．)?\s*(?:[-—–])?\s*$")
_PAGE_PREFIX = re.compile(r"^\d{1,3}[、．.]\s*")
_END = tuple("。！？：；”…」』）!?:;")
_CJK = r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”‘’]"
_INNER_SPACE = re.compile(
    rf"(?<={_CJK})[ \t\u3000\u00a0]+(?={_CJK})|(?<=[\u4e00-\u9fff])[ \t\u3000\u00a0]+(?=\w)|(?<=\w)[ \t\u3000\u00a0]+(?=[\u4e00-\u9fff])"
)
_STARTS_MARK = re.compile(
    r"^(?:[一二三四五六七八九十]+、|第[一二三四五六七八九十]+[，、]|[（(][一二三四五六七八九十]+[）)]|同志们)"
)
_TITLE = re.compile(r"(讲话|发言|致辞|报告|讲稿)(（[^）]*）)?$")
_SALUTATION = re.compile(r"^(各位[^：:]{0,20}[，,、])?同志们[：:]$")


@dataclass
class Cleaned:
    paragraphs: list[str]
    removed: list[tuple[str, str]] = field(default_factory=list)  # (line, reason)
    joined: int = 0  # lines joined to the line before (broken inside a sentence)


def _looks_like_heading(line: str) -> bool:
    """A heading line stands alone; a numbered paragraph that already has full stops does not."""
    if "。" in line:
        return False
    return bool(_STARTS_MARK.match(line)) or (bool(_TITLE.search(line)) and len(line) <= 40)


def clean(text: str) -> Cleaned:
    """Drop noise lines, page markers and inner spaces; join lines broken inside a sentence."""
    out = Cleaned(paragraphs=[])
    for raw in text.splitlines():
        line = _INNER_SPACE.sub("", raw.strip())
        if not line:
            continue
        if _NOISE.search(line) and len(line) <= 80:
            out.removed.append((line, "广告或水印"))
            continue
        if _PAGE_MARK.match(line):
            out.removed.append((line, "页码标记"))
            continue
        if out.paragraphs:
            prev = out.paragraphs[-1]
            broken = (
                not prev.endswith(_END)
                and not _looks_like_heading(prev)
                and not (_TITLE.search(line) and len(line) <= 40)
            )
            if broken and _PAGE_PREFIX.match(line):
                out.removed.append((_PAGE_PREFIX.match(line).group().strip(), "页码标记"))  # type: ignore[union-attr]
                line = _PAGE_PREFIX.sub("", line)
            if broken and not _STARTS_MARK.match(line) and not _SALUTATION.match(line):
                out.paragraphs[-1] = prev + line
                out.joined += 1
                continue
        out.paragraphs.append(line)
    # A short line that recurs inside removed noise (a site's name on its own line) is noise too.
    noise_text = "".join(line for line, _ in out.removed)
    for line in list(out.paragraphs):
        if len(line) <= 12 and not line.endswith(_END) and line in noise_text:
            out.paragraphs.remove(line)
            out.removed.append((line, "广告或水印"))
    return out


# Outline -----------------------------------------------------------------------


@dataclass
class Node:
    level: int  # 1 point, 2 sub-point （一）, 3 一是/一要/首先/在……方面
    marker: str
    style: str
    label: str  # the heading or the lead sentence
    paragraph: int
    offset: int  # position in the joined text, for character counts
    characters: int = 0
    children: list[Node] = field(default_factory=list)


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

    def segment(self, n: Node) -> str:
        """The text under a node, marker included, up to the next node of its level."""
        return "".join(self.body)[n.offset : n.offset + n.characters]

    @property
    def numbering(self) -> str:
        return self.points[0].style if self.points else "一、"


_HANDOFF = re.compile(
    r"[^。！？]*?(?:讲|谈|强调|提|说)[^。！？]{0,6}?([一二三四五六七八九十两几]+)点(?:意见|看法|想法|要求|建议)[^。！？]*[。！？]?"
    r"|[^。！？]*?(?:下面|接下来|以下)[^。！？]{0,40}?(?:讲|谈|强调|提|说)[^。！？]{0,30}?(?:意见|看法|想法|要求|建议)[^。！？]*[。！？]?"
)
_CN = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


def _label(text: str, start: int, limit: int) -> str:
    """The heading: from the marker up to the first full stop (or the whole line if short)."""
    rest = text[start:]
    m = re.search(r"[。！？]", rest)
    head = rest[: m.start()] if m else rest
    return head if len(head) <= limit else head[:limit] + "…"


def outline(paragraphs: Sequence[str]) -> Outline:
    paras = list(paragraphs)
    unclassified: list[str] = []
    sal = next((i for i, p in enumerate(paras) if _SALUTATION.match(p)), None)
    head_zone = paras[: sal if sal is not None else 0]
    title_idx = next((i for i, p in enumerate(head_zone) if _TITLE.search(p) and len(p) <= 60), None)
    if title_idx is None and sal is None and paras and _TITLE.search(paras[0]) and len(paras[0]) <= 60:
        title_idx = 0
    for i, p in enumerate(head_zone):
        if i != title_idx:
            unclassified.append(f"第 {i + 1} 段（称呼之前，未识别为标题）：{p[:30]}")
    start = (sal + 1) if sal is not None else (title_idx + 1 if title_idx is not None else 0)
    body = paras[start:]
    markers = find_markers(body)
    # The closing: the last paragraph that opens with 同志们 after the last point heading.
    last_top = max((m.paragraph for m in markers if m.level == 1), default=-1)
    closing_idx = next(
        (
            i
            for i in range(len(body) - 1, last_top, -1)
            if body[i].startswith(("同志们，", "同志们,", "同志们！"))
        ),
        None,
    )
    end = closing_idx if closing_idx is not None else len(body)
    markers = [m for m in markers if m.paragraph < end]
    first_top = next((m.paragraph for m in markers if m.level == 1), end)
    opening = body[:first_top]
    handoff, announced = None, None
    for p in opening:
        for m in _HANDOFF.finditer(p):
            handoff = m.group().strip("，, ")
            if m.group(1) and m.group(1) != "几":
                announced = _CN.get(m.group(1)) or None
    offsets, pos = [], 0
    for p in body:
        offsets.append(pos)
        pos += len(p)
    total_end = offsets[end] if end < len(body) else pos

    def node(mk: Marker) -> Node:
        text = body[mk.paragraph]
        limit = 40 if mk.level < 3 else 30
        return Node(
            mk.level,
            mk.text,
            mk.style,
            _label(text, mk.pos, limit),
            mk.paragraph,
            offsets[mk.paragraph] + mk.pos,
        )

    points: list[Node] = []
    flat: list[Node] = []
    for mk in markers:
        n = node(mk)
        flat.append(n)
        if mk.level == 1:
            points.append(n)
        elif not points:
            unclassified.append(f"第 {start + mk.paragraph + 1} 段（第一个要点之前的编号“{mk.text}”）")
        elif mk.level == 2:
            points[-1].children.append(n)
        else:
            parent = points[-1]
            if (
                parent.children
                and parent.children[-1].level == 2
                and parent.children[-1].paragraph <= mk.paragraph
            ):
                parent = parent.children[-1]
            parent.children.append(n)
    # Characters under each node: up to the next node of the same or a higher level.
    for i, n in enumerate(flat):
        nxt = next((m.offset for m in flat[i + 1 :] if m.level <= n.level), total_end)
        n.characters = nxt - n.offset
    if closing_idx is not None:
        for p in body[closing_idx + 1 :]:
            unclassified.append(f"结尾之后的段落：{p[:30]}")
    elif body:
        unclassified.append("未找到以“同志们，”开头的结尾段")
    notes = [f.format() for f in check_numbering(body[:end], markers) if f.level == "error"]
    if announced is not None and announced != len(points):
        notes.append(f"开场宣布讲{announced}点，实际找到 {len(points)} 个一级要点")
    return Outline(
        title=paras[title_idx] if title_idx is not None else None,
        salutation=paras[sal] if sal is not None else None,
        opening=opening,
        handoff=handoff,
        announced_points=announced,
        points=points,
        closing=body[closing_idx] if closing_idx is not None else None,
        unclassified=unclassified,
        numbering_notes=notes,
        characters=sum(len(p) for p in body),
        body=body,
    )


def format_outline(o: Outline) -> str:
    """An indented tree: each heading with the characters under it."""
    lines = [f"标题：{o.title or '（未找到）'}", f"称呼：{o.salutation or '（未找到）'}"]
    lines.append(f"开场：{len(o.opening)} 段，{sum(len(p) for p in o.opening)} 字")
    lines.append(f"  交接句：{o.handoff or '（未找到）'}")
    for p in o.points:
        lines.append(f"{p.label}（{p.characters} 字）")
        for c in p.children:
            lines.append(f"  {c.label}（{c.characters} 字）")
            for g in c.children:
                lines.append(f"    {g.label}（{g.characters} 字）")
    lines.append(
        f"结尾：{(o.closing or '（未找到）')[:30]}{'…' if o.closing and len(o.closing) > 30 else ''}"
    )
    sub = sum(len(p.children) for p in o.points)
    lines.append(f"共 {len(o.points)} 个要点、{sub} 个下级条目，正文 {o.characters} 字")
    for note in o.numbering_notes:
        lines.append(f"编号提示：{note}")
    for u in o.unclassified:
        lines.append(f"未能归类：{u}")
    return "\n".join(lines)


# Writing the project's own formats --------------------------------------------------

_SCOPE_WORDS = (
    ("全县", "{{ whole }}"),
    ("全市", "{{ whole }}"),
    ("全区", "{{ whole }}"),
    ("县委", "{{ committee }}"),
    ("市委", "{{ committee }}"),
    ("区委", "{{ committee }}"),
    ("县直机关", "{{ organs }}"),
    ("市直机关", "{{ organs }}"),
)
_FIGURE = re.compile(r"[0-9０-９]+(?:[.．][0-9]+)?[%％]?|[×XＸ*＊]+")


def templatize(text: str) -> str:
    """A past speech's sentence as a bank template: braces made literal, scope words and figures as names."""
    text = text.replace("{", "｛").replace("}", "｝")
    text = _FIGURE.sub("{{ ph('数据') }}", text)
    for word, name in _SCOPE_WORDS:
        text = text.replace(word, name)
    return text


def _slot_id(stem: str) -> str:
    clean_id = re.sub(r"[^A-Za-z0-9_\-]", "", stem)[:24].strip("-_") or "speech"
    return f"imported-{clean_id}"


def _strip_marker(label: str, marker: str) -> str:
    return label[len(marker) :].lstrip("，,、 ") if label.startswith(marker) else label


_INLINE_STYLE = {
    "一是": "一是",
    "一要": "一要",
    "一要靠": "一要",
    "一则": "一是",
    "首先": "首先",
    "在方面": "在方面",
}


def intro_text(o: Outline, point: Node) -> str:
    """What a point says between its heading and its first sub-point."""
    seg = o.segment(point)
    if point.children:
        seg = seg[: point.children[0].offset - point.offset]
    head = point.label.rstrip("…")
    rest = seg[len(head) :] if seg.startswith(head) else seg
    return rest.lstrip("。！？，, ").strip()


def _body_nodes(o: Outline, point: Node, base: str) -> list[dict[str, object]]:
    nodes: list[dict[str, object]] = []
    if intro_text(o, point):
        nodes.append({"para": f"{base}.intro", "optional": True})
    subs = [c for c in point.children if c.level == 2]
    inline = [c for c in point.children if c.level == 3]
    if subs:
        nodes.append(
            {
                "sections": [
                    {
                        "heading": f"{base}.s{k}.head",
                        "body": [
                            {
                                "items": f"{base}.s{k}.items",
                                "style": _INLINE_STYLE.get(sub.children[0].style, "一是"),
                                "count": len(sub.children),
                            }
                        ]
                        if sub.children
                        else [{"para": f"{base}.s{k}.body"}],
                    }
                    for k, sub in enumerate(subs, start=1)
                ]
            }
        )
    elif inline:
        style = _INLINE_STYLE.get(inline[0].style, "一是")
        if style == "在方面":
            nodes.append({"items": f"{base}.aspects", "style": "一是", "count": len(inline)})
        else:
            nodes.append({"items": f"{base}.items", "style": style, "count": len(inline)})
    return nodes


def skeleton_data(o: Outline, stem: str, source: str) -> dict[str, object]:
    sid = _slot_id(stem)
    points = [
        {"heading": f"{sid}.p{i}.head", "body": _body_nodes(o, p, f"{sid}.p{i}")}
        for i, p in enumerate(o.points, start=1)
    ]
    return {
        "id": sid,
        "name": (o.title or stem)[:40],
        "description": f"从《{(o.title or stem)[:30]}》导入的结构：{len(o.points)} 点（待审阅）",
        "source": source,
        "numbering": "第一，" if o.numbering == "第一，" else "一、",
        "opening": [{"para": "opening.purpose"}, {"para": "opening.previous"}, {"para": "opening.handoff"}],
        "points": points,
        "closing": [{"para": "closing.stakes"}, {"para": "closing.rally"}],
    }


def _entry(eid: str, slot: str, variants: list[object]) -> dict[str, object]:
    return {"id": eid, "slot": slot, "variants": variants}


def _item(o: Outline, n: Node) -> dict[str, str]:
    """An item as head + text: the lead sentence, then what the speech says under it."""
    seg = o.segment(n)
    head = _strip_marker(n.label.rstrip("…"), n.marker)
    rest = seg[len(n.marker) + len(head) :].lstrip("。！？，, ") if seg.startswith(n.marker) else seg
    return {"head": templatize(head), "text": templatize(rest) or "{{ ph('展开内容') }}"}


def bank_data(o: Outline, stem: str) -> dict[str, object]:
    """Candidate phrases by slot, from the speech's own text, for a person to review."""
    sid = _slot_id(stem)
    entries: list[dict[str, object]] = []
    if o.opening:
        for k, text in enumerate(o.opening, start=1):
            entries.append(_entry(f"{sid}.opening.{k}", "opening.purpose", [templatize(text)]))
    if o.handoff:
        handoff = re.sub(r"[一二三四五六七八九十两几]+点", "{{ points_cn }}点", templatize(o.handoff))
        entries.append(
            _entry(
                f"{sid}.handoff",
                "opening.handoff",
                [handoff],
            )
        )
    for i, p in enumerate(o.points, start=1):
        base = f"{sid}.p{i}"
        entries.append(_entry(f"{base}.head", f"{base}.head", [templatize(_strip_marker(p.label, p.marker))]))
        intro = intro_text(o, p)
        if intro:
            entries.append(_entry(f"{base}.intro", f"{base}.intro", [templatize(intro)]))
        subs = [c for c in p.children if c.level == 2]
        for k, sub in enumerate(subs, start=1):
            entries.append(
                _entry(
                    f"{base}.s{k}.head",
                    f"{base}.s{k}.head",
                    [templatize(_strip_marker(sub.label, sub.marker))],
                )
            )
            for j, item in enumerate(sub.children, start=1):
                entries.append(_entry(f"{base}.s{k}.items.{j}", f"{base}.s{k}.items", [_item(o, item)]))
        inline = [c for c in p.children if c.level == 3]
        if not subs:
            slot = f"{base}.aspects" if inline and inline[0].style == "在方面" else f"{base}.items"
            for j, item in enumerate(inline, start=1):
                entries.append(_entry(f"{slot}.{j}", slot, [_item(o, item)]))
    if o.closing:
        entries.append(_entry(f"{sid}.closing", "closing.rally", [templatize(o.closing)]))
    return {
        "theme": f"导入：{(o.title or stem)[:30]}",
        "description": "speechdraft analyze 从往年讲话中提取的候选句，请逐条审阅、改写后再并入短语库",
        "entries": entries,
    }


def dump_yaml(data: dict[str, object], header: str) -> str:
    body = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)
    return header + body
