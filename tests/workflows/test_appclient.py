"""The described-app client: the same code speaks to Zoho Books, Togai and Wrike, read from
their descriptions; through the sandbox host (emulated Books) and through the broker to the
emulated Books on loopback."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pytest

from connections.catalog.description import parse
from connections.models import Service
from deluge import HttpResponse
from sandbox.emulation.engine import Emulator, Request
from sandbox.emulation.memory import MemoryStore
from workflows.appclient import AppClient, AppError, RateLimited

ORG = {"organization_id": "10234695"}


def _description(key: str):
    return parse(key, Service.objects.default().get(key=key).api_description())


class EmulatorCaller:
    """A caller answered straight by an emulator (records in memory)."""

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator
        self.calls: list[tuple[str, str]] = []

    def http(self, method, url, *, connection=None, params=None, headers=None, body=None,
             kind="invokeurl") -> HttpResponse:  # fmt: skip
        if params:
            url += ("&" if "?" in url else "?") + urlencode(params)
        self.calls.append((method, url))
        answer = self.emulator.handle(Request(method, url, headers or {}, body))
        assert answer is not None, url
        return HttpResponse(answer.status, answer.text(), answer.headers)


def _client(key: str, **options: Any) -> tuple[AppClient, EmulatorCaller]:
    description = _description(key)
    caller = EmulatorCaller(Emulator(description, MemoryStore()))
    return AppClient(caller, "app", description, **options), caller


def test_books_records_are_listed_page_by_page_and_written(db):
    client, caller = _client("zoho_books", params=ORG)
    contacts = client.resource("contacts")
    for n in range(5):
        contacts.create({"contact_name": f"Contact {n}", "email": f"c{n}@example.com"})
    listed = contacts.list(per_page=2)
    first = next(listed)
    assert first["contact_name"] == "Contact 0"
    assert len(caller.calls) == 6  # lazily: one page fetched so far
    rest = list(listed)
    assert [c["contact_name"] for c in rest] == [f"Contact {n}" for n in range(1, 5)]
    pages = [url for method, url in caller.calls if method == "GET"]
    assert len(pages) == 3 and all("organization_id=10234695" in url for url in pages)
    found = list(contacts.list({"email": "c3@example.com"}))
    assert [c["contact_name"] for c in found] == ["Contact 3"]
    updated = contacts.update(found[0]["contact_id"], {"phone": "555"})
    assert updated["phone"] == "555" and contacts.get(found[0]["contact_id"])["phone"] == "555"
    contacts.delete(found[0]["contact_id"])
    with pytest.raises(AppError) as missing:
        contacts.get(found[0]["contact_id"])
    assert (missing.value.status, missing.value.code) == (404, 1002)


def test_the_apps_own_errors_and_429_are_raised_with_their_codes(db):
    client, _ = _client("zoho_books", params=ORG)
    contacts = client.resource("contacts")
    contacts.create({"contact_name": "Bowman & Co"})
    with pytest.raises(AppError) as duplicate:
        contacts.create({"contact_name": "Bowman & Co"})
    assert duplicate.value.code == 3062 and "already exists" in duplicate.value.message
    for _ in range(98):  # 100 calls a minute, the two creates included
        client.call("GET", "contacts")
    with pytest.raises(RateLimited) as limited:
        client.call("GET", "contacts")
    assert limited.value.status == 429 and limited.value.code == 44
    assert 0 < limited.value.retry_after <= 60


def test_togai_cursor_pages_and_json_bodies(db):
    client, _ = _client("togai")
    customers = client.resource("customers")
    for n in range(5):
        customers.create({"id": f"c{n}", "name": f"Customer {n}", "primaryEmail": f"c{n}@x.io",
                          "address": {}})  # fmt: skip
    assert [c["id"] for c in customers.list(per_page=2)] == ["c0", "c1", "c2", "c3", "c4"]
    assert customers.update("c1", {"name": "Renamed"})["name"] == "Renamed"


def test_wrike_form_bodies_and_parents(db):
    client, _ = _client("wrike")
    tasks = client.resource("tasks")
    created = tasks.create({"title": "Launch", "dates": {"due": "2026-12-10"}}, parent="IEAAF1")
    assert created["title"] == "Launch" and created["dates"] == {"due": "2026-12-10"}
    tasks.create({"title": "Elsewhere"}, parent="IEAAF2")
    assert [t["title"] for t in tasks.list(parent="IEAAF1")] == ["Launch"]
    assert tasks.get(created["id"])["parentIds"] == ["IEAAF1"]
