"""Host modules and their fields: the standard ones from ``data/modules.json`` plus the
custom fields a topping adds; record validation and the operators each field type allows.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils.dateparse import parse_date, parse_datetime

DATA_FILE = Path(__file__).with_name("data") / "modules.json"

TEXT_TYPES = {"text", "textarea", "email", "phone", "url"}
NUMBER_TYPES = {"number", "decimal"}
DATE_TYPES = {"date", "datetime"}

# (value, label) of every operator; which ones a field type offers is OPERATORS_BY_TYPE.
OPERATORS = {
    "is": "is",
    "is_not": "isn't",
    "contains": "contains",
    "not_contains": "doesn't contain",
    "starts_with": "starts with",
    "ends_with": "ends with",
    "is_empty": "is empty",
    "is_not_empty": "is not empty",
    "eq": "=",
    "ne": "!=",
    "lt": "<",
    "le": "<=",
    "gt": ">",
    "ge": ">=",
    "between": "between",
    "before": "before",
    "after": "after",
}
_TEXT_OPS = [
    "is",
    "is_not",
    "contains",
    "not_contains",
    "starts_with",
    "ends_with",
    "is_empty",
    "is_not_empty",
]
_NUMBER_OPS = ["eq", "ne", "lt", "le", "gt", "ge", "between", "is_empty", "is_not_empty"]
_DATE_OPS = ["is", "is_not", "before", "after", "between", "is_empty", "is_not_empty"]
OPERATORS_BY_TYPE = {
    **{t: _TEXT_OPS for t in TEXT_TYPES},
    **{t: _NUMBER_OPS for t in NUMBER_TYPES},
    **{t: _DATE_OPS for t in DATE_TYPES},
    "picklist": ["is", "is_not", "is_empty", "is_not_empty"],
    "boolean": ["is"],
    "lookup": ["is", "is_not", "is_empty", "is_not_empty"],
    "owner": ["is", "is_not", "is_empty", "is_not_empty"],
    "id": ["is", "is_not", "is_empty", "is_not_empty"],
    "tag": ["contains", "not_contains", "is_empty", "is_not_empty"],
}
NO_VALUE_OPERATORS = {"is_empty", "is_not_empty"}


@dataclass(frozen=True)
class Module:
    api_name: str
    singular: str
    display_field: str
    fields: tuple[dict, ...]

    def field(self, api_name: str) -> dict | None:
        for field in self.fields:
            if field["api_name"] == api_name:
                return field
        return None

    @property
    def field_names(self) -> list[str]:
        return [f["api_name"] for f in self.fields]

    def date_fields(self) -> list[dict]:
        return [f for f in self.fields if f["type"] in DATE_TYPES]

    def writable_fields(self) -> list[dict]:
        return [f for f in self.fields if not f.get("read_only")]


@functools.cache
def standard_modules() -> dict[str, dict]:
    with DATA_FILE.open(encoding="utf-8") as handle:
        return {m["api_name"]: m for m in json.load(handle)["modules"]}


def module_names() -> list[str]:
    return list(standard_modules())


# The host's API names for modules the console names as Bigin's pages do.
MODULE_ALIASES = {"Accounts": "Companies", "Pipelines": "Deals"}


def get_module(topping, name: str) -> Module | None:
    """The module with the topping's custom fields added, or None when there is none.

    ``Accounts`` and ``Pipelines`` (the API names) are Companies and Deals."""
    name = MODULE_ALIASES.get(name, name)
    base = standard_modules().get(name)
    if base is None:
        return None
    fields = list(base["fields"])
    if topping is not None and topping.pk is not None:
        fields += [f.as_field() for f in topping.module_fields.filter(module=name)]
    return Module(name, base["singular"], base["display_field"], tuple(fields))


# ------------------------------------------------------------------------------ records


class RecordError(ValueError):
    """A record does not fit its module; ``errors`` maps field -> message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


_email = EmailValidator()
_url = URLValidator(schemes=["http", "https"])
_PHONE = re.compile(r"^[0-9+()./\- ]{3,30}$")


