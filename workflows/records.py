"""``zoho.crm.*`` / ``zoho.bigin.*`` integration tasks and the record stores they reach.

``parse_task`` turns a task's name and arguments into a ``RecordCall``; a store answers
it with what the host's REST API returns (``{"data": [...]}`` for reads, the success
envelope for writes). In production the store is the host API itself, reached through the
topping's connection to the host app; the sandbox's host (``WorkflowHost.store()``
overridden) answers from its emulated records.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import quote

from deluge import DelugeRuntimeError

HOST_APPS = ("crm", "bigin")
# The host app's default service in the catalog, used when a task names no connection.
HOST_SERVICES = {"crm": "zoho_crm", "bigin": "zoho_bigin"}


@dataclass
class RecordCall:
    app: str
    op: str  # get, list, search, create, update, delete, related
    module: str
    record_id: str | None = None
    data: dict = field(default_factory=dict)
    criteria: str = ""
    search: dict = field(default_factory=dict)  # email / phone / word searches
    page: int = 1
    per_page: int = 200
    trigger: list = field(default_factory=list)
    connection: str | None = None
    parent_module: str = ""  # related: the module of the record whose related list is read


def _ints(args: list, start: int, defaults: tuple[int, ...]) -> list[int]:
    out = []
    for offset, default in enumerate(defaults):
        value = args[start + offset] if len(args) > start + offset else default
        try:
            out.append(int(value))
        except (TypeError, ValueError):
            raise DelugeRuntimeError("page and per page must be numbers") from None
    return out


def _options(value: Any) -> list:
    if isinstance(value, dict):
        trigger = value.get("trigger") or []
        return [str(t) for t in trigger] if isinstance(trigger, list) else [str(trigger)]
    return []


# Integration tasks that may name a connection: for each task of ``zoho.crm`` /
# ``zoho.bigin`` (and their ``v<n>`` forms) and ``zoho.books``, how many leading arguments
# come before the connection (lower-case task names). Signatures from the Zoho Deluge help:
#   zoho.crm.getRecordById(module, id, [query_value], [connection])
#   zoho.crm.getRecords(module, [page], [per_page], [query_value], [connection])
#   zoho.crm.searchRecords(module, criteria, [page], [per_page], [query_value], [connection])
#   zoho.crm.createRecord(module, record, [options], [connection])
#   zoho.crm.updateRecord(module, id, changes, [options], [connection])
#   zoho.crm.upsert / bulkCreate(module, values, [options], [connection])
#   zoho.crm.getRelatedRecords(relation, module, id, [page], [per_page], [connection])
#   zoho.books.createRecord(module, org_id, data, connection)
#   zoho.books.getRecords(module, org_id, search, connection)
#   zoho.books.getRecordsByID(module, org_id, id, connection)
#   zoho.books.updateRecord(module, org_id, id, data, connection)
#   zoho.books.markStatus(module, org_id, id, status, connection)
#   zoho.books.getOrganizations(connection)
# Bigin's record tasks take the CRM's arguments; searchRecordsByEmail/Phone/Word and
# deleteRecord (module and a value or id) are the console's own record tasks.
_CRM_TASKS = {
    "getrecordbyid": 2,
    "getrecords": 1,
    "searchrecords": 2,
    "searchrecordsbyemail": 2,
    "searchrecordsbyphone": 2,
    "searchrecordsbyword": 2,
    "createrecord": 2,
    "updaterecord": 3,
    "deleterecord": 2,
    "upsert": 2,
    "bulkcreate": 2,
    "bulkupdate": 2,
    "getrelatedrecords": 3,
}
TASK_CONNECTION_ARGUMENT = {
    "crm": _CRM_TASKS,
    "bigin": _CRM_TASKS,
    "books": {
        "createrecord": 3,
        "getrecords": 3,
        "getrecordsbyid": 3,
        "updaterecord": 4,
        "markstatus": 4,
        "getorganizations": 0,
    },
}


def ends_with_connection(suite: str, task: str, count: int, after_collection: bool) -> bool:
    """Whether the last of ``count`` arguments of ``zoho.<suite>.<task>`` (a string) is the
    connection: it comes after the task's leading arguments; for a task not in the table,
    only right after a map or list. The save check (``functions.task_connection``) and the
    run (``parse_task``) both ask this, so they never disagree."""
    leading = TASK_CONNECTION_ARGUMENT.get(suite, {}).get(task.lower())
    return after_collection if leading is None else count > leading


def take_connection(app: str, task: str, args: list) -> tuple[list, str | None]:
    """Integration tasks take an optional connection name as their last argument."""
    after_collection = len(args) >= 2 and isinstance(args[-2], dict | list)
    if (
        args
        and isinstance(args[-1], str)
        and ends_with_connection(app, task, len(args), after_collection)
    ):
        return args[:-1], args[-1]
    return args, None


def parse_task(app: str, task: str, args: list) -> RecordCall:
    """The call ``zoho.<app>.<task>(args)`` stands for; a clear error when it is not one."""
    name = task.lower()
    label = f"zoho.{app}.{task}"
    args, connection = take_connection(app, task, list(args))
    if not args or not isinstance(args[0], str) or not args[0]:
        raise DelugeRuntimeError(f"{label} needs a module name as its first argument")
    module = args[0]

    def need(count: int, what: str) -> None:
        if len(args) < count:
            raise DelugeRuntimeError(f"{label} needs {what}")

    call = RecordCall(app, "", module, connection=connection)
    if name == "getrecordbyid":
        need(2, "a module and a record id")
        call.op, call.record_id = "get", str(args[1])
    elif name == "getrecords":
        call.op = "list"
        call.page, call.per_page = _ints(args, 1, (1, 200))
    elif name == "searchrecords":
        need(2, "a module and criteria")
        call.op, call.criteria = "search", str(args[1] or "")
        call.page, call.per_page = _ints(args, 2, (1, 200))
    elif name in ("searchrecordsbyemail", "searchrecordsbyphone", "searchrecordsbyword"):
        need(2, "a module and a value to search for")
        key = name.removeprefix("searchrecordsby")
        call.op, call.search = "search", {key: str(args[1])}
    elif name == "createrecord":
        need(2, "a module and a record map")
        if not isinstance(args[1], dict):
            raise DelugeRuntimeError(f"{label}: the record must be a map")
        call.op, call.data = "create", dict(args[1])
        call.trigger = _options(args[2]) if len(args) > 2 else []
    elif name == "updaterecord":
        need(3, "a module, a record id and a map of changes")
        if not isinstance(args[2], dict):
            raise DelugeRuntimeError(f"{label}: the changes must be a map")
        call.op, call.record_id, call.data = "update", str(args[1]), dict(args[2])
        call.trigger = _options(args[3]) if len(args) > 3 else []
    elif name == "deleterecord":
        need(2, "a module and a record id")
        call.op, call.record_id = "delete", str(args[1])
    elif name == "getrelatedrecords":
        # The related list's module first (as the suite's help has it), then the record's.
        need(3, "a related list, a module and a record id")
        call.op, call.parent_module, call.record_id = "related", str(args[1]), str(args[2])
        call.page, call.per_page = _ints(args, 3, (1, 200))
    else:
        raise DelugeRuntimeError(f"{label} is not available in this console")
    return call


def host_app(topping) -> str:
    """The host app a topping's field updates go to: Bigin if it connects to it, else CRM."""
    bigin = topping.connections.filter(service__key=HOST_SERVICES["bigin"]).exists()
    return "bigin" if bigin else "crm"


