"""A client for any described app (``connections.catalog.description``), through a connection.

What module sync and flows need from an app, without code per app: list a resource page by
page (a generator: never the whole collection in memory), get, create, update and delete a
record, with the body sent the way the app takes it (Books' ``JSONString``, Wrike's form
parameters, JSON), the envelope unwrapped, and the app's errors raised as ``AppError`` with
its own code and message (``RateLimited`` for 429, with the seconds to wait).

Where the records are found in an answer is read from the same envelope templates the
emulation writes them with: the path to ``"$records"`` in the list template, to ``"$more"``
or ``"$next_token"`` in it or in the page object, to ``"$code"`` and ``"$message"`` in the
error template. Calls go through a ``caller`` (a ``WorkflowHost``), so the sandbox's host
answers them from the emulated app and production's sends them through the broker.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, Protocol
from urllib.parse import quote

from connections.catalog.description import Description, Operation, Resource
from deluge import HttpResponse

Path = tuple[str | int, ...]


class Caller(Protocol):
    def http(
        self,
        method: str,
        url: str,
        *,
        connection: str | None = None,
        params: Any = None,
        headers: dict[str, str] | None = None,
        body: Any = None,
        kind: str = "invokeurl",
    ) -> HttpResponse: ...


class AppError(Exception):
    """The app refused a call; ``code`` and ``message`` are its own."""

    def __init__(self, status: int, code: Any, message: str) -> None:
        super().__init__(f"HTTP {status}: {message}" + (f" (code {code})" if code else ""))
        self.status, self.code, self.message = status, code, message


class RateLimited(AppError):
    """429: wait ``retry_after`` seconds (the app's Retry-After, else a minute)."""

    def __init__(self, status: int, code: Any, message: str, retry_after: float) -> None:
        super().__init__(status, code, message)
        self.retry_after = retry_after


def path_to(template: Any, token: str) -> Path | None:
    """Where ``token`` (``"$records"``) sits in an envelope template, or None."""
    if template == token:
        return ()
    if isinstance(template, dict):
        for key, value in template.items():
            found = path_to(value, token)
            if found is not None:
                return (key, *found)
    if isinstance(template, list):
        for index, value in enumerate(template):
            found = path_to(value, token)
            if found is not None:
                return (index, *found)
    return None


def _at(value: Any, path: Path | None) -> Any:
    if path is None:
        return None
    for step in path:
        if isinstance(step, int):
            value = value[step] if isinstance(value, list) and len(value) > step else None
        else:
            value = value.get(step) if isinstance(value, dict) else None
        if value is None:
            return None
    return value


class AppClient:
    """One app through one connection: ``client.resource("contacts").list()`` and so on.

    ``params`` go with every call (Books' ``organization_id``).
    """

    def __init__(
        self,
        caller: Caller,
        connection: str,
        description: Description,
        *,
        base_url: str | None = None,
        params: dict[str, str] | None = None,
    ) -> None:
        self.caller = caller
        self.connection = connection
        self.api = description
        self.base_url = (base_url or description.base_urls[0]).rstrip("/")
        self.params = dict(params or {})

    def resource(self, name: str) -> ResourceClient:
        if name not in self.api.resources:
            raise KeyError(f"{self.api.service} has no resource {name!r}")
        return ResourceClient(self, self.api.resources[name])

    # ---------------------------------------------------------------- calling
    def _key(self, template: Any, resource: Resource) -> Any:
        """A template with ``{single_key}``/``{list_key}`` in its keys filled in."""
        if isinstance(template, dict):
            return {
                k.replace("{single_key}", resource.single_key).replace(
                    "{list_key}", resource.list_key
                ): self._key(v, resource)
                for k, v in template.items()
            }
        if isinstance(template, list):
            return [self._key(v, resource) for v in template]
        return template

    def path(self, kind: str, token: str, resource: Resource) -> Path | None:
        return path_to(self._key(self.api.envelope[kind], resource), token)

    def body(self, data: dict[str, Any]) -> tuple[Any, dict[str, str]]:
        """A record as the app takes it, and the headers that go with it."""
        if self.api.body_form_field:
            return {self.api.body_form_field: json.dumps(data, default=str)}, {}
        if self.api.form_body:
            return {
                k: v if isinstance(v, str) else json.dumps(v, default=str) for k, v in data.items()
            }, {}
        return json.dumps(data, default=str), {"Content-Type": "application/json"}

    def call(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        data: dict[str, Any] | None = None,
    ) -> Any:
        """One call; the parsed answer, or ``AppError``."""
        body, headers = self.body(data) if data is not None else (None, {})
        response = self.caller.http(
            method,
            f"{self.base_url}/{path}",
            connection=self.connection,
            params={**self.params, **(params or {})} or None,
            headers=headers or None,
            body=body,
            kind=f"app:{self.api.service}",
        )
        try:
            parsed = json.loads(response.text) if response.text.strip() else {}
        except ValueError:
            parsed = {"message": response.text[:200]}
        if response.status >= 400:
            error = self.api.envelope.get("error", {})
            code = _at(parsed, path_to(error, "$code"))
            message = str(_at(parsed, path_to(error, "$message")) or f"HTTP {response.status}")
            if response.status == 429:
                wait = _retry_after(response.headers)
                raise RateLimited(response.status, code, message, wait)
            raise AppError(response.status, code, message)
        return parsed


def _retry_after(headers: dict[str, Any]) -> float:
    for name, value in headers.items():
        if name.lower() == "retry-after":
            try:
                return max(float(value), 0.0)
            except (TypeError, ValueError):
                break
    return 60.0


class ResourceClient:
    def __init__(self, client: AppClient, resource: Resource) -> None:
        self.client, self.resource = client, resource

    def _operation(self, kind: str, *, parent: bool = False) -> Operation:
        for operation in self.resource.operations:
            if operation.kind == kind and ("{parent}" in operation.path) == parent:
                return operation
        raise KeyError(f"{self.resource.name} has no {kind} operation")

    def _record(self, answer: Any, kind: str) -> dict[str, Any]:
        found = _at(answer, self.client.path(kind, "$record", self.resource))
        return dict(found) if isinstance(found, dict) else {}

    def list(
        self,
        filters: dict[str, Any] | None = None,
        *,
        per_page: int | None = None,
        parent: str | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Every record matching ``filters`` (under ``parent``: a contact's persons, a
        folder's tasks), fetched a page at a time."""
        paging = self.client.api.pagination
        operation = self._operation("list", parent=parent is not None)
        path = _fill(operation.path, parent=parent)
        size = per_page or paging.default_per_page
        records_at = self.client.path("list", "$records", self.resource)
        page_at = self.client.path("list", "$page", self.resource)
        more_at = path_to(paging.page_object, "$more")
        token_at = self.client.path("list", "$next_token", self.resource)
        params: dict[str, Any] = dict(filters or {})
        if paging.style != "none":
            params[paging.per_page_param] = size
        page = 1
        while True:
            if paging.style == "page":
                params[paging.page_param] = page
            answer = self.client.call(operation.method, path, params=params)
            records = _at(answer, records_at) or []
            yield from (dict(r) for r in records if isinstance(r, dict))
            if paging.style == "cursor":
                token = _at(answer, token_at)
                if not token or not records:
                    return
                params[paging.cursor_param] = token
            elif paging.style == "page":
                more = _at(_at(answer, page_at), more_at) if more_at is not None else None
                if more is None:
                    more = len(records) >= size
                if not more or not records:
                    return
                page += 1
            else:
                return

    def get(self, record_id: str, *, parent: str | None = None) -> dict[str, Any]:
        operation = self._operation("get", parent=parent is not None)
        path = _fill(operation.path, record_id=record_id, parent=parent)
        return self._record(self.client.call(operation.method, path), "one")

    def create(self, data: dict[str, Any], *, parent: str | None = None) -> dict[str, Any]:
        operation = self._operation("create", parent=parent is not None)
        path = _fill(operation.path, parent=parent)
        return self._record(self.client.call(operation.method, path, data=data), "written")

    def update(self, record_id: str, data: dict[str, Any]) -> dict[str, Any]:
        operation = self._operation("update")
        path = _fill(operation.path, record_id=record_id)
        return self._record(self.client.call(operation.method, path, data=data), "written")

    def delete(self, record_id: str) -> None:
        operation = self._operation("delete")
        self.client.call(operation.method, _fill(operation.path, record_id=record_id))


def _fill(path: str, *, record_id: str | None = None, parent: str | None = None) -> str:
    """A path with its values spliced in, each quoted as one segment."""
    if record_id is not None:
        path = path.replace("{id}", quote(str(record_id), safe=""))
    if parent is not None:
        path = path.replace("{parent}", quote(str(parent), safe=""))
    return path
