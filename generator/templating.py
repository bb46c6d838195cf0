"""Rendering bank and skeleton strings with Jinja2, safely.

Only bank and skeleton strings are templates. Values from the brief enter as
plain data in the context, so a clerk's `{{ }}` in a fact is printed, never run.

A bank folder may come from anyone, so a template is treated as untrusted code:
- the sandbox is immutable and has no globals but the documented names (no
  `range`, `lipsum`, `cycler`, `joiner`, `namespace`, `dict`), only the filters
  DATA.md lists (no `random`, which would break same-seed-same-draft), and no
  `include`/`import`/`extends`;
- every call, attribute, loop step and arithmetic step spends an operation
  budget, and every value and the whole output have a size limit, so a template
  can neither hang nor fill memory;
- any failure while rendering becomes `TemplateFailure`, a `jinja2.TemplateError`
  with a Chinese message that callers turn into a line naming file and entry.
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any

import jinja2
from jinja2 import meta, nodes
from jinja2.runtime import LoopContext, Macro
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from jinja2.visitor import NodeTransformer

from .numbering import cn

PLACEHOLDER_FORMAT = "（此处补充{}）"

# Limits for one render. A shipped variant takes under 20 operations and 400 characters.
MAX_OPERATIONS = 10_000
MAX_OUTPUT_CHARS = 20_000
MAX_TEMPLATE_CHARS = 20_000
# Loop steps and output are charged one operation per this many characters.
_CHARS_PER_OPERATION = 64


def placeholder(hint: str) -> str:
    """A visible gap for the clerk to fill; never an invented fact."""
    return PLACEHOLDER_FORMAT.format(hint)


# Names every template may use. compose() supplies exactly these.
CONTEXT_NAMES = frozenset(
    {
        "whole",
        "committee",
        "gov",
        "org_dept",
        "organs",
        "unit",
        "sub_units",
        "places",
        "departments",
        "events",
        "achievements",
        "problems",
        "place",
        "scope",
        "meeting",
        "kind",
        "year",
        "programme",
        "previous",
        "domain",
        "domain_label",
        "count",
        "count_cn",
        "points",
        "points_cn",
        "ph",
        "cn",
    }
)

# Filters a template may use (docs/DATA.md): none can build a large value from a small one.
SAFE_FILTERS = frozenset(
    {"cn", "default", "d", "trim", "upper", "lower", "length", "count", "first", "last", "string", "int"}
)
# String methods a template may call: each returns something no larger than its input.
SAFE_STR_METHODS = frozenset({"startswith", "endswith", "strip", "lstrip", "rstrip", "upper", "lower"})
_FUNCTIONS = (placeholder, cn)


class TemplateFailure(jinja2.TemplateRuntimeError):
    """A template could not be rendered; the message is one Chinese phrase."""


class _BudgetExceeded(Exception):
    pass


_state = threading.local()


def _spend(units: int = 1) -> None:
    left = getattr(_state, "left", None)
    if left is None:  # outside render(): nothing to count against
        return
    left -= units
    _state.left = left
    if left < 0:
        raise _BudgetExceeded


def _sized(value: Any) -> Any:
    """Refuse a value larger than a whole output may be; charge for its size."""
    if isinstance(value, (str, list, tuple)):
        if len(value) > MAX_OUTPUT_CHARS:
            raise TemplateFailure(f"生成的内容过长（超过 {MAX_OUTPUT_CHARS} 字）")
        _spend(1 + len(value) // _CHARS_PER_OPERATION)
    elif isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 128:
        raise TemplateFailure("数字过大")
    return value


@jinja2.pass_context
def _sized_filter(context: Any, value: Any) -> Any:
    return _sized(value)


@jinja2.pass_context
def _budgeted(context: Any, iterable: Iterable[Any], cost: int = 1) -> Iterator[Any]:
    """A loop's iterable that spends `cost` operations per step."""
    for item in iterable:
        _spend(cost)
        yield item


