"""Expression half of the compiler: Deluge expression nodes -> Python expression text.

Script text only ever reaches the generated code through ``repr()`` of literals or through
module constants; variables become mangled locals (``v_name``). Each node that can fail is
wrapped as ``(<marker>code)``: the marker turns into a line break when the code is written
out, so every failing call sits on its own Python line, which maps back to the Deluge line
and column without any cost while running.
"""

from __future__ import annotations

from . import ast
from .runtime.registry import lookup_function
from .runtime.values import parse_datetime_literal

COMPARE = {"==": "_eq", "!=": "_ne", "<": "_lt", "<=": "_le", ">": "_gt", ">=": "_ge"}
ARITH = {"+": "_add", "-": "_sub", "*": "_mul", "/": "_div", "%": "_mod"}
BOOLEAN_OPS = frozenset({"==", "!=", "<", "<=", ">", ">=", "&&", "||"})
NAMESPACES = frozenset(
    {"thisapp", "standalone", "automation", "button", "schedule", "workflow", "zoho", "input"}
)
ZOHO_VARIABLES = frozenset(
    {"currentdate", "currenttime", "today", "now", "loginuserid", "loginuser", "adminuserid"}
    | {"adminuser", "appname", "appuri", "ipaddress", "orgid"}
)
BARE_WORD_KEYS = frozenset({"type", "response-format", "response-decoding"})


