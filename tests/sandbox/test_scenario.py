"""The developer's journey, as a user would test it: a contact in the sandbox reaches the
accounting app through a connection, answered by an emulated collection."""

from __future__ import annotations

import pytest

from sandbox import store
from sandbox.models import CollectionItem, EmulatedCollection, SandboxSettings
from tests.sandbox.conftest import BOOKS
from workflows.models import Action, Event, Execution, Rule

SYNC = """contact = zoho.bigin.getRecordById("Contacts", contactId);
rec = contact.get("data").get(0);
email = rec.get("Email");
found = invokeurl
[
	url :"BOOKS/contacts?search_text=" + email
	type :GET
	connection:"books"
];
matches = found.get("contacts");
payload = {"contact_name": rec.get("Full_Name"), "email": email};
if(matches.size() > 0)
{
	id = matches.get(0).get("contact_id");
	r = invokeurl [ url: "BOOKS/contacts/" + id type: PUT parameters: payload.toString()
		connection: "books" ];
	info "updated " + id;
}
else
{
	r = invokeurl [ url: "BOOKS/contacts" type: POST parameters: payload.toString()
		connection: "books" ];
	info "created " + r.get("contact").get("contact_id");
}
""".replace("BOOKS", BOOKS)


@pytest.fixture
def sync_topping(topping, owner, catalog_connection, make_function, make_rule):
    catalog_connection("zoho_bigin", "bigin")
    catalog_connection("zoho_books", "books")
    SandboxSettings.objects.create(topping=topping, unmatched=SandboxSettings.Unmatched.FAIL)
    EmulatedCollection.objects.create(
        topping=topping,
        name="Books contacts",
        url_prefix=f"{BOOKS}/contacts",
        id_field="contact_id",
        list_key="contacts",
        item_key="contact",
        search_param="search_text",
    )
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
    return [item.data for item in CollectionItem.objects.order_by("pk")]


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
    assert books_contacts() == [{"contact_name": "Ada Lovelace", "email": "ada@example.com"}]
    first = Execution.objects.get()
    assert first.info_lines == ["created 1"]
    assert [c["method"] for c in first.calls] == ["GET", "POST"]
    assert all(c.get("stubbed") for c in first.calls)

    with django_capture_on_commit_callbacks(execute=True):
        store.update_record(
            sync_topping, "Contacts", record.record_id, {"Last_Name": "King"}, user=owner
        )
    assert drain() == ["succeeded"]
    assert books_contacts() == [{"contact_name": "Ada King", "email": "ada@example.com"}]
    second = Execution.objects.order_by("-pk").first()
    assert second.info_lines == ["updated 1"]
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


def test_an_unmatched_call_fails_with_no_stub_matches(
    sync_topping, owner, drain, django_capture_on_commit_callbacks
):
    EmulatedCollection.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        store.create_record(
            sync_topping, "Contacts", {"Last_Name": "L", "Email": "x@example.com"}, user=owner
        )
    assert drain() == ["failed"]
    message = Execution.objects.get().error["message"]
    assert message == f"no stub matches GET {BOOKS}/contacts?search_text=x@example.com"
