"""Tokenizer for Deluge source.

One compiled regular expression does the scanning, which keeps the lexer well above the
parse-throughput target. Every token keeps its 1-based line and column and whether a line
break precedes it: the parser uses that to forgive a missing ``;`` at the end of a line, as
real scripts pasted from the suites sometimes have.
"""

from __future__ import annotations

import re

from .errors import DelugeSyntaxError

# token kinds
IDENT = "ident"
NUMBER = "number"
STRING = "string"
DATETIME = "datetime"  # single-quoted text: a date-time literal in Deluge
OP = "op"
EOF = "eof"


class Token:
    __slots__ = ("col", "kind", "line", "nl", "text", "value")

    def __init__(
        self, kind: str, text: str, value: str | int | float | None, line: int, col: int, nl: bool
    ) -> None:
        self.kind = kind
        self.text = text  # as written (operators, identifiers); decoded value is ``value``
        self.value = value
        self.line = line
        self.col = col
        self.nl = nl  # a line break (or start of file) comes before this token

    def __repr__(self) -> str:
        return f"Token({self.kind}, {self.text!r}, {self.line}:{self.col})"


_SPACE = r"[ \t\r\f\v\u00a0\ufeff\u200b]"
# Every match swallows the blanks before its token, so blanks cost no loop turn of their own.
# Alternatives are ordered by frequency where their first characters cannot clash: names
# first, comments and numbers before the operators that share their first character.
_TOKEN_RE = re.compile(
    _SPACE
    + r"""*(?:
    (?P<id>[^\W\d]\w*)
  | (?P<op>[-+*/%=!<>]=|&&|\|\||[(){}\[\],;:])
  | (?P<nl>\n)
  | (?P<str>"(?:[^"\\]|\\.)*")
  | (?P<lc>//[^\n]*)
  | (?P<bc>/\*.*?\*/)
  | (?P<ubc>/\*)
  | (?P<num>\d+\.\d+|\d+|\.\d+(?![A-Za-z_]))
  | (?P<op1>[-+*/%<>=!.])
  | (?P<dt>'(?:[^'\\]|\\.)*')
  | (?P<bad>(?!"""
    + _SPACE
    + r""").)
    )""",
    re.VERBOSE | re.DOTALL,
)

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "'": "'", "\\": "\\"}
_ESCAPE_RE = re.compile(r"\\(.)", re.DOTALL)


def _unescape(body: str) -> str:
    if "\\" not in body:
        return body
    # an unknown escape keeps its backslash ("\d" stays "\d"), as regex patterns rely on it
    return _ESCAPE_RE.sub(lambda m: _ESCAPES.get(m.group(1), m.group(0)), body)


def source_line(source: str, line: int) -> str | None:
    lines = source.split("\n")
    if 1 <= line <= len(lines):
        return lines[line - 1].rstrip("\r")
    return None


def syntax_error(source: str, message: str, line: int, col: int) -> DelugeSyntaxError:
    return DelugeSyntaxError(message, line, col, source_line(source, line))


def tokenize(source: str) -> list[Token]:
    tokens: list[Token] = []
    append = tokens.append
    line = 1
    line_start = 0
    nl = True
    for m in _TOKEN_RE.finditer(source):
        kind = m.lastgroup
        if kind == "id":
            text = m.group(kind)
            append(Token(IDENT, text, text, line, m.start(kind) - line_start + 1, nl))
            nl = False
        elif kind == "op" or kind == "op1":
            text = m.group(kind)
            append(Token(OP, text, text, line, m.start(kind) - line_start + 1, nl))
            nl = False
        elif kind == "nl":
            line += 1
            line_start = m.end()
            nl = True
        elif kind == "str" or kind == "dt":
            text = m.group(kind)
            start = m.start(kind)
            tok_kind = STRING if kind == "str" else DATETIME
            append(Token(tok_kind, text, _unescape(text[1:-1]), line, start - line_start + 1, nl))
            nl = False
            breaks = text.count("\n")  # strings may span lines
            if breaks:
                line += breaks
                line_start = start + text.rindex("\n") + 1
        elif kind == "num":
            text = m.group(kind)
            value = float(text) if "." in text else int(text)
            append(Token(NUMBER, text, value, line, m.start(kind) - line_start + 1, nl))
            nl = False
        elif kind == "lc":
            continue
        elif kind == "bc":
            text = m.group(kind)
            breaks = text.count("\n")
            if breaks:
                line += breaks
                line_start = m.start(kind) + text.rindex("\n") + 1
                nl = True
        else:  # an unterminated comment, string or date-time, or a stray character
            start = m.start(kind)  # type: ignore[arg-type]
            _lex_error(source, start, line, start - line_start + 1)
    tokens.append(Token(EOF, "", None, line, len(source) - line_start + 1, True))
    return tokens


def _lex_error(source: str, pos: int, line: int, col: int) -> None:
    ch = source[pos]
    if ch == '"':
        raise syntax_error(source, 'unterminated string (missing closing ")', line, col)
    if ch == "'":
        raise syntax_error(source, "unterminated date-time literal (missing closing ')", line, col)
    if source.startswith("/*", pos):
        raise syntax_error(source, "unterminated comment (missing */)", line, col)
    raise syntax_error(source, f"unexpected character {ch!r}", line, col)
