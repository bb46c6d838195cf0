"""The text of an answers file: readable by a clerk, and their own notes kept across saves.

Each chosen id gets the place and the first words it stands for as a comment
beside it (`#= 第一部分“三是”：在选优配强中建强队伍……`), rewritten on every save.
Whatever else a clerk writes as a comment — a line of its own above a key, or
`# …` at the end of a line — is carried over to the same key on the next save;
notes whose key is gone are kept at the end of the file. The file has a fixed,
simple shape (plain scalars only), so it is written line by line, not by a YAML
dumper that would drop the comments.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .answers import Answers

OURS = "#="  # marks a comment speechdraft writes and rewrites; a clerk's own start with a plain #

HEADER = """\
# speechdraft 挑选结果：由 speechdraft pick / reroll 自动写入，speechdraft generate 会自动读取（--no-answers 忽略）。
# 简报：{brief}
# choices：每一处选用的说法 id；行末 #= 后面是该处现在的位置和文字，每次保存时自动更新。
# locked：锁定的位置；picked：亲自挑选过的位置（两者在重抽、换一稿时都保持不变）；rerolls：重抽过的部分。
# 删除 choices 中的某一行，该处就按种子重新选择。您自己的备注请另起一行或在行末用 # 开头，保存时会保留。
"""
_HEADER_LINES = {line for line in HEADER.splitlines() if "{brief}" not in line}
_ORPHANS = "# 以下备注原来所在的项已不存在："
_TOP = re.compile(r"^([A-Za-z_]+):")
_ITEM = re.compile(r"^\s+-\s*([^\s#]+)")
_PAIR = re.compile(r"^\s+([^\s:#]+):")

ANSWERS_SUFFIX = ".answers.yaml"


def answers_path(brief_path: Path) -> Path:
    """`county.yaml` -> `county.answers.yaml`, in the same folder."""
    return brief_path.with_name(brief_path.stem + ANSWERS_SUFFIX)


def _split_comment(line: str) -> tuple[str, str]:
    """`key: value  #= ours  # clerk's` -> (`key: value`, `# clerk's`); values never hold a #."""
    at = line.find("#")
    if at < 0:
        return line.rstrip(), ""
    body, comment = line[:at].rstrip(), line[at:]
    if comment.startswith(OURS):
        mine = comment.find(" # ")
        comment = comment[mine + 1 :] if mine >= 0 else ""
    return body, comment.strip()


def clerk_notes(text: str) -> tuple[dict[str, list[str]], dict[str, str], list[str]]:
    """A clerk's comments in an answers file: lines above each key, comments at line ends, and the rest.

    Keys are `version`, `choices`, `choices:opening.0`, `locked:point1.2` and so on.
    """
    above: dict[str, list[str]] = {}
    after: dict[str, str] = {}
    pending: list[str] = []
    top = ""
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped == _ORPHANS or stripped.startswith(OURS):
            continue
        if stripped.startswith("#"):
            if stripped not in _HEADER_LINES and not stripped.startswith("# 简报："):
                pending.append(stripped)
            continue
        body, comment = _split_comment(line)
        m = _TOP.match(body)
        if m:
            key = top = m.group(1)
        else:
            m = _ITEM.match(body) or _PAIR.match(body)
            if not m or not top:
                continue
            key = f"{top}:{m.group(1)}"
        if pending:
            above.setdefault(key, []).extend(pending)
            pending = []
        if comment:
            after[key] = comment
    return above, after, pending


def dump_answers(
    answers: Answers,
    brief_name: str = "",
    *,
    notes: Mapping[str, str] | None = None,
    skeleton_name: str = "",
    previous: str | None = None,
) -> str:
    """The answers file text; `notes` (path -> place and words) become the #= comments."""
    above, after, orphans = clerk_notes(previous) if previous else ({}, {}, [])
    notes = notes or {}
    lines: list[str] = []
    used: set[str] = set()

    def emit(key: str, text: str, ours: str = "") -> None:
        used.add(key)
        lines.extend(above.get(key, []))
        comment = f"  {OURS} {ours}" if ours else ""
        if key in after:
            comment += f"  {after[key]}"
        lines.append(text + comment)

    emit("version", f"version: {answers.version}")
    emit("skeleton", f"skeleton: {answers.skeleton}", skeleton_name)
    emit("seed", f"seed: {answers.seed}")
    emit("year", f"year: {answers.year}")
    emit("choices", "choices:" + ("" if answers.choices else " {}"))
    for path, variant in answers.choices.items():
        emit(f"choices:{path}", f"  {path}: {variant}", _one_line(notes.get(path, "")))
    for name, items in (("locked", answers.locked), ("picked", answers.picked)):
        emit(name, f"{name}:" + ("" if items else " []"))
        for path in items:
            emit(f"{name}:{path}", f"  - {path}")
    emit("rerolls", "rerolls:" + ("" if answers.rerolls else " {}"))
    for section, seed in answers.rerolls.items():
        emit(f"rerolls:{section}", f"  {section}: {seed}")
    gone = [c for key, cs in above.items() if key not in used for c in cs]
    gone += [c for key, c in after.items() if key not in used]
    if gone:
        lines += ["", _ORPHANS, *gone]
    if orphans:
        lines += ["", *orphans]
    return HEADER.format(brief=_one_line(brief_name) or "（未记录）") + "\n".join(lines) + "\n"


def _one_line(text: str) -> str:
    return " ".join(text.split())
