"""Reading any speech (.txt, .md, .docx) as a list of paragraphs.

`lint` and `analyze` work on speeches speechdraft did not write, so this
accepts what offices have: UTF-8 or GB18030 text, Markdown, Word files. Both
commands read through `read_speech`: decode, then `cleaning.clean` (site
noise removed, paragraphs restored), so they see the same paragraphs.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import UserError
from .yamlio import MAX_INPUT_BYTES

if TYPE_CHECKING:
    from .cleaning import Cleaned

SUFFIXES = (".txt", ".md", ".docx")

_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s*")
_MD_TAG = re.compile(r"</?[A-Za-z][^>]*>")
_MD_ESCAPE = re.compile(r"\\([\\`*_#\[\]<>|])")
_MD_STRONG = re.compile(r"(\*\*|__)(.+?)\1")


def decode_text(raw: bytes, source: str) -> str:
    """UTF-8 (with or without BOM), else GB18030, the two encodings Chinese offices use."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UserError("文件既不是 UTF-8 也不是 GB18030 编码，无法读取", file=source)


def _read_bytes(path: Path) -> bytes:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise UserError("找不到文件", file=str(path)) from None
    except IsADirectoryError:
        raise UserError("这是一个目录，不是讲话稿文件", file=str(path)) from None
    except OSError as exc:
        raise UserError(f"无法读取文件（{exc.strerror}）", file=str(path)) from None
    if len(raw) > 20 * MAX_INPUT_BYTES:
        raise UserError(f"文件过大（{len(raw)} 字节）", file=str(path))
    return raw


def markdown_to_text(line: str) -> str:
    line = _MD_HEADING.sub("", line)
    line = _MD_TAG.sub("", line)
    line = _MD_STRONG.sub(r"\2", line)
    return _MD_ESCAPE.sub(r"\1", line)


def read_text(path: Path) -> str:
    """A speech's text with its line breaks (a .docx gives one line per paragraph)."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise UserError(
            f"不支持的文件格式 {suffix or '（无扩展名）'}，请用 .txt、.md 或 .docx", file=str(path)
        )
    raw = _read_bytes(path)
    if suffix == ".docx":
        return "\n".join(_docx_paragraphs(path, raw))
    return decode_text(raw, str(path))


def read_speech(path: Path) -> Cleaned:
    """The speech as both readers see it: decoded, cleaned, paragraphs restored (with source lines)."""
    from .cleaning import clean

    text = read_text(path)
    if path.suffix.lower() == ".md":
        text = "\n".join(markdown_to_text(line) for line in text.splitlines())
    return clean(text)


def read_paragraphs(path: Path) -> list[str]:
    """The restored paragraphs of a speech, in order (see `read_speech`)."""
    return read_speech(path).paragraphs


def _docx_paragraphs(path: Path, raw: bytes) -> list[str]:
    import io

    if not zipfile.is_zipfile(io.BytesIO(raw)):
        raise UserError("不是有效的 .docx 文件（旧版 .doc 请先在 Word 中另存为 .docx）", file=str(path))
    import docx

    try:
        document = docx.Document(io.BytesIO(raw))
    except Exception as exc:  # python-docx raises several types for broken packages
        raise UserError(f"无法打开 Word 文件（{type(exc).__name__}）", file=str(path)) from None
    return [p.text.strip() for p in document.paragraphs if p.text.strip()]
