"""Common functions (https://www.zoho.com/deluge/help/functions/common/*): isNull, isEmpty,
ifNull, equals, isNumber, isDecimal, isText, isDate, randomNumber; and the function form of
every method (``len(text)``, ``floor(x)``, ``isEven(n)``...), which Deluge documents next to
the method form."""

from __future__ import annotations

import datetime as dt
import random
import re
from typing import TYPE_CHECKING

from deluge.errors import DelugeRuntimeError
from deluge.runtime import args
from deluge.runtime.registry import ANY, FUNCTIONS, METHODS, Builtin, Impl, function, method
from deluge.runtime.values import (
    DelugeValue,
    deluge_type_name,
    equals,
    is_empty,
    parse_datetime_literal,
    type_key,
)

if TYPE_CHECKING:
    from deluge.support import Context

G = "common"
_LONG_TEXT = re.compile(r"\s*[+-]?\d+\s*")
_DECIMAL_TEXT = re.compile(r"\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*")


@method("isNull", ANY, group=G)
def is_null(ctx: Context, v: DelugeValue) -> DelugeValue:
    # Documented: null and "" are null, " " is not.
    return v is None or v == ""


@method("isEmpty", ANY, group=G)
def is_empty_(ctx: Context, v: DelugeValue) -> DelugeValue:
    return is_empty(v)


@method("equals", ANY, min_args=1, group=G)
def equals_(ctx: Context, v: DelugeValue, other: DelugeValue) -> DelugeValue:
    return equals(v, other)


@method("isNumber", ANY, group=G)
def is_number(ctx: Context, v: DelugeValue) -> DelugeValue:
    if type(v) is int:
        return True
    return type(v) is str and _LONG_TEXT.fullmatch(v) is not None


@method("isDecimal", ANY, group=G)
def is_decimal(ctx: Context, v: DelugeValue) -> DelugeValue:
    if type(v) in (int, float):
        return True
    return type(v) is str and _DECIMAL_TEXT.fullmatch(v) is not None


@method("isText", ANY, group=G)
def is_text(ctx: Context, v: DelugeValue) -> DelugeValue:
    return type(v) is str


@method("isDate", ANY, group=G)
def is_date(ctx: Context, v: DelugeValue) -> DelugeValue:
    if type(v) in (dt.date, dt.datetime):
        return True
    if type(v) is not str:
        return False
    try:
        parse_datetime_literal(v)
    except DelugeRuntimeError:
        return False
    return True


@function("ifNull", min_args=2, group=G)
def if_null(ctx: Context, value: DelugeValue, fallback: DelugeValue) -> DelugeValue:
    return fallback if value is None else value


@function("randomNumber", min_args=2, group=G)
def random_number(ctx: Context, low: DelugeValue, high: DelugeValue) -> DelugeValue:
    """A number from ``low`` (inclusive) to ``high`` (exclusive); Decimal if either is one."""
    a = args.number("randomNumber", 1, low)
    b = args.number("randomNumber", 2, high)
    if b <= a:
        raise DelugeRuntimeError("The end limit of 'randomNumber' must be above the start limit")
    if type(a) is int and type(b) is int:
        return random.randrange(a, b)
    return random.uniform(a, b)


def _dispatcher(name: str, table: dict[str, Builtin]) -> Impl:
    def call(ctx: Context, receiver: DelugeValue, *rest: DelugeValue) -> DelugeValue:
        entry = table.get(type_key(receiver)) or table.get(ANY)
        if entry is None:
            raise DelugeRuntimeError(
                f"'{name}' cannot be used on a value of type {deluge_type_name(receiver)}"
            )
        count = len(rest)
        if count < entry.min_args or (entry.max_args is not None and count > entry.max_args):
            raise DelugeRuntimeError(f"Wrong number of arguments for '{name}'")
        return entry.impl(ctx, receiver, *rest)

    return call


def register_function_forms() -> None:
    """Give every method without a function of the same name its function form, where the
    receiver is the first argument (``len(text)`` is ``text.len()``)."""
    for key, table in METHODS.items():
        if key in FUNCTIONS:
            continue
        entries = list(table.values())
        name = entries[0].name
        low = min(e.min_args for e in entries) + 1
        tops = [e.max_args for e in entries]
        high = None if None in tops else max(t for t in tops if t is not None) + 1
        function(name, min_args=low, max_args=high, group=entries[0].group)(
            _dispatcher(name, table)
        )
