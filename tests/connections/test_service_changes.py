"""Changing where a custom service's credentials may go: Administrators only, and it resets."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from connections import broker
from connections.forms import DESTINATION_FORM_FIELDS
from connections.models import AuthType, Credential, OAuthFlow
from connections.schemas import Secrets
from connections.services import manage, send
from connections.services.credentials import save_connected
from console.models import AuditEntry
from tests.connections.fixtures import CANARY


@pytest.fixture
def wide_allowlist(settings):
    """Only the service's allowed hosts stand between the key and ``localhost``."""
    settings.CONSOLE_OUTBOUND_ALLOWLIST = ["127.0.0.1", "localhost"]
    send.forget()
    yield
    send.forget()


@pytest.fixture
def service(make_service, echo_server, wide_allowlist):
    # OAuth 2.0 (client credentials), so that every destination field applies to it: the
    # form ignores the fields of other authentication types.
    return make_service(
        "acme",
        AuthType.OAUTH2,
        echo_server.url,
        docs_url="https://docs.acme.example.com/",
        grant_type="client_credentials",
        token_url=f"{echo_server.url}/token",
        client_id="acme-client",
        client_secret="acme-client-secret",
        token_auth_method="client_secret_basic",
    )


@pytest.fixture
def connections(service, make_connection, owner, teammate):
    """A shared connection and a user-level one that both members connected."""

    def connect(connection, token, user):
        fill = lambda credential: credential.set_secrets(Secrets(access_token=token))  # noqa: E731
        save_connected(connection, user=user, fill=fill, method="client_credentials")

    shared = make_connection(service, "shared")
    connect(shared, CANARY, owner)
    personal = make_connection(service, "personal", user_level=True)
    for user in (owner, teammate):
        connect(personal, f"{CANARY}-{user.pk}", user)
    return [shared, personal]


# Issue 10 names these; the service's list must hold at least them.
NAMED_IN_THE_ISSUE = {"allowed_hosts", "api_base_url", "token_url", "refresh_url", "revoke_url"}
DESTINATIONS = manage.DESTINATION_FIELDS


def test_every_destination_named_in_the_issue_is_guarded():
    assert NAMED_IN_THE_ISSUE | {"auth_type", "param_type"} <= set(DESTINATIONS)


def _form(service, **changes) -> dict:
    """What the edit page posts back for ``service``, with ``changes`` applied."""
    data = {
        "name": service.name,
        "key": service.key,
        "auth_type": service.auth_type,
        "grant_type": service.grant_type,
        "client_id": service.client_id,
        "authorize_url": service.authorize_url,
        "token_url": service.token_url,
        "refresh_url": service.refresh_url,
        "revoke_url": service.revoke_url,
        "request_token_url": service.request_token_url,
        "param_type": service.param_type,
        "scope_delimiter": service.scope_delimiter,
        "api_base_url": service.api_base_url,
        "docs_url": service.docs_url,
        "allowed_hosts_text": " ".join(service.allowed_hosts),
        "headers_text": "",
        "key_params_text": "",
    }
    data.update(changes)
    return data


def _edit_url(service) -> str:
    return reverse("connections:custom_service_edit", args=[service.topping.namespace, service.key])


def _destination_changes(echo_server):
    other = f"http://localhost:{echo_server.server_port}"
    return [
        {"allowed_hosts_text": "127.0.0.1 localhost"},
        {"api_base_url": other, "allowed_hosts_text": "localhost"},
        {"token_url": f"{other}/token"},
        {"refresh_url": f"{other}/token"},
        {"revoke_url": f"{other}/revoke"},
        {"authorize_url": f"{other}/authorize"},
        {"param_type": "query"},
        {"auth_type": "api_key", "key_params_text": "key | Key"},
        {"issuer": "https://elsewhere.example.com"},
    ]


def _all_connected(connections) -> bool:
    credentials = Credential.objects.filter(connection__in=connections)
    return credentials.count() == 3 and all(
        c.status == Credential.Status.CONNECTED and c.secrets.access_token for c in credentials
    )


def test_developer_cannot_widen_allowed_hosts(
    service, connections, teammate, client_for, echo_server
):
    response = client_for(teammate).post(
        _edit_url(service), _form(service, allowed_hosts_text="127.0.0.1 localhost")
    )
    assert response.status_code == 403
    service.refresh_from_db()
    assert service.allowed_hosts == ["127.0.0.1"]
    assert _all_connected(connections)
    # So their function or the proxy cannot send the key to the host they wanted.
    steal = f"http://localhost:{echo_server.server_port}/steal"
    with pytest.raises(broker.BrokerError) as info:
        send.send(connections[0].qualified_name, "GET", steal, topping=service.topping)
    assert info.value.code == "refused_host"
    assert CANARY not in json.dumps(echo_server.requests)


