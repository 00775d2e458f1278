"""Bracketed tasks: ``invokeurl [...]``, ``sendmail [...]`` and Creator's ``insert into F [...]``.

Parameters come in any order, separated by line breaks, commas or ``;``; names may hold
spaces or hyphens (``content type``, ``content-type``). Several comma-separated values make a
List (``to: a, b``). Creator mail attachments are desugared into a Map per attachment:
``file: x`` -> ``{"file": x}``, ``template: T:Form id as PDF`` -> ``{"template": "T", "form":
"Form", "record": id, "format": "PDF"}`` (see docs/deluge.md, "Syntax accepted").
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import ast
from .lexer import EOF, IDENT, OP, Token
from .parse_base import describe

if TYPE_CHECKING:
    from .parse_base import TokenCursor

    class _Base(TokenCursor):
        """What TaskParser needs from ExpressionParser, which mixes it in."""

        def parse_expression(self, min_bp: int = 0) -> ast.Node: ...

else:
    _Base = object

# attachment kinds that name a Creator report or record template instead of holding a value
NAMED_ATTACHMENTS = frozenset({"template", "view"})
ATTACHMENT_KINDS = NAMED_ATTACHMENTS | {"file"}


class TaskParser(_Base):
    def at_param_key(self, k: int) -> bool:
        """``word[-word| word]* :`` starting k tokens ahead: a task parameter name."""
        if self.peek(k).kind != IDENT:
            return False
        k += 1
        for _ in range(4):
            if self.at_op(":", k):
                return True
            if self.at_op("-", k) and self.peek(k + 1).kind == IDENT:
                k += 2
            elif self.peek(k).kind == IDENT:
                k += 1
            else:
                return False
        return False

    def parse_task(self, tok: Token) -> ast.Task:
        self.advance()
        open_tok = self.advance()  # [
        self.nest(open_tok)
        params: list[tuple[str, ast.Node]] = []
        while True:
            while self.at_op(",") or self.at_op(";"):
                self.advance()
            if self.at_op("]"):
                self.advance()
                break
            if not self.at_param_key(0):
                t = self.peek()
                if t.kind == EOF:
                    raise self.error(
                        f"missing ']' to close the {tok.text} opened at line {open_tok.line}", t
                    )
                raise self.error(f"expected a parameter name or ']' but found {describe(t)}", t)
            key = self.advance().text
            while not self.at_op(":"):
                if self.at_op("-"):
                    self.advance()
                    key += "-" + self.advance().text
                else:
                    key += " " + self.advance().text
            self.advance()  # :
            key = key.lower()
            params.append((key, self.parse_task_value(key)))
        self.depth -= 1
        return ast.Task(tok.text.lower(), params, line=tok.line, column=tok.col)

    def parse_task_value(self, key: str) -> ast.Node:
        one = self.parse_attachment if key == "attachments" else self.parse_expression
        first = self.peek()
        value = one()
        if not self.at_value_separator(key):
            return value
        values = [value]
        while self.at_value_separator(key):
            self.advance()
            values.append(one())
        return ast.ListLit(values, line=first.line, column=first.col)

    def at_value_separator(self, key: str) -> bool:
        # a comma followed by another value, not by the next parameter or the closing ]
        if not self.at_op(",") or self.at_op("]", 1):
            return False
        if key == "attachments" and self.peek(1).text.lower() in ATTACHMENT_KINDS:
            return True  # "file: a, file: b" lists two attachments
        return not self.at_param_key(1)

    def parse_attachment(self) -> ast.Node:
        """One mail attachment: an expression, or ``kind: ...`` as Creator writes them."""
        t = self.peek()
        if not (t.kind == IDENT and self.at_op(":", 1)):
            return self.parse_expression()
        self.advance()
        self.advance()  # :
        kind = t.text.lower()
        items: list[tuple[ast.Node, ast.Node]] = []
        if kind in NAMED_ATTACHMENTS:
            name = self.expect_ident(f"a {kind} name")
            items.append((_text(kind, t), _text(name.text, name)))
            if self.at_op(":") and self.peek(1).kind == IDENT:
                self.advance()
                form = self.advance()
                items.append((_text("form", form), _text(form.text, form)))
            if not self.at_attachment_end():
                rec = self.peek()
                items.append((_text("record", rec), self.parse_expression()))
        else:
            items.append((_text(t.text, t), self.parse_expression()))
        if self.at_word("as") and self.peek(1).kind == IDENT:
            self.advance()
            fmt = self.advance()
            items.append((_text("format", fmt), _text(fmt.text, fmt)))
        return ast.MapLit(items, line=t.line, column=t.col)

    def at_attachment_end(self) -> bool:
        tok = self.peek()
        if tok.kind == EOF or (tok.kind == OP and tok.text in ",;]"):
            return True
        return self.at_word("as") or self.at_param_key(0)

    def parse_insert(self, tok: Token) -> ast.Insert:
        self.advance()
        self.advance()  # into
        form = self.expect_ident("a form name").text
        self.expect_op("[", "after the form name")
        fields: list[tuple[str, ast.Node]] = []
        while True:
            while self.at_op(",") or self.at_op(";"):
                self.advance()
            if self.at_op("]"):
                self.advance()
                break
            name = self.expect_ident("a field name or ']'").text
            self.expect_op("=", "after the field name")
            fields.append((name, self.parse_expression()))
        return ast.Insert(form, fields, line=tok.line, column=tok.col)


def _text(value: str, tok: Token) -> ast.Literal:
    return ast.Literal(value, "string", line=tok.line, column=tok.col)