class RecordStore(Protocol):
    """What answers record tasks: ``perform(call)`` returns what the host API would."""

    def perform(self, call: RecordCall) -> Any: ...


class HostApiStore:
    """The host's own REST API, reached through a connection of the topping."""

    def __init__(self, topping, user=None, send: Callable | None = None) -> None:
        self.topping, self.user = topping, user
        self._send = send

    def connection_for(self, call: RecordCall) -> str:
        if call.connection:
            return call.connection
        link = (
            self.topping.connections.filter(service__key=HOST_SERVICES[call.app])
            .values_list("link_name", flat=True)
            .first()
        )
        if link is None:
            raise DelugeRuntimeError(
                f"zoho.{call.app} tasks need a connection to the host app: create one "
                f"to “{HOST_SERVICES[call.app]}” or pass its link name as the last argument"
            )
        return link

    def request(self, call: RecordCall) -> tuple[str, str, dict | None, Any]:
        module = quote(call.module, safe="")
        path = module
        params: dict | None = None
        body = None
        if call.op == "get":
            path = f"{module}/{quote(call.record_id or '', safe='')}"
            return "GET", path, None, None
        if call.op == "list":
            params = {"page": call.page, "per_page": call.per_page}
            return "GET", path, params, None
        if call.op == "search":
            params = dict(call.search) or {"criteria": call.criteria}
            params.update(page=call.page, per_page=call.per_page)
            return "GET", f"{module}/search", params, None
        if call.op == "create":
            body = {"data": [call.data], "trigger": call.trigger}
            return "POST", path, None, body
        if call.op == "update":
            body = {"data": [call.data], "trigger": call.trigger}
            return "PUT", f"{module}/{quote(call.record_id or '', safe='')}", None, body
        if call.op == "related":
            parent = quote(call.parent_module, safe="")
            params = {"page": call.page, "per_page": call.per_page}
            return "GET", f"{parent}/{quote(call.record_id or '', safe='')}/{module}", params, None
        return "DELETE", f"{module}/{quote(call.record_id or '', safe='')}", None, None

    def perform(self, call: RecordCall) -> Any:
        method, path, params, body = self.request(call)
        return self._send(self.connection_for(call), method, path, params, body)
