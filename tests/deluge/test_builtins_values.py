"""Shared value helpers: to_text, to_json, from_json, equals, is_empty, date literals."""

import datetime as dt

import pytest

from deluge.errors import DelugeLimitError, DelugeRuntimeError
from deluge.limits import Limits
from deluge.runtime.values import (
    Collection,
    check_long,
    check_size,
    check_text,
    deluge_type_name,
    equals,
    from_json,
    is_empty,
    parse_datetime_literal,
    to_json,
    to_text,
)


class Ctx:
    limits = Limits(max_string_length=10, max_collection_size=3)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        ("abc", "abc"),
        (True, "true"),
        (False, "false"),
        (42, "42"),
        (-7, "-7"),
        (2.5, "2.5"),
        (3.0, "3.0"),
        (1e20, "100000000000000000000.0"),
        (1e-7, "0.0000001"),
        (dt.date(2024, 1, 5), "05-Jan-2024"),
        (dt.datetime(2024, 12, 31, 13, 5, 9), "31-Dec-2024 13:05:09"),
        ({"a": 1, "b": [1, 2]}, '{"a":1,"b":[1,2]}'),
        ([1, "a", True, None], "1,a,true,"),
        ([{"x": 1}, [1, 2]], '{"x":1},[1,2]'),
        (Collection([1, 2]), "1,2"),
        (Collection({"k": "v"}), '{"k":"v"}'),
        ({}, "{}"),
        ([], ""),
    ],
)
def test_to_text(value, text):
    assert to_text(value) == text


def test_to_json_nested_and_special():
    value = {"s": 'q"é\n', "n": None, "d": dt.date(2024, 2, 29), "f": 0.1, "c": Collection([1])}
    assert to_json(value) == '{"s":"q\\"é\\n","n":null,"d":"29-Feb-2024","f":0.1,"c":[1]}'
    assert to_json([1, [2, {"a": []}]]) == '[1,[2,{"a":[]}]]'
    assert to_json("x") == '"x"'
    assert to_json({1: 2}) == '{"1":2}'


def test_to_json_self_reference_is_an_error():
    m: dict = {}
    m["m"] = m
    with pytest.raises(DelugeRuntimeError):
        to_json(m)


def test_from_json():
    value = from_json('{"b": 1, "a": [1.5, 2, true, null, "x"], "o": {}}')
    assert value == {"b": 1, "a": [1.5, 2, True, None, "x"], "o": {}}
    assert list(value) == ["b", "a", "o"]
    assert type(value["b"]) is int
    assert type(value["a"][0]) is float
    for bad in ("{", "NaN", "", "{'a':1}"):
        with pytest.raises(DelugeRuntimeError):
            from_json(bad)
    with pytest.raises(DelugeRuntimeError):
        from_json(5)
    with pytest.raises(DelugeRuntimeError):
        from_json("[" * 100000)


def test_roundtrip():
    value = {"a": [1, 2.5, {"b": None}], "c": "d"}
    assert from_json(to_json(value)) == value


@pytest.mark.parametrize(
    ("value", "name"),
    [
        ("a", "TEXT"),
        (1, "NUMBER"),
        (1.5, "DECIMAL"),
        (True, "BOOLEAN"),
        (dt.date(2024, 1, 1), "DATE"),
        (dt.datetime(2024, 1, 1), "DATE-TIME"),
        ({}, "MAP"),
        ([], "LIST"),
        (Collection(), "COLLECTION"),
        (None, "NULL"),
    ],
)
def test_deluge_type_name(value, name):
    assert deluge_type_name(value) == name


def test_equals():
    assert equals(1, 1.0)
    assert not equals(True, 1)
    assert equals(True, True)
    assert not equals("a", "A")
    assert equals(None, None)
    assert not equals(None, "")
    assert not equals("", None)
    assert equals([1, {"a": 2}], [1.0, {"a": 2}])
    assert not equals([1], [1, 2])
    assert not equals({"a": 1}, {"b": 1})
    assert equals(dt.date(2024, 1, 1), dt.datetime(2024, 1, 1))
    assert not equals(dt.date(2024, 1, 1), dt.datetime(2024, 1, 1, 1))
    assert equals(Collection([1]), [1])
    assert equals([1], Collection([1]))
    assert not equals("1", 1)


def test_is_empty():
    for value in (None, "", [], {}, Collection()):
        assert is_empty(value)
    for value in (" ", 0, 0.0, False, [None], {"a": None}, dt.date(2024, 1, 1)):
        assert not is_empty(value)


def test_limit_checks():
    ctx = Ctx()
    assert check_text(ctx, "0123456789") == "0123456789"
    with pytest.raises(DelugeLimitError) as err:
        check_text(ctx, "01234567890")
    assert err.value.limit == "max_string_length"
    check_size(ctx, 3)
    with pytest.raises(DelugeLimitError) as err:
        check_size(ctx, 4)
    assert err.value.limit == "max_collection_size"
    assert check_long(ctx, 2**63 - 1) == 2**63 - 1
    with pytest.raises(DelugeLimitError):
        check_long(ctx, 2**63)
    with pytest.raises(DelugeLimitError):
        check_long(ctx, -(2**63) - 1)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("01-Jan-2024", dt.date(2024, 1, 1)),
        ("1-jan-2024", dt.date(2024, 1, 1)),
        ("05-September-2023", dt.date(2023, 9, 5)),
        ("01-Jan-2024 10:30:15", dt.datetime(2024, 1, 1, 10, 30, 15)),
        ("01-Jan-2024 10:30", dt.datetime(2024, 1, 1, 10, 30)),
        ("01-Jan-2024 10:30 PM", dt.datetime(2024, 1, 1, 22, 30)),
        ("01-Jan-2024 12:00 am", dt.datetime(2024, 1, 1, 0, 0)),
        ("2024-01-31", dt.date(2024, 1, 31)),
        ("2024-01-31 08:00:00", dt.datetime(2024, 1, 31, 8)),
        ("2024-01-31T08:00:00", dt.datetime(2024, 1, 31, 8)),
        ("2024-01-31T08:00:00.123", dt.datetime(2024, 1, 31, 8, 0, 0, 123000)),
        ("2024-01-31T08:00:00+05:30", dt.datetime(2024, 1, 31, 8)),
        ("01/31/2024", dt.date(2024, 1, 31)),
        ("31-01-2024", dt.date(2024, 1, 31)),
        (" 01-Jan-2024 ", dt.date(2024, 1, 1)),
    ],
)
def test_parse_datetime_literal(text, value):
    parsed = parse_datetime_literal(text)
    assert parsed == value
    assert type(parsed) is type(value)


def test_parse_datetime_literal_converts_offsets():
    value = parse_datetime_literal("2024-01-31T08:00:00+05:30", dt.UTC)
    assert value == dt.datetime(2024, 1, 31, 2, 30)
    assert parse_datetime_literal("2024-01-31T08:00:00Z", dt.UTC) == dt.datetime(2024, 1, 31, 8)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "31-Feb-2024",
        "01-Foo-2024",
        "2024-13-01",
        "01-Jan-2024 25:00",
        "13:00 PM",
        "abc",
        "2024-01-01Z",
    ],
)
def test_parse_datetime_literal_rejects(text):
    with pytest.raises(DelugeRuntimeError):
        parse_datetime_literal(text)
    with pytest.raises(DelugeRuntimeError):
        parse_datetime_literal(None)
