"""Date-time functions (https://www.zoho.com/deluge/help/functions/datetime/*).

Receivers may be a Date, a DateTime or text holding a date literal ('15-Mar-2019'), which
Deluge converts implicitly. Day/week/month/year arithmetic keeps the receiver's type; hour,
minute and second arithmetic turns a Date into a DateTime.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

from deluge.errors import DelugeRuntimeError
from deluge.runtime import args
from deluge.runtime.datefmt import _week_of_year, zone
from deluge.runtime.registry import Impl, method
from deluge.runtime.values import DAY_NAMES, DelugeValue

if TYPE_CHECKING:
    from deluge.support import Context

D = ("date", "datetime", "string")
G = "date"
_MAX_BUSINESS_DAYS = 100_000


def run_zone(ctx: Context) -> dt.tzinfo:
    """The run's time zone (``ctx.host.timezone``: a tzinfo or a zone name; UTC if absent)."""
    host = getattr(ctx, "host", None)
    return zone(getattr(host, "timezone", None), dt.UTC)


def _value(name: str, v: DelugeValue) -> dt.date | dt.datetime:
    return args.when(name, 0, v)


def _shift(name: str, v: DelugeValue, **delta: DelugeValue) -> DelugeValue:
    try:
        return v + dt.timedelta(**delta)
    except OverflowError as exc:
        raise DelugeRuntimeError(f"'{name}' goes beyond the supported date range") from exc


def _days(name: str, sign: int, per: int) -> Impl:
    def impl(ctx: Context, v: DelugeValue, n: DelugeValue) -> DelugeValue:
        return _shift(name, _value(name, v), days=sign * per * args.long(name, 1, n))

    return impl


def _time(name: str, sign: int, unit: str) -> Impl:
    def impl(ctx: Context, v: DelugeValue, n: DelugeValue) -> DelugeValue:
        moment = args.as_datetime(_value(name, v))
        return _shift(name, moment, **{unit: sign * args.long(name, 1, n)})

    return impl


for _name, _sign, _per in (
    ("addDay", 1, 1),
    ("subDay", -1, 1),
    ("addWeek", 1, 7),
    ("subWeek", -1, 7),
):
    method(_name, *D, min_args=1, group=G)(_days(_name, _sign, _per))

for _name, _sign, _unit in (
    ("addHour", 1, "hours"),
    ("subHour", -1, "hours"),
    ("addMinutes", 1, "minutes"),
    ("subMinutes", -1, "minutes"),
    ("addSeconds", 1, "seconds"),
    ("subSeconds", -1, "seconds"),
):
    method(_name, *D, min_args=1, group=G)(_time(_name, _sign, _unit))


def add_months(name: str, v: DelugeValue, months: int) -> DelugeValue:
    """Calendar.add(MONTH): the day is clamped to the end of the target month."""
    total = v.year * 12 + v.month - 1 + months
    year, month = divmod(total, 12)
    if not 1 <= year <= 9999:
        raise DelugeRuntimeError(f"'{name}' goes beyond the supported date range")
    day = min(v.day, calendar.monthrange(year, month + 1)[1])
    return v.replace(year=year, month=month + 1, day=day)


def _months(name: str, sign: int, per: int) -> Impl:
    def impl(ctx: Context, v: DelugeValue, n: DelugeValue) -> DelugeValue:
        return add_months(name, _value(name, v), sign * per * args.long(name, 1, n))

    return impl


for _name, _sign, _per in (
    ("addMonth", 1, 1),
    ("subMonth", -1, 1),
    ("addYear", 1, 12),
    ("subYear", -1, 12),
):
    method(_name, *D, min_args=1, group=G)(_months(_name, _sign, _per))


# --- business days ---------------------------------------------------------------------------

_DAY_INDEX = {name.lower(): i for i, name in enumerate(DAY_NAMES)}
_DAY_INDEX.update({name[:3].lower(): i for i, name in enumerate(DAY_NAMES)})


def _weekday_arg(name: str, position: int, value: DelugeValue) -> int:
    key = args.text(name, position, value).strip().lower()
    if key not in _DAY_INDEX:
        raise DelugeRuntimeError(f"Invalid day name '{value}' in '{name}'")
    return _DAY_INDEX[key]


