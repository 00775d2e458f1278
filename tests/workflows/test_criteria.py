"""Rule criteria: every operator on every field type, condition validation, patterns, evaluate().

These tests need no database: criteria work on a module definition and a record map.
"""

from __future__ import annotations

import itertools

import pytest

from workflows import criteria, schema
from workflows.criteria import Node, PatternError, evaluate, parse_pattern, validate_condition

# One field of every type the schema knows, as ``get_module`` would return them.
MODULE = schema.Module(
    "Things",
    "Thing",
    "Name",
    (
        {"api_name": "ID", "label": "ID", "type": "id", "read_only": True},
        {"api_name": "Name", "label": "Name", "type": "text"},
        {"api_name": "Notes", "label": "Notes", "type": "textarea"},
        {"api_name": "Email", "label": "Email", "type": "email"},
        {"api_name": "Phone", "label": "Phone", "type": "phone"},
        {"api_name": "Site", "label": "Site", "type": "url"},
        {"api_name": "Count", "label": "Count", "type": "number"},
        {"api_name": "Amount", "label": "Amount", "type": "decimal"},
        {"api_name": "Day", "label": "Day", "type": "date"},
        {"api_name": "When", "label": "When", "type": "datetime"},
        {"api_name": "Stage", "label": "Stage", "type": "picklist", "values": ["New", "Won"]},
        {"api_name": "Active", "label": "Active", "type": "boolean"},
        {"api_name": "Company", "label": "Company", "type": "lookup", "lookup": "Companies"},
        {"api_name": "Owner", "label": "Owner", "type": "owner"},
        {"api_name": "Tag", "label": "Tag", "type": "tag"},
    ),
)
FIELD_OF_TYPE = {field["type"]: field["api_name"] for field in MODULE.fields}

_MISSING = object()  # the record has no such key at all


def check(field_type: str, operator: str, actual, expected: bool, value="", value2=""):
    """Assert one condition on the field of ``field_type`` against a record holding ``actual``."""
    name = FIELD_OF_TYPE[field_type]
    condition = {"field": name, "operator": operator, "value": value, "value2": value2}
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
    condition = {"field": "Amount", "operator": operator, "value": "5"}
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


# ---------------------------------------------------------------------- validate_condition


def cond(field, operator, value="", value2=""):
    return {"field": field, "operator": operator, "value": value, "value2": value2}


@pytest.mark.parametrize(
    "condition,message",
    [
        (cond("Name", "lt", "5"), "“<” does not apply to Name."),
        (cond("Name", "between", "a", "b"), "“between” does not apply to Name."),
        (cond("Email", "before", "x"), "“before” does not apply to Email."),
        (cond("Count", "contains", "1"), "“contains” does not apply to Count."),
        (cond("Amount", "is", "1"), "“is” does not apply to Amount."),
        (cond("Day", "contains", "2024"), "“contains” does not apply to Day."),
        (cond("Day", "lt", "2024-01-01"), "“<” does not apply to Day."),
        (cond("When", "eq", "2024-01-01"), "“=” does not apply to When."),
        (cond("Stage", "contains", "W"), "“contains” does not apply to Stage."),
        (cond("Active", "is_not", "true"), "“isn't” does not apply to Active."),
        (cond("Active", "is_empty"), "“is empty” does not apply to Active."),
        (cond("Company", "contains", "Zyl"), "“contains” does not apply to Company."),
        (cond("Owner", "starts_with", "P"), "“starts with” does not apply to Owner."),
        (cond("Tag", "is", "vip"), "“is” does not apply to Tag."),
        (cond("ID", "gt", "5"), "“>” does not apply to ID."),
        (cond("Name", "like", "x"), "“like” does not apply to Name."),
        (cond("Name", ""), "“” does not apply to Name."),
        (cond("Name", "is", ""), "Give a value for Name."),
        (cond("Name", "is", None), "Give a value for Name."),
        ({"field": "Name", "operator": "contains"}, "Give a value for Name."),
        (cond("Stage", "is", ""), "Give a value for Stage."),
        (cond("Company", "is", ""), "Give a value for Company."),
        (cond("Tag", "contains", ""), "Give a value for Tag."),
        (cond("Count", "eq", ""), "Give a value for Count."),
        (cond("Count", "between", "1"), "Give both ends of the range for Count."),
        (cond("Count", "between", "1", None), "Give both ends of the range for Count."),
        (cond("Amount", "between", "", "5"), "Give a value for Amount."),
        (cond("Day", "between", "2024-01-01"), "Give both ends of the range for Day."),
        (cond("When", "between", "2024-01-01"), "Give both ends of the range for When."),
        (cond("Count", "eq", "ten"), "Count compares with a number."),
        (cond("Count", "gt", "1,000"), "Count compares with a number."),
        (cond("Amount", "lt", "12.5.1"), "Amount compares with a number."),
        (cond("Amount", "between", "1", "lots"), "Amount compares with a number."),
        (cond("Amount", "eq", "NaN"), "Amount compares with a number."),
        (cond("Amount", "gt", "Infinity"), "Amount compares with a number."),
        (cond("Day", "is", "yesterday"), "Day compares with a date (YYYY-MM-DD)."),
        (cond("Day", "is", "17/05/2024"), "Day compares with a date (YYYY-MM-DD)."),
        (cond("Day", "before", "2024-02-30"), "Day compares with a date (YYYY-MM-DD)."),
        (cond("Day", "after", "2024-05-17junk"), "Day compares with a date (YYYY-MM-DD)."),
        (cond("Day", "between", "2024-01-01", "soon"), "Day compares with a date (YYYY-MM-DD)."),
        (cond("When", "after", "2024-05-17T25:00:00"), "When compares with a date (YYYY-MM-DD)."),
        (cond("When", "before", "next week"), "When compares with a date (YYYY-MM-DD)."),
        (cond("Stage", "is", "Maybe"), "“Maybe” is not a value of Stage."),
        (cond("Stage", "is_not", "won"), "“won” is not a value of Stage."),
        (cond("Active", "is", "yes"), "Active is true or false."),
        (cond("Active", "is", ""), "Active is true or false."),
        (cond("Gone", "is", "x"), "“Gone” is not a field of Things."),
        ({"operator": "is", "value": "x"}, "“” is not a field of Things."),
    ],
)
def test_validate_condition_rejects(condition, message):
    assert validate_condition(MODULE, condition) == message


