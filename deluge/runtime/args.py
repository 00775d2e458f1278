"""Argument checks shared by the built-ins, so every one reports bad input the same way."""

from __future__ import annotations

import datetime as _dt

from deluge.errors import DelugeRuntimeError
from deluge.runtime.values import (
    Collection,
    DelugeList,
    DelugeMap,
    deluge_type_name,
    parse_datetime_literal,
)


def fail(name: str, position: int, expected: str, value: object) -> DelugeRuntimeError:
    return DelugeRuntimeError(
        f"Argument {position} of '{name}' must be {expected}, found {deluge_type_name(value)}"
    )


def text(name: str, position: int, value: object) -> str:
    if type(value) is not str:
        raise fail(name, position, "TEXT", value)
    return value


def text_like(value: object) -> str:
    """Numbers and other scalars are accepted where Deluge converts them to text."""
    from deluge.runtime.values import to_text

    return value if type(value) is str else to_text(value)


def long(name: str, position: int, value: object) -> int:
    """A whole number: Long, or a Decimal without a fractional part (``2.0``)."""
    if type(value) is int:
        return value
    if type(value) is float and value.is_integer():
        return int(value)
    raise fail(name, position, "NUMBER", value)


def number(name: str, position: int, value: object) -> int | float:
    if type(value) is int or type(value) is float:
        return value
    raise fail(name, position, "NUMBER or DECIMAL", value)


def boolean(name: str, position: int, value: object) -> bool:
    if type(value) is bool:
        return value
    if type(value) is str and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise fail(name, position, "BOOLEAN", value)


def list_arg(name: str, position: int, value: object) -> DelugeList:
    if type(value) is list:
        return value
    if type(value) is Collection and not value.is_map:
        return value.items  # type: ignore[return-value]
    raise fail(name, position, "LIST", value)


def map_arg(name: str, position: int, value: object) -> DelugeMap:
    if type(value) is dict:
        return value
    if type(value) is Collection and value.is_map:
        return value.items  # type: ignore[return-value]
    raise fail(name, position, "MAP", value)


def when(name: str, position: int, value: object) -> _dt.date | _dt.datetime:
    """A Date or DateTime; text is parsed as a date literal, as Deluge converts it."""
    if type(value) is _dt.date or type(value) is _dt.datetime:
        return value
    if type(value) is str:
        return parse_datetime_literal(value)
    raise fail(name, position, "DATE or DATE-TIME", value)


def as_datetime(value: _dt.date) -> _dt.datetime:
    if type(value) is _dt.datetime:
        return value
    return _dt.datetime(value.year, value.month, value.day)
