"""Expressions: a Pratt loop over binary operators, then unary, postfix and primary forms.

Besides the operators of docs/deluge.md, the primaries cover what real scripts write as
values: literals, ``{}``/``[]`` collections, ``Map()``/``List:String()`` constructors,
``if(c, a, b)``, task blocks (``invokeurl [...]``), Creator's ``insert into``, ``Form[...]``
fetches with ``sort by``/``range from``, and ``key: value`` call arguments
(``Collection("a": 1)``, ``c.insert("k": v)``), gathered into one Map argument.
"""

from __future__ import annotations

from typing import TypedDict

from . import ast
from .lexer import DATETIME, IDENT, NUMBER, OP, STRING, Token
from .parse_base import TokenCursor, describe
from .parse_tasks import TaskParser

BINARY_POWER = {
    "||": 1,
    "&&": 2,
    "==": 3,
    "!=": 3,
    "=": 3,
    "<": 3,
    "<=": 3,
    ">": 3,
    ">=": 3,
    "+": 4,
    "-": 4,
    "*": 5,
    "/": 5,
    "%": 5,
}
RESERVED = frozenset(
    {"if", "else", "for", "while", "return", "try", "catch", "break", "continue", "void"}
)
TYPED_CONSTRUCTORS = frozenset({"list", "map", "collection"})


class _Position(TypedDict):  # the keyword arguments ``line=``, ``column=`` of a node
    line: int
    column: int


