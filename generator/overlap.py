"""No 雷同: which sentences a text shares with earlier speeches, and foreign place names.

Copying (照搬照抄) is publicly criticised, and its tell-tales are sentences found word for word (or
nearly) in another office's speech and a place name left over from the source. `SentenceIndex`
finds both kinds of shared sentence in time linear in the text (an inverted index of character
bigrams, never all pairs); `compose` uses it to avoid the office's past speeches (`--avoid`), and
`lint --against` reports the share. The near-duplicate measure is lint's: Dice similarity of
character bigrams ≥ 80% between sentences of similar length.
"""

from __future__ import annotations

import errno
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

# The sentence measure lint's repeat check uses too: one definition, so 查重 and lint agree.
NORMAL = re.compile(r"[\s“”‘’\"'（）()、，,。！？!?；;：:…—\-]")
SPLIT = re.compile(r"(?<=[。！？!?；;])")
MIN_SENTENCE = 10  # normalised characters: shorter ones are formulas (同志们：, 下面我讲三点意见)
NEAR = 0.8
NEAR_MIN = 16  # only sentences this long are compared for near-duplicates
NEAR_LENGTH_RATIO = 0.7  # nor two sentences of very different length


def normal(sentence: str) -> str:
    return NORMAL.sub("", sentence)


# A numbering marker in front of a sentence (一、 （一） 第一， 一是 一要 1.): where a sentence stands in
# the list is not part of what it says, so a heading or lead phrase is found under any number.
_ORDINAL = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+[、是要]|[（(][一二三四五六七八九十\d]+[）)]|第[一二三四五六七八九十]+[，,、：:]?|\d+[.．、])"
)


def sentence_key(sentence: str) -> str:
    """What two sentences must share to count as the same: the words, without numbering or punctuation."""
    return normal(_ORDINAL.sub("", sentence, count=1))


def split_sentences(text: str) -> list[str]:
    return [s.strip() for s in SPLIT.split(text) if s.strip()]


def bigrams(key: str) -> frozenset[str]:
    return frozenset(key[i : i + 2] for i in range(len(key) - 1))


def dice(a: frozenset[str], b: frozenset[str]) -> float:
    """The similarity of two sentences: Dice's coefficient on their character bigrams."""
    return 2 * len(a & b) / (len(a) + len(b)) if a or b else 1.0


@dataclass(frozen=True)
class Hit:
    """A sentence found in the index: the stored sentence, where it came from, how alike."""

    sentence: str
    source: str
    similarity: float  # 1.0 for identical


@dataclass
class SentenceIndex:
    """Sentences of reference texts, for identical and near-identical look-up."""

    exact: dict[str, tuple[str, str]] = field(default_factory=dict)
    keys: list[tuple[str, frozenset[str], str, str]] = field(default_factory=list)
    postings: dict[str, list[int]] = field(default_factory=dict)

    def add(self, sentence: str, source: str) -> None:
        key = sentence_key(sentence)
        if len(key) < MIN_SENTENCE or key in self.exact:
            return
        self.exact[key] = (sentence, source)
        if len(key) >= NEAR_MIN:
            grams = bigrams(key)
            n = len(self.keys)
            self.keys.append((key, grams, sentence, source))
            for g in grams:
                self.postings.setdefault(g, []).append(n)

    def add_text(self, paragraphs: Iterable[str], source: str) -> None:
        for text in paragraphs:
            for s in split_sentences(text):
                self.add(s, source)

    def __len__(self) -> int:
        return len(self.exact)

    def holds_any(self, sentences: Iterable[str]) -> bool:
        """Whether any of these sentences (empty ones aside) is stored, identical or nearly."""
        return any(self.find(s) for s in sentences if s)

    def find(self, sentence: str) -> Hit | None:
        """The stored sentence identical or nearly identical to `sentence`, if any."""
        key = sentence_key(sentence)
        if len(key) < MIN_SENTENCE:
            return None
        same = self.exact.get(key)
        if same:
            return Hit(same[0], same[1], 1.0)
        if len(key) < NEAR_MIN or not self.keys:
            return None
        grams = bigrams(key)
        shared: Counter[int] = Counter()
        for g in grams:
            shared.update(self.postings.get(g, ()))
        best: Hit | None = None
        for n, common in shared.items():
            other, ogrammes, text, source = self.keys[n]
            if min(len(key), len(other)) / max(len(key), len(other)) < NEAR_LENGTH_RATIO:
                continue
            similarity = 2 * common / (len(grams) + len(ogrammes))  # dice(), from the shared count
            if similarity >= NEAR and (best is None or similarity > best.similarity):
                best = Hit(text, source, similarity)
        return best


