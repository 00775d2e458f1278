"""Host events in: ``POST /api/v1/toppings/<namespace>/events``, single and batched."""

from __future__ import annotations

import pytest

from console.apikeys import create_api_key
from tests.workflows.events_api import CONTACT, HOOK, nothing_stored
from workflows.models import Environment, Event, Execution, Rule

# -------------------------------------------------------------------------------- events


def test_an_accepted_event_is_stored_and_runs_the_matching_rule(post_event, make_rule, topping):
    rule = make_rule(
        trigger=Rule.Trigger.CREATE,
        conditions=[{"field": "Email", "operator": "ends_with", "value": "@example.com"}],
        actions=[HOOK],
    )
    other = make_rule(
        trigger=Rule.Trigger.CREATE,
        conditions=[{"field": "Email", "operator": "ends_with", "value": "@zylker.com"}],
        actions=[HOOK],
    )
    make_rule(trigger=Rule.Trigger.CREATE, active=False, actions=[HOOK])
    make_rule(module="Deals", trigger=Rule.Trigger.CREATE, actions=[HOOK])

    response = post_event({"module": "Contacts", "operation": "create", "record": CONTACT})

    assert response.status_code == 202, response.content
    body = response.json()
    event = Event.objects.get()
    assert body == {"event_id": event.pk, "status": "accepted"}
    assert event.topping == topping
    assert event.environment == Environment.PRODUCTION
    assert event.module == "Contacts" and event.operation == "create"
    assert event.record == CONTACT and event.previous is None
    assert event.record_id == CONTACT["ID"]
    assert event.dispatched_at is not None
    [execution] = Execution.objects.all()
    assert execution.rule == rule and execution.event == event
    assert execution.environment == Environment.PRODUCTION
    assert execution.status == Execution.Status.QUEUED and execution.enqueued_at is not None
    assert {e["rule"]: e["matched"] for e in event.evaluation} == {rule.pk: True, other.pk: False}


def test_an_edit_event_keeps_the_previous_record(post_event, make_rule):
    rule = make_rule(trigger=Rule.Trigger.EDIT, trigger_fields=[{"field": "Email"}], actions=[HOOK])
    previous = {**CONTACT, "Email": "old@example.com"}
    response = post_event(
        {"module": "Contacts", "operation": "edit", "record": CONTACT, "previous": previous}
    )
    assert response.status_code == 202
    event = Event.objects.get()
    assert event.previous == previous and event.operation == "edit"
    assert Execution.objects.get().rule == rule


def test_an_event_matching_no_rule_is_still_stored(post_event, make_rule):
    make_rule(trigger=Rule.Trigger.DELETE, actions=[HOOK])
    response = post_event({"module": "Deals", "operation": "delete", "record": {"ID": 9}})
    assert response.status_code == 202
    event = Event.objects.get()
    assert event.record_id == "9" and event.module == "Deals"
    assert Execution.objects.count() == 0


def test_a_partial_record_is_accepted(post_event):
    # Edits may carry only some fields: required ones that are absent are not demanded.
    response = post_event(
        {"module": "Contacts", "operation": "edit", "record": {"ID": "1", "Phone": "555 0101"}}
    )
    assert response.status_code == 202
    assert Event.objects.get().record == {"ID": "1", "Phone": "555 0101"}


