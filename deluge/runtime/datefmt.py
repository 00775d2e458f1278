"""Java ``SimpleDateFormat`` patterns ("dd-MMM-yyyy HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ssXXX"),
which Deluge uses for ``toString(format)``, ``toDate(format)`` and friends."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import regex

from deluge.errors import DelugeRuntimeError
from deluge.runtime.patterns import run_pattern
from deluge.runtime.values import DAY_ABBR, DAY_NAMES, MONTH_ABBR, MONTH_NAMES

if TYPE_CHECKING:
    from deluge.support import Context

_LETTERS = "GyYMLwWDdFEuaHkKhmsSzZX"


def tokenize(pattern: str) -> list[tuple[str, int] | str]:
    """Split a pattern into (letter, count) fields and literal strings."""
    tokens: list[tuple[str, int] | str] = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "'":
            end = pattern.find("'", i + 1)
            if end == i + 1:
                tokens.append("'")
                i += 2
                continue
            if end < 0:
                raise DelugeRuntimeError(f"Unterminated quote in date format '{pattern}'")
            tokens.append(pattern[i + 1 : end].replace("''", "'"))
            i = end + 1
        elif ch.isascii() and ch.isalpha():
            if ch not in _LETTERS:
                raise DelugeRuntimeError(f"Illegal pattern character '{ch}' in '{pattern}'")
            j = i
            while j < len(pattern) and pattern[j] == ch:
                j += 1
            tokens.append((ch, j - i))
            i = j
        else:
            tokens.append(ch)
            i += 1
    return tokens


def zone(name: object, default: dt.tzinfo | None = None) -> dt.tzinfo:
    """A time zone from an IANA name, ``GMT``, ``UTC``, a ``GMT+5:30`` style offset or a
    tzinfo. Unknown names fall back to GMT, as Deluge does."""
    if isinstance(name, dt.tzinfo):
        return name
    if not isinstance(name, str) or not name.strip():
        return default or dt.UTC
    text = name.strip()
    # Java's TimeZone.getTimeZone knows custom offsets only as "GMT+h[:mm]"; "UTC+8" is
    # unknown there and falls back to GMT (the unixEpoch reference shows exactly that).
    m = re.fullmatch(r"GMT([+-])(\d{1,2})(?::?(\d{2}))?", text, re.I)
    if m:
        sign = -1 if m.group(1) == "-" else 1
        delta = dt.timedelta(hours=int(m.group(2)), minutes=int(m.group(3) or 0))
        if delta >= dt.timedelta(hours=24):
            return dt.UTC
        return dt.timezone(sign * delta)
    if text.upper() in ("GMT", "UTC", "Z"):
        return dt.UTC
    try:
        return ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return dt.UTC


def shift_zone(moment: dt.datetime, source: dt.tzinfo, target: dt.tzinfo) -> dt.datetime:
    """Read a naive DateTime in ``source`` and return the naive wall time in ``target``."""
    try:
        return moment.replace(tzinfo=source).astimezone(target).replace(tzinfo=None)
    except (OverflowError, ValueError) as exc:
        raise DelugeRuntimeError("Date is out of the supported range") from exc


def _offset_text(value: dt.datetime, tz: dt.tzinfo | None, colon: bool, zulu: bool) -> str:
    offset = (tz.utcoffset(value) if tz else None) or dt.timedelta(0)
    if zulu and not offset:
        return "Z"
    minutes = int(offset.total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    hours, mins = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}{':' if colon else ''}{mins:02d}"


def _week_of_year(day: dt.date, first: int = 6) -> int:
    # Java Calendar with minimalDaysInFirstWeek=1: week 1 holds January 1st.
    jan1 = dt.date(day.year, 1, 1)
    shift = (jan1.weekday() - first) % 7
    return (day.timetuple().tm_yday - 1 + shift) // 7 + 1


def format_date(value: dt.date, pattern: str, tz: dt.tzinfo | None = None) -> str:
    """Format a Date/DateTime (naive, in ``tz``) with a SimpleDateFormat pattern."""
    moment = value if isinstance(value, dt.datetime) else dt.datetime.combine(value, dt.time())
    out = []
    for token in tokenize(pattern):
        if isinstance(token, str):
            out.append(token)
            continue
        letter, n = token
        out.append(_field(moment, letter, n, tz))
    return "".join(out)


def _num(value: int, n: int) -> str:
    return str(value).zfill(n)


def _field(v: dt.datetime, letter: str, n: int, tz: dt.tzinfo | None) -> str:
    if letter in "yY":
        return _num(v.year % 100, 2) if n == 2 else _num(v.year, n)
    if letter in "ML":
        if n >= 4:
            return MONTH_NAMES[v.month - 1]
        return MONTH_ABBR[v.month - 1] if n == 3 else _num(v.month, n)
    if letter == "d":
        return _num(v.day, n)
    if letter == "D":
        return _num(v.timetuple().tm_yday, n)
    if letter == "E":
        return DAY_NAMES[v.weekday()] if n >= 4 else DAY_ABBR[v.weekday()]
    if letter == "u":
        return _num(v.isoweekday(), n)
    if letter == "a":
        return "AM" if v.hour < 12 else "PM"
    if letter == "H":
        return _num(v.hour, n)
    if letter == "k":
        return _num(v.hour or 24, n)
    if letter == "K":
        return _num(v.hour % 12, n)
    if letter == "h":
        return _num(v.hour % 12 or 12, n)
    if letter == "m":
        return _num(v.minute, n)
    if letter == "s":
        return _num(v.second, n)
    if letter == "S":
        return _num(v.microsecond // 1000, n)
    if letter == "w":
        return _num(_week_of_year(v.date()), n)
    if letter == "W":
        return _num((v.day - 1 + (v.replace(day=1).weekday() + 1) % 7) // 7 + 1, n)
    if letter == "F":
        return _num((v.day - 1) // 7 + 1, n)
    if letter == "G":
        return "AD"
    if letter == "z":
        name = tz.tzname(v) if tz else None
        return name or "GMT"
    if letter == "Z":
        return _offset_text(v, tz, colon=False, zulu=False)
    return _offset_text(v, tz, colon=n >= 3, zulu=True)  # X


_MONTH_LOOKUP = {m.lower(): i for i, m in enumerate(MONTH_NAMES, 1)}
_MONTH_LOOKUP.update({m.lower(): i for i, m in enumerate(MONTH_ABBR, 1)})


def _field_regex(letter: str, n: int) -> str:
    if letter in "yY":
        return r"(\d{1,4})"
    if letter in "ML":
        return r"([A-Za-z]{3,9}|\d{1,2})"
    if letter == "E":
        return r"([A-Za-z]{3,9})"
    if letter == "a":
        return r"([AaPp]\.?[Mm]\.?)"
    if letter == "S":
        return r"(\d{1,3})"
    if letter in "zZX":
        return r"(Z|[+-]\d{2}:?\d{2}|[A-Za-z][A-Za-z/_+\-0-9:]*)"
    if letter == "D":
        return r"(\d{1,3})"
    if letter == "G":
        return r"([A-Za-z]{2})"
    return r"(\d{1,2})" if n <= 2 else rf"(\d{{{n}}})"


def parse_date(
    text: str,
    pattern: str,
    tz: dt.tzinfo | None = None,
    *,
    ctx: Context | None = None,
    name: str = "toDate",
) -> tuple[dt.datetime, bool]:
    """Parse ``text`` with a SimpleDateFormat pattern. Like Java's ``DateFormat.parse``, text
    after the pattern is ignored. Returns (naive datetime in ``tz``, whether a time field was
    present). Raises ``DelugeRuntimeError`` when the text does not match."""
    tokens = tokenize(pattern)
    parts, fields = [], []
    for token in tokens:
        if isinstance(token, str):
            parts.append(r"\s*" if token.isspace() else re.escape(token))
        else:
            parts.append(_field_regex(*token))
            fields.append(token)
    # A format's fields can backtrack against each other ("d d d ..."): bounded like a
    # script's own pattern when a run is given.
    compiled = regex.compile(r"\s*" + "".join(parts))
    m = compiled.match(text) if ctx is None else run_pattern(ctx, name, compiled.match, text)
    if m is None:
        raise DelugeRuntimeError(f"Unparseable date '{text}' for format '{pattern}'")
    values = dict(year=1970, month=1, day=1, hour=0, minute=0, second=0, micro=0)
    pm, has_time, offset = None, False, None
    for (letter, n), raw in zip(fields, m.groups(), strict=True):
        if letter in "yY":
            year = int(raw)
            if n == 2 and len(raw) == 2:
                # Java reads a two-digit "yy" year into the century around today.
                year += 2000 if year < 80 else 1900
            values["year"] = year
        elif letter in "ML":
            month = _MONTH_LOOKUP.get(raw.lower()) if raw.isalpha() else int(raw)
            if month is None:
                raise DelugeRuntimeError(f"Unparseable date '{text}' for format '{pattern}'")
            values["month"] = month
        elif letter == "d":
            values["day"] = int(raw)
        elif letter in "Hk":
            values["hour"], has_time = int(raw) % 24, True
        elif letter in "hK":
            values["hour"], has_time = int(raw) % 12, True
        elif letter == "a":
            pm = raw[0].lower() == "p"
        elif letter == "m":
            values["minute"], has_time = int(raw), True
        elif letter == "s":
            values["second"], has_time = int(raw), True
        elif letter == "S":
            values["micro"] = int(raw) * 1000
        elif letter in "zZX":
            offset = zone(raw if raw[0] in "+-Z" and raw != "Z" else ("UTC" if raw == "Z" else raw))
    if pm is not None and values["hour"] < 12 and pm:
        values["hour"] += 12
    try:
        result = dt.datetime(
            values["year"],
            values["month"],
            values["day"],
            values["hour"],
            values["minute"],
            values["second"],
            values["micro"],
        )
    except ValueError as exc:
        raise DelugeRuntimeError(f"Invalid date '{text}' for format '{pattern}'") from exc
    if offset is not None and tz is not None:
        result = shift_zone(result, offset, tz)
    return result, has_time
