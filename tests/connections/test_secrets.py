"""Secrets at rest: encrypted, never shown, wrong keys fail closed, rotation keeps rows."""

from __future__ import annotations

import json
import logging
from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.core.checks import run_checks
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection as db

from connections import crypto
from connections.models import Credential, Service
from connections.services import samples, send
from tests.connections.fixtures import CANARY

OLD_KEY = "dGVzdC1rZXktb25lLXRlc3Qta2V5LW9uZS10ZXN0LTE="


def _raw_rows() -> str:
    with db.cursor() as cursor:
        cursor.execute("SELECT secret_data FROM connections_credential")
        rows = [r[0] for r in cursor.fetchall()]
        cursor.execute("SELECT client_secret FROM connections_service")
        rows += [r[0] for r in cursor.fetchall()]
    return json.dumps(rows)


def test_canary_is_encrypted_in_the_database(canary_connection):
    stored = _raw_rows()
    assert CANARY not in stored
    assert Credential.objects.get().secrets.access_token == CANARY


def test_canary_never_in_admin_pages(canary_connection, client, make_user):
    admin = make_user("admin@example.com", is_staff=True, is_superuser=True)
    client.force_login(admin)
    credential = Credential.objects.get()
    pages = [
        "/admin/connections/credential/",
        f"/admin/connections/credential/{credential.pk}/change/",
        "/admin/connections/connection/",
        f"/admin/connections/connection/{canary_connection.pk}/change/",
        f"/admin/connections/service/{canary_connection.service.pk}/change/",
    ]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        assert CANARY not in response.content.decode(), page


def test_canary_never_in_dumpdata(canary_connection):
    out = StringIO()
    call_command("dumpdata", "connections", stdout=out)
    assert CANARY not in out.getvalue()
    assert "vault" in out.getvalue()


def test_canary_never_in_logs_samples_or_call_records(canary_connection, caplog, echo_server):
    caplog.set_level(logging.DEBUG)
    response = send.send(
        "vault", "GET", f"{echo_server.url}/x?token={CANARY}", topping=canary_connection.topping
    )
    assert echo_server.requests[-1]["headers"]["authorization"] == f"Bearer {CANARY}"
    assert CANARY not in json.dumps(response.record.to_dict())
    assert CANARY not in response.url
    code = "".join(
        s.code for s in samples.samples(canary_connection, base_url="http://testserver/")
    )
    assert CANARY not in code
    assert CANARY not in caplog.text


def test_canary_never_on_an_error_page(canary_connection, owner, settings):
    from django.test import Client

    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    client.force_login(owner)
    Service.objects.update(api_base_url="not a url")
    response = client.get(canary_connection.get_absolute_url())
    assert CANARY not in response.content.decode()


def test_wrong_key_fails_start_up(canary_connection, settings):
    crypto.verify_canary()
    settings.FIELD_ENCRYPTION_KEY = [Fernet.generate_key().decode()]
    with pytest.raises(ImproperlyConfigured, match="cannot decrypt"):
        crypto.verify_canary()
    assert "connections.E002" in [e.id for e in run_checks()]
    with pytest.raises(crypto.SecretUnreadable):
        Credential.objects.get().secrets  # noqa: B018  (reading must fail, not return ciphertext)


def test_malformed_key_is_refused(settings):
    settings.FIELD_ENCRYPTION_KEY = ["not-a-key"]
    with pytest.raises(ImproperlyConfigured, match="Fernet"):
        crypto.crypter()


def test_rotation_keeps_every_row_readable(canary_connection, settings):
    crypto.verify_canary()
    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEY = [new_key, OLD_KEY]
    out = StringIO()
    call_command("rotate_encryption_key", stdout=out)
    assert "connections.Credential: 1 rows" in out.getvalue()
    settings.FIELD_ENCRYPTION_KEY = [new_key]
    assert Credential.objects.get().secrets.access_token == CANARY
    assert Service.objects.get(key="vault").client_secret == CANARY + "-client"
    crypto.verify_canary()


def test_a_response_that_echoes_the_credential_comes_back_redacted(canary_connection, echo_server):
    response = send.send(
        "vault", "GET", f"{echo_server.url}/echo", topping=canary_connection.topping
    )
    assert echo_server.requests[-1]["headers"]["authorization"] == f"Bearer {CANARY}"
    assert CANARY not in response.text()
    assert "[redacted]" in response.text()
