"""Print a syntax tree back to Deluge source (hand-written style, tabs, braces on the line).

Parsing the printed text gives an equal tree; expressions are fully parenthesised where
precedence could matter, so printing never changes meaning.
"""

from __future__ import annotations

from decimal import Decimal

from . import ast
from .parse_tasks import NAMED_ATTACHMENTS

_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r"}


def quote(text: str) -> str:
    return '"' + "".join(_ESCAPES.get(ch, ch) for ch in text) + '"'


def to_source(program: ast.Program) -> str:
    out: list[str] = []
    for fn in program.functions:
        if fn.name is None:
            _block(fn.body, 0, out)
            continue
        params = ", ".join(f"{p.type} {p.name}".strip() for p in fn.params)
        prefix = f"{fn.namespace}." if fn.namespace else ""
        out.append(f"{fn.return_type} {prefix}{fn.name}({params})")
        out.append("{")
        _block(fn.body, 1, out)
        out.append("}")
    return "\n".join(out) + "\n"


def _block(body: list[ast.Node], depth: int, out: list[str]) -> None:
    for stmt in body:
        _stmt(stmt, depth, out)


def _braced(body: list[ast.Node], depth: int, out: list[str], head: str) -> None:
    out.append("\t" * depth + head + " {")
    _block(body, depth + 1, out)
    out.append("\t" * depth + "}")


def _stmt(node: ast.Node, depth: int, out: list[str]) -> None:
    pad = "\t" * depth
    if isinstance(node, ast.Assign):
        out.append(f"{pad}{expr(node.target)} {node.op} {expr(node.value)};")
    elif isinstance(node, ast.ExprStmt):
        out.append(f"{pad}{expr(node.expr)};")
    elif isinstance(node, ast.Info):
        out.append(f"{pad}info {expr(node.expr)};")
    elif isinstance(node, ast.Return):
        out.append(f"{pad}return;" if node.value is None else f"{pad}return {expr(node.value)};")
    elif isinstance(node, ast.Break):
        out.append(f"{pad}break;")
    elif isinstance(node, ast.Continue):
        out.append(f"{pad}continue;")
    elif isinstance(node, ast.If):
        for i, (cond, body) in enumerate(node.branches):
            head = f"if({expr(cond)})" if i == 0 else f"else if({expr(cond)})"
            _braced(body, depth, out, head)
        if node.other is not None:
            _braced(node.other, depth, out, "else")
    elif isinstance(node, ast.ForEach):
        index = "index " if node.index else ""
        _braced(node.body, depth, out, f"for each {index}{node.var} in {expr(node.iterable)}")
    elif isinstance(node, ast.While):
        _braced(node.body, depth, out, f"while({expr(node.cond)})")
    elif isinstance(node, ast.Try):
        _braced(node.body, depth, out, "try")
        _braced(node.handler, depth, out, f"catch ({node.var})" if node.var else "catch")
    elif isinstance(node, ast.Delete):
        out.append(" ".join((pad + "delete", "from", expr(node.target))) + ";")
    elif isinstance(node, ast.FormAction):
        args = ", ".join(expr(a) for a in node.args)
        out.append(f"{pad}{node.keyword} {args};".replace(" ;", ";"))
    else:
        raise TypeError(f"cannot print {type(node).__name__}")


def expr(node: ast.Node) -> str:
    if isinstance(node, ast.Literal):
        return _literal(node)
    if isinstance(node, ast.Name):
        return node.name
    if isinstance(node, ast.Unary):
        return f"{node.op}({expr(node.operand)})"
    if isinstance(node, ast.Binary):
        return f"({expr(node.left)} {node.op} {expr(node.right)})"
    if isinstance(node, ast.Call):
        head = f"{node.name}:{node.type_arg}" if node.type_arg else node.name
        return f"{head}({_args(node.args)})"
    if isinstance(node, ast.Member):
        return f"{_recv(node.obj)}.{node.name}"
    if isinstance(node, ast.MethodCall):
        return f"{_recv(node.receiver)}.{node.name}({_args(node.args)})"
    if isinstance(node, ast.Index):
        return _index(node)
    if isinstance(node, ast.MapLit):
        return "{" + ", ".join(f"{expr(k)}: {expr(v)}" for k, v in node.items) + "}"
    if isinstance(node, ast.ListLit):
        return (
            "[" + ", ".join(expr(v) for v in node.items) + "]"
            if not node.items
            else ("{" + ", ".join(expr(v) for v in node.items) + "}")
        )
    if isinstance(node, ast.IfExpr):
        return f"if({expr(node.cond)}, {expr(node.then)}, {expr(node.other)})"
    if isinstance(node, ast.Task):
        params = "\n".join(f"\t{key}: {_task_value(key, v)}" for key, v in node.params)
        return f"{node.name}\n[\n{params}\n]"
    if isinstance(node, ast.Insert):
        fields = "\n".join(f"\t{name} = {expr(v)}" for name, v in node.fields)
        return f"insert into {node.form}\n[\n{fields}\n]"
    raise TypeError(f"cannot print {type(node).__name__}")


def _recv(node: ast.Node) -> str:
    text = expr(node)
    return f"({text})" if type(node) in (ast.Unary, ast.Task, ast.Insert) else text


def _task_value(key: str, node: ast.Node) -> str:
    if key == "attachments" and isinstance(node, ast.MapLit) and len(node.items) == 1:
        k, v = node.items[0]
        # "file: x" prints back as written; a lone template or view name stays a Map literal
        # because "view: name" reads a name, not a value
        if (
            isinstance(k, ast.Literal)
            and isinstance(k.value, str)
            and k.value.isidentifier()
            and k.value.lower() not in NAMED_ATTACHMENTS
        ):
            return f"{k.value}: {expr(v)}"
    if isinstance(node, ast.ListLit) and node.items:
        return "{" + ", ".join(expr(v) for v in node.items) + "}"
    return expr(node)


def _index(node: ast.Index) -> str:
    text = f"{_recv(node.obj)}[{'' if node.criteria is None else expr(node.criteria)}]"
    if node.sort_by is not None:
        text += f" sort by {expr(node.sort_by)}" + (" desc" if node.descending else "")
    if node.range_from is not None:
        # the parser sets range_to with range_from
        text += f" range from {expr(node.range_from)} to {expr(node.range_to)}"  # type: ignore[arg-type]
    return text


def _args(args: list[ast.Node]) -> str:
    return ", ".join(expr(a) for a in args)


def _literal(node: ast.Literal) -> str:
    kind, value = node.kind, node.value
    if kind == "string":
        return quote(value)
    if kind == "datetime":
        written: str = value
        return "'" + written.replace("\\", "\\\\").replace("'", "\\'") + "'"
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "null":
        return "null"
    if kind == "decimal":
        text = repr(value)
        if "e" in text or "E" in text:
            text = format(Decimal(text), "f")
        return text if "." in text else text + ".0"
    return str(value)
