"""The sandbox's record store: validation, computed fields, ids, events."""

from __future__ import annotations

import pytest
from django.db import transaction

from sandbox import store
from sandbox.models import SandboxRecord
from workflows import schema
from workflows.models import Action, Event, Execution, ModuleField, Rule

pytestmark = pytest.mark.django_db


def contact(**extra) -> dict:
    return {"First_Name": "Ada", "Last_Name": "Lovelace", "Email": "ada@example.com", **extra}


# ------------------------------------------------------------------------------ validation


@pytest.mark.parametrize(
    ("module", "data", "field", "message"),
    [
        ("Contacts", {"Last_Name": "L", "Email": "not-an-email"}, "Email", "e-mail"),
        ("Contacts", {"Last_Name": "L", "Phone": "call me"}, "Phone", "phone"),
        ("Contacts", {"Last_Name": "L", "Email_Opt_Out": "yes"}, "Email_Opt_Out", "true or false"),
        ("Contacts", {"Last_Name": "L", "Date_of_Birth": "17/05/1990"}, "Date_of_Birth", "date"),
        ("Contacts", {"Last_Name": 42}, "Last_Name", "text"),
        ("Contacts", {"Last_Name": "L", "Tag": "vip"}, "Tag", "list"),
        ("Companies", {"Account_Name": "A", "Employees": "many"}, "Employees", "whole number"),
        ("Companies", {"Account_Name": "A", "Employees": 1.5}, "Employees", "whole number"),
        ("Companies", {"Account_Name": "A", "Annual_Revenue": "lots"}, "Annual_Revenue", "number"),
        ("Companies", {"Account_Name": "A", "Website": "ftp://x.example"}, "Website", "URL"),
        ("Tasks", {"Subject": "S", "Reminder_At": "tomorrow"}, "Reminder_At", "date-time"),
        ("Deals", {"Deal_Name": "D", "Stage": "Won-ish"}, "Stage", "must be one of"),
    ],
)
def test_a_value_of_the_wrong_type_is_refused_naming_the_field(
    topping, owner, module, data, field, message
):
    with pytest.raises(schema.RecordError) as caught:
        store.create_record(topping, module, data, user=owner)
    assert field in caught.value.errors
    assert message in caught.value.errors[field]
    assert not SandboxRecord.objects.exists()
    assert not Event.objects.exists()


def test_a_picklist_takes_only_its_values(topping, owner):
    with pytest.raises(schema.RecordError) as caught:
        store.create_record(topping, "Contacts", contact(Lead_Source="Carrier pigeon"))
    assert caught.value.errors["Lead_Source"].startswith("must be one of: Advertisement")
    record = store.create_record(topping, "Contacts", contact(Lead_Source="Trade Show")).record
    assert record.data["Lead_Source"] == "Trade Show"


def test_required_fields_are_required_on_create(topping, owner):
    with pytest.raises(schema.RecordError) as caught:
        store.create_record(topping, "Deals", {"Amount": 10}, user=owner)
    assert caught.value.errors == {"Deal_Name": "is required", "Stage": "is required"}
    with pytest.raises(schema.RecordError) as caught:
        store.create_record(topping, "Contacts", {"First_Name": "A", "Last_Name": ""})
    assert caught.value.errors == {"Last_Name": "is required"}


def test_required_fields_may_be_absent_from_an_update_but_not_emptied(topping, owner):
    record = store.create_record(topping, "Contacts", contact(), user=owner).record
    store.update_record(topping, "Contacts", record.record_id, {"Title": "Countess"})
    with pytest.raises(schema.RecordError) as caught:
        store.update_record(topping, "Contacts", record.record_id, {"Last_Name": ""})
    assert caught.value.errors == {"Last_Name": "is required"}
    record.refresh_from_db()
    assert record.data["Last_Name"] == "Lovelace" and record.data["Title"] == "Countess"


def test_an_update_is_validated_too(topping, owner):
    record = store.create_record(topping, "Contacts", contact(), user=owner).record
    with pytest.raises(schema.RecordError) as caught:
        store.update_record(topping, "Contacts", record.record_id, {"Email": "nope"})
    assert "Email" in caught.value.errors
    record.refresh_from_db()
    assert record.data["Email"] == "ada@example.com"


def test_unknown_fields_and_modules_are_refused(topping, owner):
    with pytest.raises(schema.RecordError) as caught:
        store.create_record(topping, "Contacts", contact(Shoe_Size=42))
    assert caught.value.errors == {"Shoe_Size": "is not a field of Contacts"}
    with pytest.raises(schema.RecordError) as caught:
        store.create_record(topping, "Spaceships", {"Name": "x"})
    assert "module" in caught.value.errors
    assert not SandboxRecord.objects.exists()


