"""The sync engine against the emulated Zoho Books, in the sandbox: both directions, the ID
map, no echo, duplicates (Clone, Overwrite, Skip), conflicts, deletes, picklists, one run
per pair at a time."""

from __future__ import annotations

import pytest

from sandbox import store
from sandbox.models import AppCall, AppRecord
from sync import engine
from sync.models import Integration, Link, SyncFailure, SyncPair
from workflows.appclient import AppClient

ORG = "10234695"
CONTACT_MAP = [
    {"host": "Full_Name", "app": "contact_name", "direction": "to_app"},
    {"host": "Last_Name", "app": "contact_name", "direction": "to_host"},
    {"host": "Email", "app": "email"},
    {"host": "Phone", "app": "phone"},
]


@pytest.fixture
def books(topping, owner, emulated_books):
    return Integration.objects.create(
        topping=topping, environment="sandbox", service=emulated_books.service,
        connection=emulated_books, scope={"organization_id": ORG}, created_by=owner,
    )  # fmt: skip


@pytest.fixture
def make_pair(books):
    def make(**fields) -> SyncPair:
        defaults = {"name": "Contacts ↔ Books contacts", "host_module": "Contacts",
                    "app_resource": "contacts", "field_map": CONTACT_MAP,
                    "match_host_field": "Email", "match_app_field": "email"}  # fmt: skip
        return SyncPair.objects.create(integration=books, **{**defaults, **fields})

    return make


def app_client(books) -> AppClient:
    return engine.client_for(books, engine.host_for(books))


def app_contacts() -> dict[str, dict]:
    rows = AppRecord.objects.filter(resource="contacts").order_by("pk")
    return {row.data["contact_name"]: row.data for row in rows}


def writes() -> int:
    return AppCall.objects.exclude(method="GET").count()


def contact(topping, last, email, **extra):
    return store.create_record(topping, "Contacts", {"Last_Name": last, "Email": email, **extra})


def test_host_contacts_reach_books_and_a_rerun_writes_nothing(topping, make_pair):
    pair = make_pair()
    for name in ("Ada", "Bob", "Cy"):
        contact(topping, name, f"{name.lower()}@example.com")
    run = engine.run_pair(pair.pk)
    assert run.status == "succeeded" and run.counts["created_app"] == 3
    assert set(app_contacts()) == {"Ada", "Bob", "Cy"}
    assert app_contacts()["Ada"]["email"] == "ada@example.com"
    assert Link.objects.filter(pair=pair).count() == 3
    before = writes()
    again = engine.run_pair(pair.pk)
    assert again.status == "succeeded" and writes() == before
    pair.refresh_from_db()
    assert pair.last_sync_at and pair.last_push_at and pair.next_run_at


def test_changes_flow_both_ways_and_do_not_echo(topping, make_pair, books):
    pair = make_pair()
    ada = contact(topping, "Ada", "ada@example.com").record
    engine.run_pair(pair.pk)
    store.update_record(topping, "Contacts", ada.record_id, {"Phone": "555-0100"})
    run = engine.run_pair(pair.pk)
    assert run.counts.get("updated_app") == 1 and app_contacts()["Ada"]["phone"] == "555-0100"
    link = Link.objects.get(pair=pair)
    app_client(books).resource("contacts").update(link.app_id, {"email": "ada@books.example.com"})
    run = engine.run_pair(pair.pk)
    assert run.counts.get("updated_host") == 1
    ada.refresh_from_db()
    assert ada.data["Email"] == "ada@books.example.com"
    before = writes()
    quiet = engine.run_pair(pair.pk)
    assert writes() == before and not quiet.counts.get("updated_app")  # no echo


def test_app_records_become_host_records(topping, make_pair, books):
    pair = make_pair()
    app_client(books).resource("contacts").create({"contact_name": "Zed", "email": "zed@x.io"})
    engine.run_pair(pair.pk)  # the first run reads every app record
    run = engine.run_pair(pair.pk, full=True)
    created = [r.data for r in topping.sandbox_records.filter(module="Contacts")]
    assert [(c["Last_Name"], c["Email"]) for c in created] == [("Zed", "zed@x.io")]
    assert run.counts.get("created_host", 0) == 0  # linked on the first run: not again


