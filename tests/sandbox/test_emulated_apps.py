"""Emulated apps in the sandbox: calls to Zoho Books' real hosts answered by the emulation,
with the connection's sandbox authorization; zoho.books tasks; stubs still override; a new
service emulated from data alone."""

# ruff: noqa: E501  (the Deluge scripts below are written as a developer writes them)

from __future__ import annotations

import json

import pytest

from connections.catalog.loader import load_services
from connections.models import Credential, Service
from sandbox.emulation import apps
from sandbox.models import AppCall, AppRecord, SandboxSettings
from tests.sandbox.scripting import execute, run, settings_for, stub

BOOKS = "https://www.zohoapis.com/books/v3"
ORG = "10234695"


@pytest.fixture
def books_connection(topping, owner, catalog_connection):
    connection = catalog_connection("zoho_books", "books")
    apps.authorize(connection, user=owner)
    return connection


def _records(resource="contacts") -> list[dict]:
    return [r.data for r in AppRecord.objects.filter(resource=resource).order_by("pk")]


CREATE = f"""
r = invokeurl [ url: "{BOOKS}/contacts?organization_id={ORG}" type: POST
    parameters: {{"JSONString": {{"contact_name": "Ada Lovelace", "email": "ada@example.com"}}.toString()}}
    connection: "books" ];
return r;
"""


def test_an_invokeurl_to_books_is_answered_by_the_emulated_app(topping, owner, books_connection):
    answer, host = run(topping, owner, CREATE)
    assert answer["code"] == 0 and answer["message"] == "The contact has been added."
    assert answer["contact"]["contact_name"] == "Ada Lovelace"
    shown = dict(answer["contact"])
    assert shown.pop("contact_persons") == []  # kept as records of their own
    assert _records() == [shown]
    [call] = host.calls
    assert call["emulated"] == "zoho_books" and call["status"] == 201
    assert "JSONString" in call["request_body"] and "Ada Lovelace" in call["response_body"]
    logged = AppCall.objects.get()
    assert (logged.method, logged.resource, logged.status) == ("POST", "contacts", 201)


def test_without_a_sandbox_authorization_books_answers_unauthorized(
    topping, owner, catalog_connection
):
    catalog_connection("zoho_books", "books")  # exists, never authorized
    answer, host = run(topping, owner, CREATE)
    assert answer == {"code": 57, "message": "You are not authorized to perform this operation"}
    assert host.calls[0]["status"] == 401 and _records() == []


def test_the_emulated_authorization_is_the_sandbox_one_only(topping, owner, books_connection):
    credential = books_connection.credentials.get()
    assert credential.environment == "sandbox" and credential.status == Credential.Status.CONNECTED
    assert credential.secrets.access_token.startswith("emulated-")
    assert books_connection.status_for(owner, "production") == "not_connected"


def test_zoho_books_tasks_reach_the_emulated_app(topping, owner, books_connection):
    code = f"""
created = zoho.books.createRecord("Contacts", "{ORG}", {{"contact_name": "Bowman & Co"}}, "books");
id = created.get("contact").get("contact_id");
found = zoho.books.getRecords("Contacts", "{ORG}", "contact_name=Bowman %26 Co", "books");
byid = zoho.books.getRecordsByID("Contacts", "{ORG}", id, "books");
updated = zoho.books.updateRecord("Contacts", "{ORG}", id, {{"phone": "555"}}, "books");
dup = zoho.books.createRecord("Contacts", "{ORG}", {{"contact_name": "Bowman & Co"}}, "books");
inv = zoho.books.createRecord("Invoices", "{ORG}", {{"customer_id": id,
    "line_items": [{{"rate": 10, "quantity": 2}}]}}, "books");
sent = zoho.books.markStatus("Invoices", "{ORG}", inv.get("invoice").get("invoice_id"), "sent", "books");
return {{"found": found.get("contacts").size(), "name": byid.get("contact").get("contact_name"),
    "phone": updated.get("contact").get("phone"), "dup": dup.get("code"),
    "total": inv.get("invoice").get("total"), "sent": sent.get("message")}};
"""
    answer, host = run(topping, owner, code)
    assert answer == {"found": 1, "name": "Bowman & Co", "phone": "555", "dup": 3062,
                      "total": 20.0, "sent": "Invoice status has been changed to Sent."}  # fmt: skip
    assert {c["kind"] for c in host.calls} == {"zoho.books"}
    assert all(c["emulated"] == "zoho_books" for c in host.calls)
    # The trace shows the URL with its query and the bodies.
    assert host.calls[0]["url"] == f"{BOOKS}/contacts?organization_id={ORG}"
    assert host.calls[1]["url"].startswith(f"{BOOKS}/contacts?contact_name=Bowman")
    assert "Bowman" in host.calls[0]["request_body"]


