"""Runtime values.

Deluge values are plain Python objects, so that compiled scripts run at Python speed:

=============  ==========================================
Deluge         Python
=============  ==========================================
String         ``str``
Long (Number)  ``int`` (range-checked against Limits.max_int_bits)
Decimal        ``float``
Boolean        ``bool``
Date           ``datetime.date``
DateTime       ``datetime.datetime`` (naive, in the run's time zone)
Map            ``dict`` (insertion-ordered, keys as given)
List           ``list``
Collection     ``Collection`` (below)
null           ``None``
=============  ==========================================
"""

from __future__ import annotations

import datetime as _dt
from typing import Any, TypeAlias

# A value a script computes: one of the types above, told apart by ``type(v) is ...`` at run
# time, so it stays dynamic for the type checker.
DelugeValue: TypeAlias = Any
DelugeList: TypeAlias = list[DelugeValue]
DelugeMap: TypeAlias = dict[DelugeValue, DelugeValue]


class Collection:
    """Deluge ``Collection()``: list-like or map-like, decided by its first insert."""

    __slots__ = ("items",)

    def __init__(self, items: DelugeList | DelugeMap | None = None) -> None:
        self.items: DelugeList | DelugeMap = items if items is not None else []

    @property
    def is_map(self) -> bool:
        return isinstance(self.items, dict)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Collection) and self.items == other.items

    def __repr__(self) -> str:
        return f"Collection({self.items!r})"


_TYPE_KEYS: dict[type, str] = {
    str: "string",
    int: "long",
    float: "decimal",
    bool: "boolean",
    _dt.date: "date",
    _dt.datetime: "datetime",
    dict: "map",
    list: "list",
    Collection: "collection",
    type(None): "null",
}


def type_key(value: object) -> str:
    """The registry key of a value's Deluge type (exact type: ``bool`` is not ``long``)."""
    try:
        return _TYPE_KEYS[type(value)]
    except KeyError:
        return "unknown"


# --- conversions shared by the compiled code, the operators and the built-ins ------------

import json as _json  # noqa: E402
import math as _math  # noqa: E402
import re as _re  # noqa: E402
from decimal import Decimal as _Decimal  # noqa: E402

from deluge.errors import DelugeLimitError, DelugeRuntimeError  # noqa: E402

MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
DAY_ABBR = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

_TYPE_NAMES = {
    "string": "TEXT",
    "long": "NUMBER",
    "decimal": "DECIMAL",
    "boolean": "BOOLEAN",
    "date": "DATE",
    "datetime": "DATE-TIME",
    "map": "MAP",
    "list": "LIST",
    "collection": "COLLECTION",
    "null": "NULL",
}


def deluge_type_name(value: object) -> str:
    """The Deluge name of a value's type, as error messages show it (``TEXT``, ``NUMBER``...)."""
    return _TYPE_NAMES.get(type_key(value), type(value).__name__.upper())


def is_number(value: object) -> bool:
    """Long or Decimal (never Boolean, although ``bool`` subclasses ``int``)."""
    return type(value) is int or type(value) is float


def format_date(value: _dt.date) -> str:
    """Default Date rendering of the suites: ``dd-MMM-yyyy`` (``01-Jan-2024``)."""
    return f"{value.day:02d}-{MONTH_ABBR[value.month - 1]}-{value.year:04d}"


def format_datetime(value: _dt.datetime) -> str:
    """Default DateTime rendering: ``dd-MMM-yyyy HH:mm:ss`` (``01-Jan-2024 13:05:00``)."""
    return f"{format_date(value)} {value.hour:02d}:{value.minute:02d}:{value.second:02d}"


def format_decimal(value: float) -> str:
    """Decimal rendering: shortest round-trip digits, never exponent notation, at least one
    fractional digit (``2.5``, ``3.0``, ``100000000000000000000.0``)."""
    if _math.isnan(value):
        return "NaN"
    if _math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    text = repr(value)
    if "e" in text or "E" in text:
        text = format(_Decimal(text), "f")
    if "." not in text:
        text += ".0"
    return text


def to_text(value: object) -> str:
    """Deluge's string conversion, used by ``+`` with a String, ``info`` and ``toString()``.

    null becomes "" (``"a" + null`` is ``"a"``); a List renders its elements joined by
    commas (``{1,"a"}`` -> ``1,a``), as the suites print lists; a Map renders as compact JSON.
    """
    t = type(value)
    if t is str:
        return value  # type: ignore[return-value]
    if value is None:
        return ""
    if t is bool:
        return "true" if value else "false"
    if t is int:
        return str(value)
    if t is float:
        return format_decimal(value)  # type: ignore[arg-type]
    if t is _dt.datetime:
        return format_datetime(value)  # type: ignore[arg-type]
    if t is _dt.date:
        return format_date(value)  # type: ignore[arg-type]
    if t is list:
        return ",".join(_element_text(v) for v in value)  # type: ignore[attr-defined]
    if t is Collection and not value.is_map:  # type: ignore[attr-defined]
        return ",".join(_element_text(v) for v in value.items)  # type: ignore[attr-defined]
    return to_json(value)


