"""The developer's journey, as a user would test it: a contact in the sandbox reaches the
accounting app through a connection, answered by the emulated Zoho Books (no hand-made
collection): the script reads Books' own envelope and the test reads Books' contact."""

from __future__ import annotations

import pytest

from connections.services import manage
from sandbox import store
from sandbox.emulation import apps
from sandbox.models import AppRecord, SandboxSettings
from tests.sandbox.conftest import BOOKS
from workflows.models import Action, Event, Execution, Rule

ORG = "10234695"

SYNC = """contact = zoho.bigin.getRecordById("Contacts", contactId);
rec = contact.get("data").get(0);
email = rec.get("Email");
found = invokeurl
[
	url :"BOOKS/contacts?organization_id=ORG&email=" + email
	type :GET
	connection:"books"
];
if(found.get("code") != 0)
{
	info "Books refused: " + found.get("message");
	return;
}
matches = found.get("contacts");
payload = {"contact_name": rec.get("Full_Name"), "email": email, "company_name": "Sandbox"};
if(matches.size() > 0)
{
	id = matches.get(0).get("contact_id");
	r = invokeurl [ url: "BOOKS/contacts/" + id + "?organization_id=ORG" type: PUT
		parameters: {"JSONString": payload.toString()} connection: "books" ];
	info "updated " + id + ": " + r.get("message");
}
else
{
	r = invokeurl [ url: "BOOKS/contacts?organization_id=ORG" type: POST
		parameters: {"JSONString": payload.toString()} connection: "books" ];
	info "created " + r.get("contact").get("contact_id") + ": " + r.get("message");
}
""".replace("BOOKS", BOOKS).replace("ORG", ORG)


@pytest.fixture
def sync_topping(topping, owner, catalog_connection, make_function, make_rule):
    catalog_connection("zoho_bigin", "bigin")
    # Authorized for the sandbox against the emulated Books: no client ID needed.
    apps.authorize(catalog_connection("zoho_books", "books"), user=owner)
    SandboxSettings.objects.create(topping=topping, unmatched=SandboxSettings.Unmatched.FAIL)
    function = make_function("sync_contact", SYNC, [{"name": "contactId", "type": "string"}])
    make_rule(
        name="Sync contacts to Books",
        trigger=Rule.Trigger.CREATE_OR_EDIT,
        repeat_on_every_edit=True,
        conditions=[{"field": "Email", "operator": "is_not_empty", "value": ""}],
        actions=[
            {
                "kind": Action.Kind.FUNCTION,
                "function": function,
                "config": {"arguments": {"contactId": {"source": "field", "value": "ID"}}},
            }
        ],
    )
    return topping


def books_contacts() -> list[dict]:
    """The emulated Books' contacts, as Books keeps them."""
    rows = AppRecord.objects.filter(service__key="zoho_books", resource="contacts")
    return [row.data for row in rows.order_by("pk")]


def test_create_then_edit_a_contact_syncs_it_once(
    sync_topping, owner, drain, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        record = store.create_record(
            sync_topping,
            "Contacts",
            {"First_Name": "Ada", "Last_Name": "Lovelace", "Email": "ada@example.com"},
            user=owner,
        ).record
    assert drain() == ["succeeded"]
    [contact] = books_contacts()
    assert contact["contact_name"] == "Ada Lovelace" and contact["email"] == "ada@example.com"
    assert contact["company_name"] == "Sandbox" and contact["contact_type"] == "customer"
    assert contact["status"] == "active" and contact["contact_id"] == "460000000026049"
    created_at = contact["last_modified_time"]
    first = Execution.objects.get()
    assert first.info_lines == ["created 460000000026049: The contact has been added."]
    assert [c["method"] for c in first.calls] == ["GET", "POST"]
    assert all(c.get("emulated") == "zoho_books" for c in first.calls)
    assert "organization_id=10234695" in first.calls[0]["url"]

    with django_capture_on_commit_callbacks(execute=True):
        store.update_record(
            sync_topping, "Contacts", record.record_id, {"Last_Name": "King"}, user=owner
        )
    assert drain() == ["succeeded"]
    [contact] = books_contacts()
    assert contact["contact_name"] == "Ada King" and contact["email"] == "ada@example.com"
    assert contact["last_modified_time"] >= created_at
    second = Execution.objects.order_by("-pk").first()
    assert second.info_lines == ["updated 460000000026049: Contact information has been saved."]
    assert [c["method"] for c in second.calls] == ["GET", "PUT"]


def test_a_contact_without_email_runs_nothing_and_the_trace_says_why(
    sync_topping, owner, drain, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        store.create_record(sync_topping, "Contacts", {"Last_Name": "Nobody"}, user=owner)
    assert drain() == []
    assert books_contacts() == []
    event = Event.objects.get()
    assert event.environment == "sandbox"
    [entry] = event.evaluation
    assert entry["matched"] is False and entry["reason"] == "criteria not met"
    assert entry["conditions"][0]["field"] == "Email" and entry["conditions"][0]["result"] is False


def test_the_stubbed_call_still_needs_its_connection(
    sync_topping, owner, drain, django_capture_on_commit_callbacks
):
    sync_topping.connections.get(link_name="books").delete()
    with django_capture_on_commit_callbacks(execute=True):
        store.create_record(
            sync_topping, "Contacts", {"Last_Name": "L", "Email": "x@example.com"}, user=owner
        )
    assert drain() == ["failed"]
    assert "books" in Execution.objects.get().error["message"]


def test_without_the_sandbox_authorization_books_refuses_as_it_would(
    sync_topping, owner, drain, django_capture_on_commit_callbacks
):
    manage.revoke(
        sync_topping.connections.get(link_name="books"), user=owner, environment="sandbox"
    )
    with django_capture_on_commit_callbacks(execute=True):
        store.create_record(
            sync_topping, "Contacts", {"Last_Name": "L", "Email": "x@example.com"}, user=owner
        )
    assert drain() == ["succeeded"]
    execution = Execution.objects.get()
    assert execution.info_lines == [
        "Books refused: You are not authorized to perform this operation"
    ]
    assert execution.calls[0]["status"] == 401 and books_contacts() == []