@pytest.mark.parametrize("index", range(9))
def test_developer_cannot_change_any_destination(
    index, service, connections, teammate, client_for, echo_server
):
    changes = _destination_changes(echo_server)[index]
    before = {f: getattr(service, f) for f in DESTINATIONS}
    response = client_for(teammate).post(_edit_url(service), _form(service, **changes))
    assert response.status_code == 403
    service.refresh_from_db()
    assert {f: getattr(service, f) for f in DESTINATIONS} == before
    assert _all_connected(connections)


def test_developer_may_rename_a_custom_service(service, connections, teammate, client_for):
    page = client_for(teammate).get(_edit_url(service)).content.decode()
    assert page.count("Only Administrators can change this.") == len(DESTINATION_FORM_FIELDS)
    response = client_for(teammate).post(_edit_url(service), _form(service, name="Acme 2"))
    assert response.status_code == 302
    service.refresh_from_db()
    assert service.name == "Acme 2"
    assert _all_connected(connections)


@pytest.mark.parametrize("index", range(9))
def test_administrator_change_of_destination_resets_every_connection(
    index, service, connections, owner, teammate, client_for, echo_server
):
    changes = _destination_changes(echo_server)[index]
    flow = OAuthFlow.objects.create(
        state_hash="x" * 64,
        connection=connections[0],
        user=owner,
        session_hash="y" * 64,
        redirect_uri="http://testserver/connections/oauth/callback/",
        token_url=f"{echo_server.url}/token",
        expires_at=timezone.now() + timedelta(minutes=5),
    )
    client = client_for(owner)
    response = client.post(_edit_url(service), _form(service, **changes))
    assert response.status_code == 302
    credentials = Credential.objects.filter(connection__in=connections)
    assert credentials.count() == 3
    for credential in credentials:
        assert credential.status == Credential.Status.NOT_CONNECTED
        assert credential.secret_data == "" and not any(credential.secrets.all_values())
        assert credential.expires_at is None and credential.connected_by is None
        assert "where its credentials may be sent" in credential.last_error
    resets = AuditEntry.objects.filter(action="connections.connection.reset")
    assert sorted(int(e.object_id) for e in resets) == sorted(c.pk for c in connections)
    assert not OAuthFlow.objects.filter(pk=flow.pk).exists()
    with pytest.raises(send.ConnectionUnusable):
        send.send(connections[0].qualified_name, "GET", "/x", topping=service.topping)
    for user in (owner, teammate):
        page = client_for(user).get(connections[1].get_absolute_url()).content.decode()
        assert "Not connected" in page and "where its credentials may be sent" in page


def test_harmless_change_does_not_reset(service, connections, owner, client_for):
    changes = {
        "name": "Acme Renamed",
        "docs_url": "https://docs.acme.example.com/v2",
        "headers_text": "X-Acme: 1",
    }
    response = client_for(owner).post(_edit_url(service), _form(service, **changes))
    assert response.status_code == 302
    service.refresh_from_db()
    assert service.name == "Acme Renamed" and service.custom_headers == {"X-Acme": "1"}
    assert _all_connected(connections)
    assert not AuditEntry.objects.filter(action="connections.connection.reset").exists()


def test_operator_change_in_the_django_admin_resets_connections_too(
    service, connections, make_user, rf
):
    from django.contrib.admin.sites import site

    from connections.models import Service

    operator = make_user("operator@example.com", is_staff=True, is_superuser=True)
    request = rf.post("/admin/")
    request.user = operator
    model_admin = site._registry[Service]
    service.allowed_hosts = [*service.allowed_hosts, "elsewhere.example.com"]
    model_admin.save_model(request, service, form=None, change=True)
    states = set(Credential.objects.filter(connection__in=connections).values_list("status"))
    assert states == {(Credential.Status.NOT_CONNECTED,)}
    assert AuditEntry.objects.filter(action="connections.connection.reset").count() == 2


def test_harmless_admin_change_keeps_connections(service, connections, make_user, rf):
    from django.contrib.admin.sites import site

    from connections.models import Service

    request = rf.post("/admin/")
    request.user = make_user("operator@example.com", is_staff=True, is_superuser=True)
    service.name = "Acme renamed"
    site._registry[Service].save_model(request, service, form=None, change=True)
    states = set(Credential.objects.filter(connection__in=connections).values_list("status"))
    assert states == {(Credential.Status.CONNECTED,)}
