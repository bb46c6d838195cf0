"""Turn pydantic validation errors into Chinese, line-numbered user errors."""

from __future__ import annotations

import difflib
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from .errors import UserError, UserErrors
from .yamlio import YamlDoc

M = TypeVar("M", bound=BaseModel)

_MESSAGES = {
    "missing": "缺少必填项",
    "string_type": "应为文本",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数",
    "float_type": "应为数字",
    "float_parsing": "应为数字",
    "bool_type": "应为 true 或 false",
    "bool_parsing": "应为 true 或 false",
    "list_type": "应为列表（每项以 - 开头）",
    "dict_type": "应为键值映射",
    "model_type": "应为键值映射",
    "model_attributes_type": "应为键值映射",
    "string_too_short": "不能为空",
    "too_short": "项数太少",
    "too_long": "项数太多",
    "date_from_datetime_parsing": "日期格式应为 YYYY-MM-DD",
    "date_parsing": "日期格式应为 YYYY-MM-DD",
    "date_type": "日期格式应为 YYYY-MM-DD",
    "date_from_datetime_inexact": "日期不能带时刻，格式应为 YYYY-MM-DD",
    "datetime_type": "应为日期时间",
    "datetime_parsing": "日期时间格式不对",
    "finite_number": "应为有限的数字",
    "int_parsing_size": "数字过大",
    "tuple_type": "应为列表（每项以 - 开头）",
    "set_type": "应为列表（每项以 - 开头）",
    "frozen_set_type": "应为列表（每项以 - 开头）",
    "none_required": "此处应留空",
    "enum": "取值不在允许范围内",
    "string_pattern_mismatch": "格式不对",
    "string_unicode": "应为文本",
    "bytes_type": "应为文本",
    "is_instance_of": "类型不对",
    "frozen_instance": "不能修改",
    "unexpected_keyword_argument": "未知的键",
    "multiple_of": "数值不合要求",
    "union_tag_invalid": "类型标记不对",
    "union_tag_not_found": "缺少类型标记",
    "dict_attributes_type": "应为键值映射",
    "model_fields_type": "应为键值映射",
    "callable_type": "类型不对",
    "json_invalid": "格式不对",
    "json_type": "格式不对",
    "url_type": "应为网址",
    "decimal_type": "应为数字",
    "decimal_parsing": "应为数字",
}


def validate(model: type[M], doc: YamlDoc, what: str, data: Any = None) -> M:
    """Validate `doc.data` (or `data`) against `model`; raise `UserErrors` naming lines and keys."""
    try:
        return model.model_validate(doc.data if data is None else data)
    except ValidationError as exc:
        errors = [_one(model, doc, err) for err in exc.errors(include_url=False)]
        raise UserErrors(errors[:10]) from None


def _one(model: type[BaseModel], doc: YamlDoc, err: Any) -> UserError:
    loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith(("function-", "union["))))
    kind = err["type"]
    if kind == "extra_forbidden":
        allowed = _allowed_keys(model, loc[:-1])
        key = str(loc[-1]) if loc else ""
        hint = difflib.get_close_matches(key, allowed, n=1, cutoff=0.5)
        msg = "未知的键" + (
            f"，是否想写 {hint[0]}？" if hint else f"（可用的键：{', '.join(sorted(allowed))}）"
        )
    elif kind == "literal_error":
        expected = str(err.get("ctx", {}).get("expected", ""))
        choices = expected.replace("'", "").replace(" or ", "、").replace(", ", "、")
        msg = f"取值不在允许范围内，应为 {choices} 之一"
    elif kind in ("string_too_long", "string_too_short", "too_long", "too_short"):
        ctx = err.get("ctx", {})
        if kind == "string_too_long":
            msg = f"文字太长（最多 {ctx.get('max_length')} 个字）"
        elif kind == "string_too_short":
            n = ctx.get("min_length", 1)
            msg = "不能为空" if n == 1 else f"文字太短（至少 {n} 个字）"
        elif kind == "too_long":
            msg = f"项数太多（最多 {ctx.get('max_length')} 项）"
        else:
            msg = f"项数太少（至少 {ctx.get('min_length')} 项）"
    elif kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        ctx = err.get("ctx", {})
        bound = next(iter(ctx.values()), "")
        sign = {"greater_than_equal": "≥", "less_than_equal": "≤", "greater_than": ">", "less_than": "<"}[
            kind
        ]
        msg = f"数值应 {sign} {bound}"
    elif kind in ("value_error", "assertion_error"):
        msg = str(err.get("ctx", {}).get("error", ""))
        if not msg or msg.isascii():  # a library's English reason: say it plainly instead
            msg = "取值不合要求"
    else:
        # Every pydantic message in Chinese: a type not listed gets a plain, still Chinese, line.
        # A project's own custom errors are already Chinese and kept as they are.
        own = str(err.get("msg", ""))
        msg = _MESSAGES.get(kind) or (own if own and not own.isascii() else "取值不合要求")
    if kind not in ("missing",) and "input" in err and not isinstance(err["input"], (dict, list)):
        shown = repr(err["input"])
        if len(shown) > 40:
            shown = shown[:37] + "..."
        msg += f"（实际为 {shown}）"
    return doc.error(msg, loc)


def _allowed_keys(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """Field names of the (nested) model at `loc`, for did-you-mean hints."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        fields = getattr(current, "model_fields", {})
        if part not in fields:
            return list(getattr(current, "model_fields", {}).keys())
        ann = fields[part].annotation
        current = _inner_model(ann) or current
    return list(getattr(current, "model_fields", {}).keys())


def _inner_model(ann: Any) -> type[BaseModel] | None:
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return ann
    for arg in getattr(ann, "__args__", ()) or ():
        found = _inner_model(arg)
        if found:
            return found
    return None
