"""The pump: what makes the system durable, run by django-q2 every minute (``tasks.pump``).

It dispatches events whose dispatch was lost, queues scheduled and retrying executions when
they fall due, re-queues runs whose worker died (lease expired), fails runs with no attempt
left, and fires scheduled rules.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from workflows.dispatch import dispatch_event, record_event
from workflows.models import Environment, Event, Execution, Rule
from workflows.queue import enqueue

logger = logging.getLogger(__name__)

# An instant execution queued this long ago and still not claimed is queued again.
STALE_QUEUE = dt.timedelta(minutes=5)
UNDISPATCHED_GRACE = dt.timedelta(seconds=30)


def fire_scheduled_rules(now: dt.datetime) -> int:
    fired = 0
    for rule in Rule.objects.filter(
        trigger=Rule.Trigger.SCHEDULE, active=True, next_run_at__lte=now
    ).select_related("topping"):
        with transaction.atomic():
            claimed = Rule.objects.filter(pk=rule.pk, next_run_at=rule.next_run_at).update(
                next_run_at=rule.next_run(now)
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