def check_value(field: dict, value: Any) -> str | None:
    """Why ``value`` does not fit ``field``, or None. Null and "" are always accepted."""
    if value is None or value == "":
        return None
    kind = field["type"]
    if kind in ("text", "textarea"):
        if not isinstance(value, str):
            return "must be text"
        if kind == "text" and len(value) > 255:
            return "is longer than 255 characters"
    elif kind == "email":
        try:
            _email(value if isinstance(value, str) else "")
        except ValidationError:
            return "must be an e-mail address"
    elif kind == "url":
        try:
            _url(value if isinstance(value, str) else "")
        except ValidationError:
            return "must be an http(s) URL"
    elif kind == "phone":
        if not isinstance(value, str) or not _PHONE.match(value):
            return "must be a phone number"
    elif kind == "number":
        # At most 18 digits, given as a number or as text alike (the host's long integer).
        whole = (isinstance(value, int) and abs(value) < 10**18) or (
            isinstance(value, str) and re.fullmatch(r"-?\d{1,18}", value.strip())
        )
        if isinstance(value, bool) or not whole:
            return "must be a whole number"
    elif kind == "decimal":
        if isinstance(value, bool) or to_decimal(value) is None:
            return "must be a number"
    elif kind == "boolean":
        if not isinstance(value, bool):
            return "must be true or false"
    elif kind == "date":
        if not isinstance(value, str) or to_date(value) is None:
            return "must be a date (YYYY-MM-DD)"
    elif kind == "datetime":
        if not isinstance(value, str) or to_datetime(value) is None:
            return "must be a date-time (ISO 8601)"
    elif kind == "picklist":
        if value not in field.get("values", []):
            return f"must be one of: {', '.join(field.get('values', []))}"
    elif kind in ("lookup", "owner"):
        if isinstance(value, dict):
            fits = ("id" in value or "name" in value) and _flat(value)
        else:
            fits = _is_id(value)
        if not fits:
            return "must be an id or a map with id and name"
    elif kind == "tag":
        if not isinstance(value, list):
            return "must be a list"
        if not all(_is_tag(tag) for tag in value):
            return 'must be a list of tag names or {"name": ...} maps'
    elif kind == "id" and not _is_id(value):
        return "must be an id"
    return None


def _is_id(value: Any) -> bool:
    return isinstance(value, str | int) and not isinstance(value, bool)


def _flat(value: dict) -> bool:
    """A map of scalars, as the host's lookups and tags are: nothing nested inside."""
    return not any(isinstance(item, dict | list) for item in value.values())


def _is_tag(tag: Any) -> bool:
    if isinstance(tag, dict):
        return isinstance(tag.get("name"), str) and _flat(tag)
    return isinstance(tag, str)


def validate_record(module: Module, record: Any, *, partial: bool = False) -> dict:
    """Check ``record`` against the module's fields; return it or raise RecordError.

    ``partial`` (an update) skips required fields that are absent.
    """
    if not isinstance(record, dict):
        raise RecordError({"record": "must be a JSON object"})
    errors: dict[str, str] = {}
    for key, value in record.items():
        field = module.field(key)
        if field is None:
            errors[key] = f"is not a field of {module.api_name}"
            continue
        problem = check_value(field, value)
        if problem:
            errors[key] = problem
    for field in module.fields:
        name = field["api_name"]
        checked = field.get("required") and not (partial and name not in record)
        if checked and record.get(name) in (None, ""):
            errors[name] = "is required"
    if errors:
        raise RecordError(errors)
    return record


def to_decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    # NaN and infinities are no amounts, and comparing with NaN raises InvalidOperation.
    return number if number.is_finite() else None


def to_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        day = parse_date(text)
    except ValueError:
        return None
    if day is None and len(text) > 10:  # a date-time names its day; "2024-05-17junk" does not
        moment = to_datetime(text)
        return moment.date() if moment is not None else None
    return day


def to_datetime(value: Any) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value
    if not isinstance(value, str):
        return None
    try:
        parsed = parse_datetime(value.strip())
    except ValueError:
        return None
    if parsed is None and len(value.strip()) == 10:
        day = to_date(value)
        if day is not None:
            parsed = dt.datetime.combine(day, dt.time())
    if parsed is not None and parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed
