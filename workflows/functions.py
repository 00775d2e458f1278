"""Saving, checking and running functions.

A function's code is the body a developer writes; its typed parameters come from the form.
``script_source`` wraps both into the Deluge function header the engine compiles, so that
error lines in the body are reported as the developer sees them.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

import deluge
from deluge import ast
from workflows import records
from workflows.models import PARAM_TYPES, Function, identifier

_IDENTIFIER = re.compile(identifier.regex.pattern.strip("^$"))

# Deluge type names for the header (the engine coerces form text by these).
HEADER_TYPES = {
    "string": "string",
    "int": "int",
    "decimal": "decimal",
    "boolean": "bool",
    "date": "date",
    "datetime": "datetime",
    "map": "map",
    "list": "list",
}


class FunctionSyntaxError(ValidationError):
    """The code does not parse: a form error on ``code`` that also carries where, so the
    editor can mark the line without reading it back out of the message."""

    def __init__(self, error: deluge.DelugeError) -> None:
        self.line: int = error.line or 1
        self.column: int = error.column or 1
        self.detail = error.message
        super().__init__({"code": f"Line {self.line}, column {self.column}: {self.detail}"})


def script_source(function: Function) -> str:
    """The body with a one-line header prepended on the same line as the body's start.

    Header and opening brace share line 1 with the first line of code, so every body line
    keeps its number; the closing brace goes on a line of its own after the body.
    """
    params = ", ".join(f"{HEADER_TYPES[p['type']]} {p['name']}" for p in function.params)
    return f"void standalone.{function.name}({params}) {{ {function.code}\n}}"


def compile_function(function: Function) -> deluge.Script:
    """The compiled script (cached by source); raises DelugeSyntaxError with body positions."""
    source = script_source(function)
    try:
        return deluge.compile_script(source)
    except deluge.DelugeSyntaxError as error:
        raise body_position(function, error) from None


_LINE_ONE = re.compile(r"at line 1, column (\d+)")


def body_position(function: Function, error: deluge.DelugeError) -> deluge.DelugeError:
    header = len(script_source(function).split("\n", 1)[0]) - len(function.code.split("\n", 1)[0])
    if error.line == 1 and error.column is not None:
        error.column = max(1, error.column - header)

    def shift(match: re.Match) -> str:  # positions quoted in the message, e.g. an open "{"
        column = int(match.group(1)) - header
        return f"at line 1, column {column}" if column >= 1 else "at the start of the function"

    error.message = _LINE_ONE.sub(shift, error.message)
    error.args = (error.message,)
    lines = function.code.split("\n")
    if error.line is not None and 1 <= error.line <= len(lines):
        error.source_line = lines[error.line - 1]
    elif error.line is not None and error.line > len(lines):
        error.line = len(lines)
        error.column = len(lines[-1]) + 1
        error.source_line = lines[-1]
    return error


_VERSION = re.compile(r"v\d+", re.IGNORECASE)


def _task_suite(call: ast.MethodCall) -> str | None:
    """``crm`` for ``zoho.crm.<task>(...)`` (or ``zoho.crm.v8.<task>``), else None."""
    receiver = call.receiver
    if isinstance(receiver, ast.Member) and _VERSION.fullmatch(receiver.name):
        receiver = receiver.obj
    if not (isinstance(receiver, ast.Member) and isinstance(receiver.obj, ast.Name)):
        return None
    if receiver.obj.name.lower() != "zoho":
        return None
    suite = receiver.name.lower()
    return suite if suite in records.TASK_CONNECTION_ARGUMENT else None


def _is_string(node: ast.Node | None) -> bool:
    return isinstance(node, ast.Literal) and isinstance(node.value, str)


def task_connection(call: ast.MethodCall) -> str | None:
    """The link name a ``zoho.crm.*`` / ``zoho.bigin.*`` / ``zoho.books.*`` call names.

    The connection is always the task's last argument. It counts when it is a string
    literal and the call has more arguments than the task's leading ones
    (``records.TASK_CONNECTION_ARGUMENT``): ``zoho.bigin.getRecordById("Contacts", id, "bigin")``
    and ``zoho.crm.createRecord("Leads", m, {"trigger": []}, "crm")`` name one,
    ``zoho.crm.searchRecords("Leads", "(Email:equals:a@b.co)")`` does not. For a task not
    in the table it counts only after a map or list literal, the shape the console's record
    tasks take at run time (``workflows.records``).
    """
    suite = _task_suite(call)
    if suite is None or not call.args or not _is_string(call.args[-1]):
        return None
    before = call.args[-2] if len(call.args) >= 2 else None
    after_collection = isinstance(before, ast.MapLit | ast.ListLit)
    if not records.ends_with_connection(suite, call.name, len(call.args), after_collection):
        return None
    return call.args[-1].value


def referenced_connections(program: ast.Program) -> list[str]:
    """The link names the code names literally, once each, in the order they appear.

    ``invokeurl [ connection: "..." ]`` blocks, and the connection argument of
    ``zoho.crm.*``, ``zoho.bigin.*`` and ``zoho.books.*`` tasks (see ``task_connection``).
    Computed names (variables, expressions) are not counted.
    """
    found: list[str] = []

    def add(name: str) -> None:
        if name not in found:
            found.append(name)

    for node in ast.walk(program):
        if isinstance(node, ast.Task) and node.name == "invokeurl":
            for key, value in node.params:
                if key == "connection" and _is_string(value):
                    add(value.value)
        elif isinstance(node, ast.MethodCall):
            name = task_connection(node)
            if name is not None:
                add(name)
    return found


def function_connections(function: Function) -> list[str]:
    """The link names a function's code names now (its stored list if it does not parse).

    What pages and the publish check read, so that a function saved before a kind of
    reference was counted is still counted.
    """
    try:
        return referenced_connections(compile_function(function).program)
    except deluge.DelugeSyntaxError:
        return list(function.connections or [])


def missing_connections(function: Function, names: list[str]) -> list[str]:
    from connections.services.send import ConnectionUnusable, resolve

    missing = []
    for name in names:
        try:
            resolve(name, topping=function.topping)
        except ConnectionUnusable:
            missing.append(name)
    return missing


def check_function(function: Function) -> deluge.Script:
    """Compile and check connections; raises ValidationError for the form on failure."""
    names = [p["name"] for p in function.params]
    if len({n.lower() for n in names}) != len(names):
        raise ValidationError({"params": "Two parameters have the same name."})
    for param in function.params:
        if param["type"] not in PARAM_TYPES:
            raise ValidationError({"params": f"Unknown type “{param['type']}”."})
        # The name goes into the function header: anything else breaks it in ways the
        # syntax check would wrongly blame on the code.
        if not _IDENTIFIER.fullmatch(str(param["name"])):
            raise ValidationError(
                {"params": f"“{param['name']}” is not a valid parameter name: {identifier.message}"}
            )
    try:
        script = compile_function(function)
    except deluge.DelugeSyntaxError as error:
        raise FunctionSyntaxError(error) from None
    connections = referenced_connections(script.program)
    missing = missing_connections(function, connections)
    if missing:
        listed = ", ".join(f"“{name}”" for name in missing)
        raise ValidationError(
            {"code": f"There is no connection {listed} in this topping. Create it first."},
            code="connection",
        )
    function.connections = connections
    return script


@transaction.atomic
def save_function(function: Function, *, user) -> Function:
    from console.audit import log_action

    # The model's checks first: a bad name would otherwise break the compiled header and
    # come back as a syntax error in the code.
    function.full_clean(exclude=["connections"])
    check_function(function)
    created = function.pk is None
    if created:
        function.created_by = user
    function.save()
    verb = "created" if created else "updated"
    log_action(function, f"workflows.function.{verb}", user=user, data={"name": function.name})
    return function


def coerce_argument(param_type: str, value: Any) -> Any:
    """A value for a parameter from form text or JSON: maps and lists are parsed JSON."""
    if param_type in ("map", "list") and isinstance(value, str):
        text = value.strip()
        if not text:
            return {} if param_type == "map" else []
        try:
            parsed = json.loads(text)
        except ValueError:
            raise ValueError(f"is not valid JSON for a {param_type}") from None
        if param_type == "map" and not isinstance(parsed, dict):
            raise ValueError("must be a JSON object")
        if param_type == "list" and not isinstance(parsed, list):
            raise ValueError("must be a JSON list")
        return parsed
    if param_type == "int" and isinstance(value, str) and value.strip():
        try:
            return int(value.strip())
        except ValueError:
            raise ValueError("must be a whole number") from None
    if param_type == "decimal" and isinstance(value, str) and value.strip():
        try:
            number = float(value.strip())
        except ValueError:
            raise ValueError("must be a number") from None
        if not math.isfinite(number):  # NaN and infinities cannot be stored (jsonb)
            raise ValueError("must be a number")
        return number
    if param_type == "boolean" and isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes", "on")
    return value
