"""Forms of a rule's actions: a function with its argument mapping, a webhook, a field update.

Each kind builds the action's ``config``; the delay (instant or scheduled) is common to all.
"""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError

from workflows import functions, schema
from workflows.models import Action, Function, Rule
from workflows.rule_forms import field_choices

MAPPING_PARTS = ("source", "field", "constant")
PLACEHOLDER = re.compile(r"\$\{([^}]*)\}")


class ActionForm(forms.ModelForm):
    """Delay and unit; each kind adds its own fields and builds ``config``."""

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
        self.config = dict(self.instance.config or {})

    def build(self) -> Action:
        action = self.save(commit=False)
        action.rule = self.rule
        action.kind = self.kind
        action.config = self.config_from(self.cleaned_data)
        return action

    def config_from(self, data: dict) -> dict:
        raise NotImplementedError


class FunctionActionForm(ActionForm):
    kind = Action.Kind.FUNCTION
    SOURCES = [("record", "Whole record"), ("field", "A field"), ("constant", "A value")]

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
        saved = self.config.get("arguments", {})
        for param in self.selected.params if self.selected else []:
            self._add_mapping(param, saved.get(param["name"]))

    def _add_mapping(self, param: dict, saved: dict | None) -> None:
        name = param["name"]
        by_name = {f["api_name"].lower(): f["api_name"] for f in self.module.fields}
        if saved is None:  # a guess: maps get the record, others a field of the same name
            guess = by_name.get(name.lower(), "")
            source = "record" if param["type"] == "map" else "field" if guess else "constant"
            saved = {"source": source, "value": guess}
        source = saved.get("source", "constant")
        self.fields[f"map_{name}_source"] = forms.ChoiceField(
            choices=self.SOURCES, initial=source, label=f"{param['type']} {name}"
        )
        self.fields[f"map_{name}_field"] = forms.CharField(
            required=False,
            widget=forms.Select(choices=field_choices(self.module)),
            initial=saved.get("value") if source == "field" else "",
            label="Field",
        )
        self.fields[f"map_{name}_constant"] = forms.CharField(
            required=False,
            initial=saved.get("value") if source == "constant" else "",
            label="Value",
        )

    def mapping_rows(self) -> list[tuple]:
        rows = []
        for param in self.selected.params if self.selected else []:
            prefix = f"map_{param['name']}"
            rows.append((param, *(self[f"{prefix}_{part}"] for part in MAPPING_PARTS)))
        return rows

    def clean(self) -> dict:
        data = super().clean()
        for param in self.selected.params if self.selected else []:
            name = param["name"]
            source = data.get(f"map_{name}_source")
            if source == "record" and param["type"] != "map":
                self.add_error(f"map_{name}_source", f"The record is a map; {name} is not.")
            elif source == "field":
                field = data.get(f"map_{name}_field", "")
                if self.module.field(field) is None:
                    self.add_error(f"map_{name}_field", f"Choose a field for {name}.")
            elif source == "constant":
                try:
                    functions.coerce_argument(param["type"], data.get(f"map_{name}_constant", ""))
                except ValueError as error:
                    self.add_error(f"map_{name}_constant", f"{name} {error}.")
        return data

    def build(self) -> Action:
        action = super().build()
        action.function = self.cleaned_data["function"]
        return action

    def config_from(self, data: dict) -> dict:
        arguments = {}
        for param in data["function"].params:
            name = param["name"]
            source = data.get(f"map_{name}_source", "constant")
            value = "" if source == "record" else data.get(f"map_{name}_{source}", "")
            arguments[name] = {"source": source, "value": value}
        return {"arguments": arguments}


class WebhookActionForm(ActionForm):
    kind = Action.Kind.WEBHOOK
    METHODS = ["POST", "PUT", "PATCH", "GET", "DELETE"]

    method = forms.ChoiceField(choices=[(m, m) for m in METHODS], initial="POST")
    url = forms.CharField(
        label="URL", max_length=2000, help_text="May hold placeholders such as ${Contacts.Email}."
    )
    headers = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One per line: Header-Name: value",
    )
    body = forms.CharField(
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text='A template, e.g. {"email": "${Contacts.Email}"}',
    )
    connection = forms.ChoiceField(
        required=False, help_text="Sign the call with a connection's credential."
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        names = self.rule.topping.connections.values_list("link_name", "name")
        self.fields["connection"].choices = [("", "No connection"), *names]
        config = self.config
        self.initial.update(
            method=config.get("method", "POST"),
            url=config.get("url", ""),
            headers="\n".join(f"{k}: {v}" for k, v in config.get("headers", [])),
            body=config.get("body", ""),
            connection=config.get("connection", ""),
        )

    def _check_placeholders(self, text: str) -> list[str]:
        unknown = []
        for inner in PLACEHOLDER.findall(text):
            owner, _, name = inner.strip().partition(".")
            if owner != self.module.api_name or self.module.field(name) is None:
                unknown.append("${" + inner + "}")
        return unknown

    def clean_url(self) -> str:
        url = self.cleaned_data["url"].strip()
        if not re.match(r"^https?://[^/\s$]", url):
            raise ValidationError("Start the URL with http:// or https:// and a host.")
        return url

    def clean_headers(self) -> list[list[str]]:
        headers = []
        for line in self.cleaned_data["headers"].splitlines():
            if not line.strip():
                continue
            name, colon, value = line.partition(":")
            if not colon or not re.fullmatch(r"[A-Za-z0-9!#$%&'*+.^_`|~-]+", name.strip()):
                raise ValidationError(f"“{line.strip()}” is not “Header-Name: value”.")
            headers.append([name.strip(), value.strip()])
        return headers

    def clean(self) -> dict:
        data = super().clean()
        for field in ("url", "headers", "body"):
            unknown = self._check_placeholders(str(self.data.get(field, "")))
            if unknown:
                self.add_error(
                    field,
                    f"Unknown placeholder {', '.join(unknown)}: use ${{{self.module.api_name}"
                    ".Field}} with a field of the module.",
                )
        return data

    def config_from(self, data: dict) -> dict:
        return {
            "method": data["method"],
            "url": data["url"],
            "headers": data["headers"],
            "body": data.get("body", ""),
            "connection": data.get("connection", ""),
        }


class FieldUpdateActionForm(ActionForm):
    kind = Action.Kind.FIELD_UPDATE

    field = forms.ChoiceField()
    value = forms.CharField(required=False, help_text="Leave empty to clear the field.")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["field"].choices = field_choices(self.module, self.module.writable_fields())
        value = self.config.get("value", "")
        shown = ("true" if value else "false") if isinstance(value, bool) else value
        self.initial.update(field=self.config.get("field", ""), value=shown)

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

    def config_from(self, data: dict) -> dict:
        return {"field": data["field"], "value": data["value"]}


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


ACTION_FORMS: dict[str, type[ActionForm]] = {
    Action.Kind.FUNCTION: FunctionActionForm,
    Action.Kind.WEBHOOK: WebhookActionForm,
    Action.Kind.FIELD_UPDATE: FieldUpdateActionForm,
}
