"""Handing executions to django-q2: tasks carry execution ids only, in small chunks."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django_q.tasks import async_task

from workflows.models import Execution

# Executions queued together (one event batch) travel in tasks of up to this many ids.
CHUNK = 10


def enqueue(execution_ids: list[int]) -> None:
    for start in range(0, len(execution_ids), CHUNK):
        chunk = execution_ids[start : start + CHUNK]
        async_task("workflows.tasks.run", *chunk, save=False, task_name=f"execution-{chunk[0]}")


def requeue_failed(execution: Execution) -> None:
    """Queue a failed run again with a fresh set of attempts."""
    Execution.objects.filter(pk=execution.pk, status=Execution.Status.FAILED).update(
        status=Execution.Status.QUEUED,
        due_at=timezone.now(),
        enqueued_at=timezone.now(),
        max_attempts=F("attempts") + settings.WORKFLOW_MAX_ATTEMPTS,
        finished_at=None,
    )
    transaction.on_commit(lambda: enqueue([execution.pk]))
