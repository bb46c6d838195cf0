"""Safe YAML reading that remembers where every key came from.

Briefs, banks, skeletons and answers files are written by hand, so errors must
point at a line. YAML 1.1 surprises are switched off: `yes/no/on/off` stay
strings (only `true/false` are booleans) and dates stay strings, so a brief's
`date: 2026-03-15` or `kind: on` is never silently turned into another type.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import UserError

MAX_INPUT_BYTES = 2 * 1024 * 1024

Path_ = tuple[str | int, ...]


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader with YAML-1.2-like booleans and no implicit timestamps."""


_StrictLoader.yaml_implicit_resolvers = {
    first: [
        (tag, rx)
        for tag, rx in resolvers
        if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp")
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_StrictLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)

_CBase: Any = getattr(yaml, "CSafeLoader", None)


class _FastStrictLoader(_CBase or _StrictLoader):  # type: ignore[misc]
    """The same rules on libyaml's parser: ten times faster for the large bank files we ship."""


_FastStrictLoader.yaml_implicit_resolvers = _StrictLoader.yaml_implicit_resolvers


@dataclass
class YamlDoc:
    """Parsed YAML data plus the (line, column) of every key path, 1-based."""

    data: Any
    source: str
    positions: dict[Path_, tuple[int, int]] = field(default_factory=dict)

    def where(self, path: Path_) -> tuple[int | None, int | None]:
        """Line and column of the deepest known prefix of `path`."""
        p = tuple(path)
        while p:
            if p in self.positions:
                return self.positions[p]
            p = p[:-1]
        return self.positions.get((), (None, None))

    def error(self, message: str, path: Path_ = ()) -> UserError:
        line, col = self.where(path)
        return UserError(message, file=self.source, line=line, column=col, key=format_path(path) or None)


def format_path(path: Path_) -> str:
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def read_text(path: Path, what: str = "文件") -> str:
    """Read a user file as UTF-8 text with clear, one-line errors."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise UserError(f"找不到{what}", file=str(path)) from None
    except IsADirectoryError:
        raise UserError(f"这是一个目录，不是{what}", file=str(path)) from None
    except OSError as exc:
        raise UserError(f"无法读取{what}（{exc.strerror}）", file=str(path)) from None
    return decode(raw, str(path), what)


def decode(raw: bytes, source: str, what: str = "文件") -> str:
    if len(raw) > MAX_INPUT_BYTES:
        raise UserError(f"{what}过大（{len(raw)} 字节，上限 {MAX_INPUT_BYTES} 字节）", file=source)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UserError(
            f"{what}不是 UTF-8 编码（第 {exc.start} 字节处无法解码），请另存为 UTF-8", file=source
        ) from None
    return text


def parse_yaml(text: str, source: str, what: str = "文件", *, fast: bool = False) -> YamlDoc:
    """Parse one YAML document; syntax errors become a `UserError` with a line.

    `fast` uses libyaml when installed: for skeleton and bank files, which are large and
    rarely hand-broken; briefs and answers keep the pure-Python reader's exact messages.
    """
    if not text.strip():
        raise UserError(f"{what}是空的", file=source)
    try:
        loader = (_FastStrictLoader if fast else _StrictLoader)(text)
    except yaml.reader.ReaderError as exc:
        raise UserError(
            f"{what}含有 YAML 不允许的控制字符（第 {exc.position} 个字符，{_codepoint(exc.character)}）",
            file=source,
        ) from None
    try:
        node = loader.get_single_node()
        if node is None:
            raise UserError(f"{what}是空的", file=source)
        doc = YamlDoc(data=None, source=source)
        _walk(node, (), doc)
        doc.data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "语法错误"
        raise UserError(
            f"YAML 语法错误（{problem}）",
            file=source,
            line=mark.line + 1 if mark else None,
            column=mark.column + 1 if mark else None,
        ) from None
    except yaml.YAMLError as exc:
        raise UserError(f"YAML 无法解析（{exc}）", file=source) from None
    finally:
        loader.dispose()
    return doc


def load_yaml(path: Path, what: str = "文件", *, fast: bool = False) -> YamlDoc:
    return parse_yaml(read_text(path, what), str(path), what, fast=fast)


def _walk(node: yaml.Node, path: Path_, doc: YamlDoc) -> None:
    doc.positions.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key == "<<":
                raise UserError(
                    "不支持 YAML 合并键 <<",
                    file=doc.source,
                    line=key_node.start_mark.line + 1,
                    key=format_path(path) or None,
                )
            if key in seen:
                raise UserError(
                    f"键 {key} 重复出现",
                    file=doc.source,
                    line=key_node.start_mark.line + 1,
                    column=key_node.start_mark.column + 1,
                    key=format_path((*path, key)),
                )
            seen.add(key)
            key_path: Path_ = (*path, key)
            doc.positions[key_path] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            _walk(value_node, (*path, key), doc)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, (*path, i), doc)


def _codepoint(char: object) -> str:
    code = char if isinstance(char, int) else ord(str(char)[:1] or "\0")
    return f"U+{code:04X}"
