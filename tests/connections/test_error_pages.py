"""A crash while a credential is in hand shows no secret: 500 pages, debug pages, error logs.

Each test breaks a step deep inside a flow that holds the canary (saving a typed-in token,
sending with a stored one), then looks at everything an operator or a visitor could see.
"""

from __future__ import annotations

import logging

import pytest
from django.test import Client
from django.views.debug import ExceptionReporter

from connections.broker import Injection
from connections.broker import client as broker_client
from connections.models import AuthType, Credential
from connections.reporting import SecretSafeExceptionReporterFilter
from connections.schemas import Secrets
from connections.services import credentials, send
from console.apikeys import create_api_key
from tests.connections.fixtures import CANARY


class Boom(Exception):
    """The failure a test injects; its message holds no secret."""


def _fail(*args, **kwargs):
    raise Boom("storage went away")


@pytest.fixture
def crash_client(owner, settings):
    """A logged-in client that returns the 500 response instead of raising."""
    settings.ADMINS = [("Ops", "ops@example.com")]
    client = Client(raise_request_exception=False)
    client.force_login(owner)
    return client


def _reports(caplog) -> list[str]:
    """Everything the error log holds, and what an admin e-mail would render from it."""
    texts = [caplog.text]
    for record in caplog.records:
        texts.append(record.getMessage())
        if record.exc_info and getattr(record, "request", None) is not None:
            # What AdminEmailHandler renders: traceback with every frame's local variables.
            reporter = ExceptionReporter(record.request, *record.exc_info, is_email=True)
            texts += [reporter.get_traceback_html(), reporter.get_traceback_text()]
    return texts


@pytest.mark.parametrize("debug", [False, True], ids=["500-page", "debug-page"])
def test_crash_while_storing_a_typed_token_shows_no_secret(
    debug, make_service, make_connection, crash_client, settings, caplog, monkeypatch
):
    service = make_service("keyed", AuthType.BEARER, "https://api.example.com")
    connection = make_connection(service, "keyed")
    monkeypatch.setattr(credentials, "log_action", _fail)  # fails after the token is in hand
    settings.DEBUG = debug
    caplog.set_level(logging.ERROR)
    response = crash_client.post(
        f"/t/{connection.topping.namespace}/connections/keyed/credentials/", {"token": CANARY}
    )
    assert response.status_code == 500
    page = response.content.decode()
    if debug:
        assert "storage went away" in page and "connect_with_values" in page  # the real trace
    assert CANARY not in page
    assert caplog.records, "the crash was not logged"
    assert all(CANARY not in text for text in _reports(caplog))
    assert not Credential.objects.filter(status=Credential.Status.CONNECTED).exists()


@pytest.mark.parametrize("debug", [False, True], ids=["500-page", "debug-page"])
def test_crash_during_a_proxied_send_shows_no_secret(
    debug, canary_connection, owner, crash_client, settings, caplog, monkeypatch
):
    _, raw_key = create_api_key(canary_connection.topping, name="ci", user=owner)
    monkeypatch.setattr(broker_client, "read_body", _fail)  # after the request went out
    settings.DEBUG = debug
    caplog.set_level(logging.ERROR)
    response = crash_client.get(
        f"/api/v1/connections/{canary_connection.qualified_name}/proxy/items?q=1",
        headers={"Authorization": f"Bearer {raw_key}"},
    )
    assert response.status_code == 500
    page = response.content.decode()
    assert CANARY not in page
    assert raw_key not in page
    assert caplog.records, "the crash was not logged"
    for text in _reports(caplog):
        assert CANARY not in text
        assert raw_key not in text


def test_debug_report_of_a_send_hides_every_frames_secrets(canary_connection, rf, settings):
    """The technical page's local variables, frame by frame, for a crash inside the broker."""
    settings.DEBUG = True
    request = rf.post("/somewhere", {"password": CANARY, "note": "visible"})
    original = broker_client.read_body
    broker_client.read_body = _fail
    try:
        send.send("vault", "GET", "items", topping=canary_connection.topping)
    except Boom as error:
        reporter = ExceptionReporter(request, type(error), error, error.__traceback__)
    finally:
        broker_client.read_body = original
    html, text = reporter.get_traceback_html(), reporter.get_traceback_text()
    assert "storage went away" in html and "hop_headers" in html  # the broker's frame is there
    assert CANARY not in html and CANARY not in text
    assert "visible" in html  # POST fields that are not secret still help debugging


def test_filter_hides_secret_names_and_credential_objects_in_any_frame(rf):
    def innocent_helper(headers, injection, secrets, auth_header, rows):
        raise Boom("no decorator marks this frame")

    injection = Injection(headers={"Authorization": f"Bearer {CANARY}"}, secrets=(CANARY,))
    try:
        innocent_helper(
            {"Authorization": f"Bearer {CANARY}", "Accept": "application/json"},
            injection,
            Secrets(access_token=CANARY),
            f"Bearer {CANARY}",
            [{"api_key": CANARY}],
        )
    except Boom as error:
        frame = error.__traceback__.tb_next.tb_frame
    shown = dict(
        SecretSafeExceptionReporterFilter().get_traceback_frame_variables(rf.get("/"), frame)
    )
    assert CANARY not in repr(shown)
    assert shown["headers"]["Accept"] == "application/json"
    assert CANARY not in repr(injection) and CANARY not in repr(Secrets(access_token=CANARY))
