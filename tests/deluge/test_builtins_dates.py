"""Date and date-time built-ins (expected values from the Deluge reference examples)."""

import datetime as dt

import pytest

import deluge.runtime  # noqa: F401  (fills the tables)
from deluge.errors import DelugeRuntimeError
from tests.deluge.builtin_calls import CTX, SMALL, f, m  # noqa: F401

D = dt.date
T = dt.datetime


@pytest.mark.parametrize(
    ("name", "receiver", "arguments", "expected"),
    [
        ("addDay", D(2019, 1, 1), (11,), D(2019, 1, 12)),
        ("addDay", "01-Jan-2019 15:00:00", (40,), T(2019, 2, 10, 15)),
        ("subDay", D(2019, 3, 1), (1,), D(2019, 2, 28)),
        ("addWeek", D(2019, 1, 1), (10,), D(2019, 3, 12)),
        ("subWeek", D(2019, 1, 15), (2,), D(2019, 1, 1)),
        ("addMonth", D(2019, 1, 1), (11,), D(2019, 12, 1)),
        ("addMonth", D(2024, 1, 31), (1,), D(2024, 2, 29)),
        ("subMonth", D(2019, 1, 1), (1,), D(2018, 12, 1)),
        ("addYear", "01-Jan-2019 15:00:00", (10,), T(2029, 1, 1, 15)),
        ("addYear", D(2024, 2, 29), (1,), D(2025, 2, 28)),
        ("subYear", D(2019, 1, 1), (1,), D(2018, 1, 1)),
        ("addHour", D(2019, 1, 1), (1,), T(2019, 1, 1, 1)),
        ("addHour", T(2019, 1, 1, 23, 15, 10), (2,), T(2019, 1, 2, 1, 15, 10)),
        ("subHour", T(2019, 1, 1, 0, 30), (1,), T(2018, 12, 31, 23, 30)),
        ("addMinutes", T(2019, 1, 1, 23, 59, 10), (2,), T(2019, 1, 2, 0, 1, 10)),
        ("subMinutes", T(2019, 1, 1, 0, 1), (2,), T(2018, 12, 31, 23, 59)),
        ("addSeconds", D(2019, 1, 1), (70,), T(2019, 1, 1, 0, 1, 10)),
        ("subSeconds", T(2019, 1, 1, 0, 0, 1), (2,), T(2018, 12, 31, 23, 59, 59)),
        ("addBusinessDay", "15-Mar-2019", (1,), D(2019, 3, 18)),
        ("addBusinessDay", D(2020, 5, 23), (5, ["Sunday"], ["25-May-2020"]), D(2020, 5, 30)),
        ("workday", D(2019, 3, 15), (1,), D(2019, 3, 18)),
        ("subBusinessDay", "21-Jul-2021", (5,), D(2021, 7, 14)),
        (
            "subBusinessDay",
            D(2021, 7, 21),
            (5, ["Sunday"], ["20-Jul-2021", D(2021, 7, 19)]),
            D(2021, 7, 13),
        ),
        ("getDay", D(2019, 3, 15), (), 15),
        ("day", T(2019, 3, 15, 1), (), 15),
        ("getMonth", D(2019, 3, 15), (), 3),
        ("month", D(2019, 3, 15), (), 3),
        ("getYear", D(2019, 3, 15), (), 2019),
        ("year", D(2019, 3, 15), (), 2019),
        ("getHour", T(2019, 1, 1, 23, 15, 10), (), 23),
        ("hour", D(2019, 1, 1), (), 0),
        ("getMinutes", D(2019, 1, 1), (), 0),
        ("minute", "01-Jan-2019 23:15:10", (), 15),
        ("getSeconds", T(2019, 1, 1, 23, 15, 10), (), 10),
        ("second", T(2019, 1, 1, 23, 15, 10), (), 10),
        ("getDayOfWeek", "15-Mar-2019", (), 6),
        ("weekday", D(2019, 3, 17), (), 1),
        ("getDayOfYear", D(2020, 2, 4), (), 35),
        ("getWeekOfYear", "7-Feb-2021", (), 7),
        ("getWeekOfYear", "7-Feb-2021", ("Monday",), 6),
        ("toStartOfMonth", "15-Mar-2019 15:00:00", (), T(2019, 3, 1)),
        ("toStartOfMonth", D(2019, 3, 15), (), D(2019, 3, 1)),
        ("toStartOfWeek", "15-Mar-2019 15:00:00", (), T(2019, 3, 10)),
        ("eomonth", D(2019, 1, 15), (1,), D(2019, 2, 28)),
        ("eomonth", D(2020, 3, 15), (-1,), D(2020, 2, 29)),
        ("nextWeekDay", "20-Jul-2021", ("Tuesday",), D(2021, 7, 27)),
        ("nextWeekDay", D(2021, 7, 20), ("Monday",), D(2021, 7, 26)),
        ("previousWeekDay", "21-Jul-2021", ("Wednesday",), D(2021, 7, 14)),
        ("previousWeekDay", D(2021, 7, 21), ("Monday",), D(2021, 7, 19)),
        ("daysBetween", D(2024, 1, 1), (D(2024, 3, 1),), 60),
        ("daysBetween", D(2024, 3, 1), ("01-Jan-2024",), -60),
        ("hoursBetween", T(2024, 1, 1, 10), (T(2024, 1, 2, 12),), 26),
        ("minutesBetween", T(2024, 1, 1, 10), (T(2024, 1, 1, 10, 45, 59),), 45),
        ("yearsBetween", D(2019, 1, 1), (D(2021, 1, 1),), 2),
        ("totalMonths", "31-Dec-1989", ("01-Jan-1990",), 0),
        ("totalMonths", "31-Dec-1989", ("01-Feb-1990",), 1),
        ("monthsBetween", "01-Feb-2020", ("01-Mar-2020",), 1),
        ("totalYears", "1-Jan-2019", ("31-Dec-2019",), 0),
        ("totalYears", "1-Jan-2019", ("1-Jan-2020",), 1),
        ("workDaysBetween", "1-Jan-2020", ("6-Jan-2020", ["Saturday", "Sunday"]), 4),
        (
            "workDaysList",
            "1-Jan-2020",
            ("6-Jan-2020", ["Saturday", "Sunday"], ["02-Jan-2020", "03-Jan-2020"]),
            [D(2020, 1, 1), D(2020, 1, 6)],
        ),
        ("unixEpoch", "03-Feb-2020 03:48:12", ("Asia/Calcutta",), 1580681892000),
        ("unixEpoch", "03-Feb-2020 03:48:12", ("GMT-8",), 1580730492000),
        ("unixEpoch", "03-Feb-2020 03:48:12", ("UTC+8",), 1580701692000),
        ("unixEpoch", "03-Feb-2020 03:48:12", ("GMT+5:30",), 1580681892000),
        ("unixEpoch", "03-Feb-2020 03:48:12", ("Hello",), 1580701692000),
        ("unixEpoch", "03-Feb-2020 03:48:12", (), 1580701692000),
    ],
)
def test_date_methods(name, receiver, arguments, expected):
    result = m(name, receiver, *arguments)
    assert result == expected
    assert type(result) is type(expected)


