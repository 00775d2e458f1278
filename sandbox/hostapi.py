"""The host app's REST API (Bigin v2, CRM v8) in the sandbox, over the sandbox's records.

A sandbox call to ``https://www.zohoapis.com/bigin/v2/Contacts`` (or CRM's, in any data
centre) is answered from the same records ``zoho.bigin.*`` tasks and Test your topping use:
``GET /{module}`` lists, ``GET /{module}/{id}`` gets, ``GET /{module}/search`` searches
(``criteria``, ``email``, ``phone``, ``word``), ``GET /{module}/{id}/{related}`` reads a
related list, ``POST /{module}`` and ``PUT /{module}[/{id}]`` write ``{"data": [...]}``,
``DELETE /{module}/{id}`` or ``?ids=`` deletes. The answers are the API's: ``{"data",
"info"}`` lists, ``{"data": [{"code": "SUCCESS", "details", ...}]}`` writes, ``204`` with
no body for an empty list or search.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit, urlunsplit

from connections.models import Service
from deluge import HttpResponse
from workflows.records import HOST_SERVICES, RecordCall

JSON = {"Content-Type": "application/json"}


def _bases() -> list[tuple[str, str]]:
    """(app, base URL) for the host services, in every data centre."""
    found = []
    for app, key in HOST_SERVICES.items():
        service = Service.objects.default().filter(key=key).first()
        if service is None or not service.api_base_url:
            continue
        parts = urlsplit(service.api_base_url)
        hosts = [parts.hostname or ""] + [
            centre.host(parts.hostname or "") for centre in service.data_centre_list()[1:]
        ]
        for host in dict.fromkeys(hosts):
            found.append((app, urlunsplit(parts._replace(netloc=host)).rstrip("/")))
    return found


def body_map(body: Any) -> dict[str, Any]:
    """A request body as a map: a map, JSON text, or form fields; anything else is empty."""
    if isinstance(body, dict):
        return dict(body)
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    if isinstance(body, str) and body.strip():
        try:
            value = json.loads(body)
        except ValueError:
            return dict(parse_qsl(body))
        return value if isinstance(value, dict) else {}
    return {}


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value else default
    except ValueError:
        return default


def _reply(status: int, value: Any) -> HttpResponse:
    if status == 204:
        return HttpResponse(204, "", {})
    return HttpResponse(status, json.dumps(value), dict(JSON))


def answer(store: Any, method: str, url: str, request: dict[str, Any]) -> HttpResponse | None:
    """The host API's answer to a sandbox call, or None when ``url`` is not the host's."""
    parts = urlsplit(url)
    bare = f"{parts.scheme}://{parts.netloc}{parts.path}".rstrip("/")
    for app, base in _bases():
        if bare != base and not bare.startswith(base + "/"):
            continue
        segments = [unquote(s) for s in bare[len(base) :].strip("/").split("/") if s]
        query = dict(parse_qsl(parts.query))
        query.update({str(k): str(v) for k, v in (request.get("params") or {}).items()})
        return _perform(store, app, method.upper(), segments, query, body_map(request.get("body")))
    return None


def _perform(
    store: Any,
    app: str,
    method: str,
    segments: list[str],
    query: dict[str, str],
    body: dict[str, Any],
) -> HttpResponse:
    if not segments or len(segments) > 3:
        return _reply(400, {"code": "INVALID_URL_PATTERN", "details": {},
                            "message": "Please check if the URL trying to access is a correct one",
                            "status": "error"})  # fmt: skip
    module = segments[0]
    call = RecordCall(app, "", module, page=_int(query.get("page"), 1),
                      per_page=_int(query.get("per_page"), 200))  # fmt: skip
    data, given_trigger = body.get("data"), body.get("trigger")
    rows: list[dict[str, Any]] = (
        [r for r in data if isinstance(r, dict)] if isinstance(data, list) else []
    )
    trigger: list[Any] = given_trigger if isinstance(given_trigger, list) else []
    if method == "GET" and len(segments) == 1:
        call.op = "list"
    elif method == "GET" and segments[1] == "search":
        call.op = "search"
        found = {k: query[k] for k in ("email", "phone", "word") if query.get(k)}
        call.search, call.criteria = found, query.get("criteria", "")
    elif method == "GET" and len(segments) == 2:
        call.op, call.record_id = "get", segments[1]
    elif method == "GET":
        call.op, call.module, call.parent_module = "related", segments[2], module
        call.record_id = segments[1]
    elif method == "DELETE":
        ids = [segments[1]] if len(segments) == 2 else query.get("ids", "").split(",")
        return _writes(store, call, "delete", [{"id": i} for i in ids if i], trigger, 200)
    elif method in ("POST", "PUT") and len(segments) <= 2:
        if len(segments) == 2:
            rows = [{**row, "id": segments[1]} for row in rows[:1]]
        if not rows:
            return _reply(400, {"code": "INVALID_DATA", "details": {"api_name": "data"},
                                "message": "invalid data", "status": "error"})  # fmt: skip
        op, status = ("create", 201) if method == "POST" else ("update", 200)
        return _writes(store, call, op, rows, trigger, status)
    else:
        return _reply(405, {"code": "INVALID_REQUEST_METHOD", "details": {},
                            "message": "The http request method type is not a valid one",
                            "status": "error"})  # fmt: skip
    result = store.perform(call)
    data = result.get("data") if isinstance(result, dict) else None
    if data == []:
        return _reply(204, None)
    failed = isinstance(data, list) and data and data[0].get("status") == "error"
    return _reply(400 if failed else 200, result)


def _writes(
    store: Any, call: RecordCall, op: str, rows: list[dict[str, Any]], trigger: list[Any],
    status: int,
) -> HttpResponse:  # fmt: skip
    """Each row written in turn, answered together (207 when some failed, as the API does)."""
    answers: list[dict[str, Any]] = []
    for row in rows:
        one = RecordCall(call.app, op, call.module, trigger=[str(t) for t in trigger])
        data = {k: v for k, v in row.items() if k != "id"}
        one.record_id, one.data = str(row.get("id", "")) or None, data
        answers.extend(store.perform(one)["data"])
    failures = [a for a in answers if a.get("status") == "error"]
    if failures and len(failures) < len(answers):
        status = 207
    elif failures:
        status = 400
    return _reply(status, {"data": answers})
