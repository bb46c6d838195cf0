"""User-facing errors: one line in Chinese that names the file, line and key.

Anything a user can get wrong (a brief, a bank entry, an answers file, a path)
raises `UserError`; the CLI prints its message and exits 1 instead of a
traceback.
"""

from __future__ import annotations


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
        return f"{prefix}：{self.message}" if prefix else self.message


class UserErrors(UserError):
    """Several user errors found in one file, reported as a short list."""

    def __init__(self, errors: list[UserError]) -> None:
        self.errors = errors
        super().__init__("\n".join(e.format() for e in errors))

    def format(self) -> str:
        return "\n".join(e.format() for e in self.errors)
