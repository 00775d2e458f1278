"""Companies & Contacts ↔ Books contacts & contact persons: a company becomes a Books
contact, its contacts become its contact persons, a contact without a company a Books
contact of its own."""

from __future__ import annotations

import pytest

from sandbox import store
from sandbox.models import AppCall, AppRecord
from sync import engine
from sync.models import Integration, SyncPair
from sync.presets import COMPANIES_AND_CONTACTS


@pytest.fixture
def pair(topping, owner, emulated_books):
    integration = Integration.objects.create(
        topping=topping, environment="sandbox", service=emulated_books.service,
        connection=emulated_books, scope={"organization_id": "10234695"},
    )  # fmt: skip
    return SyncPair.objects.create(integration=integration, **COMPANIES_AND_CONTACTS)


def books(resource: str) -> list[dict]:
    return [r.data for r in AppRecord.objects.filter(resource=resource).order_by("pk")]


def test_companies_become_contacts_and_their_contacts_contact_persons(topping, pair):
    acme = store.create_record(topping, "Companies", {"Account_Name": "Acme", "Phone": "555"})
    acme_id = acme.record.record_id
    ada_fields = {"First_Name": "Ada", "Last_Name": "Lovelace", "Email": "ada@acme.example.com",
                  "Account_Name": acme_id}  # fmt: skip
    ada = store.create_record(topping, "Contacts", ada_fields).record
    bob_fields = {"Last_Name": "Bob", "Email": "bob@acme.example.com",
                  "Account_Name": {"id": acme_id, "name": "Acme"}}  # fmt: skip
    bob = store.create_record(topping, "Contacts", bob_fields).record
    store.create_record(topping, "Contacts", {"Last_Name": "Cy", "Email": "cy@example.com"})
    run = engine.run_pair(pair.pk)
    assert run.status == "succeeded", run.message
    contacts = books("contacts")
    assert [(c["contact_name"], c.get("company_name")) for c in contacts] == [
        ("Acme", "Acme"), ("Cy", None),
    ]  # fmt: skip
    persons = books("contactpersons")
    assert sorted((p["last_name"], p["contact_id"]) for p in persons) == [
        ("Bob", contacts[0]["contact_id"]), ("Lovelace", contacts[0]["contact_id"]),
    ]  # fmt: skip

    before = AppCall.objects.exclude(method="GET").count()
    engine.run_pair(pair.pk)
    assert AppCall.objects.exclude(method="GET").count() == before  # nothing again, no echo
    assert len(books("contacts")) == 2  # the orphan's Books contact is not made a company

    store.update_record(topping, "Contacts", bob.record_id, {"Phone": "555-0199"})
    store.delete_record(topping, "Contacts", ada.record_id)
    run = engine.run_pair(pair.pk)
    persons = books("contactpersons")
    assert [(p["last_name"], p.get("phone")) for p in persons] == [("Bob", "555-0199")]
    assert run.counts.get("deleted_app") == 1


def test_the_sandbox_record_page_shows_the_linked_books_records(topping, owner, pair, client_for):
    from django.urls import reverse

    acme = store.create_record(topping, "Companies", {"Account_Name": "Acme"}).record
    ada = store.create_record(
        topping, "Contacts", {"Last_Name": "Ada", "Account_Name": acme.record_id}
    ).record
    engine.run_pair(pair.pk)
    for module, record, says in (("Companies", acme, "Zoho Books contacts 4600"),
                                 ("Contacts", ada, "Zoho Books contactpersons 4600")):  # fmt: skip
        url = reverse("sandbox:record_edit", args=[topping.namespace, module, record.record_id])
        page = client_for(owner).get(url).content.decode()
        linked = page.split('class="record-links">')[1].split("</dd>")[0]
        assert says in linked and "synced" in linked