def index_files(paths: Sequence[Path]) -> SentenceIndex:
    """Every sentence of the speeches in these files and folders (.txt, .md, .docx)."""
    from .reading import read_paragraphs

    index = SentenceIndex()
    for path in speech_files(paths):
        index.add_text(read_paragraphs(path), str(path))
    return index


# Why the system would not let a path be read, in the clerk's words.
_OS_REASONS = {
    errno.ENAMETOOLONG: "名称过长",
    errno.EACCES: "没有读取权限",
    errno.EPERM: "没有读取权限",
    errno.ELOOP: "链接循环",
    errno.EIO: "读取出错",
}


def speech_files(paths: Sequence[Path]) -> list[Path]:
    """The files named, and the speeches (.txt/.md/.docx) directly in the folders named."""
    from .errors import UserError
    from .reading import SUFFIXES

    out: list[Path] = []
    for path in paths:
        try:
            if path.is_dir():
                out.extend(sorted(p for p in path.iterdir() if p.suffix.lower() in SUFFIXES and p.is_file()))
            elif path.is_file():
                out.append(path)
            else:
                raise UserError("找不到要比对的文件或目录", file=str(path))
        except OSError as exc:  # a name too long, a folder one may not list …
            reason = _OS_REASONS.get(exc.errno or 0, "系统拒绝访问")
            raise UserError(f"无法读取要比对的文件或目录（{reason}）", file=str(path)) from None
    return out


# A report of what a text shares with one reference ------------------------------------------


@dataclass(frozen=True)
class Overlap:
    """What a speech shares with one reference file."""

    source: str
    sentences: int  # sentences of the speech that count (long enough)
    shared: tuple[tuple[str, Hit], ...]  # (sentence of the speech, what it matches)
    runs: tuple[tuple[int, int], ...]  # longest runs of consecutive shared sentences: (start, length)

    @property
    def share(self) -> float:
        return len(self.shared) / self.sentences if self.sentences else 0.0

    @property
    def run_chars(self) -> list[int]:
        return [sum(len(normal(s)) for s, _ in self.shared[a : a + n]) for a, n in self.runs]

    def over(self, limit: float | None) -> bool:
        return limit is not None and self.share > limit

    def lines(self, limit: float | None) -> list[str]:
        """The 查重 report for a terminal: share, longest runs, the shared sentences."""
        level = "错误" if self.over(limit) else "查重"
        out = [
            f"[{level}] 与 {self.source} 相同或近似的句子 {len(self.shared)}/{self.sentences}，占 {self.share:.0%}"
        ]
        for (start, n), chars in zip(self.runs, self.run_chars, strict=True):
            if n > 1:
                out.append(f"  连续相同 {n} 句（{chars} 字）：“{self.shared[start][0][:30]}……”")
        for sentence, hit in self.shared[:20]:
            kind = "相同" if hit.similarity == 1 else f"近似 {hit.similarity:.0%}"
            out.append(f"  {kind}：{sentence[:40]}")
        if len(self.shared) > 20:
            out.append(f"  ……另有 {len(self.shared) - 20} 句")
        return out

    def as_json(self, limit: float | None) -> dict[str, object]:
        return {
            "file": self.source,
            "sentences": self.sentences,
            "shared": len(self.shared),
            "share": round(self.share, 4),
            "over_limit": self.over(limit),
            "longest_runs": [
                {"sentences": n, "characters": c} for (_, n), c in zip(self.runs, self.run_chars, strict=True)
            ],
            "shared_sentences": [
                {"sentence": s, "matches": h.sentence, "similarity": round(h.similarity, 3)}
                for s, h in self.shared
            ],
        }


def compare(paragraphs: Sequence[str], reference: SentenceIndex, source: str) -> Overlap:
    """Sentences of `paragraphs` found in `reference`, and the runs they form."""
    counted = [
        s for text in paragraphs for s in split_sentences(text) if len(sentence_key(s)) >= MIN_SENTENCE
    ]
    shared: list[tuple[str, Hit]] = []
    flags: list[bool] = []
    for s in counted:
        hit = reference.find(s)
        flags.append(hit is not None)
        if hit:
            shared.append((s, hit))
    runs: list[tuple[int, int]] = []
    start = None
    position = 0  # index into `shared`
    for flag in [*flags, False]:
        if flag and start is None:
            start = position
        if flag:
            position += 1
        elif start is not None:
            runs.append((start, position - start))
            start = None
    runs.sort(key=lambda r: -r[1])
    return Overlap(source, len(counted), tuple(shared), tuple(runs[:3]))


