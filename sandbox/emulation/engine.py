"""The stateful emulation of a described API: one request in, the app's answer out.

Pure Python (no Django): the sandbox runs it with records in the database
(``sandbox.emulation.dbstore``), ``manage.py emulate`` with records in memory. Everything an
answer looks like comes from the description (``description.py``): the routes, the body
format, the envelope, the app's error codes, pagination, filters, the modified time, unique
rules and the per-minute rate limit.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import parse_qsl, urlsplit

from connections.catalog.description import (
    Description,
    Embed,
    ErrorShape,
    Field,
    Operation,
    Resource,
)

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
LOGGED_CHARS = 2000


class Store(Protocol):
    """Where an emulated app keeps its records, counters and call log."""

    def all(self, resource: str) -> list[dict[str, Any]]: ...  # in creation order

    def get(self, resource: str, record_id: str) -> dict[str, Any] | None: ...

    def put(self, resource: str, record_id: str, data: dict[str, Any]) -> None: ...

    def delete(self, resource: str, record_id: str) -> None: ...

    def next_number(self, counter: str, start: int) -> int: ...

    def count_call(self, key: str, minute: int) -> int: ...  # this call included

    def log(self, entry: dict[str, Any]) -> None: ...


@dataclass
class Request:
    method: str
    url: str
    headers: Mapping[str, str] = field(default_factory=dict)
    body: Any = None  # bytes, text, or a map of form fields
    params: Mapping[str, Any] | None = None  # query values given apart from the URL


@dataclass
class Answer:
    status: int
    body: Any
    resource: str = ""
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "application/json"})

    def text(self) -> str:
        return json.dumps(self.body)


class Refused(Exception):
    """An answer in the app's error format, raised from deep inside a call."""

    def __init__(self, shape: ErrorShape, **values: Any) -> None:
        super().__init__(shape.message)
        self.shape, self.values = shape, values


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _truncate(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    return text if len(text) <= LOGGED_CHARS else text[:LOGGED_CHARS] + "…"


class Emulator:
    """Answers the calls of one described app, keeping its records in ``store``.

    ``base_urls`` are the URLs it answers under: the description's, plus their data-centre
    variants when the caller adds them.
    """

    def __init__(
        self,
        description: Description,
        store: Store,
        *,
        base_urls: tuple[str, ...] | None = None,
        clock: Callable[[], dt.datetime] = _utcnow,
    ) -> None:
        self.api = description
        self.store = store
        self.clock = clock
        self.bases = [urlsplit(url) for url in (base_urls or description.base_urls)]
        self._routes = [(r, op, op.pattern()) for r, op in description.operations()]

    # ---------------------------------------------------------------- matching
    def relative(self, url: str) -> str | None:
        """The path below one of the base URLs, or None when ``url`` is not this app's."""
        parts = urlsplit(url)
        for base in self.bases:
            if parts.scheme == base.scheme and parts.netloc.lower() == base.netloc.lower():
                prefix = base.path.rstrip("/")
                if parts.path == prefix or parts.path.startswith(prefix + "/"):
                    return parts.path[len(prefix) :].strip("/")
        return None

    def handle(self, request: Request) -> Answer | None:
        """The app's answer to ``request``, or None when the URL is not under this app."""
        rest = self.relative(request.url)
        if rest is None:
            return None
        query = dict(parse_qsl(urlsplit(request.url).query, keep_blank_values=True))
        for key, value in (request.params or {}).items():
            query[str(key)] = "" if value is None else str(value)
        resource_name = ""
        try:
            resource, operation, values = self._route(request.method.upper(), rest)
            resource_name = resource.name
            self._check_request(query, operation)
            answer = self._perform(resource, operation, values, query, request)
        except Refused as refusal:
            answer = self._refusal(refusal)
            answer.resource = resource_name
        self.store.log(
            {
                "resource": answer.resource,
                "method": request.method.upper(),
                "url": request.url,
                "status": answer.status,
                "request": _truncate(_readable(request.body)),
                "response": _truncate(answer.body),
                "at": self.clock().isoformat(),
            }
        )
        return answer

    # ----------------------------------------------------------------- answers
    def _render(self, template: Any, values: dict[str, Any], resource: Resource | None) -> Any:
        if isinstance(template, str):
            if template.startswith("$") and template[1:] in values:
                return values[template[1:]]
            return template
        if isinstance(template, list):
            return [self._render(item, values, resource) for item in template]
        if isinstance(template, dict):
            rendered = {}
            for key, value in template.items():
                if resource is not None:
                    key = key.replace("{single_key}", resource.single_key)
                    key = key.replace("{list_key}", resource.list_key)
                rendered[key] = self._render(value, values, resource)
            return rendered
        return template

    def _envelope(self, kind: str, status: int, resource: Resource | None, **values: Any) -> Answer:
        values.setdefault("kind", resource.list_key if resource else "")
        body = self._render(self.api.envelope[kind], values, resource)
        return Answer(status, body, resource.name if resource else "")

    def _refusal(self, refusal: Refused) -> Answer:
        shape = refusal.shape
        message = shape.message
        for key, value in refusal.values.items():
            message = message.replace("{" + key + "}", str(value))
        answer = self._envelope("error", shape.status, None, code=shape.code, message=message)
        if shape.status == 429:
            answer.headers["Retry-After"] = str(60 - self.clock().second)
        return answer

    def refusal(self, name: str, **values: Any) -> Answer:
        """The app's error answer ``name`` (``unauthorized``, ``rate_limited``, ...)."""
        return self._refusal(self._refuse(name, **values))

    def _refuse(self, name: str, **values: Any) -> Refused:
        return Refused(self.api.error(name), **values)

    # ---------------------------------------------------------------- requests
    def _check_request(self, query: dict[str, str], operation: Operation) -> None:
        for name in self.api.required_params if operation.scoped else ():
            if not query.get(name):
                raise self._refuse("missing_parameter", param=name)
        limit = self.api.rate_limit_per_minute
        if limit:
            now = self.clock()
            minute = int(now.timestamp() // 60)
            key = f"{self.api.rate_limit_key}={query.get(self.api.rate_limit_key, '')}"
            if self.store.count_call(key, minute) > limit:
                raise self._refuse("rate_limited", limit=limit)

    def _route(self, method: str, rest: str) -> tuple[Resource, Operation, dict[str, str]]:
        path_known = False
        for resource, operation, pattern in self._routes:
            match = pattern.fullmatch(rest)
            if match is None:
                continue
            path_known = True
            if operation.method == method:
                return resource, operation, match.groupdict()
        if path_known:
            raise self._refuse("method_not_allowed", method=method)
        if "invalid_url" in self.api.errors:
            raise self._refuse("invalid_url", path=rest)
        raise self._refuse("not_found", resource="URL", id=rest)

    def _input(self, request: Request) -> dict[str, Any]:
        """The record a request body carries: the form field (``JSONString``) or JSON."""
        body = request.body
        form_field = self.api.body_form_field
        if isinstance(body, bytes):
            body = body.decode("utf-8", "replace")
        if isinstance(body, Mapping):
            if form_field and form_field in body:
                return self._json_object(body[form_field])
            return self._form(dict(body))
        if isinstance(body, str) and body.strip():
            text = body.strip()
            if text[:1] in "{[":
                return self._json_object(text)
            form = dict(parse_qsl(text, keep_blank_values=True))
            if form_field and form_field in form:
                return self._json_object(form[form_field])
            if self.api.form_body:
                return self._form(form)
            raise self._refuse("bad_body", field=form_field or "body")
        return {}

    def _form(self, form: dict[str, Any]) -> dict[str, Any]:
        """Form parameters as a record; an app that takes them decodes JSON values
        (``dates={"due": "2026-12-10"}``)."""
        if not self.api.form_body:
            return form
        decoded: dict[str, Any] = {}
        for key, value in form.items():
            if isinstance(value, str) and value.strip()[:1] in "{[":
                try:
                    value = json.loads(value)
                except ValueError:
                    raise self._refuse("invalid", field=key, value=value) from None
            decoded[key] = value
        return decoded

    def _json_object(self, text: Any) -> dict[str, Any]:
        if isinstance(text, dict):
            return dict(text)
        try:
            value = json.loads(str(text))
        except ValueError:
            raise self._refuse("bad_body", field=self.api.body_form_field or "body") from None
        if not isinstance(value, dict):
            raise self._refuse("bad_body", field=self.api.body_form_field or "body")
        return value

    # -------------------------------------------------------------- operations
    def _perform(
        self,
        resource: Resource,
        operation: Operation,
        values: dict[str, str],
        query: dict[str, str],
        request: Request,
    ) -> Answer:
        kind = operation.kind
        if kind == "list":
            return self._list(resource, values.get("parent"), query)
        needs_body = kind in ("create", "update") and "missing_body" in self.api.errors
        if needs_body and not _has_body(request.body):
            raise self._refuse("missing_body", field=self.api.body_form_field or "body")
        if kind == "create":
            data = self._input(request)
            parent = values.get("parent")
            if parent and resource.parent and not resource.parent_list:
                data[resource.parent] = parent
            record = self._create(resource, data, parent if resource.parent_list else None)
            return self._written(resource, operation, record)
        record = self._existing(resource, values.get("id", ""))
        if kind == "get":
            return self._envelope(
                "one", operation.status, resource, record=self._shown(resource, record)
            )
        if kind == "update":
            record = self._update(resource, record, self._input(request))
            return self._written(resource, operation, record)
        if kind == "delete":
            self._delete(resource, record)
            message = self._message(operation.message, record)
            return self._envelope("message", operation.status, resource, message=message)
        # "set": mark active / inactive and the like
        record = {**record, **operation.set_values}
        self._touch(resource, record)
        self.store.put(resource.name, str(record[resource.id_field]), record)
        message = self._message(operation.message, record)
        return self._envelope("message", operation.status, resource, message=message)

    @staticmethod
    def _message(template: str, record: dict[str, Any]) -> str:
        """A success message naming the record's own values ("The customer has been
        deleted." for a contact whose ``contact_type`` is customer)."""
        for key, value in record.items():
            if isinstance(value, str | int | float) and not isinstance(value, bool):
                template = template.replace("{" + key + "}", str(value))
        return template

    def _written(self, resource: Resource, operation: Operation, record: dict[str, Any]) -> Answer:
        shown = self._shown(resource, record)
        return self._envelope(
            "written",
            operation.status,
            resource,
            record=shown,
            message=self._message(operation.message, record),
            id=str(record[resource.id_field]),
            created=record.get(resource.created_field, ""),
            modified=record.get(resource.modified_field, ""),
        )

    def _existing(self, resource: Resource, record_id: str) -> dict[str, Any]:
        fixed = [r for r in resource.fixed if str(r.get(resource.id_field)) == record_id]
        record = dict(fixed[0]) if fixed else self.store.get(resource.name, record_id)
        if record is None:
            raise self._refuse("not_found", resource=resource.label, id=record_id)
        return record

    def _shown(self, resource: Resource, record: dict[str, Any]) -> dict[str, Any]:
        shown = dict(record)
        for embed in resource.embeds:
            child = self.api.resources[embed.resource]
            key = str(record[resource.id_field])
            shown[embed.key] = [
                c for c in self.store.all(child.name) if str(c.get(embed.foreign_key)) == key
            ]
        return shown

    # --------------------------------------------------------------------- list
    def _list(self, resource: Resource, parent: str | None, query: dict[str, str]) -> Answer:
        records = [dict(r) for r in resource.fixed] + self.store.all(resource.name)
        if parent is not None and resource.parent:
            if resource.parent_list:
                records = [r for r in records if parent in (r.get(resource.parent) or [])]
            else:
                records = [r for r in records if str(r.get(resource.parent)) == parent]
        if resource.status_filter_param:
            wanted = query.get(resource.status_filter_param, "")
            if wanted and wanted not in resource.status_filter:
                raise self._refuse("invalid", field=resource.status_filter_param, value=wanted)
            for name, value in resource.status_filter.get(wanted, {}).items():
                records = [r for r in records if r.get(name) == value]
        for one in resource.filters:
            wanted = query.get(one.param, "")
            if wanted:
                records = [r for r in records if self._passes(r, one.fields, one.match, wanted)]
        sort = query.get(resource.sort_param, "") if resource.sort_param else ""
        sort = sort or resource.default_sort
        if sort:
            descending = query.get(resource.sort_order_param, "A").upper().startswith("D")
            records = sorted(
                records, key=lambda r: str(r.get(sort) or "").lower(), reverse=descending
            )
        applied = (
            query.get(resource.status_filter_param, "") if resource.status_filter_param else ""
        )
        return self._page(
            resource, records, query, sort, applied or next(iter(resource.status_filter), "")
        )

    def _passes(
        self, record: dict[str, Any], fields: tuple[str, ...], match: str, wanted: str
    ) -> bool:
        for name in fields:
            value = record.get(name)
            if value is None:
                continue
            text = str(value)
            if match == "exact" and text == wanted:
                return True
            if match == "iexact" and text.lower() == wanted.lower():
                return True
            if match == "contains" and wanted.lower() in text.lower():
                return True
            if match == "starts_with" and text.lower().startswith(wanted.lower()):
                return True
            if match in ("since", "before"):
                moment, limit = self._moment(text), self._moment(wanted)
                if limit is None:
                    raise self._refuse("invalid", field=name, value=wanted)
                if moment is not None and (moment >= limit if match == "since" else moment < limit):
                    return True
        return False

    def _moment(self, text: str) -> dt.datetime | None:
        parsers: tuple[Callable[[str], dt.datetime], ...] = (
            lambda t: dt.datetime.strptime(t, self.api.time_format),
            lambda t: dt.datetime.fromisoformat(t.replace("Z", "+00:00")),
        )
        for parse in parsers:
            try:
                moment = parse(text)
            except ValueError:
                continue
            return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
        return None

    def _page(
        self,
        resource: Resource,
        records: list[dict[str, Any]],
        query: dict[str, str],
        sort: str,
        applied: str = "",
    ) -> Answer:
        paging = self.api.pagination
        if paging.style == "none":
            return self._envelope("list", 200, resource, records=records, page={})
        try:
            per_page = int(query.get(paging.per_page_param) or paging.default_per_page)
            if paging.style == "cursor":
                start = _offset(query.get(paging.cursor_param) or "")
                page = start // max(per_page, 1) + 1
            else:
                page = int(query.get(paging.page_param) or 1)
                start = (page - 1) * per_page
        except ValueError:
            raise self._refuse("invalid", field=paging.per_page_param, value="") from None
        if per_page < 1 or page < 1 or per_page > paging.max_per_page:
            raise self._refuse("invalid", field=paging.per_page_param, value=per_page)
        chunk = records[start : start + per_page]
        more = start + per_page < len(records)
        values = {
            "page": page,
            "per_page": per_page,
            "more": more,
            "count": len(chunk),
            "sort_column": sort,
            "sort_order": "D"
            if query.get(resource.sort_order_param, "A").upper().startswith("D")
            else "A",
            "report_name": resource.report_name or resource.label,
            "applied_filter": applied,
            "next_token": _token(start + per_page) if more else None,
        }
        page_object = self._render(paging.page_object, values, resource)
        return self._envelope(
            "list",
            200,
            resource,
            records=chunk,
            page=page_object,
            next_token=values["next_token"],
            total=len(records),
        )

    # ------------------------------------------------------------------- writes
    def _clean(self, resource: Resource, data: dict[str, Any], *, creating: bool) -> dict[str, Any]:
        """The writable, known fields of ``data``, checked against their types."""
        embedded = {embed.key for embed in resource.embeds}
        cleaned: dict[str, Any] = {}
        for name, value in data.items():
            spec = resource.fields.get(name)
            own_id = name == resource.id_field and not (creating and resource.client_ids)
            if spec is None or spec.read_only or name in embedded or own_id:
                continue  # the app ignores what it does not know or computes itself
            cleaned[name] = self._typed(spec, value)
        if creating:
            for spec in resource.fields.values():
                if name_missing(cleaned, spec):
                    raise self._refuse("required", field=spec.name, resource=resource.label)
        else:
            for name, value in cleaned.items():
                if resource.fields[name].required and value in (None, ""):
                    raise self._refuse("required", field=name, resource=resource.label)
        return cleaned

    def _typed(self, spec: Field, value: Any) -> Any:
        if value is None:
            return None
        kind, ok = spec.type, True
        if (
            kind in ("string", "email")
            and isinstance(value, int | float)
            and not isinstance(value, bool)
        ):
            value = str(value)
        if kind in ("string", "email", "date", "datetime", "picklist"):
            ok = isinstance(value, str)
        if ok and kind == "email" and value:
            ok = bool(EMAIL_RE.match(value))
        if ok and kind == "date" and value:
            ok = bool(DATE_RE.match(value))
        if ok and kind == "datetime" and value:
            ok = self._moment(value) is not None
        if ok and kind == "picklist" and value:
            ok = value in spec.values
        if kind in ("number", "integer"):
            try:
                number = float(value) if not isinstance(value, bool) else None
            except (TypeError, ValueError):
                number = None
            ok = number is not None and (kind == "number" or number.is_integer())
            if ok and number is not None:
                value = int(number) if kind == "integer" else number
        if kind == "boolean":
            if isinstance(value, str) and value.lower() in ("true", "false"):
                value = value.lower() == "true"
            ok = isinstance(value, bool)
        if kind == "list":
            ok = isinstance(value, list)
        if kind == "object":
            ok = isinstance(value, dict)
        if not ok:
            raise self._refuse("invalid", field=spec.name, value=value)
        return value

    def _unique(self, resource: Resource, record: dict[str, Any]) -> None:
        for rule in resource.unique:
            key = tuple(str(record.get(f, "")).strip().lower() for f in rule.fields)
            if not all(key):
                continue
            for other in self.store.all(resource.name):
                if other[resource.id_field] == record[resource.id_field]:
                    continue
                if tuple(str(other.get(f, "")).strip().lower() for f in rule.fields) == key:
                    values = {k: v for k, v in record.items() if isinstance(v, str | int | float)}
                    raise self._refuse(rule.error, **{**values, "resource": resource.label})

    def _resolve(self, resource: Resource, record: dict[str, Any], changed: dict[str, Any]) -> None:
        """Check the references ``changed`` sets and copy the fields they bring."""
        for reference in resource.references:
            value = changed.get(reference.name)
            if value in (None, ""):
                continue
            target = self.api.resources[reference.resource]
            found = self.store.get(target.name, str(value))
            if found is None:
                raise self._refuse("invalid", field=reference.name, value=value)
            for mine, theirs in reference.copy.items():
                record[mine] = found.get(theirs)

    def _now(self) -> str:
        return self.clock().strftime(self.api.time_format)

    def _touch(self, resource: Resource, record: dict[str, Any]) -> None:
        if resource.modified_field:
            record[resource.modified_field] = self._now()

    def _computed(self, resource: Resource, record: dict[str, Any]) -> None:
        for spec in resource.fields.values():
            if spec.sum:
                total = 0.0
                for item in record.get(spec.sum["list"]) or []:
                    product = 1.0
                    for part in spec.sum["of"]:
                        try:
                            product *= float(item.get(part) or 0)
                        except (TypeError, ValueError, AttributeError):
                            product = 0.0
                    total += product
                record[spec.name] = round(total, 2)

    def _create(
        self, resource: Resource, data: dict[str, Any], in_parent: str | None = None
    ) -> dict[str, Any]:
        """A new record; ``in_parent`` is the path's parent of a list-valued parent field,
        which the caller cannot write itself (Wrike's ``parentIds``)."""
        cleaned = self._clean(resource, data, creating=True)
        if resource.client_ids:
            given = data.get(resource.id_field)
            if given in (None, ""):
                raise self._refuse("required", field=resource.id_field, resource=resource.label)
            record_id = str(given)
            if self.store.get(resource.name, record_id) is not None:
                raise self._refuse(
                    "duplicate",
                    **{resource.id_field: record_id, "resource": resource.label, "id": record_id},
                )
        else:
            # One counter for every resource: ids are unique across the app, as real ones are.
            number = self.store.next_number("id", self.api.id_start)
            record_id = f"{resource.id_prefix}{number}"
        record: dict[str, Any] = {resource.id_field: record_id}
        for spec in resource.fields.values():
            if spec.default is not None:
                record[spec.name] = spec.default
            if spec.sequence:
                count = self.store.next_number(f"{resource.name}.{spec.name}", 1)
                digits = int(spec.sequence.get("digits", 6))
                record[spec.name] = f"{spec.sequence.get('prefix', '')}{count:0{digits}d}"
        record.update(cleaned)
        if in_parent is not None:
            record[resource.parent] = [in_parent]
        self._resolve(resource, record, cleaned)
        self._computed(resource, record)
        if resource.created_field:
            record[resource.created_field] = self._now()
        self._touch(resource, record)
        children = self._children(resource, data)
        self._unique(resource, record)
        for embed, items in children:
            child = self.api.resources[embed.resource]
            for item in items:
                self._clean(child, {**item, embed.foreign_key: record[resource.id_field]},
                            creating=True)  # fmt: skip
        self.store.put(resource.name, record[resource.id_field], record)
        for embed, items in children:
            for item in items:
                self._create(
                    self.api.resources[embed.resource],
                    {**item, embed.foreign_key: record[resource.id_field]},
                )
        return record

    def _children(
        self, resource: Resource, data: dict[str, Any]
    ) -> list[tuple[Embed, list[dict[str, Any]]]]:
        found = []
        for embed in resource.embeds:
            items = data.get(embed.key)
            if items is None:
                continue
            if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
                raise self._refuse("invalid", field=embed.key, value=items)
            found.append((embed, items))
        return found

    def _update(
        self, resource: Resource, record: dict[str, Any], data: dict[str, Any]
    ) -> dict[str, Any]:
        cleaned = self._clean(resource, data, creating=False)
        updated = {**record, **cleaned}
        self._resolve(resource, updated, cleaned)
        self._computed(resource, updated)
        self._touch(resource, updated)
        self._unique(resource, updated)
        children = self._children(resource, data)
        self.store.put(resource.name, updated[resource.id_field], updated)
        for embed, items in children:
            child = self.api.resources[embed.resource]
            for item in items:
                existing = self.store.get(child.name, str(item.get(child.id_field, "")))
                if existing is not None:
                    self._update(child, existing, item)
                else:
                    self._create(child, {**item, embed.foreign_key: updated[resource.id_field]})
        return updated

    def _delete(self, resource: Resource, record: dict[str, Any]) -> None:
        key = str(record[resource.id_field])
        for embed in resource.embeds:
            child = self.api.resources[embed.resource]
            for item in self.store.all(child.name):
                if str(item.get(embed.foreign_key)) == key:
                    self.store.delete(child.name, str(item[child.id_field]))
        self.store.delete(resource.name, key)

    # ------------------------------------------------------------------ seeding
    def seed(self, records: Mapping[str, list[dict[str, Any]]]) -> int:
        """Create records as if each had been posted; returns how many (children included
        once, through their parent)."""
        count = 0
        for name, items in records.items():
            resource = self.api.resources.get(name)
            if resource is None:
                raise ValueError(f"{self.api.service} has no resource {name!r}")
            for item in items:
                try:
                    self._create(resource, dict(item))
                except Refused as refusal:
                    answer = self._refusal(refusal)
                    raise ValueError(f"{name}: {json.dumps(answer.body)}") from None
                count += 1
        return count


def _token(offset: int) -> str:
    """An opaque cursor, as apps hand out (base64 of where the next page starts)."""
    return base64.urlsafe_b64encode(json.dumps({"offset": offset}).encode()).decode()


def _offset(token: str) -> int:
    if not token:
        return 0
    try:
        return int(json.loads(base64.urlsafe_b64decode(token.encode()))["offset"])
    except (ValueError, KeyError, TypeError):
        raise ValueError("invalid cursor") from None


def _has_body(body: Any) -> bool:
    if isinstance(body, Mapping):
        return bool(body)
    if isinstance(body, bytes):
        return bool(body.strip())
    return isinstance(body, str) and bool(body.strip())


def name_missing(cleaned: dict[str, Any], spec: Field) -> bool:
    return spec.required and not spec.read_only and cleaned.get(spec.name) in (None, "")


def _readable(body: Any) -> Any:
    if isinstance(body, bytes):
        return body.decode("utf-8", "replace")
    return body if body is not None else ""
