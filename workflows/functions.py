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


def referenced_connections(program: ast.Program) -> list[str]:
    """The link names that ``invokeurl [ connection: "..." ]`` blocks name literally."""
    found: list[str] = []
    for node in ast.walk(program):
        if isinstance(node, ast.Task) and node.name == "invokeurl":
            for key, value in node.params:
                literal = isinstance(value, ast.Literal) and isinstance(value.value, str)
                if key == "connection" and literal and value.value not in found:
                    found.append(value.value)
    return found


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
