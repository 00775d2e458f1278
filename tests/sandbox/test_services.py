"""The sandbox's services: each write is atomic and audited; reset clears the sandbox."""

from __future__ import annotations

import pytest

from console import services as console_services
from console.models import AuditEntry
from sandbox import services, store
from sandbox.models import CollectionItem, EmulatedCollection, SandboxRecord, SandboxSettings, Stub
from workflows import isolation
from workflows.models import Event, Execution, ModuleField

pytestmark = pytest.mark.django_db


def contact(**extra) -> dict:
    return {"First_Name": "Ada", "Last_Name": "Lovelace", "Email": "ada@example.com", **extra}


def actions(topping) -> list[str]:
    return list(topping.audit_entries.order_by("pk").values_list("action", flat=True))


# ------------------------------------------------------------------------------ audit


PARTS = {
    "stub": lambda t: Stub(topping=t, url_pattern="https://a.example.com/*"),
    "collection": lambda t: EmulatedCollection(topping=t, name="C", url_prefix="https://c.example"),
    "module_field": lambda t: ModuleField(
        topping=t, module="Contacts", api_name="Tier", label="Tier", type="text"
    ),
}


@pytest.mark.parametrize("name", PARTS)
def test_saving_and_deleting_a_part_is_audited(topping, owner, name):
    part = services.save_part(PARTS[name](topping), user=owner)
    pk = part.pk
    services.save_part(part, user=owner)
    services.delete_part(part, user=owner)

    assert not type(part).objects.exists()
    assert actions(topping) == [
        "console.topping.created",
        f"sandbox.{name}.created",
        f"sandbox.{name}.changed",
        f"sandbox.{name}.deleted",
    ]
    entry = AuditEntry.objects.get(action=f"sandbox.{name}.deleted")
    assert (entry.actor, entry.object_id) == (owner, str(pk))


def test_a_failed_save_writes_no_audit_entry(topping, owner, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("audit down")

    monkeypatch.setattr(services, "log_action", broken)
    with pytest.raises(RuntimeError):
        services.save_part(Stub(topping=topping, url_pattern="https://a.example.com/*"), user=owner)
    assert not Stub.objects.exists()


def test_settings_changes_are_audited_with_the_new_values(topping, owner):
    settings = SandboxSettings.of(topping)
    settings.unmatched = SandboxSettings.Unmatched.FAIL
    services.update_settings(settings, user=owner)
    entry = topping.audit_entries.get(action="sandbox.settings.changed")
    assert entry.data == {"unmatched": "fail", "record_responses": False}
    assert SandboxSettings.of(topping).unmatched == "fail"


# ------------------------------------------------------------------------------ reset


def test_reset_clears_records_items_and_traces_but_keeps_stubs(topping, owner, make_user):
    other = console_services.create_topping(name="Other", user=make_user())
    store.create_record(other, "Contacts", contact())
    store.create_record(topping, "Contacts", contact(), user=owner)
    store.create_record(topping, "Companies", {"Account_Name": "A"}, user=owner)
    collection = EmulatedCollection.objects.create(
        topping=topping, name="Books", url_prefix="https://books.example/contacts", next_id=3
    )
    CollectionItem.objects.create(collection=collection, item_id="1", data={"a": 1})
    CollectionItem.objects.create(collection=collection, item_id="2", data={"a": 2})
    Stub.objects.create(topping=topping, url_pattern="https://x.example/*", body="{}")
    SandboxSettings.objects.filter(topping=topping).update(record_responses=True)
    production = Event.objects.create(
        topping=topping, module="Contacts", operation="create", environment="production",
        record={}, occurred_at=Event.objects.first().occurred_at,
    )  # fmt: skip

    counts = services.reset_sandbox(topping, user=owner)

    assert counts["records"] == 2 and counts["items"] == 2 and counts["events"] == 2
    assert not SandboxRecord.objects.filter(topping=topping).exists()
    assert SandboxRecord.objects.filter(topping=other).count() == 1
    assert not CollectionItem.objects.exists()
    collection.refresh_from_db()
    assert collection.next_id == 1
    assert Stub.objects.filter(topping=topping).count() == 1
    assert SandboxSettings.of(topping).record_responses is True
    assert list(Event.objects.filter(topping=topping)) == [production]
    assert Event.objects.filter(topping=other).count() == 1


def test_reset_clears_sandbox_executions_only(topping, owner, make_function):

    function = make_function("hello", 'info "hi";\nreturn 1;')
    sandbox_run = isolation.execute_now(function, {}, user=owner)
    production_run = isolation.execute_now(function, {}, user=owner, environment="production")
    counts = services.reset_sandbox(topping, user=owner)
    assert counts["executions"] == 1
    assert not Execution.objects.filter(pk=sandbox_run.pk).exists()
    assert Execution.objects.filter(pk=production_run.pk).exists()


def test_reset_is_audited_with_the_counts(topping, owner):
    store.create_record(topping, "Contacts", contact(), user=owner)
    services.reset_sandbox(topping, user=owner)
    entry = topping.audit_entries.get(action="sandbox.sandbox.reset")
    assert entry.actor == owner
    assert entry.data == {"records": 1, "app_records": 0, "items": 0, "executions": 0, "events": 1}


def test_after_reset_records_can_be_created_again(topping, owner):
    first = store.create_record(topping, "Contacts", contact(), user=owner).record
    services.reset_sandbox(topping, user=owner)
    second = store.create_record(topping, "Contacts", contact(), user=owner).record
    assert second.record_id != first.record_id
    assert SandboxRecord.objects.count() == 1
