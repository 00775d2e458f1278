"""Forms of the function editor and the execution log; rules and actions are in rule_forms."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from console.forms import apply_errors
from workflows import functions
from workflows.functions import FunctionSyntaxError
from workflows.models import (
    FUNCTION_NAME_MAX_LENGTH,
    PARAM_TYPES,
    Environment,
    Execution,
    Function,
    identifier,
)
from workflows.schemas import Param, dump_list

TYPE_CHOICES = [(t, t) for t in PARAM_TYPES]


class FunctionForm(forms.ModelForm):
    class Meta:
        model = Function
        fields = ["name", "description", "code"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "code": forms.Textarea(
                attrs={"rows": 18, "class": "code", "spellcheck": "false", "wrap": "off"}
            ),
        }
        help_texts = {"code": "The body of the function; parameters come from the list above."}

    def clean_name(self) -> str:
        name = self.cleaned_data["name"]
        taken = Function.objects.filter(topping=self.instance.topping_id, name=name)
        if taken.exclude(pk=self.instance.pk).exists():
            raise ValidationError(f"This topping already has a function named {name}.")
        return name


class ParamForm(forms.Form):
    name = forms.CharField(
        max_length=FUNCTION_NAME_MAX_LENGTH, required=False, validators=[identifier]
    )
    type = forms.ChoiceField(choices=TYPE_CHOICES, initial="string")


class BaseParamFormSet(forms.BaseFormSet):
    def params(self) -> list[Param]:
        """The rows that have a name and are not marked for removal, in order."""
        return [
            Param(name=form.cleaned_data["name"], type=form.cleaned_data["type"])
            for form in self.forms
            if form.cleaned_data.get("name") and not form.cleaned_data.get("DELETE")
        ]

    def clean(self) -> None:
        if any(self.errors):
            return
        names = [p.name.lower() for p in self.params()]
        if len(set(names)) != len(names):
            raise ValidationError("Two parameters have the same name.")


ParamFormSet = forms.formset_factory(ParamForm, BaseParamFormSet, extra=1, can_delete=True)


class TestArgumentsForm(forms.Form):
    """One text input per parameter; the values are kept as typed in ``test_args``."""

    def __init__(self, *args, params: list[Param], saved: dict, **kwargs) -> None:
        super().__init__(*args, prefix="arg", **kwargs)
        self.params = params
        for param in params:
            multiline = param.type in ("map", "list")
            self.fields[param.name] = forms.CharField(
                label=f"{param.type} {param.name}",
                required=False,
                strip=False,
                initial=saved.get(param.name, ""),
                widget=forms.Textarea(attrs={"rows": 3}) if multiline else forms.TextInput(),
                help_text="JSON" if multiline else "",
            )

    def clean(self) -> dict:
        cleaned = super().clean()
        self.values = {}
        for param in self.params:
            name, raw = param.name, cleaned.get(param.name, "")
            if raw.strip() == "" and param.type != "string":
                self.values[name] = None  # an empty box is null, as in the host's editor
                continue
            try:
                self.values[name] = functions.coerce_argument(param.type, raw)
            except ValueError as error:
                self.add_error(name, f"{name} {error}.")
        return cleaned

    def raw(self) -> dict[str, str]:
        return {p.name: self.cleaned_data.get(p.name, "") for p in self.params}


class FunctionEditor:
    """The editor page's forms together: function, parameter rows and test arguments.

    ``execute`` says whether Save & Execute was pressed: only then must the test arguments
    be valid.
    """

    def __init__(self, data, *, function: Function, execute: bool = False) -> None:
        self.function = function
        self.execute = execute
        self.form = FunctionForm(data, instance=function)
        initial = dump_list(function.param_list()) if function.pk else []
        self.params = ParamFormSet(data, prefix="param", initial=initial)
        params = self.params.params() if data is not None and self.params.is_valid() else None
        # Bound on every post so typed values survive a failed save; checked only to execute.
        self.arguments = TestArgumentsForm(
            data,
            params=function.param_list() if params is None else params,
            saved=function.test_args,
        )
        self.error_position: tuple[int, int] | None = None
        self.error_message = ""

    def is_valid(self) -> bool:
        valid = self.form.is_valid() and self.params.is_valid()
        return valid and (not self.execute or self.arguments.is_valid())

    def apply(self) -> Function:
        function = self.form.save(commit=False)
        function.params = dump_list(self.params.params())
        return function

    def add_errors(self, error: ValidationError) -> None:
        """Put the errors of ``check_function`` / ``full_clean`` next to their fields."""
        apply_errors(self.form, error)
        if not hasattr(error, "error_dict"):
            return
        if isinstance(error, FunctionSyntaxError):
            self.error_position = (error.line, error.column)
            self.error_message = error.detail


class ExecutionFilterForm(forms.Form):
    rule = forms.ModelChoiceField(queryset=None, required=False, empty_label="All rules")
    status = forms.ChoiceField(
        choices=[("", "Any status"), *Execution.Status.choices], required=False
    )
    environment = forms.ChoiceField(
        choices=[("", "Any environment"), *Environment.choices], required=False
    )
    date_from = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        required=False, label="To", widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, topping, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rule"].queryset = topping.rules.all()

    def filter(self, executions: QuerySet) -> QuerySet:
        if not self.is_valid():
            return executions
        data = self.cleaned_data
        lookups = {
            "rule": data.get("rule"),
            "status": data.get("status"),
            "environment": data.get("environment"),
            "created_at__date__gte": data.get("date_from"),
            "created_at__date__lte": data.get("date_to"),
        }
        return executions.filter(**{k: v for k, v in lookups.items() if v})
