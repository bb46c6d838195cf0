"""Rendering bank and skeleton strings with Jinja2, safely.

Only bank and skeleton strings are templates. Values from the brief enter as
plain data in the context, so a clerk's `{{ }}` in a fact is printed, never run.
The sandbox is immutable and undefined names fail loudly (StrictUndefined).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import jinja2
from jinja2 import meta
from jinja2.sandbox import ImmutableSandboxedEnvironment

from .numbering import cn

PLACEHOLDER_FORMAT = "（此处补充{}）"


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


@lru_cache(maxsize=1)
def environment() -> ImmutableSandboxedEnvironment:
    env = ImmutableSandboxedEnvironment(
        undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=False
    )
    env.filters["cn"] = cn
    return env


@lru_cache(maxsize=8192)
def compile_template(source: str) -> jinja2.Template:
    return environment().from_string(source)


def undeclared_names(source: str) -> set[str]:
    """Names a template uses that compose() does not provide (raises on syntax errors)."""
    ast = environment().parse(source)
    return set(meta.find_undeclared_variables(ast)) - CONTEXT_NAMES


def render(source: str, context: dict[str, Any]) -> str:
    if "{" not in source:
        return source
    return compile_template(source).render(context)
