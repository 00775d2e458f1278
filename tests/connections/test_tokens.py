"""Token lifecycle against the real OAuth server: refresh, rotation, single flight, revoke."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection as db_connection
from django.utils import timezone

from connections.models import AuthType, Credential
from connections.services import manage, send, tokens
from connections.services.tokens import TokenError
from tests.connections.fixtures import connect_by_code


@pytest.fixture
def connected(oauth_service, oauth_server, make_connection, owner):
    """A shared connection holding tokens issued by the server (client credentials first,
    then a refresh token is not available, so tokens come from a real code exchange)."""
    connection = make_connection(oauth_service, "books", scopes=["read"])
    connect_by_code(connection, oauth_server, owner)
    return connection


def _credential(connection) -> Credential:
    return Credential.objects.get(connection=connection, user=None)


def test_refresh_without_rotation_keeps_old_refresh_token(connected, oauth_server):
    before = _credential(connected).secrets
    refreshed = tokens.refresh(_credential(connected), force=True)
    assert refreshed.secrets.access_token != before.access_token
    assert refreshed.secrets.refresh_token == before.refresh_token
    assert oauth_server.token_requests[-1]["grant_type"] == "refresh_token"


def test_refresh_with_rotation_replaces_refresh_token(connected, oauth_server):
    oauth_server.rotate_refresh_tokens = True
    before = _credential(connected).secrets
    refreshed = tokens.refresh(_credential(connected), force=True)
    after = _credential(connected).secrets
    assert after.refresh_token != before.refresh_token
    assert after.refresh_token == refreshed.secrets.refresh_token
    # The rotated token works for the next refresh.
    tokens.refresh(_credential(connected), force=True)
    assert _credential(connected).status == Credential.Status.CONNECTED


def test_token_near_expiry_is_refreshed_before_use(connected, oauth_server, echo_server):
    Credential.objects.update(expires_at=timezone.now() + timedelta(seconds=30))
    old = _credential(connected).secrets.access_token
    response = send.send("books", "GET", f"{oauth_server.url}/api/me", topping=connected.topping)
    assert response.status == 200
    assert _credential(connected).secrets.access_token != old


def test_401_refreshes_on_demand_and_retries(connected, oauth_server):
    oauth_server.expire_access_tokens()
    response = send.send("books", "GET", "me", topping=connected.topping)
    assert response.status == 200
    assert [r["grant_type"] for r in oauth_server.token_requests].count("refresh_token") == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_refreshes_make_one_token_call(connected, oauth_server):
    oauth_server.token_delay = 0.3
    before = len(oauth_server.token_requests)
    credential = _credential(connected)
    errors = []

    def worker():
        try:
            tokens.refresh(Credential.objects.get(pk=credential.pk), force=True)
        except Exception as error:  # collected and asserted below
            errors.append(error)
        finally:
            db_connection.close()

    threads = [threading.Thread(target=worker) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert len(oauth_server.token_requests) - before == 1


def test_invalid_grant_marks_connection_expired(connected, oauth_server):
    oauth_server.next_token_error = "invalid_grant"
    with pytest.raises(TokenError):
        tokens.refresh(_credential(connected), force=True)
    credential = _credential(connected)
    assert credential.status == Credential.Status.EXPIRED
    assert "invalid_grant" in credential.last_error
    with pytest.raises(send.ConnectionUnusable, match="expired"):
        send.send("books", "GET", "me", topping=connected.topping)


def test_revoke_calls_endpoint_and_purges(connected, oauth_server, owner):
    refresh_token = _credential(connected).secrets.refresh_token
    outcome = manage.revoke(connected, user=owner)
    assert outcome == "revoked at the provider"
    assert refresh_token in oauth_server.revoked
    credential = _credential(connected)
    assert credential.status == Credential.Status.REVOKED
    assert credential.secrets.all_values() == ()


def test_revoke_purges_even_when_provider_fails(connected, oauth_server, owner):
    oauth_server.fail_revoke = True
    outcome = manage.revoke(connected, user=owner)
    assert "500" in outcome
    assert _credential(connected).secrets.all_values() == ()
    assert _credential(connected).status == Credential.Status.REVOKED


def test_client_credentials_fetch_and_refetch(
    make_service, oauth_server, loopback_allowed, make_connection, owner
):
    service = make_service(
        "machine",
        AuthType.OAUTH2,
        f"{oauth_server.url}/api",
        grant_type="client_credentials",
        token_url=f"{oauth_server.url}/token",
        client_id="console-client",
        client_secret="console-secret",
        scopes=[{"name": "read", "description": ""}],
    )
    connection = make_connection(service, "machine", scopes=["read"])
    manage.connect_client_credentials(connection, user=owner)
    assert oauth_server.token_requests[-1]["grant_type"] == "client_credentials"
    Credential.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = send.send("machine", "GET", "me", topping=connection.topping)
    assert response.status == 200
    assert [r["grant_type"] for r in oauth_server.token_requests] == ["client_credentials"] * 2


def test_refresh_schedule_refreshes_soon_expiring(connected, oauth_server):
    from connections.tasks import refresh_expiring_tokens

    Credential.objects.update(expires_at=timezone.now() + timedelta(minutes=3))
    assert refresh_expiring_tokens() == 1
    assert _credential(connected).expires_at > timezone.now() + timedelta(minutes=30)


def test_refresh_schedule_leaves_a_token_refreshed_a_moment_ago(connected, oauth_server):
    from connections.tasks import refresh_expiring_tokens

    # Refreshed just now by a call: a 10-minute token, so inside the schedule's look-ahead
    # but outside its own margin (a tenth of its life). The schedule must not refresh again.
    Credential.objects.update(
        expires_at=timezone.now() + timedelta(minutes=10),
        token_lifetime=600,
        last_refreshed_at=timezone.now(),
    )
    before = len(oauth_server.token_requests)
    assert refresh_expiring_tokens() == 0
    assert len(oauth_server.token_requests) == before
