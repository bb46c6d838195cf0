"""How the draft names a place: 开头第2段, 第二部分标题, 第一部分“三是”, 第二部分（一）第1段 …

Clerks know a speech by its sections, paragraphs and numbering markers, never by
choice paths (`point1.1.3`); every label and message shown to them is built here,
from the draft as it reads, so “三是” in a message is “三是” on the page.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from .draft import Draft
from .numbering import cn

_CN = "一二三四五六七八九十"
MARKER_RE = re.compile(rf"^(?:（[{_CN}]+）|[{_CN}]+[是要、]|第[{_CN}]+，|首先，|其次，|再次，|最后，)")
_SEQUENCE = ("首先，", "其次，", "再次，")


@dataclass(frozen=True)
class Role:
    """What a choice path fills, as far as naming it goes."""

    role: str  # "para", "heading", "item", "announce", "domain"
    domain: str | None = None


def section_of(path: str) -> str:
    """The section a choice path belongs to: "point2.1.3" -> "point2"."""
    return path.split(".", 1)[0]


def section_label(section: str) -> str:
    if section == "opening":
        return "开头"
    if section == "closing":
        return "结尾"
    if section.startswith("point") and section[5:].isdigit():
        return f"第{cn(int(section[5:]))}部分"
    return section


def shorten(text: str, limit: int = 16) -> str:
    """The first words of a sentence, enough to recognise it in a message."""
    text = text.strip().rstrip("。；，：:")
    return text if len(text) <= limit else text[:limit] + "……"


def _marker(text: str) -> str:
    m = MARKER_RE.match(text)
    return m.group(0).rstrip("，") if m else ""


def _numbered_marker(text: str, number: int) -> str:
    """The marker of item `number` inside a paragraph that holds several items (一是……二是……)."""
    n = cn(number)
    for mark in (f"{n}是", f"{n}要", f"（{n}）", f"{n}、", f"第{n}，"):
        if mark in text:
            return mark.rstrip("，")
    if number <= len(_SEQUENCE) and _SEQUENCE[number - 1] in text:
        return _SEQUENCE[number - 1].rstrip("，")
    return ""


_INLINE_RE = re.compile(rf"[{_CN}]+[是要](?=[^{_CN}])|首先|其次|再次|最后")


def _run_marker(text: str, paths: tuple[str, ...], path: str, number: int) -> str:
    """The marker of `path` in a list run together in one paragraph (一是……二是……三是……).

    The clerk's own facts lead the list without paths, so the k-th path has the
    k-th of the last len(paths) markers.
    """
    marks = _INLINE_RE.findall(text)
    if len(marks) >= len(paths):
        return marks[len(marks) - len(paths) + paths.index(path)]
    return _numbered_marker(text, number)


def place_labels(draft: Draft, roles: Mapping[str, Role]) -> dict[str, str]:
    """A label for every path in `roles`, as a clerk reading the draft would say it."""
    sub_heading: dict[str, str] = {}  # sub-section prefix ("point2.0.0") -> its marker, e.g. （一）
    where_para: dict[str, tuple[int, int, int]] = {}  # path -> (paragraph, ordinal in scope, sentence)
    sentences_in: dict[int, int] = {}
    counters: dict[str, int] = {}
    scope_of_para: dict[int, str] = {}
    scope = ""
    for i, para in enumerate(draft.paragraphs):
        if not para.section:
            continue
        if para.kind == "heading1":
            scope = para.section
            continue
        if scope == "" or not scope.startswith(para.section):
            scope = para.section
        if para.kind == "heading2" and para.paths and para.paths[0].endswith(".heading"):
            prefix = para.paths[0].removesuffix(".heading")
            sub_heading[prefix] = _marker(para.text)
            scope = prefix
            continue
        scope_of_para[i] = scope
        if para.kind == "body":
            counters[scope] = counters.get(scope, 0) + 1
        own = [p for p in para.paths if roles.get(p, Role("")).role == "para"]
        sentences_in[i] = len(own)
        for p in para.paths:
            if p not in where_para:
                where_para[p] = (i, counters.get(scope, 0), own.index(p) if p in own else 0)

    def where(path: str) -> str:
        """Section label, with the sub-section marker when the path sits inside one: 第二部分（一）."""
        label = section_label(section_of(path))
        parts = path.split(".")
        for k in range(len(parts) - 1, 1, -1):
            mark = sub_heading.get(".".join(parts[:k]))
            if mark is not None:
                return label + mark if mark else label
        return label

    labels: dict[str, str] = {}
    announces: dict[str, int] = {}
    for path, role in roles.items():
        here = where(path)
        section = section_of(path)
        if role.role == "heading":
            if path == f"{section}.heading":
                labels[path] = f"{section_label(section)}标题"
            else:
                labels[path] = f"{here}小标题"
        elif role.role == "announce":
            announces[section] = announces.get(section, 0) + 1
            n = announces[section]
            labels[path] = f"{here}引导句" if n == 1 else f"{here}第{n}处引导句"
        elif role.role in ("item", "domain"):
            labels[path] = _item_label(draft, path, role, here)
        else:
            i, ordinal, sentence = where_para.get(path, (-1, 0, 0))
            label = f"{here}第{ordinal}段" if ordinal else f"{here}一段"
            if sentences_in.get(i, 1) > 1:
                label += f"第{sentence + 1}句"
            labels[path] = label
    return labels


def _item_label(draft: Draft, path: str, role: Role, here: str) -> str:
    """第一部分“三是”: the item's own marker; the domain or the item's number when it has none."""
    last = path.rsplit(".", 1)[-1]
    number = int(last) + 1 if last.isdigit() else 0
    mark = ""
    for para in draft.paragraphs:
        if path not in para.paths:
            continue
        mark = (
            _marker(para.text) if len(para.paths) == 1 else _run_marker(para.text, para.paths, path, number)
        )
        if mark:
            break
    if mark:
        return f"{here}“{mark}”"
    if role.domain:
        return f"{here}{role.domain}方面"
    return f"{here}第{number}条" if number else f"{here}一条"
