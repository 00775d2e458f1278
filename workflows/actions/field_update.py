"""A rule action that sets one field of the record that triggered the rule.

As in the host application, a rule sets at most three fields, and a rule on Delete none.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django import forms

import deluge
from workflows import records, schema
from workflows.actions.base import ActionForm
from workflows.models import Action, Execution, Rule
from workflows.outcome import Outcome, failure, host_failure, new_host
from workflows.rule_forms import field_choices

name = "field_update"
label = "Field update"
needs_record = True

MAX_FIELD_UPDATES = 3


@dataclass(frozen=True)
class Config:
    """``{"field", "value"}``; the value as the field stores it, None to clear it."""

    field: str = ""
    value: Any = None

    @classmethod
    def load(cls, data: dict) -> Config:
        return cls(field=data.get("field", ""), value=data.get("value"))

    def dump(self) -> dict:
        return {"field": self.field, "value": self.value}


class Form(ActionForm):
    kind = name

    field = forms.ChoiceField()
    value = forms.CharField(required=False, help_text="Leave empty to clear the field.")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["field"].choices = field_choices(self.module, self.module.writable_fields())
        config = Config.load(self.instance.config)
        value = config.value
        shown = ("true" if value else "false") if isinstance(value, bool) else value
        self.initial.update(field=config.field, value=shown)

    def clean(self) -> dict:
        data = super().clean()
        field = self.module.field(data.get("field", ""))
        if field is None:
            return data
        value = typed_value(field, data.get("value", ""))
        problem = schema.check_value(field, value)
        if problem:
            self.add_error("value", f"{field['label']} {problem}.")
        data["value"] = value
        return data

    def config_from(self, data: dict) -> Config:
        return Config(field=data["field"], value=data["value"])


def typed_value(field: dict, text: str):
    """Form text as the field stores it: numbers as numbers, checkboxes as booleans."""
    text = text.strip()
    if text == "":
        return None
    if field["type"] == "boolean":
        lowered = text.lower()
        return {"true": True, "false": False}.get(lowered, text)
    if field["type"] == "number" and re.fullmatch(r"-?\d{1,18}", text):
        return int(text)
    return text


def summary(action: Action) -> str:
    config = Config.load(action.config)
    return f"{config.field} = {config.value}"


def connection_names(config: Config) -> list[str]:
    return []


def check_limits(rule: Rule, others: Sequence[Action]) -> str:
    if rule.trigger == Rule.Trigger.DELETE:
        return "A rule on Delete cannot update fields: the record is gone."
    if sum(1 for action in others if action.kind == name) >= MAX_FIELD_UPDATES:
        return f"A rule can update at most {MAX_FIELD_UPDATES} fields."
    return ""


def run(execution: Execution) -> Outcome:
    config = Config.load(execution.action.config) if execution.action else Config()
    module = schema.get_module(execution.topping, execution.module)
    field = module.field(config.field) if module else None
    if field is None or field.get("read_only"):
        return failure(f"{config.field} cannot be updated.")
    problem = schema.check_value(field, config.value)
    if problem:
        return failure(f"{field['label']} {problem}.")
    host = new_host(execution)
    try:
        answer = host.integration(
            records.host_app(execution.topping),
            "updateRecord",
            [execution.module, execution.record_id, {config.field: config.value}],
        )
    except deluge.DelugeRuntimeError as error:
        return host_failure(error, host)
    return Outcome(True, return_value=answer, calls=host.calls)
