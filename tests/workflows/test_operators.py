"""Every operator on every field type: what holds, what does not, what never crashes.

These tests need no database: criteria work on a module definition and a record map.
"""

from __future__ import annotations

import pytest

from tests.workflows.things import MODULE
from workflows import criteria, schema
from workflows.criteria import evaluate, validate_condition
from workflows.schemas import Condition

FIELD_OF_TYPE = {field["type"]: field["api_name"] for field in MODULE.fields}

_MISSING = object()  # the record has no such key at all


def check(field_type: str, operator: str, actual, expected: bool, value="", value2=""):
    """Assert one condition on the field of ``field_type`` against a record holding ``actual``."""
    name = FIELD_OF_TYPE[field_type]
    condition = Condition(field=name, operator=operator, value=value, value2=value2)
    assert validate_condition(MODULE, condition) is None, "the table holds only valid conditions"
    record = {"ID": "1"} if actual is _MISSING else {"ID": "1", name: actual}
    if name == "ID" and actual is _MISSING:
        record = {}
    assert criteria.condition_holds(MODULE.field(name), condition, record) is expected
    outcome = evaluate(MODULE, [condition], "", record)
    assert outcome.matched is expected
    assert outcome.conditions[0]["result"] is expected


# --------------------------------------------------------------------------- text types

# type -> (a realistic value, its start, its end, a piece in the middle)
TEXT_SAMPLES = {
    "text": ("Ada Lovelace", "ada", "LACE", "a lov"),
    "textarea": ("First line\nSecond Line", "first", "LINE", "line\nsecond"),
    "email": ("Ada.Lovelace@Example.COM", "ada.", "example.com", "@EXAMPLE"),
    "phone": ("+44 20 7946 0958", "+44", "0958", "20 79"),
    "url": ("https://Example.com/Path", "HTTPS://", "/path", "example.COM"),
}


def _text_cases():
    for kind, (value, start, end, middle) in TEXT_SAMPLES.items():
        rows = [
            ("is", value.upper(), value, True),
            ("is", value.lower(), value, True),
            ("is", value + "x", value, False),
            ("is", start, value, False),
            ("is_not", value + "x", value, True),
            ("is_not", value.swapcase(), value, False),
            ("is_not", "x", None, True),
            ("contains", middle, value, True),
            ("contains", middle.upper(), value, True),
            ("contains", "zzz", value, False),
            ("contains", "zzz", None, False),
            ("not_contains", "zzz", value, True),
            ("not_contains", middle.swapcase(), value, False),
            ("starts_with", start, value, True),
            ("starts_with", end, value, False),
            ("ends_with", end, value, True),
            ("ends_with", start, value, False),
            ("is_empty", "", None, True),
            ("is_empty", "", "", True),
            ("is_empty", "", _MISSING, True),
            ("is_empty", "", value, False),
            ("is_not_empty", "", value, True),
            ("is_not_empty", "", "", False),
            ("is_not_empty", "", _MISSING, False),
        ]
        for n, (operator, expected_value, actual, expected) in enumerate(rows):
            yield pytest.param(kind, operator, expected_value, actual, expected, id=f"{kind}-{n}")


@pytest.mark.parametrize("kind,operator,value,actual,expected", list(_text_cases()))
def test_text_operators(kind, operator, value, actual, expected):
    check(kind, operator, actual, expected, value=value)


# ------------------------------------------------------------------------- number types