@pytest.mark.parametrize("rule", ["skip", "clone", "overwrite"])
def test_duplicates_on_first_match(topping, make_pair, books, rule):
    app_client(books).resource("contacts").create({"contact_name": "Ada (Books)",
                                                    "email": "ada@example.com"})  # fmt: skip
    contact(topping, "Ada", "ada@example.com")
    pair = make_pair(duplicates=rule, direction="to_app")
    run = engine.run_pair(pair.pk)
    names = set(app_contacts())
    if rule == "skip":
        assert names == {"Ada (Books)"} and run.counts["skipped"] == 1
        assert "duplicates: Skip" in SyncFailure.objects.get().message
    elif rule == "clone":
        assert names == {"Ada (Books)", "Ada"}
    else:  # the host record was modified last: it wins
        assert names == {"Ada"} and Link.objects.filter(pair=pair).count() == 1


def test_a_conflict_on_one_field_is_resolved_by_the_rule(topping, make_pair, books):
    pair = make_pair(conflicts="host")
    ada = contact(topping, "Ada", "ada@example.com").record
    engine.run_pair(pair.pk)
    link = Link.objects.get(pair=pair)
    app_client(books).resource("contacts").update(link.app_id, {"phone": "555-0001"})
    store.update_record(topping, "Contacts", ada.record_id, {"Phone": "555-0002"})
    run = engine.run_pair(pair.pk)
    assert run.counts["conflicts"] >= 1
    assert app_contacts()["Ada"]["phone"] == "555-0002"
    ada.refresh_from_db()
    assert ada.data["Phone"] == "555-0002"


def test_a_host_delete_deletes_the_app_record(topping, make_pair):
    pair = make_pair(direction="to_app")
    ada = contact(topping, "Ada", "ada@example.com").record
    engine.run_pair(pair.pk)
    store.delete_record(topping, "Contacts", ada.record_id)
    run = engine.run_pair(pair.pk)
    assert run.counts["deleted_app"] == 1 and app_contacts() == {}
    assert not Link.objects.exists()


def test_a_picklist_value_the_app_lacks_is_skipped_with_the_reason(topping, make_pair):
    pair = make_pair(
        direction="to_app",
        field_map=[*CONTACT_MAP, {"host": "Title", "app": "contact_type", "direction": "to_app"}],
    )
    contact(topping, "Ada", "ada@example.com", Title="partner")
    run = engine.run_pair(pair.pk)
    assert run.counts["skipped"] == 1 and app_contacts() == {}
    failure = SyncFailure.objects.get()
    assert failure.skipped and "'partner' of contact_type does not exist" in failure.message


def test_an_app_refusal_is_recorded_and_retried_next_run(topping, make_pair):
    pair = make_pair(direction="to_app", match_host_field="", match_app_field="")
    contact(topping, "Ada", "ada@example.com")
    second = contact(topping, "Ada", "other@example.com").record  # Books refuses it (3062)
    run = engine.run_pair(pair.pk)
    assert run.status == "partial" and run.counts["created_app"] == 1 and run.counts["failed"] == 1
    failure = SyncFailure.objects.get()
    assert "already exists" in failure.message and failure.host_id == second.record_id
    # Renamed without an event the sync would see (fire=False): the retry alone brings it.
    store.update_record(topping, "Contacts", second.record_id, {"Last_Name": "Adam"}, fire=False)
    retried = engine.run_pair(pair.pk)
    assert retried.status == "succeeded" and retried.counts["created_app"] == 1
    assert set(app_contacts()) == {"Ada", "Adam"}
    failure.refresh_from_db()
    assert failure.resolved_at is not None


def test_one_run_per_pair_at_a_time(make_pair):
    pair = make_pair()
    engine.claim(pair.pk)
    with pytest.raises(engine.Busy):
        engine.run_pair(pair.pk)


def test_only_the_records_the_criteria_select_take_part(topping, make_pair):
    pair = make_pair(
        direction="to_app",
        criteria=[{"field": "Email", "operator": "contains", "value": "@acme.example.com"}],
    )
    contact(topping, "Ada", "ada@acme.example.com")
    contact(topping, "Bob", "bob@elsewhere.example.com")
    engine.run_pair(pair.pk)
    assert set(app_contacts()) == {"Ada"}
