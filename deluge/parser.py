"""Recursive-descent parser with Pratt expressions.

It accepts what the suites' editors save plus a few liberties seen in real scripts (see
docs/deluge.md, "Syntax"): keywords in any case, a missing ``;`` at the end of a line or
before ``}``, extra ``;``, a single ``=`` comparing inside conditions (Creator), a lone
statement instead of a braced block, ``[...]`` list literals and stray ``}`` at the very end.
"""

from __future__ import annotations

from . import ast
from .errors import DelugeSyntaxError
from .lexer import DATETIME, EOF, IDENT, NUMBER, OP, STRING, Token, syntax_error, tokenize

ASSIGN_OPS = frozenset({"=", "+=", "-=", "*=", "/=", "%="})
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
FORM_ACTIONS = frozenset({"alert", "cancel", "hide", "show", "enable", "disable", "clear"})
TYPED_CONSTRUCTORS = frozenset({"list", "map", "collection"})
MAX_NESTING = 50  # generated Python nests parentheses per level; CPython caps them at 200


def parse(source: str) -> ast.Program:
    """Parse a whole script; raises DelugeSyntaxError with line and column."""
    return Parser(source).parse_program()


def describe(tok: Token) -> str:
    if tok.kind == EOF:
        return "end of script"
    if tok.kind == STRING:
        return "a string"
    if tok.kind == NUMBER:
        return f"number {tok.text}"
    if tok.kind == IDENT:
        return f"'{tok.text}'"
    return f"'{tok.text}'"


