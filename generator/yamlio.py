"""Safe YAML reading that remembers where every key came from.

Every YAML file speechdraft reads (briefs, answers, banks, skeletons, terms)
comes through `parse_yaml`, which is the one place its hard limits live: file
size, node count, nesting depth and alias expansion. Briefs and answers files
may not use aliases at all; banks, skeletons and terms may, up to the node cap,
so a 600-byte "billion laughs" file fails in milliseconds instead of eating
the machine. Every parser complaint becomes one Chinese line with its position.

Errors must point at a line. YAML 1.1 surprises are switched off: `yes/no/on/off`
stay strings (only `true/false` are booleans) and dates stay strings, so a brief's
`date: 2026-03-15` or `kind: on` is never silently turned into another type.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import UserError

MAX_INPUT_BYTES = 2 * 1024 * 1024
# Nodes after expanding aliases: the shipped bank's largest file has about 10,000 (the 三个再 bank, whose
# entries carry up to ten further sentences each); shipped files stay under a tenth of the cap.
MAX_NODES = 250_000
# Nesting levels: a brief needs 4, a bank 7.
MAX_DEPTH = 40
# Digits in an integer: seeds and weights need far fewer; Python refuses over 4,300.
MAX_INT_DIGITS = 30

Path_ = tuple[str | int, ...]

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_PLAIN_TAGS = frozenset(
    {
        _STR,
        _INT,
        _FLOAT,
        "tag:yaml.org,2002:bool",
        "tag:yaml.org,2002:null",
        "tag:yaml.org,2002:seq",
        "tag:yaml.org,2002:map",
    }
)


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader with YAML-1.2-like booleans, no implicit timestamps and a depth limit.

    Aliases are refused while composing (with the alias's own line) unless allowed.
    """

    allow_aliases = False

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent) and not self.allow_aliases:
            event = self.peek_event()
            raise UserError(
                f"不支持 YAML 别名（*{event.anchor}）：请把内容直接写出",
                line=event.start_mark.line + 1,
                column=event.start_mark.column + 1,
            )
        depth = getattr(self, "_depth", 0)
        if depth >= MAX_DEPTH:
            mark = self.peek_event().start_mark
            raise UserError(
                f"嵌套层次过深（超过 {MAX_DEPTH} 层）", line=mark.line + 1, column=mark.column + 1
            )
        self._depth = depth + 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth = depth


class _AliasLoader(_StrictLoader):
    allow_aliases = True


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
    """The same rules on libyaml's parser: ten times faster for the large bank files we ship.

    libyaml limits nesting itself; aliases and depth are checked on the composed tree.
    """


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


def read_limited(path: Path, what: str, limit: int) -> bytes:
    """The bytes of a regular file of at most `limit` bytes; never blocks on a FIFO or reads a device."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise UserError(f"找不到{what}", file=str(path)) from None
    except OSError as exc:
        raise UserError(f"无法读取{what}（{exc.strerror}）", file=str(path)) from None
    if stat.S_ISDIR(info.st_mode):
        raise UserError(f"这是一个目录，不是{what}", file=str(path))
    if not stat.S_ISREG(info.st_mode):
        raise UserError(f"这不是普通文件（是管道或设备），无法作为{what}读取", file=str(path))
    if info.st_size > limit:
        raise UserError(f"{what}过大（{info.st_size} 字节，上限 {limit} 字节）", file=str(path))
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise UserError(f"无法读取{what}（{exc.strerror}）", file=str(path)) from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):  # swapped for a pipe since the check above
            raise UserError(f"这不是普通文件（是管道或设备），无法作为{what}读取", file=str(path))
        chunks: list[bytes] = []
        size = 0
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            size += len(chunk)
            if size > limit:
                raise UserError(f"{what}过大（超过上限 {limit} 字节）", file=str(path))
            chunks.append(chunk)
    except OSError as exc:
        raise UserError(f"无法读取{what}（{exc.strerror}）", file=str(path)) from None
    finally:
        os.close(fd)
    return b"".join(chunks)


def read_text(path: Path, what: str = "文件") -> str:
    """Read a user file as UTF-8 text with clear, one-line errors."""
    return decode(read_limited(path, what, MAX_INPUT_BYTES), str(path), what)


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


def parse_yaml(
    text: str, source: str, what: str = "文件", *, fast: bool = False, aliases: bool = False
) -> YamlDoc:
    """Parse one YAML document within the limits; every problem becomes a `UserError` with a line.

    `fast` uses libyaml when installed: for skeleton and bank files, which are large and
    rarely hand-broken; briefs and answers keep the pure-Python reader. `aliases` allows
    `&anchor`/`*alias` (banks, skeletons, terms), still capped at `MAX_NODES` after expansion.
    """
    if len(text) > MAX_INPUT_BYTES:
        raise UserError(f"{what}过大（{len(text)} 个字符，上限 {MAX_INPUT_BYTES}）", file=source)
    if not text.strip():
        raise UserError(f"{what}是空的", file=source)
    loader_class: Any = _FastStrictLoader if fast else (_AliasLoader if aliases else _StrictLoader)
    loader: Any = None
    try:
        loader = loader_class(text)
        node = loader.get_single_node()
        if node is None:
            raise UserError(f"{what}是空的", file=source)
        doc = YamlDoc(data=None, source=source)
        _Walker(doc, aliases).walk(node)
        doc.data = loader.construct_document(node)
    except UserError as exc:
        if exc.file is None:
            exc = UserError(exc.message, file=source, line=exc.line, column=exc.column, key=exc.key)
        raise exc from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise UserError(
            f"YAML 语法错误：{explain(exc)}",
            file=source,
            line=mark.line + 1 if mark else None,
            column=mark.column + 1 if mark else None,
        ) from None
    except yaml.reader.ReaderError as exc:
        raise UserError(
            f"{what}含有 YAML 不允许的控制字符（第 {exc.position} 个字符，{_codepoint(exc.character)}）",
            file=source,
        ) from None
    except yaml.YAMLError as exc:
        raise UserError(f"YAML 语法错误：{explain(exc)}", file=source) from None
    except (RecursionError, MemoryError):
        raise UserError(f"{what}结构过深或过大，无法读取", file=source) from None
    except (ValueError, OverflowError, TypeError):
        raise UserError(f"{what}含有无法读取的值（数字过大或格式不对）", file=source) from None
    finally:
        if loader is not None:
            loader.dispose()
    return doc


_BUILTIN_DATA = Path(__file__).resolve().with_name("data")


def load_yaml(path: Path, what: str = "文件", *, fast: bool = False, aliases: bool = False) -> YamlDoc:
    """A YAML file parsed; the package's own data files (red pen, terms) come from the start-up cache."""
    if fast and path.resolve().parent == _BUILTIN_DATA:
        from .cache import cached

        return cached(
            f"data_{path.stem}",
            [path],
            lambda: parse_yaml(read_text(path, what), str(path), what, fast=True, aliases=aliases),
        )
    return parse_yaml(read_text(path, what), str(path), what, fast=fast, aliases=aliases)