def test_date_function_forms():
    assert f("weekday", "15-Mar-2019") == 6
    assert f("toStartOfMonth", "15-Mar-2019 15:00:00") == T(2019, 3, 1)
    assert f("totalMonths", "01-Feb-2020", "01-Mar-2020") == 1


@pytest.mark.parametrize(
    ("name", "receiver", "arguments"),
    [
        ("addDay", "not a date", (1,)),
        ("addDay", D(2019, 1, 1), ("x",)),
        ("addDay", D(9999, 12, 31), (1,)),
        ("addYear", D(2019, 1, 1), (10**6,)),
        ("addBusinessDay", D(2019, 1, 1), (1, ["Funday"])),
        (
            "addBusinessDay",
            D(2019, 1, 1),
            (1, ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]),
        ),
        ("addBusinessDay", D(2019, 1, 1), (10**9,)),
        ("nextWeekDay", D(2019, 1, 1), ("Someday",)),
        ("daysBetween", D(2019, 1, 1), (5,)),
        ("workDaysBetween", D(2019, 1, 1), (D(9000, 1, 1),)),
    ],
)
def test_date_errors(name, receiver, arguments):
    with pytest.raises(DelugeRuntimeError):
        m(name, receiver, *arguments)


@pytest.mark.parametrize(
    ("value", "pattern", "expected"),
    [
        (D(2020, 2, 4), "MM-dd-yyyy", "02-04-2020"),
        (T(2020, 2, 4, 13, 5, 9), "dd-MMM-yyyy HH:mm:ss", "04-Feb-2020 13:05:09"),
        (T(2020, 2, 4, 13, 5, 9), "yyyy-MM-dd'T'HH:mm:ss", "2020-02-04T13:05:09"),
        (T(2020, 2, 4, 0, 5), "hh:mm a", "12:05 AM"),
        (T(2020, 2, 4, 12, 0), "h a, E EEEE", "12 PM, Tue Tuesday"),
        (D(2020, 2, 4), "MMM dd, yy 'at' hh:mm:ss, E", "Feb 04, 20 at 12:00:00, Tue"),
        (D(2020, 2, 4), "DDD MMMM d", "035 February 4"),
        (T(2020, 2, 4, 13, 5, 9, 123000), "ss.SSS XXX Z", "09.123 Z +0000"),
        (D(2020, 2, 4), "''yy''", "'20'"),
    ],
)
def test_to_string_with_pattern(value, pattern, expected):
    assert m("toString", value, pattern) == expected


