"""Load the default services catalog (``services.json``) idempotently.

Entries are matched by key and updated in place, so connections keep pointing at the same
row; an entry that disappears from the file is kept (existing connections still work).
The operator's OAuth client id and secret on a service are never touched by a reload.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from connections.catalog.description import DescriptionError, parse
from connections.schemas import UrlParam, may_come_from_callback

CATALOG_PATH = Path(__file__).with_name("services.json")

# Catalog field -> model field; values of None become "" for text columns.
TEXT_FIELDS = (
    "name",
    "category",
    "auth_type",
    "grant_type",
    "authorize_url",
    "token_url",
    "refresh_url",
    "revoke_url",
    "revoke_token_param",
    "scope_delimiter",
    "param_type",
    "header_name",
    "token_prefix",
    "api_base_url",
    "token_auth_method",
    "issuer",
    "docs_url",
    "source_url",
    "notes",
)
JSON_FIELDS = (
    "scopes",
    "default_scopes",
    "allowed_hosts",
    "authorize_params",
    "url_params",
    "api_key_params",
    "verify",
    "custom_headers",
)
# Every key an entry has: the text and JSON fields, its key, the PKCE flag, the request that
# verifies a connection, and the name of its data-centre set (or null).
CATALOG_FIELDS = frozenset({"key", "pkce", "data_centres", "api", *TEXT_FIELDS, *JSON_FIELDS})


@dataclass(frozen=True)
class LoadResult:
    created: int
    updated: int
    unchanged: int


class CatalogError(ValueError):
    """An entry the console could not use safely; nothing was loaded."""


def read_catalog(path: Path = CATALOG_PATH) -> list[dict]:
    """The entries, each with ``data_centres`` expanded from the set it names and ``api``
    from the description it names (top-level ``data_centre_sets`` and ``apis``)."""
    data = json.loads(path.read_text())
    sets = data.get("data_centre_sets") or {}
    apis = data.get("apis") or {}
    entries = []
    for entry in data["services"]:
        key = entry.get("key", "?")
        centres, api = entry.get("data_centres"), entry.get("api")
        if centres and centres not in sets:
            raise CatalogError(f"{key}: no data-centre set {centres!r}")
        if api and api not in apis:
            raise CatalogError(f"{key}: no API description {api!r}")
        entries.append(
            {
                **entry,
                "data_centres": sets[centres] if centres else [],
                "api": apis[api] if api else {},
            }
        )
    return entries


def check_entry(entry: dict) -> None:
    """Refuse URL parameters that could not be validated before they are spliced into URLs.

    Each one names an anchored pattern that compiles; ``from_callback`` is allowed only for
    a parameter of the API base URL alone (see ``schemas.may_come_from_callback``).
    """
    key = entry.get("key", "?")
    if entry.get("api"):
        try:
            parse(key, entry["api"])
        except (DescriptionError, KeyError, TypeError, ValueError) as error:
            raise CatalogError(f"{key}: the API description is unusable: {error}") from None
    for data in entry.get("url_params") or []:
        try:
            param = UrlParam(**data)
        except TypeError as error:
            raise CatalogError(f"{key}: malformed url_params entry ({error})") from None
        problem = "" if "pattern" in data else f"{param.name!r} has no pattern"
        problem = problem or param.pattern_problem()
        hosts = entry.get("allowed_hosts") or []
        if (
            not problem
            and param.from_callback
            and not may_come_from_callback(param.name, entry, hosts)
        ):
            problem = f"{param.name!r} may come from the callback only in api_base_url"
        if problem:
            raise CatalogError(f"{key}: {problem}")


def _values(entry: dict) -> dict:
    values = {name: entry.get(name) or "" for name in TEXT_FIELDS}
    # Key-based services have no scopes; the column still needs a valid choice.
    values["scope_delimiter"] = values["scope_delimiter"] or " "
    for name in JSON_FIELDS:
        mapping = name in ("authorize_params", "verify", "custom_headers")
        values[name] = entry.get(name) or ({} if mapping else [])
    values["data_centres"] = entry.get("data_centres") or []
    # Text, so that the description keeps its order in every database.
    values["api"] = json.dumps(entry["api"], ensure_ascii=False) if entry.get("api") else ""
    values["pkce"] = bool(entry.get("pkce"))
    return values


def load_services(service_model, entries: list[dict] | None = None) -> LoadResult:
    """Create or update every catalog entry. ``service_model`` may be a historical model."""
    created = updated = unchanged = 0
    entries = read_catalog() if entries is None else entries
    for entry in entries:
        check_entry(entry)  # all of them before anything is written
    # A historical model (an earlier migration's) may lack newer columns: those are
    # filled by the migration that adds them, which loads the catalog again.
    columns = {field.name for field in service_model._meta.get_fields()}
    for entry in entries:
        values = {name: value for name, value in _values(entry).items() if name in columns}
        row = service_model.objects.filter(topping__isnull=True, key=entry["key"]).first()
        if row is None:
            service_model.objects.create(key=entry["key"], **values)
            created += 1
            continue
        changed = [name for name, value in values.items() if getattr(row, name) != value]
        if changed:
            for name in changed:
                setattr(row, name, values[name])
            row.save(update_fields=[*changed, "updated_at"])
            updated += 1
        else:
            unchanged += 1
    return LoadResult(created, updated, unchanged)
