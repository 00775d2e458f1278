"""Number, conversion and common built-ins."""

import pytest

import deluge.runtime  # noqa: F401  (fills the tables)
from deluge.errors import DelugeLimitError, DelugeRuntimeError
from tests.deluge.builtin_calls import CTX, SMALL, f, m  # noqa: F401


@pytest.mark.parametrize(
    ("name", "receiver", "arguments", "expected"),
    [
        ("round", -218.4, (0,), -218),
        ("round", 218.5, (0,), 219),
        ("round", 218.49, (1,), 218.5),
        ("round", 218.44, (1,), 218.4),
        ("round", 214.2, (-1,), 210),
        ("round", 294.2, (-2,), 300),
        ("round", 218.222, (-3,), 0),
        ("round", -150.55, (-2,), -200),
        ("round", 1255, (-1,), 1260),
        ("round", 5.0, (0,), 5),
        ("truncate", 25.125432, (2,), 25.12),
        ("truncate", 9789.852, (0,), 9789),
        ("truncate", 9789.852, (-2,), 9700),
        ("abs", -5, (), 5),
        ("abs", -5.5, (), 5.5),
        ("ceil", 10.1, (), 11),
        ("ceil", 7, (), 7),
        ("floor", 10.9, (), 10),
        ("floor", -10.1, (), -11),
        ("sqrt", 16, (), 4.0),
        ("power", 3, (2,), 9),
        ("power", 2, (-1,), 0.5),
        ("power", 2.5, (2,), 6.25),
        ("exp", 0, (), 1.0),
        ("log", 1, (), 0.0),
        ("sin", 0, (), 0.0),
        ("cos", 0, (), 1.0),
        ("tan", 0, (), 0.0),
        ("asin", 0, (), 0.0),
        ("acos", 1, (), 0.0),
        ("atan", 0, (), 0.0),
        ("sinh", 0, (), 0.0),
        ("cosh", 0, (), 1.0),
        ("tanh", 0, (), 0.0),
        ("signum", 25.125432, (), 1.0),
        ("signum", -12, (), -1.0),
        ("signum", 0, (), 0.0),
        ("frac", 24.6, (), 0.6),
        ("frac", -25.1, (), -0.1),
        ("frac", 3, (), 0.0),
        ("min", 100, (200,), 100),
        ("max", 100, (200.5,), 200.5),
        ("isEven", 1234, (), True),
        ("isEven", 111, (), False),
        ("isOdd", 111, (), True),
        ("isOdd", -3, (), True),
        ("toHex", 255, (), "ff"),
        ("toHex", -1, (), "ffffffffffffffff"),
        ("text", 2434, ("000000000",), "000002434"),
        ("text", 12345654.1234, ("$#,##0.00",), "$12,345,654.12"),
        ("text", 0.256, ("0.0%",), "25.6%"),
        ("text", -1234.5, ("#,##0.00",), "-1,234.50"),
        ("text", "123123456", ("##,###",), "123,123,456"),
    ],
)
def test_number_methods(name, receiver, arguments, expected):
    result = m(name, receiver, *arguments)
    assert result == expected
    assert type(result) is type(expected)


def test_number_function_forms():
    assert f("floor", 10.1) == 10
    assert f("power", 3, 2) == 9
    assert f("max", 100, 200) == 200
    assert f("min", 100, 200) == 100
    assert f("isEven", 111) is False


@pytest.mark.parametrize(
    ("name", "receiver", "arguments"),
    [
        ("sqrt", -1, ()),
        ("log", 0, ()),
        ("asin", 2, ()),
        ("round", 1.5, ("a",)),
        ("round", 1.5, (1000,)),
        ("isEven", 1.5, ()),
        ("power", 10, ("x",)),
        ("exp", 100000, ()),
        ("min", 1, ("2",)),
        ("text", 5, ("abc",)),
        ("floor", float("inf"), ()),
    ],
)
def test_number_errors(name, receiver, arguments):
    with pytest.raises(DelugeRuntimeError):
        m(name, receiver, *arguments)


def test_number_limits():
    with pytest.raises(DelugeLimitError):
        m("power", 10, 100)
    with pytest.raises(DelugeLimitError):
        m("power", 2, 10**18)
    with pytest.raises(DelugeLimitError):
        m("abs", -(2**63))
    assert m("power", 2, 62) == 2**62


@pytest.mark.parametrize(
    ("name", "receiver", "arguments", "expected"),
    [
        ("toLong", 99.9, (), 99),
        ("toLong", "100", (), 100),
        ("toLong", " -7 ", (), -7),
        ("toLong", "12.5", (), 12),
        ("toNumber", 123.25, (), 123),
        ("toNumber", "1234", (), 1234),
        ("toInt", True, (), 1),
        ("toDecimal", 5, (), 5.0),
        ("toDecimal", "2.50", (), 2.5),
        ("toString", 5, (), "5"),
        ("toString", 2.5, (), "2.5"),
        ("toString", None, (), ""),
        ("toString", {"a": [1]}, (), '{"a":[1]}'),
        ("toString", 1234.5, ("#,##0.00",), "1,234.50"),
        ("toText", True, (), "true"),
    ],
)
def test_conversions(name, receiver, arguments, expected):
    result = m(name, receiver, *arguments)
    assert result == expected
    assert type(result) is type(expected)


@pytest.mark.parametrize(
    ("name", "value"),
    [("toLong", "134A123B"), ("toLong", [1]), ("toDecimal", "x"), ("toDecimal", None)],
)
def test_conversion_errors(name, value):
    with pytest.raises(DelugeRuntimeError):
        m(name, value)


def test_to_long_range():
    with pytest.raises(DelugeLimitError):
        m("toLong", "99999999999999999999")


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("isNull", None, True),
        ("isNull", "", True),
        ("isNull", " ", False),
        ("isNull", 0, False),
        ("isEmpty", [], True),
        ("isEmpty", {}, True),
        ("isEmpty", " ", False),
        ("isEmpty", None, True),
        ("isNumber", "123", True),
        ("isNumber", "12.5", False),
        ("isNumber", 5, True),
        ("isNumber", "abc", False),
        ("isDecimal", "12.5", True),
        ("isDecimal", 2.5, True),
        ("isDecimal", "1.2.3", False),
        ("isText", "a", True),
        ("isText", 1, False),
        ("isDate", "01-Jan-2020", True),
        ("isDate", "31-Feb-2020", False),
        ("isDate", 5, False),
    ],
)
def test_common_predicates(name, value, expected):
    assert m(name, value) is expected
    assert f(name, value) is expected


def test_equals_and_ifnull():
    assert m("equals", "Zoho", "zoho") is False
    assert m("equals", 1, 1.0) is True
    assert f("equals", [1], [1]) is True
    assert f("ifNull", None, "Not found") == "Not found"
    assert f("ifnull", 0, "x") == 0


def test_random_number():
    for _ in range(50):
        assert f("randomNumber", 1, 3) in (1, 2)
        value = f("randomNumber", 1.5, 2)
        assert type(value) is float
        assert 1.5 <= value <= 2
    with pytest.raises(DelugeRuntimeError):
        f("randomNumber", 3, 1)
    with pytest.raises(DelugeRuntimeError):
        f("randomNumber", "1", 3)
