"""Reading a draft's announced counts back from its text, independently of compose."""

from __future__ import annotations

import re

from generator.draft import Draft

_CN = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_ITEM = re.compile(r"(?:^|[。；！])([一二三四五六七八九十]+)(?:是|要)")
_SEQ = re.compile(r"^(首先|其次|再次|最后|第[一二三四五六七八九十]+)，")
_DOMAIN = re.compile(r"^在[^，。]{2,16}方面，")


def cn_int(text: str) -> int:
    if text.startswith("十"):
        return 10 + (_CN[text[1]] if len(text) > 1 else 0)
    if "十" in text:
        tens, _, ones = text.partition("十")
        return _CN[tens] * 10 + (_CN[ones] if ones else 0)
    return _CN[text]


def count_mismatches(draft: Draft) -> list[str]:
    """Every announced count that differs from the items that follow it."""
    problems: list[str] = []
    paras = draft.paragraphs
    headings = sum(1 for p in paras if p.kind == "heading1")
    for p in paras:
        m = re.search(r"讲([一二三四五六七八九十两])点", p.text)
        if p.section == "opening" and m and cn_int(m.group(1)) != headings:
            problems.append(f"handoff says {m.group(1)}, draft has {headings} points")
    for i, p in enumerate(paras):
        if not any(path.endswith(".announce") for path in p.paths):
            continue
        m = re.search(r"([一二三四五六七八九十两]+)(?:个|项|条|点)", p.text)
        if not m:
            problems.append(f"announce without a number: {p.text}")
            continue
        said = cn_int(m.group(1))
        rest = paras[i + 1 :]
        if rest and rest[0].kind == "heading2":
            n = 0
            for q in rest:
                if q.kind == "heading1":
                    break
                n += q.kind == "heading2"
        else:
            n = 0
            for q in rest:
                if q.kind != "body":
                    break
                found = len(_ITEM.findall(q.text)) or int(bool(_SEQ.match(q.text) or _DOMAIN.match(q.text)))
                if not found:
                    break
                n += found
        if n != said:
            problems.append(f"announce says {said}, {n} items follow: {p.text}")
    return problems
