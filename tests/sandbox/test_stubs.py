"""Stubs through the sandbox host: canned answers, unmatched calls, connections, and record
and replay — all driven by real Deluge scripts."""

from __future__ import annotations

import json

import pytest

from sandbox.models import SandboxSettings, Stub
from sandbox.stubs import stub_matches
from tests.sandbox.conftest import BOOKS
from tests.sandbox.scripting import API, call, execute, run, settings_for, stub

pytestmark = pytest.mark.django_db


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
    # A call no stub matches on an app without an emulation fails, as the settings say; on
    # Zoho Books the emulated app answers it (see test_emulated_apps.py).
    catalog_connection("github", "gh")
    result, _ = execute(
        topping, owner, 'return invokeurl [ url: "user/repos" type: GET connection: "gh" ];'
    )
    assert result.error.message == "no stub matches GET https://api.github.com/user/repos"


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