@pytest.mark.parametrize(
    "body,error,fields",
    [
        ({"module": "Leads", "operation": "create", "record": CONTACT}, "unknown_module", None),
        ({"module": "contacts", "operation": "create", "record": CONTACT}, "unknown_module", None),
        ({"operation": "create", "record": CONTACT}, "unknown_module", None),
        (
            {"module": ["Contacts"], "operation": "create", "record": CONTACT},
            "unknown_module",
            None,
        ),
        ({"module": {"a": 1}, "operation": "create", "record": CONTACT}, "unknown_module", None),
        ({"module": 5, "operation": "create", "record": CONTACT}, "unknown_module", None),
        ({"module": "Contacts", "operation": "upsert", "record": CONTACT}, "bad_operation", None),
        ({"module": "Contacts", "operation": "CREATE", "record": CONTACT}, "bad_operation", None),
        ({"module": "Contacts", "operation": "schedule", "record": CONTACT}, "bad_operation", None),
        ({"module": "Contacts", "record": CONTACT}, "bad_operation", None),
        ({"module": "Contacts", "operation": ["create"], "record": CONTACT}, "bad_operation", None),
        (
            {"module": "Contacts", "operation": "create", "record": {**CONTACT, "Nick": "A"}},
            "invalid_record",
            {"Nick": "is not a field of Contacts"},
        ),
        (
            {"module": "Contacts", "operation": "create", "record": {**CONTACT, "Email": "nope"}},
            "invalid_record",
            {"Email": "must be an e-mail address"},
        ),
        (
            {
                "module": "Contacts",
                "operation": "create",
                "record": {**CONTACT, "Date_of_Birth": "yesterday"},
            },
            "invalid_record",
            {"Date_of_Birth": "must be a date (YYYY-MM-DD)"},
        ),
        (
            {
                "module": "Contacts",
                "operation": "create",
                "record": {**CONTACT, "Email_Opt_Out": "yes"},
            },
            "invalid_record",
            {"Email_Opt_Out": "must be true or false"},
        ),
        (
            {"module": "Deals", "operation": "create", "record": {"ID": "1", "Amount": "NaN"}},
            "invalid_record",
            {"Amount": "must be a number"},
        ),
        (
            {"module": "Deals", "operation": "edit", "record": {"ID": "1", "Stage": "Won"}},
            "invalid_record",
            None,
        ),
        (
            {"module": "Contacts", "operation": "create", "record": {**CONTACT, "Last_Name": ""}},
            "invalid_record",
            {"Last_Name": "is required"},
        ),
        (
            {
                "module": "Contacts",
                "operation": "edit",
                "record": CONTACT,
                "previous": {**CONTACT, "Mobile": "call me"},
            },
            "invalid_record",
            {"Mobile": "must be a phone number"},
        ),
        (
            {"module": "Contacts", "operation": "edit", "record": CONTACT, "previous": [1]},
            "invalid_record",
            {"record": "must be a JSON object"},
        ),
        ({"module": "Contacts", "operation": "create"}, "invalid_record", None),
        ({"module": "Contacts", "operation": "create", "record": None}, "invalid_record", None),
        ({"module": "Contacts", "operation": "create", "record": "x"}, "invalid_record", None),
        (
            {"module": "Contacts", "operation": "create", "record": {"Last_Name": "Lovelace"}},
            "invalid_record",
            {"ID": "is required"},
        ),
        (
            {"module": "Contacts", "operation": "create", "record": {**CONTACT, "ID": ""}},
            "invalid_record",
            {"ID": "is required"},
        ),
        (
            {"module": "Contacts", "operation": "create", "record": {**CONTACT, "ID": "   "}},
            "invalid_record",
            {"ID": "is required"},
        ),
    ],
)
def test_invalid_events_are_422_and_store_nothing(post_event, make_rule, body, error, fields):
    make_rule(trigger=Rule.Trigger.CREATE, actions=[HOOK])
    response = post_event(body)
    assert response.status_code == 422, response.content
    answer = response.json()
    assert answer["error"] == error
    assert answer["message"]
    if fields is not None:
        assert answer["fields"] == fields
    assert nothing_stored()


def test_unknown_module_message_lists_the_known_ones(post_event):
    response = post_event({"module": "Leads", "operation": "create", "record": CONTACT})
    assert response.status_code == 422
    assert "Contacts" in response.json()["message"] and "Deals" in response.json()["message"]


def test_an_unknown_field_is_named(post_event):
    record = {**CONTACT, "Favourite_Colour": "teal"}
    response = post_event({"module": "Contacts", "operation": "create", "record": record})
    assert response.status_code == 422
    answer = response.json()
    assert answer["fields"] == {"Favourite_Colour": "is not a field of Contacts"}
    assert answer["message"] == "The record does not fit Contacts."
    assert nothing_stored()


@pytest.mark.parametrize(
    "raw,message",
    [
        (b"{not json", "The body is not valid JSON."),
        (b'{"module": "Contacts",}', "The body is not valid JSON."),
        (b"\xff\xfe\x00", "The body is not valid JSON."),
        (b'{"module": "Contacts", "operation": "create", "record": {"ID": NaN}}', None),
        (b'{"module": "Contacts", "operation": "create", "record": {"ID": Infinity}}', None),
        # Fields that take any JSON inside (tags, lookups) must not carry them to jsonb either.
        (
            b'{"module": "Contacts", "operation": "create", "record": {"ID": "1", "Tag": [NaN]}}',
            None,
        ),
        (
            b'{"module": "Contacts", "operation": "create",'
            b' "record": {"ID": "1", "Owner": {"id": "1", "x": -Infinity}}}',
            None,
        ),
        pytest.param(b"[" * 100_000 + b"]" * 100_000, None, id="nested-100000-deep"),
    ],
)
def test_a_body_that_is_not_json_is_400(post_event, raw, message):
    response = post_event(raw=raw)
    assert response.status_code == 400, response.content
    assert response.json()["error"] == "bad_json"
    if message:
        assert response.json()["message"] == message
    assert nothing_stored()


