"""Running one execution: claim it, perform its action, record the outcome.

A run first claims its row with one conditional UPDATE (queued or retrying and due, or
running with an expired lease). A task delivered twice finds nothing to claim and does
nothing, so side effects are not repeated. The outcome is written only if the row still
belongs to this attempt: a run that outlived its lease and was taken over cannot
overwrite the newer attempt. Transient failures (timeouts, refused connections, 429 and
5xx) come back with exponential backoff until ``max_attempts``; others fail at once.
What each kind of action does when it runs is its module's ``run`` in ``workflows.actions``.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from console.models import Topping
from deluge.support import truncated_marker
from workflows.actions import kind_for_run
from workflows.models import Execution
from workflows.outcome import Outcome, failure
from workflows.schemas import Attempt, ErrorInfo, dump_list

logger = logging.getLogger(__name__)

RUNNABLE = (Execution.Status.QUEUED, Execution.Status.RETRYING)
MAX_STORED_TEXT = 64 * 1024  # characters of a stored return value or arguments (as JSON)
MAX_STORED_FIELD = 2000  # characters of one call's URL or error, or of an error message


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
            outcome = failure(f"Internal error: {type(error).__name__}")
        statuses[execution.pk] = finish(execution, outcome, time.perf_counter() - started)
    return statuses


def finish(execution: Execution, outcome: Outcome, seconds: float) -> str | None:
    now = timezone.now()
    attempt = execution.attempts
    entry = Attempt(
        attempt=attempt,
        at=now.isoformat(),
        ok=outcome.ok,
        ms=round(seconds * 1000, 1),
        error=outcome.error.message if outcome.error else None,
    )
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
        "log": dump_list([*execution.attempt_log(), entry]),
    }
    if not execution.is_direct:
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


def bounded_error(error: ErrorInfo | None) -> dict | None:
    if error is None:
        return None
    return {key: _cut(value) for key, value in error.dump().items()}


# ------------------------------------------------------------------------------ actions


def perform(execution: Execution) -> Outcome:
    kind = kind_for_run(execution.kind)
    if kind is None:
        return failure(f"Unknown action kind {execution.kind!r}.")
    return kind.run(execution)
