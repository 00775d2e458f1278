"""Custom-service form and connection scopes (issue 12): extra authorize parameters, https
endpoints, granted scopes on the details page, and scope-less OAuth 2.0 connections."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from connections.forms import RESERVED_AUTHORIZE_PARAMS
from connections.models import AuthType, Connection, Service
from connections.services import flows, manage
from connections.services.credentials import save_connected
from connections.services.tokens import TokenResponse, store_tokens

CALLBACK = "http://testserver/connections/oauth/callback/"

ENDPOINTS = (
    "authorize_url",
    "token_url",
    "refresh_url",
    "revoke_url",
    "request_token_url",
    "api_base_url",
)


def _oauth_data(**fields) -> dict[str, str]:
    return {
        "name": "Acme",
        "key": "acme",
        "auth_type": "oauth2",
        "grant_type": "authorization_code",
        "client_id": "cid",
        "client_secret_input": "csecret",
        "authorize_url": "https://acme.example.com/oauth/authorize",
        "token_url": "https://acme.example.com/oauth/token",
        "param_type": "header",
        "scope_delimiter": " ",
        "scopes_text": "read\nwrite",
        "default_scopes_text": "read",
        "api_base_url": "https://api.acme.example.com/v1",
        **fields,
    }


def _post_service(client, topping, **fields):
    url = reverse("connections:custom_service_create", args=[topping.namespace])
    if "request_token_url" in fields:  # an OAuth 1.0a field: the others' forms ignore it
        fields.setdefault("auth_type", "oauth1")
    return client.post(url, _oauth_data(**fields))


def _field_errors(response, name: str) -> list[str]:
    return list(response.context["form"].errors.get(name, []))


# 1. Extra authorize parameters ----------------------------------------------------------------


def test_extra_authorize_params_are_saved_and_sent_on_the_authorize_url(topping, owner, client_for):
    client = client_for(owner)
    text = "prompt=consent\naccess_type=offline\n\naudience = https://api.example.com"
    response = _post_service(client, topping, authorize_params_text=text)
    assert response.status_code == 302, response.content.decode()
    service = Service.objects.get(topping=topping, key="acme")
    assert service.authorize_params == {
        "prompt": "consent",
        "access_type": "offline",
        "audience": "https://api.example.com",
    }
    connection = manage.create_connection(
        topping,
        service,
        name="Acme",
        link_name="acme",
        scopes=["read"],
        user_level=False,
        url_values={},
        user=owner,
    )
    url = flows.start(connection, user=owner, session_key="session", redirect_uri=CALLBACK)
    assert url.startswith("https://acme.example.com/oauth/authorize?")
    query = parse_qs(urlsplit(url).query)
    assert query["prompt"] == ["consent"]
    assert query["access_type"] == ["offline"]
    assert query["audience"] == ["https://api.example.com"]
    assert query["client_id"] == ["cid"] and query["scope"] == ["read"]
    edit = client.get(reverse("connections:custom_service_edit", args=[topping.namespace, "acme"]))
    assert "access_type=offline" in edit.content.decode()


@pytest.mark.parametrize("line", ["prompt", "=consent", "bad name=1"])
def test_malformed_authorize_param_line_is_refused(topping, owner, client_for, line):
    response = _post_service(client_for(owner), topping, authorize_params_text=line)
    assert response.status_code == 200
    assert any("name=value" in e for e in _field_errors(response, "authorize_params_text"))
    assert not Service.objects.filter(key="acme").exists()


@pytest.mark.parametrize("name", [*sorted(RESERVED_AUTHORIZE_PARAMS), "Redirect_URI"])
def test_reserved_authorize_params_are_refused(topping, owner, client_for, name):
    response = _post_service(
        client_for(owner), topping, authorize_params_text=f"prompt=login\n{name}=x"
    )
    assert response.status_code == 200
    errors = _field_errors(response, "authorize_params_text")
    assert errors == [f"{name} is set by the console and cannot be changed here."]
    assert not Service.objects.filter(key="acme").exists()


# 2. Granted scopes on the details page --------------------------------------------------------


def _connected(make_connection, oauth_service, owner, granted: str) -> Connection:
    connection = make_connection(oauth_service, "books", scopes=["read", "write"])
    tokens = TokenResponse(
        access_token="at",
        refresh_token="rt",
        expires_in=3600,
        scope=granted.split(),
        token_type="Bearer",
        extra={},
    )
    save_connected(connection, user=owner, fill=lambda c: store_tokens(c, tokens), method="t")
    return connection


def _details(client, connection, environment="production") -> str:
    """The card of ``environment``'s authorization on the details page."""
    body = client.get(connection.get_absolute_url()).content.decode()
    return body.split(f'id="auth-{environment}"')[1].split("</section>")[0]


