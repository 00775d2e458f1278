"""getRelatedRecords: a record's related list (a company's contacts, a contact's deals), in
the sandbox from its own records and in production from the host's related-list API."""

from __future__ import annotations

from sandbox import store
from tests.sandbox.scripting import run
from workflows import records


def _ids(answer) -> list[str]:
    return [row["id"] for row in answer["data"]]


def test_related_records_come_from_the_lookups(topping, owner):
    acme = store.create_record(topping, "Companies", {"Account_Name": "Acme"}).record
    other = store.create_record(topping, "Companies", {"Account_Name": "Other"}).record
    ada = store.create_record(
        topping, "Contacts",
        {"Last_Name": "Lovelace", "Account_Name": {"id": acme.record_id, "name": "Acme"}},
    ).record  # fmt: skip
    bob = store.create_record(
        topping, "Contacts", {"Last_Name": "Bob", "Account_Name": acme.record_id}
    ).record
    store.create_record(topping, "Contacts", {"Last_Name": "Eve", "Account_Name": other.record_id})
    deal = store.create_record(
        topping, "Deals",
        {"Deal_Name": "Big", "Stage": "Qualification", "Contact_Name": ada.record_id},
    ).record  # fmt: skip
    answer, _ = run(
        topping,
        owner,
        f"""
contacts = zoho.bigin.getRelatedRecords("Contacts", "Companies", "{acme.record_id}");
deals = zoho.crm.getRelatedRecords("Deals", "Contacts", "{ada.record_id}", 1, 10);
none = zoho.bigin.getRelatedRecords("Deals", "Contacts", "{bob.record_id}");
wrong = zoho.bigin.getRelatedRecords("Products", "Companies", "{acme.record_id}");
return {{"contacts": contacts, "deals": deals, "none": none, "wrong": wrong}};
""",
    )
    assert _ids(answer["contacts"]) == [ada.record_id, bob.record_id]
    assert answer["contacts"]["info"]["more_records"] is False
    assert _ids(answer["deals"]) == [deal.record_id]
    assert answer["deals"]["info"]["per_page"] == 10
    assert answer["none"]["data"] == []
    assert answer["wrong"]["data"][0]["code"] == "INVALID_DATA"


def test_in_production_it_asks_the_related_list_api():
    call = records.parse_task("bigin", "getRelatedRecords", ["Contacts", "Accounts", "42", "bigin"])
    assert (call.op, call.module, call.parent_module, call.connection) == (
        "related", "Contacts", "Accounts", "bigin",
    )  # fmt: skip
    store_ = records.HostApiStore(None)
    assert store_.request(call) == (
        "GET",
        "Accounts/42/Contacts",
        {"page": 1, "per_page": 200},
        None,
    )
