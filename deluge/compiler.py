"""Compile a parsed Program to Python source, then to a code object, once per script.

Each Deluge function becomes ``def _fK(_ctx, _a)`` where ``_a`` maps lower-case parameter
names to values. Statement counting is built in: every block adds its statement count to
the local ``_n`` on entry (a loop pass adds one more for the pass itself) and only calls
``_tick`` when a checkpoint is passed, which keeps the counting to an add and a compare.
Python line numbers of the generated code map back to Deluge lines and columns.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Hashable
from typing import Any

from . import ast
from .compile_expr import BARE_WORD_KEYS, NAMESPACES, ExprMixin
from .errors import DelugeSyntaxError
from .infer import variable_kinds
from .lexer import source_line
from .methods import inline_for, make_dispatch
from .runtime.registry import Impl

MARK = "\x00"
_counter = itertools.count()
# Locals a function copies once on entry, when its code uses them (name -> source).
PROLOGUE = {
    "_sl": "_ctx.small_min",
    "_sh": "_ctx.small_max",
    "_up": "_ctx.up_max",
    "_dn": "_ctx.down_min",
    "_smax": "_ctx.max_string",
    "_cmax": "_ctx.max_collection",
    "_I": "_int",
    "_S": "_str",
    "_T": "_type",
    "_D": "_dict",
    "_L": "_list",
    "_len": "_length",
}
_PROLOGUE_NAMES = re.compile(r"\b(" + "|".join(PROLOGUE) + r")\b")
ASSIGN_OPS = {"+=": "+", "-=": "-", "*=": "*", "/=": "/", "%=": "%"}


class ProgramCompiler:
    """``fast=False`` leaves out the inline fast paths: the code nests about half as deep,
    for the rare script whose expressions are too deep for CPython's parser otherwise."""

    def __init__(self, program: ast.Program, source: str, fast: bool = True) -> None:
        self.program = program
        self.source = source
        self.fast = fast
        self.lines: list[str] = []
        self.positions: list[tuple[int, int, str]] = []
        self.marks: list[tuple[int, int, str]] = []
        self.globals: dict[str, Any] = {}
        self.consts: dict[Hashable, str] = {}
        self.user_names: dict[str, int] = {}  # lower-case name -> index in program.functions
        for i, fn in enumerate(program.functions):
            if fn.name:
                self.user_names.setdefault(fn.name.lower(), i)

    def add_global(self, prefix: str, value: object, key: Hashable | None = None) -> str:
        k = key if key is not None else (prefix, id(value))
        name = self.consts.get(k)
        if name is None:
            name = f"_{prefix}{len(self.consts)}"
            self.consts[k] = name
            self.globals[name] = value
        return name

    def compile(self) -> tuple[str, list[tuple[int, int, str]]]:
        for i, fn in enumerate(self.program.functions):
            FunctionCompiler(self, fn, i).compile()
        return "\n".join(self.lines) + "\n", self.positions

    def emit(self, indent: int, text: str, pos: tuple[int, int, str]) -> None:
        pad = "    " * indent
        if MARK not in text:
            self.lines.append(pad + text)
            self.positions.append(pos)
            return
        pieces = text.split(MARK)
        # pieces alternate: code, mark id, code, mark id, code...
        self.lines.append(pad + pieces[0])
        self.positions.append(pos)
        for k in range(1, len(pieces), 2):
            self.lines.append(pieces[k + 1])
            self.positions.append(self.marks[int(pieces[k])])


