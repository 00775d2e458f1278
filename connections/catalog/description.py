"""A service's API described as data (the catalog entry's ``api``), typed and checked.

The shape takes what fits from declarative connector formats (Airbyte's low-code manifests:
a requester with its base URL and required parameters, a paginator, a record selector, an
incremental cursor; Nango's provider and model files): one description per service, with

* ``base_urls``: where the app answers (the default data centre's hosts; the emulator
  answers the same paths on every data centre's host);
* ``request``: how a body is sent (``form_field`` such as Zoho Books' ``JSONString``, JSON),
  the query parameters every call needs, the rate limit;
* ``envelope``: templates of the answers (list, one record, written, deleted, error) in
  which ``"$records"``, ``"$record"``, ``"$message"``, ``"$code"``, ``"$page"``, ``"$id"``,
  ``"$created"`` and ``"$modified"`` stand for the values of a call;
* ``pagination``: page numbers (``page``/``per_page``, a page object) or a cursor;
* ``errors``: the app's own codes and messages (missing parameter, not found, invalid data,
  duplicate, too many requests, unauthorized);
* ``resources``: per resource its operations (method and path), id, fields with types,
  required and read-only flags, picklists and defaults, filters, sort, the modified-time
  field, unique rules, embedded children, sequences, sums, and its webhook events;
* ``auth``: the OAuth endpoints a loopback emulation serves, and the token prefix.

``parse`` turns the JSON into these classes or raises ``DescriptionError`` naming the part.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

FIELD_TYPES = {"string", "email", "number", "integer", "boolean", "date", "datetime", "picklist",
               "list", "object"}  # fmt: skip
FILTER_MATCHES = {"exact", "iexact", "contains", "since", "before", "starts_with"}
OPERATIONS = {"list", "get", "create", "update", "delete", "set"}
METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE"}
ERROR_NAMES = {"missing_parameter", "not_found", "invalid", "required", "duplicate",
               "rate_limited", "unauthorized", "bad_body", "method_not_allowed",
               "invalid_url", "missing_body"}  # fmt: skip
PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


class DescriptionError(ValueError):
    """The description cannot be used; the message names the part at fault."""


@dataclass(frozen=True)
class ErrorShape:
    status: int
    code: Any
    message: str  # may name {field}, {value}, {param}, {resource}, {id}


@dataclass(frozen=True)
class Field:
    name: str
    type: str = "string"
    required: bool = False
    read_only: bool = False
    values: tuple[str, ...] = ()  # picklist
    default: Any = None
    sequence: dict[str, Any] | None = None  # {"prefix": "INV-", "digits": 6}
    sum: dict[str, Any] | None = None  # {"list": "line_items", "of": ["rate", "quantity"]}


@dataclass(frozen=True)
class Filter:
    param: str
    fields: tuple[str, ...]
    match: str = "exact"


@dataclass(frozen=True)
class Operation:
    name: str  # the key in ``operations``: list, get, create, update, delete or an action
    kind: str  # list | get | create | update | delete | set
    method: str
    path: str  # relative to the base URL; {id} and {parent} are path values
    status: int = 200
    message: str = "success"
    set_values: dict[str, Any] = field(default_factory=dict)  # for kind "set"
    scoped: bool = True  # False: the app's required parameters are not asked for here

    def pattern(self) -> re.Pattern[str]:
        """The path as a regular expression: literal parts escaped, values one segment."""
        parts, position = [], 0
        for match in PLACEHOLDER.finditer(self.path):
            parts.append(re.escape(self.path[position : match.start()]))
            parts.append(f"(?P<{match.group(1)}>[^/]+)")
            position = match.end()
        parts.append(re.escape(self.path[position:]))
        return re.compile("".join(parts) + "/?")

    def literal_segments(self) -> int:
        return sum(1 for part in self.path.split("/") if part and "{" not in part)


@dataclass(frozen=True)
class Unique:
    fields: tuple[str, ...]
    error: str = "duplicate"


@dataclass(frozen=True)
class Embed:
    """Children kept as their own resource, shown and written inside the parent."""

    key: str  # the parent's field, e.g. contact_persons
    resource: str  # e.g. contactpersons
    foreign_key: str  # the child's field naming the parent, e.g. contact_id


@dataclass(frozen=True)
class Reference:
    """A field naming a record of another resource (an invoice's ``customer_id``): it must
    exist, and ``copy`` fills fields from it (``customer_name`` from ``contact_name``)."""

    name: str
    resource: str
    copy: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Resource:
    name: str
    id_field: str
    single_key: str
    list_key: str
    operations: tuple[Operation, ...]
    fields: dict[str, Field]
    filters: tuple[Filter, ...] = ()
    sort_param: str = ""
    sort_order_param: str = ""
    default_sort: str = ""
    modified_field: str = ""
    created_field: str = ""
    unique: tuple[Unique, ...] = ()
    embeds: tuple[Embed, ...] = ()
    parent: str = ""  # the field {parent} in a path binds to
    parent_list: bool = False  # that field is a list of parents (Wrike's parentIds)
    status_filter: dict[str, dict[str, Any]] = field(default_factory=dict)
    status_filter_param: str = ""
    webhook_events: tuple[str, ...] = ()
    label: str = ""
    references: tuple[Reference, ...] = ()
    report_name: str = ""
    client_ids: bool = False  # the caller names the id (Togai's customer id)
    fixed: tuple[dict[str, Any], ...] = ()  # records the app always has (an organization)
    id_prefix: str = ""  # generated ids look like the app's ("inv." + a number)


@dataclass(frozen=True)
class Pagination:
    style: str = "page"  # page | cursor | none
    page_param: str = "page"
    per_page_param: str = "per_page"
    default_per_page: int = 200
    max_per_page: int = 200
    cursor_param: str = "nextToken"
    page_object: dict[str, Any] = field(default_factory=dict)  # "$page", "$per_page", "$more"


@dataclass(frozen=True)
class Auth:
    authorize_path: str = ""
    token_path: str = ""
    revoke_path: str = ""
    token_prefix: str = "Bearer"
    token_extra: dict[str, Any] = field(default_factory=dict)  # e.g. api_domain
    expires_in: int = 3600


@dataclass(frozen=True)
class Description:
    service: str
    base_urls: tuple[str, ...]
    resources: dict[str, Resource]
    envelope: dict[str, Any]
    errors: dict[str, ErrorShape]
    pagination: Pagination
    body_form_field: str = ""  # e.g. JSONString; JSON bodies are read too
    form_body: bool = False  # the form parameters are the record (Wrike), JSON values decoded
    required_params: tuple[str, ...] = ()
    rate_limit_per_minute: int = 0
    rate_limit_key: str = ""  # the query parameter counted per value (organization_id)
    id_start: int = 1
    time_format: str = "%Y-%m-%dT%H:%M:%S%z"
    auth: Auth = field(default_factory=Auth)
    docs_url: str = ""

    def operations(self) -> list[tuple[Resource, Operation]]:
        """Every operation, most specific path first (``contacts/contactpersons`` before
        ``contacts/{id}``)."""
        found = [(r, op) for r in self.resources.values() for op in r.operations]
        return sorted(found, key=lambda pair: (-pair[1].literal_segments(), pair[1].path))

    def error(self, name: str) -> ErrorShape:
        return self.errors.get(name) or ErrorShape(400, name, name.replace("_", " "))


def _need(data: dict[str, Any], key: str, where: str) -> Any:
    if key not in data:
        raise DescriptionError(f"{where}: '{key}' is required")
    return data[key]


def _error(name: str, data: Any, where: str) -> ErrorShape:
    if not isinstance(data, dict):
        raise DescriptionError(f"{where}: error {name!r} must be an object")
    return ErrorShape(int(_need(data, "status", where)), data.get("code"), str(data["message"]))


def _field(name: str, data: Any, where: str) -> Field:
    if isinstance(data, str):
        data = {"type": data}
    kind = data.get("type", "string")
    if kind not in FIELD_TYPES:
        raise DescriptionError(f"{where}: field {name!r} has unknown type {kind!r}")
    values = tuple(str(v) for v in data.get("values") or ())
    if kind == "picklist" and not values:
        raise DescriptionError(f"{where}: picklist {name!r} needs values")
    return Field(
        name=name,
        type=kind,
        required=bool(data.get("required")),
        read_only=bool(data.get("read_only")),
        values=values,
        default=data.get("default"),
        sequence=data.get("sequence"),
        sum=data.get("sum"),
    )


def _operation(name: str, data: dict[str, Any], where: str) -> Operation:
    kind = data.get("kind", name)
    if kind not in OPERATIONS:
        raise DescriptionError(f"{where}: operation {name!r} has unknown kind {kind!r}")
    method = str(_need(data, "method", f"{where}.{name}")).upper()
    if method not in METHODS:
        raise DescriptionError(f"{where}: operation {name!r} has unknown method {method!r}")
    path = str(_need(data, "path", f"{where}.{name}")).strip("/")
    unknown = set(PLACEHOLDER.findall(path)) - {"id", "parent"}
    if unknown:
        raise DescriptionError(f"{where}: path {path!r} names unknown values {sorted(unknown)}")
    return Operation(
        name=name,
        kind=kind,
        method=method,
        path=path,
        status=int(data.get("status", 201 if kind == "create" else 200)),
        message=str(data.get("message", "success")),
        set_values=dict(data.get("set") or {}),
        scoped=bool(data.get("required_params", True)),
    )


def _resource(name: str, data: dict[str, Any], where: str) -> Resource:
    where = f"{where}.resources.{name}"
    fields = {n: _field(n, f, where) for n, f in (data.get("fields") or {}).items()}
    operations = tuple(_operation(n, o, where) for n, o in _need(data, "operations", where).items())
    filters = tuple(
        Filter(param, tuple(f.get("fields") or [f.get("field", param)]), f.get("match", "exact"))
        for param, f in (data.get("filters") or {}).items()
    )
    for one in filters:
        if one.match not in FILTER_MATCHES:
            raise DescriptionError(f"{where}: filter {one.param!r} has unknown match {one.match!r}")
    id_field = str(_need(data, "id_field", where))
    return Resource(
        name=name,
        id_field=id_field,
        single_key=str(data.get("single_key", "")),
        list_key=str(data.get("list_key", name)),
        operations=operations,
        fields=fields,
        filters=filters,
        sort_param=str(data.get("sort_param", "")),
        sort_order_param=str(data.get("sort_order_param", "")),
        default_sort=str(data.get("default_sort", "")),
        modified_field=str(data.get("modified_field", "")),
        created_field=str(data.get("created_field", "")),
        unique=tuple(
            Unique(tuple(u["fields"]), u.get("error", "duplicate"))
            for u in data.get("unique") or ()
        ),
        embeds=tuple(
            Embed(key, e["resource"], e["foreign_key"])
            for key, e in (data.get("embeds") or {}).items()
        ),
        parent=str(data.get("parent", "")),
        parent_list=bool(data.get("parent_list")),
        status_filter={k: dict(v) for k, v in (data.get("status_filter") or {}).items()},
        status_filter_param=str(data.get("status_filter_param", "")),
        webhook_events=tuple(data.get("webhook_events") or ()),
        label=str(data.get("label", name)),
        references=tuple(
            Reference(f, r["resource"], dict(r.get("copy") or {}))
            for f, r in (data.get("references") or {}).items()
        ),
        report_name=str(data.get("report_name", "")),
        client_ids=bool(data.get("client_ids")),
        fixed=tuple(dict(r) for r in data.get("fixed") or ()),
        id_prefix=str(data.get("id_prefix", "")),
    )


def parse(service: str, data: dict[str, Any]) -> Description:
    """The description of ``service``'s API, checked, or ``DescriptionError``."""
    where = f"{service}.api"
    if not isinstance(data, dict):
        raise DescriptionError(f"{where} must be an object")
    resources = {n: _resource(n, r, where) for n, r in _need(data, "resources", where).items()}
    for resource in resources.values():
        for reference in resource.references:
            if reference.resource not in resources:
                raise DescriptionError(
                    f"{where}.resources.{resource.name}: refers to unknown {reference.resource!r}"
                )
        for embed in resource.embeds:
            if embed.resource not in resources:
                raise DescriptionError(
                    f"{where}.resources.{resource.name}: embeds unknown {embed.resource!r}"
                )
    errors = {n: _error(n, e, f"{where}.errors") for n, e in (data.get("errors") or {}).items()}
    unknown_errors = set(errors) - ERROR_NAMES
    if unknown_errors:
        raise DescriptionError(f"{where}.errors: unknown names {sorted(unknown_errors)}")
    request = data.get("request") or {}
    rate = request.get("rate_limit") or {}
    paging = data.get("pagination") or {}
    auth = data.get("auth") or {}
    envelope = _need(data, "envelope", where)
    for kind in ("list", "one", "written", "message", "error"):
        _need(envelope, kind, f"{where}.envelope")
    base_urls = tuple(str(u).rstrip("/") for u in _need(data, "base_urls", where))
    if not base_urls or not all(u.startswith("https://") for u in base_urls):
        raise DescriptionError(f"{where}.base_urls must be https URLs")
    return Description(
        service=service,
        base_urls=base_urls,
        resources=resources,
        envelope=envelope,
        errors=errors,
        pagination=Pagination(
            style=paging.get("style", "page"),
            page_param=paging.get("page_param", "page"),
            per_page_param=paging.get("per_page_param", "per_page"),
            default_per_page=int(paging.get("default_per_page", 200)),
            max_per_page=int(paging.get("max_per_page", 200)),
            cursor_param=paging.get("cursor_param", "nextToken"),
            page_object=dict(paging.get("page_object") or {}),
        ),
        body_form_field=str(request.get("form_field", "")),
        form_body=bool(request.get("form")),
        required_params=tuple(request.get("required_params") or ()),
        rate_limit_per_minute=int(rate.get("per_minute", 0)),
        rate_limit_key=str(rate.get("per", "")),
        id_start=int(data.get("id_start", 1)),
        time_format=str(data.get("time_format", "%Y-%m-%dT%H:%M:%S%z")),
        auth=Auth(
            authorize_path=auth.get("authorize_path", ""),
            token_path=auth.get("token_path", ""),
            revoke_path=auth.get("revoke_path", ""),
            token_prefix=auth.get("token_prefix", "Bearer"),
            token_extra=dict(auth.get("token_extra") or {}),
            expires_in=int(auth.get("expires_in", 3600)),
        ),
        docs_url=str(data.get("docs_url", "")),
    )
