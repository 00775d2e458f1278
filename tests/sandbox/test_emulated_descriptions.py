"""Togai and Wrike, emulated from their catalog descriptions: their own envelopes, ids,
cursors, form bodies and errors (the engine with records in memory)."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest

from connections.catalog.description import parse
from connections.models import Service
from sandbox.emulation.engine import Emulator, Request
from sandbox.emulation.memory import MemoryStore


def _emulator(key: str) -> Emulator:
    service = Service.objects.default().get(key=key)
    return Emulator(parse(key, service.api_description()), MemoryStore())


@pytest.fixture
def togai(db):
    app = _emulator("togai")

    def call(method, path, body=None, **query):
        url = f"https://api.togai.com/{path}" + (f"?{urlencode(query)}" if query else "")
        answer = app.handle(Request(method, url, body=None if body is None else json.dumps(body)))
        return answer.status, answer.body

    return call


@pytest.fixture
def wrike(db):
    app = _emulator("wrike")

    def call(method, path, form=None, **query):
        url = f"https://www.wrike.com/api/v4/{path}" + (f"?{urlencode(query)}" if query else "")
        answer = app.handle(Request(method, url, body=urlencode(form) if form else None))
        return answer.status, answer.body

    return call


CUSTOMER = {"id": "cust-1", "name": "ACME Enterprise", "primaryEmail": "admin@acme.example.com",
            "address": {"country": "US"}}  # fmt: skip


def test_togai_customers_accounts_and_invoices(togai):
    status, customer = togai("POST", "customers", CUSTOMER)
    assert status == 201 and customer["id"] == "cust-1" and customer["status"] == "ACTIVE"
    assert customer["togaiCustomerId"].startswith("customer.") and customer["createdAt"].endswith(
        "Z"
    )
    assert togai("POST", "customers", CUSTOMER) == (
        409,
        {"message": "Customer cust-1 already exists"},
    )
    assert togai("POST", "customers", {"id": "x", "name": "No mail"})[0] == 400
    status, account = togai("POST", "accounts", {"id": "acc-1", "name": "ACME account",
                                                 "customerId": "cust-1"})  # fmt: skip
    assert status == 201 and account["togaiCustomerId"] == customer["togaiCustomerId"]
    assert (
        togai("POST", "accounts", {"id": "acc-2", "name": "Lost", "customerId": "nobody"})[0] == 400
    )
    status, invoice = togai("POST", "invoices", {"ownerId": "acc-1", "totalAmount": 100})
    assert status == 201 and invoice["id"].startswith("inv.") and invoice["customerId"] == "cust-1"
    status, patched = togai("PATCH", "customers/cust-1", {"name": "ACME Inc"})
    assert status == 200 and patched["name"] == "ACME Inc"
    assert togai("GET", "customers/cust-9") == (404, {"message": "Customer cust-9 does not exist"})
    assert togai("DELETE", "accounts/acc-1") == (200, {"success": True})


def test_togai_lists_use_an_opaque_next_token(togai):
    for n in range(3):
        togai("POST", "customers", {**CUSTOMER, "id": f"c{n}"})
    status, first = togai("GET", "customers", pageSize=2)
    assert status == 200 and [c["id"] for c in first["data"]] == ["c0", "c1"]
    assert first["context"] == {"pageSize": 2, "sortOrder": "ASC"}
    token = first["nextToken"]
    assert token and not token.isdigit()
    _, last = togai("GET", "customers", pageSize=2, nextToken=token)
    assert [c["id"] for c in last["data"]] == ["c2"] and last["nextToken"] is None
    assert togai("GET", "customers", pageSize=101)[0] == 400
    assert togai("GET", "customers", nextToken="garbage")[0] == 400


def test_wrike_folders_and_tasks_with_form_parameters(wrike):
    status, folders = wrike("POST", "folders/IEAAROOT/folders", {"title": "Launch",
                            "project": json.dumps({"status": "Green"})})  # fmt: skip
    assert status == 200 and folders["kind"] == "folders"
    [folder] = folders["data"]
    assert folder["parentIds"] == ["IEAAROOT"] and folder["project"] == {"status": "Green"}
    form = {"title": "Write the press release", "importance": "High",
            "dates": json.dumps({"due": "2026-12-10"})}  # fmt: skip
    status, created = wrike("POST", f"folders/{folder['id']}/tasks", form)
    [task] = created["data"]
    assert status == 200 and task["status"] == "Active" and task["dates"] == {"due": "2026-12-10"}
    assert task["parentIds"] == [folder["id"]] and task["id"].startswith("IEAAT")
    wrike("POST", "folders/IEAAOTHER/tasks", {"title": "Elsewhere"})
    _, in_folder = wrike("GET", f"folders/{folder['id']}/tasks")
    assert [t["title"] for t in in_folder["data"]] == ["Write the press release"]
    assert in_folder["responseSize"] == 1 and in_folder["kind"] == "tasks"
    _, done = wrike("PUT", f"tasks/{task['id']}", {"status": "Completed"})
    assert done["data"][0]["status"] == "Completed"
    assert [t["title"] for t in wrike("GET", "tasks", status="Completed")[1]["data"]] == [
        "Write the press release"
    ]
    bad = wrike("PUT", f"tasks/{task['id']}", {"status": "Sleeping"})
    assert bad[0] == 400 and bad[1]["error"] == "invalid_parameter"
    missing = wrike("GET", "tasks/IEAATNOPE")
    assert missing == (404, {"errorDescription": "Task 'IEAATNOPE' not found",
                             "error": "resource_not_found"})  # fmt: skip
    assert (
        wrike("POST", f"folders/{folder['id']}/tasks", {"description": "no title"})[1]["error"]
        == "parameter_required"
    )
