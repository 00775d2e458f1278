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


def mentions(nodes: ast.Node | list[ast.Node]) -> dict[str, int]:
    """How often each variable (lower case) is read, assigned or bound under ``nodes``."""
    found: dict[str, int] = {}
    for node in ast.walk(nodes):
        if isinstance(node, ast.Name):
            name = node.name.lower()
        elif isinstance(node, ast.ForEach | ast.Try) and node.var:
            name = node.var.lower()
        else:
            continue
        found[name] = found.get(name, 0) + 1
    return found


def kind(
    node: ast.Node, variables: Mapping[str, str], functions: Collection[str] = ()
) -> str | None:
    """The type ``node`` always has (LONG, MAP, LIST; STRING for a string literal), or None.

    ``variables`` gives the typed variables; ``functions`` the script's own functions,
    which a call of ``Map()`` or ``List()`` would reach instead of the constructors.
    """
    if isinstance(node, ast.Literal):
        if node.kind == "long" and type(node.value) is int and -SMALL <= node.value <= SMALL:
            return LONG
        return STRING if node.kind == "string" else None
    if isinstance(node, ast.Name):
        return variables.get(node.name.lower())
    if isinstance(node, ast.Binary) and node.op in ARITHMETIC:
        left = kind(node.left, variables, functions)
        return LONG if left == LONG and kind(node.right, variables, functions) == LONG else None
    if isinstance(node, ast.Unary) and node.op == "-":
        return LONG if kind(node.operand, variables, functions) == LONG else None
    if isinstance(node, ast.IfExpr):
        then = kind(node.then, variables, functions)
        return then if then != STRING and then == kind(node.other, variables, functions) else None
    if isinstance(node, ast.MapLit):
        return MAP
    if isinstance(node, ast.ListLit):
        return LIST
    if isinstance(node, ast.Call) and node.name.lower() in ("map", "list"):
        return None if node.name.lower() in functions else node.name.lower()
    return None


def _blocks(stmt: ast.Node) -> list[list[ast.Node]]:
    """The blocks written directly inside ``stmt``: loop bodies, branches, try and catch."""
    if isinstance(stmt, ast.If):
        found = [body for _, body in stmt.branches]
        return found if stmt.other is None else [*found, stmt.other]
    if isinstance(stmt, ast.ForEach | ast.While):
        return [stmt.body]
    if isinstance(stmt, ast.Try):
        return [stmt.body, stmt.handler]
    return []


def _definitions(fn: ast.Function, total: dict[str, int]) -> set[str]:
    """The variables that a block of ``fn`` (its body or one nested in it) defines first."""
    found: set[str] = set()
    bodies = [fn.body, *(body for node in ast.walk(fn.body) for body in _blocks(node))]
    for body in bodies:
        inside = mentions(body)
        seen: set[str] = set()
        for stmt in body:
            if type(stmt) is ast.Assign and type(stmt.target) is ast.Name and stmt.op == "=":
                name = stmt.target.name.lower()
                fresh = name not in seen and name not in mentions(stmt.value)
                if fresh and inside[name] == total[name]:
                    found.add(name)
            seen |= mentions(stmt).keys()
    return found


def variable_kinds(fn: ast.Function, functions: Collection[str] = ()) -> dict[str, str]:
    """The typed variables of ``fn`` (lower-case name -> LONG, MAP or LIST)."""
    defined = _definitions(fn, mentions(fn.body))
    assignments: list[tuple[str, str, ast.Node]] = []
    for node in ast.walk(fn.body):
        if isinstance(node, ast.Assign) and isinstance(node.target, ast.Name):
            assignments.append((node.target.name.lower(), node.op, node.value))
        elif isinstance(node, ast.ForEach | ast.Try) and node.var:
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
