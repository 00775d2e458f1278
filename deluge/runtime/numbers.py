"""Number functions (https://www.zoho.com/deluge/help/functions/number/*).

Arithmetic that must match the documented digits (round, truncate, frac) runs on
``decimal.Decimal`` built from the shortest repr of the float, so ``24.6.frac()`` is ``0.6``
and ``218.5.round(0)`` is ``219`` (half away from zero, as the reference shows).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TYPE_CHECKING

from deluge.errors import DelugeRuntimeError
from deluge.runtime import args
from deluge.runtime.registry import Impl, method
from deluge.runtime.values import DelugeValue, check_long, check_text

if TYPE_CHECKING:
    from deluge.support import Context

N = ("long", "decimal")
G = "number"


def exact(value: int | float) -> Decimal:
    return Decimal(value) if type(value) is int else Decimal(repr(value))


def _finite(name: str, value: float) -> float:
    if math.isnan(value) or math.isinf(value):
        raise DelugeRuntimeError(f"'{name}' result is not a finite number")
    return value


def _quantize(
    ctx: Context, name: str, value: DelugeValue, places_arg: DelugeValue, mode: str
) -> int | float:
    places = args.long(name, 1, places_arg)
    if type(value) is float and (math.isnan(value) or math.isinf(value)):
        raise DelugeRuntimeError(f"Cannot {name} a value that is not a finite number")
    if places > 300 or places < -300:
        raise DelugeRuntimeError(f"Argument 1 of '{name}' is out of range")
    amount = exact(value)
    quantum = Decimal(1).scaleb(-places)
    try:
        result = amount.quantize(quantum, rounding=mode) if places >= 0 else None
        if result is None:
            result = (amount / quantum).quantize(Decimal(1), rounding=mode) * quantum
    except InvalidOperation as exc:
        raise DelugeRuntimeError(f"Cannot {name} {value} to {places} places") from exc
    if places <= 0 or type(value) is int:
        return check_long(ctx, int(result))
    return float(result)


@method("round", *N, min_args=1, group=G)
def round_(ctx: Context, x: DelugeValue, places: DelugeValue) -> DelugeValue:
    return _quantize(ctx, "round", x, places, ROUND_HALF_UP)


@method("truncate", *N, min_args=1, group=G)
def truncate(ctx: Context, x: DelugeValue, places: DelugeValue) -> DelugeValue:
    return _quantize(ctx, "truncate", x, places, ROUND_DOWN)


@method("abs", *N, group=G)
def abs_(ctx: Context, x: DelugeValue) -> DelugeValue:
    return check_long(ctx, abs(x)) if type(x) is int else abs(x)


def _whole(ctx: Context, name: str, x: DelugeValue, fn: Callable[[float], int]) -> int:
    if type(x) is int:
        return x
    _finite(name, x)
    return check_long(ctx, fn(x))


@method("ceil", *N, group=G)
def ceil(ctx: Context, x: DelugeValue) -> DelugeValue:
    return _whole(ctx, "ceil", x, math.ceil)


@method("floor", *N, group=G)
def floor(ctx: Context, x: DelugeValue) -> DelugeValue:
    return _whole(ctx, "floor", x, math.floor)


@method("sqrt", *N, group=G)
def sqrt(ctx: Context, x: DelugeValue) -> DelugeValue:
    if x < 0:
        raise DelugeRuntimeError("Cannot take the square root of a negative number")
    return math.sqrt(x)


@method("power", *N, min_args=1, group=G)
def power(ctx: Context, x: DelugeValue, exponent: DelugeValue) -> DelugeValue:
    e = args.number("power", 1, exponent)
    if type(x) is int and type(e) is int and e >= 0:
        if abs(x) > 1 and (abs(x).bit_length() - 1) * e > ctx.limits.max_int_bits:
            check_long(ctx, 1 << (ctx.limits.max_int_bits + 1))
        return check_long(ctx, x**e)
    try:
        return _finite("power", math.pow(x, e))
    except (OverflowError, ValueError) as exc:
        raise DelugeRuntimeError(f"Cannot raise {x} to the power {e}") from exc


@method("exp", *N, group=G)
def exp(ctx: Context, x: DelugeValue) -> DelugeValue:
    try:
        return math.exp(x)
    except OverflowError as exc:
        raise DelugeRuntimeError("'exp' result is too large") from exc


@method("log", *N, group=G)
def log(ctx: Context, x: DelugeValue) -> DelugeValue:
    if x <= 0:
        raise DelugeRuntimeError("Cannot take the logarithm of a number that is not positive")
    return math.log(x)


def _trig(
    name: str, fn: Callable[[float], float], domain: Callable[[float], bool] | None = None
) -> Impl:
    @method(name, *N, group=G)
    def impl(ctx: Context, x: DelugeValue) -> DelugeValue:
        if domain is not None and not domain(x):
            raise DelugeRuntimeError(f"Argument of '{name}' is out of its domain")
        try:
            return _finite(name, fn(x))
        except (OverflowError, ValueError) as exc:
            raise DelugeRuntimeError(f"'{name}' of {x} is not a finite number") from exc

    return impl


sin = _trig("sin", math.sin)
cos = _trig("cos", math.cos)
tan = _trig("tan", math.tan)
asin = _trig("asin", math.asin, lambda x: -1 <= x <= 1)
acos = _trig("acos", math.acos, lambda x: -1 <= x <= 1)
atan = _trig("atan", math.atan)
sinh = _trig("sinh", math.sinh)
cosh = _trig("cosh", math.cosh)
tanh = _trig("tanh", math.tanh)


@method("signum", *N, group=G)
def signum(ctx: Context, x: DelugeValue) -> DelugeValue:
    return 1.0 if x > 0 else -1.0 if x < 0 else 0.0


@method("frac", *N, group=G)
def frac(ctx: Context, x: DelugeValue) -> DelugeValue:
    if type(x) is int:
        return 0.0
    _finite("frac", x)
    amount = exact(x)
    return float(amount - amount.to_integral_value(rounding=ROUND_DOWN))


@method("min", *N, min_args=1, group=G)
def min_(ctx: Context, x: DelugeValue, other: DelugeValue) -> DelugeValue:
    y = args.number("min", 1, other)
    return y if y < x else x


@method("max", *N, min_args=1, group=G)
def max_(ctx: Context, x: DelugeValue, other: DelugeValue) -> DelugeValue:
    y = args.number("max", 1, other)
    return y if y > x else x


@method("isEven", *N, group=G)
def is_even(ctx: Context, x: DelugeValue) -> DelugeValue:
    return args.long("isEven", 0, x) % 2 == 0


@method("isOdd", *N, group=G)
def is_odd(ctx: Context, x: DelugeValue) -> DelugeValue:
    return args.long("isOdd", 0, x) % 2 == 1


@method("toHex", "long", group=G)
def to_hex(ctx: Context, x: DelugeValue) -> DelugeValue:
    # Java's Long.toHexString: negative numbers in 64-bit two's complement.
    return format(x & 0xFFFFFFFFFFFFFFFF if x < 0 else x, "x")


# --- java.text.DecimalFormat subset, for number.text("$#,##0.00") --------------------------


def format_number(ctx: Context, value: int | float, pattern: str) -> str:
    """Format like Java's DecimalFormat: ``0`` digit, ``#`` optional digit, ``,`` grouping,
    ``.`` decimal point, ``%`` percent; other characters are copied (quote with ')."""
    positive = pattern.split(";", 1)[0]
    start = next((i for i, ch in enumerate(positive) if ch in "#0,."), None)
    if start is None:
        raise DelugeRuntimeError(f"Invalid number format '{pattern}'")
    end = start
    while end < len(positive) and positive[end] in "#0,.":
        end += 1
    prefix, body, suffix = positive[:start], positive[start:end], positive[end:]
    prefix, suffix = prefix.replace("'", ""), suffix.replace("'", "")
    int_part, _, frac_part = body.partition(".")
    min_int = int_part.count("0")
    group = len(int_part) - int_part.rfind(",") - 1 if "," in int_part else 0
    min_frac = frac_part.count("0")
    max_frac = min_frac + frac_part.count("#")
    if max_frac > 340:
        raise DelugeRuntimeError(f"Invalid number format '{pattern}'")
    amount = exact(value)
    if "%" in prefix + suffix:
        amount *= 100
    elif "\u2030" in prefix + suffix:
        amount *= 1000
    amount = amount.quantize(Decimal(1).scaleb(-max_frac), rounding=ROUND_HALF_EVEN)
    negative = amount < 0
    digits = format(abs(amount), "f")
    whole, _, fraction = digits.partition(".")
    fraction = fraction.rstrip("0").ljust(min_frac, "0")
    whole = whole.lstrip("0").rjust(min_int, "0")
    if group > 0:
        chunks: list[str] = []
        while len(whole) > group:
            chunks.insert(0, whole[-group:])
            whole = whole[:-group]
        whole = ",".join([whole, *chunks]) if whole else ",".join(chunks)
    text = whole + ("." + fraction if fraction else "")
    if not text:
        text = "0"
    return check_text(ctx, ("-" if negative else "") + prefix + text + suffix)


@method("text", *N, min_args=1, group=G)
def text(ctx: Context, x: DelugeValue, pattern: DelugeValue) -> DelugeValue:
    return format_number(ctx, x, args.text("text", 1, pattern))