def test_read_only_fields_are_ignored_not_stored(topping, owner):
    record = store.create_record(
        topping,
        "Contacts",
        contact(
            ID="1",
            id="2",
            Full_Name="Someone Else",
            Created_Time="2000-01-01T00:00:00+00:00",
            Modified_Time="2000-01-01T00:00:00+00:00",
        ),
    ).record
    assert record.data["ID"] == record.record_id != "1"
    assert record.data["Full_Name"] == "Ada Lovelace"
    assert not record.data["Created_Time"].startswith("2000")
    assert not record.data["Modified_Time"].startswith("2000")
    assert "id" not in record.data
    store.update_record(topping, "Contacts", record.record_id, {"ID": "3", "Title": "T"})
    record.refresh_from_db()
    assert record.data["ID"] == record.record_id
    assert SandboxRecord.objects.filter(record_id="3").count() == 0


def test_custom_fields_are_validated(topping, owner):
    ModuleField.objects.create(
        topping=topping, module="Contacts", api_name="Tier", label="Tier", type="picklist",
        values=["Gold", "Silver"], required=True,
    )  # fmt: skip
    ModuleField.objects.create(
        topping=topping, module="Contacts", api_name="Score", label="Score", type="number"
    )
    with pytest.raises(schema.RecordError) as caught:
        store.create_record(topping, "Contacts", contact())
    assert caught.value.errors == {"Tier": "is required"}
    with pytest.raises(schema.RecordError) as caught:
        store.create_record(topping, "Contacts", contact(Tier="Bronze", Score="x"))
    assert set(caught.value.errors) == {"Tier", "Score"}
    record = store.create_record(topping, "Contacts", contact(Tier="Gold", Score=7)).record
    assert record.data["Tier"] == "Gold" and record.data["Score"] == 7


def test_a_non_map_record_is_refused(topping):
    with pytest.raises(schema.RecordError):
        store.create_record(topping, "Contacts", ["Last_Name", "L"])


# ------------------------------------------------------------------------------ computed fields


def test_full_name_is_computed_for_contacts_on_create_and_update(topping, owner):
    record = store.create_record(topping, "Contacts", contact()).record
    assert record.data["Full_Name"] == "Ada Lovelace"
    store.update_record(topping, "Contacts", record.record_id, {"Last_Name": "King"})
    record.refresh_from_db()
    assert record.data["Full_Name"] == "Ada King"
    store.update_record(topping, "Contacts", record.record_id, {"First_Name": None})
    record.refresh_from_db()
    assert record.data["Full_Name"] == "King"


def test_only_contacts_get_a_full_name(topping):
    record = store.create_record(topping, "Companies", {"Account_Name": "Acme"}).record
    assert "Full_Name" not in record.data


def test_owner_is_defaulted_to_the_user_unless_given(topping, owner, teammate):
    record = store.create_record(topping, "Contacts", contact(), user=owner).record
    assert record.data["Owner"] == {
        "id": str(owner.pk),
        "name": str(owner),
        "email": "owner@example.com",
    }
    given = {"id": "77", "name": "Someone"}
    record = store.create_record(topping, "Contacts", contact(Owner=given), user=owner).record
    assert record.data["Owner"] == given
    record = store.create_record(topping, "Contacts", contact()).record
    assert "Owner" not in record.data


def test_created_and_modified_times(topping):
    record = store.create_record(topping, "Contacts", contact()).record
    assert record.data["Created_Time"] == record.data["Modified_Time"]
    assert schema.to_datetime(record.data["Created_Time"]) is not None
    record.data["Modified_Time"] = "2000-01-01T00:00:00+00:00"
    record.save()
    store.update_record(topping, "Contacts", record.record_id, {"Title": "T"})
    record.refresh_from_db()
    assert record.data["Modified_Time"] != "2000-01-01T00:00:00+00:00"


# ------------------------------------------------------------------------------ ids


def test_ids_are_unique_and_increasing_across_modules(topping, owner):
    ids = [
        store.create_record(topping, "Contacts", contact()).record.record_id,
        store.create_record(topping, "Companies", {"Account_Name": "A"}).record.record_id,
        store.create_record(topping, "Contacts", contact()).record.record_id,
    ]
    assert len(set(ids)) == 3
    assert [int(i) for i in ids] == sorted(int(i) for i in ids)
    assert all(i.isdigit() for i in ids)
    record = SandboxRecord.objects.get(record_id=ids[0])
    assert record.data["ID"] == ids[0] and store.as_api(record)["id"] == ids[0]