# pyyaml's and libyaml's complaints, most specific first, in the words a clerk can act on.
_EXPLANATIONS: tuple[tuple[str, str], ...] = (
    ("mapping values are not allowed", "此处不能出现“键: 值”；值里含有“: ”时请给整个值加引号"),
    ("could not find expected ':'", "缺少冒号 :（每个键后应有“: ”）"),
    ("found a tab character", "缩进中有制表符（Tab），请改用空格"),
    ("found character '\\t'", "缩进中有制表符（Tab），请改用空格"),
    ("cannot start any token", "出现了不能放在开头的字符（以 @、` 或 % 开头的值请加引号）"),
    ("unknown escape character", "双引号中有无法识别的转义（如 \\x），请改用单引号"),
    ("found unexpected end of stream", "文件意外结束（引号或括号没有闭合？）"),
    ("found undefined alias", "使用了未定义的别名 *"),
    ("found duplicate anchor", "锚点 & 重复定义"),
    ("found unhashable key", "键不能是列表或映射"),
    ("could not determine a constructor", "不支持的 YAML 标签（!!…）"),
    ("undefined tag handle", "不支持的 YAML 标签（!…）"),
    ("but found another document", "文件中只能有一个文档（请删去多余的 ---）"),
    ("expected '<document start>'", "文件中有多余的内容（缩进是否对齐？）"),
    ("did not find expected <document start>", "文件中有多余的内容（缩进是否对齐？）"),
    ("expected <block end>", "缩进不一致：同一层的键应左对齐"),
    ("did not find expected key", "缩进不一致：同一层的键应左对齐"),
    ("did not find expected '-'", "列表项缩进不一致：每项应以对齐的 - 开头"),
    ("expected ',' or ']'", "方括号列表中缺少逗号或 ]"),
    ("expected ',' or '}'", "花括号映射中缺少逗号或 }"),
    ("did not find expected ',' or ']'", "方括号列表中缺少逗号或 ]"),
    ("did not find expected ',' or '}'", "花括号映射中缺少逗号或 }"),
    ("did not find expected node content", "此处缺少内容"),
    ("expected the node content", "此处缺少内容"),
    ("found unexpected ':'", "冒号位置不对（值里含冒号时请加引号）"),
    ("expected alphabetic or numeric character", "锚点或别名的名字只能用字母和数字"),
    ("expected a comment or a line break", "此处之后应换行（多余的字符请删去或给值加引号）"),
    ("indentation indicator", "块文本（| 或 >）的缩进标记不对"),
    ("found unexpected document separator", "引号中的文本不能跨越 ---"),
    ("exceeded maximum nesting depth", f"嵌套层次过深（超过 {MAX_DEPTH} 层）"),
    ("while scanning a quoted scalar", "引号没有闭合"),
    ("while scanning a block scalar", "块文本（| 或 >）的格式不对"),
    ("while scanning a directive", "以 % 开头的行不是有效的指令（值请加引号）"),
    ("while scanning an anchor", "锚点或别名的名字不合法"),
    ("while scanning an alias", "锚点或别名的名字不合法"),
    ("while scanning a tag", "标签（!…）的格式不对"),
    ("special characters are not allowed", "含有 YAML 不允许的特殊字符"),
    ("control characters are not allowed", "含有 YAML 不允许的控制字符"),
)


