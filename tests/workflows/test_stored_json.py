"""Stored JSON goes through typed schemas and comes back as it was stored, key for key.

These tests need no database: the schemas work on the JSON alone.
"""

from __future__ import annotations

import json

import pytest
from django.template.loader import get_template

from workflows.actions import ACTION_KINDS, base
from workflows.models import Action, Execution, execution_kind_choices
from workflows.schemas import (
    Attempt,
    Condition,
    ErrorInfo,
    Param,
    RuleEvaluation,
    TriggerField,
)

# As the forms, the runner, the dispatcher, the pump and the isolation layer write them.
STORED = [
    (Param, {"name": "contact", "type": "map"}),
    (TriggerField, {"field": "Stage", "to": "Closed Won"}),
    (Condition, {"field": "Count", "operator": "between", "value": "1", "value2": "5"}),
    (Condition, {"field": "Active", "operator": "is", "value": True, "value2": ""}),
    (RuleEvaluation, {"rule": 3, "name": "Other", "matched": False, "reason": "not edit"}),
    (
        RuleEvaluation,
        {
            "rule": 4,
            "name": "Sync",
            "matched": True,
            "conditions": [{"number": 1, "field": "Email", "result": True}],
            "reason": "created",
        },
    ),
    (ErrorInfo, {"message": "POST answered 500"}),
    (ErrorInfo, {"type": "Limit exceeded", "message": "stopped after 1.5 s"}),
    (ErrorInfo, {"type": "Runtime error", "message": "boom", "line": None, "column": None}),
    (ErrorInfo, {"message": "Division by zero", "line": 2, "column": 7}),
    (
        ErrorInfo,
        {
            "type": "Runtime error",
            "message": "x",
            "line": 1,
            "column": 5,
            "source_line": "a = 1/0;",
        },
    ),
    (Attempt, {"attempt": 1, "at": "2026-01-01T00:00:00+00:00", "ok": True, "ms": 3.5}),
    (
        Attempt,
        {"attempt": 2, "at": "2026-01-01T00:01:00+00:00", "ok": False, "ms": 1.0, "error": "late"},
    ),
    (
        ACTION_KINDS["function"].Config,
        {"arguments": {"email": {"source": "field", "value": "Email"}}},
    ),
    (
        ACTION_KINDS["webhook"].Config,
        {
            "method": "POST",
            "url": "https://hooks.example.com/c/${Contacts.ID}",
            "headers": [["X-Source", "console"]],
            "body": '{"email": "${Contacts.Email}"}',
            "connection": "books",
        },
    ),
    (ACTION_KINDS["field_update"].Config, {"field": "Probability", "value": 90}),
    (ACTION_KINDS["field_update"].Config, {"field": "Title", "value": None}),
]


@pytest.mark.parametrize(("schema", "stored"), STORED)
def test_stored_json_comes_back_byte_for_byte(schema, stored):
    assert json.dumps(schema.load(stored).dump()) == json.dumps(stored)


def test_rows_written_before_a_key_existed_still_load():
    assert TriggerField.load({"field": "Email"}) == TriggerField("Email", "")
    assert Condition.load({"field": "Stage", "operator": "is_empty"}).value2 == ""
    assert ACTION_KINDS["webhook"].Config.load({"url": "http://h"}).method == "POST"
    assert ACTION_KINDS["function"].Config.load({}).arguments == {}


def test_an_executions_error_and_log_are_read_through_their_schemas():
    execution = Execution(
        error={"message": "Division by zero", "line": 2, "column": 7},
        log=[{"attempt": 1, "at": "t", "ok": False, "ms": 2.0, "error": "Division by zero"}],
    )
    assert execution.error_info.message == "Division by zero"
    assert execution.error_info.position.line == 2
    assert [entry.error for entry in execution.attempt_log()] == ["Division by zero"]
    assert Execution(error=None).error_info is None


# ------------------------------------------------------------------------------ action kinds


@pytest.mark.parametrize("key", list(ACTION_KINDS))
def test_each_action_kind_has_every_part_of_the_interface(key):
    kind = ACTION_KINDS[key]
    parts = [name for name in dir(base.ActionKind) if not name.startswith("_")]
    parts += list(base.ActionKind.__annotations__)
    assert all(hasattr(kind, part) for part in parts)
    assert kind.name == key and kind.Form.kind == key
    assert issubclass(kind.Form, base.ActionForm)
    get_template(f"workflows/actions/{key}_form.html")  # its form partial exists


def test_the_kind_choices_come_from_the_table():
    assert Action.Kind.choices == [(key, kind.label) for key, kind in ACTION_KINDS.items()]
    assert Action.Kind.FIELD_UPDATE == "field_update"
    assert [key for key, _ in execution_kind_choices()] == [*ACTION_KINDS, "test", "install"]
