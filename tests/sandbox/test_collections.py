"""Emulated collections through the sandbox host: list, search, get, create, update, delete,
driven by real Deluge scripts."""

from __future__ import annotations

import pytest

from sandbox.models import CollectionItem, EmulatedCollection
from tests.sandbox.conftest import BOOKS
from tests.sandbox.scripting import run, stub
from workflows import isolation

pytestmark = pytest.mark.django_db


# ------------------------------------------------------------------------------ collections


@pytest.fixture
def books(topping, failing, catalog_connection):
    catalog_connection("zoho_books", "books")
    return EmulatedCollection.objects.create(
        topping=topping,
        name="Books contacts",
        url_prefix=f"{BOOKS}/contacts",
        id_field="contact_id",
        list_key="contacts",
        item_key="contact",
        search_param="search_text",
    )


def add_item(collection, item_id: str, **data) -> CollectionItem:
    return CollectionItem.objects.create(collection=collection, item_id=item_id, data=data)


def books_call(method: str, path: str = "", extra: str = "") -> str:
    return (
        f'return invokeurl [ url: "{BOOKS}/contacts{path}" type: {method} '
        f'connection: "books" detailed: true {extra} ];'
    )


def test_collection_list_with_its_envelope(topping, owner, books):
    add_item(books, "1", contact_name="Ada", email="ada@example.com")
    add_item(books, "2", contact_name="Alan", email="alan@example.com")
    value, host = run(topping, owner, books_call("GET"))
    assert value["responseCode"] == 200
    assert value["responseText"] == {
        "contacts": [
            {"contact_name": "Ada", "email": "ada@example.com", "contact_id": "1"},
            {"contact_name": "Alan", "email": "alan@example.com", "contact_id": "2"},
        ]
    }
    assert host.calls[0]["stubbed"] is True


def test_collection_search_matches_any_field(topping, owner, books):
    add_item(books, "1", contact_name="Ada", email="ada@example.com", city="London")
    add_item(books, "2", contact_name="Alan", email="alan@example.com", city="Manchester")
    code = 'return invokeurl [ url: u type: GET connection: "books" ];'
    for text, expected in [
        ("ada@example.com", ["1"]),
        ("MANCHESTER", ["2"]),
        ("a", ["1", "2"]),
        ("nobody", []),
    ]:
        value, _ = run(topping, owner, code, {"u": f"{BOOKS}/contacts?search_text={text}"})
        assert [c["contact_id"] for c in value["contacts"]] == expected, text
    # the search parameter may come from the parameters map too
    value, _ = run(
        topping,
        owner,
        f'return invokeurl [ url: "{BOOKS}/contacts" type: GET connection: "books"'
        ' parameters: {"search_text": "london"} ];',
    )
    assert [c["contact_id"] for c in value["contacts"]] == ["1"]


def test_collection_search_uses_its_own_parameter(topping, owner, books):
    books.search_param = "q"
    books.save()
    add_item(books, "1", contact_name="Ada")
    add_item(books, "2", contact_name="Alan")
    value, _ = run(topping, owner, f'return invokeurl [ url: "{BOOKS}/contacts?q=alan" '
                   'type: GET connection: "books" ];')  # fmt: skip
    assert [c["contact_id"] for c in value["contacts"]] == ["2"]


def test_collection_get_one_and_404(topping, owner, books):
    add_item(books, "7", contact_name="Ada")
    value, _ = run(topping, owner, books_call("GET", "/7"))
    assert value["responseCode"] == 200
    assert value["responseText"] == {"contact": {"contact_name": "Ada", "contact_id": "7"}}
    value, _ = run(topping, owner, books_call("GET", "/8"))
    assert value["responseCode"] == 404 and "8" in value["responseText"]["message"]


def test_collection_create_with_a_json_string_body(topping, owner, books):
    code = 'payload = {"contact_name": "Ada", "email": "ada@example.com"};\n' + books_call(
        "POST", extra="parameters: payload.toString()"
    )
    value, _ = run(topping, owner, code)
    assert value["responseCode"] == 201
    assert value["responseText"] == {
        "contact": {"contact_name": "Ada", "email": "ada@example.com", "contact_id": "1"}
    }
    value, _ = run(topping, owner, code)
    assert value["responseText"]["contact"]["contact_id"] == "2"
    assert list(books.items.values_list("item_id", flat=True)) == ["1", "2"]
    assert books.items.get(item_id="1").data == {"contact_name": "Ada", "email": "ada@example.com"}


