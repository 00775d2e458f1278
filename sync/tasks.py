"""django-q2 entry points of module sync: they take ids, the engine does the work."""

from __future__ import annotations

from django.utils import timezone

from sync import engine
from sync.models import SyncPair


def run_pair(pair_id: int, manual: bool = False, full: bool = False) -> str:
    try:
        run = engine.run_pair(pair_id, manual=manual, full=full)
    except engine.Busy:
        return "busy"
    return run.status


def run_due() -> int:
    """Every minute: enqueue the pairs whose interval has come (one task each)."""
    from django_q.tasks import async_task

    due = SyncPair.objects.filter(
        active=True,
        integration__active=True,
        next_run_at__lte=timezone.now(),
        lease_until__isnull=True,
    ).values_list("pk", flat=True)
    count = 0
    for pair_id in due:
        async_task("sync.tasks.run_pair", pair_id, task_name=f"sync pair {pair_id}")
        count += 1
    return count
