"""What the compiler can prove about a function's values before it runs.

The generated code tests operand types at run time (``type(x) is int``) before taking a fast
path. Those tests can be left out where the type is known: a literal, arithmetic of Longs, a
``Map()``/``List()``, or a *typed variable*. A variable has a type when

* every mention of it lies in one block (the function body, a loop body, a branch...) and
  the first statement of that block that mentions it is ``x = <value>`` whose value does
  not read ``x``, so no read can see the argument, null or a value from before, and
* every assignment to it (``=``, ``+=``, ``-=``, ``*=``, ``/=``, ``%=``) gives that type,
  and it is never a loop, ``catch`` or header variable.

Arithmetic of Longs either gives a Long that fits ``Limits.max_int_bits`` or raises
(overflow, division by zero), so a Long variable holds a Python ``int`` in range whenever it
is read. Only literals of at most 30 bits count, so that they fit any limit of 32 bits up.
Each type is checked to a fixed point: a variable whose assignment needs another variable
that fails is dropped too.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from . import ast

LONG = "long"
STRING = "string"  # string literals only; no variable is given this type
MAP = "map"
LIST = "list"
SMALL = (1 << 30) - 1  # larger literals are not Long *expressions*: they may not fit the limit
ARITHMETIC = frozenset({"+", "-", "*", "/", "%"})
BLOCKS = {ast.If: (), ast.ForEach: ("body",), ast.While: ("body",), ast.Try: ("body", "handler")}


def walk(nodes):
    """Every node under ``nodes`` (a node or a list), in no particular order."""
    stack = [nodes]
    while stack:
        node = stack.pop()
        if isinstance(node, list | tuple):
            stack.extend(node)
        elif isinstance(node, ast.Node):
            yield node
            for slot in type(node).__slots__:
                if slot not in ("line", "column"):
                    stack.append(getattr(node, slot))


def mentions(nodes) -> dict[str, int]:
    """How often each variable (lower case) is read, assigned or bound under ``nodes``."""
    found: dict[str, int] = {}
    for node in walk(nodes):
        t = type(node)
        if t is ast.Name or ((t is ast.ForEach or t is ast.Try) and node.var):
            name = (node.name if t is ast.Name else node.var).lower()
            found[name] = found.get(name, 0) + 1
    return found


def kind(
    node: ast.Node, variables: Mapping[str, str], functions: Collection[str] = ()
) -> str | None:
    """The type ``node`` always has (LONG, MAP, LIST; STRING for a string literal), or None.

    ``variables`` gives the typed variables; ``functions`` the script's own functions,
    which a call of ``Map()`` or ``List()`` would reach instead of the constructors.
    """
    t = type(node)
    if t is ast.Literal:
        if node.kind == "long" and type(node.value) is int and -SMALL <= node.value <= SMALL:
            return LONG
        return STRING if node.kind == "string" else None
    if t is ast.Name:
        return variables.get(node.name.lower())
    if t is ast.Binary and node.op in ARITHMETIC:
        left = kind(node.left, variables, functions)
        return LONG if left == LONG and kind(node.right, variables, functions) == LONG else None
    if t is ast.Unary and node.op == "-":
        return LONG if kind(node.operand, variables, functions) == LONG else None
    if t is ast.IfExpr:
        then = kind(node.then, variables, functions)
        return then if then != STRING and then == kind(node.other, variables, functions) else None
    if t is ast.MapLit:
        return MAP
    if t is ast.ListLit:
        return LIST
    if t is ast.Call and node.name.lower() in ("map", "list"):
        return None if node.name.lower() in functions else node.name.lower()
    return None


def _definitions(body: list[ast.Node], total: dict[str, int], found: set[str]) -> None:
    """Add to ``found`` the variables that ``body`` (or a block inside it) defines first."""
    inside = mentions(body)
    seen: set[str] = set()
    for stmt in body:
        if type(stmt) is ast.Assign and type(stmt.target) is ast.Name and stmt.op == "=":
            name = stmt.target.name.lower()
            fresh = name not in seen and name not in mentions(stmt.value)
            if fresh and inside[name] == total[name]:
                found.add(name)
        seen |= mentions(stmt).keys()
        for slot in BLOCKS.get(type(stmt), ()):
            _definitions(getattr(stmt, slot), total, found)
        if type(stmt) is ast.If:
            for _, branch in stmt.branches:
                _definitions(branch, total, found)
            if stmt.other is not None:
                _definitions(stmt.other, total, found)


def variable_kinds(fn: ast.Function, functions: Collection[str] = ()) -> dict[str, str]:
    """The typed variables of ``fn`` (lower-case name -> LONG, MAP or LIST)."""
    defined: set[str] = set()
    _definitions(fn.body, mentions(fn.body), defined)
    assignments: list[tuple[str, str, ast.Node]] = []
    for node in walk(fn.body):
        t = type(node)
        if t is ast.Assign and type(node.target) is ast.Name:
            assignments.append((node.target.name.lower(), node.op, node.value))
        elif (t is ast.ForEach or t is ast.Try) and node.var:
            defined.discard(node.var.lower())
    defined -= {p.name.lower() for p in fn.params}
    kinds: dict[str, str] = {}
    for wanted in (LONG, MAP, LIST):
        typed = {name: wanted for name in defined - kinds.keys()}
        changed = True
        while changed:
            changed = False
            for name, op, value in assignments:
                if name not in typed:
                    continue
                got = kind(value, typed, functions)
                if got != wanted or (op != "=" and wanted != LONG):
                    del typed[name]
                    changed = True
        kinds.update(typed)
    return kinds


def long_variables(fn: ast.Function) -> frozenset[str]:
    """The Long variables of ``fn`` (lower-case names)."""
    return frozenset(name for name, k in variable_kinds(fn).items() if k == LONG)
