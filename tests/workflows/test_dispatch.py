"""Events to executions: every trigger kind, criteria, scheduled actions, idempotent dispatch."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from workflows import dispatch, tasks
from workflows.models import Action, Event, Execution, Rule

CONTACT = {"ID": "1", "Last_Name": "Lovelace", "Email": "ada@example.com"}


@pytest.fixture
def emit(topping, django_capture_on_commit_callbacks):
    def fire(operation: str, record: dict, previous: dict | None = None, module="Contacts"):
        with django_capture_on_commit_callbacks(execute=True):
            event = dispatch.record_event(
                topping, module=module, operation=operation, record=record, previous=previous
            )
        event.refresh_from_db()
        return event

    return fire


@pytest.fixture
def hook():
    return {"kind": Action.Kind.WEBHOOK, "config": {"method": "POST", "url": "http://h/x"}}


def executions(rule: Rule) -> list[Execution]:
    return list(Execution.objects.filter(rule=rule))


def test_create_trigger_runs_only_on_create(emit, make_rule, hook):
    rule = make_rule(trigger=Rule.Trigger.CREATE, actions=[hook])
    emit("edit", CONTACT, CONTACT)
    emit("delete", CONTACT)
    assert executions(rule) == []
    event = emit("create", CONTACT)
    [execution] = executions(rule)
    assert execution.event == event and execution.status == "queued"
    assert execution.idempotency_key == f"{event.pk}:{rule.pk}:{rule.actions.get().pk}"
    assert event.dispatched_at is not None
    assert event.evaluation[0]["matched"] is True


def test_instant_execution_is_queued_as_a_django_q_task_with_only_its_id(emit, make_rule, hook):
    from django_q.models import OrmQ
    from django_q.signing import SignedPackage

    make_rule(trigger=Rule.Trigger.CREATE, actions=[hook])
    emit("create", CONTACT)
    execution = Execution.objects.get()
    [queued] = OrmQ.objects.all()
    task = SignedPackage.loads(queued.payload)
    assert task["func"] == "workflows.tasks.run"
    assert task["args"] == (execution.pk,)
    assert task["kwargs"] == {}


def test_delete_trigger(emit, make_rule, hook):
    rule = make_rule(trigger=Rule.Trigger.DELETE, actions=[hook])
    emit("create", CONTACT)
    assert executions(rule) == []
    emit("delete", CONTACT)
    assert len(executions(rule)) == 1


def test_field_updates_never_run_on_delete(emit, make_rule, hook):
    update = {"kind": Action.Kind.FIELD_UPDATE, "config": {"field": "Title", "value": "x"}}
    rule = make_rule(trigger=Rule.Trigger.DELETE, actions=[hook, update])
    emit("delete", CONTACT)
    assert [e.kind for e in executions(rule)] == ["webhook"]


def test_edit_any_field(emit, make_rule, hook):
    rule = make_rule(trigger=Rule.Trigger.EDIT, actions=[hook])
    emit("create", CONTACT)
    assert executions(rule) == []
    emit("edit", {**CONTACT, "Phone": "123"}, CONTACT)
    assert len(executions(rule)) == 1


def test_edit_specific_fields(emit, make_rule, hook):
    rule = make_rule(trigger=Rule.Trigger.EDIT, trigger_fields=[{"field": "Email"}], actions=[hook])
    emit("edit", {**CONTACT, "Phone": "123"}, CONTACT)
    assert executions(rule) == []
    event = emit("edit", {**CONTACT, "Email": "a@b.co"}, CONTACT)
    assert len(executions(rule)) == 1
    assert event.evaluation[0]["reason"] == "Email changed"


def test_edit_modified_to_a_value(emit, make_rule, hook):
    rule = make_rule(
        module="Deals",
        trigger=Rule.Trigger.EDIT,
        trigger_fields=[{"field": "Stage", "to": "Closed Won"}],
        actions=[hook],
    )
    deal = {"ID": "9", "Deal_Name": "Big", "Stage": "Qualification"}
    emit("edit", {**deal, "Stage": "Negotiation/Review"}, deal, module="Deals")
    assert executions(rule) == []
    emit("edit", {**deal, "Stage": "Closed Won"}, deal, module="Deals")
    assert len(executions(rule)) == 1


def test_create_or_edit_without_repeat_fires_when_criteria_become_true(emit, make_rule, hook):
    rule = make_rule(
        trigger=Rule.Trigger.CREATE_OR_EDIT,
        conditions=[{"field": "Email", "operator": "is_not_empty", "value": ""}],
        actions=[hook],
    )
    no_mail = {**CONTACT, "Email": ""}
    emit("create", no_mail)
    assert executions(rule) == []
    emit("edit", CONTACT, no_mail)
    assert len(executions(rule)) == 1
    emit("edit", {**CONTACT, "Phone": "1"}, CONTACT)  # already matched before: no repeat
    assert len(executions(rule)) == 1


def test_create_or_edit_with_repeat_fires_on_every_edit(emit, make_rule, hook):
    rule = make_rule(trigger=Rule.Trigger.CREATE_OR_EDIT, repeat_on_every_edit=True, actions=[hook])
    emit("create", CONTACT)
    emit("edit", {**CONTACT, "Phone": "1"}, CONTACT)
    emit("edit", {**CONTACT, "Phone": "2"}, {**CONTACT, "Phone": "1"})
    assert len(executions(rule)) == 3


def test_criteria_pattern_and_trace(emit, make_rule, hook):
    rule = make_rule(
        trigger=Rule.Trigger.CREATE,
        conditions=[
            {"field": "Email", "operator": "ends_with", "value": "@example.com"},
            {"field": "Last_Name", "operator": "is", "value": "Hopper"},
            {"field": "Title", "operator": "contains", "value": "CTO"},
        ],
        pattern="(1 and 2) or 3",
        actions=[hook],
    )
    event = emit("create", CONTACT)
    assert executions(rule) == []
    [entry] = event.evaluation
    assert entry["matched"] is False and entry["reason"] == "criteria not met"
    assert [c["result"] for c in entry["conditions"]] == [True, False, False]
    emit("create", {**CONTACT, "ID": "2", "Title": "CTO"})
    assert len(executions(rule)) == 1


def test_inactive_rules_and_other_modules_do_not_run(emit, make_rule, hook):
    make_rule(trigger=Rule.Trigger.CREATE, active=False, actions=[hook])
    make_rule(module="Deals", trigger=Rule.Trigger.CREATE, actions=[hook])
    emit("create", CONTACT)
    assert Execution.objects.count() == 0


def test_scheduled_action_waits_for_its_time(emit, make_rule, hook, drain):
    rule = make_rule(
        trigger=Rule.Trigger.CREATE,
        actions=[{**hook, "delay": 2, "delay_unit": "hours"}],
    )
    event = emit("create", CONTACT)
    [execution] = executions(rule)
    assert execution.due_at == event.occurred_at + dt.timedelta(hours=2)
    assert execution.enqueued_at is None
    assert tasks.pump(now=timezone.now())["due"] == 0
    counts = tasks.pump(now=timezone.now() + dt.timedelta(hours=2, seconds=1))
    assert counts["due"] == 1
    execution.refresh_from_db()
    assert execution.enqueued_at is not None


def test_date_field_trigger_schedules_relative_to_the_field(emit, make_rule, hook):
    rule = make_rule(
        module="Tasks",
        trigger=Rule.Trigger.DATE_FIELD,
        date_field="Due_Date",
        offset_minutes=-24 * 60,
        actions=[hook],
    )
    due = (timezone.now() + dt.timedelta(days=10)).date()
    task = {"ID": "5", "Subject": "Call", "Due_Date": due.isoformat()}
    emit("create", task, module="Tasks")
    [execution] = executions(rule)
    expected = dt.datetime.combine(due, dt.time(), tzinfo=dt.UTC) - dt.timedelta(days=1)
    assert execution.due_at == expected
    # Moving the date replaces the waiting run; a date in the past schedules nothing.
    later = (due + dt.timedelta(days=3)).isoformat()
    emit("edit", {**task, "Due_Date": later}, task, module="Tasks")
    assert [e.due_at.date().isoformat() for e in executions(rule)] == [
        (due + dt.timedelta(days=2)).isoformat()
    ]
    emit("create", {**task, "ID": "6", "Due_Date": "2001-01-01"}, module="Tasks")
    assert len(executions(rule)) == 1


def test_schedule_trigger_fires_on_its_recurrence(
    topping, make_rule, hook, django_capture_on_commit_callbacks
):
    start = timezone.now() + dt.timedelta(minutes=5)
    rule = make_rule(
        trigger=Rule.Trigger.SCHEDULE,
        schedule_at=start,
        recurrence=Rule.Recurrence.DAILY,
        next_run_at=start,
        actions=[hook],
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.pump(now=timezone.now())["scheduled_rules"] == 0
        assert tasks.pump(now=start + dt.timedelta(seconds=1))["scheduled_rules"] == 1
        assert tasks.pump(now=start + dt.timedelta(seconds=2))["scheduled_rules"] == 0
    rule.refresh_from_db()
    assert rule.next_run_at == start + dt.timedelta(days=1)
    [execution] = executions(rule)
    assert execution.event.operation == Event.Operation.SCHEDULE


def test_record_event_rolled_back_never_runs(
    topping, make_rule, hook, django_capture_on_commit_callbacks
):
    make_rule(trigger=Rule.Trigger.CREATE, actions=[hook])
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        dispatch.record_event(topping, module="Contacts", operation="create", record=CONTACT)
        raise RuntimeError("the change failed")
    assert callbacks == []
    assert Event.objects.count() == 0 and Execution.objects.count() == 0


def test_dispatching_twice_creates_nothing_twice(emit, make_rule, hook):
    rule = make_rule(trigger=Rule.Trigger.CREATE, actions=[hook])
    event = emit("create", CONTACT)
    assert dispatch.dispatch_event(event.pk) == []
    Event.objects.filter(pk=event.pk).update(dispatched_at=None)
    dispatch.dispatch_event(event.pk)
    assert len(executions(rule)) == 1


def test_pump_dispatches_an_event_whose_dispatch_was_lost(topping, make_rule, hook):
    rule = make_rule(trigger=Rule.Trigger.CREATE, actions=[hook])
    Event.objects.create(
        topping=topping,
        module="Contacts",
        operation="create",
        record=CONTACT,
        occurred_at=timezone.now() - dt.timedelta(minutes=1),
    )
    assert tasks.pump()["events"] == 1
    assert len(executions(rule)) == 1


def test_record_map_has_plain_and_module_keys():
    shaped = dispatch.record_map("Contacts", {"ID": "1", "Email": "a@b.co"})
    assert shaped["ID"] == shaped["Contacts.ID"] == "1"
    assert shaped["Contacts.Email"] == "a@b.co"


def test_a_batch_of_events_is_dispatched_together_in_chunked_tasks(
    topping, make_rule, hook, django_capture_on_commit_callbacks
):
    from django_q.models import OrmQ
    from django_q.signing import SignedPackage

    rule = make_rule(
        trigger=Rule.Trigger.CREATE,
        conditions=[{"field": "Email", "operator": "is_not_empty", "value": ""}],
        actions=[hook],
    )
    batch = [
        dispatch.new_event(
            topping,
            module="Contacts",
            operation="create",
            record={"ID": str(i), "Last_Name": "B", "Email": "" if i % 5 == 0 else f"{i}@e.co"},
        )
        for i in range(30)
    ]
    with django_capture_on_commit_callbacks(execute=True):
        dispatch.record_events(batch)
    assert Event.objects.filter(dispatched_at__isnull=False).count() == 30
    assert len(executions(rule)) == 24  # the 6 without e-mail do not match
    payloads = [SignedPackage.loads(row.payload) for row in OrmQ.objects.all()]
    ids = [pk for payload in payloads for pk in payload["args"]]
    assert sorted(ids) == sorted(e.pk for e in executions(rule))
    assert [len(p["args"]) for p in payloads] == [10, 10, 4]


def test_a_task_with_several_ids_runs_each(emit, make_rule, echo_server, loopback_allowed):
    make_rule(
        trigger=Rule.Trigger.CREATE,
        actions=[{"kind": Action.Kind.WEBHOOK, "config": {"url": echo_server.url}}],
    )
    emit("create", CONTACT)
    emit("create", {**CONTACT, "ID": "2"})
    first, second = Execution.objects.order_by("pk").values_list("pk", flat=True)
    assert tasks.run(first, second) == ["succeeded", "succeeded"]
    assert tasks.run(first, second) == [None, None]
    assert len(echo_server.requests) == 2
