"""Stubs through the sandbox host: canned answers, emulated collections, unmatched calls,
connections, and record and replay — all driven by real Deluge scripts."""

from __future__ import annotations

import json

import pytest

import deluge
from sandbox.models import CollectionItem, EmulatedCollection, SandboxSettings, Stub
from sandbox.stubs import SandboxHost, stub_matches
from tests.sandbox.conftest import BOOKS
from workflows import runner

pytestmark = pytest.mark.django_db

API = "https://api.example.com/v1"


def settings_for(topping, **fields) -> SandboxSettings:
    settings = SandboxSettings.of(topping)
    for key, value in fields.items():
        setattr(settings, key, value)
    settings.save()
    return settings


def execute(topping, owner, code: str, args: dict | None = None):
    """Run ``code`` with a fresh sandbox host; return (result, host)."""
    host = SandboxHost(topping, environment="sandbox", user=owner)
    return deluge.compile_script(code).run(args or {}, host=host), host


def run(topping, owner, code: str, args: dict | None = None):
    result, host = execute(topping, owner, code, args)
    assert result.error is None, result.error
    return result.return_value, host


def call(method: str, url: str, extra: str = "") -> str:
    return f'return invokeurl [ url: "{url}" type: {method} detailed: true {extra} ];'


def stub(topping, pattern: str, body: str = "", **fields) -> Stub:
    return Stub.objects.create(topping=topping, url_pattern=pattern, body=body, **fields)


@pytest.fixture
def failing(topping):
    return settings_for(topping, unmatched=SandboxSettings.Unmatched.FAIL)


# ------------------------------------------------------------------------------ canned stubs


def test_a_canned_json_stub_answers_with_status_headers_and_parsed_body(topping, owner, failing):
    stub(topping, f"{API}/orders/42", '{"order": {"id": 42, "total": 9.5}}', method="GET",
         status=202, headers={"Content-Type": "application/json", "X-Rate": "7"})  # fmt: skip
    value, host = run(topping, owner, call("GET", f"{API}/orders/42"))
    assert value["responseCode"] == 202
    assert value["responseText"] == {"order": {"id": 42, "total": 9.5}}
    assert value["responseHeader"]["X-Rate"] == "7"
    [entry] = host.calls
    assert entry["stubbed"] is True and entry["status"] == 202
    assert (entry["method"], entry["url"]) == ("GET", f"{API}/orders/42")


def test_a_json_stub_without_headers_gets_a_json_content_type(topping, owner, failing):
    stub(topping, f"{API}/list", "[1, 2, 3]")
    value, _ = run(topping, owner, call("GET", f"{API}/list"))
    assert value["responseText"] == [1, 2, 3]
    assert value["responseHeader"] == {"Content-Type": "application/json"}
    value, _ = run(topping, owner, f'return invokeurl [ url: "{API}/list" type: GET ];')
    assert value == [1, 2, 3]


def test_a_text_stub_answers_text(topping, owner, failing):
    stub(topping, f"{API}/ping", "pong", headers={"Content-Type": "text/plain"}, status=200)
    value, _ = run(topping, owner, f'return invokeurl [ url: "{API}/ping" type: GET ];')
    assert value == "pong"
    detailed, _ = run(topping, owner, call("GET", f"{API}/ping"))
    assert detailed["responseHeader"] == {"Content-Type": "text/plain"}


def test_an_error_status_is_answered_as_is(topping, owner, failing):
    stub(topping, f"{API}/broken", '{"message": "nope"}', status=500)
    value, _ = run(topping, owner, call("POST", f"{API}/broken"))
    assert value["responseCode"] == 500 and value["responseText"] == {"message": "nope"}


