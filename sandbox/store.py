"""The emulated host application's records, and the host API scripts reach in the sandbox.

Every change goes through ``create_record``, ``update_record`` or ``delete_record``: the
record is validated against its module's fields, saved, and an event for the sandbox is
stored in the same transaction, so that the draft rules run once it commits. Changes made
by scripts fire rules only when their options ask for it (``{"trigger": ["workflow"]}``).
``SandboxStore.perform`` answers ``zoho.crm.*`` / ``zoho.bigin.*`` tasks with what the
host's REST API returns.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from console.models import Topping
from sandbox.models import SandboxRecord, SandboxSettings
from workflows import schema
from workflows.dispatch import record_event
from workflows.models import Environment, Event
from workflows.records import RecordCall

READ_ONLY = ("ID", "Created_Time", "Modified_Time", "Full_Name")


def _now_text() -> str:
    return timezone.localtime().replace(microsecond=0).isoformat()


def _new_id(topping: Topping) -> str:
    SandboxSettings.of(topping)
    SandboxSettings.objects.filter(topping=topping).update(next_record_id=F("next_record_id") + 1)
    value = SandboxSettings.objects.filter(topping=topping).values_list(
        "next_record_id", flat=True
    )[0]
    return str(value - 1)


def module_or_error(topping: Topping, name: str) -> schema.Module:
    module = schema.get_module(topping, name)
    if module is None:
        raise schema.RecordError({"module": f"“{name}” is not a module"})
    return module


def _clean(module: schema.Module, data: dict, *, partial: bool) -> dict:
    """Validate ``data`` (read-only fields are ignored) and return the writable part."""
    if not isinstance(data, dict):
        raise schema.RecordError({"record": "must be a JSON object"})
    writable = {k: v for k, v in data.items() if k not in READ_ONLY and k != "id"}
    for key in writable:
        field = module.field(key)
        if field is not None and field.get("read_only"):
            raise schema.RecordError({key: "is read-only"})
    schema.validate_record(module, writable, partial=partial)
    return writable


def _complete(module: schema.Module, data: dict) -> dict:
    if module.api_name == "Contacts":
        parts = [data.get("First_Name") or "", data.get("Last_Name") or ""]
        data["Full_Name"] = " ".join(p for p in parts if p)
    return data


def as_api(record: SandboxRecord) -> dict:
    """A record as the host's REST API shows it: its fields plus ``id``."""
    return {"id": record.record_id, **record.data}


class Created(NamedTuple):
    record: SandboxRecord
    event: Event | None  # None when the change fires no rules (``fire=False``)


def create_record(
    topping, module_name: str, data: dict, *, user=None, fire: bool = True
) -> Created:
    module = module_or_error(topping, module_name)
    values = _clean(module, data, partial=False)
    now = _now_text()
    with transaction.atomic():
        record_id = _new_id(topping)
        values = _complete(
            module, {"ID": record_id, **values, "Created_Time": now, "Modified_Time": now}
        )
        if user is not None and module.field("Owner") and not values.get("Owner"):
            values["Owner"] = {"id": str(user.pk), "name": str(user), "email": user.email}
        record = SandboxRecord.objects.create(
            topping=topping, module=module.api_name, record_id=record_id, data=values
        )
        event = _event(record, "create", None, user) if fire else None
    return Created(record, event)


def update_record(topping, module_name: str, record_id: str, data: dict, *, user=None, fire=True):
    module = module_or_error(topping, module_name)
    changes = _clean(module, data, partial=True)
    with transaction.atomic():
        record = (
            SandboxRecord.objects.select_for_update()
            .filter(topping=topping, module=module.api_name, record_id=str(record_id))
            .first()
        )
        if record is None:
            return None
        previous = dict(record.data)
        record.data = _complete(module, {**record.data, **changes, "Modified_Time": _now_text()})
        record.save(update_fields=["data", "modified_at"])
        if fire:
            _event(record, "edit", previous, user)
    return record


def delete_record(topping, module_name: str, record_id: str, *, user=None, fire=True) -> bool:
    with transaction.atomic():
        record = SandboxRecord.objects.filter(
            topping=topping, module=module_name, record_id=str(record_id)
        ).first()
        if record is None:
            return False
        record.delete()
        if fire:
            _event(record, "delete", None, user)
    return True


