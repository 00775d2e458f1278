"""Filters and tags for the workflow pages: code listings, JSON, statuses, rule summaries."""

from __future__ import annotations

import json
from typing import Any

from django import template

from workflows import describe
from workflows.schemas import Condition

register = template.Library()

STATUS_BADGES = {
    "succeeded": "badge-ok",
    "failed": "badge-bad",
    "retrying": "badge-warn",
    "running": "badge-warn",
}


@register.inclusion_tag("workflows/_code_listing.html")
def code_listing(code: str, line: int | None, column: int | None = None, message: str = "") -> dict:
    """Numbered lines with the error line marked and a caret under its column."""
    rows = [
        {"number": number, "text": text, "bad": number == line}
        for number, text in enumerate((code or "").split("\n"), start=1)
    ]
    return {"rows": rows, "caret": " " * max(0, (column or 1) - 1) + "^", "message": message}


@register.filter
def caret(column: Any) -> str:
    return " " * max(0, int(column or 1) - 1) + "^"


@register.filter
def pretty_json(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, default=str, sort_keys=False)


@register.filter
def status_badge(status: str) -> str:
    return STATUS_BADGES.get(status, "")


@register.filter
def trigger_summary(rule) -> str:
    return describe.trigger_summary(rule)


@register.filter
def criteria_summary(rule) -> str:
    return describe.criteria_summary(rule)


@register.filter
def condition_text(condition: Condition) -> str:
    return describe.condition_text(condition)
