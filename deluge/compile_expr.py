"""Expression half of the compiler: Deluge expression nodes -> Python expression text.

Script text only ever reaches the generated code through ``repr()`` of literals or through
module constants; variables become mangled locals (``v_name``). Each node that can fail is
wrapped as ``(<marker>code)``: the marker turns into a line break when the code is written
out, so every failing call sits on its own Python line, which maps back to the Deluge line
and column without any cost while running.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import ast
from .compile_ops import BOOLEAN_OPS, OpsMixin
from .infer import LIST, LONG, MAP
from .methods import GUARDS, Inline, direct_target, inline_for
from .runtime.registry import Builtin, Impl, lookup_function
from .runtime.values import parse_datetime_literal

NAMESPACES = frozenset(
    {"thisapp", "standalone", "automation", "button", "schedule", "workflow", "zoho", "input"}
)
ZOHO_VARIABLES = frozenset(
    {"currentdate", "currenttime", "today", "now", "loginuserid", "loginuser", "adminuserid"}
    | {"adminuser", "appname", "appuri", "ipaddress", "orgid"}
)
BARE_WORD_KEYS = frozenset({"type", "response-format", "response-decoding"})


MAX_COPIED = 400  # characters of argument code a call site may write in both of its branches
KNOWN_TYPES: dict[str | None, type] = {MAP: dict, LIST: list}


@dataclass(frozen=True)
class CallSite:
    guard: str | None  # None: ``fast`` is the whole call
    fast: str
    slow: str
    setup: list[str]  # statements to run first (a statement's receiver and arguments)


class ExprMixin(OpsMixin):
    """Needs from the host class: mark(), const(), builtin(), method_dispatch(), var(),
    is_var(), user_index(), the saw_user_call flag, and what OpsMixin needs."""

    if TYPE_CHECKING:
        saw_user_call: bool

        def const(self, value: object) -> str: ...
        def builtin(self, impl: Impl) -> str: ...
        def method_dispatch(self, name: str, nargs: int) -> str: ...
        def user_index(self, low: str) -> int | None: ...

    # ----------------------------------------------------------------------- entry
    def expr(self, node: ast.Node) -> str:
        method: Callable[[ast.Node], str] = getattr(self, "x_" + type(node).__name__)
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
        if (
            isinstance(node, ast.Name)
            and not self.is_var(node.name)
            and node.name.lower() in NAMESPACES
        ):
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
        if low == "list" and not node.args:
            return "[]"
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

    def call_path(self, node: ast.MethodCall) -> list[str] | None:
        """``zoho.crm.getRecords`` -> its names; None for a method called on a value."""
        path = self.dotted(node.receiver)
        if path is None or (
            len(path) == 2 and path[0].lower() == "zoho" and path[1].lower() in ZOHO_VARIABLES
        ):
            return None
        return [*path, node.name]

    def x_MethodCall(self, node: ast.MethodCall) -> str:
        path = self.call_path(node)
        if path is not None:
            return self.namespaced_call(node, path, self.args_list(node.args))
        site = self.method_site(node, inline_for(node.name, len(node.args)))
        if site.guard is None:
            return site.fast
        return f"({site.fast} if {site.guard} else {site.slow})"

    def method_site(
        self, node: ast.MethodCall, spec: Inline | None, statement: bool = False
    ) -> CallSite:
        """The code of ``receiver.name(args)``: the dispatcher call (``slow``), and where the
        receiver's type allows, ``spec`` inlined or the built-in called directly (``fast``)
        under ``guard``. ``fast`` and ``slow`` each evaluate the arguments once, in order.
        For a ``statement``, receiver and arguments are first stored in locals (``setup``)."""
        label = node.name + "()"
        nargs = len(node.args)
        recv = self.expr(node.receiver)
        args = [self.expr(a) for a in node.args]
        plain = [self.pure(a) for a in node.args]
        setup: list[str] = []
        stored = statement and self.fast
        if stored:
            if not self.pure(node.receiver):
                temp = f"_r{next(self.temps)}"
                setup.append(f"{temp} = {recv}")
                recv = temp
            for i, ok in enumerate(plain):
                if not ok:
                    temp = f"_a{next(self.temps)}"
                    setup.append(f"{temp} = {args[i]}")
                    args[i], plain[i] = temp, True
        tail = "".join(", " + a for a in args)

        def call(fn: str, receiver: str) -> str:
            return self.mark(node, label) + f"{fn}(_ctx, {receiver}{tail}))"

        dispatch = self.method_dispatch(node.name, nargs)
        copied = sum(len(c) for c, ok in zip(args, plain, strict=True) if not ok)
        if copied > MAX_COPIED or not self.fast:
            return CallSite(None, call(dispatch, recv), "", setup)
        if stored or self.pure(node.receiver):
            r, bind = recv, recv
        else:
            r = f"_r{next(self.temps)}"
            bind = f"({r} := {recv})"
        tests = self.argument_tests(node.args, args, plain, spec) if spec is not None else None
        if spec is not None and tests is not None:
            types = spec.types
            fast = spec.code.format(*args, r=r)
            if spec.when:
                tests.append("(" + spec.when.format(*args, r=r) + ")")
        else:
            target = direct_target(node.name, nargs)
            if target is None:
                return CallSite(None, call(dispatch, recv), "", setup)
            py, impl = target
            if py is None:  # one built-in serves every type: nothing to test
                return CallSite(None, call(self.builtin(impl), recv), "", setup)
            types, fast, tests = (py,), call(self.builtin(impl), r), []
        known = KNOWN_TYPES.get(self.kind(node.receiver))
        if known in types and r == recv:  # a Map or List variable: no test of the receiver
            if not tests:
                return CallSite(None, fast, "", setup)
            return CallSite(" and ".join(tests), fast, call(dispatch, r), setup)
        if len(types) == 1:
            guard = f"_T({bind}) is {GUARDS[types[0]]}"
        else:
            k = f"_q{next(self.temps)}"
            alts = " or ".join(f"{k} is {GUARDS[t]}" for t in types[1:])
            guard = f"(({k} := _T({bind})) is {GUARDS[types[0]]} or {alts})"
        return CallSite(" and ".join([guard, *tests]), fast, call(dispatch, r), setup)

    def argument_tests(
        self, nodes: list[ast.Node], codes: list[str], plain: list[bool], spec: Inline
    ) -> list[str] | None:
        """Run-time tests that the arguments are what ``spec`` needs; None if not testable
        (an argument with effects would run twice)."""
        tests = []
        for i in (*spec.keys, *spec.texts):
            node = nodes[i]
            if type(node) is ast.Literal and (
                node.kind == "string" or (i in spec.keys and self.kind(node) == LONG)
            ):
                continue
            if not plain[i]:
                return None
            tests.append(f"_T({codes[i]}) is _S")
        return tests

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
        if node.name == "sendmail" and any(
            key == "attachments" and _is_record_attachment(value) for key, value in node.params
        ):
            return self.mark(node, "sendmail") + "_creator('record template and view attachments'))"
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


def _is_record_attachment(value: ast.Node) -> bool:
    """``template:T:Form id as PDF`` or ``view:V as PDF``: Creator renders a record to attach."""
    items = value.items if isinstance(value, ast.ListLit) else [value]
    for item in items:
        if isinstance(item, ast.MapLit) and item.items:
            key = item.items[0][0]
            if isinstance(key, ast.Literal) and key.value in ("template", "view"):
                return True
    return False


def arity_message(builtin: Builtin, n: int) -> str:
    lo, hi = builtin.min_args, builtin.max_args
    if hi is None:
        expected = f"at least {lo}"
    elif lo == hi:
        expected = str(lo)
    else:
        expected = f"{lo} to {hi}"
    return f"{builtin.name} expects {expected} argument(s), got {n}"
