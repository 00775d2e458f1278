"""django-q2 entry points. Tasks carry only ids; everything else is read from the database.

``pump`` runs on a schedule (migration 0002, every minute) and is what makes the system
durable: it dispatches events whose dispatch was lost, queues scheduled and retrying
executions when they fall due, re-queues runs whose worker died (lease expired) and fires
scheduled rules.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django_q.tasks import async_task

from workflows.models import Environment, Event, Execution, Rule

logger = logging.getLogger(__name__)

# An instant execution queued this long ago and still not claimed is queued again.
STALE_QUEUE = dt.timedelta(minutes=5)
UNDISPATCHED_GRACE = dt.timedelta(seconds=30)


# Executions queued together (one event batch) travel in tasks of up to this many ids.
CHUNK = 10


def enqueue(execution_ids: list[int]) -> None:
    for start in range(0, len(execution_ids), CHUNK):
        chunk = execution_ids[start : start + CHUNK]
        async_task("workflows.tasks.run", *chunk, save=False, task_name=f"execution-{chunk[0]}")


def run(*execution_ids: int) -> list[str | None] | str | None:
    """Run executions by id; each is claimed on its own, so a re-delivery does nothing."""
    from workflows.runner import run_executions

    statuses = list(run_executions(list(execution_ids)).values())
    return statuses[0] if len(statuses) == 1 else statuses


def retry(execution: Execution) -> None:
    """Queue a failed run again with a fresh set of attempts."""
    Execution.objects.filter(pk=execution.pk, status=Execution.Status.FAILED).update(
        status=Execution.Status.QUEUED,
        due_at=timezone.now(),
        enqueued_at=timezone.now(),
        max_attempts=F("attempts") + settings.WORKFLOW_MAX_ATTEMPTS,
        finished_at=None,
    )
    transaction.on_commit(lambda: enqueue([execution.pk]))


def next_run(rule: Rule, after: dt.datetime) -> dt.datetime | None:
    """The first run of a scheduled rule strictly after ``after``."""
    if rule.schedule_at is None:
        return None
    when = rule.schedule_at
    if rule.recurrence in ("", Rule.Recurrence.ONCE):
        return when if when > after else None
    step = {"daily": dt.timedelta(days=1), "weekly": dt.timedelta(weeks=1)}.get(rule.recurrence)
    while when <= after:
        if step is not None:
            when += step
        else:  # monthly, on the same day (or the month's last day)
            month = when.month % 12 + 1
            year = when.year + (when.month == 12)
            day = min(rule.schedule_at.day, _days_in(year, month))
            when = when.replace(year=year, month=month, day=day)
    return when


def _days_in(year: int, month: int) -> int:
    following = dt.date(year + (month == 12), month % 12 + 1, 1)
    return (following - dt.timedelta(days=1)).day


def fire_scheduled_rules(now: dt.datetime) -> int:
    from workflows.dispatch import record_event

    fired = 0
    for rule in Rule.objects.filter(
        trigger=Rule.Trigger.SCHEDULE, active=True, next_run_at__lte=now
    ).select_related("topping"):
        with transaction.atomic():
            claimed = Rule.objects.filter(pk=rule.pk, next_run_at=rule.next_run_at).update(
                next_run_at=next_run(rule, now)
            )
            if not claimed:
                continue  # another pump took it
            record_event(
                rule.topping,
                module=rule.module,
                operation=Event.Operation.SCHEDULE,
                record={},
                environment=Environment.PRODUCTION,
                rule=rule,
            )
            fired += 1
    return fired


def pump(now: dt.datetime | None = None) -> dict:
    """Queue whatever is due or stranded; returns counts (for logs and tests)."""
    from workflows.dispatch import dispatch_event

    now = now or timezone.now()
    counts = {"events": 0, "due": 0, "reclaimed": 0, "given_up": 0, "scheduled_rules": 0}
    for event_id in Event.objects.filter(
        dispatched_at__isnull=True, occurred_at__lt=now - UNDISPATCHED_GRACE
    ).values_list("pk", flat=True)[:500]:
        dispatch_event(event_id)
        counts["events"] += 1
    # Runs whose worker died and that have no attempt left fail visibly.
    counts["given_up"] = Execution.objects.filter(
        status=Execution.Status.RUNNING, lease_until__lt=now, attempts__gte=F("max_attempts")
    ).update(
        status=Execution.Status.FAILED,
        finished_at=now,
        lease_until=None,
        error={"message": "The worker running this was lost and no attempt is left."},
    )
    due = Q(status__in=(Execution.Status.QUEUED, Execution.Status.RETRYING), due_at__lte=now) & (
        Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=now - STALE_QUEUE)
    )
    stranded = Q(status=Execution.Status.RUNNING, lease_until__lt=now)
    ids = list(Execution.objects.filter(due | stranded).values_list("pk", "status")[:2000])
    if ids:
        Execution.objects.filter(pk__in=[pk for pk, _ in ids]).update(enqueued_at=now)
        enqueue([pk for pk, _ in ids])
    counts["reclaimed"] = sum(1 for _, status in ids if status == Execution.Status.RUNNING)
    counts["due"] = len(ids) - counts["reclaimed"]
    counts["scheduled_rules"] = fire_scheduled_rules(now)
    if any(counts.values()):
        logger.info("workflow pump: %s", counts)
    return counts
