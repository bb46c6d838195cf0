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
from .yamlio import MAX_INPUT_BYTES, read_limited

if TYPE_CHECKING:
    from .cleaning import Cleaned

SUFFIXES = (".txt", ".md", ".docx")
# Limits on what lint and analyze will open: a long speech is some 50 KB of text and
# a 100-page Word file unpacks to a few MB; a zip bomb declares hundreds.
MAX_SPEECH_BYTES = 20 * MAX_INPUT_BYTES
MAX_DOCX_UNPACKED = 25_000_000
MAX_DOCX_MEMBERS = 2_000
MAX_DOCX_PARAGRAPHS = 20_000

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
    """The file's bytes: a regular file within `MAX_SPEECH_BYTES` (never a pipe or a device)."""
    if path.is_dir():
        raise UserError("这是一个目录，不是讲话稿文件", file=str(path))
    return read_limited(path, "文件", MAX_SPEECH_BYTES)


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


def _check_docx_size(path: Path, archive: zipfile.ZipFile) -> None:
    """Refuse a zip bomb before anything is unpacked: the headers' sizes are what zipfile will unpack.

    zipfile stops at each member's declared size (and fails its CRC check if the data
    is longer), so a lying header cannot make it unpack more than is summed here.
    """
    members = archive.infolist()
    if len(members) > MAX_DOCX_MEMBERS:
        raise UserError(f"Word 文件内部部件过多（{len(members)} 个），不像是讲话稿", file=str(path))
    unpacked = sum(m.file_size for m in members)
    if unpacked > MAX_DOCX_UNPACKED:
        raise UserError(
            f"Word 文件解压后过大（{unpacked // 1_000_000} MB，上限 {MAX_DOCX_UNPACKED // 1_000_000} MB）",
            file=str(path),
        )


def _docx_paragraphs(path: Path, raw: bytes) -> list[str]:
    import io

    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            _check_docx_size(path, archive)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise UserError(
            "不是有效的 .docx 文件（旧版 .doc 请先在 Word 中另存为 .docx）", file=str(path)
        ) from None
    import docx

    try:
        document = docx.Document(io.BytesIO(raw))
    except Exception as exc:  # python-docx raises several types for broken packages
        raise UserError(f"无法打开 Word 文件（{type(exc).__name__}）", file=str(path)) from None
    try:
        paragraphs = document.paragraphs
    except Exception as exc:  # a malformed body
        raise UserError(f"无法读取 Word 文件的正文（{type(exc).__name__}）", file=str(path)) from None
    if len(paragraphs) > MAX_DOCX_PARAGRAPHS:
        raise UserError(
            f"Word 文件段落过多（{len(paragraphs)} 段，上限 {MAX_DOCX_PARAGRAPHS} 段），不像是一篇讲话稿",
            file=str(path),
        )
    return [p.text.strip() for p in paragraphs if p.text.strip()]
