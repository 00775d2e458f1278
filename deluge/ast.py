"""Syntax tree of a Deluge script.

Every node carries its 1-based ``line`` and ``column``; they are left out of equality so
that a tree printed back to source and parsed again compares equal to the original.
"""

from __future__ import annotations

from dataclasses import dataclass, field


def _pos():
    return field(default=0, compare=False, repr=False, kw_only=True)


@dataclass(eq=True, slots=True)
class Node:
    line: int = _pos()
    column: int = _pos()


# ----------------------------------------------------------------------------- expressions


@dataclass(eq=True, slots=True)
class Literal(Node):
    """``kind`` is one of string, long, decimal, boolean, null, datetime (single-quoted)."""

    value: object
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