def _element_text(value: object) -> str:
    # Inside a printed list, nested maps and lists keep their JSON shape.
    if isinstance(value, (dict, list, Collection)):
        return to_json(value)
    return to_text(value)


def _write_json(value: object, out: list[str], depth: int) -> None:
    if depth > 200:
        raise DelugeRuntimeError("Value is nested too deeply to convert to JSON")
    t = type(value)
    if value is None:
        out.append("null")
    elif t is str:
        out.append(_encode_text(value))  # type: ignore[arg-type]
    elif t is bool:
        out.append("true" if value else "false")
    elif t is int:
        out.append(str(value))
    elif t is float:
        text = format_decimal(value)  # type: ignore[arg-type]
        finite = not (_math.isnan(value) or _math.isinf(value))  # type: ignore[arg-type]
        out.append(text if finite else f'"{text}"')
    elif t is dict or (t is Collection and value.is_map):  # type: ignore[attr-defined]
        items = value if t is dict else value.items  # type: ignore[attr-defined]
        out.append("{")
        for i, (k, v) in enumerate(items.items()):  # type: ignore[union-attr]
            if i:
                out.append(",")
            out.append(_encode_text(to_text(k)))
            out.append(":")
            _write_json(v, out, depth + 1)
        out.append("}")
    elif t is list or t is Collection:
        items = value if t is list else value.items  # type: ignore[attr-defined]
        out.append("[")
        for i, v in enumerate(items):  # type: ignore[arg-type]
            if i:
                out.append(",")
            _write_json(v, out, depth + 1)
        out.append("]")
    else:
        out.append(_encode_text(to_text(value)))


def to_json(value: object) -> str:
    """Compact JSON (``{"a":1,"b":[1,2]}``); dates become strings in the default format,
    Decimals keep Deluge's digits (``2.0``). A value nested deeper than 200 levels (or one
    that contains itself) raises ``DelugeRuntimeError``."""
    if type(value) is dict and all(type(k) is str for k in value):
        flat = _FLAT
        if all(type(v) in flat for v in value.values()):
            return _ENCODE_FLAT(value)
    out: list[str] = []
    _write_json(value, out, 0)
    return "".join(out)


def _json_constant(name: str) -> object:
    raise ValueError(f"invalid JSON constant {name}")


# Built once: ``json.loads`` with keyword arguments builds a new decoder on every call.
# Objects become dicts in document order (a repeated key keeps its last value).
_DECODER = _json.JSONDecoder(parse_constant=_json_constant)
# Compact JSON of a flat Map of Strings, Longs, Booleans and nulls: exactly what
# ``_write_json`` writes for it, from the C encoder.
_ENCODE_FLAT = _json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_encode_text = _json.encoder.encode_basestring  # dumps(s, ensure_ascii=False) for a str
_FLAT = frozenset({str, int, bool, type(None)})


def from_json(text: str) -> object:
    """Parse JSON text: objects -> dict (order kept), arrays -> list, ints -> int,
    other numbers -> float. Raises ``DelugeRuntimeError`` on invalid JSON."""
    if not isinstance(text, str):
        raise DelugeRuntimeError(f"Cannot parse {deluge_type_name(text)} as JSON")
    try:
        return _DECODER.decode(text)
    except (ValueError, RecursionError) as exc:
        raise DelugeRuntimeError("Invalid JSON text") from exc


def equals(a: object, b: object) -> bool:
    """Deluge ``==``: numbers compare by value across Long and Decimal, strings are
    case-sensitive, Boolean never equals a number, a Date equals a DateTime at its midnight,
    lists and maps compare element by element."""
    ta, tb = type(a), type(b)
    if a is None or b is None:
        return a is None and b is None
    if ta in (int, float) and tb in (int, float):
        return a == b
    if ta is bool or tb is bool:
        return ta is tb and a == b
    if ta in (_dt.date, _dt.datetime) and tb in (_dt.date, _dt.datetime):
        return _as_datetime(a) == _as_datetime(b)  # type: ignore[arg-type]
    if ta is Collection:
        return equals(a.items, b.items if tb is Collection else b)  # type: ignore[attr-defined]
    if tb is Collection:
        return equals(a, b.items)  # type: ignore[attr-defined]
    if ta is list and tb is list:
        return len(a) == len(b) and all(  # type: ignore[arg-type]
            equals(x, y)
            for x, y in zip(a, b, strict=True)  # type: ignore[call-overload]
        )
    if ta is dict and tb is dict:
        return a.keys() == b.keys() and all(  # type: ignore[attr-defined]
            equals(v, b[k])  # type: ignore[index]
            for k, v in a.items()  # type: ignore[attr-defined]
        )
    return ta is tb and a == b


def _as_datetime(value: _dt.date) -> _dt.datetime:
    if type(value) is _dt.datetime:
        return value
    return _dt.datetime(value.year, value.month, value.day)


