"""The stubs page: canned stubs, emulated collections, sandbox settings; and 404s."""

from __future__ import annotations

import pytest
from django.urls import reverse

from connections.models import Service
from connections.services import manage
from sandbox import store
from sandbox.models import CollectionItem, EmulatedCollection, SandboxSettings, Stub
from workflows.models import ModuleField

pytestmark = pytest.mark.django_db


def url(name: str, topping, *args) -> str:
    return reverse(f"sandbox:{name}", args=[topping.namespace, *args])


# ------------------------------------------------------------------------------ strangers


@pytest.fixture
def sandbox_objects(topping):
    """One of everything the sandbox pages address, for the 404 checks."""
    record = store.create_record(topping, "Contacts", {"Last_Name": "L"}).record
    stub = Stub.objects.create(topping=topping, url_pattern="https://x.example.com/*")
    collection = EmulatedCollection.objects.create(
        topping=topping, name="C", url_prefix="https://x.example.com/c"
    )
    field = ModuleField.objects.create(
        topping=topping, module="Contacts", api_name="Tier", label="Tier", type="text"
    )
    event = record.topping.events.get()
    books = Service.objects.default().get(key="zoho_books")
    manage.create_connection(
        topping, books, name="Books", link_name="books", scopes=[], user_level=False,
        url_values={}, user=None,
    )  # fmt: skip
    return {
        "apps": [],
        "app": ["zoho_books"],
        "app_reset": ["zoho_books"],
        "app_seed": ["zoho_books"],
        "emulated_authorize": ["books"],
        "home": [],
        "reset": [],
        "trace": [event.pk],
        "records": ["Contacts"],
        "record_new": ["Contacts"],
        "fields": ["Contacts"],
        "field_delete": ["Contacts", field.pk],
        "record_edit": ["Contacts", record.record_id],
        "record_delete": ["Contacts", record.record_id],
        "stubs": [],
        "settings": [],
        "stub_new": [],
        "stub_edit": [stub.pk],
        "stub_delete": [stub.pk],
        "collection_new": [],
        "collection": [collection.pk],
        "collection_edit": [collection.pk],
        "collection_delete": [collection.pk],
    }


URL_NAMES = [
    "apps",
    "app",
    "app_reset",
    "app_seed",
    "emulated_authorize",
    "home",
    "reset",
    "trace",
    "records",
    "record_new",
    "fields",
    "field_delete",
    "record_edit",
    "record_delete",
    "stubs",
    "settings",
    "stub_new",
    "stub_edit",
    "stub_delete",
    "collection_new",
    "collection",
    "collection_edit",
    "collection_delete",
]
POST_ONLY = {
    "app_seed",
    "reset",
    "field_delete",
    "record_delete",
    "settings",
    "stub_delete",
    "collection_delete",
}


def test_the_404_list_covers_every_sandbox_url():
    from sandbox import urls

    assert sorted(p.name for p in urls.urlpatterns) == sorted(URL_NAMES)


@pytest.mark.parametrize("name", URL_NAMES)
def test_a_stranger_gets_404_on_every_sandbox_page(
    client_for, stranger, topping, sandbox_objects, name
):
    client = client_for(stranger)
    address = url(name, topping, *sandbox_objects[name])
    response = client.post(address) if name in POST_ONLY else client.get(address)
    assert response.status_code == 404
    if name not in POST_ONLY:
        assert client.post(address).status_code in (404, 405)
    # Nothing changed for the stranger's attempts.
    assert topping.sandbox_records.count() == 1
    assert Stub.objects.count() == 1 and EmulatedCollection.objects.count() == 1
    assert ModuleField.objects.count() == 1


@pytest.mark.parametrize("name", [n for n in URL_NAMES if n not in POST_ONLY])
def test_a_teammate_opens_every_sandbox_page(client_for, teammate, topping, sandbox_objects, name):
    response = client_for(teammate).get(url(name, topping, *sandbox_objects[name]))
    assert response.status_code == 200


def test_signed_out_visitors_are_sent_to_sign_in(client, topping):
    response = client.get(url("stubs", topping))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# ------------------------------------------------------------------------------ canned stubs