@pytest.mark.parametrize(
    ("stub_method", "method", "matches"),
    [
        ("GET", "GET", True),
        ("GET", "POST", False),
        ("POST", "POST", True),
        ("DELETE", "PUT", False),
        ("ANY", "PATCH", True),
        ("ANY", "GET", True),
        ("*", "DELETE", True),
        ("get", "GET", True),
    ],
)
def test_stubs_match_by_method(topping, owner, failing, stub_method, method, matches):
    stub(topping, f"{API}/thing", '{"ok": true}', method=stub_method)
    result, _ = execute(topping, owner, call(method, f"{API}/thing"))
    if matches:
        assert result.error is None and result.return_value["responseText"] == {"ok": True}
    else:
        assert result.error is not None
        assert result.error.message == f"no stub matches {method} {API}/thing"


@pytest.mark.parametrize(
    ("pattern", "url", "matches"),
    [
        (f"{API}/contacts/*", f"{API}/contacts/1", True),
        (f"{API}/contacts/*", f"{API}/contacts/1/notes", True),
        (f"{API}/contacts/*", f"{API}/contacts", False),
        (f"{API}/*/notes", f"{API}/contacts/1/notes", True),
        ("*/notes", f"{API}/contacts/1/notes", True),
        (f"{API}/contacts", f"{API}/contacts?email=a@b.co&page=2", True),
        (f"{API}/contacts", f"{API}/contacts/1", False),
        (f"{API}/contacts", "https://other.example.com/v1/contacts", False),
        (f"{API}/contacts?email=a@b.co", f"{API}/contacts?email=a@b.co", True),
        (f"{API}/contacts?email=a@b.co", f"{API}/contacts?email=x@b.co", False),
        (f"{API}/contacts?email=*", f"{API}/contacts?email=x@b.co", True),
        (f"{API}/contacts?email=*", f"{API}/contacts", False),
        # "?" and "[" are literal characters of a URL, not wildcards
        (f"{API}/contacts?id=1", f"{API}/contacts/id=1", False),
        (f"{API}/items[1]", f"{API}/items[1]", True),
        (f"{API}/items[12]", f"{API}/items1", False),
    ],
)
def test_url_patterns(topping, pattern, url, matches):
    assert stub_matches(Stub(topping=topping, url_pattern=pattern), "GET", url) is matches


def test_the_first_matching_stub_by_position_answers(topping, owner, failing):
    stub(topping, f"{API}/*", '{"who": "catch-all"}', position=5)
    stub(topping, f"{API}/orders/*", '{"who": "orders"}', position=1)
    stub(topping, f"{API}/orders/7", '{"who": "seven"}', position=3)
    value, _ = run(topping, owner, f'return invokeurl [ url: "{API}/orders/7" type: GET ];')
    assert value == {"who": "orders"}
    value, _ = run(topping, owner, f'return invokeurl [ url: "{API}/users/7" type: GET ];')
    assert value == {"who": "catch-all"}
    Stub.objects.filter(position=1).update(position=9)
    value, _ = run(topping, owner, f'return invokeurl [ url: "{API}/orders/7" type: GET ];')
    assert value == {"who": "seven"}


def test_stubs_of_another_topping_do_not_answer(topping, owner, failing, make_user):
    from console import services

    other = services.create_topping(name="Other", user=make_user())
    stub(other, f"{API}/*", '{"ok": true}')
    result, _ = execute(topping, owner, call("GET", f"{API}/x"))
    assert result.error is not None and "no stub matches" in result.error.message


def test_legacy_get_url_is_stubbed_too(topping, owner, failing):
    stub(topping, f"{API}/legacy", "old school", headers={"Content-Type": "text/plain"})
    value, host = run(topping, owner, f'return getUrl("{API}/legacy");')
    assert value == "old school"
    assert host.calls[0]["stubbed"] is True


# ------------------------------------------------------------------------------ unmatched


def test_unmatched_fail_names_method_and_url(topping, owner, failing, echo_server):
    code = f'r = invokeurl [ url: "{echo_server.url}/x?q=1" type: POST ];\nreturn r;'
    result, _ = execute(topping, owner, code)
    assert result.error is not None
    assert result.error.message == f"no stub matches POST {echo_server.url}/x?q=1"
    assert result.error.line == 1
    assert echo_server.requests == []


def test_unmatched_broker_really_goes_out(topping, owner, echo_server, loopback_allowed):
    settings_for(topping, unmatched=SandboxSettings.Unmatched.BROKER)
    value, host = run(
        topping, owner, f'return invokeurl [ url: "{echo_server.url}/live?a=1" type: GET ];'
    )
    assert value["path"] == "/live" and value["query"] == {"a": "1"}
    assert len(echo_server.requests) == 1
    [entry] = host.calls
    assert entry["status"] == 200 and not entry.get("stubbed")
    assert not Stub.objects.exists()  # recording is off


def test_broker_is_the_default_for_unmatched_calls(topping, owner, echo_server, loopback_allowed):
    value, _ = run(topping, owner, f'return invokeurl [ url: "{echo_server.url}/d" type: GET ];')
    assert value["path"] == "/d"


def test_a_matched_call_never_goes_out(topping, owner, echo_server, loopback_allowed):
    stub(topping, f"{echo_server.url}/*", '{"stubbed": true}')
    value, _ = run(topping, owner, f'return invokeurl [ url: "{echo_server.url}/s" type: GET ];')
    assert value == {"stubbed": True}
    assert echo_server.requests == []


# ------------------------------------------------------------------------------ connections


def test_a_stubbed_call_with_a_connection_needs_the_connection(
    topping, owner, failing, catalog_connection
):
    stub(topping, f"{BOOKS}/*", '{"ok": true}')
    code = f'return invokeurl [ url: "{BOOKS}/contacts" type: GET connection: "books" ];'
    result, host = execute(topping, owner, code)
    assert result.error is not None
    assert result.error.message == "There is no connection named 'books'."
    assert host.calls[0]["error"] == "There is no connection named 'books'."

    catalog_connection("zoho_books", "books")
    value, host = run(topping, owner, code)
    assert value == {"ok": True}
    assert host.calls[0]["connection"] == "books" and host.calls[0]["stubbed"] is True


def test_a_relative_url_with_a_connection_matches_the_service_base_url(
    topping, owner, failing, catalog_connection
):
    catalog_connection("zoho_books", "books")
    stub(topping, f"{BOOKS}/invoices", '{"invoices": []}', method="GET")
    value, host = run(
        topping,
        owner,
        'return invokeurl [ url: "/invoices?organization_id=1" type: GET connection: "books" ];',
    )
    assert value == {"invoices": []}
    assert host.calls[0]["url"] == f"{BOOKS}/invoices?organization_id=1"
    result, _ = execute(
        topping, owner, 'return invokeurl [ url: "invoices/9" type: GET connection: "books" ];'
    )
    assert result.error.message == f"no stub matches GET {BOOKS}/invoices/9"


def test_a_stubbed_call_with_an_unauthorized_connection_is_answered(
    topping, owner, failing, catalog_connection
):
    """The connection must exist; stubs answer without using its credential."""
    catalog_connection("zoho_bigin", "bigin")
    stub(topping, "https://www.zohoapis.com/bigin/v2/*", '{"data": []}')
    value, _ = run(
        topping, owner, 'return invokeurl [ url: "Contacts" type: GET connection: "bigin" ];'
    )
    assert value == {"data": []}


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
    first = runner.execute_now(function, {"email": "a@x.co", "name": "A"}, user=owner)
    second = runner.execute_now(function, {"email": "a@x.co", "name": "B"}, user=owner)
    assert (first.status, first.return_value) == ("succeeded", "created 1")
    assert (second.status, second.return_value) == ("succeeded", "updated 1")
    assert [c["method"] for c in second.calls] == ["GET", "PUT"]
    assert all(c["stubbed"] for c in first.calls + second.calls)
    assert books.items.get().data == {"email": "a@x.co", "name": "B"}


# ------------------------------------------------------------------------------ record & replay


def test_record_then_replay_offline(topping, owner, echo_server, loopback_allowed):
    settings_for(topping, record_responses=True, unmatched=SandboxSettings.Unmatched.BROKER)
    url = f"{echo_server.url}/api/things?page=1"
    code = f'return invokeurl [ url: "{url}" type: GET detailed: true ];'
    live, host = run(topping, owner, code)
    assert live["responseCode"] == 200 and live["responseText"]["path"] == "/api/things"
    assert not host.calls[0].get("stubbed")
    assert len(echo_server.requests) == 1

    recorded = Stub.objects.get()
    assert recorded.recorded is True
    assert (recorded.method, recorded.status) == ("GET", 200)
    assert recorded.url_pattern == f"{echo_server.url}/api/things"
    assert recorded.headers == {"Content-Type": "application/json"}
    assert json.loads(recorded.body)["path"] == "/api/things"

    # offline: the server is gone and unmatched calls fail; the recording answers
    echo_server.shutdown()
    echo_server.server_close()
    settings_for(topping, unmatched=SandboxSettings.Unmatched.FAIL)
    replay, host = run(topping, owner, code)
    assert replay["responseCode"] == 200
    assert replay["responseText"] == live["responseText"]
    assert host.calls[0]["stubbed"] is True
    assert Stub.objects.count() == 1
    # another query string is answered by the same recording
    other, _ = run(topping, owner, code.replace("page=1", "page=2"))
    assert other["responseText"] == live["responseText"]


def test_replay_with_the_server_stopped_and_broker_still_on(
    topping, owner, echo_server, loopback_allowed
):
    settings_for(topping, record_responses=True)
    code = f'return invokeurl [ url: "{echo_server.url}/once" type: POST parameters: "x" ];'
    first, _ = run(topping, owner, code)
    echo_server.shutdown()
    echo_server.server_close()
    again, host = run(topping, owner, code)
    assert again == first and host.calls[0]["stubbed"] is True
    assert len(echo_server.requests) == 1
    assert Stub.objects.get().method == "POST"


def test_recording_with_a_connection_keeps_no_secret_in_the_pattern(
    topping, owner, api_connection, echo_server
):
    settings_for(topping, record_responses=True)
    code = 'return invokeurl [ url: "/contacts?org=5" type: GET connection: "books" ];'
    live, _ = run(topping, owner, code)
    assert live["path"] == "/contacts"
    recorded = Stub.objects.get()
    assert recorded.url_pattern == f"{echo_server.url}/contacts"
    assert "authorization" not in {k.lower() for k in recorded.headers}
    echo_server.shutdown()
    echo_server.server_close()
    replay, host = run(topping, owner, code)
    assert replay == live and host.calls[0]["stubbed"] is True


def test_without_recording_nothing_is_stored(topping, owner, echo_server, loopback_allowed):
    run(topping, owner, f'return invokeurl [ url: "{echo_server.url}/n" type: GET ];')
    run(topping, owner, f'return invokeurl [ url: "{echo_server.url}/n" type: GET ];')
    assert len(echo_server.requests) == 2
    assert not Stub.objects.exists()


def test_recording_does_not_record_stubbed_answers(topping, owner, failing):
    settings_for(topping, record_responses=True, unmatched=SandboxSettings.Unmatched.FAIL)
    stub(topping, f"{API}/*", '{"ok": true}')
    run(topping, owner, f'return invokeurl [ url: "{API}/a" type: GET ];')
    assert Stub.objects.count() == 1


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


def test_an_unmatched_call_with_a_connection_goes_out_with_its_credential(
    topping, owner, api_connection, echo_server
):
    from tests.sandbox.conftest import CANARY

    stub(topping, "https://elsewhere.example/*", "{}")
    value, host = run(
        topping, owner, 'return invokeurl [ url: "/books/1" type: GET connection: "books" ];'
    )
    assert value["path"] == "/books/1"
    assert echo_server.requests[0]["headers"]["authorization"] == f"Bearer {CANARY}"
    assert not host.calls[0].get("stubbed")
    assert CANARY not in json.dumps(host.calls)


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