class FunctionCompiler(ExprMixin):
    def __init__(self, pc: ProgramCompiler, fn: ast.Function, index: int) -> None:
        self.pc = pc
        self.fn = fn
        self.index = index
        self.loops = 0
        self.saw_user_call = False
        self.params = [p.name.lower() for p in fn.params]
        assigned: set[str] = set()
        reads: set[str] = set()
        _scan(fn.body, assigned, reads)
        self.assigned = assigned | set(self.params)
        self.free = (reads - self.assigned - NAMESPACES) if fn.name is None else set()
        # never assigned in the body: the type each had on entry is its type throughout
        self.stable = (set(self.params) | self.free) - assigned
        self.stable_longs: dict[str, str] = {}
        self.names: dict[str, str] = {}
        self.temps = itertools.count()
        self.fast = pc.fast
        self.kinds = variable_kinds(fn, pc.user_names) if pc.fast else {}

    # -------------------------------------------------------------- mixin services
    def mark(self, node: ast.Node, label: str) -> str:
        self.pc.marks.append((node.line, node.column, label))
        return f"({MARK}{len(self.pc.marks) - 1}{MARK}"

    def const(self, value: object) -> str:
        return self.pc.add_global("k", value, key=("k", type(value), repr(value)))

    def builtin(self, impl: Impl) -> str:
        return self.pc.add_global("b", impl, key=("b", id(impl)))

    def method_dispatch(self, name: str, nargs: int) -> str:
        key = ("m", name.lower(), nargs)
        if key in self.pc.consts:
            return self.pc.consts[key]
        return self.pc.add_global("m", make_dispatch(name, nargs), key=key)

    def is_var(self, name: str) -> bool:
        low = name.lower()
        return low in self.assigned or low in self.free

    def stable_long(self, name: str) -> str:
        """The local telling whether a stable variable holds a Long (tested on entry)."""
        py = self.var(name)
        return self.stable_longs.setdefault(py, "_li" + py[1:])

    def is_free(self, name: str) -> bool:
        return name.lower() in self.free

    def var(self, name: str) -> str:
        low = name.lower()
        py = self.names.get(low)
        if py is None:
            py = "v_" + low
            if not py.isidentifier() or not py.isascii():
                py = "v_x" + low.encode("utf-8").hex()
            self.names[low] = py
        return py

    def user_index(self, low: str) -> int | None:
        return self.pc.user_names.get(low)

    # ------------------------------------------------------------------- emitting
    def emit(self, indent: int, text: str, node: ast.Node, label: str = "") -> None:
        self.pc.emit(indent, text, (node.line, node.column, label))

    def compile(self) -> None:
        fn = self.fn
        self.emit(0, f"def _f{self.index}(_ctx, _a):", fn)
        self.emit(1, "_n = _ctx.n", fn)
        self.emit(1, "_lim = _tick(_ctx, _n)", fn)
        prologue = len(self.pc.lines)
        self.emit(1, "pass", fn)  # replaced below by the locals the body uses
        for low in sorted(self.assigned | self.free):
            py = self.var(low)
            if low in self.params or fn.name is None:
                default = "_U" if low in self.free else "None"
                self.emit(1, f"{py} = _a.get({low!r}, {default})", fn)
            else:
                self.emit(1, f"{py} = None", fn)
        types = len(self.pc.lines)
        self.emit(1, "pass", fn)  # replaced below by the types of the stable variables used
        self.emit(1, "try:", fn)
        self.block(fn.body, 2, fn)
        self.emit(1, "finally:", fn)
        self.emit(2, "if _n > _ctx.n: _ctx.n = _n", fn)
        if self.stable_longs:
            self.pc.lines[types] = "    " + "; ".join(
                f"{li} = _T({py}) is _I" for py, li in sorted(self.stable_longs.items())
            )
        used = sorted(set(_PROLOGUE_NAMES.findall("\n".join(self.pc.lines[prologue + 1 :]))))
        if used:
            values = ", ".join(PROLOGUE[name] for name in used)
            self.pc.lines[prologue] = f"    {', '.join(used)} = {values}"
        label = f"{fn.namespace + '.' if fn.namespace else ''}{fn.name or 'script'}"
        self.emit(0, f"_f{self.index}.params = {self.params!r}", fn)
        self.emit(0, f"_f{self.index}.label = {label!r}", fn)

    def block(self, body: list[ast.Node], indent: int, owner: ast.Node, loop: bool = False) -> None:
        count = len(body) + (1 if loop else 0)
        first = body[0] if body else owner
        if count:
            self.emit(indent, f"_n += {count}", first)
            self.emit(indent, "if _n > _lim: _lim = _tick(_ctx, _n)", first)
        if self.sync_pending:
            self.emit(indent, "if _ctx.n > _n: _n = _ctx.n", first)
        if not body and not count:
            self.emit(indent, "pass", owner)
        self.sync_pending = False
        for stmt in body:
            self.stmt(stmt, indent)

    sync_pending = False

    def stmt(self, node: ast.Node, indent: int) -> None:
        self.saw_user_call = False
        getattr(self, "s_" + type(node).__name__)(node, indent)

    def after(self, node: ast.Node, indent: int) -> None:
        if self.saw_user_call:
            self.emit(indent, "if _ctx.n > _n: _n = _ctx.n", node)
            self.saw_user_call = False

    # ----------------------------------------------------------------- statements
    def s_ExprStmt(self, node: ast.ExprStmt, indent: int) -> None:
        expr = node.expr
        if self.fast and type(expr) is ast.MethodCall and self.call_path(expr) is None:
            # the value is not needed: ``m.put(k, v)`` and ``l.add(v)`` become statements
            spec = inline_for(expr.name, len(expr.args), statement=True)
            site = self.method_site(expr, spec, statement=True)
            for line in site.setup:
                self.emit(indent, line, node)
            if site.guard is not None:
                self.emit(indent, f"if {site.guard}: {site.fast}", node)
                self.emit(indent, f"else: {site.slow}", node)
            else:
                self.emit(indent, site.fast, node)
        else:
            self.emit(indent, self.expr(expr), node)
        self.after(node, indent)

    def s_Info(self, node: ast.Info, indent: int) -> None:
        self.emit(indent, f"_info(_ctx, {self.expr(node.expr)})", node, "info")
        self.after(node, indent)

    def s_Return(self, node: ast.Return, indent: int) -> None:
        value = "None" if node.value is None else self.expr(node.value)
        self.emit(indent, f"return {value}", node, "return")

    def s_Assign(self, node: ast.Assign, indent: int) -> None:
        target, op = node.target, node.op
        if isinstance(target, ast.Name):
            source = node.value
            if op != "=":
                # ``x += e`` is ``x = x + e``, with the operator's fast paths
                source = ast.Binary(
                    ASSIGN_OPS[op], target, source, line=node.line, column=node.column
                )
            self.emit(indent, f"{self.var(target.name)} = {self.expr(source)}", node, op)
            self.after(node, indent)
            return
        value = self.expr(node.value)
        if isinstance(target, ast.Member):
            path = self.dotted(target)
            if path is not None:
                text = "setting " + ".".join(path)
                self.emit(indent, f"_creator({text!r})", node)
                return
            obj = self.expr(target.obj)
            if op != "=":
                helper = {"+=": "_add", "-=": "_sub", "*=": "_mul", "/=": "_div", "%=": "_mod"}
                self.emit(indent, f"_t = {obj}", node)
                value = f"{helper[op]}(_ctx, _member(_t, {target.name!r}), {value})"
                obj = "_t"
            self.emit(indent, f"_set_member({obj}, {target.name!r}, {value})", node)
        else:
            assert isinstance(target, ast.Index)
            if isinstance(target.obj, ast.Name) and not self.is_var(target.obj.name):
                self.emit(indent, "_creator('updating fetched records')", node)
                return
            key = "None" if target.criteria is None else self.expr(target.criteria)
            if op != "=":
                helper = {"+=": "_add", "-=": "_sub", "*=": "_mul", "/=": "_div", "%=": "_mod"}
                value = f"{helper[op]}(_ctx, {self.expr(target)}, {value})"
            self.emit(indent, f"_set_index({self.expr(target.obj)}, {key}, {value})", node)
        self.after(node, indent)

    def s_If(self, node: ast.If, indent: int) -> None:
        any_call = False
        for i, (cond, body) in enumerate(node.branches):
            word = "if" if i == 0 else "elif"
            self.saw_user_call = False
            code = self.cond(cond)
            any_call = any_call or self.saw_user_call
            self.emit(indent, f"{word} {code}:", cond if i else node)
            self.sync_pending = any_call
            self.block(body, indent + 1, node)
        if node.other is not None:
            self.emit(indent, "else:", node)
            self.sync_pending = any_call
            self.block(node.other, indent + 1, node)
        self.saw_user_call = any_call
        self.after(node, indent)

    def s_ForEach(self, node: ast.ForEach, indent: int) -> None:
        py = self.var(node.var)
        helper = "_indexes" if node.index else "_iter"
        self.saw_user_call = False
        self.emit(indent, f"for {py} in {helper}({self.expr(node.iterable)}):", node, "for each")
        had = self.sync_pending = self.saw_user_call
        self.loops += 1
        self.block(node.body, indent + 1, node, loop=True)
        self.loops -= 1
        self.saw_user_call = had
        self.after(node, indent)

    def s_While(self, node: ast.While, indent: int) -> None:
        self.saw_user_call = False
        self.emit(indent, f"while {self.cond(node.cond)}:", node, "while")
        had = self.sync_pending = self.saw_user_call
        self.loops += 1
        self.block(node.body, indent + 1, node, loop=True)
        self.loops -= 1
        self.saw_user_call = had
        self.after(node, indent)

    def s_Break(self, node: ast.Node, indent: int) -> None:
        if not self.loops:
            raise self.syntax("'break' outside a loop", node)
        self.emit(indent, "break", node)

    def s_Continue(self, node: ast.Node, indent: int) -> None:
        if not self.loops:
            raise self.syntax("'continue' outside a loop", node)
        self.emit(indent, "continue", node)

    def s_Try(self, node: ast.Try, indent: int) -> None:
        self.emit(indent, "try:", node)
        saved = self.loops
        self.block(node.body, indent + 1, node)
        self.loops = saved
        err = f"_e{indent}"
        self.emit(indent, f"except Exception as {err}:", node)
        target = self.var(node.var) + " = " if node.var else ""
        self.emit(indent + 1, f"{target}_caught(_ctx, {err}, _locate)", node)
        self.emit(indent + 1, "if _ctx.n > _n: _n = _ctx.n", node)
        self.block(node.handler, indent + 1, node)
        self.saw_user_call = False

    def s_Delete(self, node: ast.Delete, indent: int) -> None:
        self.emit(indent, "_creator('delete from')", node)

    def s_FormAction(self, node: ast.FormAction, indent: int) -> None:
        self.emit(indent, f"_creator({node.keyword!r})", node)

    def syntax(self, message: str, node: ast.Node) -> DelugeSyntaxError:
        src = self.pc.source
        return DelugeSyntaxError(message, node.line, node.column, source_line(src, node.line))


def _scan(body: list[ast.Node], assigned: set[str], reads: set[str]) -> None:
    """Collect assigned and read variable names (lower case) of one function body."""
    bare: set[int] = set()  # the Names of ``type: GET`` in a task: words, not variables
    for node in ast.walk(body):
        if isinstance(node, ast.Name):
            if id(node) not in bare:
                reads.add(node.name.lower())
        elif isinstance(node, ast.Assign) and isinstance(node.target, ast.Name):
            assigned.add(node.target.name.lower())
        elif isinstance(node, ast.ForEach | ast.Try) and node.var:  # a loop's var is never ""
            assigned.add(node.var.lower())
        elif isinstance(node, ast.Task):
            bare.update(
                id(value)
                for key, value in node.params
                if key in BARE_WORD_KEYS and type(value) is ast.Name
            )


def unique_filename() -> str:
    return f"<deluge-{next(_counter)}>"
