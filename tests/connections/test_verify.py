"""Test connection: the service's verification request, made with one environment's
credential, its answer shown on the details page; and the custom-service form around it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from connections.models import AuthType, Credential, Service
from connections.services import manage, verify
from tests.connections.fixtures import CANARY, connect_by_code


def _test(client, connection, environment="production"):
    url = reverse("connections:test", args=[connection.topping.namespace, connection.link_name])
    return client.post(f"{url}?environment={environment}")


def _card(response, environment="production") -> str:
    body = response.content.decode()
    return body.split(f'id="auth-{environment}"')[1].split("</section>")[0]


@pytest.fixture
def whoami(make_service, make_connection, echo_server, loopback_allowed, owner):
    service = make_service(
        "whoami",
        AuthType.BEARER,
        echo_server.url,
        verify={"method": "GET", "url": f"{echo_server.url}/me", "body": None,
                "description": "the authorized user"},
    )  # fmt: skip
    connection = make_connection(service, "whoami")
    manage.connect_with_values(connection, values={"token": CANARY}, user=owner)
    return connection


def test_the_verification_request_goes_out_with_the_environments_credential(
    whoami, owner, echo_server
):
    result = verify.verify(whoami, user=owner, environment="production")
    assert result.ok and result.status == 200
    assert result.summary == "It works: HTTP 200, the authorized user."
    request = echo_server.requests[-1]
    assert (request["method"], request["path"]) == ("GET", "/me")
    assert request["headers"]["authorization"] == f"Bearer {CANARY}"
    # The provider echoed the token back: the page never shows it.
    assert CANARY not in result.excerpt and '"path": "/me"' in result.excerpt


def test_an_unauthorized_environment_makes_no_request(whoami, owner, echo_server):
    result = verify.verify(whoami, user=owner, environment="sandbox")
    assert not result.ok and "not connected in sandbox" in result.summary
    assert echo_server.requests == []


def test_a_refused_credential_is_reported_with_the_providers_answer(whoami, owner, echo_server):
    echo_server.statuses.append(403)
    result = verify.verify(whoami, user=owner)
    assert not result.ok and result.status == 403
    assert "HTTP 403" in result.summary and result.excerpt


def test_a_service_without_a_verification_says_so(make_service, make_connection, owner):
    service = make_service("plain", AuthType.BEARER, "https://api.example.com")
    result = verify.verify(make_connection(service, "plain"), user=owner)
    assert not result.ok and "declares no verification request" in result.summary


def test_the_page_shows_the_button_and_the_answer_in_the_environments_card(
    whoami, owner, client_for
):
    client = client_for(owner)
    page = client.get(whoami.get_absolute_url()).content.decode()
    test_url = reverse("connections:test", args=[whoami.topping.namespace, "whoami"])
    production = page.split('id="auth-production"')[1].split("</section>")[0]
    sandbox = page.split('id="auth-sandbox"')[1].split("</section>")[0]
    assert f"{test_url}?environment=production" in production
    assert test_url not in sandbox  # not connected there: nothing to test
    response = _test(client, whoami)
    assert response.status_code == 200
    card = _card(response)
    assert "It works: HTTP 200, the authorized user." in card and "test-ok" in card
    assert CANARY not in response.content.decode()


def test_strangers_cannot_test_a_connection(whoami, stranger, client_for, echo_server):
    assert _test(client_for(stranger), whoami).status_code == 404
    assert echo_server.requests == []


def test_test_connection_is_post_only(whoami, owner, client_for, echo_server):
    url = reverse("connections:test", args=[whoami.topping.namespace, "whoami"])
    assert client_for(owner).get(url).status_code == 405
    assert echo_server.requests == []


def test_a_verification_url_off_the_allowed_hosts_is_refused_by_the_broker(
    make_service, make_connection, echo_server, loopback_allowed, owner
):
    service = make_service(
        "sneaky",
        AuthType.BEARER,
        echo_server.url,
        verify={"method": "GET", "url": "https://attacker.example.com/steal"},
    )
    connection = make_connection(service, "sneaky")
    manage.connect_with_values(connection, values={"token": CANARY}, user=owner)
    result = verify.verify(connection, user=owner)
    assert not result.ok and "The request failed" in result.summary
    assert echo_server.requests == []


def test_every_catalog_service_declares_a_verification_on_its_allowed_hosts(db):
    from connections.broker.addresses import host_matches
    from connections.schemas import PLACEHOLDER_RE

    services = list(Service.objects.default())
    assert len(services) >= 120
    for service in services:
        check = service.verification()
        assert check is not None, service.key
        host = PLACEHOLDER_RE.sub("example", check.url).split("/")[2].split(":")[0]
        hosts = [PLACEHOLDER_RE.sub("example", h) for h in service.allowed_hosts]
        assert host_matches(host, tuple(hosts)), (service.key, host)


def test_a_custom_service_from_discovery_verifies_against_the_userinfo_endpoint(
    topping, owner, client_for, oauth_server, loopback_allowed
):
    """Discovery fills the test request from ``userinfo_endpoint``; the connection then
    authorizes at the loopback provider and Test connection asks it who the user is."""
    client = client_for(owner)
    url = reverse("connections:custom_service_create", args=[topping.namespace])
    page = client.post(url, {"discover": "1", "issuer_url": oauth_server.url})
    form = page.context["form"]
    assert form.initial["verify_url"] == f"{oauth_server.url}/api/me"
    data = {
        **{k: v for k, v in form.initial.items() if isinstance(v, str)},
        "name": "IdP", "key": "idp", "auth_type": "oauth2", "client_id": "console-client",
        "client_secret_input": "console-secret", "scope_delimiter": " ", "param_type": "header",
        "default_scopes_text": "read", "save": "1",
        "authorization_response_iss_parameter_supported": "",
        "api_base_url": f"{oauth_server.url}/api",
    }  # fmt: skip
    saved = client.post(url, data)
    assert saved.status_code == 302, saved.context["form"].errors
    service = Service.objects.get(topping=topping, key="idp")
    assert service.verify == {"method": "GET", "url": f"{oauth_server.url}/api/me", "body": None}
    connection = manage.create_connection(
        topping, service, name="IdP", link_name="idp", scopes=["read"], user_level=False,
        url_values={}, user=owner,
    )  # fmt: skip
    connect_by_code(connection, oauth_server, owner, environment="sandbox")
    result = verify.verify(connection, user=owner, environment="sandbox")
    assert result.ok, result.summary
    assert '"client_id": "console-client"' in result.excerpt
    assert oauth_server.api_requests[-1]["valid"] is True


# The custom-service form: only the chosen type's fields count -------------------------------


def _service_form(client, topping, **fields):
    data = {
        "name": "Keys",
        "key": "keys",
        "auth_type": "api_key",
        "param_type": "query",
        "key_params_text": "key | API key",
        "api_base_url": "https://api.keys.example.com/v1",
        **fields,
    }
    return client.post(reverse("connections:custom_service_create", args=[topping.namespace]), data)


def test_fields_of_other_auth_types_are_neither_checked_nor_kept(topping, owner, client_for):
    response = _service_form(
        client_for(owner),
        topping,
        token_url="ftp://not-checked.example.com",  # would be refused on an OAuth service
        authorize_url="https://auth.example.com/authorize",
        scopes_text="read",
        client_id="stale",
    )
    assert response.status_code == 302
    service = Service.objects.get(key="keys")
    assert (service.token_url, service.authorize_url, service.client_id) == ("", "", "")
    assert service.scopes == []


def test_the_form_marks_each_field_with_its_auth_types(topping, owner, client_for):
    body = (
        client_for(owner)
        .get(reverse("connections:custom_service_create", args=[topping.namespace]))
        .content.decode()
    )
    assert 'data-auth-types="oauth2 oauth1"><div class="field' in body
    assert 'data-auth-types="oauth1"' in body and 'data-auth-types="api_key"' in body
    assert "authfields.js" in body
    assert '<label for="id_token_url">Token URL</label>' in body


def test_a_relative_test_request_is_joined_to_the_api_base_url(topping, owner, client_for):
    assert _service_form(client_for(owner), topping, verify_url="me").status_code == 302
    service = Service.objects.get(key="keys")
    assert service.verify["url"] == "https://api.keys.example.com/v1/me"


@pytest.mark.parametrize("value", ["ftp://api.keys.example.com/me", "//evil.example.com/me"])
def test_a_test_request_url_must_be_https_or_a_path(topping, owner, client_for, value):
    response = _service_form(client_for(owner), topping, verify_url=value)
    assert response.status_code == 200 and response.context["form"].errors["verify_url"]


# Editing a connection cannot clear its scopes ------------------------------------------------


def test_scopes_cannot_be_cleared_on_edit(make_connection, oauth_service, owner, client_for):
    connection = make_connection(oauth_service, "books", scopes=["read"])
    url = reverse("connections:edit", args=[connection.topping.namespace, "books"])
    response = client_for(owner).post(url, {"name": "Books"})
    assert response.status_code == 200
    assert "Keep at least one scope" in response.content.decode()
    connection.refresh_from_db()
    assert connection.scopes == ["read"]
    assert client_for(owner).post(url, {"name": "Books", "scopes": ["write"]}).status_code == 302
    connection.refresh_from_db()
    assert connection.scopes == ["write"]
    assert not Credential.objects.filter(connection=connection).exists()
