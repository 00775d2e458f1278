"""Schemathesis against ``/api/v1/openapi.json``: no request, valid or not, gets a 5xx.

The document is the one the API serves; the Django app is called in-process through
schemathesis' WSGI transport with a key for a topping that has records, a rule with
criteria and an execution. Path parameters and record bodies are narrowed to that
topping's data and the Contacts fields, so that generated requests get past the 404s and
"not a field" errors to storage, dispatch and rule evaluation. A 5xx it finds is a defect:
fix it in the API and add a focused test to ``test_api_input.py``.
"""

from __future__ import annotations

import copy

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from sandbox import store
from tests.workflows.conftest import make_rule, raw_key  # noqa: F401  (fixtures)
from tests.workflows.events_api import CONTACT, HOOK
from workflows import schema as modules
from workflows.models import Rule

# JSON Schema for each field type, close to what ``schema.check_value`` accepts: positive
# cases then often fit, negative ones break one rule at a time.
_NAME_MAP = {"type": "object", "properties": {"id": {"type": "string"}, "name": {"type": "string"}}}
FIELD_SCHEMAS = {
    "text": {"type": "string", "maxLength": 255},
    "textarea": {"type": "string"},
    "email": {"type": "string", "format": "email"},
    "phone": {"type": "string", "pattern": "^[0-9+()./ -]{3,30}$"},
    "url": {"type": "string", "format": "uri"},
    "number": {"type": "integer"},
    "decimal": {"type": "number"},
    "boolean": {"type": "boolean"},
    "date": {"type": "string", "format": "date"},
    "datetime": {"type": "string", "format": "date-time"},
    "lookup": {"anyOf": [{"type": "string"}, {**_NAME_MAP, "required": ["id"]}]},
    "owner": {"anyOf": [{"type": "string"}, {**_NAME_MAP, "required": ["id"]}]},
    "tag": {"type": "array", "items": {"anyOf": [{"type": "string"}, _NAME_MAP]}},
    "id": {"type": "string"},
}


def contact_schema(*, required: list[str]) -> dict:
    fields = modules.get_module(None, "Contacts").fields
    properties = {
        f["api_name"]: {"enum": f["values"]}
        if f["type"] == "picklist"
        else FIELD_SCHEMAS[f["type"]]
        for f in fields
    }
    return {
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }


def aimed(document: dict, namespace: str, record_ids: list[str]) -> dict:
    """The served document with path parameters and bodies narrowed to the topping's data."""
    document = copy.deepcopy(document)
    narrowed = {"namespace": [namespace], "module": ["Contacts"], "record_id": record_ids}
    event = {
        "type": "object",
        "properties": {
            "module": {"enum": ["Contacts"]},
            "operation": {"enum": ["create", "edit", "delete"]},
            "record": contact_schema(required=["ID"]),
            "previous": contact_schema(required=[]),
        },
        "required": ["module", "operation", "record"],
        "additionalProperties": False,
    }
    batch = {
        "type": "object",
        "properties": {"events": {"type": "array", "items": event, "minItems": 1, "maxItems": 3}},
        "required": ["events"],
        "additionalProperties": False,
    }
    bodies = {
        ("post", "events"): {"oneOf": [event, batch]},
        ("post", "records"): contact_schema(required=["Last_Name"]),
        ("put", "{record_id}"): contact_schema(required=[]),
    }
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path" and parameter["name"] in narrowed:
                    parameter["schema"] = {"type": "string", "enum": narrowed[parameter["name"]]}
            body = bodies.get((method, path.rsplit("/", 1)[-1]))
            if body is not None and "requestBody" in operation:
                operation["requestBody"]["content"]["application/json"]["schema"] = body
    return document


@pytest.fixture
def seeded(topping, make_rule, client, raw_key, django_capture_on_commit_callbacks):  # noqa: F811
    """Two sandbox records, a rule with criteria on Contacts, and an event with its run."""
    ids = [
        store.create_record(topping, "Contacts", {"Last_Name": name}, fire=False).record.record_id
        for name in ("Lovelace", "Hopper")
    ]
    make_rule(
        name="hot",
        trigger=Rule.Trigger.CREATE_OR_EDIT,
        conditions=[
            {"field": "Email", "operator": "contains", "value": "@"},
            {"field": "Tag", "operator": "contains", "value": "vip"},
            {"field": "Description", "operator": "is_not_empty", "value": ""},
        ],
        pattern="(1 and 2) or 3",
        actions=[HOOK],
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/api/v1/toppings/{topping.namespace}/events",
            {"module": "Contacts", "operation": "create", "record": CONTACT},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {raw_key}",
        )
    assert response.status_code == 202
    return ids


@pytest.fixture
def api_schema(client, topping, seeded):
    document = aimed(client.get("/api/v1/openapi.json").json(), topping.namespace, seeded)
    loaded = schemathesis.openapi.from_dict(document, config=schemathesis.Config())
    loaded.app = WSGIHandler()
    # Django closes "old" connections around each request; here that would close the one
    # holding the test's transaction (the test client disconnects them the same way).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield loaded
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=30,  # per operation; with the coverage phase the run takes 15 to 30 s
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_no_request_gets_a_server_error(case, raw_key, django_capture_on_commit_callbacks):  # noqa: F811
    # Rules run when the transaction commits, inside the request: run them here too.
    with django_capture_on_commit_callbacks(execute=True):
        response = case.call(headers={"Authorization": f"Bearer {raw_key}"})
    case.validate_response(response, checks=[not_a_server_error])
