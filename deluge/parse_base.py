"""The token cursor the parser modules share: look-ahead, expectations and error building."""

from __future__ import annotations

from .errors import DelugeSyntaxError
from .lexer import EOF, IDENT, NUMBER, OP, STRING, Token, syntax_error, tokenize

MAX_NESTING = 50  # generated Python nests parentheses per level; CPython caps them at 200


def describe(tok: Token) -> str:
    if tok.kind == EOF:
        return "end of script"
    if tok.kind == STRING:
        return "a string"
    if tok.kind == NUMBER:
        return f"number {tok.text}"
    return f"'{tok.text}'"


class TokenCursor:
    def __init__(self, source: str) -> None:
        self.source = source
        self.toks = tokenize(source)
        self.i = 0
        self.depth = 0

    def peek(self, k: int = 0) -> Token:
        i = self.i + k
        toks = self.toks
        return toks[i] if i < len(toks) else toks[-1]

    def advance(self) -> Token:
        tok = self.toks[self.i]
        if tok.kind != EOF:
            self.i += 1
        return tok

    def at_op(self, text: str, k: int = 0) -> bool:
        tok = self.peek(k)
        return tok.kind == OP and tok.text == text

    def at_word(self, word: str, k: int = 0) -> bool:
        tok = self.peek(k)
        return tok.kind == IDENT and tok.text.lower() == word

    def at_end_of_statement(self) -> bool:
        """EOF, ``;`` or ``}`` next: a statement may stop here without a value."""
        t = self.peek()
        return t.kind == EOF or (t.kind == OP and t.text in (";", "}"))

    def error(self, message: str, tok: Token | None = None) -> DelugeSyntaxError:
        tok = tok or self.peek()
        return syntax_error(self.source, message, tok.line, tok.col)

    def expect_op(self, text: str, context: str = "") -> Token:
        tok = self.peek()
        if tok.kind == OP and tok.text == text:
            return self.advance()
        where = f" {context}" if context else ""
        raise self.error(f"expected '{text}'{where} but found {describe(tok)}", tok)

    def expect_ident(self, what: str) -> Token:
        tok = self.peek()
        if tok.kind != IDENT:
            raise self.error(f"expected {what} but found {describe(tok)}", tok)
        return self.advance()

    def expect_word(self, word: str) -> Token:
        if not self.at_word(word):
            raise self.error(f"expected '{word}' but found {describe(self.peek())}")
        return self.advance()

    def nest(self, tok: Token) -> None:
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise self.error(f"nesting deeper than {MAX_NESTING} levels", tok)
