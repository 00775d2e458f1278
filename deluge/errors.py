"""Errors a Deluge script can raise.

Only these types ever leave the engine: a Python exception raised inside a built-in or the
host is turned into a ``DelugeRuntimeError`` at the statement that caused it.
"""

from __future__ import annotations

from typing import Any


class DelugeError(Exception):
    """Base class: a message plus the 1-based line and column it refers to."""

    kind = "Error"

    def __init__(
        self,
        message: str,
        line: int | None = None,
        column: int | None = None,
        source_line: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column
        self.source_line = source_line

    def at(self, line: int, column: int, source_line: str | None = None) -> DelugeError:
        """Fill in the position if it is not known yet (built-ins raise without one)."""
        if self.line is None:
            self.line, self.column = line, column
        if self.source_line is None:
            self.source_line = source_line
        return self

    def caret(self) -> str:
        """The source line with a caret under the column, or '' when unknown."""
        if self.source_line is None or self.column is None:
            return ""
        pad = "".join("\t" if ch == "\t" else " " for ch in self.source_line[: self.column - 1])
        return f"{self.source_line}\n{pad}^"

    def __str__(self) -> str:
        where = f"line {self.line}, column {self.column}: " if self.line is not None else ""
        return f"{self.kind}: {where}{self.message}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": self.kind,
            "message": self.message,
            "line": self.line,
            "column": self.column,
        }


class DelugeSyntaxError(DelugeError):
    kind = "Syntax error"


class DelugeRuntimeError(DelugeError):
    kind = "Runtime error"


class DelugeLimitError(DelugeRuntimeError):
    """A configured limit was exceeded; ``limit`` names it (e.g. ``max_statements``)."""

    kind = "Limit exceeded"

    def __init__(
        self,
        limit: str,
        message: str,
        line: int | None = None,
        column: int | None = None,
        source_line: str | None = None,
    ) -> None:
        super().__init__(message, line, column, source_line)
        self.limit = limit