NUMBER_CASES = [
    # (type, operator, value, value2, actual, expected)
    ("number", "eq", "10", "", 10, True),
    ("number", "eq", "10.0", "", 10, True),
    ("number", "eq", "11", "", 10, False),
    ("number", "eq", "10", "", "10", True),  # hosts may send numbers as text
    ("number", "eq", "10", "", None, False),
    ("number", "ne", "11", "", 10, True),
    ("number", "ne", "10", "", 10, False),
    ("number", "ne", "10", "", None, True),
    ("number", "lt", "11", "", 10, True),
    ("number", "lt", "10", "", 10, False),
    ("number", "lt", "-1", "", -5, True),
    ("number", "lt", "5", "", None, False),
    ("number", "le", "10", "", 10, True),
    ("number", "le", "9", "", 10, False),
    ("number", "gt", "9", "", 10, True),
    ("number", "gt", "10", "", 10, False),
    ("number", "gt", "-1", "", None, False),
    ("number", "ge", "10", "", 10, True),
    ("number", "ge", "11", "", 10, False),
    ("number", "between", "5", "10", 10, True),  # both ends included
    ("number", "between", "10", "20", 10, True),
    ("number", "between", "11", "20", 10, False),
    ("number", "between", "1", "9", 10, False),
    ("number", "between", "1", "9", None, False),
    ("number", "is_empty", "", "", None, True),
    ("number", "is_empty", "", "", "", True),
    ("number", "is_empty", "", "", 0, False),  # zero is a value
    ("number", "is_not_empty", "", "", 0, True),
    ("number", "is_not_empty", "", "", None, False),
    ("decimal", "eq", "1234.560", "", "1234.56", True),
    ("decimal", "eq", "1234.5", "", 1234.56, False),
    ("decimal", "ne", "0.1", "", 0.2, True),
    ("decimal", "ne", "2.50", "", 2.5, False),
    ("decimal", "lt", "1234.57", "", "1234.56", True),
    ("decimal", "lt", "1234.56", "", "1234.56", False),
    ("decimal", "le", "1234.56", "", 1234.56, True),
    ("decimal", "le", "1234.55", "", 1234.56, False),
    ("decimal", "gt", "-2.5", "", -2.25, True),
    ("decimal", "gt", "-2.25", "", -2.25, False),
    ("decimal", "ge", "-2.25", "", -2.25, True),
    ("decimal", "ge", "0", "", -2.25, False),
    ("decimal", "between", "0.5", "0.75", 0.75, True),
    ("decimal", "between", "0.5", "0.75", 0.5, True),
    ("decimal", "between", "0.5", "0.75", 0.76, False),
    ("decimal", "is_empty", "", "", None, True),
    ("decimal", "is_empty", "", "", 0.0, False),
    ("decimal", "is_not_empty", "", "", 0.01, True),
    ("decimal", "is_not_empty", "", "", _MISSING, False),
]


@pytest.mark.parametrize("kind,operator,value,value2,actual,expected", NUMBER_CASES)
def test_number_operators(kind, operator, value, value2, actual, expected):
    check(kind, operator, actual, expected, value=value, value2=value2)


@pytest.mark.parametrize("operator", ["eq", "ne", "lt", "le", "gt", "ge"])
@pytest.mark.parametrize("actual", ["NaN", "Infinity", "-inf", "sNaN", "twelve", True])
def test_a_number_field_holding_no_number_never_compares_and_never_crashes(operator, actual):
    condition = Condition.load({"field": "Amount", "operator": operator, "value": "5"})
    holds = criteria.condition_holds(MODULE.field("Amount"), condition, {"Amount": actual})
    assert holds is (operator == "ne")


# --------------------------------------------------------------------------- date types

