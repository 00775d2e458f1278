"""Key-based credentials, OAuth 1.0a signing, user-level connections, through ``send``."""

from __future__ import annotations

import base64

import pytest
from django.urls import reverse

from connections.models import AuthType, Credential
from connections.services import manage, send
from tests.connections.oauth_server import (
    OAUTH1_CONSUMER_KEY,
    OAUTH1_CONSUMER_SECRET,
    OAUTH1_TOKEN,
    OAUTH1_TOKEN_SECRET,
)


@pytest.mark.parametrize("param_type", ["header", "query", "form"])
def test_api_key_is_injected_where_the_service_says(
    param_type, make_service, make_connection, echo_server, loopback_allowed, owner
):
    service = make_service(
        "keyed",
        AuthType.API_KEY,
        echo_server.url,
        param_type=param_type,
        header_name="",
        api_key_params=[
            {
                "name": "X-Api-Key" if param_type == "header" else "api_key",
                "label": "Key",
                "param_type": param_type,
                "header_prefix": "",
            }
        ],
    )
    connection = make_connection(service, "keyed")
    name = service.api_key_params[0]["name"]
    manage.connect_with_values(connection, values={name: "k-123"}, user=owner)
    response = send.send("keyed", "POST", "/items", body={"a": "1"}, topping=connection.topping)
    seen = echo_server.requests[-1]
    where = {
        "header": seen["headers"].get("x-api-key"),
        "query": seen["query"].get("api_key"),
        "form": seen["form"].get("api_key"),
    }
    assert where[param_type] == "k-123"
    assert "k-123" not in str(response.record.to_dict())


def test_basic_credentials(make_service, make_connection, echo_server, loopback_allowed, owner):
    service = make_service("basic_api", AuthType.BASIC, echo_server.url)
    connection = make_connection(service, "basic_api")
    manage.connect_with_values(connection, values={"username": "ann", "password": "pw"}, user=owner)
    send.send("basic_api", "GET", "/", topping=connection.topping)
    header = echo_server.requests[-1]["headers"]["authorization"]
    assert header == "Basic " + base64.b64encode(b"ann:pw").decode()


def test_bearer_token(make_service, make_connection, echo_server, loopback_allowed, owner):
    service = make_service("pat", AuthType.BEARER, echo_server.url)
    connection = make_connection(service, "pat")
    manage.connect_with_values(connection, values={"token": "ghp_abc"}, user=owner)
    send.send("pat", "GET", "/", topping=connection.topping)
    assert echo_server.requests[-1]["headers"]["authorization"] == "Bearer ghp_abc"


def test_custom_headers_are_added(
    make_service, make_connection, echo_server, loopback_allowed, owner
):
    service = make_service("hdr", AuthType.BEARER, echo_server.url, custom_headers={"X-Org": "42"})
    connection = make_connection(service, "hdr")
    manage.connect_with_values(connection, values={"token": "t"}, user=owner)
    send.send("hdr", "GET", "/", topping=connection.topping)
    assert echo_server.requests[-1]["headers"]["x-org"] == "42"


def test_oauth1_requests_are_signed(
    make_service, make_connection, oauth1_server, loopback_allowed, owner
):
    service = make_service(
        "legacy",
        AuthType.OAUTH1,
        oauth1_server.url,
        client_id=OAUTH1_CONSUMER_KEY,
        client_secret=OAUTH1_CONSUMER_SECRET,
    )
    connection = make_connection(service, "legacy")
    credential = Credential.objects.create(
        connection=connection, status=Credential.Status.CONNECTED
    )
    from connections.schemas import Secrets

    credential.set_secrets(Secrets(access_token=OAUTH1_TOKEN, token_secret=OAUTH1_TOKEN_SECRET))
    credential.save()
    response = send.send("legacy", "GET", "/oauth1/resource", topping=connection.topping)
    assert response.status == 200
    assert response.json() == {"ok": True}
    # A wrong token secret produces a signature the server refuses.
    credential.set_secrets(Secrets(access_token=OAUTH1_TOKEN, token_secret="wrong"))
    credential.save()
    send.forget()
    assert send.send("legacy", "GET", "/oauth1/resource", topping=connection.topping).status == 401


