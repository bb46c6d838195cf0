"""Renderers: each takes a Draft and returns bytes or text, nothing else."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from ..draft import Draft

if TYPE_CHECKING:
    from .docx_alternatives import Alternatives

FORMATS = (".txt", ".md", ".docx")


def render_for(
    path: Path,
    draft: Draft,
    *,
    reference_docx: Path | None = None,
    font_profile: str | None = None,
    author: str = "",
    alternatives: Mapping[str, Alternatives] | None = None,
) -> bytes:
    """Render `draft` in the format the file suffix asks for (the keyword options are for Word)."""
    suffix = path.suffix.lower()
    if suffix == ".txt":
        from .txt import render_txt

        return render_txt(draft).encode("utf-8")
    if suffix == ".md":
        from .md import render_md

        return render_md(draft).encode("utf-8")
    if suffix == ".docx":
        from .docx import render_docx

        return render_docx(
            draft,
            reference=reference_docx,
            font_profile=font_profile,
            author=author,
            alternatives=alternatives,
        )
    from ..errors import UserError

    raise UserError(f"不支持的输出格式 {suffix or '（无扩展名）'}，请用 .docx、.txt 或 .md", file=str(path))
