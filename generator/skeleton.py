"""Skeletons: the shape of a speech, taken from real speeches.

A skeleton names slots; the phrase bank fills them. Counts are never written
into a skeleton's text: the handoff ("下面，我讲三点意见") and every announce line
("主要表现在三个方面") get their numbers from the items that actually follow.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, field_validator, model_validator

from .brief import Domain, MeetingKind

ID = r"^[A-Za-z0-9_\-.]+$"
Count = tuple[int, int]


# Items or sentences one node may ask for: as many as lint can count in inline numbering (一是…十二是).
MAX_COUNT = 12


def _count(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        value = (value, value)
    elif isinstance(value, list) and len(value) == 2:
        value = tuple(value)
    if isinstance(value, tuple) and all(isinstance(v, int) and not isinstance(v, bool) for v in value):
        lo, hi = value
        if not 0 <= lo <= hi <= MAX_COUNT:
            raise ValueError(f"数量应为 0–{MAX_COUNT} 的整数，或 [最少, 最多]（最少不大于最多）")
    return value


class _Node(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Para(_Node):
    """A paragraph of 1..n sentences drawn from one slot."""

    para: str = Field(pattern=ID)
    sentences: Count = (1, 1)
    optional: bool = False  # dropped first when the draft is too long

    _c = field_validator("sentences", mode="before")(classmethod(lambda cls, v: _count(v)))


class Items(_Node):
    """A numbered run of items (一是…二是…, 一要…, （一）…) from distinct entries of one slot.

    With `facts`, the clerk's own list from the brief is used instead when given.
    """

    items: str = Field(pattern=ID)
    style: Literal["一是", "一要", "首先", "（一）"] = "一是"
    count: Count = (3, 3)
    announce: str | None = Field(None, pattern=ID)
    facts: Literal["achievements", "problems", "tasks"] | None = None
    together: bool = False  # all items in one paragraph, as in a flat list of problems

    _c = field_validator("count", mode="before")(classmethod(lambda cls, v: _count(v)))


class Domains(_Node):
    """One item per focus domain of the brief (or `default` when the brief names none)."""

    domains: str = Field(pattern=ID)
    style: Literal["在方面", "（一）", "一是", "一要"] = "在方面"
    default: tuple[Domain, ...] = ("农村", "社区", "机关", "两新组织")
    limit: int = Field(6, ge=1, le=7)
    announce: str | None = Field(None, pattern=ID)


class Section(_Node):
    heading: str = Field(pattern=ID)
    body: list[Node] = Field(default_factory=list)


class Sections(_Node):
    """Sub-sections with their own headings, numbered （一）（二）…"""

    sections: list[Section] = Field(min_length=1)
    announce: str | None = Field(None, pattern=ID)


def _node_tag(value: Any) -> str | None:
    if isinstance(value, dict):
        for key in ("para", "items", "domains", "sections"):
            if key in value:
                return key
        return None
    return type(value).__name__.lower() if isinstance(value, _Node) else None


Node = Annotated[
    Annotated[Para, Tag("para")]
    | Annotated[Items, Tag("items")]
    | Annotated[Domains, Tag("domains")]
    | Annotated[Sections, Tag("sections")],
    Discriminator(
        _node_tag,
        custom_error_type="node_kind",
        custom_error_message="段落节点需含 para、items、domains 或 sections 之一",
    ),
]

Section.model_rebuild()


class Point(_Node):
    """One numbered point (一、 or 第一，) with its heading and body."""

    heading: str = Field(pattern=ID)
    body: list[Node] = Field(default_factory=list)
    optional: bool = False  # used only when the brief asks for four points
    domain: Domain | None = None  # a point about one domain: the skeleton fits only briefs that list it


class Skeleton(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    id: str = Field(pattern=ID)
    name: str
    description: str
    source: str = ""  # where the shape comes from (a seed outline), for the record
    numbering: Literal["一、", "第一，"] = "一、"
    kinds: tuple[MeetingKind, ...] = ()  # meeting kinds it suits best; empty = any
    needs: tuple[Literal["programme", "achievements", "problems", "tasks", "domains"], ...] = ()
    title: str | None = None
    # Characters a draft of this shape usually runs to when the brief sets no length: a 调度会's
    # 成绩—问题—任务 is shorter than a 部署会's programme. None: the tool's usual length.
    length: int | None = Field(None, ge=1500, le=12000)
    opening: list[Para] = Field(min_length=1)
    points: list[Point] = Field(min_length=3, max_length=4)
    closing: list[Para] = Field(min_length=1)

    @model_validator(mode="after")
    def _point_counts(self) -> Skeleton:
        required = [p for p in self.points if not p.optional]
        if len(required) not in (3, 4):
            raise ValueError("骨架必须有 3 或 4 个必选要点（optional: true 的要点只在讲四点时使用）")
        return self

    @property
    def point_counts(self) -> tuple[int, ...]:
        """How many points this skeleton can produce: 3, 4, or both."""
        required = sum(1 for p in self.points if not p.optional)
        return tuple(sorted({required, len(self.points)}))

    def uses_fact(self, name: str, points: Sequence[Point] | None = None) -> bool:
        """Whether some items node (of `points`, by default all) quotes the brief's list `name`
        (achievements, problems, tasks)."""

        def walk(body: list[Any]) -> bool:
            for node in body:
                if isinstance(node, Items) and node.facts == name:
                    return True
                if isinstance(node, Sections) and any(walk(sec.body) for sec in node.sections):
                    return True
            return False

        return any(walk(p.body) for p in (self.points if points is None else points))

    def active_points(self, n: int) -> list[Point]:
        if n == len(self.points):
            return list(self.points)
        return [p for p in self.points if not p.optional]


def iter_slots(
    skeleton: Skeleton, points: Sequence[Point] | None = None, *, sure_only: bool = False
) -> list[tuple[str, str]]:
    """Every (slot, role) the skeleton uses, in speech order, for validation against the bank.

    `points` limits it to the points in use; `sure_only` leaves out optional paragraphs (the slots
    sure to be in a draft of any length)."""
    out: list[tuple[str, str]] = []

    def nodes(body: list[Any]) -> None:
        for node in body:
            if isinstance(node, Para):
                if not (sure_only and node.optional):
                    out.append((node.para, "para"))
            elif isinstance(node, Items):
                out.append((node.items, "items"))
                if node.announce:
                    out.append((node.announce, "announce"))
            elif isinstance(node, Domains):
                out.append((node.domains, "domains"))
                if node.announce:
                    out.append((node.announce, "announce"))
            elif isinstance(node, Sections):
                if node.announce:
                    out.append((node.announce, "announce"))
                for sec in node.sections:
                    out.append((sec.heading, "heading"))
                    nodes(sec.body)

    nodes(list(skeleton.opening))
    for point in skeleton.points if points is None else points:
        out.append((point.heading, "heading"))
        nodes(point.body)
    nodes(list(skeleton.closing))
    return out
