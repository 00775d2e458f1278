"""Production ingress and execution read-out: ``/api/v1/toppings/<namespace>/...``."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from console import services
from console.apikeys import create_api_key, revoke_api_key
from workflows.models import Action, Environment, Event, Execution, Rule

CONTACT = {"ID": "4150868000000224005", "Last_Name": "Lovelace", "Email": "ada@example.com"}
HOOK = {"kind": Action.Kind.WEBHOOK, "config": {"method": "POST", "url": "http://hooks.test/x"}}


@pytest.fixture
def raw_key(topping, owner):
    _, raw = create_api_key(topping, name="host", user=owner)
    return raw


@pytest.fixture
def other_topping(make_user):
    return services.create_topping(name="Someone Else", user=make_user("else@example.com"))


@pytest.fixture
def api(client, raw_key):
    """Call the API with the topping's key (or ``key=`` another, or None for none)."""

    def call(method: str, path: str, body=None, *, key=raw_key, raw: bytes | None = None, **extra):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key is not None else {}
        if method == "get":
            return client.get(path, body or {}, **headers, **extra)
        data = raw if raw is not None else json.dumps(body)
        return client.post(path, data, content_type="application/json", **headers, **extra)

    return call


@pytest.fixture
def events_url(topping):
    return f"/api/v1/toppings/{topping.namespace}/events"


@pytest.fixture
def post_event(api, events_url, django_capture_on_commit_callbacks):
    def post(body=None, **options):
        with django_capture_on_commit_callbacks(execute=True):
            return api("post", events_url, body, **options)

    return post


def nothing_stored() -> bool:
    return Event.objects.count() == 0 and Execution.objects.count() == 0


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


# --------------------------------------------------------------------------- credentials


@pytest.mark.parametrize(
    "key",
    [None, "", "tc_abc_def", "not-a-key", "tc_" + "0" * 12 + "_" + "x" * 43],
)
def test_missing_or_wrong_key_is_401(post_event, key):
    body = {"module": "Contacts", "operation": "create", "record": CONTACT}
    response = post_event(body, key=key)
    assert response.status_code == 401
    assert nothing_stored()


def test_a_tampered_key_with_a_real_prefix_is_401(post_event, raw_key):
    body = {"module": "Contacts", "operation": "create", "record": CONTACT}
    response = post_event(body, key=raw_key[:-1] + ("A" if raw_key[-1] != "A" else "B"))
    assert response.status_code == 401
    assert nothing_stored()


def test_a_revoked_key_is_401(post_event, topping, owner):
    key, raw = create_api_key(topping, name="old", user=owner)
    body = {"module": "Contacts", "operation": "create", "record": CONTACT}
    assert post_event(body, key=raw).status_code == 202
    Event.objects.all().delete()
    revoke_api_key(key, user=owner)
    assert post_event(body, key=raw).status_code == 401
    assert nothing_stored()


