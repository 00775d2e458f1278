"""Forms of the sandbox pages: records (built from a module's fields), custom fields, stubs,
emulated collections and the sandbox settings."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from sandbox import store
from sandbox.models import EmulatedCollection, SandboxSettings, Stub
from workflows import schema
from workflows.models import ModuleField

# Fields the host fills in itself: never in a record form.
NOT_EDITABLE_TYPES = {"id", "owner"}

WIDGETS = {
    "textarea": lambda: forms.Textarea(attrs={"rows": 3}),
    "email": forms.EmailInput,
    "url": forms.URLInput,
    "phone": lambda: forms.TextInput(attrs={"type": "tel"}),
    "number": lambda: forms.TextInput(attrs={"inputmode": "numeric"}),
    "decimal": lambda: forms.TextInput(attrs={"inputmode": "decimal"}),
    "date": lambda: forms.DateInput(attrs={"type": "date"}),
    "datetime": lambda: forms.TextInput(attrs={"placeholder": "2026-05-17T10:30:00+00:00"}),
    "tag": lambda: forms.TextInput(attrs={"placeholder": "comma, separated"}),
    "lookup": lambda: forms.TextInput(attrs={"placeholder": "record id"}),
}


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == []


class RecordForm(forms.Form):
    """One input per editable field of ``module``; ``changes()`` gives the values to store.

    Validation is the store's (``schema.RecordError``): the form only converts what the
    browser sends (text) into the types the host API uses, so the messages a developer sees
    are the ones a script would get.
    """

    def __init__(self, *args, module: schema.Module, record: dict | None = None, **kwargs):
        self.module = module
        self.record = record or {}
        super().__init__(*args, initial=self._initial(), **kwargs)
        for field in self.editable_fields():
            self.fields[field["api_name"]] = self._form_field(field)

    def editable_fields(self) -> list[dict]:
        return [
            f
            for f in self.module.writable_fields()
            if f["type"] not in NOT_EDITABLE_TYPES and f["api_name"] not in store.READ_ONLY
        ]

    def read_only_values(self) -> list[tuple[str, Any]]:
        """Label and value of the fields shown but not editable (ID, times, owner...)."""
        shown = {f["api_name"] for f in self.editable_fields()}
        return [
            (f["label"], self.record.get(f["api_name"]))
            for f in self.module.fields
            if f["api_name"] not in shown and not _empty(self.record.get(f["api_name"]))
        ]

    def _initial(self) -> dict:
        initial = {}
        for name, value in self.record.items():
            if isinstance(value, dict):  # a lookup: {"id", "name"}
                value = value.get("id", "")
            elif isinstance(value, list):
                value = ", ".join(str(v) for v in value)
            initial[name] = value
        return initial

    @staticmethod
    def _form_field(field: dict) -> forms.Field:
        attrs = {"label": field["label"], "required": False}
        if field.get("required"):
            attrs["help_text"] = "Required."
        if field["type"] == "boolean":
            return forms.BooleanField(**attrs)
        if field["type"] == "picklist":
            choices = [("", "-None-")] + [(v, v) for v in field.get("values", [])]
            return forms.ChoiceField(choices=choices, **attrs)
        widget = WIDGETS.get(field["type"], forms.TextInput)()
        return forms.CharField(widget=widget, strip=True, **attrs)

    def clean(self) -> dict:
        data = super().clean()
        for field in self.editable_fields():
            name = field["api_name"]
            if name in data:
                data[name] = _convert(field["type"], data[name])
        return data

    def changes(self) -> dict:
        """The values that differ from the record (all non-empty ones for a new record)."""
        changed = {}
        for field in self.editable_fields():
            name = field["api_name"]
            new, old = self.cleaned_data.get(name), self.record.get(name)
            if isinstance(old, dict):
                old = old.get("id")
            if field["type"] == "boolean" and not new and not old:
                continue  # an unticked box is no change to a field never set
            if (_empty(new) and _empty(old)) or new == old:
                continue
            changed[name] = new
        return changed

    def apply_errors(self, error: schema.RecordError) -> None:
        for name, message in error.errors.items():
            if name in self.fields:
                self.add_error(name, f"{self.fields[name].label} {message}.")
            else:
                self.add_error(None, f"{name} {message}.")


def _convert(kind: str, value: Any) -> Any:
    """Text from the browser as the host API types it; what does not convert stays text."""
    if not isinstance(value, str) or value == "":
        return value
    if kind == "number" and re.fullmatch(r"-?\d{1,18}", value):
        return int(value)
    if kind == "decimal":
        amount = schema.to_decimal(value)
        if amount is not None:
            return int(amount) if amount == amount.to_integral_value() else float(amount)
    if kind == "tag":
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


class SearchForm(forms.Form):
    q = forms.CharField(required=False, label="Search", max_length=200)


# ------------------------------------------------------------------------------ custom fields


class CustomFieldForm(forms.ModelForm):
    values_text = forms.CharField(
        label="Pick list values",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One value a line (pick lists only).",
    )

    class Meta:
        model = ModuleField
        fields = ["label", "api_name", "type", "lookup", "required"]
        labels = {"api_name": "API name", "lookup": "Lookup module"}
        help_texts = {"api_name": "Filled in from the label when left empty."}

    def __init__(self, *args, topping, module: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.topping, self.instance.module = topping, module
        self.fields["api_name"].required = False
        self.fields["lookup"] = forms.ChoiceField(
            label="Lookup module",
            required=False,
            choices=[("", "-None-")] + [(m, m) for m in schema.module_names()],
            help_text="Lookups only.",
        )

    def clean(self) -> dict:
        data = super().clean()
        label = data.get("label") or ""
        api_name = data.get("api_name") or re.sub(r"[^A-Za-z0-9]+", "_", label).strip("_")
        if api_name and api_name[0].isdigit():
            api_name = f"F_{api_name}"
        data["api_name"] = self.instance.api_name = api_name
        module = schema.get_module(self.instance.topping, self.instance.module)
        if module is not None and module.field(api_name):
            self.add_error("api_name", f"{self.instance.module} already has a field {api_name}.")
        values = [v.strip() for v in data.get("values_text", "").splitlines() if v.strip()]
        kind = data.get("type")
        if kind == ModuleField.Type.PICKLIST and not values:
            self.add_error("values_text", "A pick list needs at least one value.")
        if kind == ModuleField.Type.LOOKUP and not data.get("lookup"):
            self.add_error("lookup", "Choose the module the lookup points to.")
        self.instance.values = values if kind == ModuleField.Type.PICKLIST else []
        if kind != ModuleField.Type.LOOKUP:
            data["lookup"] = ""
        return data

    def validate_unique(self) -> None:
        # Checked in clean() against standard and custom fields alike.
        pass


# ------------------------------------------------------------------------------ stubs


METHODS = ["ANY", "GET", "POST", "PUT", "PATCH", "DELETE"]


class StubForm(forms.ModelForm):
    method = forms.ChoiceField(choices=[(m, m) for m in METHODS])

    class Meta:
        model = Stub
        fields = ["method", "url_pattern", "status", "headers", "body"]
        labels = {"url_pattern": "URL pattern", "body": "Body (JSON or text)"}
        help_texts = {
            "url_pattern": "* matches any text, e.g. https://api.example.com/v1/contacts*",
            "headers": 'A JSON object, e.g. {"Content-Type": "application/json"}',
        }
        widgets = {"body": forms.Textarea(attrs={"rows": 8, "class": "code"})}

    def __init__(self, *args, topping, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.topping = topping
        self.fields["headers"].widget.attrs["rows"] = 3

    def clean_headers(self) -> dict:
        headers = self.cleaned_data.get("headers") or {}
        if not isinstance(headers, dict) or not all(
            isinstance(v, str | int | float) for v in headers.values()
        ):
            raise ValidationError("Headers must be a JSON object of names and values.")
        return {str(k): str(v) for k, v in headers.items()}

    def clean_status(self) -> int:
        status = self.cleaned_data["status"]
        if not 100 <= status <= 599:
            raise ValidationError("An HTTP status is between 100 and 599.")
        return status


class CollectionForm(forms.ModelForm):
    class Meta:
        model = EmulatedCollection
        fields = ["name", "url_prefix", "id_field", "list_key", "item_key", "search_param"]
        labels = {"url_prefix": "URL prefix", "id_field": "Id field", "search_param": "Search"}
        help_texts = {
            "url_prefix": "e.g. https://www.zohoapis.com/books/v3/contacts",
            "list_key": "Lists answer {list key: [...]}.",
            "item_key": "Single items answer {item key: {...}}; empty: the item itself.",
            "search_param": "Query parameter whose text is searched in every field.",
        }

    def __init__(self, *args, topping, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.topping = topping

    def clean_url_prefix(self) -> str:
        prefix = self.cleaned_data["url_prefix"].rstrip("/")
        if not prefix.startswith(("http://", "https://")):
            raise ValidationError("Start the prefix with http:// or https://.")
        return prefix


class SettingsForm(forms.ModelForm):
    class Meta:
        model = SandboxSettings
        fields = ["unmatched", "record_responses"]
        labels = {"unmatched": "A call no stub matches", "record_responses": "Record responses"}
        widgets = {"unmatched": forms.RadioSelect}
