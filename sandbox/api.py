"""``/api/v1/toppings/<namespace>/sandbox/...``: the sandbox's records.

Authenticated with a topping API key, like the event ingress. Record changes made here are
sandbox changes: they fire the draft rules exactly as the sandbox pages do.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Field, Query, Router, Schema, Status

from console.api import INT64_MAX, body_doc, error_response, json_body, unstorable_fields
from console.apikeys import ToppingKey, own_topping
from sandbox import store
from sandbox.models import SandboxRecord
from workflows import schema
from workflows.records import RecordCall

router = Router(tags=["sandbox"])


class RecordPage(Schema):
    page: int = Field(1, ge=1, le=INT64_MAX)
    per_page: int = Field(50, ge=1, le=200)
    search: str = ""


# The fields depend on the module, so the document shows any object; ``store`` checks it.
RECORD_BODY = body_doc({"type": "object", "description": "The record's fields by API name."})


def _not_found(what: str = "topping") -> JsonResponse:
    return error_response(404, "not_found", f"No such {what}.")


def _module(request: HttpRequest, namespace: str, name: str):
    """(topping, module) or an error response in place of the module."""
    topping = own_topping(request, namespace)
    if topping is None:
        return None, _not_found()
    module = schema.get_module(topping, name)
    if module is None:
        known = ", ".join(schema.module_names())
        return topping, error_response(
            404, "unknown_module", f"No module {name}. Known modules: {known}."
        )
    return topping, module


def _body(request: HttpRequest) -> dict | JsonResponse:
    data = json_body(request)
    if not isinstance(data, dict):
        return error_response(400, "bad_request", "Send the record as a JSON object.")
    unstorable = unstorable_fields(data)
    if unstorable:
        return error_response(
            422, "invalid_record", "The record has invalid fields.", fields=unstorable
        )
    return data


def _invalid(error: schema.RecordError) -> JsonResponse:
    return error_response(
        422, "invalid_record", "The record has invalid fields.", fields=error.errors
    )


def _record(topping, module: schema.Module, record_id: str) -> SandboxRecord | None:
    return SandboxRecord.objects.filter(
        topping=topping, module=module.api_name, record_id=record_id
    ).first()


@router.get(
    "/toppings/{namespace}/sandbox/{module}/records",
    auth=ToppingKey(),
    response=dict[str, Any],
    url_name="sandbox_records",
)
def list_records(request: HttpRequest, namespace: str, module: str, query: Query[RecordPage]):
    """A page of the module's sandbox records, oldest first, as the host's REST API pages
    them; ``search`` matches any text field."""
    topping, found = _module(request, namespace, module)
    if isinstance(found, JsonResponse):
        return found
    text = query.search.strip()
    call = RecordCall(
        app="sandbox",
        op="search" if text else "list",
        module=found.api_name,
        search={"word": text} if text else {},
        page=query.page,
        per_page=query.per_page,
    )
    return store.SandboxStore(topping).perform(call)


@router.post(
    "/toppings/{namespace}/sandbox/{module}/records",
    auth=ToppingKey(),
    response={201: dict[str, Any]},
    openapi_extra=RECORD_BODY,
)
def create_record(request: HttpRequest, namespace: str, module: str):
    topping, found = _module(request, namespace, module)
    if isinstance(found, JsonResponse):
        return found
    data = _body(request)
    if isinstance(data, JsonResponse):
        return data
    try:
        record = store.create_record(topping, found.api_name, data).record
    except schema.RecordError as error:
        return _invalid(error)
    return Status(201, store.as_api(record))


@router.get(
    "/toppings/{namespace}/sandbox/{module}/records/{record_id}",
    auth=ToppingKey(),
    response=dict[str, Any],
    url_name="sandbox_record",
)
def get_record(request: HttpRequest, namespace: str, module: str, record_id: str):
    topping, found = _module(request, namespace, module)
    if isinstance(found, JsonResponse):
        return found
    record = _record(topping, found, record_id)
    return store.as_api(record) if record else _not_found("record")


@router.put(
    "/toppings/{namespace}/sandbox/{module}/records/{record_id}",
    auth=ToppingKey(),
    response=dict[str, Any],
    openapi_extra=RECORD_BODY,
)
def update_record(request: HttpRequest, namespace: str, module: str, record_id: str):
    """Change the fields given; the others keep their values."""
    topping, found = _module(request, namespace, module)
    if isinstance(found, JsonResponse):
        return found
    data = _body(request)
    if isinstance(data, JsonResponse):
        return data
    try:
        record = store.update_record(topping, found.api_name, record_id, data)
    except schema.RecordError as error:
        return _invalid(error)
    return store.as_api(record) if record else _not_found("record")


@router.delete(
    "/toppings/{namespace}/sandbox/{module}/records/{record_id}",
    auth=ToppingKey(),
    response={204: None},
)
def delete_record(request: HttpRequest, namespace: str, module: str, record_id: str):
    topping, found = _module(request, namespace, module)
    if isinstance(found, JsonResponse):
        return found
    if not store.delete_record(topping, found.api_name, record_id):
        return _not_found("record")
    return HttpResponse(status=204)
