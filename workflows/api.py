"""Host events in, executions out: ``/api/v1/toppings/<namespace>/...`` with a topping key."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict

from console.api import Int64, body_doc, error_response, json_body, unstorable_fields
from console.apikeys import ToppingKey, own_topping
from workflows import schema
from workflows.dispatch import new_event, record_events
from workflows.models import Environment, Execution

router = Router(tags=["workflows"])

OPERATIONS = ("create", "edit", "delete")
MAX_BATCH = 500


# The OpenAPI document's view of an event; ``_validate`` checks bodies by hand so that it can
# answer with field errors and the index of a batch's bad event.
class EventIn(Schema):
    """A change to a host record; ``previous`` holds an edited record's fields before it."""

    model_config = ConfigDict(extra="forbid")

    module: str = Field(json_schema_extra={"enum": schema.module_names()})
    operation: str = Field(json_schema_extra={"enum": list(OPERATIONS)})
    record: dict[str, Any] = Field(description="The record's fields by API name, with its ID.")
    previous: dict[str, Any] | None = Field(None, description="The fields before an edit.")


_EVENT = EventIn.model_json_schema()
_BATCH = {
    "type": "object",
    "properties": {
        "events": {"type": "array", "items": _EVENT, "minItems": 1, "maxItems": MAX_BATCH}
    },
    "required": ["events"],
    "additionalProperties": False,
}


class EventAccepted(Schema):
    event_id: int | None = None  # a single event
    event_ids: list[int] | None = None  # a batch
    status: str


class ExecutionOut(Schema):
    id: int
    status: str
    kind: str
    label: str
    module: str
    record_id: str
    rule_id: int | None
    event_id: int | None
    attempts: int
    created_at: datetime
    finished_at: datetime | None
    duration_ms: float | None
    info_lines: list
    calls: list
    return_value: Any = None
    error: dict | None = None


class ExecutionFilter(Schema):
    status: str | None = None
    rule: Int64 | None = None
    limit: Int64 = 50


@router.post(
    "/toppings/{namespace}/events",
    auth=ToppingKey(),
    response={202: EventAccepted},
    exclude_none=True,
    url_name="topping_events",
    openapi_extra=body_doc({"oneOf": [_EVENT, _BATCH]}),
)
def post_event(request: HttpRequest, namespace: str):
    """Store a host record event, or a batch ``{"events": [...]}``, and run the rules.

    A batch is validated whole before anything is stored: one bad event refuses it all,
    with its ``index``.
    """
    topping = own_topping(request, namespace)
    if topping is None:
        return error_response(404, "not_found", "No such topping.")
    limit = settings.WORKFLOW_MAX_EVENT_BYTES
    # The declared length first: reading a body beyond Django's own upload limit would
    # fail with a generic 400 before this check could answer 413.
    if _declared_length(request) > limit or len(request.body) > limit:
        return error_response(413, "too_large", f"The body is over {limit} bytes.")
    payload = json_body(request)
    modules: dict[str, schema.Module | None] = {}
    batch = isinstance(payload, dict) and set(payload) == {"events"}
    items = payload["events"] if batch else [payload]
    if batch and not (isinstance(items, list) and 1 <= len(items) <= MAX_BATCH):
        return error_response(400, "bad_request", f"events is a list of 1 to {MAX_BATCH} events.")
    for index, item in enumerate(items):
        problem = _validate(topping, item, modules)
        if problem is not None:
            if batch:  # say which one; nothing of the batch is stored
                body = json.loads(problem.content)
                body["index"] = index
                return JsonResponse(body, status=problem.status_code)
            return problem
    events = record_events(
        [
            new_event(
                topping,
                module=item["module"],
                operation=item["operation"],
                record=item["record"],
                previous=item.get("previous"),
                environment=Environment.PRODUCTION,
            )
            for item in items
        ],
        modules,
    )
    if batch:
        return Status(202, {"event_ids": [e.pk for e in events], "status": "accepted"})
    return Status(202, {"event_id": events[0].pk, "status": "accepted"})


def _declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _validate(topping, payload: Any, modules: dict) -> JsonResponse | None:
    if not isinstance(payload, dict):
        return error_response(400, "bad_request", "Send a JSON object.")
    unknown = set(payload) - {"module", "operation", "record", "previous"}
    if unknown:
        return error_response(400, "bad_request", f"Unknown keys: {', '.join(sorted(unknown))}.")
    name = payload.get("module")
    if isinstance(name, str) and name not in modules:
        modules[name] = schema.get_module(topping, name)
    module = modules.get(name) if isinstance(name, str) else None
    if module is None:
        known = ", ".join(schema.module_names())
        return error_response(422, "unknown_module", f"Unknown module. Known modules: {known}.")
    if payload.get("operation") not in OPERATIONS:
        return error_response(422, "bad_operation", "operation is one of create, edit, delete.")
    for key in ("record", "previous"):
        value = payload.get(key)
        if value is None and key == "previous":
            continue
        try:
            schema.validate_record(module, value, partial=True)
        except schema.RecordError as error:
            return error_response(
                422,
                "invalid_record",
                f"The {key} does not fit {module.api_name}.",
                fields=error.errors,
            )
        unstorable = unstorable_fields(value)
        if unstorable:
            return error_response(
                422,
                "invalid_record",
                f"The {key} does not fit {module.api_name}.",
                fields=unstorable,
            )
    if not str(payload["record"].get("ID") or "").strip():
        return error_response(
            422, "invalid_record", "The record needs its ID.", fields={"ID": "is required"}
        )
    return None


@router.get(
    "/toppings/{namespace}/executions",
    auth=ToppingKey(),
    response=list[ExecutionOut],
    url_name="topping_executions",
)
def list_executions(request: HttpRequest, namespace: str, filters: Query[ExecutionFilter]):
    """The topping's most recent executions, newest first."""
    topping = own_topping(request, namespace)
    if topping is None:
        return error_response(404, "not_found", "No such topping.")
    rows = Execution.objects.filter(topping=topping)
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.rule:
        rows = rows.filter(rule_id=filters.rule)
    return list(rows[: max(1, min(filters.limit, 500))])


@router.get(
    "/toppings/{namespace}/executions/{execution_id}",
    auth=ToppingKey(),
    response=ExecutionOut,
    url_name="topping_execution",
)
def get_execution(request: HttpRequest, namespace: str, execution_id: Int64):
    topping = own_topping(request, namespace)
    execution = Execution.objects.filter(topping=topping, pk=execution_id).first()
    if topping is None or execution is None:
        return error_response(404, "not_found", "No such execution.")
    return execution
