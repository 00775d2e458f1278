"""Data centres: a Zoho connection talks to the accounts and API servers of the region the
account lives in (zoho.com, .eu, .in, .com.au, .jp, zohocloud.ca, .sa, .com.cn)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from connections.models import AuthType, Service
from connections.services import flows, injection, manage, send, tokens, urlparams

ZOHO_DCS = {
    "com": ("accounts.zoho.com", "www.zohoapis.com"),
    "eu": ("accounts.zoho.eu", "www.zohoapis.eu"),
    "in": ("accounts.zoho.in", "www.zohoapis.in"),
    "com.au": ("accounts.zoho.com.au", "www.zohoapis.com.au"),
    "jp": ("accounts.zoho.jp", "www.zohoapis.jp"),
    "ca": ("accounts.zohocloud.ca", "www.zohoapis.ca"),
    "sa": ("accounts.zoho.sa", "www.zohoapis.sa"),
    "com.cn": ("accounts.zoho.com.cn", "www.zohoapis.com.cn"),
}


@pytest.fixture
def crm(db) -> Service:
    return Service.objects.default().get(key="zoho_crm")


def _connection(topping, owner, service, data_centre):
    return manage.create_connection(
        topping,
        service,
        name="CRM",
        link_name="crm",
        scopes=list(service.default_scopes),
        user_level=False,
        url_values={},
        user=owner,
        client_id="1000.CLIENT",
        data_centre=data_centre,
    )


def _host(url: str) -> str:
    return urlsplit(url).hostname or ""


@pytest.mark.parametrize("key", list(ZOHO_DCS))
def test_every_zoho_data_centre_moves_the_accounts_and_api_servers(topping, owner, crm, key):
    connection = _connection(topping, owner, crm, key)
    accounts, api = ZOHO_DCS[key]
    for field in ("authorize_url", "token_url", "refresh_url", "revoke_url"):
        assert _host(tokens.fill_url(getattr(crm, field), connection)) == accounts, field
    assert _host(tokens.fill_url(crm.api_base_url, connection)) == api
    assert api in injection.allowed_hosts(connection)
    # The path stays: only the host changes.
    assert urlsplit(tokens.fill_url(crm.token_url, connection)).path == "/oauth/v2/token"


def test_the_default_data_centre_is_stored_as_empty(topping, owner, crm):
    assert _connection(topping, owner, crm, "com").data_centre == ""
    assert Service.objects.default().get(key="zoho_books").data_centre_list()[0].key == "com"


def test_authorization_starts_at_the_chosen_data_centre(topping, owner, crm):
    connection = _connection(topping, owner, crm, "eu")
    url = flows.start(connection, user=owner, session_key="s", redirect_uri="http://testserver/cb/")
    assert _host(url) == "accounts.zoho.eu"
    assert parse_qs(urlsplit(url).query)["client_id"] == ["1000.CLIENT"]
    flow = connection.flows.get()
    assert _host(flow.token_url) == "accounts.zoho.eu"
    assert flow.issuer == "https://accounts.zoho.eu"  # an iss from accounts.zoho.com is refused


def test_an_unknown_data_centre_is_refused(topping, owner, crm):
    with pytest.raises(Exception, match="data centres"):
        _connection(topping, owner, crm, "mars")


def test_the_create_form_offers_the_data_centres_and_stores_the_choice(
    topping, owner, crm, client_for
):
    client = client_for(owner)
    url = reverse("connections:create", args=[topping.namespace, "zoho_crm"])
    body = client.get(url).content.decode()
    for key in ZOHO_DCS:
        assert f'value="{key}"' in body
    assert "Europe (zoho.eu)" in body
    response = client.post(
        url,
        {
            "name": "CRM",
            "link_name": "crm",
            "scopes": crm.default_scopes,
            "data_centre": "ca",
            "client_id": "1000.CLIENT",
            "create": "1",
        },
    )
    assert response.status_code == 302
    connection = topping.connections.get(link_name="crm")
    assert connection.data_centre == "ca"
    assert "Canada (zohocloud.ca)" in client.get(connection.get_absolute_url()).content.decode()
    bad = client.post(url, {"name": "X", "link_name": "x", "data_centre": "mars", "create": "1"})
    assert "Select a valid choice" in bad.content.decode()


def test_a_service_without_data_centres_offers_no_choice(topping, owner, client_for):
    body = (
        client_for(owner)
        .get(reverse("connections:create", args=[topping.namespace, "github"]))
        .content.decode()
    )
    assert 'name="data_centre"' not in body


def test_calls_go_to_the_data_centres_host(
    make_service, make_connection, echo_server, loopback_allowed, owner
):
    """On loopback: the default data centre's host is 127.0.0.1, the other one's localhost."""
    service = make_service(
        "regional",
        AuthType.BEARER,
        echo_server.url,
        data_centres=[
            {"key": "one", "name": "One", "hosts": {}},
            {"key": "two", "name": "Two", "hosts": {"127.0.0.1": "localhost"}},
        ],
    )
    port = echo_server.server_port
    for key, host in (("one", "127.0.0.1"), ("two", "localhost")):
        connection = make_connection(service, f"dc_{key}")
        connection.data_centre = "" if key == "one" else key
        connection.save()
        manage.connect_with_values(connection, values={"token": "t"}, user=owner)
        send.send(f"dc_{key}", "GET", "/me", topping=connection.topping)
        assert echo_server.requests[-1]["headers"]["host"] == f"{host}:{port}"
        assert injection.allowed_hosts(connection) == (host,)


def test_a_data_centre_never_moves_a_url_off_its_declared_hosts(crm):
    # Only the hosts the data centre names move; any other host stays as it is.
    centre = urlparams.data_centre(crm, "eu")
    assert centre is not None
    assert urlparams.fill(crm, "https://example.org/x", {}, "eu") == "https://example.org/x"
    with pytest.raises(urlparams.UrlParamError):
        urlparams.data_centre(crm, "nowhere")
