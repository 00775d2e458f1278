"""Connection pages: access, catalog search, create, edit, delete, custom services, proxy."""

from __future__ import annotations

import pytest
from django.urls import reverse

from connections.catalog.loader import load_services, read_catalog
from connections.hooks import USAGE_FINDERS
from connections.models import AuthType, Connection, Service
from connections.services import manage
from connections.services.naming import link_name_from, unique_link_name
from console.apikeys import create_api_key, revoke_api_key


@pytest.fixture
def bearer_connection(make_service, make_connection, echo_server, loopback_allowed, owner):
    service = make_service("pat", AuthType.BEARER, echo_server.url)
    connection = make_connection(service, "pat")
    manage.connect_with_values(connection, values={"token": "t0k"}, user=owner)
    return connection


def _pages(ns, link, key):
    return [
        ("get", reverse("connections:list", args=[ns])),
        ("get", reverse("connections:catalog", args=[ns])),
        ("get", reverse("connections:create", args=[ns, "zoho_books"])),
        ("post", reverse("connections:create", args=[ns, "zoho_books"])),
        ("get", reverse("connections:detail", args=[ns, link])),
        ("post", reverse("connections:connect", args=[ns, link])),
        ("get", reverse("connections:credentials", args=[ns, link])),
        ("get", reverse("connections:edit", args=[ns, link])),
        ("post", reverse("connections:revoke", args=[ns, link])),
        ("post", reverse("connections:delete", args=[ns, link])),
        ("get", reverse("connections:custom_service_create", args=[ns])),
        ("get", reverse("connections:custom_service_edit", args=[ns, key])),
        ("post", reverse("connections:custom_service_delete", args=[ns, key])),
    ]


def test_stranger_gets_404_on_every_connection_page(bearer_connection, stranger, client_for):
    client = client_for(stranger)
    for method, url in _pages(bearer_connection.topping.namespace, "pat", "pat"):
        assert getattr(client, method)(url).status_code == 404, url
    assert Connection.objects.filter(link_name="pat").exists()


@pytest.mark.parametrize(
    ("name", "link"),
    [
        ("Zoho Books", "zoho_books"),
        ("  2 Fast -- 2 Furious!! ", "fast_2_furious"),
        ("__init__", "init"),
        ("x" * 70, "x" * 50),
    ],
)
def test_link_name_rule(name, link):
    assert link_name_from(name) == link


def test_link_names_are_unique_in_topping():
    assert unique_link_name("books", {"books", "books_2"}) == "books_3"


def test_catalog_search_and_category(topping, owner, client_for):
    client = client_for(owner)
    url = reverse("connections:catalog", args=[topping.namespace])
    body = client.get(url, {"q": "zoho"}).content.decode().split('id="catalog-results"')[1]
    assert "Zoho Books" in body and "Slack" not in body
    body = client.get(
        url, {"category": "Payments"}, headers={"HX-Request": "true"}
    ).content.decode()
    assert "Stripe" in body and "Zoho Books" not in body and "<html" not in body


def test_create_connection_fills_and_fixes_link_name(topping, owner, client_for):
    client = client_for(owner)
    url = reverse("connections:create", args=[topping.namespace, "stripe"])
    assert 'value="stripe"' in client.get(url).content.decode()
    client.post(url, {"name": "Stripe", "link_name": "stripe", "create": "1"})
    second = client.get(url).content.decode()
    assert 'value="stripe_2"' in second
    response = client.post(url, {"name": "Again", "link_name": "stripe", "create": "1"})
    assert "Another connection in this topping has this link name" in response.content.decode()
    response = client.post(url, {"name": "Bad", "link_name": "9bad", "create": "1"})
    assert "Start with a lowercase letter" in response.content.decode()


def test_key_service_create_and_connect_goes_to_values_form(topping, owner, client_for):
    response = client_for(owner).post(
        reverse("connections:create", args=[topping.namespace, "stripe"]),
        {"name": "Stripe", "link_name": "stripe", "connect": "1"},
    )
    # A new connection is authorized in the sandbox first.
    assert response["Location"] == (
        reverse("connections:credentials", args=[topping.namespace, "stripe"])
        + "?environment=sandbox"
    )


def test_link_name_cannot_change_on_edit(bearer_connection, owner, client_for):
    client_for(owner).post(
        reverse("connections:edit", args=[bearer_connection.topping.namespace, "pat"]),
        {"name": "Renamed", "link_name": "hijack"},
    )
    bearer_connection.refresh_from_db()
    assert (bearer_connection.name, bearer_connection.link_name) == ("Renamed", "pat")