def test_zoho_books_tasks_need_a_connection(topping, owner, books_connection):
    result, _ = execute(
        topping, owner, f'return zoho.books.getRecordsByID("Contacts", "{ORG}", "1");'
    )
    assert "needs the name of a Zoho Books connection" in result.error.message


def test_a_stub_still_overrides_one_call_of_an_emulated_app(topping, owner, books_connection):
    stub(topping, f"{BOOKS}/contacts/999*", '{"code": 0, "contact": {"contact_name": "Stubbed"}}')
    code = f'return invokeurl [ url: "{BOOKS}/contacts/999?organization_id={ORG}" type: GET connection: "books" ];'
    answer, host = run(topping, owner, code)
    assert answer["contact"]["contact_name"] == "Stubbed" and "emulated" not in host.calls[0]


def test_other_data_centres_and_the_legacy_host_are_emulated_too(topping, owner, books_connection):
    books_connection.data_centre = "eu"
    books_connection.save()
    for base in ("https://www.zohoapis.eu/books/v3", "https://books.zoho.com/api/v3"):
        code = f'return invokeurl [ url: "{base}/contacts?organization_id={ORG}" type: GET connection: "books" ];'
        answer, host = run(topping, owner, code)
        assert answer["code"] == 0 and host.calls[0]["emulated"] == "zoho_books"
    # A relative URL goes to the connection's data centre.
    relative = f'return invokeurl [ url: "/contacts?organization_id={ORG}" type: GET connection: "books" ];'
    _, host = run(topping, owner, relative)
    assert host.calls[0]["url"].startswith("https://www.zohoapis.eu/books/v3/contacts")


def test_each_topping_has_its_own_emulated_books(topping, other_topping, owner, books_connection):
    run(topping, owner, CREATE)
    assert AppRecord.objects.filter(topping=topping).count() == 1
    assert AppRecord.objects.filter(topping=other_topping).count() == 0


def test_reset_and_seed(topping, owner, books_connection, tmp_path):
    books = Service.objects.default().get(key="zoho_books")
    seed = tmp_path / "books.json"
    seed.write_text(json.dumps({"contacts": [
        {"contact_name": "Seeded One", "contact_persons": [{"first_name": "Sam"}]},
        {"contact_name": "Seeded Two"},
    ], "items": [{"name": "Desk", "rate": 100}]}))  # fmt: skip
    assert apps.seed(topping, books, seed) == 3
    assert [c["contact_name"] for c in _records()] == ["Seeded One", "Seeded Two"]
    assert len(_records("contactpersons")) == 1
    with pytest.raises(ValueError, match="3062"):
        apps.seed(topping, books, {"contacts": [{"contact_name": "Seeded One"}]})
    assert len(_records()) == 2  # all or nothing
    with pytest.raises(ValueError, match="no resource"):
        apps.seed(topping, books, {"gadgets": [{}]})
    assert apps.reset(topping, books) == 4
    assert AppRecord.objects.count() == 0
    answer, _ = run(topping, owner, CREATE)  # ids start again after a reset
    assert answer["contact"]["contact_id"] == "460000000026049"


def test_unmatched_policy_still_applies_to_other_hosts(topping, owner, books_connection):
    settings_for(topping, unmatched=SandboxSettings.Unmatched.FAIL)
    result, _ = execute(
        topping, owner, 'return invokeurl [ url: "https://api.example.com/x" type: GET ];'
    )
    assert "no stub matches" in result.error.message


# A service added with data alone -----------------------------------------------------------

