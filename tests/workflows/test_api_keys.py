"""Who may post events: only the topping's own, unrevoked API key."""

from __future__ import annotations

import json

import pytest

from console.apikeys import create_api_key, revoke_api_key
from tests.workflows.events_api import CONTACT, nothing_stored
from workflows.models import Event

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