@pytest.mark.parametrize(
    "condition",
    [
        cond("Name", "is_empty"),
        cond("Name", "is_not_empty", None),
        cond("Tag", "is_empty"),
        cond("Count", "is_empty"),
        cond("Day", "is_not_empty"),
        cond("Name", "contains", "0"),
        cond("Count", "eq", "0"),
        cond("Count", "between", "-5", "5"),
        cond("Amount", "ge", "-0.25"),
        cond("Day", "between", "2024-01-01", "2024-12-31"),
        cond("Day", "is", "2024-05-17T10:00:00Z"),  # a date-time names its day
        cond("When", "after", "2024-05-17T10:30:00+02:00"),
        cond("When", "before", "2024-05-17"),
        cond("Stage", "is", "Won"),
        cond("Active", "is", "false"),
        cond("Active", "is", True),
        cond("Company", "is", "Zylker"),
        cond("Owner", "is_not", "4150868000000225013"),
        cond("ID", "is", "4150868000000224005"),
        cond("Tag", "not_contains", "vip"),
    ],
)
def test_validate_condition_accepts(condition):
    assert validate_condition(MODULE, condition) is None


def test_validate_condition_on_a_real_module():
    contacts = schema.get_module(None, "Contacts")
    assert validate_condition(contacts, cond("Email", "ends_with", "@zylker.com")) is None
    assert validate_condition(contacts, cond("Lead_Source", "is", "Trade Show")) is None
    assert validate_condition(contacts, cond("Lead_Source", "is", "Trade show")) == (
        "“Trade show” is not a value of Lead Source."
    )
    assert validate_condition(contacts, cond("Email_Opt_Out", "is", "true")) is None
    assert validate_condition(contacts, cond("Date_of_Birth", "gt", "1990-01-01")) == (
        "“>” does not apply to Date of Birth."
    )
    assert "not a field of Contacts" in validate_condition(contacts, cond("Amount", "eq", "1"))


# ---------------------------------------------------------------------------- patterns


def truth(tree: Node, values: tuple[bool, ...]) -> bool:
    return criteria._evaluate_tree(tree, dict(enumerate(values, start=1)))