class _Instrument(NodeTransformer):
    """Adds budget and size checks to a parsed template; refuses loading other templates."""

    def visit_Template(self, node: nodes.Template) -> nodes.Node:
        for bad in node.find_all((nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends)):
            raise jinja2.TemplateSyntaxError(
                "不能使用 include、import 或 extends", bad.lineno or 1, None, None
            )
        return self.generic_visit(node)

    def visit_For(self, node: nodes.For) -> nodes.Node:
        self.generic_visit(node)  # transforms the children in place
        body_chars = sum(len(d.data) for d in node.find_all(nodes.TemplateData))
        cost = 1 + body_chars // _CHARS_PER_OPERATION
        node.iter = nodes.Filter(
            node.iter, "_budgeted", [nodes.Const(cost)], [], None, None, lineno=node.lineno
        )
        return node

    def visit_Output(self, node: nodes.Output) -> nodes.Node:
        self.generic_visit(node)
        node.nodes = [n if isinstance(n, nodes.TemplateData) else _wrap_sized(n) for n in node.nodes]
        return node

    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:
        self.generic_visit(node)
        return _wrap_sized(node)


def _wrap_sized(node: nodes.Node) -> nodes.Filter:
    return nodes.Filter(node, "_sized", [], [], None, None, lineno=node.lineno)


class SpeechSandbox(ImmutableSandboxedEnvironment):
    """The sandbox for bank and skeleton templates (see the module docstring)."""

    intercepted_binops = frozenset({"+", "-", "*", "/", "//", "%", "**"})

    def __init__(self) -> None:
        super().__init__(undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=False)
        self.globals.clear()
        self.filters = {name: f for name, f in self.filters.items() if name in SAFE_FILTERS}
        self.filters["cn"] = cn
        self.filters["_sized"] = _sized_filter
        self.filters["_budgeted"] = _budgeted

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        if len(source) > MAX_TEMPLATE_CHARS:
            raise jinja2.TemplateSyntaxError(f"模板过长（超过 {MAX_TEMPLATE_CHARS} 字）", 1, name, filename)
        tree = super()._parse(source, name, filename)
        result: nodes.Template = _Instrument().visit(tree)
        return result

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        _spend()
        if operator == "%" and isinstance(left, str):
            raise SecurityError("不能用 % 格式化文本")
        if operator == "**" and _too_big_power(left, right):
            raise TemplateFailure("乘方结果过大")
        if operator == "*" and _too_big_product(left, right):
            raise TemplateFailure(f"生成的内容过长（超过 {MAX_OUTPUT_CHARS} 字）")
        return _sized(super().call_binop(context, operator, left, right))

    def getattr(self, obj: Any, attribute: str) -> Any:
        _spend()
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        _spend()
        return super().getitem(obj, argument)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        _spend()
        if isinstance(__obj, jinja2.Undefined):
            __obj._fail_with_undefined_error()
        if not _callable_in_templates(__obj):
            raise SecurityError(f"模板中不能调用 {getattr(__obj, '__name__', type(__obj).__name__)}")
        return _sized(super().call(__context, __obj, *args, **kwargs))


def _callable_in_templates(obj: Any) -> bool:
    if isinstance(obj, (Macro, LoopContext)) or any(obj is f for f in _FUNCTIONS):
        return True
    owner = getattr(obj, "__self__", None)
    name = getattr(obj, "__name__", "")
    if isinstance(owner, LoopContext):
        return name in ("cycle", "changed")
    return isinstance(owner, str) and name in SAFE_STR_METHODS


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _too_big_power(base: Any, exponent: Any) -> bool:
    if not (_number(base) and _number(exponent)):
        return False
    if abs(exponent) > 1024:
        return abs(base) > 1
    return abs(base) > 1 and exponent * math.log2(abs(base)) > 128


def _too_big_product(left: Any, right: Any) -> bool:
    for seq, n in ((left, right), (right, left)):
        if isinstance(seq, (str, list, tuple)) and isinstance(n, int):
            return len(seq) * n > MAX_OUTPUT_CHARS
    if isinstance(left, int) and isinstance(right, int):
        return left.bit_length() + right.bit_length() > 128
    return False


@lru_cache(maxsize=1)
def environment() -> SpeechSandbox:
    return SpeechSandbox()


@lru_cache(maxsize=8192)
def compile_template(source: str) -> jinja2.Template:
    return environment().from_string(source)


def undeclared_names(source: str) -> set[str]:
    """Names a template uses that compose() does not provide (raises `TemplateSyntaxError`)."""
    try:
        ast = environment().parse(source)
    except jinja2.TemplateSyntaxError:
        raise
    except RecursionError:
        raise jinja2.TemplateSyntaxError("模板嵌套过深", 1) from None
    return set(meta.find_undeclared_variables(ast)) - CONTEXT_NAMES