def test_a_basic_auth_header_is_not_a_key(client, events_url, raw_key):
    response = client.post(
        events_url,
        json.dumps({"module": "Contacts", "operation": "create", "record": CONTACT}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Basic {raw_key}",
    )
    assert response.status_code == 401
    assert nothing_stored()


def test_a_session_is_not_a_key(client, events_url, owner):
    client.force_login(owner)
    response = client.post(
        events_url,
        json.dumps({"module": "Contacts", "operation": "create", "record": CONTACT}),
        content_type="application/json",
    )
    assert response.status_code == 401
    assert nothing_stored()


def test_a_key_of_another_topping_is_404_here(post_event, other_topping, owner):
    _, foreign = create_api_key(other_topping, name="theirs", user=other_topping.created_by)
    body = {"module": "Contacts", "operation": "create", "record": CONTACT}
    response = post_event(body, key=foreign)
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"
    assert nothing_stored()


def test_an_unknown_namespace_is_404(api, django_capture_on_commit_callbacks):
    body = {"module": "Contacts", "operation": "create", "record": CONTACT}
    response = api("post", "/api/v1/toppings/no-such-topping/events", body)
    assert response.status_code == 404
    assert nothing_stored()


def test_only_post_is_allowed_on_events(api, events_url):
    assert api("get", events_url).status_code == 405


# ---------------------------------------------------------------------------- executions


@pytest.fixture
def executions(post_event, make_rule):
    """Two rules on Contacts create: ``hook`` matches, ``both`` has two actions."""
    hook = make_rule(name="hook", trigger=Rule.Trigger.CREATE, actions=[HOOK])
    both = make_rule(name="both", trigger=Rule.Trigger.CREATE, actions=[HOOK, HOOK])
    for n in range(2):
        record = {**CONTACT, "ID": str(100 + n)}
        assert (
            post_event({"module": "Contacts", "operation": "create", "record": record}).status_code
            == 202
        )
    Execution.objects.filter(rule=both).update(status=Execution.Status.FAILED)
    return hook, both


def test_executions_list_newest_first(api, topping, executions):
    response = api("get", f"/api/v1/toppings/{topping.namespace}/executions")
    assert response.status_code == 200
    rows = response.json()
    assert len(rows) == 6
    ids = [row["id"] for row in rows]
    assert ids == list(Execution.objects.values_list("pk", flat=True))
    assert ids == sorted(ids, reverse=True)
    first = rows[0]
    execution = Execution.objects.get(pk=first["id"])
    assert first["status"] == execution.status
    assert first["kind"] == "webhook"
    assert first["module"] == "Contacts"
    assert first["record_id"] == "101"
    assert first["event_id"] == execution.event_id
    assert first["rule_id"] == execution.rule_id
    assert first["attempts"] == 0 and first["info_lines"] == [] and first["calls"] == []


def test_executions_filter_by_status_and_rule(api, topping, executions):
    hook, both = executions
    url = f"/api/v1/toppings/{topping.namespace}/executions"
    failed = api("get", url, {"status": "failed"}).json()
    assert len(failed) == 4 and {row["rule_id"] for row in failed} == {both.pk}
    queued = api("get", url, {"status": "queued"}).json()
    assert len(queued) == 2 and {row["rule_id"] for row in queued} == {hook.pk}
    assert api("get", url, {"status": "succeeded"}).json() == []
    by_rule = api("get", url, {"rule": hook.pk}).json()
    assert {row["rule_id"] for row in by_rule} == {hook.pk} and len(by_rule) == 2
    assert api("get", url, {"rule": both.pk, "status": "queued"}).json() == []
    assert len(api("get", url, {"limit": 3}).json()) == 3
    assert len(api("get", url, {"limit": 0}).json()) == 1
    assert api("get", url, {"rule": "x"}).status_code == 422


def test_executions_of_other_toppings_are_never_listed(api, topping, executions, other_topping):
    _, foreign = create_api_key(other_topping, name="theirs", user=other_topping.created_by)
    own = api("get", f"/api/v1/toppings/{other_topping.namespace}/executions", key=foreign)
    assert own.status_code == 200 and own.json() == []
    across = api("get", f"/api/v1/toppings/{topping.namespace}/executions", key=foreign)
    assert across.status_code == 404
    assert (
        api("get", f"/api/v1/toppings/{topping.namespace}/executions", key=None).status_code == 401
    )


def test_execution_detail(api, topping, executions):
    execution = Execution.objects.filter(status="failed").first()
    Execution.objects.filter(pk=execution.pk).update(
        info_lines=["hello"],
        error={"message": "Division by zero", "line": 2, "column": 7},
        return_value={"ok": False},
        duration_ms=12.5,
    )
    response = api("get", f"/api/v1/toppings/{topping.namespace}/executions/{execution.pk}")
    assert response.status_code == 200
    detail = response.json()
    assert detail["id"] == execution.pk and detail["status"] == "failed"
    assert detail["info_lines"] == ["hello"]
    assert detail["error"] == {"message": "Division by zero", "line": 2, "column": 7}
    assert detail["return_value"] == {"ok": False}
    assert detail["duration_ms"] == 12.5
    assert detail["label"] == execution.label


def test_execution_detail_of_another_topping_is_404(api, topping, executions, other_topping):
    execution = Execution.objects.first()
    url = f"/api/v1/toppings/{topping.namespace}/executions/{execution.pk}"
    _, foreign = create_api_key(other_topping, name="theirs", user=other_topping.created_by)
    assert api("get", url, key=foreign).status_code == 404
    their_url = f"/api/v1/toppings/{other_topping.namespace}/executions/{execution.pk}"
    response = api("get", their_url, key=foreign)
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"
    missing = f"/api/v1/toppings/{topping.namespace}/executions/999999"
    assert api("get", missing).status_code == 404
    assert api("get", url, key=None).status_code == 401


# --------------------------------------------------------------------------------- OpenAPI


def test_openapi_lists_the_workflow_paths(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "post" in paths["/api/v1/toppings/{namespace}/events"]
    assert "get" in paths["/api/v1/toppings/{namespace}/executions"]
    assert "get" in paths["/api/v1/toppings/{namespace}/executions/{execution_id}"]
    assert reverse("api:topping_events", args=["x"]) == "/api/v1/toppings/x/events"


def test_a_batch_of_events_is_accepted_whole(
    client, topping, owner, django_capture_on_commit_callbacks
):
    from console.apikeys import create_api_key
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