def test_to_string_with_time_zone_and_text():
    value = T(2024, 1, 31, 10, 0)
    assert m("toString", value, "yyyy-MM-dd'T'HH:mm:ssXXX", "Asia/Kolkata") == (
        "2024-01-31T15:30:00+05:30"
    )
    assert m("text", "02/04/2020", "DDD") == "035"
    assert m("text", D(2020, 2, 4), "EEEE") == "Tuesday"
    assert m("toString", D(2024, 1, 5)) == "05-Jan-2024"
    with pytest.raises(DelugeRuntimeError):
        m("toString", D(2024, 1, 5), "yyyy-qq")
    with pytest.raises(DelugeRuntimeError):
        m("toString", D(2024, 1, 5), "'open")


@pytest.mark.parametrize(
    ("name", "value", "arguments", "expected"),
    [
        ("toDate", "01,11,2019 1:30:00 pm", ("MM,d,yyyy",), D(2019, 1, 11)),
        ("toDate", "01-Jan-2024", (), D(2024, 1, 1)),
        ("toDate", T(2024, 1, 1, 10), (), D(2024, 1, 1)),
        ("toDateTime", "01-11-2019 13:30:00", ("MM-dd-yyyy HH:mm:ss",), T(2019, 1, 11, 13, 30)),
        ("toDateTime", "2024-01-31T08:00:00+05:30", (), T(2024, 1, 31, 2, 30)),
        ("toDateTime", D(2024, 1, 1), (), T(2024, 1, 1)),
        ("toDateTime", "5 Mar 2024 9:05 PM", ("d MMM yyyy h:mm a",), T(2024, 3, 5, 21, 5)),
        ("toDateTime", 0, (), T(1970, 1, 1)),
        (
            "toTime",
            "01,11,2019 1:30:00 pm",
            ("MM,d,yyyy hh:mm:ss a", "Europe/Moscow"),
            T(2019, 1, 11, 10, 30),
        ),
        ("toLong", T(1970, 1, 2), (), 86400000),
    ],
)
def test_to_date_conversions(name, value, arguments, expected):
    result = m(name, value, *arguments)
    assert result == expected
    assert type(result) is type(expected)


@pytest.mark.parametrize(
    ("value", "arguments"),
    [
        ("31-Feb-2024", ()),
        ("2024-01-01", ("dd/MM/yyyy",)),
        ([1], ()),
        ("13-13-2024", ("MM-dd-yyyy",)),
    ],
)
def test_to_date_errors(value, arguments):
    with pytest.raises(DelugeRuntimeError):
        m("toDate", value, *arguments)
