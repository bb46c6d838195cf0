"""From a speech's raw text to its paragraphs: remove what sites add, restore what copying broke.

Two steps, both pure. `strip_noise` removes what a sharing site puts around
and inside a speech (advertising, badges, file sizes, upload dates, page marks,
markup, pinyin glosses, repeated titles) by the shape of the thing, not by a
list of sites. `restore` gives back paragraphs: it joins lines broken inside
a sentence and splits lines that hold several paragraphs (a whole speech
copied onto one line): the title glued to 同志们：, headings after a full stop,
a heading glued to its body, the closing 同志们，.

Nothing that may be speech is deleted on a guess: what looks like noise but
is long or sits inside a sentence is kept and listed in `kept`.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from .script import recognition_form
from .structure import SALUTATION_INLINE, is_salutation, is_title

END = tuple("。！？：；”…」』）!?:;")
_CJK = r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”‘’]"
_SPACE = r"[ \t\u3000\u00a0]"
_INNER_SPACE = re.compile(
    rf"(?<={_CJK}){_SPACE}+(?={_CJK})|(?<=[\u4e00-\u9fff]){_SPACE}+(?=\w)|(?<=\w){_SPACE}+(?=[\u4e00-\u9fff])"
)
_INVISIBLE = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff\u0080-\u009f]")

# Markup: a paragraph-ending tag is a line break; any other tag goes.
_BREAK_TAG = re.compile(r"<\s*(?:br|/p|p|/div|div|/li|li|/h\d)\b[^<>]{0,200}>", re.I)
_TAG = re.compile(r"</?[A-Za-z][^<>]{0,200}>")

# The site speaking to its reader: sentences holding these are not speech.
_SITE_VOICE = re.compile(
    r"小编|供大家(?:参考|借鉴|学习|阅读|使用)|仅供(?:参考|学习|交流)|欢迎(?:阅读|下载|收藏)|"
    r"希望对(?:你|您|大家)有所?帮助|推荐(?:访问|阅读|下载)|相关(?:推荐|阅读|文章|范文)|热门(?:推荐|文章)|"
    r"更多(?:精彩|相关|范文)|本文(?:由|来源|系|来自)|文章来源|原文(?:链接|地址)|阅读全(?:部|文)|"
    r"(?:查看|展开)全文|点击(?:查看|下载|阅读|进入)|需要先?登[录陆]|会员(?:群|资料|专享|免费|上传|下载|权益)|"
    r"文库|范文网|(?:QQ|qq|微信|VX|vx)(?:群|号)?[：:\s]*\d{5,}|(?:QQ|qq)群|禁止外传|倒卖|如有侵权|版权(?:所有|归)|"
    r"(?:关注|搜索)(?:微信)?公众号|扫码(?:关注|下载|购买|加入|领取)|"
    r"(?:禁止|谢绝|未经允许)转载|转载(?:请|须)|www\.|https?://|\.com\b|\.cn\b|\.net\b|下载券|付费"
)
# A longer sentence holding site words is more likely speech quoting them: kept, and said.
_SITE_SENTENCE_MAX = 80
_STOP = re.compile(r"[。！？!?]")
_STRUCTURE = re.compile(
    r"[一二三四五六七八九十]{1,3}、(?![一二三四五六七八九十])|[（(][一二三四五六七八九十]{1,3}[）)]|同志们[，,：:！!]"
)
_TITLE_END = re.compile(r"(?:讲话|发言|致辞|讲稿|党课)(?:[（(][^）)]{0,20}[）)])?")
# How a title begins (在全县……会议上的讲话): a line that does is a title's first half, not a preface.
_TITLE_START = re.compile(r"^(?:——)?(?:在|关于|致)")
_LEAD_IN = re.compile(r"下面是|以下是|下文是|本篇|这篇|推荐访问|相关推荐|更多")
# Words a site uses and a speech may use too (用好微信公众号, 扫码亮码): noise only on a short line
# before the title, in the company of the site's own text.
_WEAK = re.compile(
    r"订阅|免费|下载|关注|原创|整理|咨询|举报|分享|平台|权益|迭代|会员|资料|上传|群[：:]|公众号|微信|QQ|qq|扫码|二维码|客服"
)

# Badges a page shows around a document: VIP marks, counters, file sizes, upload dates, buttons.
_ATOM = (
    r"(?:S?VIP|s?vip)(?:专免|专享|免费|会员|文档)?"
    r"|\d+(?:\.\d+)?\s?(?:[KMG]B|[kmg]b|KiB|MiB)"
    r"|(?:(?:上传|发布|更新)(?:时间|日期|于)[:：]?\s*)?(?:19|20)\d{2}[-/.](?:1[0-2]|0?[1-9])[-/.](?:3[01]|[12]\d|0?[1-9])(?!\d)"
    r"(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?"
    r"|(?<![\d“\"])\d{2,6}\+(?![%％N])"
)
_UI_WORD = r"海报|收藏|分享|举报|下载|打印|评论|点赞|浏览(?:量|次数)?|阅读量|页数|字数|格式"
_BADGES = re.compile(rf"(?:(?:{_UI_WORD})\s*){{0,4}}(?:{_ATOM})(?:\s*(?:{_ATOM}|{_UI_WORD})){{0,12}}")
# 10+ alone may be speech (10+个示范点); 999+ beside another badge is not.
_LONE_COUNT = re.compile(r"^\s*\d+\+\s*$")
_UI_ONLY = re.compile(rf"^(?:{_UI_WORD}|[\s|·/\d+])+$")
_PROMPT = re.compile(
    r"[（(【\[]([^（）()【】\[\]]{0,40}?(?:登[录陆]|阅读|下载|付费|购买|点击|会员|VIP|全文)[^（）()【】\[\]]{0,40}?)[）)】\]]"
)
_PINYIN = re.compile(
    r"(?<=[\u4e00-\u9fff])[（(][a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{0,6}[）)]"
)
_PAGE_SPAN = re.compile(
    r"(?<![\d年])[-—–－]{1,2}\s*\d{1,3}\s*[-—–－]{1,2}(?![\d])|第\s*\d{1,3}\s*页(?:\s*[，,/]?\s*共\s*\d{1,3}\s*页)?"
)
_PAGE_LINE = re.compile(r"^\s*(?:[-—–]\s*)?(?:第\s*)?\d{1,3}\s*(?:页|、|\.|．)?\s*(?:[-—–])?\s*$")
_PAGE_PREFIX = re.compile(r"^\d{1,3}[、．.]\s*")
# A page number copied into the middle of a sentence: 党小组3、逐步建立.
_PAGE_INSIDE = re.compile(r"(?<=[\u4e00-\u9fff])\d{1,3}[、．](?=[\u4e00-\u9fff])")
_DOTS = re.compile(r"[·•・‧]{3,}|\.{4,}")

# Where a copied line holds several paragraphs.
_N = "[一二三四五六七八九十]{1,3}"
_AFTER_STOP = r"(?<=[。！？!?])”?"
_SPLIT_BEFORE = re.compile(
    rf"{_AFTER_STOP}(?={_N}、(?![一二三四五六七八九十])|[（(]{_N}[）)]|同志们[，,！!])"
)
_HEAD_MARK = re.compile(rf"^(?:{_N}、|[（(]{_N}[）)])")
_ADDRESS_AFTER_TITLE = re.compile(r"^[^。！？!?]{4,60}?(?:讲话|发言|致辞|讲稿)(?=同志们[，,！!])")
_STARTS_MARK = re.compile(
    r"^(?:[一二三四五六七八九十]+、|第[一二三四五六七八九十]+[，、,]|[（(][一二三四五六七八九十\d]+[）)]|同志们"
    r"|\d{1,2}[.．、](?!\d))"
)
# A first sub-mark glued to its heading (……的紧迫感第一，覆盖面……): where the heading ends.
_SUB_MARK = re.compile(r"[（(]一[）)]|第一[，、,]|1[.．、](?!\d)|[（(]1[）)]|一是|一要|首先[，,]")
# How a body starts after a heading that lost its line break.
_BODY_OPENER = re.compile(
    r"今年以来|近年来|近几年|去年以来|一年来|多年来|长期以来|一段时间以来|当前|目前|近期|这些年|过去一年|今年|去年|"
    r"从[^，。]{1,8}(?:看|来看)|总的来看|总体来看|实践证明|事实证明|随着|面对|针对|按照|根据|对照|"
    r"我们|我[县市区镇乡]|各级|各位|各[地单部镇乡街村]|全[县市区镇乡]|有的|(?:少数|个别)(?:党员|干部|单位|地方|同志)|"
    r"在[^，,。；]{2,12}(?:期间|时期|以来|过程中|工作中)[，,]|"
    r"这次|这一年|这项|要(?:把|用好|加强|坚持|强化|落实|抓好|做好|建立|完善|推动|注重|切实|进一步)"
)


@dataclass
class Cleaned:
    paragraphs: list[str]
    removed: list[tuple[str, str]] = field(default_factory=list)  # (text, reason)
    joined: int = 0  # lines joined to the line before (broken inside a sentence)
    lines: list[int] = field(default_factory=list)  # 1-based source line where each paragraph starts
    kept: list[tuple[str, str]] = field(default_factory=list)  # looked like noise, kept: (text, why)
    split: int = 0  # paragraphs restored from inside a line


@dataclass
class _Piece:
    text: str
    line: int


def _cut(text: str, spans: list[tuple[int, int]]) -> str:
    out, last = [], 0
    for a, b in sorted(spans):
        if a < last:
            a = last
        out.append(text[last:a])
        last = max(last, b)
    out.append(text[last:])
    return "".join(out)


def _site_sentences(text: str, removed: list[tuple[str, str]], kept: list[tuple[str, str]]) -> str:
    """Remove the sentences in which the site speaks; keep (and say so) any that is long."""
    key = recognition_form(text)
    spans: list[tuple[int, int]] = []
    pos = 0
    while True:
        m = _SITE_VOICE.search(key, pos)
        if not m:
            break
        floor = max(0, m.start() - _SITE_SENTENCE_MAX)
        a = max(floor, *(key.rfind(c, floor, m.start()) + 1 for c in "。！？!?"))
        for tm in _TITLE_END.finditer(key, a, m.start()):
            a = tm.end()  # a title glued before the site's words stays
        lead = None
        for lm in _LEAD_IN.finditer(key, a, m.start() + 1):
            lead = lm
        if lead is not None:
            a = lead.start()
        sal = None
        for sm in SALUTATION_INLINE.finditer(key, a, m.start()):
            sal = sm
        if sal is not None:
            a = sal.end()
        e = _STOP.search(key, m.end(), m.end() + _SITE_SENTENCE_MAX + 1)
        b = e.end() if e else min(len(key), m.end() + _SITE_SENTENCE_MAX + 1)
        for boundary in (SALUTATION_INLINE, _STRUCTURE):
            nxt = boundary.search(key, m.end(), b)
            if nxt is not None:
                b = nxt.start()  # the site's text never runs into a heading or an address
        for hm in _STRUCTURE.finditer(key, a, m.start()):
            # Speech structure before the site's words: they start at their own lead-in, or at themselves.
            a = lead.start() if lead is not None and lead.start() >= hm.end() else m.start()
        if b - a > _SITE_SENTENCE_MAX:
            kept.append((text[a:b][:40], "含网站用语，但句子较长，疑为正文，已保留"))
        else:
            spans.append((a, b))
            removed.append((text[a:b].strip(), "网站用语"))
        pos = max(b, m.end())
    return _cut(text, spans) if spans else text


def _spans(pattern: re.Pattern[str], text: str, why: str, removed: list[tuple[str, str]]) -> str:
    key = recognition_form(text)
    spans = [
        (m.start(), m.end())
        for m in pattern.finditer(key)
        if m.group().strip() and not (pattern is _BADGES and _LONE_COUNT.match(m.group()))
    ]
    for a, b in spans:
        removed.append((text[a:b], why))
    return _cut(text, spans) if spans else text


def _page_numbers_inside(text: str, removed: list[tuple[str, str]], kept: list[tuple[str, str]]) -> str:
    """A number with 、 between two words of a sentence is a page number copied in, unless it may be
    an item of a list (1、, or the next after an earlier N-1、 nearby): that one is kept, and said."""
    spans = []
    for m in _PAGE_INSIDE.finditer(text):
        n = int(m.group()[:-1])
        if n == 1 or f"{n - 1}{m.group()[-1]}" in text[max(0, m.start() - 300) : m.start()]:
            kept.append(
                (text[max(0, m.start() - 6) : m.end() + 6], "句中的编号，可能是条目也可能是页码，已保留")
            )
            continue
        spans.append((m.start(), m.end()))
        removed.append((m.group(), "页码标记"))
    return _cut(text, spans) if spans else text


def _dots(text: str, removed: list[tuple[str, str]], kept: list[tuple[str, str]]) -> str:
    """Leader dots go, except between two words of a sentence (an ellipsis typed with dots)."""
    spans = []
    for m in _DOTS.finditer(text):
        before, after = text[: m.start()].rstrip(), text[m.end() :].lstrip()
        inside = before and after and not before.endswith(END) and re.match(r"[\u4e00-\u9fff]", after)
        if inside:
            kept.append((text[max(0, m.start() - 6) : m.end() + 6], "句中的点线，可能是省略号，已保留"))
        else:
            spans.append((m.start(), m.end()))
            removed.append((m.group(), "点线"))
    return _cut(text, spans) if spans else text


def strip_noise(text: str) -> tuple[list[_Piece], list[tuple[str, str]], list[tuple[str, str]]]:
    """Lines of the text with site noise removed: (pieces, removed, kept)."""
    removed: list[tuple[str, str]] = []
    kept: list[tuple[str, str]] = []
    pieces: list[_Piece] = []
    site_lines: set[int] = set()
    if "&" in text:
        text = html.unescape(text)
    for number, raw in enumerate(text.splitlines(), start=1):
        raw = _INVISIBLE.sub("", raw)
        for tag in _BREAK_TAG.findall(raw) + _TAG.findall(_BREAK_TAG.sub("\n", raw)):
            removed.append((tag, "网页标签"))
        for part in _TAG.sub("", _BREAK_TAG.sub("\n", raw)).split("\n"):
            line = _INNER_SPACE.sub("", part.strip())
            if not line:
                continue
            if _PAGE_LINE.match(line):
                removed.append((line, "页码标记"))
                continue
            if _UI_ONLY.match(recognition_form(line)) and not line.isdigit():
                removed.append((line, "网页按钮"))
                continue
            before = len(removed)
            line = _spans(_PROMPT, line, "网站提示", removed)
            line = _site_sentences(line, removed, kept)
            if len(removed) > before:
                site_lines.add(number)
            line = _spans(_BADGES, line, "网页标记（会员、计数、大小、日期）", removed)
            line = _spans(_PAGE_SPAN, line, "页码标记", removed)
            line = _page_numbers_inside(line, removed, kept)
            line = _spans(_PINYIN, line, "注音", removed)
            line = _dots(line, removed, kept).strip()
            if line and not _PAGE_LINE.match(line):
                pieces.append(_Piece(line, number))
            elif line:
                removed.append((line, "页码标记"))
    pieces = _head_noise(pieces, removed, site_lines)
    return pieces, removed, kept


def _head_noise(pieces: list[_Piece], removed: list[tuple[str, str]], site_lines: set[int]) -> list[_Piece]:
    """Before the title, short lines that only advertise go with the site's text.

    A short line there is noise when it uses site words and the same stretch held the site
    speaking to its reader; a short line that recurs inside removed noise (a site's name) is noise
    anywhere. Without such company a line is kept, to be listed as unclassified.
    """
    start = next(
        (
            i
            for i, p in enumerate(pieces)
            if is_title(p.text) or is_salutation(p.text) or SALUTATION_INLINE.search(recognition_form(p.text))
        ),
        len(pieces),
    )
    head_line = pieces[start].line if start < len(pieces) else 1 << 30
    noisy_head = any(n < head_line for n in site_lines)
    out: list[_Piece] = []
    for i, p in enumerate(pieces):
        short = len(p.text) <= 60 and "。" not in p.text
        if i < start and noisy_head and short and _WEAK.search(recognition_form(p.text)):
            removed.append((p.text, "广告或水印"))
            continue
        out.append(p)
    noise_text = "".join(t for t, _ in removed)
    final: list[_Piece] = []
    for p in out:
        if len(p.text) <= 12 and not p.text.endswith(END) and not is_title(p.text) and p.text in noise_text:
            removed.append((p.text, "广告或水印"))
            continue
        final.append(p)
    return final


# Restoring paragraphs --------------------------------------------------------------


def _split_line(piece: _Piece, first: bool, notes: list[tuple[str, str]]) -> list[_Piece]:
    """Paragraphs a copied line holds: title | salutation | opening … headings … closing."""
    text, key = piece.text, recognition_form(piece.text)
    cuts: set[int] = set()
    if first:
        sal = SALUTATION_INLINE.search(key)
        if sal and not re.search(r"[。！？!?]", key[: sal.start()]):
            cuts.update({sal.start(), sal.end()})
        address = _ADDRESS_AFTER_TITLE.search(key)
        if address and not sal:
            cuts.add(address.end())  # ……上的讲话同志们，今天……: the title, then the opening
    cuts.update(m.start() for m in _SPLIT_BEFORE.finditer(key))
    bounds = sorted(c for c in cuts if 0 < c < len(text))
    parts = [text[a:b] for a, b in zip([0, *bounds], [*bounds, len(text)], strict=True)]
    out: list[_Piece] = []
    for k, part in enumerate(parts):
        part = part.strip()
        if not part:
            continue
        head, body = _unglue(part, notes) if k > 0 or len(text) > 300 else (part, "")
        out.append(_Piece(head, piece.line))
        if body:
            out.append(_Piece(body, piece.line))
    return out


def _unglue(text: str, notes: list[tuple[str, str]]) -> tuple[str, str]:
    """A heading that lost its line break runs into its body: cut where a body typically starts."""
    key = recognition_form(text)
    m = _HEAD_MARK.match(key)
    if not m:
        return text, ""
    stop = re.compile(r"[。！？!?：:；;]").search(key)
    first = stop.start() if stop else len(key)
    sub = _SUB_MARK.search(key, m.end() + 3, first)
    if sub:
        return text[: sub.start()], text[sub.start() :]
    if first - m.end() <= 10:
        return text, ""
    for o in _BODY_OPENER.finditer(key, m.end() + 3, min(first, m.end() + 40)):
        if key[o.start() - 1] not in "，,、":
            notes.append(
                (
                    text[: o.start()],
                    f"标题与正文之间没有标点，在“{text[o.start() : o.start() + 4]}”前分段，请核对",
                )
            )
            return text[: o.start()], text[o.start() :]
    if first - m.end() > (16 if stop else 30):
        notes.append((text[:24], "标题可能与正文相连，未能确定分界，请核对"))
    return text, ""


@dataclass
class _Para:
    """A paragraph being restored: its parts are joined once at the end, so joining stays linear."""

    parts: list[str]
    line: int
    length: int = 0
    stop: bool = False  # holds a full stop

    def add(self, text: str) -> None:
        self.parts.append(text)
        self.length += len(text)
        self.stop = self.stop or "。" in text

    def short_text(self) -> str | None:
        return "".join(self.parts) if self.length <= 60 else None

    def is_heading(self) -> bool:
        """A heading stands alone; a numbered paragraph that already has full stops does not."""
        if self.stop:
            return False
        short = self.short_text()
        first = recognition_form(self.parts[0])
        numbered = bool(_STARTS_MARK.match(first)) and not first.startswith("同志们")
        return numbered or (short is not None and is_title(short))


def restore(pieces: list[_Piece], removed: list[tuple[str, str]], notes: list[tuple[str, str]]) -> Cleaned:
    split: list[_Piece] = []
    for i, p in enumerate(pieces):
        split.extend(_split_line(p, first=i < 3, notes=notes))
    paras: list[_Para] = []
    joined = 0
    seen_head: set[str] = set()
    salutation_seen = False
    body_seen = False  # a sentence or a numbered line: the head (title, byline, date) is over
    for p in split:
        line = p.text
        key = recognition_form(line)
        in_head = not salutation_seen and not body_seen
        body_seen = body_seen or len(line) > 60 or bool(_STOP.search(key) or _STARTS_MARK.match(key))
        if not salutation_seen:
            if is_salutation(line):
                salutation_seen = True
            else:
                half = len(line) // 2
                if half >= 6 and len(line) % 2 == 0 and key[:half] == key[half:]:
                    removed.append((line[half:], "重复的标题行"))  # a title copied twice onto one line
                    line, key = line[:half], key[:half]
                norm = re.sub(r"\s", "", key)
                if norm in seen_head:
                    removed.append((line, "重复的标题行"))
                    continue
                seen_head.add(norm)
        if paras:
            prev = paras[-1]
            short = prev.short_text()
            if (
                not salutation_seen
                and short is not None
                and len(short) <= 40
                and is_title(line)
                and not is_title(short)
                and not short.endswith(END)
                and _TITLE_START.match(recognition_form(short))
                and not _TITLE_START.match(key)
            ):
                prev.add(line)  # a title broken over two lines
                joined += 1
                seen_head.add(re.sub(r"\s", "", recognition_form(short + line)))
                continue
            broken = (
                not in_head
                and not prev.parts[-1].endswith(END)
                and not prev.is_heading()
                and not is_title(line)
            )
            page = _PAGE_PREFIX.match(line)
            if broken and page and not _PAGE_PREFIX.match(prev.parts[0]):
                removed.append((page.group().strip(), "页码标记"))
                line = line[page.end() :]
                key = recognition_form(line)
            if broken and line and not _STARTS_MARK.match(key) and not is_salutation(line):
                prev.add(line)
                joined += 1
                continue
        if line:
            para = _Para([], p.line)
            para.add(line)
            paras.append(para)
    out = Cleaned(paragraphs=["".join(x.parts) for x in paras], removed=removed, kept=notes)
    out.lines = [x.line for x in paras]
    out.joined = joined
    out.split = max(0, len(split) - len(pieces))
    return out


def clean(text: str) -> Cleaned:
    """Noise removed and paragraphs restored: what `analyze` and `lint` both read."""
    pieces, removed, kept = strip_noise(text)
    return restore(pieces, removed, kept)
