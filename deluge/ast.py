"""Syntax tree of a Deluge script.

Every node carries its 1-based ``line`` and ``column``; they are left out of equality so
that a tree printed back to source and parsed again compares equal to the original.

``walk`` and ``NodeVisitor`` (at the end) are the one way passes go over a tree, as in
CPython's ``ast`` module. A node's fields are its ``__slots__`` (other than the position);
child nodes sit in them directly or inside lists and tuples (``If.branches`` holds
``(condition, body)`` pairs).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(eq=True, slots=True)
class Node:
    line: int = field(default=0, compare=False, repr=False, kw_only=True)
    column: int = field(default=0, compare=False, repr=False, kw_only=True)


# ----------------------------------------------------------------------------- expressions


@dataclass(eq=True, slots=True)
class Literal(Node):
    """``kind`` is one of string, long, decimal, boolean, null, datetime (single-quoted)."""

    value: Any  # str, int, float, bool or None as ``kind`` says (a datetime's text)
    kind: str


@dataclass(eq=True, slots=True)
class Name(Node):
    name: str


@dataclass(eq=True, slots=True)
class Unary(Node):
    op: str  # "-" or "!"
    operand: Node


@dataclass(eq=True, slots=True)
class Binary(Node):
    op: str  # + - * / % == != < <= > >= && ||   (a lone = in a condition reads as ==)
    left: Node
    right: Node


@dataclass(eq=True, slots=True)
class Call(Node):
    """A call of a plain name: ``ifnull(a, b)``, ``Map()``, ``List:String()``, ``getUrl(u)``."""

    name: str
    args: list[Node]
    type_arg: str | None = None  # the ``String`` of ``List:String()``


@dataclass(eq=True, slots=True)
class Member(Node):
    """``a.b`` without a call: ``zoho.currentdate``, ``input.Name``, ``row.Field``."""

    obj: Node
    name: str


@dataclass(eq=True, slots=True)
class MethodCall(Node):
    receiver: Node
    name: str
    args: list[Node]


@dataclass(eq=True, slots=True)
class Index(Node):
    """``Form[criteria]`` (Creator fetch) or ``x[i]``, with Creator's optional modifiers."""

    obj: Node
    criteria: Node | None
    sort_by: Node | None = None
    descending: bool = False
    range_from: Node | None = None
    range_to: Node | None = None


@dataclass(eq=True, slots=True)
class MapLit(Node):
    items: list[tuple[Node, Node]]


@dataclass(eq=True, slots=True)
class ListLit(Node):
    items: list[Node]


@dataclass(eq=True, slots=True)
class IfExpr(Node):
    """``if(condition, then, else)`` used as a value."""

    cond: Node
    then: Node
    other: Node


@dataclass(eq=True, slots=True)
class Task(Node):
    """A bracketed task: ``invokeurl [ url: ... type: GET ]``, ``sendmail [ ... ]``.

    ``params`` keeps the order written; keys are normalised to lower case with single
    spaces (``content type``, ``content-type`` stays as written with its hyphen).
    """

    name: str  # lower case: invokeurl, sendmail, ...
    params: list[tuple[str, Node]]


# ------------------------------------------------------------------------------ statements


@dataclass(eq=True, slots=True)
class Assign(Node):
    target: Node  # Name or Member (Creator field) or Index
    op: str  # = += -= *= /= %=
    value: Node


@dataclass(eq=True, slots=True)
class ExprStmt(Node):
    expr: Node


@dataclass(eq=True, slots=True)
class Info(Node):
    expr: Node


@dataclass(eq=True, slots=True)
class Return(Node):
    value: Node | None


@dataclass(eq=True, slots=True)
class If(Node):
    branches: list[tuple[Node, list[Node]]]
    other: list[Node] | None


@dataclass(eq=True, slots=True)
class ForEach(Node):
    var: str
    iterable: Node
    body: list[Node]
    index: bool = False  # for each index i in list


