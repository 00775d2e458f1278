"""Rules in words, as the pages and the admin show them."""

from __future__ import annotations

from django.utils import timezone

from workflows import schema
from workflows.criteria import default_pattern
from workflows.models import Rule
from workflows.schemas import Condition

UNIT_MINUTES = {"days": 1440, "hours": 60, "minutes": 1}


def split_offset(minutes: int) -> tuple[int, str, str]:
    """``-2880`` -> ``(2, "days", "before")``: the largest unit that divides it evenly."""
    direction = "before" if minutes < 0 else "after"
    amount = abs(minutes)
    for unit, size in UNIT_MINUTES.items():
        if amount and amount % size == 0:
            return amount // size, unit, direction
    return 0, "minutes", direction


def _plural(amount: int, unit: str) -> str:
    return f"{amount} {unit[:-1] if amount == 1 else unit}"


def trigger_summary(rule: Rule) -> str:
    trigger = rule.trigger
    if trigger == Rule.Trigger.EDIT:
        trigger_fields = rule.trigger_field_list()
        if not trigger_fields:
            return "Edit of any field"
        parts = [f"{e.field} modified to “{e.to}”" if e.to else e.field for e in trigger_fields]
        return "Edit of " + " or ".join(parts)
    if trigger == Rule.Trigger.CREATE_OR_EDIT:
        repeat = "repeat on every edit" if rule.repeat_on_every_edit else "once criteria are met"
        return f"Create or Edit ({repeat})"
    if trigger == Rule.Trigger.DATE_FIELD:
        amount, unit, direction = split_offset(rule.offset_minutes)
        if amount == 0:
            return f"On {rule.date_field}"
        return f"{_plural(amount, unit)} {direction} {rule.date_field}"
    if trigger == Rule.Trigger.SCHEDULE:
        when = timezone.localtime(rule.schedule_at) if rule.schedule_at else None
        start = when.strftime("%Y-%m-%d %H:%M %Z") if when else "?"
        return f"Schedule from {start}, {rule.get_recurrence_display().lower()}"
    return rule.get_trigger_display()


def condition_text(condition: Condition) -> str:
    operator = condition.operator
    words = f"{condition.field} {schema.OPERATORS.get(operator, operator)}"
    if operator in schema.NO_VALUE_OPERATORS:
        return words
    if operator == "between":
        return f"{words} {condition.value} and {condition.value2}"
    return f"{words} {condition.value}"


def criteria_summary(rule: Rule) -> str:
    if not rule.conditions:
        return "All records"
    return rule.pattern or default_pattern(len(rule.conditions))
