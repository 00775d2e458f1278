"""Running one execution: claim it, perform its action, record the outcome.

A run first claims its row with one conditional UPDATE (queued or retrying and due, or
running with an expired lease). A task delivered twice finds nothing to claim and does
nothing, so side effects are not repeated. The outcome is written only if the row still
belongs to this attempt: a run that outlived its lease and was taken over cannot
overwrite the newer attempt. Transient failures (timeouts, refused connections, 429 and
5xx) come back with exponential backoff until ``max_attempts``; others fail at once.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

import deluge
from console.models import Topping
from deluge.support import truncated_marker
from workflows import dispatch, functions, records, schema
from workflows.hooks import ENVIRONMENT_HOSTS
from workflows.host import TransientError, WorkflowHost, is_transient_status
from workflows.models import Action, Execution

logger = logging.getLogger(__name__)

RUNNABLE = (Execution.Status.QUEUED, Execution.Status.RETRYING)
# Runs that are not a rule's action: their arguments are given, not mapped from a record.
DIRECT_KINDS = ("test", "install")
_PLACEHOLDER = re.compile(r"\$\{\s*([A-Za-z0-9_]+)\.([A-Za-z0-9_]+)\s*\}")
MAX_STORED_TEXT = 64 * 1024  # characters of a stored return value or arguments (as JSON)
MAX_STORED_FIELD = 2000  # characters of one call's URL or error, or of an error message


@dataclass
class Outcome:
    ok: bool
    transient: bool = False
    error: dict | None = None
    return_value: Any = None
    info_lines: list = field(default_factory=list)
    calls: list = field(default_factory=list)


def backoff(attempt: int) -> dt.timedelta:
    """Seconds before retry ``attempt`` + 1: base, 2 x base, 4 x base, ... capped at a day."""
    seconds = settings.WORKFLOW_RETRY_BASE_SECONDS * 2 ** max(0, attempt - 1)
    return dt.timedelta(seconds=min(seconds, 86400))


def claim_many(execution_ids: list[int]) -> list[Execution]:
    """Claim whichever of these executions are due (or whose lease ran out), in one go.

    The rows are selected under a lock (PostgreSQL row locks; SQLite's write lock, taken
    at BEGIN IMMEDIATE) and moved to running with a fresh lease, so two workers never
    claim the same attempt.
    """
    now = timezone.now()
    lease = now + dt.timedelta(seconds=settings.WORKFLOW_LEASE_SECONDS)
    claimable = Q(status__in=RUNNABLE, due_at__lte=now) | Q(
        status=Execution.Status.RUNNING, lease_until__lt=now
    )
    with transaction.atomic():
        ids = list(
            Execution.objects.select_for_update()
            .filter(claimable, pk__in=execution_ids, attempts__lt=F("max_attempts"))
            .values_list("pk", flat=True)
        )
        if not ids:
            return []
        Execution.objects.filter(pk__in=ids).update(
            status=Execution.Status.RUNNING,
            attempts=F("attempts") + 1,
            lease_until=lease,
            started_at=now,
        )
    rows = list(
        Execution.objects.select_related("action", "function", "event")
        .filter(pk__in=ids)
        .order_by("pk")
    )
    for execution in rows:
        execution.topping = _topping(execution.topping_id)
    return rows


def claim(execution_id: int) -> Execution | None:
    claimed = claim_many([execution_id])
    return claimed[0] if claimed else None


_toppings: dict[int, tuple[float, Topping]] = {}


def _topping(topping_id: int) -> Topping:
    """Toppings barely change (the namespace never does): keep them for a few seconds."""
    now = time.monotonic()
    cached = _toppings.get(topping_id)
    if cached is None or cached[0] < now:
        cached = (now + 5.0, Topping.objects.get(pk=topping_id))
        _toppings[topping_id] = cached
    return cached[1]


def run_execution(execution_id: int) -> str | None:
    """Claim and run one execution; returns its new status, or None if nothing was done."""
    return run_executions([execution_id])[execution_id]


def run_executions(execution_ids: list[int]) -> dict[int, str | None]:
    """Claim and run executions one after another; each id maps to its new status, or to
    None when there was nothing to claim (done already, not due, or running elsewhere)."""
    statuses: dict[int, str | None] = dict.fromkeys(execution_ids)
    for execution in claim_many(execution_ids):
        started = time.perf_counter()
        try:
            outcome = perform(execution)
        except Exception as error:  # a bug of ours must not leave the run hanging
            logger.exception("execution %s crashed", execution.pk)
            outcome = Outcome(False, error={"message": f"Internal error: {type(error).__name__}"})
        statuses[execution.pk] = finish(execution, outcome, time.perf_counter() - started)
    return statuses


def finish(execution: Execution, outcome: Outcome, seconds: float) -> str | None:
    now = timezone.now()
    attempt = execution.attempts
    entry = {
        "attempt": attempt,
        "at": now.isoformat(),
        "ok": outcome.ok,
        "ms": round(seconds * 1000, 1),
    }
    if outcome.error:
        entry["error"] = outcome.error.get("message", "")
    if outcome.ok:
        status = Execution.Status.SUCCEEDED
    elif outcome.transient and attempt < execution.max_attempts:
        status = Execution.Status.RETRYING
    else:
        status = Execution.Status.FAILED
    values = {
        "status": status,
        "finished_at": None if status == Execution.Status.RETRYING else now,
        "duration_ms": round(seconds * 1000, 2),
        "lease_until": None,
        "info_lines": bounded_info(outcome.info_lines),
        "calls": bounded_calls(outcome.calls),
        "return_value": storable(outcome.return_value),
        "error": bounded_error(outcome.error),
        "log": [*execution.log, entry],
    }
    if execution.kind not in DIRECT_KINDS:
        values["arguments"] = storable(execution.arguments)
    if status == Execution.Status.RETRYING:
        values.update(due_at=now + backoff(attempt), enqueued_at=None)
    updated = Execution.objects.filter(
        pk=execution.pk, status=Execution.Status.RUNNING, attempts=attempt
    ).update(**values)
    return status if updated else None


def truncated(limit: int) -> str:
    return f"… output truncated at {limit:,} characters"


def storable(value: Any) -> Any:
    """A JSON-safe copy; past ``MAX_STORED_TEXT`` the JSON text, cut, with the marker."""
    text = json.dumps(value, default=str)
    if len(text) > MAX_STORED_TEXT:
        return {"truncated": text[:MAX_STORED_TEXT] + " " + truncated(MAX_STORED_TEXT)}
    return json.loads(text)


def _cut(text: Any, limit: int = MAX_STORED_FIELD) -> Any:
    if isinstance(text, str) and len(text) > limit:
        return text[:limit] + " " + truncated(limit)
    return text


def bounded_info(lines: list[str]) -> list[str]:
    """At most ``DELUGE_MAX_INFO_CHARS`` of info output (the engine stops collecting there
    already; this holds for any host), the last line saying where it was cut."""
    limit = settings.DELUGE_MAX_INFO_CHARS
    if lines and lines[-1] == truncated_marker(limit):
        return lines  # the engine cut them at this limit already
    room, kept = limit, []
    for line in lines:
        if len(line) > room:
            kept.append(line[:room])
            kept.append(truncated(limit))
            break
        room -= len(line)
        kept.append(line)
    return kept


def bounded_calls(calls: list[dict]) -> list[dict]:
    """At most ``WORKFLOW_MAX_STORED_CALLS`` call records, each URL and error cut short; a
    last record says how many more calls were made."""
    limit = settings.WORKFLOW_MAX_STORED_CALLS
    kept = [
        {key: _cut(value) if key in ("url", "error") else value for key, value in call.items()}
        for call in calls[:limit]
    ]
    if len(calls) > limit:
        more = len(calls) - limit
        kept.append({"kind": "truncated", "error": f"… {more:,} more calls not stored"})
    return kept


def bounded_error(error: dict | None) -> dict | None:
    if not error:
        return error
    return {key: _cut(value) for key, value in error.items()}


# ------------------------------------------------------------------------------ actions


def perform(execution: Execution) -> Outcome:
    if execution.kind == Action.Kind.FUNCTION or execution.kind in DIRECT_KINDS:
        return run_function(execution)
    if execution.kind == Action.Kind.WEBHOOK:
        return run_webhook(execution)
    if execution.kind == Action.Kind.FIELD_UPDATE:
        return run_field_update(execution)
    return Outcome(False, error={"message": f"Unknown action kind {execution.kind!r}."})


def new_host(execution: Execution) -> WorkflowHost:
    factory = ENVIRONMENT_HOSTS.get(execution.environment, WorkflowHost)
    return factory(
        execution.topping,
        environment=execution.environment,
        user=execution.user,
        idempotency_key=execution.idempotency_key,
    )


def function_arguments(execution: Execution) -> dict:
    """The arguments of a rule's function action, from its mapping and the event's record."""
    action, event = execution.action, execution.event
    record = event.record if event is not None else {}
    shaped = dispatch.record_map(execution.module, record)
    mapping = (action.config or {}).get("arguments", {}) if action else {}
    arguments = {}
    for param in execution.function.params:
        source = mapping.get(param["name"], {})
        kind, value = source.get("source", "constant"), source.get("value", "")
        if kind == "record":
            arguments[param["name"]] = shaped
        elif kind == "field":
            arguments[param["name"]] = record.get(value)
        else:
            arguments[param["name"]] = functions.coerce_argument(param["type"], value)
    return arguments


def script_limits() -> deluge.Limits:
    """The engine's limits with the ones the settings choose."""
    return deluge.Limits(
        max_info_chars=settings.DELUGE_MAX_INFO_CHARS,
        max_regex_seconds=settings.DELUGE_MAX_REGEX_SECONDS,
    )


