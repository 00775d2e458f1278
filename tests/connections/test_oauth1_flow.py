"""OAuth 1.0a three-legged connect through the views, against a real provider on loopback."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.db import connection as db
from django.test import Client
from django.urls import reverse

from connections.models import AuthType, Connection, Credential, OAuthFlow
from connections.services import send
from tests.connections.oauth1_server import (
    CALLBACK,
    CONSUMER_KEY,
    CONSUMER_SECRET,
    OAuth1TestServer,
)


@pytest.fixture
def provider():
    with OAuth1TestServer() as server:
        yield server
    assert not server.errors, "the OAuth 1.0a test server crashed:\n" + "\n".join(server.errors)


@pytest.fixture
def oauth1_service(make_service, provider, loopback_allowed):
    url = provider.url
    return make_service(
        "legacy_books",
        AuthType.OAUTH1,
        url,
        request_token_url=f"{url}/request_token",
        authorize_url=f"{url}/authorize",
        token_url=f"{url}/access_token",
        client_id=CONSUMER_KEY,
        client_secret=CONSUMER_SECRET,
    )


@pytest.fixture
def signed_in(client, owner):
    client.force_login(owner)
    return client


def _create_and_connect(client, topping, service) -> str:
    response = client.post(
        reverse("connections:create", args=[topping.namespace, service.key]),
        {"name": "Legacy Books", "link_name": "legacy", "connect": "1"},
    )
    assert response.status_code == 302, response.content
    return response["Location"]


def _approve(provider_url: str) -> dict[str, str]:
    """Consent at the provider; return the query it sends the browser back with."""
    answer = requests.get(provider_url + "&auto=1", allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    location = answer.headers["Location"]
    assert location.startswith(CALLBACK)
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def test_three_legged_connect_then_signed_call(signed_in, topping, oauth1_service, provider):
    provider_url = _create_and_connect(signed_in, topping, oauth1_service)
    assert provider_url.startswith(provider.url + "/authorize?oauth_token=")
    request_token = parse_qs(urlsplit(provider_url).query)["oauth_token"][0]
    assert provider.request_tokens[request_token]["callback"] == CALLBACK
    assert Connection.objects.get(link_name="legacy").status_for(None) == "not_connected"

    returned = _approve(provider_url)
    assert returned["oauth_token"] == request_token and returned["oauth_verifier"]
    response = signed_in.get(reverse("connections:oauth1_callback"), returned)
    connection = Connection.objects.get(link_name="legacy")
    assert response.status_code == 302
    assert response["Location"] == connection.get_absolute_url()

    credential = connection.credentials.get()
    assert credential.status == Credential.Status.CONNECTED
    access_token = credential.secrets.access_token
    assert access_token in provider.access_tokens
    assert credential.secrets.token_secret == provider.access_tokens[access_token]["secret"]
    assert provider.request_tokens[request_token]["used"]  # exchanged once, then spent
    with db.cursor() as cursor:
        cursor.execute("SELECT secret_data FROM connections_credential")
        stored = json.dumps([row[0] for row in cursor.fetchall()])
    assert access_token not in stored and credential.secrets.token_secret not in stored
    assert "Connected" in signed_in.get(connection.get_absolute_url()).content.decode()

    # "Create and Connect" authorizes the sandbox credential, which sandbox runs use.
    assert connection.credentials.get().environment == "sandbox"
    answer = send.send("legacy", "GET", "resource?page=2", topping=topping, environment="sandbox")
    assert answer.status == 200
    assert answer.json() == {"user": "alice", "method": "GET", "query": {"page": "2"}}
    assert provider.resource_calls == [{"user": "alice", "method": "GET", "query": {"page": "2"}}]
    assert access_token not in json.dumps(answer.record.to_dict())


def test_callback_is_single_use_and_bound_to_the_session(
    signed_in, topping, oauth1_service, provider, teammate
):
    returned = _approve(_create_and_connect(signed_in, topping, oauth1_service))
    other = Client()
    other.force_login(teammate)
    refused = other.get(reverse("connections:oauth1_callback"), returned)
    assert refused.status_code == 400
    assert provider.counters["/access_token"] == 0
    assert signed_in.get(reverse("connections:oauth1_callback"), returned).status_code == 302
    replay = signed_in.get(reverse("connections:oauth1_callback"), returned)
    assert replay.status_code == 400 and "already used" in replay.content.decode()
    assert provider.counters["/access_token"] == 1


def test_a_wrong_verifier_is_refused_by_the_provider(signed_in, topping, oauth1_service, provider):
    returned = _approve(_create_and_connect(signed_in, topping, oauth1_service))
    returned["oauth_verifier"] = "x" * len(returned["oauth_verifier"])
    response = signed_in.get(reverse("connections:oauth1_callback"), returned)
    assert response.status_code == 400
    assert "refused" in response.content.decode()
    assert provider.requests[-1] == ("/access_token", 401)
    assert not Credential.objects.filter(status=Credential.Status.CONNECTED).exists()


def test_denied_consent_is_shown_in_words(signed_in, topping, oauth1_service, provider):
    provider_url = _create_and_connect(signed_in, topping, oauth1_service)
    token = parse_qs(urlsplit(provider_url).query)["oauth_token"][0]
    answer = requests.post(
        provider.url + "/authorize",
        {"oauth_token": token, "decision": "deny"},
        allow_redirects=False,
        timeout=10,
    )
    returned = {k: v[0] for k, v in parse_qs(urlsplit(answer.headers["Location"]).query).items()}
    response = signed_in.get(reverse("connections:oauth1_callback"), returned)
    assert response.status_code == 400
    assert "did not authorize" in response.content.decode()
    assert provider.counters["/access_token"] == 0


def test_provider_that_ignores_the_callback_is_refused(
    signed_in, topping, oauth1_service, provider
):
    provider.confirm_callback = False  # an OAuth 1.0 (not 1.0a) answer
    landing = _create_and_connect(signed_in, topping, oauth1_service)
    assert landing == Connection.objects.get(link_name="legacy").get_absolute_url()
    page = signed_in.get(landing).content.decode()
    assert "did not confirm the callback" in page
    assert not OAuthFlow.objects.exists()