def _calendar(
    name: str, weekends: DelugeValue, holidays: DelugeValue
) -> tuple[set[int], set[dt.date]]:
    off = {5, 6} if weekends is None else set()
    if weekends is not None:
        off = {_weekday_arg(name, 2, d) for d in args.list_arg(name, 2, weekends)}
    if len(off) >= 7:
        raise DelugeRuntimeError(f"'{name}' needs at least one working day in the week")
    days = set()
    if holidays is not None:
        for h in args.list_arg(name, 3, holidays):
            days.add(_date_only(args.when(name, 3, h)))
    return off, days


def _date_only(v: DelugeValue) -> dt.date:
    return v.date() if type(v) is dt.datetime else v


def _business(name: str, sign: int) -> Impl:
    def impl(
        ctx: Context,
        v: DelugeValue,
        n: DelugeValue,
        weekends: DelugeValue = None,
        holidays: DelugeValue = None,
    ) -> DelugeValue:
        start = _value(name, v)
        count = args.long(name, 1, n)
        if abs(count) > _MAX_BUSINESS_DAYS:
            raise DelugeRuntimeError(f"Argument 1 of '{name}' is too large")
        off, holiday_set = _calendar(name, weekends, holidays)
        step = sign if count >= 0 else -sign
        current, left = start, abs(count)
        while left:
            current = _shift(name, current, days=step)
            day = _date_only(current)
            if day.weekday() not in off and day not in holiday_set:
                left -= 1
        return current

    return impl


method("addBusinessDay", *D, min_args=1, max_args=3, group=G)(_business("addBusinessDay", 1))
method("workday", *D, min_args=1, max_args=3, group=G)(_business("workday", 1))
method("subBusinessDay", *D, min_args=1, max_args=3, group=G)(_business("subBusinessDay", -1))


def _work_days(
    name: str, v: DelugeValue, end: DelugeValue, weekends: DelugeValue, holidays: DelugeValue
) -> list[dt.date]:
    first, last = _date_only(_value(name, v)), _date_only(args.when(name, 1, end))
    if first > last:
        first, last = last, first
    if (last - first).days > _MAX_BUSINESS_DAYS:
        raise DelugeRuntimeError(f"The range of '{name}' is too large")
    off, holiday_set = _calendar(name, weekends, holidays)
    days = (first + dt.timedelta(days=i) for i in range((last - first).days + 1))
    return [d for d in days if d.weekday() not in off and d not in holiday_set]


@method("workDaysBetween", *D, min_args=1, max_args=3, group=G)
def work_days_between(
    ctx: Context,
    v: DelugeValue,
    end: DelugeValue,
    weekends: DelugeValue = None,
    holidays: DelugeValue = None,
) -> DelugeValue:
    return len(_work_days("workDaysBetween", v, end, weekends, holidays))


@method("workDaysList", *D, min_args=1, max_args=3, group=G)
def work_days_list(
    ctx: Context,
    v: DelugeValue,
    end: DelugeValue,
    weekends: DelugeValue = None,
    holidays: DelugeValue = None,
) -> DelugeValue:
    return _work_days("workDaysList", v, end, weekends, holidays)


# --- parts -----------------------------------------------------------------------------------


def _part(name: str, fn: Callable[[dt.datetime], int]) -> Impl:
    def impl(ctx: Context, v: DelugeValue) -> DelugeValue:
        return fn(args.as_datetime(_value(name, v)))

    return impl


_PARTS = (
    (("getDay", "day"), lambda v: v.day),
    (("getMonth", "month"), lambda v: v.month),
    (("getYear", "year"), lambda v: v.year),
    (("getHour", "hour"), lambda v: v.hour),
    (("getMinutes", "minute"), lambda v: v.minute),
    (("getSeconds", "second"), lambda v: v.second),
    (("getDayOfWeek", "weekday"), lambda v: v.isoweekday() % 7 + 1),
    (("getDayOfYear",), lambda v: v.timetuple().tm_yday),
)
for _names, _fn in _PARTS:
    for _name in _names:
        method(_name, *D, group=G)(_part(_name, _fn))


@method("getWeekOfYear", *D, min_args=0, max_args=1, group=G)
def week_of_year(ctx: Context, v: DelugeValue, start_day: DelugeValue = None) -> DelugeValue:
    first = 6 if start_day is None else _weekday_arg("getWeekOfYear", 1, start_day)
    return _week_of_year(_date_only(_value("getWeekOfYear", v)), first)


