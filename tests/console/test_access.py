import pytest
from django.urls import reverse

TOPPING_PAGES = [
    ("get", "topping_dashboard", ()),
    ("get", "topping_settings", ()),
    ("post", "topping_settings", ()),
    ("get", "members", ()),
    ("post", "member_add", ()),
    ("post", "member_role", (1,)),
    ("post", "member_remove", (1,)),
    ("get", "activity", ()),
    ("get", "api_keys", ()),
    ("post", "api_keys", ()),
]


@pytest.mark.parametrize(("method", "name", "args"), TOPPING_PAGES)
def test_stranger_gets_404_on_every_topping_page(topping, stranger, client_for, method, name, args):
    url = reverse(f"console:{name}", args=[topping.namespace, *args])
    response = getattr(client_for(stranger), method)(url)
    assert response.status_code == 404


@pytest.mark.parametrize(("method", "name", "args"), TOPPING_PAGES)
def test_anonymous_is_sent_to_sign_in(topping, client, method, name, args):
    url = reverse(f"console:{name}", args=[topping.namespace, *args])
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_members_see_the_topping(topping, owner, teammate, client_for):
    for user in (owner, teammate):
        assert client_for(user).get(topping.get_absolute_url()).status_code == 200


def test_activity_page_lists_audit_entries(topping, teammate, client_for):
    body = (
        client_for(teammate)
        .get(reverse("console:activity", args=[topping.namespace]))
        .content.decode()
    )
    assert "console.topping.created" in body


def test_api_keys_created_once_hashed_and_revocable(topping, owner, teammate, stranger, client_for):
    from console.models import ApiKey

    url = reverse("console:api_keys", args=[topping.namespace])
    assert client_for(stranger).get(url).status_code == 404
    assert client_for(teammate).post(url, {"name": "x"}).status_code == 403
    body = client_for(owner).post(url, {"name": "ci"}).content.decode()
    raw = body.split('id="new-key">')[1].split("<")[0]
    key = ApiKey.objects.get()
    assert raw.startswith("tc_") and raw not in key.key_hash
    assert raw not in client_for(owner).get(url).content.decode()
    client_for(owner).post(url, {"revoke": key.pk})
    key.refresh_from_db()
    assert key.revoked_at is not None