DATE_CASES = [
    # (type, operator, value, value2, actual, expected)
    ("date", "is", "2024-05-17", "", "2024-05-17", True),
    ("date", "is", "2024-05-18", "", "2024-05-17", False),
    ("date", "is", "2024-05-17", "", None, False),
    ("date", "is_not", "2024-05-18", "", "2024-05-17", True),
    ("date", "is_not", "2024-05-17", "", "2024-05-17", False),
    ("date", "is_not", "2024-05-17", "", None, True),
    ("date", "before", "2024-05-18", "", "2024-05-17", True),
    ("date", "before", "2024-05-17", "", "2024-05-17", False),
    ("date", "before", "2025-01-01", "", "2024-12-31", True),
    ("date", "before", "2024-05-18", "", None, False),
    ("date", "after", "2024-05-16", "", "2024-05-17", True),
    ("date", "after", "2024-05-17", "", "2024-05-17", False),
    ("date", "after", "2024-05-18", "", "2024-05-17", False),
    ("date", "between", "2024-05-01", "2024-05-31", "2024-05-17", True),
    ("date", "between", "2024-05-17", "2024-05-17", "2024-05-17", True),
    ("date", "between", "2024-06-01", "2024-06-30", "2024-05-17", False),
    ("date", "between", "2024-05-01", "2024-05-31", "", False),
    ("date", "is_empty", "", "", None, True),
    ("date", "is_empty", "", "", "2024-05-17", False),
    ("date", "is_not_empty", "", "", "2024-05-17", True),
    ("date", "is_not_empty", "", "", "", False),
    ("datetime", "is", "2024-05-17T10:30:00Z", "", "2024-05-17T10:30:00+00:00", True),
    ("datetime", "is", "2024-05-17T12:30:00+02:00", "", "2024-05-17T10:30:00Z", True),
    ("datetime", "is", "2024-05-17T10:30:01Z", "", "2024-05-17T10:30:00Z", False),
    ("datetime", "is_not", "2024-05-17T10:30:01Z", "", "2024-05-17T10:30:00Z", True),
    ("datetime", "is_not", "2024-05-17T10:30:00", "", "2024-05-17T10:30:00Z", False),
    ("datetime", "before", "2024-05-17T10:30:01Z", "", "2024-05-17T10:30:00Z", True),
    ("datetime", "before", "2024-05-17T10:30:00Z", "", "2024-05-17T10:30:00Z", False),
    ("datetime", "before", "2024-05-17T11:00:00+02:00", "", "2024-05-17T10:30:00Z", False),
    ("datetime", "after", "2024-05-17T10:29:59Z", "", "2024-05-17T10:30:00Z", True),
    ("datetime", "after", "2024-05-17", "", "2024-05-17T10:30:00Z", True),  # from midnight
    ("datetime", "after", "2024-05-18", "", "2024-05-17T10:30:00Z", False),
    ("datetime", "between", "2024-05-17", "2024-05-18", "2024-05-17T10:30:00Z", True),
    ("datetime", "between", "2024-05-17T10:31:00Z", "2024-05-18", "2024-05-17T10:30:00Z", False),
    ("datetime", "is_empty", "", "", None, True),
    ("datetime", "is_empty", "", "", "2024-05-17T10:30:00Z", False),
    ("datetime", "is_not_empty", "", "", "2024-05-17T10:30:00Z", True),
    ("datetime", "is_not_empty", "", "", _MISSING, False),
]


@pytest.mark.parametrize("kind,operator,value,value2,actual,expected", DATE_CASES)
def test_date_operators(kind, operator, value, value2, actual, expected):
    check(kind, operator, actual, expected, value=value, value2=value2)


# ------------------------------------------------------------------- the remaining types

ZYLKER = {"id": "4150868000000224005", "name": "Zylker"}
PATRICIA = {"id": "4150868000000225013", "name": "Patricia Boyle", "email": "p@zylker.com"}