@dataclass(eq=True, slots=True)
class While(Node):
    cond: Node
    body: list[Node]


@dataclass(eq=True, slots=True)
class Break(Node):
    pass


@dataclass(eq=True, slots=True)
class Continue(Node):
    pass


@dataclass(eq=True, slots=True)
class Try(Node):
    body: list[Node]
    var: str | None
    handler: list[Node]


@dataclass(eq=True, slots=True)
class Insert(Node):
    """Creator ``insert into Form [ Field = value ... ]``."""

    form: str
    fields: list[tuple[str, Node]]


@dataclass(eq=True, slots=True)
class Delete(Node):
    """Creator ``delete from Form[criteria];``."""

    target: Node


@dataclass(eq=True, slots=True)
class FormAction(Node):
    """Creator client statements: ``alert "x"``, ``cancel submit``, ``hide Field``..."""

    keyword: str  # lower case
    args: list[Node]


# ------------------------------------------------------------------------------- functions


@dataclass(eq=True, slots=True)
class Param(Node):
    type: str
    name: str


@dataclass(eq=True, slots=True)
class Function(Node):
    """One function. A script without a header is a Function with ``name`` None."""

    return_type: str | None
    namespace: str | None  # automation, standalone, button, ...
    name: str | None
    params: list[Param]
    body: list[Node]


@dataclass(eq=True, slots=True)
class Program(Node):
    functions: list[Function]

    @property
    def main(self) -> Function:
        return self.functions[0]


# --------------------------------------------------------------------------------- walking

_FIELDS: dict[type[Node], tuple[str, ...]] = {}


def fields_of(cls: type[Node]) -> tuple[str, ...]:
    """The field names of a node class, in declaration order (``line``/``column`` left out)."""
    names = _FIELDS.get(cls)
    if names is None:
        names = tuple(
            name
            for klass in reversed(cls.__mro__)
            if klass is not Node
            for name in klass.__dict__.get("__slots__", ())
        )
        _FIELDS[cls] = names
    return names


def iter_fields(node: Node) -> Iterator[tuple[str, Any]]:
    """``(name, value)`` for each field of ``node``."""
    for name in fields_of(type(node)):
        yield name, getattr(node, name)


def iter_child_nodes(node: Node) -> Iterator[Node]:
    """The nodes directly under ``node``, in source order, found inside lists and tuples too."""
    stack: list[Any] = [value for _, value in iter_fields(node)]
    stack.reverse()
    while stack:
        item = stack.pop()
        if isinstance(item, Node):
            yield item
        elif isinstance(item, list | tuple):
            stack.extend(reversed(item))


def walk(node: Node | Sequence[Node]) -> Iterator[Node]:
    """Every node under ``node`` (a node, itself included, or a block's list of nodes).

    Depth first in source order (a node comes before the nodes under it). Uses no
    recursion: a chain such as ``a + b + ...`` of thousands of terms is as deep as it is long.
    """
    stack: list[Any] = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, Node):
            yield item
            names = _FIELDS.get(type(item)) or fields_of(type(item))
            for name in reversed(names):
                stack.append(getattr(item, name))
        elif isinstance(item, list | tuple):
            stack.extend(reversed(item))


class NodeVisitor:
    """Calls ``visit_<ClassName>(node)`` for each node visited, as CPython's
    ``ast.NodeVisitor``; a class without such a method gets ``generic_visit``, which visits
    the node's children. A ``visit_`` method that wants the children visited too calls
    ``generic_visit`` itself. This recurses once per level: for trees of unbounded depth
    (long operator chains) use ``walk``."""

    def visit(self, node: Node) -> Any:
        method = getattr(self, "visit_" + type(node).__name__, self.generic_visit)
        return method(node)

    def generic_visit(self, node: Node) -> None:
        for child in iter_child_nodes(node):
            self.visit(child)