def test_ids_are_per_topping_and_not_reused_after_delete(topping, owner):
    first = store.create_record(topping, "Contacts", contact()).record
    store.delete_record(topping, "Contacts", first.record_id)
    second = store.create_record(topping, "Contacts", contact()).record
    assert int(second.record_id) > int(first.record_id)


def test_a_failed_create_does_not_use_up_an_id(topping):
    first = store.create_record(topping, "Contacts", contact()).record
    with pytest.raises(schema.RecordError):
        store.create_record(topping, "Contacts", contact(Email="bad"))
    second = store.create_record(topping, "Contacts", contact()).record
    assert int(second.record_id) == int(first.record_id) + 1


# ------------------------------------------------------------------------------ events


def test_a_create_stores_a_sandbox_event_and_returns_it(topping, owner):
    record, returned = store.create_record(topping, "Contacts", contact(), user=owner)
    event = Event.objects.get()
    assert returned == event
    assert event.environment == "sandbox"
    assert (event.module, event.operation) == ("Contacts", "create")
    assert event.record_id == record.record_id
    assert event.record == record.data
    assert event.previous is None
    assert event.user == owner
    assert event.version is None


def test_an_edit_stores_the_previous_record(topping, owner):
    record = store.create_record(topping, "Contacts", contact(), user=owner).record
    before = dict(record.data)
    store.update_record(topping, "Contacts", record.record_id, {"Last_Name": "King"}, user=owner)
    event = Event.objects.get(operation="edit")
    assert event.previous == before
    assert event.record["Last_Name"] == "King" and event.record["Full_Name"] == "Ada King"
    assert event.record_id == record.record_id and event.environment == "sandbox"


def test_a_delete_stores_the_deleted_record(topping, owner):
    record = store.create_record(topping, "Contacts", contact(), user=owner).record
    assert store.delete_record(topping, "Contacts", record.record_id, user=owner) is True
    assert not SandboxRecord.objects.exists()
    event = Event.objects.get(operation="delete")
    assert event.record_id == record.record_id
    assert event.record["Email"] == "ada@example.com"
    assert event.environment == "sandbox"


def test_fire_false_stores_no_event(topping, owner):
    record, event = store.create_record(topping, "Contacts", contact(), user=owner, fire=False)
    assert event is None
    store.update_record(topping, "Contacts", record.record_id, {"Title": "T"}, fire=False)
    assert store.delete_record(topping, "Contacts", record.record_id, fire=False)
    assert not Event.objects.exists()


def test_unknown_ids(topping):
    assert store.update_record(topping, "Contacts", "404", {"Title": "T"}) is None
    assert store.delete_record(topping, "Contacts", "404") is False
    assert not Event.objects.exists()


def test_records_of_another_topping_are_out_of_reach(topping, owner, make_user):
    from console import services

    other = services.create_topping(name="Other", user=make_user())
    record = store.create_record(other, "Contacts", contact()).record
    assert store.update_record(topping, "Contacts", record.record_id, {"Title": "T"}) is None
    assert store.delete_record(topping, "Contacts", record.record_id) is False
    assert SandboxRecord.objects.filter(topping=other).count() == 1


def test_a_rolled_back_transaction_stores_nothing(topping, owner):
    kept = store.create_record(topping, "Contacts", contact(), user=owner).record
    with pytest.raises(RuntimeError), transaction.atomic():
        store.create_record(topping, "Contacts", contact(), user=owner)
        store.update_record(topping, "Contacts", kept.record_id, {"Title": "T"}, user=owner)
        store.delete_record(topping, "Contacts", kept.record_id, user=owner)
        raise RuntimeError("boom")
    assert list(SandboxRecord.objects.values_list("record_id", flat=True)) == [kept.record_id]
    kept.refresh_from_db()
    assert "Title" not in kept.data
    assert list(Event.objects.values_list("operation", flat=True)) == ["create"]


def test_a_failing_event_rolls_the_record_back(topping, owner, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("event store down")

    monkeypatch.setattr(store, "record_event", broken)
    with pytest.raises(RuntimeError):
        store.create_record(topping, "Contacts", contact(), user=owner)
    assert not SandboxRecord.objects.exists()


def test_a_change_runs_the_draft_rules_after_commit(
    topping, owner, make_rule, django_capture_on_commit_callbacks
):
    make_rule(
        name="Mark new contacts",
        trigger=Rule.Trigger.CREATE,
        actions=[
            {
                "kind": Action.Kind.FIELD_UPDATE,
                "config": {"field": "Title", "value": "New"},
            }
        ],
    )
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        store.create_record(topping, "Contacts", contact(), user=owner)
    assert callbacks
    event = Event.objects.get()
    assert event.dispatched_at is not None
    [entry] = event.evaluation
    assert entry["matched"] is True
    assert Execution.objects.filter(event=event, environment="sandbox").count() == 1
