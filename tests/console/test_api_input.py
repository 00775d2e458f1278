"""Bad input to any ``/api/v1/`` endpoint gets a 4xx with a JSON error, never a 500, and the
same answer on SQLite and PostgreSQL (issue 10)."""

from __future__ import annotations

import json

import pytest

from console.api import INT64_MAX
from sandbox import store
from sandbox.models import SandboxRecord
from tests.workflows.conftest import raw_key  # noqa: F401  (fixture)
from tests.workflows.events_api import CONTACT, nothing_stored
from workflows.models import Event

BIG = 10**22  # beyond a signed 64-bit integer


@pytest.fixture
def api(client, raw_key, django_capture_on_commit_callbacks):  # noqa: F811
    """Call the API with the topping's key; ``raw`` sends bytes as the JSON body."""

    def call(method: str, path: str, body=None, *, raw: bytes | None = None, **extra):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {raw_key}", **extra}
        with django_capture_on_commit_callbacks(execute=True):
            if method == "get":
                return client.get(path, body or {}, **headers)
            data = raw if raw is not None else json.dumps(body)
            return getattr(client, method)(path, data, content_type="application/json", **headers)

    return call


@pytest.fixture
def base(topping) -> str:
    return f"/api/v1/toppings/{topping.namespace}"


@pytest.fixture
def ada(topping):
    return store.create_record(topping, "Contacts", {"Last_Name": "Lovelace"}, fire=False).record


# ------------------------------------------------------------------------------ integers


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/executions", {"rule": BIG}),
        ("/executions", {"rule": -BIG}),
        ("/executions", {"limit": BIG}),
        (f"/executions/{BIG}", {}),
        ("/sandbox/Contacts/records", {"page": BIG}),
    ],
)
def test_an_integer_beyond_64_bits_is_refused(api, base, path, query):
    response = api("get", base + path, query)
    assert response.status_code == 422, response.content
    [error] = response.json()["detail"]
    assert error["type"] in ("less_than_equal", "greater_than_equal")


def test_the_largest_64_bit_integer_still_filters(api, base):
    assert api("get", f"{base}/executions", {"rule": INT64_MAX}).json() == []
    assert api("get", f"{base}/executions/{INT64_MAX}").status_code == 404


def test_every_integer_parameter_is_bounded_in_the_document(client, db):
    document = client.get("/api/v1/openapi.json").json()
    integers = [
        (path, parameter["name"], schema)
        for path, operations in document["paths"].items()
        for operation in operations.values()
        for parameter in operation.get("parameters", [])
        for schema in [parameter["schema"], *parameter["schema"].get("anyOf", [])]
        if schema.get("type") == "integer"
    ]
    assert len(integers) >= 5
    for path, name, schema in integers:
        assert -(2**63) <= schema.get("minimum", -(2**64)) <= schema["maximum"] <= INT64_MAX, (
            path,
            name,
        )


@pytest.mark.parametrize(("stock", "status"), [(10**18 - 1, 201), (10**18, 422), (-BIG, 422)])
def test_a_whole_number_field_holds_at_most_18_digits(api, base, stock, status):
    record = {"Product_Name": "Pizza oven", "Qty_in_Stock": stock}
    response = api("post", f"{base}/sandbox/Products/records", record)
    assert response.status_code == status, response.content
    assert SandboxRecord.objects.exists() is (status == 201)


# ------------------------------------------------------------------------------ body size


