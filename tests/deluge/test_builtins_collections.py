"""List, Map, Collection and JSON built-ins."""

import types

import pytest

import deluge.runtime  # noqa: F401  (fills the tables)
from deluge.errors import DelugeLimitError, DelugeRuntimeError
from deluge.limits import Limits
from deluge.runtime.values import (
    Collection,
)
from tests.deluge.builtin_calls import CTX, SMALL, f, m  # noqa: F401

SMALL_C = types.SimpleNamespace(limits=Limits(max_collection_size=3), host=CTX.host)


def test_list_mutators():
    items = [1, "Harry"]
    assert m("add", items, 3) is None
    m("addAll", items, [4, 5])
    assert items == [1, "Harry", 3, 4, 5]
    assert m("remove", items, 0) == 1
    m("removeElement", items, 4)
    assert items == ["Harry", 3, 5]
    m("removeAll", items, [3, 5])
    assert items == ["Harry"]
    m("clear", items)
    assert items == []
    with pytest.raises(DelugeLimitError):
        m("addAll", [1, 2], [3, 4], ctx=SMALL_C)
    with pytest.raises(DelugeLimitError):
        m("add", [1, 2, 3], 4, ctx=SMALL_C)


@pytest.mark.parametrize(
    ("name", "receiver", "arguments", "expected"),
    [
        ("get", ["Creator", "CRM", ["Projects", "Reports"]], (2,), ["Projects", "Reports"]),
        ("indexOf", ["Creator", "CRM", "Projects"], ("Creator",), 0),
        ("indexOf", [1, 2], (3,), -1),
        ("lastIndexOf", ["a", "b", "a"], ("a",), 2),
        ("contains", [1, 2.5, "x"], (2.5,), True),
        ("contains", [1, 2], ("1",), False),
        ("notContains", [1, 2], (3,), True),
        ("size", [1, 2, 3], (), 3),
        ("sort", [3, 1, 2], (), [1, 2, 3]),
        ("sort", [3, 1, 2], (False,), [3, 2, 1]),
        ("sort", ["b", "a", 2, 1], (), [1, 2, "a", "b"]),
        ("distinct", ["1", 1, 1, 2, 2, 3], (), ["1", 1, 2, 3]),
        ("subList", [1, 2, 3, 4], (0, 3), [1, 2, 3]),
        ("subList", [1, 2, 3, 4], (2,), [3, 4]),
        ("intersect", [1, 2, 3, 3], ([3, 2, 9],), [2, 3]),
        ("toList", [1, 2], (), [1, 2]),
        ("sum", [1, 2, 3], (), 6),
        ("sum", [0.1, 0.2], (), 0.3),
        ("average", [1, 2], (), 1.5),
        ("average", [], (), None),
        ("largest", [1, 5, 2, 3], (), 5),
        ("smallest", [1, 5, 2, 3], (), 1),
        ("median", [3, 1, 2], (), 2),
        ("median", [4, 1, 2, 3], (), 2.5),
        ("nthLargest", Collection([300, 455, 124, 926, 780]), (5,), 124),
        ("nthSmallest", [300, 455, 124, 926, 780], (2,), 300),
        ("percentile", Collection([300, 455, 124, 926, 780]), (50,), 455),
        ("rank", Collection([300, 455, 124, 926, 780]), (300,), 4),
        ("rank", Collection([120.12, 65, 300.46, 600.25, 80.5]), (80.5, "asc"), 2),
        ("duplicate", [1, 2, 3], (0, 1), [1]),
    ],
)
def test_list_methods(name, receiver, arguments, expected):
    assert m(name, receiver, *arguments) == expected


@pytest.mark.parametrize(
    ("name", "receiver", "arguments"),
    [
        ("get", ["a"], (4,)),
        ("get", ["a"], (-1,)),
        ("get", ["a"], ("0",)),
        ("remove", [], (0,)),
        ("subList", [1, 2], (1, 5)),
        ("sort", [1], ("maybe",)),
        ("sum", [1, "a"], ()),
        ("nthLargest", [1, 2], (3,)),
        ("percentile", [1, 2], (101,)),
        ("rank", [1, 2], (5,)),
        ("rank", [1, 2], (1, "up")),
        ("addAll", [1], (5,)),
    ],
)
def test_list_errors(name, receiver, arguments):
    with pytest.raises(DelugeRuntimeError):
        m(name, receiver, *arguments)


def test_map_methods():
    products = {}
    m("put", products, "Creator", 4)
    m("put", products, "CRM", 3)
    m("put", products, "Creator", 5)
    assert products == {"Creator": 5, "CRM": 3}
    m("putAll", products, {"Mail": 8})
    assert m("get", products, "Creator") == 5
    assert m("get", products, "creator") is None
    assert m("get", products, [1]) is None
    assert m("containKey", products, "product") is False
    assert m("containsKey", products, "CRM") is True
    assert m("containValue", products, 8) is True
    assert m("containsValue", products, 9) is False
    assert m("keys", products) == ["Creator", "CRM", "Mail"]
    assert m("values", products) == [5, 3, 8]
    assert m("size", products) == 3
    assert m("remove", products, "CRM") == 3
    assert m("remove", products, "nope") is None
    assert m("toMap", products) == products
    assert m("toMap", products) is not products
    m("clear", products)
    assert products == {}
    with pytest.raises(DelugeRuntimeError):
        m("put", products, [1], 2)
    with pytest.raises(DelugeRuntimeError):
        m("putAll", products, [1])
    full = {"a": 1, "b": 2, "c": 3}
    m("put", full, "a", 9, ctx=SMALL_C)
    with pytest.raises(DelugeLimitError):
        m("put", full, "d", 4, ctx=SMALL_C)
    with pytest.raises(DelugeLimitError):
        m("putAll", full, {"e": 1}, ctx=SMALL_C)


