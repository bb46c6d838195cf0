"""Chinese numerals and the numbering styles of official speeches.

Numbers are always computed from the structure, never written into the bank,
so "我讲三点意见" always matches the points that follow.
"""

from __future__ import annotations

from typing import Literal

_DIGITS = "零一二三四五六七八九"

Style = Literal["一、", "第一，", "（一）", "一是", "一要", "首先", "在方面"]
STYLES: tuple[str, ...] = ("一、", "第一，", "（一）", "一是", "一要", "首先", "在方面")

# Styles whose items are inline lead phrases inside a body paragraph.
INLINE_STYLES = frozenset({"一是", "一要", "首先", "在方面"})

_SEQUENCE_WORDS = ("首先", "其次", "再次")


def cn(n: int) -> str:
    """1 -> 一, 10 -> 十, 12 -> 十二, 20 -> 二十 (enough for speech counts)."""
    if n < 0 or n > 99:
        raise ValueError(f"number out of range for speech numbering: {n}")
    if n < 10:
        return _DIGITS[n]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else _DIGITS[tens]
    return head + "十" + (_DIGITS[ones] if ones else "")


def cn_count(n: int) -> str:
    """A count before a measure word: 两个方面, not 二个方面."""
    return "两" if n == 2 else cn(n)


def ordinal(style: str, i: int, total: int) -> str:
    """The marker for the i-th item (1-based) of `total` in `style`."""
    if style == "一、":
        return f"{cn(i)}、"
    if style == "第一，":
        return f"第{cn(i)}，"
    if style == "（一）":
        return f"（{cn(i)}）"
    if style == "一是":
        return f"{cn(i)}是"
    if style == "一要":
        return f"{cn(i)}要"
    if style == "首先":
        if i == total and total > 2:
            return "最后，"
        return (_SEQUENCE_WORDS[i - 1] if i <= len(_SEQUENCE_WORDS) else f"第{cn(i)}") + "，"
    if style == "在方面":
        return ""
    raise ValueError(f"unknown numbering style: {style}")
