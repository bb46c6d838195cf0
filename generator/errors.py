"""User-facing errors: one line in Chinese that names the file, line and key.

Anything a user can get wrong (a brief, a bank entry, an answers file, a path)
raises `UserError`; the CLI prints its message and exits 1 instead of a
traceback.
"""

from __future__ import annotations

import re

# C0/C1 controls, bidi overrides and zero-width characters: a file name or a value
# quoted in a message must not move the terminal's cursor or reorder the line.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")


def printable(text: str) -> str:
    """`text` with characters that could drive a terminal shown as visible escapes."""
    return _UNPRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


class UserError(Exception):
    """An error caused by the user's input, reported without a traceback."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        column: int | None = None,
        key: str | None = None,
    ) -> None:
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        self.key = key
        super().__init__(self.format())

    def format(self) -> str:
        where = ""
        if self.file:
            where = self.file
            if self.line:
                where += f":{self.line}"
                if self.column:
                    where += f":{self.column}"
        parts = [p for p in (where, f"键 {self.key}" if self.key else "") if p]
        prefix = "，".join(parts)
        text = f"{prefix}：{self.message}" if prefix else self.message
        return printable(text)


class UserErrors(UserError):
    """Several user errors found in one file, reported as a short list."""

    def __init__(self, errors: list[UserError]) -> None:
        self.errors = errors
        super().__init__("\n".join(e.format() for e in errors))

    def format(self) -> str:
        return "\n".join(e.format() for e in self.errors)
