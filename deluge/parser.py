"""Recursive-descent parser with Pratt expressions: the public entry point and statements.

It accepts what the suites' editors save plus a few liberties seen in real scripts (see
docs/deluge.md, "Syntax"): keywords in any case, a missing ``;`` at the end of a line or
before ``}``, extra ``;``, a single ``=`` comparing inside conditions (Creator), a lone
statement instead of a braced block, ``[...]`` list literals, stray ``}`` at the very end and
helper functions written after a header-less script. Expressions live in ``parse_expr``,
bracketed tasks in ``parse_tasks`` and the token cursor in ``parse_base``.
"""

from __future__ import annotations

from . import ast
from .lexer import EOF, IDENT, OP, Token
from .parse_base import describe
from .parse_expr import RESERVED, ExpressionParser

__all__ = ["Parser", "parse"]

ASSIGN_OPS = frozenset({"=", "+=", "-=", "*=", "/=", "%="})
FORM_ACTIONS = frozenset({"alert", "cancel", "hide", "show", "enable", "disable", "clear"})


def parse(source: str) -> ast.Program:
    """Parse a whole script; raises DelugeSyntaxError with line and column."""
    return Parser(source).parse_program()


class Parser(ExpressionParser):
    # ---------------------------------------------------------------------- program
    def parse_program(self) -> ast.Program:
        try:
            return self._program()
        except RecursionError:
            raise self.error("script nests too deeply to parse") from None

    def _program(self) -> ast.Program:
        functions: list[ast.Function] = []
        if not self.looks_like_header():
            body = self.parse_statements(top=True)
            functions.append(ast.Function(None, None, None, [], body, line=1, column=1))
        # functions follow a header or the statements of a header-less script (its helpers)
        while self.peek().kind != EOF:
            functions.append(self.parse_function())
            while self.at_op(";"):
                self.advance()
            if self.only_closers_left():
                break
            if self.peek().kind != EOF and not self.looks_like_header():
                raise self.error(f"unexpected {describe(self.peek())} after the function")
        return ast.Program(functions, line=1, column=1)

    def only_closers_left(self) -> bool:
        # a stray "}" (or several) at the very end of a pasted script is forgiven
        rest = self.toks[self.i : -1]
        return bool(rest) and all(t.kind == OP and t.text in "};" for t in rest)

    def looks_like_header(self) -> bool:
        t0, t1 = self.peek(0), self.peek(1)
        if t0.kind != IDENT or t1.kind != IDENT:
            return False
        low = t0.text.lower()
        if low in RESERVED - {"void"} or low in FORM_ACTIONS or low in ("info", "insert", "delete"):
            return False
        k = 2
        while self.at_op(".", k) and self.peek(k + 1).kind == IDENT:
            k += 2
        if not self.at_op("(", k):
            return False
        depth = 0
        while True:
            tok = self.peek(k)
            if tok.kind == EOF:
                return False
            if tok.kind == OP and tok.text == "(":
                depth += 1
            elif tok.kind == OP and tok.text == ")":
                depth -= 1
                if depth == 0:
                    return self.at_op("{", k + 1)
            k += 1

    def parse_function(self) -> ast.Function:
        rtype = self.advance()
        parts = [self.expect_ident("a function name").text]
        while self.at_op("."):
            self.advance()
            parts.append(self.expect_ident("a function name").text)
        self.expect_op("(", "after the function name")
        params: list[ast.Param] = []
        while not self.at_op(")"):
            tok = self.expect_ident("a parameter type")
            ptype = tok.text
            if self.at_op(":") and self.peek(1).kind == IDENT:
                self.advance()
                ptype += ":" + self.advance().text
            if self.peek().kind == IDENT:
                pname = self.advance().text
            else:  # an untyped parameter
                ptype, pname = "", ptype
            params.append(ast.Param(ptype, pname, line=tok.line, column=tok.col))
            if not self.at_op(","):
                break
            self.advance()
        self.expect_op(")", "to close the parameter list")
        body = self.parse_block()
        namespace = ".".join(parts[:-1]) or None
        return ast.Function(
            rtype.text, namespace, parts[-1], params, body, line=rtype.line, column=rtype.col
        )

    # ------------------------------------------------------------------- statements
    def parse_statements(self, top: bool = False) -> list[ast.Node]:
        out: list[ast.Node] = []
        while True:
            tok = self.toks[self.i]
            if tok.kind == OP and tok.text == ";":
                self.advance()
                continue
            if tok.kind == EOF:
                return out
            if top and tok.kind == IDENT and self.looks_like_header():
                return out
            if tok.kind == OP and tok.text == "}":
                if top:
                    if self.only_closers_left():
                        self.i = len(self.toks) - 1
                        return out
                    raise self.error("unexpected '}' with no block to close", tok)
                return out
            out.append(self.parse_statement())

    def parse_block(self) -> list[ast.Node]:
        tok = self.toks[self.i]
        if not (tok.kind == OP and tok.text == "{"):
            if tok.kind == EOF:
                raise self.error("expected '{' but found end of script", tok)
            self.nest(tok)
            stmt = self.parse_statement()
            self.depth -= 1
            return [stmt]
        self.advance()
        self.nest(tok)
        body = self.parse_statements()
        end = self.peek()
        if end.kind == EOF:
            raise self.error(
                f"missing '}}' to close the block opened at line {tok.line}, column {tok.col}",
                end,
            )
        self.advance()
        self.depth -= 1
        return body

    def end_statement(self) -> None:
        tok = self.toks[self.i]
        if tok.kind == OP and tok.text == ";":
            self.advance()
            return
        if tok.kind == EOF or (tok.kind == OP and tok.text == "}") or tok.nl:
            return
        raise self.error(f"expected ';' but found {describe(tok)}", tok)

    def parse_statement(self) -> ast.Node:
        tok = self.toks[self.i]
        if tok.kind == IDENT:
            handler = KEYWORD_STATEMENTS.get(tok.text.lower())
            if handler is not None:
                nxt = self.peek(1)
                # "info = 1" or "return += 1" use the word as a variable
                if not (nxt.kind == OP and nxt.text in ASSIGN_OPS):
                    stmt = handler(self, tok, nxt)
                    if stmt is not None:
                        return stmt
        left = self.parse_unary()
        op = self.toks[self.i]
        if op.kind == OP and op.text in ASSIGN_OPS:
            if not isinstance(left, ast.Name | ast.Member | ast.Index):
                raise self.error("cannot assign to this expression", tok)
            self.advance()
            value = self.parse_expression()
            self.end_statement()
            return ast.Assign(left, op.text, value, line=tok.line, column=tok.col)
        expr = self.parse_infix(left, 0)
        self.end_statement()
        return ast.ExprStmt(expr, line=tok.line, column=tok.col)

    # Keyword statements: each returns None when the word is used as a plain name instead
    # (a variable called "info" read as "info.get(...)", a loop "for" that is not "for each").
    def stmt_if(self, tok: Token, nxt: Token) -> ast.Node | None:
        return self.parse_if()

    def stmt_for(self, tok: Token, nxt: Token) -> ast.Node | None:
        if nxt.kind == IDENT and nxt.text.lower() == "each":
            return self.parse_for()
        return None

    def stmt_while(self, tok: Token, nxt: Token) -> ast.Node | None:
        self.advance()
        cond = self.parse_expression()
        return ast.While(cond, self.parse_block(), line=tok.line, column=tok.col)

    def stmt_try(self, tok: Token, nxt: Token) -> ast.Node | None:
        if nxt.kind == OP and nxt.text == "{":
            return self.parse_try()
        return None

    def stmt_return(self, tok: Token, nxt: Token) -> ast.Node | None:
        self.advance()
        value = None if self.at_end_of_statement() else self.parse_expression()
        self.end_statement()
        return ast.Return(value, line=tok.line, column=tok.col)

    def stmt_info(self, tok: Token, nxt: Token) -> ast.Node | None:
        if nxt.kind == OP and nxt.text in ".[":
            return None
        self.advance()
        value = self.parse_expression()
        self.end_statement()
        return ast.Info(value, line=tok.line, column=tok.col)

    def stmt_break(self, tok: Token, nxt: Token) -> ast.Node | None:
        if nxt.kind == OP and nxt.text in ".([":
            return None
        self.advance()
        self.end_statement()
        if tok.text.lower() == "break":
            return ast.Break(line=tok.line, column=tok.col)
        return ast.Continue(line=tok.line, column=tok.col)

    def stmt_delete(self, tok: Token, nxt: Token) -> ast.Node | None:
        if not (nxt.kind == IDENT and nxt.text.lower() == "from"):
            return None
        self.advance()
        self.advance()
        target = self.parse_unary()
        self.end_statement()
        return ast.Delete(target, line=tok.line, column=tok.col)

    def stmt_form_action(self, tok: Token, nxt: Token) -> ast.Node | None:
        low = tok.text.lower()
        if not self.is_form_action(low, nxt):
            return None
        self.advance()
        args: list[ast.Node] = []
        if not self.at_end_of_statement():
            args.append(self.parse_expression())
            while self.at_op(","):
                self.advance()
                args.append(self.parse_expression())
        self.end_statement()
        return ast.FormAction(low, args, line=tok.line, column=tok.col)

    def stmt_orphan(self, tok: Token, nxt: Token) -> ast.Node | None:
        opener = "if" if tok.text.lower() == "else" else "try"
        raise self.error(f"'{tok.text}' without a matching '{opener}'")

    def is_form_action(self, low: str, nxt: Token) -> bool:
        if nxt.kind == OP:
            return low == "alert" and nxt.text in ("(", "-", "!")
        if low == "alert":
            return True
        return nxt.kind == IDENT and not nxt.nl

    def parse_if(self) -> ast.If:
        first = self.advance()
        branches: list[tuple[ast.Node, list[ast.Node]]] = []
        cond = self.parse_expression()
        branches.append((cond, self.parse_block()))
        other = None
        while self.at_word("else"):
            self.advance()
            if self.at_word("if"):
                self.advance()
                cond = self.parse_expression()
                branches.append((cond, self.parse_block()))
                continue
            other = self.parse_block()
            break
        return ast.If(branches, other, line=first.line, column=first.col)

    def parse_for(self) -> ast.ForEach:
        first = self.advance()
        self.advance()  # each
        index = False
        if (
            self.at_word("index")
            and self.peek(1).kind == IDENT
            and self.peek(1).text.lower() != "in"
        ):
            self.advance()
            index = True
        var = self.expect_ident("a loop variable").text
        self.expect_word("in")
        iterable = self.parse_expression()
        body = self.parse_block()
        return ast.ForEach(var, iterable, body, index, line=first.line, column=first.col)

    def parse_try(self) -> ast.Try:
        first = self.advance()
        body = self.parse_block()
        self.expect_word("catch")
        var = None
        if self.at_op("("):
            self.advance()
            var = self.expect_ident("a variable name for the error").text
            self.expect_op(")", "after the catch variable")
        handler = self.parse_block()
        return ast.Try(body, var, handler, line=first.line, column=first.col)


KEYWORD_STATEMENTS = {
    "if": Parser.stmt_if,
    "for": Parser.stmt_for,
    "while": Parser.stmt_while,
    "try": Parser.stmt_try,
    "return": Parser.stmt_return,
    "info": Parser.stmt_info,
    "break": Parser.stmt_break,
    "continue": Parser.stmt_break,
    "delete": Parser.stmt_delete,
    "else": Parser.stmt_orphan,
    "catch": Parser.stmt_orphan,
    **dict.fromkeys(FORM_ACTIONS, Parser.stmt_form_action),
}
