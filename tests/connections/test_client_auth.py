"""Client authentication per service (issue 12): client_secret_basic, client_secret_post, none.

The loopback server's clients accept only their registered method, so a console that sends
the secret the wrong way is refused with ``invalid_client`` just as a strict provider would.
"""

from __future__ import annotations

import base64
from urllib.parse import parse_qs, unquote_plus, urlsplit

import pytest
import requests
from django.urls import reverse

from connections.models import Connection, Credential, Service
from connections.services import manage, tokens
from tests.connections.oauth_server import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET

CALLBACK = "http://testserver/connections/oauth/callback/"


@pytest.fixture
def signed_in(client, owner):
    client.force_login(owner)
    return client


def _use(service: Service, method: str, **fields) -> Service:
    Service.objects.filter(pk=service.pk).update(token_auth_method=method, **fields)
    service.refresh_from_db()
    return service


def _connect(client, topping, service, link="books"):
    """Create and Connect through the views, approve at the provider, come back.

    Returns the connection, the consent URL the console sent the browser to, and the
    callback's response.
    """
    response = client.post(
        reverse("connections:create", args=[topping.namespace, service.key]),
        {"name": "Books", "link_name": link, "scopes": ["read"], "connect": "1"},
    )
    assert response.status_code == 302, response.content
    provider_url = response["Location"]
    answer = requests.get(provider_url + "&auto=1", allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    location = answer.headers["Location"]
    assert location.startswith(CALLBACK)
    params = {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}
    back = client.get(reverse("connections:oauth_callback"), params)
    connection = Connection.objects.select_related("service", "topping").get(link_name=link)
    return connection, provider_url, back


def _basic(request: dict) -> tuple[str, str] | None:
    header = request["headers"].get("Authorization", "")
    if not header.lower().startswith("basic "):
        return None
    user, _, password = base64.b64decode(header[6:]).decode().partition(":")
    return unquote_plus(user), unquote_plus(password)


def test_basic_only_client_connects_refreshes_and_revokes(
    signed_in, topping, oauth_service, oauth_server
):
    oauth_server.add_client(auth_methods=["client_secret_basic"])
    service = _use(oauth_service, "client_secret_basic")
    connection, _, response = _connect(signed_in, topping, service)
    assert response.status_code == 302
    credential = connection.credentials.get()
    assert credential.status == Credential.Status.CONNECTED

    exchange = oauth_server.token_requests[-1]
    assert exchange["grant_type"] == "authorization_code" and exchange["status"] == 200
    assert exchange["auth_method"] == "client_secret_basic"
    assert _basic(exchange) == (DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET)
    assert "client_secret" not in exchange["params"]

    old_access = credential.secrets.access_token
    refreshed = tokens.refresh(credential, force=True)
    assert refreshed.status == Credential.Status.CONNECTED
    assert refreshed.secrets.access_token != old_access
    renewal = oauth_server.token_requests[-1]
    assert renewal["grant_type"] == "refresh_token" and renewal["status"] == 200
    assert renewal["auth_method"] == "client_secret_basic"
    assert "client_secret" not in renewal["params"]

    assert manage.revoke(connection, user=None, environment="sandbox") == "revoked at the provider"
    revocation = oauth_server.revoke_requests[-1]
    assert _basic(revocation) == (DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET)
    assert "client_secret" not in revocation["params"]
    assert refreshed.secrets.refresh_token in oauth_server.revoked


def test_post_only_client_connects_and_refreshes(signed_in, topping, oauth_service, oauth_server):
    oauth_server.add_client(auth_methods=["client_secret_post"])
    service = _use(oauth_service, "client_secret_post")
    connection, _, response = _connect(signed_in, topping, service)
    assert response.status_code == 302
    credential = connection.credentials.get()
    assert credential.status == Credential.Status.CONNECTED
    exchange = oauth_server.token_requests[-1]
    assert exchange["auth_method"] == "client_secret_post"
    assert "Authorization" not in exchange["headers"]
    assert exchange["params"]["client_id"] == DEFAULT_CLIENT_ID
    assert exchange["params"]["client_secret"] == DEFAULT_CLIENT_SECRET

    refreshed = tokens.refresh(credential, force=True)
    assert refreshed.status == Credential.Status.CONNECTED
    renewal = oauth_server.token_requests[-1]
    assert renewal["grant_type"] == "refresh_token" and renewal["status"] == 200
    assert renewal["auth_method"] == "client_secret_post"


@pytest.mark.parametrize(
    ("registered", "sent"),
    [("client_secret_basic", "client_secret_post"), ("client_secret_post", "client_secret_basic")],
)
def test_the_wrong_method_is_refused_by_a_strict_provider(
    registered, sent, signed_in, topping, oauth_service, oauth_server
):
    oauth_server.add_client(auth_methods=[registered])
    service = _use(oauth_service, sent)
    connection, _, response = _connect(signed_in, topping, service)
    assert response.status_code == 400
    assert "invalid_client" in response.content.decode()
    request = oauth_server.token_requests[-1]
    assert request["auth_method"] == sent and request["status"] == 401
    assert not connection.credentials.filter(status=Credential.Status.CONNECTED).exists()


def test_public_client_sends_no_secret_and_uses_pkce(
    signed_in, topping, oauth_service, oauth_server
):
    oauth_server.add_client(client_secret=None)
    # The service still holds a secret and has PKCE switched off: "none" wins over both.
    service = _use(oauth_service, "none", pkce=False)
    connection, provider_url, response = _connect(signed_in, topping, service)
    assert response.status_code == 302
    query = parse_qs(urlsplit(provider_url).query)
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"]
    credential = connection.credentials.get()
    assert credential.status == Credential.Status.CONNECTED

    exchange = oauth_server.token_requests[-1]
    assert exchange["auth_method"] == "none" and exchange["status"] == 200
    assert "Authorization" not in exchange["headers"]
    assert "client_secret" not in exchange["params"]
    assert exchange["params"]["client_id"] == DEFAULT_CLIENT_ID
    assert exchange["params"]["code_verifier"]

    refreshed = tokens.refresh(credential, force=True)
    assert refreshed.status == Credential.Status.CONNECTED
    renewal = oauth_server.token_requests[-1]
    assert renewal["auth_method"] == "none" and renewal["status"] == 200
    assert "client_secret" not in renewal["params"]
    assert all(DEFAULT_CLIENT_SECRET not in str(r) for r in oauth_server.token_requests)


def test_basic_credentials_are_form_encoded_first(make_service, oauth_server, loopback_allowed):
    """RFC 6749 2.3.1: id and secret are form-urlencoded before the Basic encoding."""
    client_id, secret = "app id:1", "s3cr&t:+/%"
    oauth_server.add_client(
        client_id, secret, grant_types=["client_credentials"], auth_methods=["client_secret_basic"]
    )
    service = make_service(
        "machine",
        "oauth2",
        f"{oauth_server.url}/api",
        grant_type="client_credentials",
        token_url=f"{oauth_server.url}/token",
        client_id=client_id,
        client_secret=secret,
        token_auth_method="client_secret_basic",
    )
    connection = Connection(topping=service.topping, service=service, link_name="m")
    response = tokens.request_client_credentials(connection)
    assert response.access_token
    request = oauth_server.token_requests[-1]
    assert request["status"] == 200 and _basic(request) == (client_id, secret)


def test_the_form_offers_client_authentication(topping, owner, client_for):
    client = client_for(owner)
    url = reverse("connections:custom_service_create", args=[topping.namespace])
    page = client.get(url).content.decode()
    for method in ("client_secret_basic", "client_secret_post", "none"):
        assert f'value="{method}"' in page
    assert "HTTP Basic header" in page  # the help text
    assert 'value="client_secret_basic" selected' in page  # RFC 6749's default
    base = {
        "name": "Pub",
        "key": "pub",
        "auth_type": "oauth2",
        "grant_type": "authorization_code",
        "client_id": "cid",
        "authorize_url": "https://pub.example.com/authorize",
        "token_url": "https://pub.example.com/token",
        "param_type": "header",
        "scope_delimiter": " ",
    }
    # A confidential client still needs its secret; a public one does not.
    response = client.post(url, {**base, "token_auth_method": "client_secret_post"})
    assert response.status_code == 200
    assert "Required for OAuth" in response.content.decode()
    response = client.post(url, {**base, "token_auth_method": "none"})
    assert response.status_code == 302
    service = Service.objects.get(key="pub", topping=topping)
    assert (service.token_auth_method, service.client_secret, service.pkce) == ("none", "", True)
    # Without a choice, a new service uses client_secret_basic.
    response = client.post(url, {**base, "key": "conf", "client_secret_input": "s"})
    assert response.status_code == 302
    assert Service.objects.get(key="conf").token_auth_method == "client_secret_basic"


def test_client_credentials_refuse_a_public_client(topping, owner, client_for):
    response = client_for(owner).post(
        reverse("connections:custom_service_create", args=[topping.namespace]),
        {
            "name": "M2M",
            "key": "m2m",
            "auth_type": "oauth2",
            "grant_type": "client_credentials",
            "client_id": "cid",
            "token_url": "https://m2m.example.com/token",
            "token_auth_method": "none",
            "param_type": "header",
            "scope_delimiter": " ",
        },
    )
    assert response.status_code == 200
    assert "Client credentials need a client secret" in response.content.decode()
    assert not Service.objects.filter(key="m2m").exists()
