"""The parts every kind of action has (``ActionKind``), and the form part they share."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol

from django import forms
from django.template import TemplateDoesNotExist
from django.template.loader import get_template

from workflows import schema
from workflows.models import Action, Rule

if TYPE_CHECKING:
    from workflows.models import Execution
    from workflows.outcome import Outcome


class ActionConfig(Protocol):
    """An action's ``config`` JSON, typed: ``load`` reads what is stored, ``dump`` writes it."""

    @classmethod
    def load(cls, data: dict) -> Any: ...

    def dump(self) -> dict: ...


class ActionForm(forms.ModelForm):
    """Delay and unit; each kind adds its own fields and builds its ``Config``."""

    kind: str = ""

    class Meta:
        model = Action
        fields = ["delay", "delay_unit"]
        labels = {"delay": "Run after", "delay_unit": "Unit"}
        help_texts = {"delay": "0 runs the action at once; more schedules it after the trigger."}

    def __init__(self, *args, rule: Rule, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.rule = rule
        self.module = schema.get_module(rule.topping, rule.module)

    @property
    def fields_template(self) -> str:
        """The partial that lays out the kind's own fields: ``<kind>_form.html`` when the
        kind has one, else every field of its form in order (``_fields.html``)."""
        own = f"workflows/actions/{self.kind}_form.html"
        try:
            get_template(own)
        except TemplateDoesNotExist:
            return "workflows/actions/_fields.html"
        return own

    def build(self) -> Action:
        action = self.save(commit=False)
        action.rule = self.rule
        action.kind = self.kind
        action.config = self.config_from(self.cleaned_data).dump()
        return action

    def config_from(self, data: dict) -> ActionConfig:
        raise NotImplementedError


class ActionKind(Protocol):
    """One kind of rule action: a module of ``workflows.actions`` with these names, listed
    once in ``ACTION_KINDS``. Nothing else in the project tells the kinds apart."""

    name: str  # stored in Action.kind and Execution.kind
    label: str
    needs_record: bool  # it changes the record: a delete event does not run it
    Config: type[ActionConfig]
    Form: type[ActionForm]

    def summary(self, action: Action) -> str:
        """The action in a few words, for lists, run labels and the audit trail."""
        ...

    def connection_names(self, config: Any) -> list[str]:
        """The connections the action (its ``Config``) sends through, as written."""
        ...

    def check_limits(self, rule: Rule, others: Sequence[Action]) -> str:
        """Why the rule cannot have one more action of this kind besides ``others``
        ("" when it can)."""
        ...

    def run(self, execution: Execution) -> Outcome:
        """Perform the action for the execution's current attempt."""
        ...
