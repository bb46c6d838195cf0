"""Turning an office's past speech into an outline, a draft skeleton and phrase candidates.

The reading itself is shared with `lint`: `clean` (generator/cleaning.py)
removes what sharing sites add and restores paragraphs, `outline`
(generator/structure.py) finds title, salutation, opening, hand-off, points at
every level and closing. This module shows the outline and writes the
project's own formats (`skeleton_data`, `bank_data`) for a person to review.
What cannot be classified is listed, never silently guessed.
"""

from __future__ import annotations

import re

import yaml

from .cleaning import Cleaned, clean
from .script import recognition_form
from .structure import HANDOFF, Node, Outline, announced_count, outline

__all__ = ["Cleaned", "Node", "Outline", "bank_data", "clean", "format_outline", "outline", "skeleton_data"]


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


# Styles that number items inside a point (the rest are headings of sections).
_ITEM_STYLES = frozenset({"一是", "一要", "首先", "在方面"})

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
    subs = [c for c in point.children if c.style not in _ITEM_STYLES]
    inline = [c for c in point.children if c.style in _ITEM_STYLES]
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


def handoff_template(sentence: str) -> str:
    """The hand-off as a template: the count it announces (三点, 两个问题, 3个方面) becomes the draft's own."""
    found = None
    for m in HANDOFF.finditer(recognition_form(sentence)):
        found = m
    count, (a, b) = announced_count(found) if found else (None, (-1, -1))
    if count is None or count == "几":
        return templatize(sentence)
    return templatize(sentence[:a]) + "{{ points_cn }}" + templatize(sentence[b:])


def bank_data(o: Outline, stem: str) -> dict[str, object]:
    """Candidate phrases by slot, from the speech's own text, for a person to review."""
    sid = _slot_id(stem)
    entries: list[dict[str, object]] = []
    if o.opening:
        for k, text in enumerate(o.opening, start=1):
            entries.append(_entry(f"{sid}.opening.{k}", "opening.purpose", [templatize(text)]))
    if o.handoff:
        handoff = handoff_template(o.handoff)
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
        subs = [c for c in p.children if c.style not in _ITEM_STYLES]
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
        inline = [c for c in p.children if c.style in _ITEM_STYLES]
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