def test_json_functions():
    text = '{"ID":"TEST-1001","items":[{"a":1},{"a":2.5}],"ok":true}'
    value = m("toMap", text)
    assert value == {"ID": "TEST-1001", "items": [{"a": 1}, {"a": 2.5}], "ok": True}
    assert m("getJSON", text, "ID") == "TEST-1001"
    assert m("getJSON", value, "ok") is True
    assert m("toMap", "") == {}
    assert m("toJSONList", '[{"a":1},"x",3]') == [{"a": 1}, "x", 3]
    assert m("toJSONList", "") == []
    assert m("toList", "a,b,c") == ["a", "b", "c"]
    assert m("toList", "a|b", "|") == ["a", "b"]
    assert m("toList", "[1,2]") == [1, 2]
    assert m("toList", "") == []
    assert m("toList", Collection({"k": "v"})) == ["v"]
    assert m("toCollection", '{"a":1}') == Collection({"a": 1})
    assert m("toCollection", [1]) == Collection([1])
    assert f("toMap", text)["ID"] == "TEST-1001"
    for name, bad in [("toMap", "[1]"), ("toMap", "{bad"), ("toJSONList", '{"a":1}')]:
        with pytest.raises(DelugeRuntimeError):
            m(name, bad)
    with pytest.raises(DelugeRuntimeError):
        m("getJSON", "[1]", "a")
    with pytest.raises(DelugeLimitError):
        m("toList", "a,b,c,d", ctx=SMALL_C)


def test_collection_list_like():
    products = Collection()
    m("insert", products, "Creator", "CRM")
    m("insertAll", products, ["Mail", "CRM"])
    assert products.items == ["Creator", "CRM", "Mail", "CRM"]
    assert m("get", products, 0) == "Creator"
    with pytest.raises(DelugeRuntimeError, match="greater than the list size"):
        m("get", products, 4)
    assert m("getKey", products, "CRM") == 1
    assert m("getKey", products, "x") is None
    assert m("getLastKey", products) == 3
    assert m("getAsString", Collection([1, 120.46]), 1) == "120.46"
    assert m("containsKey", products, 3) is True
    assert m("containKey", products, 4) is False
    assert m("containsValue", products, "Mail") is True
    assert m("containValue", products, "x") is False
    assert m("keys", products) == [0, 1, 2, 3]
    assert m("values", products) == ["Creator", "CRM", "Mail", "CRM"]
    assert m("distinct", products).items == ["Creator", "CRM", "Mail"]
    assert m("sort", products).items == ["CRM", "CRM", "Creator", "Mail"]
    assert m("sortKey", products).items == products.items
    assert m("duplicate", products, 0, 1).items == ["Creator"]
    assert m("duplicate", products).items == products.items
    m("delete", products, "CRM")
    assert products.items == ["Creator", "Mail", "CRM"]
    m("deleteKey", products, 0)
    m("deleteAll", products, ["CRM"])
    assert products.items == ["Mail"]
    m("insert", products, "a", "b")
    m("deleteKeys", products, [1, 2])
    assert products.items == ["Mail"]
    assert m("size", products) == 1
    assert m("isEmpty", products) is False
    m("clear", products)
    assert m("isEmpty", products) is True
    with pytest.raises(DelugeRuntimeError):
        m("insert", Collection(["a"]), {"k": "v"})
    with pytest.raises(DelugeLimitError):
        m("insert", Collection([1, 2, 3]), 4, ctx=SMALL_C)


def test_collection_map_like():
    details = Collection()
    m("insert", details, {"Name": "Shawn", "Gender": "Male"})
    m("insertAll", details, {"Company": "Zoho"})
    assert m("get", details, "Name") == "Shawn"
    assert m("get", details, "nope") is None
    assert m("getKey", details, "Male") == "Gender"
    assert m("getLastKey", details) == "Company"
    assert m("containsKey", details, "Company") is True
    assert m("keys", details) == ["Name", "Gender", "Company"]
    assert m("sort", details).items == {"Gender": "Male", "Name": "Shawn", "Company": "Zoho"}
    assert list(m("sortKey", details, False).items) == ["Name", "Gender", "Company"]
    assert m("duplicate", details, 1, 2).items == {"Gender": "Male"}
    m("deleteKey", details, "Gender")
    m("delete", details, "Zoho")
    assert details.items == {"Name": "Shawn"}
    m("deleteKeys", details, ["Name"])
    assert m("size", details) == 0
    with pytest.raises(DelugeRuntimeError):
        m("insert", Collection({"a": 1}), "plain")
    stats = Collection({"a": 3, "b": 1})
    assert m("largest", stats) == 3
    assert m("distinct", Collection({"a": 1, "b": 1})).items == {"a": 1}
    assert m("toMap", Collection({"a": 1})) == {"a": 1}
    assert m("toList", Collection(["x"])) == ["x"]