def _event(record: SandboxRecord, operation: str, previous: dict | None, user) -> Event:
    return record_event(
        record.topping,
        module=record.module,
        operation=operation,
        record=record.data,
        previous=previous,
        environment=Environment.SANDBOX,
        user=user,
    )


# ------------------------------------------------------------------------------ searching

_TOKEN = re.compile(
    r"""\s*(?:
        \(\s*(?P<field>[A-Za-z0-9_.]+)\s*:\s*(?P<operator>[A-Za-z_]+)\s*:
            (?P<value>(?:\\.|[^()\\])*)\)
      | (?P<open>\()
      | (?P<close>\))
      | (?P<joiner>and|or)\b
    )""",
    re.IGNORECASE | re.VERBOSE,
)
_OPERATORS = {
    "equals": lambda actual, wanted: actual == wanted,
    "starts_with": lambda actual, wanted: actual.startswith(wanted),
    "contains": lambda actual, wanted: wanted in actual,
}
_SHAPE = "criteria look like (Field:equals:value)"


def _tokens(text: str) -> list[tuple[str, Any]]:
    tokens, position = [], 0
    while text[position:].strip():
        match = _TOKEN.match(text, position)
        if match is None:
            raise ValueError(_SHAPE)
        if match["field"]:
            operator = match["operator"].lower()
            if operator not in _OPERATORS:
                raise ValueError(f"the operator {operator} is not supported in the sandbox")
            value = re.sub(r"\\(.)", r"\1", match["value"]).strip()
            tokens.append(("criterion", (match["field"], operator, value)))
        elif match["joiner"]:
            tokens.append(("joiner", match["joiner"].lower()))
        else:
            tokens.append(("open" if match["open"] else "close", None))
        position = match.end()
    return tokens


def _comparable(value: Any) -> list[str]:
    """The texts a criterion compares a field's value with: a lookup by name or id."""
    if value is None:
        return [""]
    if isinstance(value, bool):
        return ["true" if value else "false"]
    if isinstance(value, dict):
        return [str(value[k]).lower() for k in ("name", "id") if value.get(k) is not None]
    return [str(value).lower()]


def matches_criteria(data: dict, criteria: str) -> bool:
    """``(Email:equals:a@b.co)``, combined with ``and`` / ``or`` and grouped by parentheses
    (left to right within a group); ``\\`` escapes a parenthesis or comma in a value."""
    tokens = _tokens(criteria)
    if not tokens:
        return True
    position = 0

    def group() -> bool:
        nonlocal position
        result = term()
        while position < len(tokens) and tokens[position][0] == "joiner":
            joiner = tokens[position][1]
            position += 1
            hit = term()
            result = (result or hit) if joiner == "or" else (result and hit)
        return result

    def term() -> bool:
        nonlocal position
        if position >= len(tokens):
            raise ValueError(_SHAPE)
        kind, value = tokens[position]
        position += 1
        if kind == "criterion":
            field, operator, wanted = value
            return any(
                _OPERATORS[operator](actual, wanted.lower())
                for actual in _comparable(data.get(field))
            )
        if kind != "open":
            raise ValueError(_SHAPE)
        result = group()
        if position >= len(tokens) or tokens[position][0] != "close":
            raise ValueError(_SHAPE)
        position += 1
        return result

    result = group()
    if position != len(tokens):
        raise ValueError(_SHAPE)
    return result


SEARCH_FIELDS = {"email": ("Email", "Secondary_Email"), "phone": ("Phone", "Mobile")}


def has_word(data: dict, word: str) -> bool:
    """Whether any text value of a record holds ``word`` (case-insensitive)."""
    word = word.lower()
    return any(word in v.lower() for v in data.values() if isinstance(v, str))


def search(topping, module: str, call: RecordCall) -> list[SandboxRecord]:
    rows = SandboxRecord.objects.filter(topping=topping, module=module).order_by("pk")
    found = []
    for row in rows:
        data = row.data
        if "word" in call.search:
            hit = has_word(data, call.search["word"])
        elif call.search:
            key, value = next(iter(call.search.items()))
            hit = any(str(data.get(f) or "").lower() == value.lower() for f in SEARCH_FIELDS[key])
        else:
            hit = matches_criteria(data, call.criteria)
        if hit:
            found.append(row)
    return found


