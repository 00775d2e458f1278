"""A new kind of action is one module plus one line in ACTION_KINDS: nothing else in the
project lists the kinds. The kind here is built in the test and put in the table only."""

from __future__ import annotations

import types
from dataclasses import dataclass

import pytest
from django import forms

from tests.workflows.pages import url
from workflows import dispatch
from workflows.actions import ACTION_KINDS
from workflows.actions.base import ActionForm
from workflows.models import Action, Execution
from workflows.outcome import Outcome


@dataclass(frozen=True)
class NoteConfig:
    text: str = ""

    @classmethod
    def load(cls, data: dict) -> NoteConfig:
        return cls(text=data.get("text", ""))

    def dump(self) -> dict:
        return {"text": self.text}


class NoteForm(ActionForm):
    kind = "note"
    text = forms.CharField(max_length=100)

    def config_from(self, data: dict) -> NoteConfig:
        return NoteConfig(text=data["text"])


def _run(execution: Execution) -> Outcome:
    text = NoteConfig.load(execution.action.config).text
    return Outcome(True, return_value=f"noted: {text} for {execution.record_id}")


NOTE = types.SimpleNamespace(
    name="note",
    label="Note",
    needs_record=False,
    Config=NoteConfig,
    Form=NoteForm,
    summary=lambda action: f"note {NoteConfig.load(action.config).text}",
    connection_names=lambda config: [],
    check_limits=lambda rule, others: "",
    run=_run,
)


@pytest.fixture
def note_kind(monkeypatch):
    monkeypatch.setitem(ACTION_KINDS, "note", NOTE)
    return NOTE


def test_a_kind_in_the_table_is_offered_saved_and_run(
    note_kind, topping, owner, client_for, make_rule, drain, django_capture_on_commit_callbacks
):
    rule = make_rule(name="Note it")
    client = client_for(owner)
    page = client.get(rule.get_absolute_url()).content.decode()
    assert url("action_create", topping, rule.pk, "note") in page
    form_page = client.get(url("action_create", topping, rule.pk, "note"))
    assert form_page.status_code == 200 and 'name="text"' in form_page.content.decode()
    response = client.post(
        url("action_create", topping, rule.pk, "note"),
        {"text": "hello", "delay": "0", "delay_unit": "minutes"},
    )
    assert response.status_code == 302
    action = Action.objects.get(kind="note")
    assert action.config == {"text": "hello"} and action.summary == "note hello"
    assert action.get_kind_display() == "Note"
    with django_capture_on_commit_callbacks(execute=True):
        dispatch.record_event(
            topping, module="Contacts", operation="create", record={"ID": "9", "Last_Name": "X"}
        )
    assert drain() == ["succeeded"]
    execution = Execution.objects.get(action=action)
    assert execution.return_value == "noted: hello for 9"
    assert execution.get_kind_display() == "Note"