@pytest.fixture
def small_uploads(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    return {"Last_Name": "x" * 5000}


def test_an_over_large_record_body_is_413_json(api, base, ada, small_uploads):
    for method, path in [
        ("post", f"{base}/sandbox/Contacts/records"),
        ("put", f"{base}/sandbox/Contacts/records/{ada.record_id}"),
    ]:
        response = api(method, path, small_uploads)
        assert response.status_code == 413, (method, response.content)
        assert response.json() == {
            "error": "too_large",
            "message": "The body is over 1000 bytes.",
        }
    assert SandboxRecord.objects.get().data["Last_Name"] == "Lovelace"


def test_an_event_over_djangos_limit_but_under_its_own_is_413_json(api, base, small_uploads):
    record = {**CONTACT, "Description": "x" * 5000}
    response = api("post", f"{base}/events", {"module": "Contacts", "operation": "create",
                                               "record": record})  # fmt: skip
    assert response.status_code == 413
    assert response.json()["error"] == "too_large"
    assert nothing_stored()


def test_an_over_large_proxy_body_is_413_json(api, topping, small_uploads):
    path = f"/api/v1/connections/{topping.namespace}__books/proxy/items"
    response = api("post", path, small_uploads)
    assert response.status_code == 413
    assert response.json()["error"] == "too_large"


# ------------------------------------------------------------------------------ text


LONE = "must not contain lone surrogates (unpaired \\ud800-\\udfff escapes)"


@pytest.mark.parametrize(
    ("raw", "fields"),
    [
        (b'{"Last_Name": "a\\ud800b"}', {"Last_Name": LONE}),
        (b'{"Last_Name": "end\\udfff"}', {"Last_Name": LONE}),
        (b'{"Last_Name": "L", "Tag": [{"name": "\\udc00"}]}', {"Tag": LONE}),
        (b'{"Last_Name": "L", "\\ud800": "key"}', {"\ud800": LONE}),
        (b'{"Last_Name": "L", "Account_Name": {"id": "1", "name": "a\\u0000"}}',
         {"Account_Name": "must not contain NUL characters"}),
        (b'{"Last_Name": "L", "Account_Name": {"id": 1e400}}',
         {"Account_Name": "must be a finite number"}),
    ],
)  # fmt: skip
def test_text_no_database_stores_alike_is_refused_on_create(api, base, raw, fields):
    response = api("post", f"{base}/sandbox/Contacts/records", raw=raw)
    assert response.status_code == 422, response.content
    assert response.json()["fields"] == fields
    assert not SandboxRecord.objects.exists() and not Event.objects.exists()


def test_a_lone_surrogate_is_refused_on_update(api, base, ada):
    path = f"{base}/sandbox/Contacts/records/{ada.record_id}"
    response = api("put", path, raw=b'{"Description": "\\ud83d alone"}')
    assert response.status_code == 422
    assert response.json()["fields"] == {"Description": LONE}
    assert "Description" not in SandboxRecord.objects.get().data


def test_a_surrogate_pair_is_one_character_and_kept(api, base):
    response = api(
        "post", f"{base}/sandbox/Contacts/records", raw=b'{"Last_Name": "\\ud83c\\udf55"}'
    )
    assert response.status_code == 201
    assert SandboxRecord.objects.get().data["Last_Name"] == "🍕"


@pytest.mark.parametrize(
    "record",
    [
        {**CONTACT, "Last_Name": "a\ud800"},
        {**CONTACT, "ID": "\udfff"},
        {**CONTACT, "Tag": ["\ud800"]},
    ],
)
def test_an_event_with_a_lone_surrogate_is_refused(api, base, record):
    # json.dumps escapes the surrogate as \ud800, as a host's JSON encoder would.
    response = api("post", f"{base}/events", {"module": "Contacts", "operation": "create",
                                               "record": record})  # fmt: skip
    assert response.status_code == 422, response.content
    assert set(response.json()["fields"].values()) == {LONE}
    assert nothing_stored()


def test_a_batch_names_the_event_with_a_lone_surrogate(api, base):
    good = {"module": "Contacts", "operation": "create", "record": CONTACT}
    bad = {**good, "previous": {"Last_Name": "\ud800"}}
    response = api("post", f"{base}/events", {"events": [good, bad]})
    assert response.status_code == 422
    assert response.json()["index"] == 1
    assert nothing_stored()


NUL_IN_REQUEST = {
    "error": "bad_request",
    "message": "The path, query and headers must not contain NUL characters.",
}


@pytest.mark.parametrize(
    "path",
    [
        "/executions?status=failed%00",
        "/sandbox/Contacts/records?search=%00",
        "/sandbox/Contacts/records/1%00",
        "/versions?%00=x",
    ],
)
def test_a_nul_in_the_url_is_refused_on_every_database(client, base, raw_key, path):  # noqa: F811
    # PostgreSQL cannot compare text holding NUL: a 500 there, and a 404 or 200 on SQLite.
    response = client.get(base + path, HTTP_AUTHORIZATION=f"Bearer {raw_key}")
    assert response.status_code == 400
    assert response.json() == NUL_IN_REQUEST


def test_a_nul_in_a_connection_name_is_refused(client, topping, raw_key):  # noqa: F811
    path = f"/api/v1/connections/{topping.namespace}__books%00/proxy/items"
    response = client.get(path, HTTP_AUTHORIZATION=f"Bearer {raw_key}")
    assert response.status_code == 400
    assert response.json() == NUL_IN_REQUEST


def test_a_nul_in_the_api_key_is_refused_before_it_is_looked_up(client, base, raw_key):  # noqa: F811
    key = raw_key[:6] + "\x00" + raw_key[6:]
    response = client.get(f"{base}/versions", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 400
    assert response.json() == NUL_IN_REQUEST


# ------------------------------------------------------------------------------ nesting


TAGS = 'must be a list of tag names or {"name": ...} maps'
LOOKUP = "must be an id or a map with id and name"


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"Tag": [{"name": {"x": [1]}}]}, {"Tag": TAGS}),
        ({"Tag": [["vip"]]}, {"Tag": TAGS}),
        ({"Tag": [{"id": "1"}]}, {"Tag": TAGS}),
        ({"Tag": [{"name": "vip", "color": {"hex": "#f00"}}]}, {"Tag": TAGS}),
        ({"Tag": [7]}, {"Tag": TAGS}),
        ({"Account_Name": {"id": {"deep": 1}}}, {"Account_Name": LOOKUP}),
        ({"Owner": {"id": "1", "name": ["Ada"]}}, {"Owner": LOOKUP}),
        ({"Description": {"text": "x"}}, {"Description": "must be text"}),
    ],
)
def test_nesting_a_field_type_forbids_is_refused(api, base, fields, errors):
    response = api("post", f"{base}/sandbox/Contacts/records", {"Last_Name": "L", **fields})
    assert response.status_code == 422, response.content
    assert response.json()["fields"] == errors
    assert not SandboxRecord.objects.exists()
    event = {"module": "Contacts", "operation": "create", "record": {**CONTACT, **fields}}
    response = api("post", f"{base}/events", event)
    assert response.status_code == 422
    assert response.json()["fields"] == errors
    assert nothing_stored()


def test_tags_and_lookups_as_the_host_sends_them_are_kept(api, base):
    fields = {
        "Tag": ["vip", {"name": "Hot", "id": "4150868000000224001"}],
        "Account_Name": {"id": "4150868000000224005", "name": "Zylker"},
        "Owner": {"id": "1", "name": "Patricia", "email": "p@zylker.com"},
    }
    response = api("post", f"{base}/sandbox/Contacts/records", {"Last_Name": "L", **fields})
    assert response.status_code == 201, response.content
    assert {k: SandboxRecord.objects.get().data[k] for k in fields} == fields


# ------------------------------------------------------------------------------ document


def test_every_endpoint_that_reads_json_documents_its_body(client, db):
    document = client.get("/api/v1/openapi.json").json()
    paths = document["paths"]
    for path, method in [
        ("/api/v1/toppings/{namespace}/events", "post"),
        ("/api/v1/toppings/{namespace}/sandbox/{module}/records", "post"),
        ("/api/v1/toppings/{namespace}/sandbox/{module}/records/{record_id}", "put"),
    ]:
        body = paths[path][method]["requestBody"]["content"]["application/json"]["schema"]
        assert body, (path, method)
