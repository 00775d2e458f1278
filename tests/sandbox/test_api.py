"""The sandbox's REST API for external tools: records."""

from __future__ import annotations

import json

import pytest

from console.apikeys import create_api_key
from sandbox import store
from sandbox.models import SandboxRecord
from workflows.models import Action, Event, Execution, Rule

ADA = {"First_Name": "Ada", "Last_Name": "Lovelace", "Email": "ada@example.com"}


@pytest.fixture
def api(client, raw_key, django_capture_on_commit_callbacks):
    """Call the API with the topping's key (``key=`` another, or None for none)."""

    def call(method: str, path: str, body=None, *, key=raw_key, raw: bytes | None = None):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key is not None else {}
        send = getattr(client, method)
        with django_capture_on_commit_callbacks(execute=True):
            if method == "get":
                return send(path, body or {}, **headers)
            data = raw if raw is not None else json.dumps(body)
            return send(path, data, content_type="application/json", **headers)

    return call


@pytest.fixture
def records_url(topping):
    return f"/api/v1/toppings/{topping.namespace}/sandbox/Contacts/records"


@pytest.fixture
def ada(topping):
    return store.create_record(topping, "Contacts", ADA, fire=False).record


# ------------------------------------------------------------------------------ records


def test_create_returns_the_record_and_runs_the_draft_rule(
    api, records_url, topping, make_function, make_rule, drain
):
    function = make_function("hello", 'info "hello " + id;', [{"name": "id", "type": "string"}])
    make_rule(
        trigger=Rule.Trigger.CREATE,
        actions=[
            {
                "kind": Action.Kind.FUNCTION,
                "function": function,
                "config": {"arguments": {"id": {"source": "field", "value": "ID"}}},
            }
        ],
    )

    response = api("post", records_url, ADA)

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["id"] == body["ID"] and body["Full_Name"] == "Ada Lovelace"
    assert body["Email"] == "ada@example.com" and body["Created_Time"]
    assert SandboxRecord.objects.get().record_id == body["id"]
    event = Event.objects.get()
    assert (event.environment, event.operation, event.record_id) == (
        "sandbox",
        "create",
        body["id"],
    )
    assert drain() == ["succeeded"]
    assert Execution.objects.get().info_lines == [f"hello {body['id']}"]


def test_an_invalid_record_is_refused_with_its_field_errors(api, records_url):
    response = api("post", records_url, {"First_Name": "Ada", "Email": "not-mail", "Nope": 1})

    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "invalid_record"
    assert body["fields"] == {
        "Email": "must be an e-mail address",
        "Nope": "is not a field of Contacts",
        "Last_Name": "is required",
    }
    assert not SandboxRecord.objects.exists() and not Event.objects.exists()


@pytest.mark.parametrize(
    ("raw", "status", "error"),
    [
        (b"{not json", 400, "bad_json"),
        (b"[1, 2]", 400, "bad_request"),
        (b'{"Last_Name": NaN}', 400, "bad_json"),
        (b'{"Last_Name": "a\\u0000b"}', 422, "invalid_record"),
    ],
)
def test_a_bad_body_stores_nothing(api, records_url, raw, status, error):
    response = api("post", records_url, raw=raw)
    assert response.status_code == status
    assert response.json()["error"] == error
    assert not SandboxRecord.objects.exists() and not Event.objects.exists()


def test_list_pages_and_searches(api, records_url, topping):
    for n in range(3):
        store.create_record(topping, "Contacts", {"Last_Name": f"Person {n}"}, fire=False)
    store.create_record(topping, "Contacts", ADA, fire=False)

    page = api("get", records_url, {"per_page": 2}).json()
    assert [r["Last_Name"] for r in page["data"]] == ["Person 0", "Person 1"]
    assert page["info"] == {"page": 1, "per_page": 2, "count": 2, "more_records": True}
    last = api("get", records_url, {"per_page": 2, "page": 2}).json()
    assert [r["Last_Name"] for r in last["data"]] == ["Person 2", "Lovelace"]
    assert last["info"]["more_records"] is False

    found = api("get", records_url, {"search": "LOVELACE"}).json()
    assert [r["Email"] for r in found["data"]] == ["ada@example.com"]


def test_list_refuses_bad_paging(api, records_url):
    assert api("get", records_url, {"per_page": 500}).status_code == 422
    assert api("get", records_url, {"page": 0}).status_code == 422


def test_get_update_and_delete_one_record(api, records_url, ada):
    url = f"{records_url}/{ada.record_id}"

    got = api("get", url)
    assert got.status_code == 200
    assert got.json() == {"id": ada.record_id, **ada.data}

    updated = api("put", url, {"Last_Name": "King"})
    assert updated.status_code == 200
    assert updated.json()["Full_Name"] == "Ada King"
    assert updated.json()["Email"] == "ada@example.com"  # untouched fields stay
    event = Event.objects.get()
    assert event.operation == "edit" and event.previous["Last_Name"] == "Lovelace"

    deleted = api("delete", url)
    assert deleted.status_code == 204
    assert not SandboxRecord.objects.exists()
    assert Event.objects.latest("pk").operation == "delete"
    assert api("get", url).status_code == 404


def test_an_invalid_update_changes_nothing(api, records_url, ada):
    url = f"{records_url}/{ada.record_id}"
    response = api("put", url, {"Email": "nope", "ID": "1"})
    assert response.status_code == 422
    assert response.json()["fields"] == {"Email": "must be an e-mail address"}
    ada.refresh_from_db()
    assert ada.data["Email"] == "ada@example.com" and not Event.objects.exists()

    response = api("put", url, {"Full_Name": "X"})  # read-only fields are ignored
    assert response.status_code == 200 and response.json()["Full_Name"] == "Ada Lovelace"


def test_unknown_records_and_modules_are_404(api, records_url, topping):
    assert api("get", f"{records_url}/123").status_code == 404
    assert api("put", f"{records_url}/123", {"Last_Name": "X"}).status_code == 404
    assert api("delete", f"{records_url}/123").status_code == 404
    response = api("get", f"/api/v1/toppings/{topping.namespace}/sandbox/Ghosts/records")
    assert response.status_code == 404 and response.json()["error"] == "unknown_module"
    assert not Event.objects.exists()


# ------------------------------------------------------------------------------ access


def every_call(topping, record_id: str = "1") -> list[tuple[str, str, dict | None]]:
    records = f"/api/v1/toppings/{topping.namespace}/sandbox/Contacts/records"
    return [
        ("get", records, None),
        ("post", records, ADA),
        ("get", f"{records}/{record_id}", None),
        ("put", f"{records}/{record_id}", {"Last_Name": "X"}),
        ("delete", f"{records}/{record_id}", None),
    ]


def test_every_call_needs_a_key(api, topping, ada):
    for method, path, body in every_call(topping, ada.record_id):
        assert api(method, path, body, key=None).status_code == 401, path
        assert api(method, path, body, key="tc_abc_wrong").status_code == 401, path
    assert SandboxRecord.objects.count() == 1 and not Event.objects.exists()


def test_another_toppings_key_gets_404_everywhere(api, topping, ada, other_topping):
    _, other_key = create_api_key(other_topping, name="theirs", user=None)
    for method, path, body in every_call(topping, ada.record_id):
        response = api(method, path, body, key=other_key)
        assert response.status_code == 404, path
        assert response.json()["error"] == "not_found"
    ada.refresh_from_db()
    assert ada.data["Last_Name"] == "Lovelace"
    assert SandboxRecord.objects.count() == 1 and not Event.objects.exists()