def test_collection_create_with_a_form_map(topping, owner, books):
    value, _ = run(
        topping,
        owner,
        books_call("POST", extra='parameters: {"contact_name": "Grace", "city": "Arlington"}'),
    )
    assert value["responseCode"] == 201
    assert value["responseText"]["contact"] == {
        "contact_name": "Grace",
        "city": "Arlington",
        "contact_id": "1",
    }


def test_collection_create_with_the_item_envelope(topping, owner, books):
    value, _ = run(
        topping,
        owner,
        books_call(
            "POST",
            extra='body: {"contact": {"contact_name": "Kat"}}.toString() '
            'headers: {"Content-Type": "application/json"}',
        ),
    )
    assert value["responseCode"] == 201
    assert books.items.get().data == {"contact_name": "Kat"}


def test_collection_create_skips_ids_already_taken(topping, owner, books):
    """An item created with its own id must not make a later create collide."""
    code = books_call("POST", extra="parameters: p.toString()")
    value, _ = run(topping, owner, code, {"p": {"contact_id": "2", "contact_name": "Own id"}})
    assert value["responseText"]["contact"]["contact_id"] == "2"
    ids = []
    for name in ("A", "B"):
        value, _ = run(topping, owner, code, {"p": {"contact_name": name}})
        assert value["responseCode"] == 201
        ids.append(value["responseText"]["contact"]["contact_id"])
    assert "2" not in ids and len(set(ids)) == 2
    assert books.items.count() == 3


def test_collection_create_with_a_taken_id_is_a_conflict(topping, owner, books):
    add_item(books, "5", contact_name="Taken")
    value, _ = run(
        topping,
        owner,
        books_call("POST", extra='parameters: {"contact_id": "5", "contact_name": "X"}.toString()'),
    )
    assert value["responseCode"] == 409
    assert books.items.get().data == {"contact_name": "Taken"}


@pytest.mark.parametrize("method", ["PUT", "PATCH"])
def test_collection_update_merges(topping, owner, books, method):
    add_item(books, "3", contact_name="Ada", email="ada@example.com")
    value, _ = run(
        topping,
        owner,
        books_call(
            method,
            "/3",
            extra='parameters: {"contact_name": "Ada King", "contact_id": "9"}.toString()',
        ),
    )
    assert value["responseCode"] == 200
    assert value["responseText"] == {
        "contact": {"contact_name": "Ada King", "email": "ada@example.com", "contact_id": "3"}
    }
    assert books.items.get().data == {"contact_name": "Ada King", "email": "ada@example.com"}


def test_collection_update_with_a_form_map_and_404(topping, owner, books):
    add_item(books, "3", contact_name="Ada")
    value, _ = run(topping, owner, books_call("PUT", "/3", extra='parameters: {"city": "Paris"}'))
    assert value["responseText"]["contact"] == {
        "contact_name": "Ada",
        "city": "Paris",
        "contact_id": "3",
    }
    value, _ = run(topping, owner, books_call("PATCH", "/4", extra='parameters: {"city": "X"}'))
    assert value["responseCode"] == 404


def test_collection_delete(topping, owner, books):
    add_item(books, "3", contact_name="Ada")
    add_item(books, "4", contact_name="Alan")
    value, _ = run(topping, owner, books_call("DELETE", "/3"))
    assert value["responseCode"] == 200 and value["responseText"]["contact_id"] == "3"
    assert list(books.items.values_list("item_id", flat=True)) == ["4"]
    value, _ = run(topping, owner, books_call("GET", "/3"))
    assert value["responseCode"] == 404
    value, _ = run(topping, owner, books_call("DELETE", "/3"))
    assert value["responseCode"] == 404


@pytest.mark.parametrize(("method", "path"), [("PUT", ""), ("DELETE", ""), ("PATCH", ""),
                                             ("POST", "/3")])  # fmt: skip
def test_collection_refuses_other_methods_with_405(topping, owner, books, method, path):
    add_item(books, "3", contact_name="Ada")
    value, _ = run(topping, owner, books_call(method, path))
    assert value["responseCode"] == 405
    assert books.items.get().data == {"contact_name": "Ada"}