def test_delete_refused_while_used(bearer_connection, owner, client_for):
    finder = USAGE_FINDERS.register(lambda c: [manage.Usage("function", "sync_contact", "/f/1")])
    try:
        client = client_for(owner)
        url = reverse("connections:delete", args=[bearer_connection.topping.namespace, "pat"])
        response = client.post(url, follow=True)
        assert "function sync_contact" in response.content.decode()
        assert Connection.objects.filter(pk=bearer_connection.pk).exists()
    finally:
        USAGE_FINDERS.unregister(finder)
    client.post(url)
    assert not Connection.objects.filter(pk=bearer_connection.pk).exists()


def test_custom_service_oauth_requires_its_fields(topping, owner, client_for):
    client = client_for(owner)
    url = reverse("connections:custom_service_create", args=[topping.namespace])
    response = client.post(
        url,
        {
            "name": "Acme",
            "key": "acme",
            "auth_type": "oauth2",
            "param_type": "header",
            "scope_delimiter": " ",
        },
    )
    body = response.content.decode()
    assert "Required for this authentication type" in body
    response = client.post(
        url,
        {
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
            "scopes_text": "read - Read things\nwrite",
            "default_scopes_text": "read",
            "headers_text": "X-Acme: 1",
            "api_base_url": "https://api.acme.example.com/v1",
        },
    )
    assert response.status_code == 302
    service = Service.objects.get(key="acme", topping=topping)
    assert service.client_secret == "csecret"
    assert [s.name for s in service.scope_list()] == ["read", "write"]
    assert service.allowed_hosts == ["api.acme.example.com"]
    assert service.custom_headers == {"X-Acme": "1"}
    edit = client.get(reverse("connections:custom_service_edit", args=[topping.namespace, "acme"]))
    assert "csecret" not in edit.content.decode()


def test_custom_api_key_service_with_two_params(topping, owner, client_for):
    response = client_for(owner).post(
        reverse("connections:custom_service_create", args=[topping.namespace]),
        {
            "name": "Keys",
            "key": "keys",
            "auth_type": "api_key",
            "param_type": "query",
            "scope_delimiter": " ",
            "key_params_text": "key | API key\ntoken | Token",
            "api_base_url": "https://api.keys.example.com",
        },
    )
    assert response.status_code == 302
    assert [p.name for p in Service.objects.get(key="keys").key_params()] == ["key", "token"]


def test_catalog_loads_idempotently_and_updates_in_place(db):
    entries = read_catalog()
    assert Service.objects.default().count() == len(entries) >= 50
    before = dict(Service.objects.default().values_list("key", "pk"))
    result = load_services(Service)
    assert (result.created, result.updated) == (0, 0)
    changed = [dict(entries[0], name="Renamed")]
    assert load_services(Service, changed).updated == 1
    assert dict(Service.objects.default().values_list("key", "pk")) == before


def test_proxy_forwards_with_the_credential(bearer_connection, echo_server, owner, client):
    key, raw = create_api_key(bearer_connection.topping, name="ci", user=owner)
    url = f"/api/v1/connections/{bearer_connection.qualified_name}/proxy/items/7"
    response = client.post(
        url + "?q=1",
        data=b'{"a":1}',
        content_type="application/json",
        headers={"Authorization": f"Bearer {raw}", "Cookie": "x=1"},
    )
    assert response.status_code == 200
    seen = echo_server.requests[-1]
    assert seen["path"] == "/items/7" and seen["query"] == {"q": "1"} and seen["body"] == '{"a":1}'
    assert seen["headers"]["authorization"] == "Bearer t0k"
    assert "cookie" not in seen["headers"]
    revoke_api_key(key, user=owner)
    assert client.get(url, headers={"Authorization": f"Bearer {raw}"}).status_code == 401


def test_proxy_refuses_other_toppings_connection(bearer_connection, stranger, client):
    from console import services as console_services

    other = console_services.create_topping(name="Other", user=stranger)
    _, raw = create_api_key(other, name="k", user=stranger)
    url = f"/api/v1/connections/{bearer_connection.qualified_name}/proxy/x"
    assert client.get(url, headers={"Authorization": f"Bearer {raw}"}).status_code == 404
    assert client.get(url).status_code == 401
