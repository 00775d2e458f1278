"""Catalog URL parameters (``{shop}``, ``{realm_id}``...): patterns, declared hosts, quoting."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from connections.catalog.loader import load_services, read_catalog
from connections.models import AuthType, Connection, Credential, Service
from connections.schemas import Secrets
from connections.services import manage, send, tokens

HOSTILE_SHOPS = [
    "attacker.example/x?",
    "attacker.example#",
    "attacker.example:443/",
    "user@attacker.example",
    "x.attacker.example",
    "shop%2f",
    "../admin",
    "a b",
    "shop\n",
    "",
]


def _custom_service(topping, **fields) -> Service:
    values = {
        "key": "shops",
        "name": "Shops",
        "auth_type": AuthType.OAUTH2,
        "grant_type": "authorization_code",
        "client_id": "cid",
        "client_secret": "catalog-client-secret",
        "allowed_hosts": ["*.myshopify.com"],
        **fields,
    }
    return Service.objects.create(topping=topping, **values)


def _create(topping, service, url_values, owner) -> Connection:
    return manage.create_connection(
        topping,
        service,
        name="Shop",
        link_name="shop",
        scopes=[],
        user_level=False,
        url_values=url_values,
        user=owner,
    )


# The form strips surrounding whitespace, as Django's CharField does.
@pytest.mark.parametrize("value", [v for v in HOSTILE_SHOPS if v and v == v.strip()])
def test_connection_form_refuses_a_shop_that_points_elsewhere(value, topping, owner, client_for):
    url = reverse("connections:create", args=[topping.namespace, "shopify"])
    response = client_for(owner).post(
        url,
        {
            "name": "Shop",
            "link_name": "shop",
            "url_shop": value,
            "client_id": "cid",
            "connect": "1",
        },
    )
    assert response.status_code == 200
    assert "is not a valid value" in response.content.decode()
    assert not Connection.objects.filter(link_name="shop").exists()


def test_good_shop_sends_the_browser_to_that_shop(topping, owner, client_for):
    url = reverse("connections:create", args=[topping.namespace, "shopify"])
    response = client_for(owner).post(
        url,
        {
            "name": "Shop",
            "link_name": "shop",
            "url_shop": "acme-store",
            "client_id": "cid",
            "connect": "1",
        },
    )
    assert response.status_code == 302
    assert response["Location"].startswith(
        "https://acme-store.myshopify.com/admin/oauth/authorize?"
    )


@pytest.mark.parametrize("value", HOSTILE_SHOPS)
def test_create_connection_refuses_unvalidated_url_values(value, topping, owner):
    shopify = Service.objects.get(key="shopify", topping__isnull=True)
    with pytest.raises(ValidationError):
        _create(topping, shopify, {"shop": value}, owner)
    assert not Connection.objects.filter(link_name="shop").exists()


def test_param_used_in_the_authorize_url_is_required_for_oauth(topping, owner):
    shopify = Service.objects.get(key="shopify", topping__isnull=True)
    with pytest.raises(ValidationError):
        _create(topping, shopify, {}, owner)


def test_stored_value_that_fails_its_pattern_is_never_spliced(topping, owner, client_for):
    shopify = Service.objects.get(key="shopify", topping__isnull=True)
    connection = _create(topping, shopify, {"shop": "acme"}, owner)
    # A row written before values were validated.
    Connection.objects.filter(pk=connection.pk).update(url_values={"shop": "attacker.example/x?"})
    connection.refresh_from_db()
    for field in ("authorize_url", "token_url", "api_base_url"):
        with pytest.raises(ValueError):
            tokens.fill_url(getattr(shopify, field), connection)
    response = client_for(owner).post(
        reverse("connections:connect", args=[topping.namespace, "shop"])
    )
    assert response.status_code == 302
    assert "attacker" not in response["Location"]
    assert response["Location"] == connection.get_absolute_url()
    credential = Credential(connection=connection, status=Credential.Status.CONNECTED)
    credential.set_secrets(Secrets(access_token="tok", refresh_token="ref"))
    credential.save()
    with pytest.raises(send.ConnectionUnusable):
        send.send(connection.qualified_name, "GET", "/products.json", topping=topping)
    with pytest.raises(tokens.TokenError):
        tokens.post_token(connection, shopify.token_url, {"grant_type": "refresh_token"})


def test_values_are_url_quoted_when_substituted(topping, owner):
    service = _custom_service(
        topping,
        auth_type=AuthType.BEARER,
        grant_type="",
        api_base_url="https://api.example.com/v1/{account}/",
        allowed_hosts=["api.example.com"],
        url_params=[{"name": "account", "label": "Account", "pattern": "^.+$"}],
    )
    connection = _create(topping, service, {"account": "a/../b?x=1#y"}, owner)
    filled = tokens.fill_url(service.api_base_url, connection)
    assert filled == "https://api.example.com/v1/a%2F..%2Fb%3Fx%3D1%23y/"


@pytest.mark.parametrize("value", ["attacker.example/x?", "attacker.example#", "a_b", "a%b"])
def test_filled_host_must_stay_a_plain_host_name_even_if_the_pattern_allows_more(
    value, topping, owner
):
    service = _custom_service(
        topping,
        authorize_url="https://{shop}.myshopify.com/admin/oauth/authorize",
        token_url="https://{shop}.myshopify.com/admin/oauth/access_token",
        api_base_url="https://{shop}.myshopify.com/admin/api",
        url_params=[{"name": "shop", "label": "Shop", "pattern": "^.+$"}],
    )
    with pytest.raises(ValidationError):
        _create(topping, service, {"shop": value}, owner)


def test_filled_host_must_match_the_allowed_hosts(topping, owner):
    service = _custom_service(
        topping,
        authorize_url="https://{shop}/admin/oauth/authorize",
        token_url="https://{shop}/admin/oauth/access_token",
        api_base_url="https://{shop}/admin/api",
        url_params=[{"name": "shop", "label": "Shop host", "pattern": "^[a-z0-9.-]+$"}],
    )
    with pytest.raises(ValidationError):
        _create(topping, service, {"shop": "attacker.example"}, owner)
    connection = _create(topping, service, {"shop": "acme.myshopify.com"}, owner)
    assert tokens.fill_url(service.token_url, connection) == (
        "https://acme.myshopify.com/admin/oauth/access_token"
    )


def test_custom_service_without_a_pattern_gets_a_strict_default(topping, owner):
    service = _custom_service(
        topping,
        auth_type=AuthType.API_KEY,
        grant_type="",
        api_base_url="https://api.example.com/{tenant}",
        allowed_hosts=["api.example.com"],
        url_params=[{"name": "tenant", "label": "Tenant"}],
    )
    for value in ("../x", "a/b", "a.b", "a?b", "-a"):
        with pytest.raises(ValidationError):
            _create(topping, service, {"tenant": value}, owner)
    assert _create(topping, service, {"tenant": "acme_1"}, owner).url_values == {"tenant": "acme_1"}


def test_catalog_rows_carry_the_catalog_patterns(db):
    shopify = Service.objects.get(key="shopify", topping__isnull=True)
    (shop,) = shopify.url_param_list()
    assert shop.pattern == "^[a-z0-9][a-z0-9-]{0,62}$"
    (realm,) = Service.objects.get(key="quickbooks", topping__isnull=True).url_param_list()
    assert realm.from_callback and realm.matches("9130355") and not realm.matches("91/30")


@pytest.mark.parametrize(
    "param",
    [
        {"name": "shop", "label": "Shop"},
        {"name": "shop", "label": "Shop", "pattern": "[a-z]+"},
        {"name": "shop", "label": "Shop", "pattern": "^[a-z+$"},
        {"name": "shop", "label": "Shop", "pattern": "^[a-z]+$", "from_callback": True},
    ],
    ids=["missing", "unanchored", "broken", "callback_in_authorize_url"],
)
def test_catalog_loader_refuses_url_params_it_cannot_validate(param, db):
    entry = next(e for e in read_catalog() if e["key"] == "shopify")
    before = Service.objects.get(key="shopify", topping__isnull=True).url_params
    with pytest.raises(ValueError):
        load_services(Service, [{**entry, "name": "Changed", "url_params": [param]}])
    row = Service.objects.get(key="shopify", topping__isnull=True)
    assert (row.name, row.url_params) == ("Shopify", before)
