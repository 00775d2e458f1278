"""Discovery (issue 12): a custom OAuth 2.0 service from an issuer URL, and RFC 9207's ``iss``.

The loopback server serves its own metadata (OpenID configuration and RFC 8414) and, when
``oauth_server.issuer`` is set, advertises and sends ``iss`` on its redirects.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.urls import reverse

from connections.models import Connection, Credential, Service
from connections.services import discovery
from tests.connections.oauth_server import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET

CALLBACK = "http://testserver/connections/oauth/callback/"


@pytest.fixture
def signed_in(client, owner):
    client.force_login(owner)
    return client


@pytest.fixture
def server(oauth_server, loopback_allowed):
    """The loopback server, reachable through the broker (127.0.0.1 is allowlisted)."""
    return oauth_server


def _discover_page(client, topping, issuer: str, **typed):
    url = reverse("connections:custom_service_create", args=[topping.namespace])
    return client.post(url, {"discover": "1", "issuer_url": issuer, **typed})


def _posted(form) -> dict[str, str]:
    """What the browser posts back for a rendered (unbound) form."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is True:
            data[name] = "on"
        elif value not in (None, False, ""):
            data[name] = str(value)
    return data


def _create_from_issuer(client, topping, issuer: str, key: str = "local_idp") -> Service:
    """Discover, review (keep every filled-in value), add the client, and save."""
    page = _discover_page(client, topping, issuer, name="Local IdP", key=key)
    assert page.status_code == 200
    data = _posted(page.context["form"])
    data |= {"client_id": DEFAULT_CLIENT_ID, "client_secret_input": DEFAULT_CLIENT_SECRET}
    response = client.post(
        reverse("connections:custom_service_create", args=[topping.namespace]), data
    )
    assert response.status_code == 302, response.content.decode()
    return Service.objects.get(topping=topping, key=key)


