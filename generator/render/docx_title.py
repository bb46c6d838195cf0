"""Breaking a long title into balanced lines (GB/T 9704-2012, 7.3.3).

A title that does not fit one line of 二号 type is set on two or more lines that
keep words whole and are close in length (梯形或菱形), never leaving a short
tail such as 「话」 alone. There is no dictionary here: the break points are
scored by what usually surrounds a boundary in meeting titles (after 暨, 会议,
上的 or a comma; never inside a common title word, a number or a quotation).
"""

from __future__ import annotations

import re
from functools import lru_cache

LINE_CHARS = 20  # 二号 (22 pt) characters in the 156 mm type area
MIN_LINE = 4  # no title line shorter than this

# A break right after these is natural: a conjunction, a clause mark, the end of a meeting's name.
_GOOD_AFTER = ("暨", "、", "，", "：", "；", "会议", "上的", "大会", "工作会", "推进会", "部署会", "座谈会")
_FAIR_AFTER = (
    "会",
    "的",
    "和",
    "与",
    "及",
    "同志",
    "工作",
    "建设",
    "要求",
    "精神",
    "县",
    "市",
    "区",
    "年",
    "组",
)
# A break right before these is natural: a new clause or the standard tail 在…上的讲话.
_GOOD_BEFORE = ("暨", "在", "——", "关于")

# Words that never split across lines (what meeting names and speech titles are made of).
_WORDS = (
    "全面从严治党",
    "反腐败",
    "两新组织",
    "业务培训",
    "理论学习",
    "乡村振兴",
    "党风廉政建设",
    "基层党组织",
    "基层党建",
    "党建工作",
    "组织工作",
    "机关党建",
    "党的建设",
    "述职评议",
    "主题教育",
    "民主生活会",
    "组织生活会",
    "理论学习",
    "中心组",
    "推进会",
    "部署会",
    "座谈会",
    "动员会",
    "培训会",
    "交流会",
    "观摩会",
    "总结会",
    "表彰会",
    "警示教育",
    "工作会议",
    "党支部",
    "党委",
    "党组",
    "机关",
    "县直",
    "市直",
    "区直",
    "省直",
    "乡镇",
    "街道",
    "社区",
    "农村",
    "基层",
    "党建",
    "工作",
    "推进",
    "会议",
    "业务",
    "培训",
    "部署",
    "动员",
    "专题",
    "讲话",
    "上的",
    "组织",
    "建设",
    "两新",
    "非公",
    "企业",
    "学校",
    "医院",
    "现场",
    "经验",
    "交流",
    "表彰",
    "总结",
    "学习",
    "教育",
    "书记",
    "抓基层",
    "述职",
    "评议",
    "考核",
    "全县",
    "全市",
    "全区",
    "全省",
)
_UNBREAKABLE = re.compile(r"[0-9A-Za-z]+|“[^”]*”|《[^》]*》|（[^）]*）|\([^)]*\)")
_NO_LINE_START = "，。、；：？！”’》）)…—"
_NO_LINE_END = "“‘《（("


@lru_cache(maxsize=256)
def _inside_word(title: str) -> frozenset[int]:
    """Positions (break before index i) that would cut a known word, a number or a quotation."""
    cut: set[int] = set()
    for m in _UNBREAKABLE.finditer(title):
        cut.update(range(m.start() + 1, m.end()))
    for word in _WORDS:
        start = title.find(word)
        while start != -1:
            cut.update(range(start + 1, start + len(word)))
            start = title.find(word, start + 1)
    return frozenset(cut)


def _break_cost(title: str, i: int) -> float:
    """Cost of breaking before title[i]: low at natural boundaries, high inside words."""
    left, right = title[:i], title[i:]
    if right[0] in _NO_LINE_START or left[-1] in _NO_LINE_END:
        return 100.0
    cost = 4.0
    if i in _inside_word(title):
        cost += 40.0  # words stay whole (词意完整) unless nothing else fits
    if left.endswith("暨"):
        cost -= 10.0  # 暨 joins two meetings: the best place of all
    elif left.endswith(_GOOD_AFTER) or right.startswith(_GOOD_BEFORE):
        cost -= 5.0
    elif left.endswith(_FAIR_AFTER):
        cost -= 2.0
    return cost


def title_lines(title: str, width: int = LINE_CHARS) -> list[str]:
    """The title as lines of at most `width` characters, balanced, broken where words end.

    One line when it fits. Otherwise the fewest lines that can hold it, each at
    least MIN_LINE characters, choosing breaks that minimise the spread of line
    lengths plus the cost of each boundary.
    """
    title = title.strip()
    n = len(title)
    if n <= width:
        return [title] if title else []
    count = -(-n // width)
    if n < count * MIN_LINE:
        return [title]
    ideal = n / count
    # best[k][i]: cheapest way to set title[:i] as k lines; back[k][i] the start of line k.
    inf = float("inf")
    best = [[inf] * (n + 1) for _ in range(count + 1)]
    back = [[0] * (n + 1) for _ in range(count + 1)]
    best[0][0] = 0.0
    for k in range(1, count + 1):
        for i in range(1, n + 1):
            for j in range(max(0, i - width), i - MIN_LINE + 1):
                if best[k - 1][j] == inf:
                    continue
                cost = best[k - 1][j] + (i - j - ideal) ** 2
                if i < n:
                    cost += _break_cost(title, i)
                if cost < best[k][i]:
                    best[k][i], back[k][i] = cost, j
    if best[count][n] == inf:
        return [title]
    lines: list[str] = []
    i = n
    for k in range(count, 0, -1):
        j = back[k][i]
        lines.append(title[j:i])
        i = j
    return lines[::-1]