OTHER_CASES = [
    # (type, operator, value, actual, expected)
    ("picklist", "is", "Won", "Won", True),
    ("picklist", "is", "Won", "won", True),
    ("picklist", "is", "New", "Won", False),
    ("picklist", "is", "New", None, False),
    ("picklist", "is_not", "New", "Won", True),
    ("picklist", "is_not", "Won", "Won", False),
    ("picklist", "is_empty", "", None, True),
    ("picklist", "is_empty", "", "Won", False),
    ("picklist", "is_not_empty", "", "Won", True),
    ("picklist", "is_not_empty", "", "", False),
    ("boolean", "is", "true", True, True),
    ("boolean", "is", "TRUE", True, True),
    ("boolean", "is", "false", True, False),
    ("boolean", "is", "false", False, True),
    ("boolean", "is", "true", False, False),
    ("boolean", "is", "false", None, True),  # an unticked box
    ("boolean", "is", "true", None, False),
    ("boolean", "is", True, True, True),
    ("lookup", "is", "Zylker", ZYLKER, True),
    ("lookup", "is", "zylker", ZYLKER, True),
    ("lookup", "is", "4150868000000224005", ZYLKER, True),
    ("lookup", "is", "Zylker Inc", ZYLKER, False),
    ("lookup", "is", "4150868000000224005", "4150868000000224005", True),  # a plain id
    ("lookup", "is", "4150868000000224005", 4150868000000224005, True),
    ("lookup", "is", "Zylker", "4150868000000224005", False),
    ("lookup", "is", "Zylker", None, False),
    ("lookup", "is_not", "Other", ZYLKER, True),
    ("lookup", "is_not", "Zylker", ZYLKER, False),
    ("lookup", "is_not", "4150868000000224005", ZYLKER, False),
    ("lookup", "is_not", "4150868000000224005", "4150868000000224005", False),
    ("lookup", "is_not", "1", "4150868000000224005", True),
    ("lookup", "is_empty", "", None, True),
    ("lookup", "is_empty", "", {}, True),
    ("lookup", "is_empty", "", ZYLKER, False),
    ("lookup", "is_not_empty", "", ZYLKER, True),
    ("lookup", "is_not_empty", "", "4150868000000224005", True),
    ("lookup", "is_not_empty", "", None, False),
    ("owner", "is", "Patricia Boyle", PATRICIA, True),
    ("owner", "is", "4150868000000225013", PATRICIA, True),
    ("owner", "is", "Patricia", PATRICIA, False),
    ("owner", "is", "4150868000000225013", "4150868000000225013", True),
    ("owner", "is_not", "Someone Else", PATRICIA, True),
    ("owner", "is_not", "patricia boyle", PATRICIA, False),
    ("owner", "is_empty", "", None, True),
    ("owner", "is_empty", "", PATRICIA, False),
    ("owner", "is_not_empty", "", PATRICIA, True),
    ("owner", "is_not_empty", "", "", False),
    ("id", "is", "4150868000000224005", "4150868000000224005", True),
    ("id", "is", "4150868000000224005", 4150868000000224005, True),
    ("id", "is", "4150868000000224006", "4150868000000224005", False),
    ("id", "is_not", "4150868000000224006", "4150868000000224005", True),
    ("id", "is_not", "4150868000000224005", "4150868000000224005", False),
    ("id", "is_empty", "", _MISSING, True),
    ("id", "is_empty", "", "4150868000000224005", False),
    ("id", "is_not_empty", "", "4150868000000224005", True),
    ("id", "is_not_empty", "", "", False),
    ("tag", "contains", "vip", [{"name": "VIP", "id": "1"}, {"name": "Partner"}], True),
    ("tag", "contains", "Partner", [{"name": "VIP", "id": "1"}, {"name": "Partner"}], True),
    ("tag", "contains", "Part", [{"name": "Partner"}], False),  # whole tags, not substrings
    ("tag", "contains", "VIP", ["vip", "cold"], True),
    ("tag", "contains", "vip", [], False),
    ("tag", "contains", "vip", None, False),
    ("tag", "not_contains", "cold", [{"name": "VIP"}], True),
    ("tag", "not_contains", "vip", [{"name": "VIP"}], False),
    ("tag", "not_contains", "vip", None, True),
    ("tag", "is_empty", "", [], True),
    ("tag", "is_empty", "", None, True),
    ("tag", "is_empty", "", [{"name": "VIP"}], False),
    ("tag", "is_not_empty", "", [{"name": "VIP"}], True),
    ("tag", "is_not_empty", "", [], False),
]


@pytest.mark.parametrize("kind,operator,value,actual,expected", OTHER_CASES)
def test_other_operators(kind, operator, value, actual, expected):
    check(kind, operator, actual, expected, value=value)


def test_the_tables_cover_every_operator_of_every_field_type():
    covered = {(kind, op) for kind, op, *_ in NUMBER_CASES + DATE_CASES + OTHER_CASES}
    covered |= {(p.values[0], p.values[1]) for p in _text_cases()}
    offered = {(kind, op) for kind, ops in schema.OPERATORS_BY_TYPE.items() for op in ops}
    assert offered - covered == set()
    assert set(schema.OPERATORS_BY_TYPE) == {field["type"] for field in MODULE.fields}


def test_each_operator_has_a_label_and_no_value_operators_are_offered_where_listed():
    for operators in schema.OPERATORS_BY_TYPE.values():
        assert set(operators) <= set(schema.OPERATORS)
    assert schema.OPERATORS["is_not"] == "isn't"
    assert schema.OPERATORS["not_contains"] == "doesn't contain"
    assert schema.OPERATORS["ne"] == "!="
    # Text types never offer ordering, number types never offer substring tests.
    for kind in schema.TEXT_TYPES:
        assert not {"lt", "gt", "between", "before"} & set(schema.OPERATORS_BY_TYPE[kind])
    for kind in schema.NUMBER_TYPES:
        assert not {"contains", "starts_with", "before"} & set(schema.OPERATORS_BY_TYPE[kind])
    assert schema.OPERATORS_BY_TYPE["boolean"] == ["is"]