ACME = {
    "key": "acme_tasks", "name": "Acme Tasks", "category": "Project Management",
    "auth_type": "api_key", "api_base_url": "https://api.acme-tasks.example.com/v2",
    "allowed_hosts": ["api.acme-tasks.example.com"], "param_type": "header",
    "header_name": "X-Api-Key",
    "api_key_params": [{"name": "key", "label": "Key", "param_type": "header", "header_prefix": ""}],
    "api": {
        "base_urls": ["https://api.acme-tasks.example.com/v2"],
        "envelope": {"list": {"items": "$records", "next": "$next_token"},
                     "one": {"item": "$record"}, "written": {"item": "$record", "note": "$message"},
                     "message": {"ok": True}, "error": {"error": {"code": "$code", "text": "$message"}}},
        "pagination": {"style": "cursor", "cursor_param": "after", "per_page_param": "limit",
                       "default_per_page": 2, "max_per_page": 50},
        "errors": {"not_found": {"status": 404, "code": "missing", "message": "no {resource} {id}"},
                   "required": {"status": 422, "code": "required", "message": "{field} is required"},
                   "unauthorized": {"status": 401, "code": "auth", "message": "bad key"}},
        "resources": {"tasks": {
            "id_field": "uid", "id_prefix": "T", "label": "task",
            "operations": {"list": {"method": "GET", "path": "tasks"},
                           "get": {"method": "GET", "path": "tasks/{id}"},
                           "create": {"method": "POST", "path": "tasks", "message": "made"},
                           "done": {"kind": "set", "method": "POST", "path": "tasks/{id}/done",
                                    "set": {"state": "done"}}},
            "fields": {"title": {"type": "string", "required": True},
                       "state": {"type": "picklist", "values": ["open", "done"], "default": "open",
                                 "read_only": True}},
            "filters": {"state": {"field": "state"}}}}},
}  # fmt: skip


def test_a_new_service_is_emulated_from_its_description_alone(topping, owner, make_connection):
    load_services(Service, entries=[ACME])
    service = Service.objects.default().get(key="acme_tasks")
    connection = make_connection(service, "acme")
    apps.authorize(connection, user=owner)
    base = "https://api.acme-tasks.example.com/v2"
    code = f"""
a = invokeurl [ url: "{base}/tasks" type: POST parameters: {{"title": "one"}}.toString() connection: "acme" ];
invokeurl [ url: "{base}/tasks" type: POST parameters: {{"title": "two"}}.toString() connection: "acme" ];
invokeurl [ url: "{base}/tasks" type: POST parameters: {{"title": "three"}}.toString() connection: "acme" ];
invokeurl [ url: "{base}/tasks/" + a.get("item").get("uid") + "/done" type: POST connection: "acme" ];
page1 = invokeurl [ url: "{base}/tasks" type: GET connection: "acme" ];
page2 = invokeurl [ url: "{base}/tasks?after=" + page1.get("next") type: GET connection: "acme" ];
done = invokeurl [ url: "{base}/tasks?state=done" type: GET connection: "acme" ];
bad = invokeurl [ url: "{base}/tasks" type: POST parameters: "{{}}" connection: "acme" detailed: true ];
gone = invokeurl [ url: "{base}/tasks/T9" type: GET connection: "acme" ];
return {{"made": a.get("note"), "id": a.get("item").get("uid"), "first": page1.get("items").size(),
    "rest": page2.get("items").size(), "end": page2.get("next"), "done": done.get("items").size(),
    "bad": bad.get("responseCode"), "gone": gone.get("error")}};
"""
    answer, host = run(topping, owner, code)
    assert answer == {"made": "made", "id": "T1", "first": 2, "rest": 1, "end": None,
                      "done": 1, "bad": 422, "gone": {"code": "missing", "text": "no task T9"}}  # fmt: skip
    assert all(c["emulated"] == "acme_tasks" for c in host.calls)


def test_a_broken_description_is_refused_when_the_catalog_loads(db):
    from connections.catalog.loader import CatalogError

    broken = {
        **ACME,
        "key": "broken",
        "api": {**ACME["api"], "resources": {"x": {"id_field": "id"}}},
    }
    with pytest.raises(CatalogError, match="broken: the API description is unusable"):
        load_services(Service, entries=[broken])
    assert not Service.objects.filter(key="broken").exists()


def test_test_connection_of_a_sandbox_authorization_asks_the_emulated_app(
    topping, owner, books_connection
):
    from connections.services import verify

    result = verify.verify(books_connection, user=owner, environment="sandbox")
    assert result.ok, result.summary
    assert result.url == f"{BOOKS}/organizations" and result.status == 200
    assert "Emulated organization" in result.excerpt
    assert AppCall.objects.get().resource == "organizations"
    # Production still asks the real Books (not connected here, so it says so and sends nothing).
    production = verify.verify(books_connection, user=owner, environment="production")
    assert not production.ok and "not connected in production" in production.summary


def test_organizations_need_no_organization_id_but_everything_else_does(
    topping, owner, books_connection
):
    orgs, _ = run(
        topping,
        owner,
        f'return invokeurl [ url: "{BOOKS}/organizations" type: GET connection: "books" ];',
    )
    assert orgs["code"] == 0 and orgs["organizations"][0]["organization_id"] == "10234695"
    contacts, _ = run(
        topping,
        owner,
        f'return invokeurl [ url: "{BOOKS}/contacts" type: GET connection: "books" ];',
    )
    assert contacts == {"code": 2, "message": "Invalid value passed for organization_id"}