@pytest.mark.parametrize(
    "body,message",
    [
        ([{"module": "Contacts"}], "Send a JSON object."),
        ("create", "Send a JSON object."),
        (42, "Send a JSON object."),
        (None, "Send a JSON object."),
        (
            {"module": "Contacts", "operation": "create", "record": CONTACT, "user": "me"},
            "Unknown keys: user.",
        ),
        (
            {"module": "Contacts", "operation": "create", "record": CONTACT, "b": 1, "a": 2},
            "Unknown keys: a, b.",
        ),
    ],
)
def test_a_body_that_is_no_event_object_is_400(post_event, body, message):
    response = post_event(body)
    assert response.status_code == 400, response.content
    assert response.json() == {"error": "bad_request", "message": message}
    assert nothing_stored()


def test_an_empty_body_is_400(post_event):
    response = post_event(raw=b"")
    assert response.status_code == 400
    assert nothing_stored()


def test_an_oversized_body_is_413(post_event, settings):
    settings.WORKFLOW_MAX_EVENT_BYTES = 2000
    record = {**CONTACT, "Description": "x" * 3000}
    response = post_event({"module": "Contacts", "operation": "create", "record": record})
    assert response.status_code == 413
    assert response.json()["error"] == "too_large"
    assert "2000 bytes" in response.json()["message"]
    assert nothing_stored()
    small = {"module": "Contacts", "operation": "create", "record": CONTACT}
    assert post_event(small).status_code == 202


def test_a_body_beyond_djangos_own_limit_is_still_413(post_event, settings):
    settings.WORKFLOW_MAX_EVENT_BYTES = 2000
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2500
    record = {**CONTACT, "Description": "x" * 5000}
    response = post_event({"module": "Contacts", "operation": "create", "record": record})
    assert response.status_code == 413
    assert nothing_stored()


def test_text_postgresql_cannot_store_is_refused(post_event):
    # A NUL character is valid JSON but PostgreSQL's jsonb refuses it; the event must be
    # rejected with a clear 4xx on every database instead of failing with a 500.
    record = {**CONTACT, "Description": "before\u0000after"}
    response = post_event({"module": "Contacts", "operation": "create", "record": record})
    assert response.status_code == 422, response.content
    assert response.json()["fields"] == {"Description": "must not contain NUL characters"}
    nested = {**CONTACT, "Tag": [{"name": "a\u0000"}]}
    response = post_event({"module": "Contacts", "operation": "create", "record": nested})
    assert response.status_code == 422
    assert nothing_stored()


def test_unicode_text_round_trips(post_event):
    record = {**CONTACT, "Last_Name": "Łukasiewicz 🍕", "Description": "línea\nзначение"}
    response = post_event({"module": "Contacts", "operation": "create", "record": record})
    assert response.status_code == 202
    assert Event.objects.get().record == record


def test_a_batch_of_events_is_accepted_whole(
    client, topping, owner, django_capture_on_commit_callbacks
):
    from workflows.models import Event

    _, raw = create_api_key(topping, name="batch", user=owner)
    url = f"/api/v1/toppings/{topping.namespace}/events"
    good = {"module": "Contacts", "operation": "create", "record": {"ID": "1", "Last_Name": "A"}}
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"events": [good, {**good, "record": {"ID": "2"}}]},
            content_type="application/json", **headers,
        )  # fmt: skip
    assert response.status_code == 202
    ids = response.json()["event_ids"]
    assert len(ids) == 2 and Event.objects.filter(dispatched_at__isnull=False).count() == 2
    bad = {**good, "record": {"ID": "3", "Email": "nope"}}
    response = client.post(url, {"events": [good, bad]}, content_type="application/json", **headers)
    assert response.status_code == 422
    assert response.json()["index"] == 1 and "Email" in response.json()["fields"]
    assert Event.objects.count() == 2  # nothing of the refused batch
    for events in ([], "x", [good] * 501):
        response = client.post(url, {"events": events}, content_type="application/json", **headers)
        assert response.status_code == 400, events
    assert Event.objects.count() == 2