def explain(exc: yaml.YAMLError) -> str:
    """One Chinese phrase for a pyyaml/libyaml error, never its English text."""
    text = str(exc)
    for needle, chinese in _EXPLANATIONS:
        if needle in text:
            return chinese
    return "无法解析（请检查这一行的缩进、冒号和引号）"


class _Walker:
    """Records key positions and enforces the limits no parser checks for us.

    Aliased nodes are the same object at every use, so a cycle (`x: &x [*x]`) and
    the expanded size of shared subtrees are found without expanding anything.
    """

    def __init__(self, doc: YamlDoc, aliases: bool) -> None:
        self.doc = doc
        self.aliases = aliases
        self.sizes: dict[int, int] = {}
        self.open: set[int] = set()

    def fail(self, message: str, node: yaml.Node, path: Path_) -> UserError:
        return UserError(
            message,
            file=self.doc.source,
            line=node.start_mark.line + 1,
            column=node.start_mark.column + 1,
            key=(format_path(path) or None) if len(path) <= 6 else None,
        )

    def walk(self, root: yaml.Node) -> None:
        if self.expanded_size(root, (), 0) > MAX_NODES:
            raise self.fail(f"内容过多（展开后超过 {MAX_NODES} 个节点，别名是否层层嵌套？）", root, ())
        self.record(root, ())

    def expanded_size(self, node: yaml.Node, path: Path_, depth: int) -> int:
        """Nodes after alias expansion, each shared node counted once per use but computed once."""
        key = id(node)
        if key in self.sizes:
            if not self.aliases:
                raise self.fail("不支持 YAML 别名（*…）：请把内容直接写出", node, path)
            return self.sizes[key]
        if key in self.open:
            raise self.fail("别名引用了自身（循环引用）", node, path)
        if depth > MAX_DEPTH:
            raise self.fail(f"嵌套层次过深（超过 {MAX_DEPTH} 层）", node, path)
        self.open.add(key)
        size = 1
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                self.check_key(key_node, path)
                size += 1 + self.expanded_size(value_node, (*path, str(key_node.value)), depth + 1)
                if size > MAX_NODES:
                    break
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                size += self.expanded_size(item, (*path, i), depth + 1)
                if size > MAX_NODES:
                    break
        else:
            self.check_scalar(node, path)
        self.open.discard(key)
        self.sizes[key] = size
        return size

    def check_key(self, key_node: yaml.Node, path: Path_) -> None:
        if not isinstance(key_node, yaml.ScalarNode):
            raise self.fail("键不能是列表或映射", key_node, path)
        if key_node.value == "<<":
            raise self.fail("不支持 YAML 合并键 <<", key_node, path)
        if key_node.tag != _STR:
            raise self.fail(f"键 {key_node.value or '（空）'} 应为文本（需要时加引号）", key_node, path)

    def check_scalar(self, node: yaml.Node, path: Path_) -> None:
        if node.tag not in _PLAIN_TAGS:
            raise self.fail(f"不支持的 YAML 标签 {node.tag.replace('tag:yaml.org,2002:', '!!')}", node, path)
        value = str(node.value)
        if node.tag == _INT and len(value) > MAX_INT_DIGITS:
            raise self.fail(f"数字位数过多（{len(value)} 位）", node, path)
        if node.tag == _FLOAT:
            lowered = value.lower()
            if "inf" in lowered or "nan" in lowered:
                raise self.fail(f"不支持无穷大或非数 {value}", node, path)
            if len(value) > MAX_INT_DIGITS * 2:
                raise self.fail(f"数字位数过多（{len(value)} 位）", node, path)

    def record(self, node: yaml.Node, path: Path_) -> None:
        self.doc.positions.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
        if isinstance(node, yaml.MappingNode):
            seen: set[str] = set()
            for key_node, value_node in node.value:
                key = str(key_node.value)
                if key in seen:
                    raise self.fail(f"键 {key} 重复出现", key_node, (*path, key))
                seen.add(key)
                key_path: Path_ = (*path, key)
                self.doc.positions[key_path] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
                self.record(value_node, key_path)
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                self.record(item, (*path, i))


def _codepoint(char: object) -> str:
    code = char if isinstance(char, int) else ord(str(char)[:1] or "\0")
    return f"U+{code:04X}"