class ExpressionParser(TaskParser, TokenCursor):
    def parse_expression(self, min_bp: int = 0) -> ast.Node:
        return self.parse_infix(self.parse_unary(), min_bp)

    def parse_infix(self, left: ast.Node, min_bp: int) -> ast.Node:
        while True:
            tok = self.toks[self.i]
            if tok.kind != OP:
                return left
            bp = BINARY_POWER.get(tok.text)
            if bp is None or bp <= min_bp:
                return left
            self.advance()
            right = self.parse_expression(bp)
            op = "==" if tok.text == "=" else tok.text
            left = ast.Binary(op, left, right, line=tok.line, column=tok.col)

    def parse_unary(self) -> ast.Node:
        tok = self.toks[self.i]
        if tok.kind == OP and tok.text in ("-", "!", "+"):
            self.advance()
            self.nest(tok)
            operand = self.parse_unary()
            self.depth -= 1
            if tok.text == "+":
                return operand
            return ast.Unary(tok.text, operand, line=tok.line, column=tok.col)
        return self.parse_postfix(self.parse_primary())

    def parse_postfix(self, expr: ast.Node) -> ast.Node:
        while True:
            tok = self.toks[self.i]
            if tok.kind != OP:
                return expr
            if tok.text == ".":
                self.advance()
                name_tok = self.expect_ident("a name after '.'")
                name = name_tok.text
                if self.at_op(":") and self.at_word("ui", 1) and self.at_op(".", 2):
                    self.advance()
                    name += ":" + self.advance().text  # Creator's field:ui.add(...)
                if self.at_op("("):
                    args = self.parse_args()
                    expr = ast.MethodCall(expr, name, args, line=name_tok.line, column=name_tok.col)
                else:
                    expr = ast.Member(expr, name, line=name_tok.line, column=name_tok.col)
            elif tok.text == "[":
                expr = self.parse_index(expr, tok)
            else:
                return expr

    def parse_index(self, obj: ast.Node, tok: Token) -> ast.Index:
        self.advance()
        self.nest(tok)
        criteria = None if self.at_op("]") else self.parse_expression()
        self.expect_op("]", "to close the criteria")
        self.depth -= 1
        node = ast.Index(obj, criteria, line=tok.line, column=tok.col)
        if self.at_word("sort") and self.at_word("by", 1):
            self.advance()
            self.advance()
            node.sort_by = self.parse_postfix(self.parse_primary())
            if self.at_word("asc") or self.at_word("desc"):
                node.descending = self.advance().text.lower() == "desc"
        if self.at_word("range") and self.at_word("from", 1):
            self.advance()
            self.advance()
            node.range_from = self.parse_expression()
            self.expect_word("to")
            node.range_to = self.parse_expression()
        return node

    def parse_args(self) -> list[ast.Node]:
        open_tok = self.advance()
        self.nest(open_tok)
        args: list[ast.Node] = []
        pairs: ast.MapLit | None = None  # the Map that consecutive key: value arguments fill
        while not self.at_op(")"):
            value = self.parse_expression()
            if self.at_op(":"):
                self.advance()
                if pairs is None:
                    pairs = ast.MapLit([], line=value.line, column=value.column)
                    args.append(pairs)
                pairs.items.append((value, self.parse_expression()))
            else:
                pairs = None
                args.append(value)
            if self.at_op(","):
                self.advance()
                continue
            if not self.at_op(")"):
                raise self.error(f"expected ')' or ',' but found {describe(self.peek())}")
        self.advance()
        self.depth -= 1
        return args

    def parse_primary(self) -> ast.Node:
        tok = self.toks[self.i]
        kind = tok.kind
        if kind == IDENT:
            return self.parse_name(tok)
        if kind == STRING:
            self.advance()
            return ast.Literal(tok.value, "string", line=tok.line, column=tok.col)
        if kind == NUMBER:
            self.advance()
            number_kind = "decimal" if isinstance(tok.value, float) else "long"
            return ast.Literal(tok.value, number_kind, line=tok.line, column=tok.col)
        if kind == DATETIME:
            self.advance()
            return ast.Literal(tok.value, "datetime", line=tok.line, column=tok.col)
        if kind == OP:
            if tok.text == "(":
                self.advance()
                self.nest(tok)
                inner = self.parse_expression()
                self.expect_op(")", f"to close the '(' at line {tok.line}, column {tok.col}")
                self.depth -= 1
                return inner
            if tok.text == "{":
                return self.parse_collection(tok, "}")
            if tok.text == "[":
                return self.parse_collection(tok, "]")
        raise self.error(f"unexpected {describe(tok)}", tok)

    def parse_name(self, tok: Token) -> ast.Node:
        low = tok.text.lower()
        nxt = self.peek(1)
        pos: _Position = {"line": tok.line, "column": tok.col}
        if nxt.kind == OP:
            if nxt.text == "(":
                self.advance()
                args = self.parse_args()
                if low == "if":
                    if len(args) != 3:
                        raise self.error(
                            "if() as a value needs 3 arguments: condition, then, else", tok
                        )
                    return ast.IfExpr(args[0], args[1], args[2], **pos)
                return ast.Call(tok.text, args, **pos)
            if nxt.text == "[" and self.at_param_key(2):
                return self.parse_task(tok)
            if (
                nxt.text == ":"
                and low in TYPED_CONSTRUCTORS
                and self.peek(2).kind == IDENT
                and self.at_op("(", 3)
            ):
                self.advance()
                self.advance()
                type_arg = self.advance().text
                return ast.Call(tok.text, self.parse_args(), type_arg, **pos)
        if low in ("true", "false"):
            self.advance()
            return ast.Literal(low == "true", "boolean", **pos)
        if low == "null":
            self.advance()
            return ast.Literal(None, "null", **pos)
        if low == "insert" and nxt.kind == IDENT and nxt.text.lower() == "into":
            return self.parse_insert(tok)
        if low in RESERVED:
            raise self.error(f"unexpected '{tok.text}'", tok)
        self.advance()
        return ast.Name(tok.text, **pos)

    def parse_collection(self, tok: Token, close: str) -> ast.Node:
        self.advance()
        self.nest(tok)
        pos: _Position = {"line": tok.line, "column": tok.col}
        if self.at_op(close):
            self.advance()
            self.depth -= 1
            return ast.MapLit([], **pos) if close == "}" else ast.ListLit([], **pos)
        first = self.parse_expression()
        if close == "}" and self.at_op(":"):
            items: list[tuple[ast.Node, ast.Node]] = []
            key = first
            while True:
                self.expect_op(":", "between a key and its value")
                items.append((key, self.parse_expression()))
                if self.at_op(","):
                    self.advance()
                    if self.at_op(close):
                        break
                    key = self.parse_expression()
                    continue
                break
            self.expect_op(close, "or ',' in the map")
            self.depth -= 1
            return ast.MapLit(items, **pos)
        values = [first]
        while self.at_op(","):
            self.advance()
            if self.at_op(close):
                break
            values.append(self.parse_expression())
        self.expect_op(close, "or ',' in the list")
        self.depth -= 1
        return ast.ListLit(values, **pos)