def is_empty(value: object) -> bool:
    """null, "", an empty List/Map/Collection are empty; numbers, booleans and dates never are."""
    if value is None:
        return True
    t = type(value)
    if t in (str, list, dict):
        return len(value) == 0  # type: ignore[arg-type]
    if t is Collection:
        return len(value.items) == 0  # type: ignore[attr-defined]
    return False


# --- limits --------------------------------------------------------------------------------


def check_text(ctx: object, text: str) -> str:
    """Return ``text`` or raise if it is longer than ``ctx.limits.max_string_length``."""
    limit = ctx.limits.max_string_length  # type: ignore[attr-defined]
    if len(text) > limit:
        raise DelugeLimitError(
            "max_string_length", f"String length exceeds the limit of {limit} characters"
        )
    return text


def check_size(ctx: object, size: int) -> None:
    """Raise if a List/Map/Collection would hold more than ``max_collection_size`` items."""
    limit = ctx.limits.max_collection_size  # type: ignore[attr-defined]
    if size > limit:
        raise DelugeLimitError(
            "max_collection_size", f"Collection size exceeds the limit of {limit} elements"
        )


def check_long(ctx: object, value: int) -> int:
    """Return ``value`` or raise if it does not fit a signed ``max_int_bits`` integer."""
    bits = ctx.limits.max_int_bits  # type: ignore[attr-defined]
    if not -(1 << (bits - 1)) <= value < (1 << (bits - 1)):
        raise DelugeLimitError("max_int_bits", f"Number {value} is out of the {bits}-bit range")
    return value


# --- date literals -------------------------------------------------------------------------

_MONTHS_LOWER = {m.lower(): i for i, m in enumerate(MONTH_ABBR, 1)}
_MONTHS_LOWER.update({m.lower(): i for i, m in enumerate(MONTH_NAMES, 1)})
_TIME = r"(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*([AaPp][Mm])?)?"
_ZONE = r"\s*(Z|[+-]\d{2}:?\d{2})?"
_LITERAL_FORMS = (
    # dd-MMM-yyyy / dd MMM yyyy (the suites' default), month name or abbreviation
    ("dmy_name", _re.compile(r"(\d{1,2})[- /]([A-Za-z]{3,9})[- /](\d{4})" + _TIME + _ZONE)),
    # yyyy-MM-dd (ISO, API values)
    ("ymd", _re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})" + _TIME + _ZONE)),
    # MM/dd/yyyy (CRM's US format)
    ("mdy", _re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})" + _TIME + _ZONE)),
    # dd-MM-yyyy
    ("dmy", _re.compile(r"(\d{1,2})-(\d{1,2})-(\d{4})" + _TIME + _ZONE)),
)


def parse_datetime_literal(text: str, tz: _dt.tzinfo | None = None) -> _dt.date | _dt.datetime:
    """Parse a date literal (``'01-Jan-2024'``, ``'01-Jan-2024 10:30:00'``, ``'2024-01-31'``,
    ``'2024-01-31T10:30:00+05:30'``, ``'01/31/2024 10:30 AM'``...).

    Text without a time gives a Date, with a time a DateTime. A zone offset is converted to
    ``tz`` when given (then dropped: DateTimes are naive in the run's zone). Raises
    ``DelugeRuntimeError`` when the text is not a valid date.
    """
    if not isinstance(text, str):
        raise DelugeRuntimeError(f"Cannot convert {deluge_type_name(text)} to a date")
    source = text.strip()
    for form, pattern in _LITERAL_FORMS:
        m = pattern.fullmatch(source)
        if m is None:
            continue
        a, b, c = m.group(1), m.group(2), m.group(3)
        if form == "dmy_name":
            month = _MONTHS_LOWER.get(b.lower())
            if month is None:
                break
            year, day = int(c), int(a)
        elif form == "ymd":
            year, month, day = int(a), int(b), int(c)
        elif form == "mdy":
            year, month, day = int(c), int(a), int(b)
        else:
            year, month, day = int(c), int(b), int(a)
        try:
            if m.group(4) is None:
                if m.group(9):
                    break
                return _dt.date(year, month, day)
            hour, minute = int(m.group(4)), int(m.group(5))
            second = int(m.group(6) or 0)
            micro = int((m.group(7) or "0").ljust(6, "0")[:6])
            ampm = (m.group(8) or "").lower()
            if ampm:
                if not 1 <= hour <= 12:
                    break
                hour = hour % 12 + (12 if ampm == "pm" else 0)
            value = _dt.datetime(year, month, day, hour, minute, second, micro)
        except ValueError:
            break
        zone = m.group(9)
        if zone and tz is not None:
            try:
                value = value.replace(tzinfo=_parse_offset(zone)).astimezone(tz)
            except (OverflowError, ValueError):
                break
            value = value.replace(tzinfo=None)
        return value
    raise DelugeRuntimeError(f"Invalid date '{text}'")


def _parse_offset(zone: str) -> _dt.tzinfo:
    if zone == "Z":
        return _dt.UTC
    sign = -1 if zone[0] == "-" else 1
    digits = zone[1:].replace(":", "")
    return _dt.timezone(sign * _dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
