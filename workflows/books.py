"""``zoho.books.*`` integration tasks: calls to the Zoho Books API through a connection.

Signatures from the Zoho Deluge help (deluge/help/books/*):

* ``createRecord(module, org_id, data, connection)`` → ``POST /<module>``
* ``getRecords(module, org_id, search, connection)`` → ``GET /<module>?<search>``, where
  ``search`` is a map of the list API's query parameters or text ``key=value&key=value``
* ``getRecordsByID(module, org_id, id, connection)`` → ``GET /<module>/<id>``
* ``updateRecord(module, org_id, id, data, connection)`` → ``PUT /<module>/<id>``
* ``markStatus(module, org_id, id, status, connection)`` → ``POST /<module>/<id>/status/<status>``
* ``getOrganizations(connection)`` → ``GET /organizations``

Each returns the API's answer as a map (``code``, ``message`` and the record or records),
errors included, as the suite does. Bodies go in the ``JSONString`` form field. The call
is an ordinary connection call, so production reaches Zoho Books and the sandbox its
emulated app. The suite has no delete or mark-active task; scripts use ``invokeurl``.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl, quote

from deluge import DelugeRuntimeError, InvokeRequest, shape_response
from workflows.appclient import Caller

# task (lower case) -> (arguments before the connection, what they are)
TASKS = {
    "createrecord": (3, "a module, an organization id and a record map"),
    "getrecords": (2, "a module and an organization id"),
    "getrecordsbyid": (3, "a module, an organization id and a record id"),
    "updaterecord": (4, "a module, an organization id, a record id and a map of changes"),
    "markstatus": (4, "a module, an organization id, a record id and a status"),
    "getorganizations": (0, "a connection"),
}


def _path(module: Any) -> str:
    if not isinstance(module, str) or not module.strip():
        raise DelugeRuntimeError('zoho.books tasks need a module name such as "Contacts"')
    return quote(module.strip().lower().replace(" ", ""), safe="")


def _search(value: Any) -> dict[str, str]:
    if value in (None, ""):
        return {}
    if isinstance(value, dict):
        return {str(k): str(v) for k, v in value.items()}
    if isinstance(value, str):
        return dict(parse_qsl(value.lstrip("?"), keep_blank_values=True))
    raise DelugeRuntimeError("zoho.books.getRecords: the search must be a map or key=value text")


def perform(host: Caller, task: str, args: list[Any], connection: str | None) -> Any:
    """Run ``zoho.books.<task>(args)``; ``connection`` was taken off the arguments."""
    name = task.lower()
    label = f"zoho.books.{task}"
    if name not in TASKS:
        raise DelugeRuntimeError(f"{label} is not available in this console")
    count, what = TASKS[name]
    if len(args) < count:
        raise DelugeRuntimeError(f"{label} needs {what}")
    if not connection:
        raise DelugeRuntimeError(f"{label} needs the name of a Zoho Books connection")
    if name == "getorganizations":
        return _call(host, "GET", "organizations", connection)
    path, query = _path(args[0]), {"organization_id": str(args[1])}
    if name == "getrecords":
        return _call(
            host, "GET", path, connection, {**_search(args[2] if len(args) > 2 else None), **query}
        )
    record_id = quote(str(args[2]), safe="") if count >= 3 and name != "createrecord" else ""
    if name == "getrecordsbyid":
        return _call(host, "GET", f"{path}/{record_id}", connection, query)
    if name == "markstatus":
        status = quote(str(args[3]).strip().lower(), safe="")
        return _call(host, "POST", f"{path}/{record_id}/status/{status}", connection, query)
    data = args[2] if name == "createrecord" else args[3]
    if not isinstance(data, dict):
        raise DelugeRuntimeError(f"{label}: the record must be a map")
    body = {"JSONString": json.dumps(data, default=str)}
    method, target = ("POST", path) if name == "createrecord" else ("PUT", f"{path}/{record_id}")
    return _call(host, method, target, connection, query, body)


def _call(
    host: Caller,
    method: str,
    path: str,
    connection: str,
    query: dict[str, str] | None = None,
    body: dict[str, str] | None = None,
) -> Any:
    response = host.http(
        method, path, connection=connection, params=query or None, body=body, kind="zoho.books"
    )
    return shape_response(InvokeRequest(url=path), response)