@pytest.mark.parametrize(
    "pattern,count,meaning",
    [
        ("1", 1, lambda a: a),
        ("  1  ", 1, lambda a: a),
        ("(1)", 1, lambda a: a),
        ("1 and 2", 2, lambda a, b: a and b),
        ("1 or 2", 2, lambda a, b: a or b),
        ("1 AND 2", 2, lambda a, b: a and b),
        ("1 Or 2", 2, lambda a, b: a or b),
        ("1and 2", 2, lambda a, b: a and b),
        ("(1 and 2) or 3", 3, lambda a, b, c: (a and b) or c),
        ("(1 and 2)or 3", 3, lambda a, b, c: (a and b) or c),
        ("1 OR (2 AND 3)", 3, lambda a, b, c: a or (b and c)),
        ("(1 or 2) and (3 or 4)", 4, lambda a, b, c, d: (a or b) and (c or d)),
        ("((1 or 2) and 3) or 4", 4, lambda a, b, c, d: ((a or b) and c) or d),
        ("1 and (2 or (3 and (4 or 5)))", 5, lambda a, b, c, d, e: a and (b or (c and (d or e)))),
        ("((((1))))", 1, lambda a: a),
        ("3 or 2 or 1", 3, lambda a, b, c: a or b or c),
        ("1 or (1 and 2)", 2, lambda a, b: a or (a and b)),  # a number may be used twice
        ("", 3, lambda a, b, c: a and b and c),  # empty: all of them
        ("   ", 2, lambda a, b: a and b),
        (None, 2, lambda a, b: a and b),
    ],
)
def test_valid_patterns_mean_what_they_say(pattern, count, meaning):
    tree = parse_pattern(pattern, count)
    for values in itertools.product([False, True], repeat=count):
        assert truth(tree, values) is bool(meaning(*values)), values


def test_pattern_trees():
    ref = lambda n: Node("ref", ref=n)  # noqa: E731
    assert parse_pattern("1", 1) == ref(1)
    assert parse_pattern("(1 and 2) or 3", 3) == Node("or", (Node("and", (ref(1), ref(2))), ref(3)))
    assert parse_pattern("", 3) == Node("and", (ref(1), ref(2), ref(3)))
    assert parse_pattern("", 1) == ref(1)
    assert parse_pattern("", 0) is None
    assert parse_pattern(None, 0) is None
    assert criteria.default_pattern(3) == "1 and 2 and 3"


@pytest.mark.parametrize(
    "pattern,count,message",
    [
        ("1 and", 2, "The pattern ends too early."),
        ("1 and 2 and", 2, "ends too early"),
        ("(", 1, "The pattern ends too early."),
        ("(1 or 2", 2, "A “(” is not closed."),
        ("((1 or 2) and 3", 3, "A “(” is not closed."),
        ("1 and 2 or 3", 3, "Use parentheses to combine “and” with “or”."),
        ("1 or 2 and 3", 3, "Use parentheses"),
        ("(1 and 2 or 3)", 3, "Use parentheses"),
        ("1 2", 2, "The pattern has an unmatched “)” or a missing and/or."),
        ("(1 and 2) 3", 3, "missing and/or"),
        ("1 and 2)", 2, "unmatched “)”"),
        ("4", 3, "There is no condition 4."),
        ("1 and 2 and 3 and 4", 3, "There is no condition 4."),
        ("0", 1, "There is no condition 0."),
        ("1 or 00", 1, "There is no condition 0."),
        ("1 and 2", 3, "The pattern does not use condition 3."),
        ("2", 3, "The pattern does not use condition 1, 3."),
        ("1 and x", 2, "Unexpected “x” in the pattern."),
        ("1 && 2", 2, "Unexpected “&” in the pattern."),
        ("1, 2", 2, "Unexpected “,” in the pattern."),
        ("1 and 2;", 2, "Unexpected “;” in the pattern."),
        ("1 andor 2", 2, "Unexpected “a” in the pattern."),
        (")", 1, "A condition number is missing in the pattern."),
        ("()", 1, "A condition number is missing"),
        ("and 1", 1, "A condition number is missing"),
        ("1 and or 2", 2, "A condition number is missing"),
        ("1", 0, "There are no conditions to combine."),
        ("1 and 2", 0, "There are no conditions to combine."),
    ],
)
def test_bad_patterns(pattern, count, message):
    with pytest.raises(PatternError) as raised:
        parse_pattern(pattern, count)
    assert message in str(raised.value)
    assert isinstance(raised.value, ValueError)  # forms may catch ValueError


def test_a_deeply_nested_pattern_is_a_pattern_error_not_a_crash():
    pattern = "(" * 5000 + "1" + ")" * 5000
    with pytest.raises(PatternError, match="nested"):
        parse_pattern(pattern, 1)
    assert parse_pattern("(" * 50 + "1" + ")" * 50, 1) == Node("ref", ref=1)


# ---------------------------------------------------------------------------- evaluate()

