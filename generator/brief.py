"""The brief: what the clerk tells speechdraft about the meeting.

Everything optional stays optional: a missing fact becomes a visible
placeholder in the draft (`XX县`, `（此处补充……）`), never an invented one.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Scope = Literal["县", "市", "区", "乡镇", "单位"]
MeetingKind = Literal[
    "推进会", "调度会", "部署会", "培训会", "座谈会", "动员会", "现场会", "总结会", "述职评议会", "工作会"
]
Domain = Literal["农村", "社区", "机关", "两新组织", "国有企业", "学校", "医院"]

# The phase of the year a date falls in (red pen §3): what may be said of progress.
Phase = Literal["开局", "推进", "年中", "冲刺", "收官"]
# The speaker's role, which decides what they may endorse or order (red pen §4).
Role = Literal["书记", "副书记", "组织部长", "工委书记", "其他"]
# A previous speaker's rank relative to this speaker; a variant's `relation` is the reverse view.
Relation = Literal["上级", "同级", "下级"]
# What a previous speaker did, which decides how the speech answers them.
DidKind = Literal["通报", "交流发言", "安排", "讲话", "述职", "其他"]
# Who can be in the room: the subordinate places (乡镇/街道, or 县市区 for a city), the directly
# subordinate departments, and the grassroots of each domain.
Audience = Literal["地方", "部门", "村", "社区", "企业", "学校", "医院"]

DOMAINS: tuple[str, ...] = ("农村", "社区", "机关", "两新组织", "国有企业", "学校", "医院")
DEFAULT_DOMAINS: tuple[str, ...] = ("农村", "社区", "机关", "两新组织")
DOMAIN_AUDIENCE = {
    "农村": "村",
    "社区": "社区",
    "两新组织": "企业",
    "国有企业": "企业",
    "学校": "学校",
    "医院": "医院",
}
PHASE_BY_MONTH: dict[int, str] = {
    1: "开局",
    2: "开局",
    3: "开局",
    4: "推进",
    5: "推进",
    6: "年中",
    7: "年中",
    8: "年中",
    9: "冲刺",
    10: "冲刺",
    11: "收官",
    12: "收官",
}
RANK = {"书记": 4, "副书记": 3, "组织部长": 2, "工委书记": 2, "其他": 1}
MEETING_KINDS: tuple[str, ...] = MeetingKind.__args__  # type: ignore[attr-defined]
SCOPES: tuple[str, ...] = Scope.__args__  # type: ignore[attr-defined]

DOMAIN_ALIASES = {
    "城市基层": "社区",
    "城市社区": "社区",
    "街道社区": "社区",
    "两新": "两新组织",
    "非公企业": "两新组织",
    "社会组织": "两新组织",
    "新经济组织": "两新组织",
    "新社会组织": "两新组织",
    "国企": "国有企业",
    "公立医院": "医院",
    "卫生健康": "医院",
    "中小学": "学校",
    "高校": "学校",
    "教育": "学校",
    "机关单位": "机关",
    "乡村": "农村",
}

# How each scope names itself in a speech.
SCOPE_WORDS: dict[str, dict[str, str]] = {
    "县": {
        "whole": "全县",
        "committee": "县委",
        "gov": "县政府",
        "org_dept": "县委组织部",
        "organs": "县直机关",
        "unit": "县",
        "places": "各乡镇（街道）",
        "departments": "县直各部门（单位）",
    },
    "市": {
        "whole": "全市",
        "committee": "市委",
        "gov": "市政府",
        "org_dept": "市委组织部",
        "organs": "市直机关",
        "unit": "市",
        "places": "各县（市、区）",
        "departments": "市直各部门（单位）",
    },
    "区": {
        "whole": "全区",
        "committee": "区委",
        "gov": "区政府",
        "org_dept": "区委组织部",
        "organs": "区直机关",
        "unit": "区",
        "places": "各街道（镇）",
        "departments": "区直各部门（单位）",
    },
    "乡镇": {
        "whole": "全镇",
        "committee": "镇党委",
        "gov": "镇政府",
        "org_dept": "镇党委",
        "organs": "镇机关",
        "unit": "镇",
        "places": "各村（社区）",
        "departments": "镇直各单位",
    },
    "单位": {
        "whole": "全系统",
        "committee": "党组（党委）",
        "gov": "本单位",
        "org_dept": "机关党委",
        "organs": "机关各部门",
        "unit": "单位",
        "places": "各基层党组织",
        "departments": "机关各部门",
    },
}

_DATE_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"),
)


# Brief values enter the draft as whole lines: a newline inside one would start a paragraph
# the skeleton did not ask for (an achievement could fake a heading).
_LINE_BREAKS = re.compile("[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]")
# The years a speech may be dated in; `year:` and `date:` share them.
FIRST_YEAR, LAST_YEAR = 2012, 2050
# Facts per list: more would not fit a speech, and lint reads inline numbering (一是…十二是) up to 12.
MAX_FACTS = 12
MAX_PREVIOUS_SPEAKERS = 10


_DID_WORDS = (
    ("述职", ("述职",)),  # first: a 述职报告 is no 通报
    ("交流发言", ("交流", "发言", "表态")),
    ("通报", ("通报", "汇报", "报告", "介绍了")),
    ("安排", ("安排", "部署", "布置")),
    ("讲话", ("讲话", "讲了", "提出了要求")),
)
_LOCAL = re.compile(r"乡镇|街道|村|社区|支部|企业|学校|医院|部门|局|办公室|副部长|工委副书记")


def infer_role(title: str) -> str:
    """Role from a title such as “县委常委、组织部部长 XXX” (组织部长) or “三个乡镇党委书记” (其他)."""
    t = title.replace(" ", "")
    top = re.search(r"(?:省委|市委|州委|县委|区委|旗委|镇党委|党组|党委)(副)?书记", t)
    if top and not _LOCAL.search(t[: top.start() + 1]):
        return "副书记" if top.group(1) else "书记"
    if re.search(r"组织部(?:部)?长", t) and "副部长" not in t:
        return "组织部长"
    if re.search(r"工委书记", t) and "工委副书记" not in t:
        return "工委书记"
    return "其他"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)

    @field_validator("*", mode="after")
    @classmethod
    def _single_line(cls, value: Any) -> Any:
        for text in value if isinstance(value, list) else [value]:
            if isinstance(text, str) and _LINE_BREAKS.search(text):
                raise ValueError("应为一行文字，不能换行")
        return value


class Meeting(_Strict):
    """The meeting the speech is given at."""

    name: str = Field(min_length=2, max_length=60, description="会议名称，如 基层党建工作推进会")
    kind: MeetingKind = Field("推进会", description="会议类型")

    @model_validator(mode="before")
    @classmethod
    def _guess_kind(cls, data: Any) -> Any:
        if isinstance(data, dict) and "kind" not in data and isinstance(data.get("name"), str):
            for kind in MEETING_KINDS:
                if data["name"].endswith(kind) or kind[:-1] in data["name"]:
                    return {**data, "kind": kind}
        return data


class PreviousSpeaker(_Strict):
    """Someone who spoke before: `who` (with title) and what they did."""

    who: str = Field(min_length=1, max_length=80)
    did: str = Field("", max_length=200, description="做了什么，如 通报了前三季度全县党建工作情况")
    rank: Relation | None = Field(
        None, description="相对讲话人：上级/同级/下级；缺省按职务推断（如 县委副书记 高于 组织部长）"
    )
    kind: DidKind | None = Field(None, description="通报/交流发言/安排/讲话/述职/其他；缺省按 did 推断")

    def did_kind(self) -> str:
        if self.kind:
            return self.kind
        for kind, words in _DID_WORDS:
            if any(w in self.did for w in words):
                return kind
        return "其他"


class Facts(_Strict):
    """The clerk's own facts, quoted in the clerk's own words."""

    achievements: list[str] = Field(
        default_factory=list, max_length=MAX_FACTS, description="本地成绩，每条一句"
    )
    problems: list[str] = Field(default_factory=list, max_length=MAX_FACTS, description="存在问题，每条一句")
    programme: str | None = Field(None, max_length=60, description="本地品牌或工程名称，如 “红色领航”工程")
    tasks: list[str] = Field(
        default_factory=list, max_length=MAX_FACTS, description="本次会议要部署的具体任务"
    )
    events: list[str] = Field(
        default_factory=list,
        max_length=MAX_FACTS,
        description="会前发生、讲话可以提到的事，如 会前县委组织部对各乡镇开展了专项督查",
    )

    @field_validator("achievements", "problems", "tasks", "events")
    @classmethod
    def _no_blank(cls, items: list[str]) -> list[str]:
        return [s.strip() for s in items if s and s.strip()]


class Length(_Strict):
    """A target length: characters, or speaking minutes at `RATE` characters a minute."""

    characters: int | None = Field(None, ge=800, le=20000)
    minutes: float | None = Field(None, ge=5, le=120)

    @model_validator(mode="after")
    def _one_of(self) -> Length:
        if self.characters is None and self.minutes is None:
            raise ValueError("length 需要 characters 或 minutes 之一")
        return self


# Characters a minute at a speech's delivery pace (a measured, formal reading).
SPEAKING_RATE = 170


class Brief(_Strict):
    """A speech brief. Unknown keys are errors so typos never pass silently."""

    meeting: Meeting
    scope: Scope = Field("县", description="范围：县/市/区/乡镇/单位")
    place: str | None = Field(None, max_length=40, description="地名或单位名，如 青山县；缺省为 XX县")
    committee: str | None = Field(
        None, max_length=40, description="讲话所代表的党委，缺省按范围推出，如 县委"
    )
    speaker: str | None = Field(None, max_length=60, description="讲话人职务和姓名")
    speaker_role: Role | None = Field(
        None, description="讲话人角色：书记/副书记/组织部长/工委书记/其他；缺省按 speaker 推断"
    )
    date: dt.date | None = Field(None, description="讲话日期，YYYY-MM-DD")
    year: int | None = Field(None, ge=FIRST_YEAR, le=LAST_YEAR, description="讲话年份，缺省取日期的年份")
    points: Literal[3, 4] = Field(3, description="讲几点意见：3 或 4")
    domains: list[Domain] = Field(default_factory=list, description="重点领域")
    previous_speakers: list[PreviousSpeaker] = Field(
        default_factory=list, max_length=MAX_PREVIOUS_SPEAKERS, description="前面讲话或发言的同志"
    )
    facts: Facts = Field(default_factory=lambda: Facts())
    length: Length | None = None
    seed: int | None = Field(None, ge=0, le=2**63 - 1)
    skeleton: str = Field("auto", description="骨架名称，或 auto 自动选择")
    title: str | None = Field(None, max_length=80, description="自定标题；缺省按范围和会议名生成")
    avoid: list[str] = Field(
        default_factory=list,
        description="往年讲话稿（文件或目录，相对简报所在目录），新稿不重复其中的句子",
    )

    @field_validator("date", mode="before")
    @classmethod
    def _parse_date(cls, value: Any) -> Any:
        if isinstance(value, str):
            for rx in _DATE_PATTERNS:
                m = rx.match(value.strip())
                if m:
                    y, mo, d = (int(g) for g in m.groups())
                    try:
                        value = dt.date(y, mo, d)
                    except ValueError:
                        raise ValueError(f"日期不存在：{value}") from None
                    break
            else:
                raise ValueError(f"日期格式应为 YYYY-MM-DD（实际为 {value!r}）")
        elif value is not None and not isinstance(value, dt.date):
            raise ValueError("日期格式应为 YYYY-MM-DD")
        if isinstance(value, dt.date) and not FIRST_YEAR <= value.year <= LAST_YEAR:
            raise ValueError(f"日期的年份应在 {FIRST_YEAR}–{LAST_YEAR} 之间（实际为 {value.year}）")
        return value

    @field_validator("domains", mode="before")
    @classmethod
    def _alias_domains(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [value]
        if isinstance(value, list):
            out: list[Any] = []
            for v in value:
                v = DOMAIN_ALIASES.get(v, v) if isinstance(v, str) else v
                if v not in out:
                    out.append(v)
            return out
        return value

    @field_validator("previous_speakers", mode="before")
    @classmethod
    def _plain_names(cls, value: Any) -> Any:
        if isinstance(value, list):
            return [{"who": v} if isinstance(v, str) else v for v in value]
        return value

    @model_validator(mode="after")
    def _year_matches_date(self) -> Brief:
        if self.date and self.year and self.date.year != self.year:
            raise ValueError(f"year {self.year} 与 date 的年份 {self.date.year} 不一致")
        return self

    # Derived words -------------------------------------------------------

    @property
    def effective_year(self) -> int:
        if self.year:
            return self.year
        if self.date:
            return self.date.year
        return dt.date.today().year

    @property
    def words(self) -> dict[str, str]:
        """Scope words (全县, 县委, …) with the committee override applied.

        `sub_units` names whoever sits below the committee in this room: places and departments
        at a county meeting, only the departments at an organs meeting (red pen §2).
        """
        words = dict(SCOPE_WORDS[self.scope])
        if self.committee:
            words["committee"] = self.committee
        if self.organs_only or self.scope == "单位":
            words["sub_units"] = words["departments"]
        elif self.scope == "乡镇":
            words["sub_units"] = words["places"]
        else:
            words["sub_units"] = f"{words['places']}和{words['departments']}"
        return words

    @property
    def focus_domains(self) -> tuple[str, ...]:
        """The domains this speech is about: the brief's, or the usual four."""
        return tuple(self.domains) or DEFAULT_DOMAINS

    @property
    def organs_only(self) -> bool:
        """A meeting of the organs (机关) alone: no places, villages or firms in the room."""
        return bool(self.domains) and set(self.domains) == {"机关"}

    @property
    def room(self) -> frozenset[str]:
        """Who is listening (Audience values), from scope, meeting and domains."""
        if self.organs_only or self.scope == "单位":
            return frozenset({"部门"})
        room = {"地方", "部门"}
        room.update(DOMAIN_AUDIENCE[d] for d in self.focus_domains if d in DOMAIN_AUDIENCE)
        return frozenset(room)

    @property
    def phase(self) -> str | None:
        """Phase of the year from the date; None when the brief gives no date."""
        return PHASE_BY_MONTH[self.date.month] if self.date else None

    @property
    def role(self) -> str | None:
        """The speaker's role, given or read from the speaker's title; None when unknown."""
        if self.speaker_role:
            return self.speaker_role
        return infer_role(self.speaker) if self.speaker else None

    @property
    def relation(self) -> str | None:
        """The speaker's standing towards all previous speakers: 上级 only if above every one of them."""
        if not self.previous_speakers:
            return None
        own = RANK.get(self.role or "其他", 1)
        views = set()
        for s in self.previous_speakers:
            if s.rank:  # the previous speaker's rank relative to the speaker: reverse it
                views.add({"上级": "下级", "下级": "上级", "同级": "同级"}[s.rank])
            else:
                other = RANK.get(infer_role(s.who), 1)
                views.add("上级" if own > other else "下级" if own < other else "同级")
        for view in ("下级", "同级", "上级"):
            if view in views:
                return view
        return None

    @property
    def did_kinds(self) -> frozenset[str]:
        return frozenset(s.did_kind() for s in self.previous_speakers)

    @property
    def place_name(self) -> str:
        """The place, or a visible placeholder such as XX县."""
        return self.place or f"XX{SCOPE_WORDS[self.scope]['unit']}"

    @property
    def target_characters(self) -> int | None:
        if not self.length:
            return None
        if self.length.characters:
            return self.length.characters
        assert self.length.minutes is not None
        return round(self.length.minutes * SPEAKING_RATE)

    def with_year(self, year: int) -> Brief:
        return self.model_copy(update={"year": year})
