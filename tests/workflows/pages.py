"""Form data for the workflow pages, as a browser would post it (formsets included)."""

from __future__ import annotations

from django.urls import reverse


def url(name: str, topping, *args) -> str:
    return reverse(f"workflows:{name}", args=[topping.namespace, *args])


def formset(prefix: str, rows: list[dict]) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        data.update({f"{prefix}-{index}-{key}": value for key, value in row.items()})
    return data


def function_data(
    name: str, code: str, params: list[tuple[str, str]] = (), args: dict | None = None, **extra
) -> dict:
    data = {"name": name, "description": "", "code": code}
    data.update(formset("param", [{"name": n, "type": t} for n, t in params]))
    data.update({f"arg-{key}": value for key, value in (args or {}).items()})
    data.update(extra)
    return data


def rule_data(
    name: str = "Welcome",
    module: str = "Contacts",
    trigger: str = "create",
    conditions: list[dict] = (),
    pattern: str = "",
    fields: list[dict] = (),
    **extra,
) -> dict:
    data = {
        "module": module,
        "name": name,
        "description": "",
        "active": "on",
        "trigger": trigger,
        "edit_scope": "specific" if fields else "any",
        "offset_amount": "0",
        "offset_unit": "days",
        "offset_direction": "before",
        "recurrence": "once",
        "criteria": "conditions" if conditions else "all",
        "pattern": pattern,
    }
    data.update(formset("cond", list(conditions)))
    data.update(formset("field", list(fields)))
    data.update(extra)
    return data