def compare_files(paragraphs: Sequence[str], paths: Sequence[Path]) -> list[Overlap]:
    """One report per reference speech found in `paths` (files or folders)."""
    from .reading import read_paragraphs

    out = []
    for path in speech_files(paths):
        index = SentenceIndex()
        index.add_text(read_paragraphs(path), str(path))
        out.append(compare(paragraphs, index, str(path)))
    return out


# Place names of another place ------------------------------------------------------------------


def scope_of_place(place: str) -> str | None:
    """The scope a place name speaks for, from its last character: 青山县 → 县, 白河镇 → 乡镇."""
    return {"县": "县", "市": "市", "区": "区", "镇": "乡镇", "乡": "乡镇"}.get(place.strip()[-1:])


# Suffixes of places of the same level: a county sits beside counties, county-level cities and districts.
_LEVEL = {"县": "县市区", "市": "市", "区": "区县市", "乡镇": "镇乡"}
_PLACE = re.compile(
    r"([\u4e00-\u9fff]{2,3})(县|市|区|镇|乡)(?![委直级域内外属情政长里城乡镇区县市场民划别分位间块])"
)
# Words that end like a place but are none (社区, 园区, 城市, 乡镇 …) or speak of one's own place.
_NOT_PLACES = re.compile(
    r"(社|小|园|城|辖|景|片|山|老|街|库|湖|牧|林|灾|误|盲|禁|专|范|发|验|能|聚|行|心|新|郊|都|超|上|集|重|古|名|特色小|"
    r"地|军|选|校|省|战|矿|门|夜|股|菜|早|乡|坐|辖|分|驻|任|城乡|"
    r"全|本|该|各|我|此|邻|外|兄弟|周边|试点|先进|后进|每个|这个|那个|一个|两个|几个|部分|个别|所在|城乡|市县|县市)$"
)
# A town's speech says 乡 and 镇 in everyday words: 回报家乡、乡情乡亲、在镇工作、同镇党委. Before 乡/镇, a
# stem ending in one of these is a word, not a town's name; after 乡, these make a word of it (乡亲, 乡村 …).
_TOWN_WORD_END = set("在到回返下进来去出与和及的为报同向往赴离从于至对驻本全该各邻外他异故还思留归")
_AFTER_XIANG = set("亲情土村贤愁风音邻野间俗规")
# X家乡/X家镇 is a town's name after a family name (李家乡、张家镇) and a word otherwise (回报家乡、反哺家乡).
_SURNAMES = set(
    "李王张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余"
    "潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文庞樊"
)
_OTHER_SCOPE = {
    "县": ("全市", "全区", "全镇"),
    "市": ("全县", "全镇"),
    "区": ("全县", "全市", "全镇"),
    "乡镇": ("全县", "全市", "全区"),
}


def _town_word(text: str, m: re.Match[str]) -> bool:
    """Whether a match ending in 乡 or 镇 is an everyday word rather than a town's name."""
    stem, end = m.group(1), m.end()
    if stem[-1] in _TOWN_WORD_END:
        return True
    if m.group(2) == "乡" and end < len(text) and text[end] in _AFTER_XIANG:
        return True
    if text.startswith("党", end):  # 完成镇党委交办的事：the town's own committee, after a verb
        return True
    return stem.endswith("家") and len(stem) >= 2 and stem[-2] not in _SURNAMES


@dataclass(frozen=True)
class PlaceStrike:
    paragraph: int  # 1-based
    word: str
    message: str


def foreign_places(paragraphs: Sequence[str], place: str, scope: str | None = None) -> list[PlaceStrike]:
    """Place names of the same level that are not `place`, and scope words of another level.

    “钟祥市” in a speech for 青山县 is the tell-tale of a copied text; so is “全市” in a county's.
    """
    own = place.strip()
    level = _LEVEL.get(scope or scope_of_place(own) or "", "")
    out: list[PlaceStrike] = []
    for i, text in enumerate(paragraphs, start=1):
        for m in _PLACE.finditer(text):
            # Without a dictionary the name's start is a guess: most county and town names have two
            # characters before the suffix, so two are shown unless the third is the own place's.
            full = m.group(0)
            stem = m.group(1)[-2:]
            name = stem + m.group(2)
            if (
                full == own
                or own.endswith(name)
                or _NOT_PLACES.search(m.group(1))
                or _NOT_PLACES.search(stem)
            ):
                continue
            if level and m.group(2) not in level:
                continue
            if m.group(2) in "乡镇" and _town_word(text, m):
                continue
            out.append(PlaceStrike(i, name, f"出现了其他地方的地名“{name}”（本稿为{own}），疑似照搬"))
        for word in _OTHER_SCOPE.get(scope or "", ()):
            if word in text:
                out.append(PlaceStrike(i, word, f"“{word}”与本稿的范围（{scope}）不符，疑似照搬"))
    return out