# ------------------------------------------------------------------------------ host API


def _page(rows: list, call: RecordCall) -> dict:
    per_page = max(1, min(call.per_page, 200))
    start = (max(call.page, 1) - 1) * per_page
    chosen = rows[start : start + per_page]
    return {
        "data": [as_api(r) for r in chosen],
        "info": {
            "page": call.page,
            "per_page": per_page,
            "count": len(chosen),
            "more_records": start + per_page < len(rows),
        },
    }


def _success(record: SandboxRecord, message: str) -> dict:
    details = {
        "id": record.record_id,
        "Created_Time": record.data.get("Created_Time"),
        "Modified_Time": record.data.get("Modified_Time"),
    }
    return {
        "data": [{"code": "SUCCESS", "details": details, "message": message, "status": "success"}]
    }


def _failure(code: str, message: str, details: dict | None = None) -> dict:
    return {
        "data": [{"code": code, "details": details or {}, "message": message, "status": "error"}]
    }


def _lookup_id(value: Any) -> str:
    return str(value.get("id", "")) if isinstance(value, dict) else str(value or "")


class SandboxStore:
    """Answers integration tasks against the sandbox's records (``SandboxHost.store()``)."""

    def __init__(self, topping, user=None, host=None) -> None:
        self.topping, self.user = topping, user

    def _related(self, module: schema.Module, call: RecordCall) -> dict:
        """The records of ``module`` whose lookup to ``call.parent_module`` names the record
        (a company's contacts, a contact's deals), as the host's related-list API answers."""
        parent = schema.get_module(self.topping, call.parent_module)
        if parent is None:
            return _failure("INVALID_MODULE", "the module name given seems to be invalid")
        lookups = [
            f["api_name"]
            for f in module.fields
            if f["type"] == "lookup" and f.get("lookup") == parent.api_name
        ]
        if not lookups:
            return _failure(
                "INVALID_DATA",
                f"{module.api_name} is not a related list of {parent.api_name}",
                {"api_name": module.api_name},
            )
        rows = SandboxRecord.objects.filter(topping=self.topping, module=module.api_name)
        found = [
            row
            for row in rows.order_by("pk")
            if any(_lookup_id(row.data.get(name)) == call.record_id for name in lookups)
        ]
        return _page(found, call)

    def perform(self, call: RecordCall) -> Any:
        module = schema.get_module(self.topping, call.module)
        if module is None:
            return _failure("INVALID_MODULE", "the module name given seems to be invalid")
        fire = "workflow" in call.trigger
        try:
            if call.op == "get":
                row = SandboxRecord.objects.filter(
                    topping=self.topping, module=module.api_name, record_id=call.record_id
                ).first()
                return {"data": [as_api(row)]} if row else {"data": []}
            if call.op == "list":
                rows = list(
                    SandboxRecord.objects.filter(
                        topping=self.topping, module=module.api_name
                    ).order_by("pk")
                )
                return _page(rows, call)
            if call.op == "search":
                return _page(search(self.topping, module.api_name, call), call)
            if call.op == "related":
                return self._related(module, call)
            if call.op == "create":
                created = create_record(
                    self.topping, module.api_name, call.data, user=self.user, fire=fire
                )
                return _success(created.record, "record added")
            if call.op == "update":
                row = update_record(
                    self.topping, module.api_name, call.record_id, call.data,
                    user=self.user, fire=fire,
                )  # fmt: skip
                if row is None:
                    return _failure("INVALID_DATA", "the related id given seems to be invalid",
                                    {"id": call.record_id})  # fmt: skip
                return _success(row, "record updated")
            deleted = delete_record(
                self.topping, module.api_name, call.record_id, user=self.user, fire=fire
            )
            if not deleted:
                return _failure("INVALID_DATA", "the related id given seems to be invalid",
                                {"id": call.record_id})  # fmt: skip
            return {"data": [{"code": "SUCCESS", "details": {"id": call.record_id},
                              "message": "record deleted", "status": "success"}]}  # fmt: skip
        except schema.RecordError as error:
            field, message = next(iter(error.errors.items()))
            return _failure("INVALID_DATA", f"{field} {message}", {"api_name": field})
        except ValueError as error:
            return _failure("INVALID_QUERY", str(error))
