"""The authorization-code flow through the browser-facing views, against a real server."""

from __future__ import annotations

import base64
import hashlib
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.urls import reverse

from connections.models import Connection, Credential, OAuthFlow, Service
from connections.services import tokens

CALLBACK = "http://testserver/connections/oauth/callback/"


def _start(client, topping, oauth_service, link="books", **fields):
    """Create and Connect from the form; return the provider URL the console redirected to."""
    response = client.post(
        reverse("connections:create", args=[topping.namespace, oauth_service.key]),
        {"name": "Books", "link_name": link, "scopes": ["read", "write"], "connect": "1", **fields},
    )
    assert response.status_code == 302, response.content
    return response["Location"]


def _consent(provider_url: str) -> dict[str, str]:
    """Approve at the provider and return the query it redirects back with."""
    answer = requests.get(provider_url + "&auto=1", allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    location = answer.headers["Location"]
    assert location.startswith(CALLBACK)
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def _callback(client, params):
    return client.get(reverse("connections:oauth_callback"), params)


@pytest.fixture
def signed_in(client, owner):
    client.force_login(owner)
    return client


def test_full_authorization_code_flow(signed_in, topping, oauth_service, oauth_server):
    provider_url = _start(signed_in, topping, oauth_service)
    query = parse_qs(urlsplit(provider_url).query)
    assert provider_url.startswith(oauth_server.url + "/authorize")
    assert query["redirect_uri"] == [CALLBACK]
    assert query["code_challenge_method"] == ["S256"]
    assert query["scope"] == ["read write"]

    response = _callback(signed_in, _consent(provider_url))
    connection = Connection.objects.get(link_name="books")
    assert response.status_code == 302
    assert response["Location"] == connection.get_absolute_url()
    credential = connection.credentials.get()
    assert credential.status == Credential.Status.CONNECTED
    assert credential.secrets.access_token in oauth_server.access_tokens
    assert credential.secrets.refresh_token
    assert credential.expires_at is not None

    token_request = oauth_server.token_requests[-1]
    verifier = token_request["params"]["code_verifier"]
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=")
    assert query["code_challenge"] == [challenge.decode()]
    assert token_request["params"]["redirect_uri"] == CALLBACK

    page = signed_in.get(connection.get_absolute_url()).content.decode()
    assert "Connected" in page
    for tab in ("Deluge", "JSON", "Python", "cURL"):
        assert f">{tab}</button>" in page


@pytest.mark.parametrize("case", ["missing", "wrong", "reused", "other_session"])
def test_bad_state_is_rejected_without_token_request(
    case, signed_in, topping, oauth_service, oauth_server, client_for, teammate
):
    params = _consent(_start(signed_in, topping, oauth_service))
    if case == "missing":
        del params["state"]
    elif case == "wrong":
        params["state"] = "forged-" + params["state"]
    elif case == "reused":
        assert _callback(signed_in, params).status_code == 302
        oauth_server.token_requests.clear()
    else:
        from django.test import Client

        other = Client()
        other.force_login(topping.memberships.first().user)
        response = _callback(other, params)
        assert response.status_code == 400
        assert not oauth_server.token_requests
        return
    response = _callback(signed_in, params)
    assert response.status_code == 400
    assert not oauth_server.token_requests
    if case == "reused":
        assert "already used" in response.content.decode()


def test_expired_flow_is_rejected(signed_in, topping, oauth_service, oauth_server):
    params = _consent(_start(signed_in, topping, oauth_service))
    from datetime import timedelta

    from django.utils import timezone

    OAuthFlow.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = _callback(signed_in, params)
    assert response.status_code == 400
    assert "10 minutes" in response.content.decode()
    assert not oauth_server.token_requests


def test_issuer_mismatch_is_rejected(signed_in, topping, oauth_service, oauth_server):
    oauth_server.issuer = "https://evil.example.com"
    params = _consent(_start(signed_in, topping, oauth_service))
    assert params["iss"] == "https://evil.example.com"
    response = _callback(signed_in, params)
    assert response.status_code == 400
    assert "different authorization server" in response.content.decode()
    assert not oauth_server.token_requests


def test_matching_issuer_is_accepted(signed_in, topping, oauth_service, oauth_server):
    oauth_server.issuer = oauth_server.url
    params = _consent(_start(signed_in, topping, oauth_service))
    assert _callback(signed_in, params).status_code == 302
    assert Credential.objects.get().status == Credential.Status.CONNECTED


def test_provider_error_is_shown_in_words(signed_in, topping, oauth_service, oauth_server):
    oauth_server.deny_next = True
    params = _consent(_start(signed_in, topping, oauth_service))
    assert params["error"] == "access_denied"
    body = _callback(signed_in, params).content.decode()
    assert "denied" in body
    assert "{" not in body.split("flash-error")[1].split("</p>")[0]


def test_token_endpoint_error_is_shown_in_words(signed_in, topping, oauth_service, oauth_server):
    params = _consent(_start(signed_in, topping, oauth_service))
    oauth_server.next_token_error = "invalid_grant"
    body = _callback(signed_in, params).content.decode()
    assert "invalid_grant" in body
    assert Credential.objects.filter(status=Credential.Status.CONNECTED).count() == 0


def test_redirect_uri_is_exact(signed_in, topping, oauth_service, oauth_server):
    params = _consent(_start(signed_in, topping, oauth_service))
    flow = OAuthFlow.objects.get()
    assert flow.redirect_uri == CALLBACK
    _callback(signed_in, params)
    assert oauth_server.token_requests[-1]["params"]["redirect_uri"] == flow.redirect_uri


URL_FIELDS = ("token_url", "refresh_url", "revoke_url", "api_base_url")


@pytest.mark.parametrize("shop", ["mine.myshopify.com", "evil.example", "evil.example/x?"])
def test_callback_parameters_never_change_url_values(
    shop, signed_in, topping, oauth_service, oauth_server
):
    url = oauth_server.url
    Service.objects.filter(pk=oauth_service.pk).update(
        api_base_url=f"{url}/api/{{shop}}",
        refresh_url=f"{url}/token/{{shop}}",
        revoke_url=f"{url}/revoke/{{shop}}",
        url_params=[{"name": "shop", "label": "Shop"}],
    )
    provider_url = _start(signed_in, topping, oauth_service, url_shop="mine")
    connection = Connection.objects.get(link_name="books")
    before = [tokens.fill_url(getattr(connection.service, f), connection) for f in URL_FIELDS]
    response = _callback(signed_in, {**_consent(provider_url), "shop": shop, "Shop": shop})
    assert response.status_code == 302
    connection = Connection.objects.select_related("service").get(link_name="books")
    assert connection.url_values == {"shop": "mine"}
    assert [tokens.fill_url(getattr(connection.service, f), connection) for f in URL_FIELDS] == (
        before
    )
    assert connection.credentials.get().status == Credential.Status.CONNECTED


@pytest.fixture
def realm_service(oauth_service, oauth_server):
    """The local service shaped like QuickBooks: realmId arrives on the redirect."""
    quickbooks = Service.objects.get(key="quickbooks", topping__isnull=True)
    Service.objects.filter(pk=oauth_service.pk).update(
        api_base_url=f"{oauth_server.url}/v3/company/{{realm_id}}",
        url_params=quickbooks.url_params,
    )
    oauth_service.refresh_from_db()
    return oauth_service


@pytest.mark.parametrize("realm", ["../../evil", "123?x=1", "evil.example", "12 34", "9/1"])
def test_callback_realm_id_that_fails_its_pattern_is_refused(
    realm, signed_in, topping, realm_service, oauth_server
):
    params = _consent(_start(signed_in, topping, realm_service))
    response = _callback(signed_in, {**params, "realmId": realm})
    assert response.status_code == 400
    connection = Connection.objects.get(link_name="books")
    assert connection.url_values == {}
    assert not connection.credentials.filter(status=Credential.Status.CONNECTED).exists()
    assert not oauth_server.token_requests


def test_callback_realm_id_fills_an_empty_value_and_never_overwrites_it(
    signed_in, topping, realm_service, oauth_server
):
    params = _consent(_start(signed_in, topping, realm_service))
    assert _callback(signed_in, {**params, "realmId": "9130355"}).status_code == 302
    connection = Connection.objects.select_related("service").get(link_name="books")
    assert connection.url_values == {"realm_id": "9130355"}
    assert tokens.fill_url(realm_service.api_base_url, connection).endswith("/company/9130355")

    response = signed_in.post(reverse("connections:connect", args=[topping.namespace, "books"]))
    params = _consent(response["Location"])
    assert _callback(signed_in, {**params, "realmId": "4620816365152071560"}).status_code == 302
    connection.refresh_from_db()
    assert connection.url_values == {"realm_id": "9130355"}
