"""Rule criteria: condition validation, patterns such as ``(1 and 2) or 3``, evaluate().

Most of these tests need no database: criteria work on a module definition and a record map.
"""

from __future__ import annotations

import itertools

import pytest

from tests.workflows.things import MODULE
from workflows import criteria, schema
from workflows.criteria import Node, PatternError, evaluate, parse_pattern, validate_condition
from workflows.schemas import Condition, load_list

# ---------------------------------------------------------------------- validate_condition


def cond(field, operator, value="", value2=""):
    return Condition.load({"field": field, "operator": operator, "value": value, "value2": value2})


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
        (Condition.load({"field": "Name", "operator": "contains"}), "Give a value for Name."),
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
        (Condition.load({"operator": "is", "value": "x"}), "“” is not a field of Things."),
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

CONDITIONS = load_list(
    Condition,
    [
        {"field": "Email", "operator": "ends_with", "value": "@zylker.com", "value2": ""},
        {"field": "Count", "operator": "between", "value": "10", "value2": "20"},
        {"field": "Stage", "operator": "is", "value": "Won"},
    ],
)
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
    gone = Condition.load({"field": "Nickname", "operator": "is_empty", "value": ""})
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
    stale = Condition.load({"field": "Count", "operator": "contains", "value": "1"})
    outcome = evaluate(MODULE, [stale], "", {"Count": 1})
    assert outcome.matched is False
    assert outcome.conditions[0]["problem"] == "“contains” does not apply to Count."
    unknown_operator = Condition.load({"field": "Name", "operator": "like", "value": "x"})
    outcome = evaluate(MODULE, [unknown_operator], "1", {"Name": "x"})
    assert outcome.matched is False and outcome.conditions[0]["operator"] == "?"


def test_custom_fields_take_part_in_criteria(db, topping):
    from workflows.models import ModuleField

    ModuleField.objects.create(
        topping=topping, module="Contacts", api_name="Tier", label="Tier", type="picklist",
        values=["Gold", "Silver"],
    )  # fmt: skip
    contacts = schema.get_module(topping, "Contacts")
    gold = Condition.load({"field": "Tier", "operator": "is", "value": "Gold"})
    assert evaluate(contacts, [gold], "", {"Tier": "Gold"}).matched is True
    assert evaluate(contacts, [gold], "", {"Tier": "Silver"}).matched is False
    assert evaluate(schema.get_module(None, "Contacts"), [gold], "", {"Tier": "Gold"}).matched is (
        False
    )