class Parser:
    def __init__(self, source: str) -> None:
        self.source = source
        self.toks = tokenize(source)
        self.i = 0
        self.depth = 0

    # ------------------------------------------------------------------ token helpers
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

    def nest(self, tok: Token) -> None:
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise self.error(f"nesting deeper than {MAX_NESTING} levels", tok)

    # ---------------------------------------------------------------------- program
    def parse_program(self) -> ast.Program:
        try:
            return self._program()
        except RecursionError:
            raise self.error("script nests too deeply to parse") from None

    def _program(self) -> ast.Program:
        functions: list[ast.Function] = []
        if self.looks_like_header():
            while True:
                functions.append(self.parse_function())
                while self.at_op(";"):
                    self.advance()
                if self.peek().kind == EOF or self.only_closers_left():
                    break
                if not self.looks_like_header():
                    raise self.error(f"unexpected {describe(self.peek())} after the function")
        else:
            body = self.parse_statements(top=True)
            functions.append(ast.Function(None, None, None, [], body, line=1, column=1))
        prog = ast.Program(functions, line=1, column=1)
        return prog

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
            tok = self.peek()
            if tok.kind == OP and tok.text == ";":
                self.advance()
                continue
            if tok.kind == EOF:
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
        tok = self.peek()
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
        tok = self.peek()
        if tok.kind == OP and tok.text == ";":
            self.advance()
            return
        if tok.kind == EOF or (tok.kind == OP and tok.text == "}") or tok.nl:
            return
        raise self.error(f"expected ';' but found {describe(tok)}", tok)

    def parse_statement(self) -> ast.Node:
        tok = self.peek()
        if tok.kind == IDENT:
            nxt = self.peek(1)
            if not (nxt.kind == OP and nxt.text in ASSIGN_OPS):
                stmt = self.keyword_statement(tok, tok.text.lower(), nxt)
                if stmt is not None:
                    return stmt
        left = self.parse_unary()
        op = self.peek()
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

    def keyword_statement(self, tok: Token, low: str, nxt: Token) -> ast.Node | None:
        pos = {"line": tok.line, "column": tok.col}
        if low == "if":
            return self.parse_if()
        if low == "for" and nxt.kind == IDENT and nxt.text.lower() == "each":
            return self.parse_for()
        if low == "while":
            self.advance()
            cond = self.parse_expression()
            return ast.While(cond, self.parse_block(), **pos)
        if low == "try" and nxt.kind == OP and nxt.text == "{":
            return self.parse_try()
        if low == "return":
            self.advance()
            t = self.peek()
            value = None
            if not (t.kind == EOF or (t.kind == OP and t.text in (";", "}"))):
                value = self.parse_expression()
            self.end_statement()
            return ast.Return(value, **pos)
        if low == "info" and not (nxt.kind == OP and nxt.text in ".["):
            self.advance()
            value = self.parse_expression()
            self.end_statement()
            return ast.Info(value, **pos)
        if low in ("break", "continue") and not (nxt.kind == OP and nxt.text in ".(["):
            self.advance()
            self.end_statement()
            return ast.Break(**pos) if low == "break" else ast.Continue(**pos)
        if low == "delete" and nxt.kind == IDENT and nxt.text.lower() == "from":
            self.advance()
            self.advance()
            target = self.parse_unary()
            self.end_statement()
            return ast.Delete(target, **pos)
        if low in FORM_ACTIONS and self.is_form_action(low, nxt):
            self.advance()
            args: list[ast.Node] = []
            t = self.peek()
            if not (t.kind == EOF or (t.kind == OP and t.text in (";", "}"))):
                args.append(self.parse_expression())
                while self.at_op(","):
                    self.advance()
                    args.append(self.parse_expression())
            self.end_statement()
            return ast.FormAction(low, args, **pos)
        if low in ("else", "catch"):
            raise self.error(
                f"'{tok.text}' without a matching '{'if' if low == 'else' else 'try'}'"
            )
        return None

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
        if not self.at_word("in"):
            raise self.error(f"expected 'in' but found {describe(self.peek())}")
        self.advance()
        iterable = self.parse_expression()
        body = self.parse_block()
        return ast.ForEach(var, iterable, body, index, line=first.line, column=first.col)

    def parse_try(self) -> ast.Try:
        first = self.advance()
        body = self.parse_block()
        if not self.at_word("catch"):
            raise self.error(f"expected 'catch' but found {describe(self.peek())}")
        self.advance()
        var = None
        if self.at_op("("):
            self.advance()
            var = self.expect_ident("a variable name for the error").text
            self.expect_op(")", "after the catch variable")
        handler = self.parse_block()
        return ast.Try(body, var, handler, line=first.line, column=first.col)

    # ------------------------------------------------------------------ expressions
    def parse_expression(self, min_bp: int = 0) -> ast.Node:
        return self.parse_infix(self.parse_unary(), min_bp)

    def parse_infix(self, left: ast.Node, min_bp: int) -> ast.Node:
        while True:
            tok = self.peek()
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
        tok = self.peek()
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
            tok = self.peek()
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
            if not self.at_word("to"):
                raise self.error(f"expected 'to' but found {describe(self.peek())}")
            self.advance()
            node.range_to = self.parse_expression()
        return node

    def parse_args(self) -> list[ast.Node]:
        open_tok = self.advance()
        self.nest(open_tok)
        args: list[ast.Node] = []
        while not self.at_op(")"):
            args.append(self.parse_expression())
            if self.at_op(","):
                self.advance()
                continue
            if not self.at_op(")"):
                raise self.error(f"expected ')' or ',' but found {describe(self.peek())}")
        self.advance()
        self.depth -= 1
        return args

    def parse_primary(self) -> ast.Node:
        tok = self.peek()
        pos = {"line": tok.line, "column": tok.col}
        kind = tok.kind
        if kind == STRING:
            self.advance()
            return ast.Literal(tok.value, "string", **pos)
        if kind == NUMBER:
            self.advance()
            return ast.Literal(
                tok.value, "decimal" if isinstance(tok.value, float) else "long", **pos
            )
        if kind == DATETIME:
            self.advance()
            return ast.Literal(tok.value, "datetime", **pos)
        if kind == IDENT:
            return self.parse_name(tok, pos)
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

    def parse_name(self, tok: Token, pos: dict) -> ast.Node:
        low = tok.text.lower()
        nxt = self.peek(1)
        if low in ("true", "false"):
            self.advance()
            return ast.Literal(low == "true", "boolean", **pos)
        if low == "null":
            self.advance()
            return ast.Literal(None, "null", **pos)
        if nxt.kind == OP and nxt.text == "[" and self.at_param_key(2):
            return self.parse_task(tok)
        if low == "insert" and nxt.kind == IDENT and nxt.text.lower() == "into":
            return self.parse_insert(tok)
        if nxt.kind == OP and nxt.text == "(":
            self.advance()
            args = self.parse_args()
            if low == "if":
                if len(args) != 3:
                    raise self.error(
                        "if() as a value needs 3 arguments: condition, then, else", tok
                    )
                return ast.IfExpr(args[0], args[1], args[2], **pos)
            return ast.Call(tok.text, args, **pos)
        if (
            low in TYPED_CONSTRUCTORS
            and nxt.kind == OP
            and nxt.text == ":"
            and self.peek(2).kind == IDENT
            and self.at_op("(", 3)
        ):
            self.advance()
            self.advance()
            type_arg = self.advance().text
            return ast.Call(tok.text, self.parse_args(), type_arg, **pos)
        if low in RESERVED:
            raise self.error(f"unexpected '{tok.text}'", tok)
        self.advance()
        return ast.Name(tok.text, **pos)

    def parse_collection(self, tok: Token, close: str) -> ast.Node:
        self.advance()
        self.nest(tok)
        pos = {"line": tok.line, "column": tok.col}
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

    # ------------------------------------------------------------------------ tasks
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
        def one() -> ast.Node:
            t = self.peek()
            if key == "attachments" and t.kind == IDENT and self.at_op(":", 1):
                self.advance()
                self.advance()
                val = self.parse_expression()
                return ast.MapLit([(ast.Literal(t.text, "string"), val)], line=t.line, column=t.col)
            return self.parse_expression()

        first = self.peek()
        value = one()
        if self.at_op(",") and not self.at_param_key(1) and not self.at_op("]", 1):
            values = [value]
            while self.at_op(",") and not self.at_param_key(1) and not self.at_op("]", 1):
                self.advance()
                values.append(one())
            return ast.ListLit(values, line=first.line, column=first.col)
        return value

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