_SIMPLE = re.compile(r"\{\{\s*(?:([a-z_]+)|ph\('([^'\\{}]*)'\))\s*\}\}")
_OTHER = re.compile(r"\{[{%#]")


def _render_simple(source: str, context: dict[str, Any]) -> str | None:
    """Plain `{{ name }}` and `{{ ph('…') }}` substitution, as Jinja would do it, for the templates
    made only of those: most of the bank. Compiling every such template with Jinja is most of a cold start."""
    if source.endswith("\n") or _OTHER.search(_SIMPLE.sub("", source)):
        return None
    out: list[str] = []
    last = 0
    for m in _SIMPLE.finditer(source):
        if m.group(1) is None:
            gap = context.get("ph")
            value = gap(m.group(2)) if callable(gap) else None
        else:
            value = context.get(m.group(1))
        if not isinstance(value, str):
            return None  # missing or not text: let Jinja say what is wrong
        out += (source[last : m.start()], value)
        last = m.end()
    out.append(source[last:])
    text = "".join(out)
    return text if len(text) <= MAX_OUTPUT_CHARS else None


def render(source: str, context: dict[str, Any]) -> str:
    """Render within the operation budget and output limit; any failure is a `TemplateFailure`."""
    if "{" not in source:
        return source
    simple = _render_simple(source, context)
    if simple is not None:
        return simple
    outer = getattr(_state, "left", None)
    _state.left = MAX_OPERATIONS
    try:
        template = compile_template(source)
        parts: list[str] = []
        size = 0
        for part in template.generate(context):
            size += len(part)
            if size > MAX_OUTPUT_CHARS:
                raise TemplateFailure(f"生成的内容过长（超过 {MAX_OUTPUT_CHARS} 字）")
            parts.append(part)
        return "".join(parts)
    except TemplateFailure:
        raise
    except Exception as exc:  # a template is untrusted code: every failure is the template's
        raise TemplateFailure(explain(exc)) from None
    finally:
        _state.left = outer


def syntax_message(exc: jinja2.TemplateSyntaxError) -> str:
    """A template syntax error in Chinese, keeping the name Jinja complains about."""
    detail = exc.message or ""
    if detail[:1] >= "\u2e80":  # our own refusals are already Chinese
        return detail
    quoted = detail.split("'")[1] if detail.count("'") >= 2 else ""
    line = f"第 {exc.lineno} 行" if exc.lineno else ""
    if detail.startswith("No filter named"):
        return f"不支持的过滤器 {quoted}（可用：{'、'.join(sorted(SAFE_FILTERS))}）"
    if detail.startswith("No test named"):
        return f"不支持的测试 {quoted}"
    if detail.startswith("unexpected char"):
        return f"模板语法错误（{line}出现了意外的字符 {quoted}，{{{{ }}}} 是否没有闭合？）"
    if "unknown tag" in detail:
        return f"模板语法错误（{line}未知的标签 {quoted}）"
    if "end of template" in detail:
        return f"模板语法错误（{line}模板意外结束，{{% %}} 标签是否缺少 end？）"
    return f"模板语法错误（{line}{'：' + quoted if quoted else ''}）"


def explain(exc: BaseException) -> str:
    """One Chinese phrase for what went wrong inside a template."""
    if isinstance(exc, _BudgetExceeded):
        return f"运算步数超过上限 {MAX_OPERATIONS}（循环或递归过多）"
    if isinstance(exc, jinja2.UndefinedError):
        name = str(exc).split("'")[1] if str(exc).count("'") >= 2 else ""
        return f"使用了未定义的名称 {name}".rstrip()
    if isinstance(exc, SecurityError):
        return (
            f"不允许的操作（{exc}）" if not str(exc).isascii() else "不允许的操作（访问了受保护的属性或函数）"
        )
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return syntax_message(exc)
    if isinstance(exc, ZeroDivisionError):
        return "除数为零"
    if isinstance(exc, RecursionError):
        return "递归过深（宏是否调用了自己？）"
    if isinstance(exc, (OverflowError, MemoryError)):
        return "数值或内容过大"
    if isinstance(exc, ValueError) and "speech numbering" in str(exc):
        return "cn 的参数超出范围（应为 0–99）"
    if isinstance(exc, (ValueError, TypeError)):
        return f"参数的类型或取值不对（{type(exc).__name__}）"
    return f"渲染失败（{type(exc).__name__}）"