def run_function(execution: Execution) -> Outcome:
    function = execution.function
    if function is None:
        return Outcome(False, error={"message": "The function of this action was deleted."})
    try:
        script = functions.compile_function(function)
    except deluge.DelugeSyntaxError as error:
        return Outcome(False, error=error.to_dict())
    if execution.kind in DIRECT_KINDS:
        arguments = execution.arguments
    else:
        try:
            arguments = function_arguments(execution)
        except ValueError as error:
            return Outcome(False, error={"message": f"Argument {error}"})
        execution.arguments = arguments
    host = new_host(execution)
    result = script.run(arguments, host=host, limits=script_limits())
    error = None
    if result.error is not None:
        functions.body_position(function, result.error)  # positions as the editor shows them
        error = result.error.to_dict()
        if result.error.source_line is not None:
            error["source_line"] = result.error.source_line
    return Outcome(
        result.ok,
        transient=isinstance(result.error, TransientError),
        error=error,
        return_value=result.return_value,
        info_lines=list(result.info_lines),
        calls=host.calls,
    )


def fill_template(text: str, module: str, record: dict, *, encode: bool = False) -> str:
    """Replace ``${Module.Field}`` with the record's values (URL-encoded in URLs)."""

    def value(match: re.Match) -> str:
        owner, name = match.groups()
        if owner != module:
            return match.group(0)
        raw = record.get(name)
        if isinstance(raw, dict):
            raw = raw.get("name", raw.get("id", ""))
        text = "" if raw is None else json.dumps(raw) if isinstance(raw, list) else str(raw)
        return quote(text, safe="") if encode else text

    return _PLACEHOLDER.sub(value, text)


