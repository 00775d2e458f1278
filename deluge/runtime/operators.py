"""Semantics of Deluge's operators (``+ - * / % == != < <= > >= && || !``).

The compiled code calls these helpers for every operator whose operand types are not known
when compiling. Decisions (see docs/deluge.md, "Operators"):

* Long (``int``) arithmetic stays Long and must fit ``Limits.max_int_bits`` (signed);
  a result outside raises DelugeLimitError("max_int_bits"), as Long is a Java long in Deluge.
* ``/`` of two Longs is Long division truncating toward zero when exact or not (Java ``/``);
  with a Decimal on either side the result is Decimal. Division by zero is a runtime error.
* ``%`` follows Java: the remainder has the sign of the dividend.
* ``+`` with a String on either side joins the text forms (null joins as ""), subject to
  ``Limits.max_string_length``.
* ``==``/``!=`` compare numbers by value (1 == 1.0), everything else by type and value;
  booleans never equal numbers. Ordering works on numbers, strings, dates and date-times.
* Conditions accept booleans; null counts as false. Anything else is a runtime error.
"""

from __future__ import annotations

import datetime as _dt
import math
from typing import TYPE_CHECKING

from ..errors import DelugeRuntimeError
from .values import DelugeValue, check_long, check_text, deluge_type_name, equals, to_text

if TYPE_CHECKING:
    from ..support import Context

__all__ = ["check_long", "check_text", "to_text"]

type_name = deluge_type_name


def _bad(op: str, a: object, b: object) -> DelugeRuntimeError:
    return DelugeRuntimeError(f"cannot apply '{op}' to {type_name(a)} and {type_name(b)}")


def add(ctx: Context, a: DelugeValue, b: DelugeValue) -> DelugeValue:
    ta, tb = type(a), type(b)
    if ta is int and tb is int:
        r = a + b
        if ctx.int_min <= r <= ctx.int_max:
            return r
        return check_long(ctx, r)
    if ta is str and tb is str:
        r = a + b
    elif ta is str or tb is str:
        r = to_text(a) + to_text(b)
    elif (ta is int or ta is float) and (tb is int or tb is float):
        return float(a + b)
    else:
        raise _bad("+", a, b)
    if len(r) > ctx.max_string:
        check_text(ctx, r)
    return r


def add_many(ctx: Context, *parts: DelugeValue) -> DelugeValue:
    """``a + b + c ...`` folded left, operands already evaluated. Once the running value
    or the next operand is a String, every later step joins text, so the rest is joined
    in one go; the length limit is checked as each piece is added, as a fold would."""
    acc = parts[0]
    i, n = 1, len(parts)
    while i < n and type(acc) is not str and type(parts[i]) is not str:
        acc = add(ctx, acc, parts[i])
        i += 1
    if i == n:
        return acc
    texts = [to_text(acc)]
    size, limit = len(texts[0]), ctx.max_string
    for part in parts[i:]:
        text = to_text(part)
        size += len(text)
        texts.append(text)
        if size > limit:
            check_text(ctx, "".join(texts))
    return "".join(texts)


def sub(ctx: Context, a: DelugeValue, b: DelugeValue) -> DelugeValue:
    ta, tb = type(a), type(b)
    if ta is int and tb is int:
        return check_long(ctx, a - b)
    if (ta is int or ta is float) and (tb is int or tb is float):
        return float(a - b)
    raise _bad("-", a, b)


def mul(ctx: Context, a: DelugeValue, b: DelugeValue) -> DelugeValue:
    ta, tb = type(a), type(b)
    if ta is int and tb is int:
        return check_long(ctx, a * b)
    if (ta is int or ta is float) and (tb is int or tb is float):
        return float(a * b)
    raise _bad("*", a, b)


def div(ctx: Context, a: DelugeValue, b: DelugeValue) -> DelugeValue:
    ta, tb = type(a), type(b)
    if not ((ta is int or ta is float) and (tb is int or tb is float)):
        raise _bad("/", a, b)
    if b == 0:
        raise DelugeRuntimeError("division by zero")
    if ta is int and tb is int:
        q = abs(a) // abs(b)
        return check_long(ctx, q if (a >= 0) == (b > 0) else -q)
    return a / b


def mod(ctx: Context, a: DelugeValue, b: DelugeValue) -> DelugeValue:
    ta, tb = type(a), type(b)
    if not ((ta is int or ta is float) and (tb is int or tb is float)):
        raise _bad("%", a, b)
    if b == 0:
        raise DelugeRuntimeError("division by zero")
    if ta is int and tb is int:
        r = abs(a) % abs(b)
        return r if a >= 0 else -r
    return math.fmod(a, b)


def neg(ctx: Context, a: DelugeValue) -> DelugeValue:
    t = type(a)
    if t is int:
        return check_long(ctx, -a)
    if t is float:
        return -a
    raise DelugeRuntimeError(f"cannot negate {type_name(a)}")


_SIMPLE = (str, int, float)


def eq(a: DelugeValue, b: DelugeValue) -> bool:
    t = type(a)
    if t is type(b) and t in _SIMPLE:
        return a == b  # type: ignore[no-any-return]
    return equals(a, b)


def ne(a: DelugeValue, b: DelugeValue) -> bool:
    return not eq(a, b)


def _as_dt(v: DelugeValue) -> DelugeValue:
    if type(v) is _dt.date:
        return _dt.datetime(v.year, v.month, v.day)
    return v


def _order(op: str, a: DelugeValue, b: DelugeValue) -> tuple[DelugeValue, DelugeValue]:
    ta, tb = type(a), type(b)
    if (ta is int or ta is float) and (tb is int or tb is float):
        return a, b
    if ta is str and tb is str:
        return a, b
    if ta in (_dt.date, _dt.datetime) and tb in (_dt.date, _dt.datetime):
        if ta is tb:
            return a, b
        return _as_dt(a), _as_dt(b)
    raise _bad(op, a, b)


def lt(a: DelugeValue, b: DelugeValue) -> bool:
    a, b = _order("<", a, b)
    return a < b  # type: ignore[no-any-return]


def le(a: DelugeValue, b: DelugeValue) -> bool:
    a, b = _order("<=", a, b)
    return a <= b  # type: ignore[no-any-return]


def gt(a: DelugeValue, b: DelugeValue) -> bool:
    a, b = _order(">", a, b)
    return a > b  # type: ignore[no-any-return]


def ge(a: DelugeValue, b: DelugeValue) -> bool:
    a, b = _order(">=", a, b)
    return a >= b  # type: ignore[no-any-return]


def truth(v: DelugeValue) -> bool:
    if v is True or v is False:
        return v
    if v is None:
        return False
    raise DelugeRuntimeError(f"expected a Boolean condition but got {type_name(v)}")
