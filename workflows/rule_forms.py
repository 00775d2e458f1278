"""Forms of the rule editor: the rule, its trigger options and its numbered conditions.

Which fields a rule can name depends on its module, so selects are filled from the module
here and re-checked on submit (the page's script only narrows what is offered).
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from workflows import criteria, schema
from workflows.describe import UNIT_MINUTES, split_offset
from workflows.models import Rule
from workflows.schemas import Condition, TriggerField, dump_list

UNIT_CHOICES = [("minutes", "minutes"), ("hours", "hours"), ("days", "days")]


def field_choices(module: schema.Module, fields: list[dict] | None = None) -> list:
    fields = module.fields if fields is None else fields
    return [("", "—"), *((f["api_name"], f["label"]) for f in fields)]


def editor_schema(topping) -> dict:
    """What the page's script needs: each module's fields and the operators per type."""
    modules = {}
    for name in schema.module_names():
        module = schema.get_module(topping, name)
        modules[name] = [
            {
                "api_name": f["api_name"],
                "label": f["label"],
                "type": f["type"],
                "values": f.get("values", []),
                "writable": not f.get("read_only"),
            }
            for f in module.fields
        ]
    return {
        "modules": modules,
        "operators": schema.OPERATORS,
        "by_type": schema.OPERATORS_BY_TYPE,
        "no_value": sorted(schema.NO_VALUE_OPERATORS),
    }


class RuleForm(forms.ModelForm):
    module = forms.ChoiceField()
    edit_scope = forms.ChoiceField(
        choices=[("any", "Any field"), ("specific", "Specific fields")],
        initial="any",
        widget=forms.RadioSelect,
        required=False,
        label="Fields",
    )
    date_field = forms.CharField(required=False, widget=forms.Select, label="Date field")
    offset_amount = forms.IntegerField(min_value=0, max_value=100_000, initial=0, required=False)
    offset_unit = forms.ChoiceField(choices=UNIT_CHOICES, initial="days", required=False)
    offset_direction = forms.ChoiceField(
        choices=[("before", "before"), ("after", "after")], initial="before", required=False
    )
    schedule_at = forms.DateTimeField(
        required=False,
        label="First run",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    criteria = forms.ChoiceField(
        choices=[("all", "All records"), ("conditions", "Records matching conditions")],
        initial="all",
        widget=forms.RadioSelect,
        label="Run for",
    )

    class Meta:
        model = Rule
        fields = [
            "module",
            "name",
            "description",
            "active",
            "trigger",
            "repeat_on_every_edit",
            "schedule_at",
            "recurrence",
            "pattern",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}
        labels = {"repeat_on_every_edit": "Repeat on every edit"}
        help_texts = {
            "pattern": "Combine the numbered conditions, e.g. (1 and 2) or 3; empty: all of them."
        }

    def __init__(self, *args, module: schema.Module, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        rule = self.instance
        self.module = module
        self.fields["module"].choices = [(m, m) for m in schema.module_names()]
        if rule.pk:
            # Actions and conditions name the module's fields: a rule keeps its module.
            self.fields["module"].disabled = True
        self.fields["date_field"].widget.choices = field_choices(module, module.date_fields())
        self.fields["recurrence"].required = False
        self.initial.update(
            edit_scope="specific" if rule.trigger_fields else "any",
            date_field=rule.date_field,
            criteria="conditions" if rule.conditions else "all",
        )
        if rule.offset_minutes:
            amount, unit, direction = split_offset(rule.offset_minutes)
            self.initial.update(offset_amount=amount, offset_unit=unit, offset_direction=direction)

    def clean_name(self) -> str:
        name = self.cleaned_data["name"]
        module = self.data.get("module") if not self.instance.pk else self.instance.module
        taken = Rule.objects.filter(topping=self.instance.topping_id, module=module, name=name)
        if taken.exclude(pk=self.instance.pk).exists():
            raise ValidationError(f"There is already a rule named “{name}” on {module}.")
        return name

    def clean(self) -> dict:
        data = super().clean()
        trigger = data.get("trigger")
        if trigger == Rule.Trigger.DATE_FIELD:
            names = [f["api_name"] for f in self.module.date_fields()]
            if data.get("date_field") not in names:
                self.add_error("date_field", f"Choose a date field of {self.module.api_name}.")
        if trigger == Rule.Trigger.SCHEDULE:
            when = data.get("schedule_at")
            if when is None:
                self.add_error("schedule_at", "Give the date and time of the first run.")
            elif data.get("recurrence") in ("", Rule.Recurrence.ONCE) and when <= timezone.now():
                self.add_error("schedule_at", "A rule that runs once needs a time in the future.")
        return data

    def offset_minutes(self) -> int:
        data = self.cleaned_data
        minutes = (data.get("offset_amount") or 0) * UNIT_MINUTES[data.get("offset_unit") or "days"]
        return -minutes if data.get("offset_direction") == "before" else minutes


class ConditionForm(forms.Form):
    field = forms.CharField(required=False, widget=forms.Select)
    operator = forms.CharField(required=False, widget=forms.Select)
    value = forms.CharField(required=False)
    value2 = forms.CharField(required=False, label="and")

    def __init__(self, *args, module: schema.Module, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.module = module
        self.fields["field"].widget.choices = field_choices(module)
        # Offer the operators of the chosen field's type; with none chosen yet, all of them.
        chosen = module.field(self["field"].value() or "")
        allowed = schema.OPERATORS_BY_TYPE.get(chosen["type"], []) if chosen else schema.OPERATORS
        self.fields["operator"].widget.choices = [(op, schema.OPERATORS[op]) for op in allowed]

    def row(self) -> Condition | None:
        data = getattr(self, "cleaned_data", {})
        if not data.get("field") or data.get("DELETE"):
            return None
        return Condition(
            field=data["field"],
            operator=data.get("operator", ""),
            value=data.get("value", ""),
            value2=data.get("value2", "") if data.get("operator") == "between" else "",
        )

    def clean(self) -> dict:
        data = super().clean()
        condition = self.row()
        if condition is not None:
            problem = criteria.validate_condition(self.module, condition)
            if problem:
                raise ValidationError(problem)
        return data


class TriggerFieldForm(forms.Form):
    field = forms.CharField(required=False, widget=forms.Select)
    to = forms.CharField(required=False, label="Modified to", help_text="Optional")

    def __init__(self, *args, module: schema.Module, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.module = module
        self.fields["field"].widget.choices = field_choices(module, module.writable_fields())

    def clean_field(self) -> str:
        name = self.cleaned_data["field"]
        if name and self.module.field(name) is None:
            raise ValidationError(f"“{name}” is not a field of {self.module.api_name}.")
        return name

    def row(self) -> TriggerField | None:
        data = getattr(self, "cleaned_data", {})
        if not data.get("field") or data.get("DELETE"):
            return None
        return TriggerField(field=data["field"], to=data.get("to", ""))


ConditionFormSet = forms.formset_factory(ConditionForm, extra=1, can_delete=True)
TriggerFieldFormSet = forms.formset_factory(TriggerFieldForm, extra=1, can_delete=True)


class RuleEditor:
    """The rule form with its two lists of rows: trigger fields and conditions."""

    def __init__(self, data, *, rule: Rule) -> None:
        self.rule = rule
        name = rule.module if rule.pk else (data or {}).get("module", rule.module)
        if name not in schema.module_names():
            name = schema.module_names()[0]
        self.module = schema.get_module(rule.topping, name)
        self.form = RuleForm(data, instance=rule, module=self.module, initial={"module": name})
        kwargs = {"form_kwargs": {"module": self.module}}
        self.conditions = ConditionFormSet(
            data, prefix="cond", initial=dump_list(rule.condition_list()), **kwargs
        )
        self.trigger_fields = TriggerFieldFormSet(
            data, prefix="field", initial=dump_list(rule.trigger_field_list()), **kwargs
        )

    @staticmethod
    def _rows(formset) -> list:
        return [row for row in (form.row() for form in formset.forms) if row is not None]

    def is_valid(self) -> bool:
        valid = all(
            [self.form.is_valid(), self.conditions.is_valid(), self.trigger_fields.is_valid()]
        )
        if not valid:
            return False
        data = self.form.cleaned_data
        if data["criteria"] == "conditions":
            conditions = self._rows(self.conditions)
            if not conditions:
                self.form.add_error("criteria", "Add a condition, or choose All records.")
            try:
                criteria.parse_pattern(data.get("pattern", ""), len(conditions))
            except criteria.PatternError as error:
                self.form.add_error("pattern", str(error))
        edits = data["trigger"] == Rule.Trigger.EDIT and data.get("edit_scope") == "specific"
        if edits and not self._rows(self.trigger_fields):
            self.form.add_error("edit_scope", "Choose the fields whose change fires the rule.")
        return not self.form.errors

    def apply(self) -> Rule:
        rule = self.form.save(commit=False)
        data = self.form.cleaned_data
        trigger = rule.trigger
        edits = trigger == Rule.Trigger.EDIT and data.get("edit_scope") == "specific"
        rule.trigger_fields = dump_list(self._rows(self.trigger_fields)) if edits else []
        rule.repeat_on_every_edit = trigger == Rule.Trigger.CREATE_OR_EDIT and bool(
            data.get("repeat_on_every_edit")
        )
        is_dated = trigger == Rule.Trigger.DATE_FIELD
        rule.date_field = data.get("date_field", "") if is_dated else ""
        rule.offset_minutes = self.form.offset_minutes() if is_dated else 0
        is_scheduled = trigger == Rule.Trigger.SCHEDULE
        rule.schedule_at = data.get("schedule_at") if is_scheduled else None
        rule.recurrence = (data.get("recurrence") or Rule.Recurrence.ONCE) if is_scheduled else ""
        if data["criteria"] == "conditions":
            rule.conditions = dump_list(self._rows(self.conditions))
            rule.pattern = data.get("pattern", "").strip() or criteria.default_pattern(
                len(rule.conditions)
            )
        else:
            rule.conditions, rule.pattern = [], ""
        return rule
