"""Operator half of the expression compiler: inline fast paths with a helper to fall back on.

Every operator compiles to ``(<fast> if <guard> else <helper call>)``. The guard proves, at
run time or from what ``infer`` knows, that the plain Python operator gives the Deluge
result: both operands are Longs and the result is a *small* int (``_sl <= r <= _sh``, at most
2**30 - 1 and inside ``Limits.max_int_bits``), or both are Strings and the result fits
``Limits.max_string_length``. Anything else (Decimals, null, dates, big numbers, errors) calls
the helper from ``runtime/operators.py``, which recomputes and applies every rule, so the two
paths cannot disagree. ``_chk`` (``check_long``) returns a big result that still fits and
raises for one that does not.

Operands are evaluated once, left to right: ``_T(_x := A) is _T(_y := B)`` binds both before
any test. A pure operand (a literal or a local variable) is used as it is.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import ast
from .infer import LONG, STRING, kind

if TYPE_CHECKING:
    from .compiler import ProgramCompiler

COMPARE = {"==": "_eq", "!=": "_ne", "<": "_lt", "<=": "_le", ">": "_gt", ">=": "_ge"}
ARITH = {"+": "_add", "-": "_sub", "*": "_mul", "/": "_div", "%": "_mod"}
BOOLEAN_OPS = frozenset({"==", "!=", "<", "<=", ">", ">=", "&&", "||"})


class OpsMixin:
    """Needs from the host class: expr(), cond(), mark(), is_var(), is_free(), var(),
    stable_long(), and the attributes fast, kinds, stable, temps, pc."""

    if TYPE_CHECKING:
        fast: bool
        kinds: dict[str, str]
        stable: set[str]
        temps: Iterator[int]
        pc: ProgramCompiler

        def expr(self, node: ast.Node) -> str: ...
        def cond(self, node: ast.Node) -> str: ...
        def mark(self, node: ast.Node, label: str) -> str: ...
        def is_var(self, name: str) -> bool: ...
        def is_free(self, name: str) -> bool: ...
        def var(self, name: str) -> str: ...
        def stable_long(self, name: str) -> str: ...

    def kind(self, node: ast.Node) -> str | None:
        return kind(node, self.kinds, self.pc.user_names)

    def pure(self, node: ast.Node) -> bool:
        """Evaluating ``node`` cannot fail or change anything: it may be written twice."""
        if type(node) is ast.Literal:
            return True
        return type(node) is ast.Name and self.is_var(node.name) and not self.is_free(node.name)

    def temp(self) -> tuple[str, str, str]:
        k = next(self.temps)
        return f"_x{k}", f"_y{k}", f"_t{k}"

    def slow(self, node: ast.Binary | ast.Unary, call: str) -> str:
        return self.mark(node, node.op) + call + ")"

    # ------------------------------------------------------------------------ unary
    def x_Unary(self, node: ast.Unary) -> str:
        if node.op == "!":
            return f"(not {self.cond(node.operand)})"
        operand = node.operand
        if type(operand) is ast.Literal and operand.kind in ("long", "decimal"):
            return repr(-operand.value)
        if self.fast and self.kind(operand) == LONG:
            _, _, t = self.temp()
            check = self.slow(node, f"_chk(_ctx, {t})")
            return f"({t} if _sl <= ({t} := -{self.expr(operand)}) <= _sh else {check})"
        return self.mark(node, "-") + f"_neg(_ctx, {self.expr(operand)}))"

    # ----------------------------------------------------------------------- binary
    def x_Binary(self, node: ast.Binary) -> str:
        op = node.op
        if op in ("&&", "||"):
            parts = [self.cond(x) for x in self.flatten(node, op)]
            return "(" + (" and " if op == "&&" else " or ").join(parts) + ")"
        if op in COMPARE:
            return self.compare(node)
        if op == "+":
            # a chain of three or more joins text in one go (Long chains stay inline)
            operands = self.flatten(node, "+")
            if len(operands) > 2 and (not self.fast or self.kind(node) != LONG):
                args = ", ".join(self.expr(x) for x in operands)
                return self.mark(node, "+") + f"_addn(_ctx, {args}))"
        if not self.fast:
            return self.slow(
                node, f"{ARITH[op]}(_ctx, {self.expr(node.left)}, {self.expr(node.right)})"
            )
        kl, kr = self.kind(node.left), self.kind(node.right)
        if kl == LONG and kr == LONG:
            return self.long_arith(node)
        if op == "+" and STRING in (kl, kr):
            return self.text_add(node, kl == STRING)
        pair = self.int_pair(node.left, node.right)
        _, _, t = self.temp()
        slow = self.slow(node, f"{ARITH[op]}(_ctx, {pair.slow_a}, {pair.slow_b})")
        a, b = pair.a, pair.b
        if op in ("+", "-", "*"):
            value = f"_sl <= ({t} := {a} {op} {b}) <= _sh"
            if op == "+" and pair.codes:  # two unknown operands: Strings join inline too
                q = f"_q{t[2:]}"
                left, right = pair.codes
                test = f"({q} := _T({a} := {left})) is _T({b} := {right})"
                value = f"({q} is _I and {value} or {q} is _S and _len({t} := {a} + {b}) <= _smax)"
                return f"({t} if {test} and {value} else {slow})"
            return f"({t} if {pair.test} and {value} else {slow})"
        # Java's / and % agree with Python's // and % for a dividend that is not negative
        # and a positive divisor; a small dividend also keeps the quotient in range
        test = pair.test
        if not (kr == LONG and type(node.right) is ast.Literal and node.right.value > 0):
            test += f" and {b} > 0"
        test += f" and 0 <= {a}" + (" <= _sh" if op == "/" else "")
        return f"({a} {'//' if op == '/' else '%'} {b} if {test} else {slow})"

    @staticmethod
    def flatten(node: ast.Node, op: str) -> list[ast.Node]:
        # left-nested chains (a + b + c ...) become one flat call: long chains in real
        # scripts would otherwise nest deeper than CPython's parser allows
        out: list[ast.Node] = []
        while isinstance(node, ast.Binary) and node.op == op:
            out.append(node.right)
            node = node.left
        out.append(node)
        return out[::-1]

    def long_arith(self, node: ast.Binary) -> str:
        """Both operands are Longs: only the range (or the divisor's sign) needs a test."""
        op, left, right = node.op, node.left, node.right
        x, y, t = self.temp()
        if op in ("+", "-", "*"):
            value, check = self.unchecked(node, t)
            if op != "*" and type(right) is ast.Literal and right.value > 0:
                # a Long fits the limit (see infer), so adding a positive number can only
                # overflow upwards and subtracting one downwards
                test = f"({t} := {value}) <= _up" if op == "+" else f"({t} := {value}) >= _dn"
                return f"({t} if {test} else {check})"
            return f"({t} if _sl <= ({t} := {value}) <= _sh else {check})"
        # Java's / and % agree with Python's // and % for a dividend that is not negative
        # and a positive divisor; a small dividend also keeps the quotient in range
        py = "//" if op == "/" else "%"
        high = " <= _sh" if op == "/" else ""
        dividend, checked = self.expr(left), x
        if type(left) is ast.Binary and left.op in ("+", "-", "*") and self.pure(right):
            # one test covers the dividend's own range check and its sign (the divisor
            # cannot fail, so checking the dividend after reading it changes nothing)
            dividend, check = self.unchecked(left, x)
            high, checked = " <= _sh", check
        b = self.expr(right)
        if type(right) is ast.Literal and right.value > 0:
            slow = self.slow(node, f"{ARITH[op]}(_ctx, {checked}, {b})")
            return f"({x} {py} {b} if 0 <= ({x} := {dividend}){high} else {slow})"
        slow = self.slow(node, f"{ARITH[op]}(_ctx, {checked}, {y})")
        test = f"(({x} := {dividend}) | ({y} := {b})) >= 0 and {y}"
        if high:
            test += f" and {x}{high}"
        return f"({x} {py} {y} if {test} else {slow})"

    def unchecked(self, node: ast.Binary, t: str) -> tuple[str, str]:
        """``a op b`` of two Longs without its range test, and the call that checks ``t``."""
        a, b = self.expr(node.left), self.expr(node.right)
        return f"{a} {node.op} {b}", self.slow(node, f"_chk(_ctx, {t})")

    def text_add(self, node: ast.Binary, left_text: bool) -> str:
        """``"literal" + v`` or ``v + "literal"``: Strings and Longs join inline."""
        x, y, t = self.temp()
        k = f"_q{t[2:]}"
        if left_text:
            a, b = self.expr(node.left), y
            bind = f"({k} := _T({y} := {self.expr(node.right)}))"
            as_text = f"{a} + _S({y})"
        else:
            a, b = x, self.expr(node.right)
            bind = f"({k} := _T({x} := {self.expr(node.left)}))"
            as_text = f"_S({x}) + {b}"
        test = (
            f"{bind} is _S and _len({t} := {a} + {b}) <= _smax"
            f" or {k} is _I and _len({t} := {as_text}) <= _smax"
        )
        return f"({t} if {test} else {self.slow(node, f'_add(_ctx, {a}, {b})')})"

    # ------------------------------------------------------------------ comparisons
    def compare(self, node: ast.Binary) -> str:
        op, left, right = node.op, node.left, node.right
        if op in ("==", "!="):
            for a, b in ((left, right), (right, left)):
                if type(b) is ast.Literal and b.kind == "null":
                    if _constant(a):  # known now (and ``5 is None`` would warn)
                        return repr((type(a) is ast.Literal and a.kind == "null") == (op == "=="))
                    word = "is" if op == "==" else "is not"
                    return f"({self.expr(a)} {word} None)"
                if type(b) is ast.Literal and b.kind == "string":
                    return f"({self.expr(a)} {op} {b.value!r})"
        if not self.fast:
            return self.slow(node, f"{COMPARE[op]}({self.expr(left)}, {self.expr(right)})")
        if self.kind(left) == LONG and self.kind(right) == LONG:
            return f"({self.expr(left)} {op} {self.expr(right)})"
        pair = self.int_pair(left, right)
        slow = self.slow(node, f"{COMPARE[op]}({pair.slow_a}, {pair.slow_b})")
        return f"({pair.a} {op} {pair.b} if {pair.test} else {slow})"

    # -------------------------------------------------------------- operand tests
    def category(self, node: ast.Node) -> str:
        if self.kind(node) == LONG and self.pure(node):
            return "known"
        if type(node) is ast.Name and self.is_var(node.name) and node.name.lower() in self.stable:
            return "free" if self.is_free(node.name) else "stable"
        return "other"

    def int_pair(self, left: ast.Node, right: ast.Node) -> Pair:
        """The test that both operands are Longs, and the operands' code on each branch.

        A known Long needs no test. A *stable* variable (never assigned in the function: a
        parameter or a script argument) is tested once on entry (``_li_x``: "is a Long"), so
        its test evaluates nothing; its undefined check stays on the slow branch. Any other
        operand is evaluated into a temporary by its test. Operands are evaluated in
        order, and whatever the slow branch uses is bound when it runs.
        """
        x, y, _ = self.temp()
        cats = [self.category(left), self.category(right)]
        if cats == ["free", "other"]:
            cats[0] = "other"  # its undefined check must come before the right operand runs
        if cats == ["other", "other"]:
            codes = (self.expr(left), self.expr(right))
            test = f"_T({x} := {codes[0]}) is _T({y} := {codes[1]}) is _I"
            return Pair(test, x, y, x, y, codes)
        binds, tests, fast, slow = [], [], [], []
        for node, cat, tmp in ((left, cats[0], x), (right, cats[1], y)):
            code = self.expr(node)
            if cat == "known":
                fast.append(code)
                slow.append(code)
            elif cat == "other":
                binds.append(f"_T({tmp} := {code}) is _I")
                fast.append(tmp)
                slow.append(tmp)
            else:
                assert isinstance(node, ast.Name)  # "stable" and "free" are variables
                tests.append(self.stable_long(node.name))
                fast.append(self.var(node.name))
                slow.append(code)
        return Pair(" and ".join(binds + tests), fast[0], fast[1], slow[0], slow[1])


@dataclass(frozen=True)
class Pair:
    test: str
    a: str
    b: str
    slow_a: str
    slow_b: str
    codes: tuple[str, str] | None = None  # both unknown: their code, bound to a and b


def _constant(node: ast.Node) -> bool:
    """A literal, or a negated number literal (compiled as a constant)."""
    if type(node) is ast.Unary and node.op == "-":
        node = node.operand
        return type(node) is ast.Literal and node.kind in ("long", "decimal")
    return type(node) is ast.Literal