CONDITIONS = [
    {"field": "Email", "operator": "ends_with", "value": "@zylker.com", "value2": ""},
    {"field": "Count", "operator": "between", "value": "10", "value2": "20"},
    {"field": "Stage", "operator": "is", "value": "Won"},
]
RECORD = {"ID": "1", "Email": "ada@zylker.com", "Count": 25, "Stage": "Won"}


def test_evaluate_combines_conditions_by_the_pattern_and_explains_each_one():
    outcome = evaluate(MODULE, CONDITIONS, "(1 and 2) or 3", RECORD)
    assert outcome.matched is True
    assert outcome.conditions == [
        {
            "number": 1,
            "field": "Email",
            "operator": "ends with",
            "value": "@zylker.com",
            "value2": "",
            "actual": "ada@zylker.com",
            "result": True,
        },
        {
            "number": 2,
            "field": "Count",
            "operator": "between",
            "value": "10",
            "value2": "20",
            "actual": 25,
            "result": False,
        },
        {
            "number": 3,
            "field": "Stage",
            "operator": "is",
            "value": "Won",
            "value2": "",
            "actual": "Won",
            "result": True,
        },
    ]
    assert outcome.as_dict() == {"matched": True, "conditions": outcome.conditions}


@pytest.mark.parametrize(
    "pattern,record,matched",
    [
        ("(1 and 2) or 3", {**RECORD, "Stage": "New"}, False),
        ("(1 and 2) or 3", {**RECORD, "Stage": "New", "Count": 15}, True),
        ("1 and (2 or 3)", {**RECORD, "Email": "ada@example.com"}, False),
        ("1 and (2 or 3)", RECORD, True),
        ("", RECORD, False),  # all three: 2 fails
        ("", {**RECORD, "Count": "20"}, True),
        ("1 or 2 or 3", {"ID": "1"}, False),
    ],
)
def test_evaluate_results(pattern, record, matched):
    assert evaluate(MODULE, CONDITIONS, pattern, record).matched is matched


def test_no_conditions_matches_every_record():
    outcome = evaluate(MODULE, [], "", {})
    assert outcome.matched is True and outcome.conditions == []


def test_a_bad_pattern_never_matches_but_still_explains_the_conditions():
    outcome = evaluate(MODULE, CONDITIONS, "1 and 2 or 3", RECORD)
    assert outcome.matched is False
    assert [c["result"] for c in outcome.conditions] == [True, False, True]
    assert evaluate(MODULE, CONDITIONS, "1 or 3", RECORD).matched is False  # 2 unused


def test_a_condition_on_a_deleted_field_never_matches():
    gone = {"field": "Nickname", "operator": "is_empty", "value": ""}
    outcome = evaluate(MODULE, [gone], "", {"ID": "1"})
    assert outcome.matched is False
    assert outcome.conditions[0]["result"] is False
    assert outcome.conditions[0]["problem"] == "unknown field"
    # Not even through "or": a rule with a broken condition does not run at all.
    outcome = evaluate(MODULE, [gone, CONDITIONS[2]], "1 or 2", RECORD)
    assert [c["result"] for c in outcome.conditions] == [False, True]
    assert outcome.matched is False


def test_an_invalid_condition_is_reported_and_never_matches():
    # The field's type changed after the rule was saved: "contains" no longer applies.
    stale = {"field": "Count", "operator": "contains", "value": "1"}
    outcome = evaluate(MODULE, [stale], "", {"Count": 1})
    assert outcome.matched is False
    assert outcome.conditions[0]["problem"] == "“contains” does not apply to Count."
    unknown_operator = {"field": "Name", "operator": "like", "value": "x"}
    outcome = evaluate(MODULE, [unknown_operator], "1", {"Name": "x"})
    assert outcome.matched is False and outcome.conditions[0]["operator"] == "?"


def test_custom_fields_take_part_in_criteria(db, topping):
    from workflows.models import ModuleField

    ModuleField.objects.create(
        topping=topping, module="Contacts", api_name="Tier", label="Tier", type="picklist",
        values=["Gold", "Silver"],
    )  # fmt: skip
    contacts = schema.get_module(topping, "Contacts")
    gold = {"field": "Tier", "operator": "is", "value": "Gold"}
    assert evaluate(contacts, [gold], "", {"Tier": "Gold"}).matched is True
    assert evaluate(contacts, [gold], "", {"Tier": "Silver"}).matched is False
    assert evaluate(schema.get_module(None, "Contacts"), [gold], "", {"Tier": "Gold"}).matched is (
        False
    )