class ExprMixin:
    """Needs from the host class: mark(), const(), builtin(), method_dispatch(), var(),
    is_var(), user_index(), user_calls flag."""

    # ----------------------------------------------------------------------- entry
    def expr(self, node: ast.Node) -> str:
        method = getattr(self, "x_" + type(node).__name__)
        return method(node)

    def cond(self, node: ast.Node) -> str:
        """A Python expression that is a real bool."""
        if isinstance(node, ast.Binary) and node.op in BOOLEAN_OPS:
            return self.expr(node)
        if isinstance(node, ast.Unary) and node.op == "!":
            return self.expr(node)
        if isinstance(node, ast.Literal) and node.kind == "boolean":
            return repr(node.value)
        return self.mark(node, "condition") + f"_truth({self.expr(node)}))"

    # -------------------------------------------------------------------- literals
    def x_Literal(self, node: ast.Literal) -> str:
        if node.kind == "datetime":
            try:
                value = parse_datetime_literal(node.value)
            except Exception:
                value = node.value  # not a date: keep the text, as a string
            return self.const(value)
        return repr(node.value)

    def x_MapLit(self, node: ast.MapLit) -> str:
        if not node.items:
            return "{}"
        parts = ", ".join(f"{self.expr(k)}: {self.expr(v)}" for k, v in node.items)
        return self.mark(node, "map") + "{" + parts + "})"

    def x_ListLit(self, node: ast.ListLit) -> str:
        return "[" + ", ".join(self.expr(v) for v in node.items) + "]"

    # ----------------------------------------------------------------------- names
    def x_Name(self, node: ast.Name) -> str:
        if self.is_var(node.name):
            py = self.var(node.name)
            if self.is_free(node.name):
                return self.mark(node, node.name) + (
                    f"{py} if {py} is not _U else _undefined({node.name!r}))"
                )
            return py
        low = node.name.lower()
        if low in NAMESPACES:
            return self.mark(node, node.name) + f"_fail({node.name + ' needs a member'!r}))"
        return self.mark(node, node.name) + f"_undefined({node.name!r}))"

    def dotted(self, node: ast.Node) -> list[str] | None:
        """``zoho.crm`` -> ["zoho", "crm"] when the root is a namespace, not a variable."""
        names: list[str] = []
        while isinstance(node, ast.Member):
            names.append(node.name)
            node = node.obj
        root_ok = isinstance(node, ast.Name) and not self.is_var(node.name)
        if root_ok and node.name.lower() in NAMESPACES:
            names.append(node.name)
            return names[::-1]
        return None

    def x_Member(self, node: ast.Member) -> str:
        path = self.dotted(node)
        if path is not None:
            root = path[0].lower()
            if root == "zoho" and len(path) == 2:
                return self.mark(node, "zoho." + path[1]) + f"_zvar(_ctx, {path[1]!r}))"
            what = ".".join(path)
            if root == "input":
                return self.mark(node, what) + f"_creator({'reading ' + what!r}))"
            return self.mark(node, what) + f"_fail({what + ' is not available in this console'!r}))"
        return self.mark(node, "." + node.name) + f"_member({self.expr(node.obj)}, {node.name!r}))"

    def x_Index(self, node: ast.Index) -> str:
        if isinstance(node.obj, ast.Name) and (
            not self.is_var(node.obj.name) or self.is_free(node.obj.name)
        ):
            text = f"fetching records from {node.obj.name}[...]"
            return self.mark(node, "fetch") + f"_creator({text!r}))"
        key = "None" if node.criteria is None else self.expr(node.criteria)
        return self.mark(node, "[...]") + f"_index({self.expr(node.obj)}, {key}))"

    # ------------------------------------------------------------------- operators
    def x_Unary(self, node: ast.Unary) -> str:
        if node.op == "!":
            return f"(not {self.cond(node.operand)})"
        operand = node.operand
        if isinstance(operand, ast.Literal) and operand.kind in ("long", "decimal"):
            return repr(-operand.value)
        return self.mark(node, "-") + f"_neg(_ctx, {self.expr(operand)}))"

    def x_Binary(self, node: ast.Binary) -> str:
        op = node.op
        if op in ("&&", "||"):
            parts = [self.cond(x) for x in self.flatten(node, op)]
            return "(" + (" and " if op == "&&" else " or ").join(parts) + ")"
        if op in COMPARE:
            return self.compare(node)
        if op == "+":
            operands = self.flatten(node, "+")
            if len(operands) == 2:
                return self.fast(node, "_add(_ctx, {x}, {y})", "{x} + {y}", True)
            args = ", ".join(self.expr(x) for x in operands)
            return self.mark(node, "+") + f"_addn(_ctx, {args}))"
        if op in ("-", "*"):
            return self.fast(node, ARITH[op] + "(_ctx, {x}, {y})", "{x} " + op + " {y}", True)
        if op == "%":
            return self.fast(
                node, "_mod(_ctx, {x}, {y})", "{x} % {y}", False, " and {x} >= 0 and {y} > 0"
            )
        return self.mark(node, op) + (
            f"{ARITH[op]}(_ctx, {self.expr(node.left)}, {self.expr(node.right)}))"
        )

    def fast(self, node, slow: str, quick: str, ranged: bool, extra: str = "") -> str:
        """Inline the Long-and-Long case; other types (and overflow) take the helper.

        ``_T(x := A) is _T(y := B) is _I`` (_T is type) evaluates A then B exactly once, in order.
        """
        k = next(self.temps)
        x, y, t = f"_x{k}", f"_y{k}", f"_t{k}"
        left, right = node.left, node.right
        lit_x, lit_y = _long_literal(left), _long_literal(right)
        if lit_y is not None and lit_x is None:
            # a Long literal needs no type test: the common ``i + 1``, ``n % 2 == 0``
            y = repr(lit_y)
            test = f"_T({x} := {self.expr(left)}) is _I"
            if extra:
                test += f" and {x} >= 0" + ("" if lit_y > 0 else f" and {y} > 0")
        elif lit_x is not None and lit_y is None:
            x = repr(lit_x)
            test = f"_T({y} := {self.expr(right)}) is _I" + extra.format(x=x, y=y)
        else:
            a, b = self.expr(left), self.expr(right)
            test = f"_T({x} := {a}) is _T({y} := {b}) is _I" + extra.format(x=x, y=y)
        slow_call = self.mark(node, node.op) + slow.format(x=x, y=y) + ")"
        if ranged:
            value = f"_lo <= ({t} := {quick.format(x=x, y=y)}) <= _hi"
            return f"({t} if {test} and {value} else {slow_call})"
        return f"({quick.format(x=x, y=y)} if {test} else {slow_call})"

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

    def compare(self, node: ast.Binary) -> str:
        op, left, right = node.op, node.left, node.right
        if op in ("==", "!="):
            for a, b in ((left, right), (right, left)):
                if isinstance(b, ast.Literal) and b.kind == "null":
                    word = "is" if op == "==" else "is not"
                    return f"({self.expr(a)} {word} None)"
                if isinstance(b, ast.Literal) and b.kind == "string":
                    return f"({self.expr(a)} {op} {b.value!r})"
        py_op = "==" if op == "==" else op
        return self.fast(node, COMPARE[op] + "({x}, {y})", "{x} " + py_op + " {y}", False)

    def x_IfExpr(self, node: ast.IfExpr) -> str:
        return f"({self.expr(node.then)} if {self.cond(node.cond)} else {self.expr(node.other)})"

    # ----------------------------------------------------------------------- calls
    def args_list(self, args: list[ast.Node]) -> str:
        return ", ".join(self.expr(a) for a in args)

    def x_Call(self, node: ast.Call) -> str:
        low = node.name.lower()
        args = self.args_list(node.args)
        label = node.name + "()"
        idx = self.user_index(low)
        if idx is not None:
            self.saw_user_call = True
            return self.mark(node, label) + f"_ucall(_ctx, _n, _F[{idx}], [{args}]))"
        if low in ("map", "list", "collection") and (node.args or low != "map"):
            helper = {"map": "_newmap", "list": "_newlist", "collection": "_newcoll"}[low]
            return self.mark(node, label) + f"{helper}(_ctx{', ' if args else ''}{args}))"
        if low == "map":
            return "{}"
        if low in ("geturl", "posturl"):
            method = "GET" if low == "geturl" else "POST"
            return self.mark(node, label) + f"_legacy_url(_ctx, {method!r}, [{args}]))"
        if low == "openurl":
            return self.mark(node, label) + "_creator('openUrl'))"
        builtin = lookup_function(low)
        if builtin is None:
            message = f"unknown function '{node.name}'"
            return self.mark(node, label) + f"_fail({message!r}))"
        n = len(node.args)
        if n < builtin.min_args or (builtin.max_args is not None and n > builtin.max_args):
            return self.mark(node, label) + f"_fail({arity_message(builtin, n)!r}))"
        name = self.builtin(builtin.impl)
        return self.mark(node, label) + f"{name}(_ctx{', ' if args else ''}{args}))"

    def x_MethodCall(self, node: ast.MethodCall) -> str:
        label = node.name + "()"
        path = self.dotted(node.receiver)
        args = self.args_list(node.args)
        if path is not None and not (
            len(path) == 2 and path[0].lower() == "zoho" and path[1].lower() in ZOHO_VARIABLES
        ):
            return self.namespaced_call(node, [*path, node.name], args)
        dispatch = self.method_dispatch(node.name, len(node.args))
        recv = self.expr(node.receiver)
        return self.mark(node, label) + f"{dispatch}(_ctx, {recv}{', ' if args else ''}{args}))"

    def namespaced_call(self, node: ast.MethodCall, path: list[str], args: str) -> str:
        root = path[0].lower()
        full = ".".join(path)
        label = full + "()"
        if root == "zoho":
            builtin = lookup_function(full.lower())
            if builtin is not None:
                name = self.builtin(builtin.impl)
                return self.mark(node, label) + f"{name}(_ctx{', ' if args else ''}{args}))"
            if len(path) >= 3:
                app, task = path[1], ".".join(path[2:])
                return self.mark(node, label) + f"_integ(_ctx, {app!r}, {task!r}, [{args}]))"
            return self.mark(node, label) + f"_fail({'unknown function ' + full!r}))"
        if root == "input":
            return self.mark(node, label) + f"_creator({full!r}))"
        idx = self.user_index(path[-1].lower())
        self.saw_user_call = True
        if idx is not None and len(path) == 2:
            return self.mark(node, label) + f"_ucall(_ctx, _n, _F[{idx}], [{args}]))"
        namespace = ".".join(path[:-1])
        return self.mark(node, label) + (
            f"_xcall(_ctx, _n, {namespace!r}, {path[-1]!r}, [{args}]))"
        )

    def x_Task(self, node: ast.Task) -> str:
        items = []
        for key, value in node.params:
            if (
                key in BARE_WORD_KEYS
                and isinstance(value, ast.Name)
                and not self.is_var(value.name)
            ):
                code = repr(value.name)
            else:
                code = self.expr(value)
            items.append(f"{key!r}: {code}")
        return self.mark(node, node.name) + f"_task(_ctx, {node.name!r}, {{{', '.join(items)}}}))"

    def x_Insert(self, node: ast.Insert) -> str:
        return self.mark(node, "insert") + f"_creator({'insert into ' + node.form!r}))"


def _long_literal(node: ast.Node) -> int | None:
    if isinstance(node, ast.Literal) and node.kind == "long":
        return node.value
    return None


def arity_message(builtin, n: int) -> str:
    lo, hi = builtin.min_args, builtin.max_args
    if hi is None:
        expected = f"at least {lo}"
    elif lo == hi:
        expected = str(lo)
    else:
        expected = f"{lo} to {hi}"
    return f"{builtin.name} expects {expected} argument(s), got {n}"
