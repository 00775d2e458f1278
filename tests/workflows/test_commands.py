"""Operator commands of the workflows app."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from workflows.models import Event, Execution


def _execution(topping, status: str, age_days: int, key: str) -> Execution:
    when = timezone.now() - dt.timedelta(days=age_days)
    event = Event.objects.create(
        topping=topping, module="Contacts", operation="create", occurred_at=when, dispatched_at=when
    )
    execution = Execution.objects.create(
        topping=topping,
        event=event,
        kind="webhook",
        idempotency_key=key,
        status=status,
        due_at=when,
    )
    Execution.objects.filter(pk=execution.pk).update(created_at=when)
    return execution


def test_prune_deletes_only_old_finished_runs(topping):
    old_done = _execution(topping, "succeeded", 40, "a")
    old_failed = _execution(topping, "failed", 40, "b")
    old_waiting = _execution(topping, "retrying", 40, "c")
    recent = _execution(topping, "succeeded", 2, "d")
    out = StringIO()
    call_command("prune_executions", "--days", "30", stdout=out)
    assert "Deleted 2 executions" in out.getvalue()
    left = set(Execution.objects.values_list("pk", flat=True))
    assert left == {old_waiting.pk, recent.pk}
    assert not Event.objects.filter(pk__in=[old_done.event_id, old_failed.event_id]).exists()
    assert Event.objects.filter(pk=old_waiting.event_id).exists()


def test_prune_dry_run_and_bad_days(topping):
    _execution(topping, "succeeded", 40, "a")
    out = StringIO()
    call_command("prune_executions", "--dry-run", stdout=out)
    assert "Would delete 1 executions" in out.getvalue()
    assert Execution.objects.count() == 1
    with pytest.raises(CommandError):
        call_command("prune_executions", "--days", "0")