def test_create_edit_and_delete_a_stub(client_for, owner, topping):
    client = client_for(owner)
    response = client.post(
        url("stub_new", topping),
        {
            "method": "GET",
            "url_pattern": "https://api.example.com/v1/items*",
            "status": "201",
            "headers": '{"Content-Type": "application/json"}',
            "body": '{"ok": true}',
        },
    )
    assert response.status_code == 302
    stub = Stub.objects.get()
    assert (stub.topping, stub.method, stub.status) == (topping, "GET", 201)
    assert stub.headers == {"Content-Type": "application/json"} and stub.body == '{"ok": true}'
    assert "https://api.example.com/v1/items*" in client.get(url("stubs", topping)).content.decode()

    client.post(
        url("stub_edit", topping, stub.pk),
        {"method": "POST", "url_pattern": stub.url_pattern, "status": "500", "headers": "{}"},
    )
    stub.refresh_from_db()
    assert (stub.method, stub.status, stub.body) == ("POST", 500, "")

    client.post(url("stub_delete", topping, stub.pk))
    assert not Stub.objects.exists()


@pytest.mark.parametrize(
    ("headers", "status", "error"),
    [
        ("[1, 2]", "200", "Headers must be a JSON object"),
        ("{not json", "200", "Enter a valid JSON"),
        ("{}", "99", "between 100 and 599"),
    ],
)
def test_a_stub_with_bad_headers_or_status_is_refused(
    client_for, owner, topping, headers, status, error
):
    response = client_for(owner).post(
        url("stub_new", topping),
        {"method": "ANY", "url_pattern": "https://a.example.com/*", "status": status,
         "headers": headers},
    )  # fmt: skip
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not Stub.objects.exists()


def test_recorded_stubs_are_marked(client_for, owner, topping):
    Stub.objects.create(topping=topping, url_pattern="https://a.example.com/1", recorded=True)
    Stub.objects.create(topping=topping, url_pattern="https://a.example.com/2")
    page = client_for(owner).get(url("stubs", topping)).content.decode()
    assert page.count(">recorded<") == 1


def test_another_toppings_stub_is_404(client_for, owner, topping, make_user):
    from console import services

    other = services.create_topping(name="Other", user=make_user())
    stub = Stub.objects.create(topping=other, url_pattern="https://a.example.com/*")
    client = client_for(owner)
    assert client.get(url("stub_edit", topping, stub.pk)).status_code == 404
    assert client.post(url("stub_delete", topping, stub.pk)).status_code == 404
    assert Stub.objects.filter(pk=stub.pk).exists()


# ------------------------------------------------------------------------------ collections


COLLECTION = {
    "name": "Books contacts",
    "url_prefix": "https://www.zohoapis.com/books/v3/contacts/",
    "id_field": "contact_id",
    "list_key": "contacts",
    "item_key": "contact",
    "search_param": "search_text",
}


def test_create_view_edit_and_delete_a_collection(client_for, owner, topping):
    client = client_for(owner)
    response = client.post(url("collection_new", topping), COLLECTION)
    collection = EmulatedCollection.objects.get()
    assert response["Location"] == url("collection", topping, collection.pk)
    assert collection.url_prefix == "https://www.zohoapis.com/books/v3/contacts"
    assert (collection.id_field, collection.list_key, collection.item_key) == (
        "contact_id",
        "contacts",
        "contact",
    )
    CollectionItem.objects.create(
        collection=collection, item_id="7", data={"contact_id": "7", "email": "ada@example.com"}
    )
    page = client.get(url("collection", topping, collection.pk)).content.decode()
    assert "Items (1)" in page and "ada@example.com" in page

    client.post(url("collection_edit", topping, collection.pk), {**COLLECTION, "name": "Books"})
    collection.refresh_from_db()
    assert collection.name == "Books"

    client.post(url("collection_delete", topping, collection.pk))
    assert not EmulatedCollection.objects.exists() and not CollectionItem.objects.exists()


def test_a_collection_needs_an_http_prefix(client_for, owner, topping):
    response = client_for(owner).post(
        url("collection_new", topping), {**COLLECTION, "url_prefix": "ftp://x"}
    )
    assert "Start the prefix with http" in response.content.decode()
    assert not EmulatedCollection.objects.exists()


# ------------------------------------------------------------------------------ settings


def test_settings_are_saved(client_for, owner, topping):
    client = client_for(owner)
    response = client.post(
        url("settings", topping), {"unmatched": "fail", "record_responses": "on"}
    )
    assert response.status_code == 302
    settings = SandboxSettings.of(topping)
    assert (settings.unmatched, settings.record_responses) == ("fail", True)


def test_bad_settings_are_refused(client_for, owner, topping):
    response = client_for(owner).post(url("settings", topping), {"unmatched": "sometimes"})
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert SandboxSettings.of(topping).unmatched == "broker"
