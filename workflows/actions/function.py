"""A rule action that calls one of the topping's functions.

Each parameter gets the whole record, one of its fields, or a constant. Direct runs (Save
& Execute, a version's installation hook) call a function too, with the arguments given.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

from django import forms
from django.conf import settings

import deluge
from workflows import dispatch, functions
from workflows.actions.base import ActionForm
from workflows.host import TransientError
from workflows.models import Action, Execution, Function, Rule
from workflows.outcome import Outcome, failure, new_host
from workflows.rule_forms import field_choices
from workflows.schemas import ErrorInfo, Param

name = "function"
label = "Function"
needs_record = False

SOURCES = [("record", "Whole record"), ("field", "A field"), ("constant", "A value")]
MAPPING_PARTS = ("source", "field", "constant")


@dataclass(frozen=True)
class Argument:
    source: str = "constant"  # record | field | constant
    value: str = ""  # the field's API name, or the constant as typed

    @classmethod
    def load(cls, data: dict) -> Argument:
        return cls(source=data.get("source", "constant"), value=data.get("value", ""))

    def dump(self) -> dict:
        return {"source": self.source, "value": self.value}


@dataclass(frozen=True)
class Config:
    """``{"arguments": {param: {"source": ..., "value": ...}}}``"""

    arguments: dict[str, Argument] = dataclasses.field(default_factory=dict)

    @classmethod
    def load(cls, data: dict) -> Config:
        stored = data.get("arguments", {})
        return cls({param: Argument.load(source) for param, source in stored.items()})

    def dump(self) -> dict:
        return {"arguments": {param: source.dump() for param, source in self.arguments.items()}}


class Form(ActionForm):
    kind = name

    function = forms.ModelChoiceField(queryset=Function.objects.none())

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        functions_qs = self.rule.topping.functions.all()
        self.fields["function"].queryset = functions_qs
        self.fields["function"].initial = self.instance.function_id
        # The mapping rows follow the function chosen on the page (or in ?function=).
        key = self.data.get("function") if self.is_bound else self.initial.get("function")
        if key is None:
            self.selected = self.instance.function if self.instance.function_id else None
        else:
            self.selected = functions_qs.filter(pk=key).first() if str(key).isdigit() else None
        if self.selected is not None:
            self.fields["function"].initial = self.selected.pk
        saved = Config.load(self.instance.config).arguments
        for param in self.params():
            self._add_mapping(param, saved.get(param.name))

    def params(self) -> list[Param]:
        return self.selected.param_list() if self.selected else []

    def _add_mapping(self, param: Param, saved: Argument | None) -> None:
        by_name = {f["api_name"].lower(): f["api_name"] for f in self.module.fields}
        if saved is None:  # a guess: maps get the record, others a field of the same name
            guess = by_name.get(param.name.lower(), "")
            source = "record" if param.type == "map" else "field" if guess else "constant"
            saved = Argument(source, guess)
        prefix = f"map_{param.name}"
        self.fields[f"{prefix}_source"] = forms.ChoiceField(
            choices=SOURCES, initial=saved.source, label=f"{param.type} {param.name}"
        )
        self.fields[f"{prefix}_field"] = forms.CharField(
            required=False,
            widget=forms.Select(choices=field_choices(self.module)),
            initial=saved.value if saved.source == "field" else "",
            label="Field",
        )
        self.fields[f"{prefix}_constant"] = forms.CharField(
            required=False,
            initial=saved.value if saved.source == "constant" else "",
            label="Value",
        )

    def mapping_rows(self) -> list[tuple]:
        rows = []
        for param in self.params():
            prefix = f"map_{param.name}"
            rows.append((param, *(self[f"{prefix}_{part}"] for part in MAPPING_PARTS)))
        return rows

    def clean(self) -> dict:
        data = super().clean()
        for param in self.params():
            prefix = f"map_{param.name}"
            source = data.get(f"{prefix}_source")
            if source == "record" and param.type != "map":
                self.add_error(f"{prefix}_source", f"The record is a map; {param.name} is not.")
            elif source == "field":
                if self.module.field(data.get(f"{prefix}_field", "")) is None:
                    self.add_error(f"{prefix}_field", f"Choose a field for {param.name}.")
            elif source == "constant":
                try:
                    functions.coerce_argument(param.type, data.get(f"{prefix}_constant", ""))
                except ValueError as error:
                    self.add_error(f"{prefix}_constant", f"{param.name} {error}.")
        return data

    def build(self) -> Action:
        action = super().build()
        action.function = self.cleaned_data["function"]
        return action

    def config_from(self, data: dict) -> Config:
        arguments = {}
        for param in data["function"].param_list():
            source = data.get(f"map_{param.name}_source", "constant")
            value = "" if source == "record" else data.get(f"map_{param.name}_{source}", "")
            arguments[param.name] = Argument(source, value)
        return Config(arguments)


def summary(action: Action) -> str:
    return action.function.name if action.function_id else "(no function)"


def connection_names(config: Config) -> list[str]:
    return []  # the function's own connections are listed with the function


def check_limits(rule: Rule, others: Sequence[Action]) -> str:
    return ""


def function_arguments(execution: Execution) -> dict:
    """The arguments of a rule's function action, from its mapping and the event's record."""
    action, event = execution.action, execution.event
    record = event.record if event is not None else {}
    shaped = dispatch.record_map(execution.module, record)
    mapping = Config.load(action.config).arguments if action else {}
    arguments = {}
    for param in execution.function.param_list():
        argument = mapping.get(param.name, Argument())
        if argument.source == "record":
            arguments[param.name] = shaped
        elif argument.source == "field":
            arguments[param.name] = record.get(argument.value)
        else:
            arguments[param.name] = functions.coerce_argument(param.type, argument.value)
    return arguments


def script_limits() -> deluge.Limits:
    """The engine's limits with the ones the settings choose."""
    return deluge.Limits(
        max_info_chars=settings.DELUGE_MAX_INFO_CHARS,
        max_regex_seconds=settings.DELUGE_MAX_REGEX_SECONDS,
    )


def run(execution: Execution) -> Outcome:
    function = execution.function
    if function is None:
        return failure("The function of this action was deleted.")
    try:
        script = functions.compile_function(function)
    except deluge.DelugeSyntaxError as error:
        return Outcome(False, error=ErrorInfo.of_script(error, source_line=False))
    if not execution.is_direct:  # a direct run's arguments are given
        try:
            execution.arguments = function_arguments(execution)
        except ValueError as error:
            return failure(f"Argument {error}")
    host = new_host(execution)
    result = script.run(execution.arguments, host=host, limits=script_limits())
    error = None
    if result.error is not None:
        functions.body_position(function, result.error)  # positions as the editor shows them
        error = ErrorInfo.of_script(result.error)
    return Outcome(
        result.ok,
        transient=isinstance(result.error, TransientError),
        error=error,
        return_value=result.return_value,
        info_lines=list(result.info_lines),
        calls=host.calls,
    )