def test_details_show_granted_scopes_and_name_the_missing_ones(
    make_connection, oauth_service, owner, client_for
):
    connection = _connected(make_connection, oauth_service, owner, granted="read")
    assert connection.credentials.get().granted_scopes == ["read"]
    details = _details(client_for(owner), connection)
    assert "Granted scopes" in details
    granted = details.split("<dt>Granted scopes</dt>")[1].split("</dd>")[0]
    assert "<code>read</code>" in granted and "<code>write</code>" not in granted
    missing = details.split("<dt>Not granted</dt>")[1].split("</dd>")[0]
    assert missing.count("not granted by the provider") == 1
    assert '<code>write</code> <span class="badge badge-warn">not granted' in missing
    # The sandbox authorization was never made: it shows no scopes at all.
    assert "Granted scopes" not in _details(client_for(owner), connection, "sandbox")


def test_details_say_nothing_missing_when_all_were_granted(
    make_connection, oauth_service, owner, client_for
):
    connection = _connected(make_connection, oauth_service, owner, granted="read write")
    details = _details(client_for(owner), connection)
    assert "Granted scopes" in details and "not granted" not in details


def test_details_without_a_granted_list_show_only_the_requested_scopes(
    make_connection, oauth_service, owner, client_for
):
    connection = make_connection(oauth_service, "books", scopes=["read", "write"])
    details = _details(client_for(owner), connection)
    assert "Granted scopes" not in details and "not granted" not in details


# 3. Endpoints must be https (http only to allowlisted hosts) ----------------------------------


@pytest.mark.parametrize("field", ENDPOINTS)
def test_plain_http_endpoint_is_refused_for_a_host_not_on_the_allowlist(
    topping, owner, client_for, settings, field
):
    settings.CONSOLE_OUTBOUND_ALLOWLIST = ["127.0.0.1"]
    response = _post_service(client_for(owner), topping, **{field: "http://acme.example.com/x"})
    assert response.status_code == 200
    errors = _field_errors(response, field)
    assert len(errors) == 1 and "plain http" in errors[0], errors
    assert not Service.objects.filter(key="acme").exists()


@pytest.mark.parametrize("field", ENDPOINTS)
def test_other_schemes_are_refused_even_for_allowlisted_hosts(
    topping, owner, client_for, loopback_allowed, field
):
    response = _post_service(client_for(owner), topping, **{field: "ftp://127.0.0.1/x"})
    assert response.status_code == 200
    assert _field_errors(response, field), response.context["form"].errors
    assert not Service.objects.filter(key="acme").exists()


def test_plain_http_is_accepted_for_allowlisted_hosts(topping, owner, client_for, loopback_allowed):
    base = "http://127.0.0.1:8123"
    fields = {name: f"{base}/{name}" for name in ENDPOINTS}
    response = _post_service(client_for(owner), topping, **fields)
    assert response.status_code == 302, response.content.decode()
    service = Service.objects.get(topping=topping, key="acme")
    assert service.token_url == f"{base}/token_url"


# 4. OAuth 2.0 connections on services that need scopes ----------------------------------------


@pytest.fixture
def scoped_service(oauth_service):
    """Declares scopes and none by default: the user must choose."""
    oauth_service.default_scopes = []
    oauth_service.save()
    return oauth_service


def test_scope_less_connection_is_refused_when_the_service_needs_scopes(
    topping, owner, client_for, scoped_service
):
    response = client_for(owner).post(
        reverse("connections:create", args=[topping.namespace, scoped_service.key]),
        {"name": "Books", "link_name": "books", "create": "1"},
    )
    assert response.status_code == 200
    assert "Choose at least one scope." in response.content.decode()
    assert not Connection.objects.filter(link_name="books").exists()
    with pytest.raises(ValidationError) as caught:
        manage.create_connection(
            topping,
            scoped_service,
            name="Books",
            link_name="books",
            scopes=[],
            user_level=False,
            url_values={},
            user=owner,
        )
    assert caught.value.message_dict == {"scopes": ["Choose at least one scope."]}


def test_scope_less_connection_is_allowed_with_default_scopes_or_no_declared_scopes(
    make_connection, make_service, oauth_service, loopback_allowed
):
    assert oauth_service.default_scopes == ["read"]
    assert make_connection(oauth_service, "with_defaults", scopes=[]).scopes == []
    plain = make_service(
        "no_scopes",
        AuthType.OAUTH2,
        "http://127.0.0.1:1/api",
        authorize_url="http://127.0.0.1:1/authorize",
        token_url="http://127.0.0.1:1/token",
        client_id="c",
        client_secret="s",
    )
    assert make_connection(plain, "no_scopes", scopes=[]).scopes == []


def test_scope_less_key_connection_is_not_affected(make_connection, make_service):
    service = make_service(
        "pat", AuthType.BEARER, "https://api.example.com", scopes=[{"name": "read"}]
    )
    assert make_connection(service, "pat", scopes=[]).scopes == []


def test_catalog_services_without_default_scopes_connect_without_a_choice(
    topping, owner, make_connection
):
    from connections.models import Service

    # Pipedrive and Zoom take their scopes from the app registration, not the request.
    zoom = Service.objects.get(key="zoom", topping__isnull=True)
    assert zoom.scopes and not zoom.default_scopes
    assert make_connection(zoom, "zoom", scopes=[]).scopes == []
