"""Issue 12, "The page tells what a user needs": redirect URIs, confirmations, audit, errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse

from connections.models import AuthType, Connection, Credential
from connections.services import manage, samples, tokens
from connections.services.tokens import TokenError
from console.models import AuditEntry
from tests.connections.test_tokens import connected  # noqa: F401

CSS = Path(__file__).resolve().parents[2] / "console" / "static" / "console" / "console.css"


@pytest.fixture
def bearer_connection(make_service, make_connection, echo_server, loopback_allowed, owner):
    service = make_service("pat", AuthType.BEARER, echo_server.url)
    connection = make_connection(service, "pat")
    manage.connect_with_values(connection, values={"token": "t0k"}, user=owner)
    return connection


def _detail(client, connection: Connection) -> str:
    url = reverse("connections:detail", args=[connection.topping.namespace, connection.link_name])
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _copy_input(body: str, key: str) -> str:
    """The value of the read-only redirect-URI input ``key``, checking its Copy button."""
    match = re.search(
        rf'<input type="text" id="redirect-uri-{key}" value="([^"]+)" readonly>', body
    )
    assert match, f"no read-only input redirect-uri-{key}"
    assert f'data-copy-input="redirect-uri-{key}">Copy</button>' in body
    return match.group(1)


# 1. The redirect URI to register at the provider ---------------------------------------------


def test_custom_service_form_shows_both_redirect_uris(topping, owner, client_for):
    url = reverse("connections:custom_service_create", args=[topping.namespace])
    body = client_for(owner).get(url).content.decode()
    assert _copy_input(body, "oauth2") == "http://testserver" + reverse(
        "connections:oauth_callback"
    )
    assert _copy_input(body, "oauth1") == "http://testserver" + reverse(
        "connections:oauth1_callback"
    )
    assert 'src="/static/console/copy.js"' in body


def test_oauth_connection_page_shows_its_redirect_uri(
    oauth_service, make_connection, owner, client_for
):
    connection = make_connection(oauth_service, "books")
    body = _detail(client_for(owner), connection)
    assert _copy_input(body, "oauth2") == "http://testserver/connections/oauth/callback/"
    assert "redirect-uri-oauth1" not in body
    assert 'src="/static/console/copy.js"' in body


def test_oauth1_connection_page_shows_the_oauth1_callback(
    make_service, make_connection, owner, client_for
):
    service = make_service(
        "tumble",
        AuthType.OAUTH1,
        "https://api.example.com",
        request_token_url="https://api.example.com/oauth/request_token",
        authorize_url="https://api.example.com/oauth/authorize",
        token_url="https://api.example.com/oauth/access_token",
    )
    body = _detail(client_for(owner), make_connection(service, "tumble"))
    assert _copy_input(body, "oauth1") == "http://testserver/connections/oauth1/callback/"
    assert "redirect-uri-oauth2" not in body


def test_key_connection_page_has_no_redirect_uri(bearer_connection, owner, client_for):
    assert "redirect-uri-" not in _detail(client_for(owner), bearer_connection)


def test_copy_script_writes_the_input_value_to_the_clipboard():
    script = (CSS.parent / "copy.js").read_text(encoding="utf-8")
    assert "navigator.clipboard.writeText" in script and "data-copy-input" in script


# 2. Revoke on Expired too, and confirmation pages ---------------------------------------------


def _expire(connection: Connection, error: str = "The provider refused (invalid_grant).") -> None:
    Credential.objects.filter(connection=connection).update(
        status=Credential.Status.EXPIRED, last_error=error
    )


def test_revoke_is_offered_on_connected_and_expired_only(bearer_connection, owner, client_for):
    client = client_for(owner)
    revoke = reverse("connections:revoke", args=[bearer_connection.topping.namespace, "pat"])
    revoke += "?environment=production"
    assert f'href="{revoke}"' in _detail(client, bearer_connection)
    _expire(bearer_connection)
    assert f'href="{revoke}"' in _detail(client, bearer_connection)
    Credential.objects.update(status=Credential.Status.REVOKED)
    assert f'href="{revoke}"' not in _detail(client, bearer_connection)


def test_revoke_asks_first_then_posts(bearer_connection, owner, client_for):
    client = client_for(owner)
    url = reverse("connections:revoke", args=[bearer_connection.topping.namespace, "pat"])
    body = client.get(url).content.decode()
    assert "Revoke the production authorization of Pat?" in body
    url += "?environment=production"
    assert re.search(rf'<form method="post" action="{re.escape(url)}"', body)
    assert "confirm(" not in body
    assert Credential.objects.get().status == Credential.Status.CONNECTED  # GET changed nothing
    response = client.post(url)
    assert response.status_code == 302
    assert Credential.objects.get().status == Credential.Status.REVOKED


def test_delete_asks_first_then_posts(bearer_connection, owner, client_for):
    client = client_for(owner)
    url = reverse("connections:delete", args=[bearer_connection.topping.namespace, "pat"])
    assert f'href="{url}"' in _detail(client, bearer_connection)
    body = client.get(url).content.decode()
    assert "Delete Pat?" in body
    assert re.search(rf'<form method="post" action="{re.escape(url)}"', body)
    assert Connection.objects.filter(pk=bearer_connection.pk).exists()
    client.post(url)
    assert not Connection.objects.filter(pk=bearer_connection.pk).exists()


def test_confirmation_pages_are_404_for_strangers(bearer_connection, stranger, client_for):
    client = client_for(stranger)
    for name in ("revoke", "delete"):
        url = reverse(f"connections:{name}", args=[bearer_connection.topping.namespace, "pat"])
        assert client.get(url).status_code == 404


# 3. Audit entries for status changes, none for no-op saves ------------------------------------


@pytest.mark.django_db(transaction=True)
def test_invalid_grant_writes_an_expired_audit_entry(connected, oauth_server):  # noqa: F811
    oauth_server.next_token_error = "invalid_grant"
    with pytest.raises(TokenError):
        tokens.refresh(Credential.objects.get(connection=connected), force=True)
    entry = AuditEntry.objects.get(action="connections.connection.expired")
    assert entry.actor is None
    assert entry.object_id == str(connected.pk)
    assert entry.data["code"] == "invalid_grant"
    assert "invalid_grant" in entry.data["reason"]


@pytest.mark.django_db(transaction=True)
def test_a_failed_refresh_that_keeps_the_status_writes_no_expired_entry(
    connected,  # noqa: F811
    oauth_server,
):
    oauth_server.next_token_error = "server_error"
    with pytest.raises(TokenError):
        tokens.refresh(Credential.objects.get(connection=connected), force=True)
    assert Credential.objects.get(connection=connected).status == Credential.Status.CONNECTED
    assert not AuditEntry.objects.filter(action="connections.connection.expired").exists()


def test_update_connection_without_changes_writes_no_audit_entry(bearer_connection, owner):
    updated = AuditEntry.objects.filter(action="connections.connection.updated")
    before = bearer_connection.updated_at
    assert not manage.update_connection(
        bearer_connection, name=bearer_connection.name, scopes=[], user=owner
    )
    assert not updated.exists()
    bearer_connection.refresh_from_db()
    assert bearer_connection.updated_at == before
    manage.update_connection(bearer_connection, name="Renamed", scopes=[], user=owner)
    assert updated.count() == 1


def test_edit_page_saving_nothing_writes_no_audit_entry(bearer_connection, owner, client_for):
    url = reverse("connections:edit", args=[bearer_connection.topping.namespace, "pat"])
    client_for(owner).post(url, {"name": bearer_connection.name})
    assert not AuditEntry.objects.filter(action="connections.connection.updated").exists()


# 4. An Expired connection says so, with a Reconnect button -------------------------------------


def test_expired_page_shows_the_error_and_reconnect(bearer_connection, owner, client_for):
    _expire(bearer_connection, "The provider refused the token request: gone (invalid_grant).")
    body = _detail(client_for(owner), bearer_connection)
    notice = body.split('class="flash flash-warning expired-notice"')[1].split("</div>")[0]
    assert "now Expired" in notice
    assert "gone (invalid_grant)" in notice
    connect = reverse("connections:connect", args=[bearer_connection.topping.namespace, "pat"])
    assert (
        f'action="{connect}?environment=production"' in notice and ">Reconnect</button>" in notice
    )


def test_connected_page_has_no_expired_notice(bearer_connection, owner, client_for):
    assert "expired-notice" not in _detail(client_for(owner), bearer_connection)


# 5. Samples show <path> ------------------------------------------------------------------------


def test_samples_show_the_path_placeholder_unquoted(bearer_connection, owner, client_for):
    found = samples.samples(bearer_connection, base_url="http://testserver/")
    by_key = {s.key: s.code for s in found}
    for key in ("python", "curl"):
        assert "/proxy/<path>" in by_key[key], by_key[key]
        assert "%3C" not in by_key[key]
    body = _detail(client_for(owner), bearer_connection)
    assert "/proxy/&lt;path&gt;" in body and "%3Cpath%3E" not in body


# 6. Long scopes and e-mails wrap inside their card --------------------------------------------


def test_long_scopes_and_emails_wrap(bearer_connection, owner, client_for):
    body = _detail(client_for(owner), bearer_connection)
    assert '<dt>Scopes</dt><dd class="wrap-anywhere">' in body
    assert '<dt>Connected by</dt><dd class="wrap-anywhere">' in body
    css = CSS.read_text(encoding="utf-8")
    rule = re.search(r"\.wrap-anywhere[^{]*\{([^}]*)\}", css)
    assert rule and "overflow-wrap: anywhere" in rule.group(1)
