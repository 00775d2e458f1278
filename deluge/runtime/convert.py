"""Conversion functions (https://www.zoho.com/deluge/help/functions/common/*):
toString, toLong/toNumber, toDecimal, toDate, toDateTime, toTime, text."""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import TYPE_CHECKING

from deluge.errors import DelugeRuntimeError
from deluge.runtime import args
from deluge.runtime.datefmt import format_date, parse_date, shift_zone, zone
from deluge.runtime.dates import epoch_millis, run_zone
from deluge.runtime.numbers import format_number
from deluge.runtime.registry import ANY, method
from deluge.runtime.values import (
    DelugeValue,
    check_long,
    deluge_type_name,
    parse_datetime_literal,
    to_text,
)

if TYPE_CHECKING:
    from deluge.support import Context

G = "conversion"
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


@method("toString", ANY, min_args=0, max_args=2, group=G)
@method("toText", ANY, min_args=0, max_args=2, group=G)
def to_string(
    ctx: Context, v: DelugeValue, fmt: DelugeValue = None, tz: DelugeValue = None
) -> DelugeValue:
    if fmt is not None and type(v) in (dt.date, dt.datetime):
        pattern = args.text("toString", 1, fmt)
        if tz is not None and type(v) is dt.datetime:
            target = zone(args.text("toString", 2, tz))
            v = shift_zone(v, run_zone(ctx), target)
            return format_date(v, pattern, target)
        return format_date(v, pattern, run_zone(ctx))
    if fmt is not None and type(v) in (int, float):
        return format_number(ctx, v, args.text("toString", 1, fmt))
    return to_text(v)


def _parse_number(name: str, text: str) -> int | float:
    raw = text.strip().replace(",", "")
    if not _NUMBER.fullmatch(raw):
        raise DelugeRuntimeError(f"Cannot convert '{text}' to a number in '{name}'")
    if re.fullmatch(r"[+-]?\d+", raw):
        return int(raw)
    return float(raw)


@method("toLong", ANY, group=G)
@method("toNumber", ANY, group=G)
@method("toInt", ANY, group=G)
def to_long(ctx: Context, v: DelugeValue) -> DelugeValue:
    t = type(v)
    if t is int:
        return v
    if t is float:
        if math.isnan(v) or math.isinf(v):
            raise DelugeRuntimeError("Cannot convert a value that is not finite to a number")
        return check_long(ctx, int(v))
    if t is str:
        return check_long(ctx, int(_parse_number("toLong", v)))
    if t is bool:
        return 1 if v else 0
    if t in (dt.date, dt.datetime):
        return epoch_millis(args.as_datetime(v), run_zone(ctx))
    raise DelugeRuntimeError(f"Cannot convert {deluge_type_name(v)} to a number")


@method("toDecimal", ANY, group=G)
def to_decimal(ctx: Context, v: DelugeValue) -> DelugeValue:
    t = type(v)
    if t is float:
        return v
    if t is int:
        return float(v)
    if t is str:
        return float(_parse_number("toDecimal", v))
    raise DelugeRuntimeError(f"Cannot convert {deluge_type_name(v)} to a decimal")


def _to_moment(
    ctx: Context, name: str, v: DelugeValue, fmt: DelugeValue, tz: DelugeValue
) -> tuple[dt.date | dt.datetime, bool]:
    """(value, has_time) for toDate/toDateTime/toTime."""
    t = type(v)
    if t is dt.datetime:
        return v, True
    if t is dt.date:
        return v, False
    if t is int:
        # A Long is epoch milliseconds, as Deluge stores dates.
        try:
            moment = dt.datetime.fromtimestamp(v / 1000, run_zone(ctx)).replace(tzinfo=None)
        except (OverflowError, OSError, ValueError) as exc:
            raise DelugeRuntimeError(f"Invalid epoch value {v} in '{name}'") from exc
        return moment, True
    if t is not str:
        raise DelugeRuntimeError(f"Cannot convert {deluge_type_name(v)} to a date")
    if fmt is None:
        value = parse_datetime_literal(v, run_zone(ctx))
        return value, type(value) is dt.datetime
    pattern = args.text(name, 1, fmt)
    source = zone(args.text(name, 2, tz)) if tz is not None else None
    moment, has_time = parse_date(v, pattern, run_zone(ctx), ctx=ctx, name=name)
    if source is not None:
        moment = shift_zone(moment, source, run_zone(ctx))
    return moment, has_time


@method("toDate", ANY, min_args=0, max_args=2, group=G)
def to_date(
    ctx: Context, v: DelugeValue, fmt: DelugeValue = None, tz: DelugeValue = None
) -> DelugeValue:
    value, _ = _to_moment(ctx, "toDate", v, fmt, tz)
    return value.date() if type(value) is dt.datetime else value


@method("toDateTime", ANY, min_args=0, max_args=2, group=G)
@method("toTime", ANY, min_args=0, max_args=2, group=G)
def to_datetime(
    ctx: Context, v: DelugeValue, fmt: DelugeValue = None, tz: DelugeValue = None
) -> DelugeValue:
    value, _ = _to_moment(ctx, "toDateTime", v, fmt, tz)
    return args.as_datetime(value)


@method("text", "date", "datetime", "string", min_args=1, group=G)
def text(ctx: Context, v: DelugeValue, fmt: DelugeValue) -> DelugeValue:
    pattern = args.text("text", 1, fmt)
    if type(v) is str:
        raw = v.strip().replace(",", "")
        if _NUMBER.fullmatch(raw):
            return format_number(ctx, _parse_number("text", raw), pattern)
        v = args.when("text", 0, v)
    return format_date(v, pattern, run_zone(ctx))