def _midnight_like(original: DelugeValue, day: dt.date) -> DelugeValue:
    return dt.datetime.combine(day, dt.time()) if type(original) is dt.datetime else day


@method("toStartOfMonth", *D, group=G)
def start_of_month(ctx: Context, v: DelugeValue) -> DelugeValue:
    value = _value("toStartOfMonth", v)
    return _midnight_like(value, _date_only(value).replace(day=1))


@method("toStartOfWeek", *D, group=G)
def start_of_week(ctx: Context, v: DelugeValue) -> DelugeValue:
    value = _value("toStartOfWeek", v)
    day = _date_only(value)
    return _midnight_like(value, day - dt.timedelta(days=(day.weekday() + 1) % 7))


@method("eomonth", *D, min_args=1, group=G)
def eomonth(ctx: Context, v: DelugeValue, months: DelugeValue) -> DelugeValue:
    day = add_months("eomonth", _date_only(_value("eomonth", v)), args.long("eomonth", 1, months))
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _week_step(name: str, direction: int) -> Impl:
    def impl(ctx: Context, v: DelugeValue, day_name: DelugeValue) -> DelugeValue:
        value = _value(name, v)
        target = _weekday_arg(name, 1, day_name)
        delta = (target - _date_only(value).weekday()) * direction % 7 or 7
        return _shift(name, value, days=direction * delta)

    return impl


method("nextWeekDay", *D, min_args=1, group=G)(_week_step("nextWeekDay", 1))
method("previousWeekDay", *D, min_args=1, group=G)(_week_step("previousWeekDay", -1))


# --- differences -----------------------------------------------------------------------------


@method("daysBetween", *D, min_args=1, group=G)
def days_between(ctx: Context, v: DelugeValue, end: DelugeValue) -> DelugeValue:
    first, last = _value("daysBetween", v), args.when("daysBetween", 1, end)
    return (_date_only(last) - _date_only(first)).days


def _elapsed(name: str, seconds: int) -> Impl:
    def impl(ctx: Context, v: DelugeValue, end: DelugeValue) -> DelugeValue:
        first = args.as_datetime(_value(name, v))
        last = args.as_datetime(args.when(name, 1, end))
        return int((last - first).total_seconds() / seconds)

    return impl


method("hoursBetween", *D, min_args=1, group=G)(_elapsed("hoursBetween", 3600))
method("minutesBetween", *D, min_args=1, group=G)(_elapsed("minutesBetween", 60))


@method("yearsBetween", *D, min_args=1, group=G)
def years_between(ctx: Context, v: DelugeValue, end: DelugeValue) -> DelugeValue:
    # Documented as not leap-year aware (unlike totalYears): whole 365-day spans.
    return int(days_between(ctx, v, end) / 365)


def _total_months(name: str, v: DelugeValue, end: DelugeValue) -> int:
    first = args.as_datetime(_value(name, v))
    last = args.as_datetime(args.when(name, 1, end))
    sign = 1
    if last < first:
        first, last, sign = last, first, -1
    months = (last.year - first.year) * 12 + last.month - first.month
    if (last.day, last.time()) < (first.day, first.time()):
        months -= 1
    return sign * months


@method("totalMonths", *D, min_args=1, group=G)
@method("monthsBetween", *D, min_args=1, group=G)
def total_months(ctx: Context, v: DelugeValue, end: DelugeValue) -> DelugeValue:
    return _total_months("totalMonths", v, end)


@method("totalYears", *D, min_args=1, group=G)
def total_years(ctx: Context, v: DelugeValue, end: DelugeValue) -> DelugeValue:
    return int(_total_months("totalYears", v, end) / 12)


@method("unixEpoch", *D, min_args=0, max_args=1, group=G)
def unix_epoch(ctx: Context, v: DelugeValue, tz: DelugeValue = None) -> DelugeValue:
    moment = args.as_datetime(_value("unixEpoch", v))
    where = run_zone(ctx) if tz is None else zone(args.text("unixEpoch", 1, tz))
    return epoch_millis(moment, where)


def epoch_millis(moment: dt.datetime, where: dt.tzinfo) -> int:
    """Milliseconds since 1970-01-01T00:00Z of a naive DateTime read in ``where``."""
    aware = moment.replace(tzinfo=where)
    return (aware - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)) // dt.timedelta(milliseconds=1)