def run_webhook(execution: Execution) -> Outcome:
    config = execution.action.config if execution.action else {}
    record = execution.event.record if execution.event else {}
    module = execution.module
    method = str(config.get("method", "POST")).upper()
    url = fill_template(config.get("url", ""), module, record, encode=True)
    headers = {str(k): fill_template(str(v), module, record) for k, v in config.get("headers", [])}
    headers["Idempotency-Key"] = execution.idempotency_key
    body = config.get("body") or None
    if body is not None:
        body = fill_template(body, module, record)
        headers.setdefault("Content-Type", "application/json")
    host = new_host(execution)
    try:
        response = host.http(
            method,
            url,
            connection=config.get("connection") or None,
            headers=headers,
            body=body if method not in ("GET", "DELETE") else None,
            kind="webhook",
        )
    except deluge.DelugeRuntimeError as error:
        return _host_failure(error, host)
    returned = response.text[:2000]
    if response.status >= 400:
        return Outcome(
            False,
            transient=is_transient_status(response.status),
            error={"message": f"{method} answered {response.status}"},
            return_value=returned,
            calls=host.calls,
        )
    return Outcome(True, return_value=returned, calls=host.calls)


def _host_failure(error: deluge.DelugeRuntimeError, host: WorkflowHost) -> Outcome:
    """A call the host refused or that failed on the way (transient ones are retried)."""
    transient = isinstance(error, TransientError)
    return Outcome(False, transient=transient, error={"message": error.message}, calls=host.calls)


def run_field_update(execution: Execution) -> Outcome:
    config = execution.action.config if execution.action else {}
    module = schema.get_module(execution.topping, execution.module)
    field_name, value = config.get("field", ""), config.get("value")
    field_def = module.field(field_name) if module else None
    if field_def is None or field_def.get("read_only"):
        return Outcome(False, error={"message": f"{field_name} cannot be updated."})
    problem = schema.check_value(field_def, value)
    if problem:
        return Outcome(False, error={"message": f"{field_def['label']} {problem}."})
    host = new_host(execution)
    try:
        answer = host.integration(
            records.host_app(execution.topping),
            "updateRecord",
            [execution.module, execution.record_id, {field_name: value}],
        )
    except deluge.DelugeRuntimeError as error:
        return _host_failure(error, host)
    return Outcome(True, return_value=answer, calls=host.calls)