def test_collection_without_an_item_envelope(topping, owner, books):
    books.item_key = ""
    books.list_key = "items"
    books.id_field = "id"
    books.save()
    value, _ = run(
        topping, owner, books_call("POST", extra='parameters: {"name": "Bare"}.toString()')
    )
    assert value["responseText"] == {"name": "Bare", "id": "1"}
    value, _ = run(topping, owner, books_call("GET"))
    assert value["responseText"] == {"items": [{"name": "Bare", "id": "1"}]}


def test_collection_body_with_a_non_map_envelope_value(topping, owner, books):
    """A body whose envelope key is not a map is taken as the item itself, not a crash."""
    value, _ = run(
        topping,
        owner,
        books_call("POST", extra='parameters: {"contact": "just text", "x": 1}.toString()'),
    )
    assert value["responseCode"] == 201
    assert books.items.get().data == {"contact": "just text", "x": 1}


def test_deeper_paths_under_a_collection_fall_through_to_stubs(topping, owner, books):
    stub(topping, f"{BOOKS}/contacts/*/notes", '{"notes": []}')
    value, _ = run(topping, owner, books_call("GET", "/1/notes"))
    assert value["responseText"] == {"notes": []}


def test_collections_answer_before_stubs(topping, owner, books):
    stub(topping, f"{BOOKS}/*", '{"from": "stub"}')
    add_item(books, "1", contact_name="Ada")
    value, _ = run(topping, owner, books_call("GET"))
    assert "contacts" in value["responseText"]


def test_a_search_then_create_or_update_behaves_differently_on_its_second_run(
    topping, owner, books, make_function
):
    code = f"""found = invokeurl [ url: "{BOOKS}/contacts?search_text=" + email type: GET
    connection: "books" ];
if(found.get("contacts").size() > 0)
{{
    id = found.get("contacts").get(0).get("contact_id");
    invokeurl [ url: "{BOOKS}/contacts/" + id type: PUT parameters: {{"name": name}}.toString()
        connection: "books" ];
    return "updated " + id;
}}
r = invokeurl [ url: "{BOOKS}/contacts" type: POST
    parameters: {{"email": email, "name": name}}.toString() connection: "books" ];
return "created " + r.get("contact").get("contact_id");
"""
    function = make_function(
        "upsert", code, [{"name": "email", "type": "string"}, {"name": "name", "type": "string"}]
    )
    first = isolation.execute_now(function, {"email": "a@x.co", "name": "A"}, user=owner)
    second = isolation.execute_now(function, {"email": "a@x.co", "name": "B"}, user=owner)
    assert (first.status, first.return_value) == ("succeeded", "created 1")
    assert (second.status, second.return_value) == ("succeeded", "updated 1")
    assert [c["method"] for c in second.calls] == ["GET", "PUT"]
    assert all(c["stubbed"] for c in first.calls + second.calls)
    assert books.items.get().data == {"email": "a@x.co", "name": "B"}


def test_a_relative_url_with_a_connection_reaches_a_collection(topping, owner, books):
    add_item(books, "1", contact_name="Ada", email="ada@example.com")
    value, host = run(
        topping,
        owner,
        'return invokeurl [ url: "contacts?search_text=ada" type: GET connection: "books" ];',
    )
    assert value == {"contacts": [{"contact_name": "Ada", "email": "ada@example.com",
                                   "contact_id": "1"}]}  # fmt: skip
    assert host.calls[0]["url"] == f"{BOOKS}/contacts?search_text=ada"


def test_the_longest_collection_prefix_wins(topping, owner, books):
    archived = EmulatedCollection.objects.create(
        topping=topping, name="Archived contacts", url_prefix=f"{BOOKS}/contacts/archived/",
        list_key="archived",
    )  # fmt: skip
    books.name = "A contacts"  # ordered before the archive by name: must not shadow it
    books.save()
    add_item(archived, "1", contact_name="Old")
    add_item(books, "1", contact_name="New")
    value, _ = run(topping, owner, books_call("GET", "/archived"))
    assert value["responseText"] == {"archived": [{"contact_name": "Old", "id": "1"}]}
    value, _ = run(topping, owner, books_call("GET", "/archived/1"))
    assert value["responseText"] == {"data": {"contact_name": "Old", "id": "1"}}
    value, _ = run(topping, owner, books_call("GET", "/1"))
    assert value["responseText"] == {"contact": {"contact_name": "New", "contact_id": "1"}}
