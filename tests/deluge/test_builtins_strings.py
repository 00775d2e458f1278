"""Text built-ins."""

import pytest

import deluge.runtime  # noqa: F401  (fills the tables)
from deluge.errors import DelugeLimitError, DelugeRuntimeError
from tests.deluge.builtin_calls import CTX, SMALL, f, m  # noqa: F401

TEXT = "Create database applications with Zoho Creator"


@pytest.mark.parametrize(
    ("name", "receiver", "arguments", "expected"),
    [
        ("length", TEXT, (), 46),
        ("len", TEXT, (), 46),
        ("toUpperCase", "Zoho", (), "ZOHO"),
        ("upper", "Zoho", (), "ZOHO"),
        ("toLowerCase", "Zoho", (), "zoho"),
        ("lower", "Zoho", (), "zoho"),
        ("trim", "  a b \t\n", (), "a b"),
        ("proper", "hello WORLD o'neil", (), "Hello World O'neil"),
        ("contains", "Zoho Creator", ("Creator",), True),
        ("contains", "Zoho Creator", ("creator",), False),
        ("notContains", "Zoho Creator", ("CRM",), True),
        ("containsIgnoreCase", "Zoho Creator", ("CREATOR",), True),
        ("startsWith", "Zoho Creator", ("Zoho",), True),
        ("startsWithIgnoreCase", "Zoho Creator", ("zoho",), True),
        ("endsWith", "Zoho Creator", ("tor",), True),
        ("endsWithIgnoreCase", "Zoho Creator", ("creator",), True),
        ("indexOf", "Hello world", ("o",), 4),
        ("indexOf", "Hello world", ("z",), -1),
        ("find", "Hello world, welcome to the universe", ("e",), 1),
        ("lastIndexOf", "Hello world", ("o",), 7),
        ("subString", "Welcome to Zoho Deluge", (11, 22), "Zoho Deluge"),
        ("substring", "Email: jack@zylker.com", (7,), "jack@zylker.com"),
        ("subText", "Zoho Deluge", (0, 4), "Zoho"),
        ("mid", "Welcome to Zoho Deluge", (11, 22), "Zoho Deluge"),
        ("left", "Zoho Creator", (4,), "Zoho"),
        ("left", "Zoho", (10,), "Zoho"),
        ("right", "Zoho Creator", (7,), "Creator"),
        ("right", "Zoho", (0,), ""),
        ("replaceAll", "a1b22c", ("[0-9]+", "#"), "a#b#c"),
        ("replaceAll", "2024-01-31", ("(\\d+)-(\\d+)-(\\d+)", "$3/$2/$1"), "31/01/2024"),
        ("replaceAll", "a.b.c", (".", "-", True), "a-b-c"),
        ("replaceAll", "cost", ("cost", "\\$5"), "$5"),
        ("replaceFirst", "Create online online", ("online", "custom"), "Create custom online"),
        ("replaceAllIgnoreCase", "Zoho Creator, Zoho Desk", ("ZOHO ", "Z"), "ZCreator, ZDesk"),
        (
            "replaceFirstIgnoreCase",
            "Zoho Creator, Zoho Desk",
            ("ZOHO ", "Z"),
            "ZCreator, Zoho Desk",
        ),
        ("matches", "ID004500F", ("[A-Z]{2}[0-9]{6}[A-Z]",), True),
        ("matches", "$345.78", ("\\$[0-9]+\\.[0-9]{2}",), True),
        ("matches", "x$345.78", ("\\$[0-9]+\\.[0-9]{2}",), False),
        ("remove", "Zoho Creator Creator", ("Creator",), "Zoho  "),
        ("removeFirstOccurence", "Zoho Creator 5 5", ("5",), "Zoho Creator  5"),
        ("removeLastOccurence", "5 Zoho 5", ("5",), "5 Zoho "),
        ("getPrefix", "Zoho Creator, online", (",",), "Zoho Creator"),
        ("getPrefix", "abc", ("x",), None),
        (
            "getPrefixIgnoreCase",
            'Split the text and get prefix of "and"',
            ("AND",),
            "Split the text ",
        ),
        ("getSuffix", "Create custom apps with Zoho Creator", ("with",), " Zoho Creator"),
        ("getSuffix", "abc", ("x",), None),
        ("getSuffixIgnoreCase", "a AND b", ("and",), " b"),
        ("getOccurenceCount", "database, a database", ("database",), 2),
        ("getOccurenceCount", "aaa", ("",), 0),
        ("equalsIgnoreCase", "Zoho", ("zOHO",), True),
        ("equalsIgnoreCase", "Zoho", (None,), False),
        ("reverse", "Zoho Creator", (), "rotaerC ohoZ"),
        ("reverse", [1, 2, 13], (), "31,2,1"),
        ("repeat", "Zoho", (3,), "ZohoZohoZoho"),
        ("leftpad", "Left", (6,), "  Left"),
        ("rightpad", "Right", (7,), "Right  "),
        ("leftpad", "Long", (2,), "Long"),
        ("concat", "Zoho", (5,), "Zoho5"),
        ("getAlpha", "Zoho123 Creator!", (), "ZohoCreator"),
        ("getAlphaNumeric", "Zoho-123 !", (), "Zoho123"),
        ("removeAllAlphaNumeric", "Zoho-123 !", (), "- !"),
        ("isAscii", "Hello$World123", (), True),
        ("isAscii", "", (), True),
        ("isAscii", "ß", (), False),
    ],
)
def test_string_methods(name, receiver, arguments, expected):
    assert m(name, receiver, *arguments) == expected


def test_function_forms_take_the_receiver_first():
    assert f("len", TEXT) == 46
    assert f("startsWithIgnoreCase", "Zoho Creator", "zoho") is True
    assert f("replaceAllIgnoreCase", "Zoho Creator", "ZOHO ", "Z") == "ZCreator"
    assert f("reverse", "level") == "level"
    with pytest.raises(DelugeRuntimeError):
        f("len", 5)


@pytest.mark.parametrize(
    ("name", "receiver", "arguments"),
    [
        ("subText", "Zoho Deluge", (6, 4)),
        ("subString", "abc", (0, 10)),
        ("subString", "abc", (-1,)),
        ("subString", "abc", ("x",)),
        ("left", "abc", (-1,)),
        ("right", "abc", (-1,)),
        ("repeat", "abc", (-1,)),
        ("replaceAll", "abc", ("(", "x")),
        ("replaceAll", "abc", ("\\Qa\\E", "x")),
        ("replaceAll", "abc", ("(a)", "$2")),
        ("matches", "abc", (5,)),
    ],
)
def test_string_errors(name, receiver, arguments):
    with pytest.raises(DelugeRuntimeError):
        m(name, receiver, *arguments)


def test_string_limits():
    with pytest.raises(DelugeLimitError):
        m("repeat", "abc", 10**12, ctx=SMALL)
    with pytest.raises(DelugeLimitError):
        m("leftpad", "a", 10**12, ctx=SMALL)
    with pytest.raises(DelugeLimitError):
        m("rightpad", "a", 21, ctx=SMALL)
    with pytest.raises(DelugeLimitError):
        m("concat", "a" * 15, "b" * 6, ctx=SMALL)
    with pytest.raises(DelugeLimitError):
        m("replaceAll", "aaaa", "a", "bbbbbb", ctx=SMALL)
    assert m("repeat", "ab", 10, ctx=SMALL) == "ab" * 10