def test_user_level_connection_uses_the_runners_credential(
    make_service, make_connection, echo_server, loopback_allowed, owner, teammate
):
    service = make_service("mine", AuthType.BEARER, echo_server.url)
    connection = make_connection(service, "mine", user_level=True)
    manage.connect_with_values(connection, values={"token": "owner-token"}, user=owner)
    send.send("mine", "GET", "/", topping=connection.topping, user=owner)
    assert echo_server.requests[-1]["headers"]["authorization"] == "Bearer owner-token"
    with pytest.raises(send.ConnectionUnusable, match=r"not connected for teammate@example\.com"):
        send.send("mine", "GET", "/", topping=connection.topping, user=teammate)


def test_teammate_does_not_see_owners_user_level_credential(
    make_service, make_connection, echo_server, loopback_allowed, owner, teammate, client_for
):
    service = make_service("mine", AuthType.BEARER, echo_server.url)
    connection = make_connection(service, "mine", user_level=True)
    manage.connect_with_values(connection, values={"token": "owner-token"}, user=owner)
    page = client_for(teammate).get(connection.get_absolute_url()).content.decode()
    assert "Not connected" in page
    assert "owner@example.com" not in page


def test_namespaced_reference_and_foreign_topping(
    make_service, make_connection, echo_server, loopback_allowed, owner, stranger
):
    from console import services as console_services

    service = make_service("pat", AuthType.BEARER, echo_server.url)
    connection = make_connection(service, "pat")
    manage.connect_with_values(connection, values={"token": "t"}, user=owner)
    assert send.send(connection.qualified_name, "GET", "/").status == 200
    other = console_services.create_topping(name="Other", user=stranger)
    with pytest.raises(send.ConnectionUnusable, match="does not belong"):
        send.send(connection.qualified_name, "GET", "/", topping=other)


def test_key_values_form_never_shows_values_again(
    make_service, make_connection, echo_server, loopback_allowed, owner, client_for
):
    service = make_service("pat", AuthType.BEARER, echo_server.url)
    connection = make_connection(service, "pat")
    client = client_for(owner)
    url = reverse("connections:credentials", args=[connection.topping.namespace, "pat"])
    response = client.post(url, {"token": "super-secret-value"})
    assert response.status_code == 302
    assert "super-secret-value" not in client.get(url).content.decode()
    assert "super-secret-value" not in client.get(connection.get_absolute_url()).content.decode()


def test_a_catalog_services_declared_headers_go_with_every_call(
    topping, owner, make_connection, echo_server, loopback_allowed
):
    from connections.catalog.loader import load_services
    from connections.models import Service

    entry = {
        "key": "revisioned", "name": "Revisioned", "category": "Marketing",
        "auth_type": "api_key", "api_base_url": echo_server.url, "allowed_hosts": ["127.0.0.1"],
        "param_type": "header", "header_name": "Authorization",
        "api_key_params": [{"name": "api_key", "label": "Key", "param_type": "header",
                            "header_prefix": "Klaviyo-API-Key "}],
        "custom_headers": {"revision": "2024-10-15"},
    }  # fmt: skip
    load_services(Service, entries=[entry])
    connection = make_connection(Service.objects.default().get(key="revisioned"), "rev")
    manage.connect_with_values(connection, values={"api_key": "pk_1"}, user=owner)
    send.send("rev", "GET", "/accounts", topping=topping)
    headers = echo_server.requests[-1]["headers"]
    assert headers["revision"] == "2024-10-15"
    assert headers["authorization"] == "Klaviyo-API-Key pk_1"
