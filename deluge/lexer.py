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

    def __init__(self, kind: str, text: str, value, line: int, col: int, nl: bool) -> None:
        self.kind = kind
        self.text = text  # as written (operators, identifiers); decoded value is ``value``
        self.value = value
        self.line = line
        self.col = col
        self.nl = nl  # a line break (or start of file) comes before this token

    def __repr__(self) -> str:
        return f"Token({self.kind}, {self.text!r}, {self.line}:{self.col})"


_OPERATORS = (
    "==",
    "!=",
    "<=",
    ">=",
    "&&",
    "||",
    "+=",
    "-=",
    "*=",
    "/=",
    "%=",
    "+",
    "-",
    "*",
    "/",
    "%",
    "<",
    ">",
    "=",
    "!",
    "(",
    ")",
    "{",
    "}",
    "[",
    "]",
    ",",
    ";",
    ":",
    ".",
)

_TOKEN_RE = re.compile(
    r"""
    (?P<ws>[ \t\r\f\v\u00a0\ufeff\u200b]+)
  | (?P<nl>\n)
  | (?P<lc>//[^\n]*)
  | (?P<bc>/\*.*?\*/)
  | (?P<ubc>/\*)
  | (?P<str>"(?:[^"\\]|\\.)*")
  | (?P<dt>'(?:[^'\\]|\\.)*')
  | (?P<num>\d+\.\d+|\d+|\.\d+(?![A-Za-z_]))
  | (?P<id>[^\W\d]\w*)
  | (?P<op>"""
    + "|".join(re.escape(op) for op in _OPERATORS)
    + r""")
    """,
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
    match = _TOKEN_RE.match
    pos = 0
    line = 1
    line_start = 0
    nl = True
    end = len(source)
    while pos < end:
        m = match(source, pos)
        if m is None:
            _lex_error(source, pos, line, pos - line_start + 1)
        kind = m.lastgroup
        text = m.group()
        col = pos - line_start + 1
        pos = m.end()
        if kind == "ws":
            continue
        if kind == "ubc":
            raise syntax_error(source, "unterminated comment (missing */)", line, col)
        if kind == "nl":
            line += 1
            line_start = pos
            nl = True
            continue
        if kind == "lc":
            continue
        if kind == "bc":
            breaks = text.count("\n")
            if breaks:
                line += breaks
                line_start = m.start() + text.rindex("\n") + 1
                nl = True
            continue
        if kind == "id":
            append(Token(IDENT, text, text, line, col, nl))
        elif kind == "op":
            append(Token(OP, text, text, line, col, nl))
        elif kind == "str":
            append(Token(STRING, text, _unescape(text[1:-1]), line, col, nl))
        elif kind == "num":
            value = float(text) if "." in text else int(text)
            append(Token(NUMBER, text, value, line, col, nl))
        elif kind == "dt":
            append(Token(DATETIME, text, _unescape(text[1:-1]), line, col, nl))
        nl = False
        if kind == "str" or kind == "dt":
            breaks = text.count("\n")  # strings may span lines
            if breaks:
                line += breaks
                line_start = m.start() + text.rindex("\n") + 1
    tokens.append(Token(EOF, "", None, line, pos - line_start + 1, True))
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