def _consent(client, topping, service, link="idp") -> dict[str, str]:
    """Create and Connect, approve at the provider; the query it redirects back with."""
    response = client.post(
        reverse("connections:create", args=[topping.namespace, service.key]),
        {"name": "IdP", "link_name": link, "scopes": ["read"], "connect": "1"},
    )
    assert response.status_code == 302, response.content
    answer = requests.get(response["Location"] + "&auto=1", allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    location = answer.headers["Location"]
    assert location.startswith(CALLBACK)
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def _callback(client, params):
    return client.get(reverse("connections:oauth_callback"), params)


# --- discovery -------------------------------------------------------------------------------


def test_discovery_fills_a_service(signed_in, topping, server):
    server.issuer = server.url
    found = discovery.discover(server.url)
    assert found.metadata_url == server.url + "/.well-known/openid-configuration"
    assert (found.authorize_url, found.token_url, found.revoke_url) == (
        f"{server.url}/authorize",
        f"{server.url}/token",
        f"{server.url}/revoke",
    )
    assert found.scopes == ["read", "write"]
    assert found.token_auth_method == "client_secret_basic"
    assert found.allowed_hosts == ["127.0.0.1"]
    assert found.iss_parameter_supported is True
    assert found.issuer == server.url

    # Through the page: the form is pre-filled, typed values survive, nothing is saved yet.
    page = _discover_page(signed_in, topping, server.url, name="Local IdP", key="local_idp")
    assert page.status_code == 200
    assert not Service.objects.filter(key="local_idp").exists()
    body = page.content.decode()
    assert f'value="{server.url}/token"' in body and 'value="Local IdP"' in body
    assert "Review the fields" in body

    service = _create_from_issuer(signed_in, topping, server.url)
    assert service.auth_type == "oauth2" and service.grant_type == "authorization_code"
    assert service.authorize_url == f"{server.url}/authorize"
    assert service.token_url == service.refresh_url == f"{server.url}/token"
    assert service.revoke_url == f"{server.url}/revoke"
    assert [s.name for s in service.scope_list()] == ["read", "write"]
    assert service.token_auth_method == "client_secret_basic"
    assert service.allowed_hosts == ["127.0.0.1"]
    assert service.issuer == server.url
    assert service.authorization_response_iss_parameter_supported is True
    assert service.client_secret == DEFAULT_CLIENT_SECRET


@pytest.mark.parametrize(
    ("supported", "chosen"),
    [
        (["client_secret_post", "client_secret_basic"], "client_secret_basic"),
        (["client_secret_post"], "client_secret_post"),
        (["none"], "none"),
        (None, "client_secret_basic"),  # RFC 8414 2: absent means client_secret_basic
    ],
)
def test_discovery_picks_the_client_authentication(supported, chosen, server):
    server.metadata_overrides = {"token_endpoint_auth_methods_supported": supported}
    found = discovery.discover(server.url)
    assert found.token_auth_method == chosen and not found.warnings


def test_an_unsupported_client_authentication_is_a_warning(server):
    server.metadata_auth_methods = ["private_key_jwt"]
    found = discovery.discover(server.url)
    assert found.token_auth_method == "client_secret_basic"
    assert "private_key_jwt" in found.warnings[0]


def test_rfc8414_fallback_puts_the_well_known_segment_after_the_host(server):
    server.metadata_documents = {"oauth-authorization-server"}
    issuer = server.issuer = server.url + "/tenants/acme"
    found = discovery.discover(issuer)
    assert found.issuer == issuer
    assert found.metadata_url == server.url + "/.well-known/oauth-authorization-server/tenants/acme"
    assert server.metadata_requests == [
        "/tenants/acme/.well-known/openid-configuration",
        "/.well-known/oauth-authorization-server/tenants/acme",
    ]


def test_metadata_urls():
    assert discovery.metadata_urls("https://id.example.com") == [
        "https://id.example.com/.well-known/openid-configuration",
        "https://id.example.com/.well-known/oauth-authorization-server",
    ]
    assert discovery.metadata_urls("https://id.example.com/t/1") == [
        "https://id.example.com/t/1/.well-known/openid-configuration",
        "https://id.example.com/.well-known/oauth-authorization-server/t/1",
    ]


def test_a_metadata_issuer_mismatch_is_refused(signed_in, topping, server):
    server.metadata_overrides = {"issuer": "https://evil.example.com"}
    with pytest.raises(discovery.DiscoveryError, match="different issuer"):
        discovery.discover(server.url)
    # Exactly equal: not even a trailing slash is forgiven.
    server.metadata_overrides = {}
    with pytest.raises(discovery.DiscoveryError, match="different issuer"):
        discovery.discover(server.url + "/")

    server.metadata_overrides = {"issuer": "https://evil.example.com"}
    page = _discover_page(signed_in, topping, server.url, name="Evil", key="evil")
    assert page.status_code == 200
    body = page.content.decode()
    assert "different issuer" in body
    assert "https://evil.example.com" not in page.context["form"].initial.get("issuer", "")
    assert f"{server.url}/token" not in body


def test_no_metadata_is_refused(server):
    server.metadata_documents = set()
    with pytest.raises(discovery.DiscoveryError, match="No authorization server metadata"):
        discovery.discover(server.url)


@pytest.mark.parametrize(
    "member", ["authorization_endpoint", "token_endpoint", "revocation_endpoint"]
)
def test_a_non_https_endpoint_is_refused_for_a_host_not_allowlisted(member, server):
    server.metadata_overrides = {member: "http://login.example.com/endpoint"}
    with pytest.raises(discovery.DiscoveryError, match="plain http"):
        discovery.discover(server.url)


def test_https_endpoints_elsewhere_are_accepted_and_allowed(server):
    server.metadata_overrides = {"revocation_endpoint": "https://revoke.example.com/oauth/revoke"}
    found = discovery.discover(server.url)
    assert found.revoke_url == "https://revoke.example.com/oauth/revoke"
    assert found.allowed_hosts == ["127.0.0.1", "revoke.example.com"]


def test_a_plain_http_issuer_is_refused_before_any_request(server):
    with pytest.raises(discovery.DiscoveryError, match="plain http"):
        discovery.discover("http://login.example.com")
    assert not server.metadata_requests


def test_other_schemes_are_refused(server):
    with pytest.raises(discovery.DiscoveryError, match="https"):
        discovery.discover("ftp://login.example.com")
    server.metadata_overrides = {"token_endpoint": "javascript:alert(1)"}
    with pytest.raises(discovery.DiscoveryError, match="token endpoint"):
        discovery.discover(server.url)


def test_discovery_goes_through_the_broker(oauth_server, settings):
    """Without the operator's allowlist the loopback issuer is refused by the broker."""
    settings.CONSOLE_OUTBOUND_ALLOWLIST = []
    https_issuer = "https://127.0.0.1:1"
    with pytest.raises(discovery.DiscoveryError, match="could not be fetched"):
        discovery.discover(https_issuer)
    assert not oauth_server.metadata_requests


# --- RFC 9207: iss on the authorization response ---------------------------------------------


def test_a_callback_without_iss_is_refused_when_the_metadata_advertises_it(
    signed_in, topping, server
):
    server.issuer = server.url
    service = _create_from_issuer(signed_in, topping, server.url)
    assert service.authorization_response_iss_parameter_supported
    params = _consent(signed_in, topping, service)
    assert params["iss"] == server.url
    del params["iss"]  # as a mix-up attacker's authorization server would answer
    response = _callback(signed_in, params)
    assert response.status_code == 400
    assert "no issuer (iss)" in response.content.decode()
    assert not server.token_requests
    connection = Connection.objects.get(link_name="idp")
    assert not connection.credentials.filter(status=Credential.Status.CONNECTED).exists()


def test_an_error_answer_without_iss_is_refused_too(signed_in, topping, server):
    server.metadata_overrides = {"authorization_response_iss_parameter_supported": True}
    service = _create_from_issuer(signed_in, topping, server.url)
    server.deny_next = True
    params = _consent(signed_in, topping, service)
    assert params["error"] == "access_denied" and "iss" not in params
    body = _callback(signed_in, params).content.decode()
    assert "no issuer (iss)" in body


def test_with_iss_it_connects(signed_in, topping, server):
    server.issuer = server.url
    service = _create_from_issuer(signed_in, topping, server.url)
    params = _consent(signed_in, topping, service)
    assert params["iss"] == server.url
    response = _callback(signed_in, params)
    assert response.status_code == 302
    credential = Connection.objects.get(link_name="idp").credentials.get()
    assert credential.status == Credential.Status.CONNECTED
    exchange = server.token_requests[-1]
    assert exchange["auth_method"] == "client_secret_basic" and exchange["status"] == 200


def test_a_wrong_iss_is_still_refused(signed_in, topping, server):
    server.issuer = server.url
    service = _create_from_issuer(signed_in, topping, server.url)
    params = _consent(signed_in, topping, service)
    response = _callback(signed_in, {**params, "iss": server.url + "/"})
    assert response.status_code == 400
    assert "different authorization server" in response.content.decode()
    assert not server.token_requests


def test_without_the_flag_a_missing_iss_is_accepted(signed_in, topping, server):
    service = _create_from_issuer(signed_in, topping, server.url)
    assert not service.authorization_response_iss_parameter_supported
    params = _consent(signed_in, topping, service)
    assert "iss" not in params
    assert _callback(signed_in, params).status_code == 302
