"""From a host event to executions.

``record_event`` stores an event in the caller's transaction and dispatches it once that
commits (an event whose transaction rolls back never runs). Dispatch evaluates the rules
of the event's module, stores what matched and why, and creates one Execution per action
of each matching rule, keyed by (event, rule, action) so that dispatching twice creates
nothing twice. Instant executions are queued at once; scheduled ones wait for their time.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.utils import timezone

from workflows import criteria, queue, schema
from workflows.hooks import RULE_SOURCES
from workflows.models import Action, Environment, Event, Execution, Rule
from workflows.schemas import RuleEvaluation, dump_list

logger = logging.getLogger(__name__)


def rules_for(event: Event) -> list[Rule]:
    if event.rule_id is not None:  # a scheduled rule's own event
        return [event.rule]
    for source in RULE_SOURCES:
        rules = source(event)
        if rules is not None:
            return list(rules)
    actions = Prefetch("actions", queryset=Action.objects.select_related("function"))
    return list(
        Rule.objects.filter(topping_id=event.topping_id, module=event.module, active=True)
        .prefetch_related(actions)
        .order_by("pk")
    )


def record_map(module: str, record: dict) -> dict:
    """The record as a function sees it: each field under ``Field`` and ``Module.Field``."""
    shaped = dict(record)
    shaped.update({f"{module}.{key}": value for key, value in record.items() if "." not in key})
    return shaped


def new_event(
    topping,
    *,
    module: str,
    operation: str,
    record: dict,
    previous: dict | None = None,
    environment: str = Environment.PRODUCTION,
    user=None,
    version: int | None = None,
    rule: Rule | None = None,
) -> Event:
    """An unsaved event (``record_events`` stores a list of them at once)."""
    return Event(
        topping=topping,
        environment=environment,
        module=module,
        operation=operation,
        record_id=str(record.get("ID", record.get("id", "")) or "")[:64],
        record=record,
        previous=previous,
        user=user,
        version=version,
        rule=rule,
        occurred_at=timezone.now(),
    )


def record_events(events: list[Event], modules: dict | None = None) -> list[Event]:
    """Store events in the current transaction; they are dispatched after the commit."""
    with transaction.atomic():
        stored = Event.objects.bulk_create(events)
        transaction.on_commit(lambda: dispatch_events(stored, modules))
    return stored


def record_event(topping, **fields) -> Event:
    """Store one event (see ``new_event`` for the fields); dispatched after the commit."""
    return record_events([new_event(topping, **fields)])[0]


# ------------------------------------------------------------------------------ matching


def _changed(rule: Rule, record: dict, previous: dict | None) -> tuple[bool, str]:
    trigger_fields = rule.trigger_field_list()
    if not trigger_fields:
        return True, "edited"
    previous = previous or {}
    for entry in trigger_fields:
        name, target = entry.field, entry.to
        if record.get(name) == previous.get(name):
            continue
        if not target or criteria.as_text(record.get(name)) == target:
            return True, f"{name} changed" + (f" to {target}" if target else "")
    fields = ", ".join(e.field for e in trigger_fields)
    return False, f"none of {fields} changed as required"


def trigger_fires(rule: Rule, event: Event, module: schema.Module) -> tuple[bool, str]:
    """Whether the rule's trigger fires on the event, and why (for the trace)."""
    op, trigger = event.operation, rule.trigger
    if op == Event.Operation.SCHEDULE or trigger == Rule.Trigger.SCHEDULE:
        fires = op == Event.Operation.SCHEDULE and trigger == Rule.Trigger.SCHEDULE
        return fires, "scheduled time reached" if fires else "runs on its schedule only"
    if trigger == Rule.Trigger.CREATE:
        return op == "create", "created" if op == "create" else f"trigger is create, not {op}"
    if trigger == Rule.Trigger.DELETE:
        return op == "delete", "deleted" if op == "delete" else f"trigger is delete, not {op}"
    if trigger == Rule.Trigger.EDIT:
        if op != "edit":
            return False, f"trigger is edit, not {op}"
        return _changed(rule, event.record, event.previous)
    if trigger == Rule.Trigger.CREATE_OR_EDIT:
        if op == "create":
            return True, "created"
        if op != "edit":
            return False, f"trigger is create or edit, not {op}"
        if not rule.repeat_on_every_edit and event.previous is not None:
            before = criteria.evaluate(module, rule.condition_list(), rule.pattern, event.previous)
            if before.matched:
                return False, "already met the criteria before this edit (repeat is off)"
        return True, "edited"
    if trigger == Rule.Trigger.DATE_FIELD:
        if op == "delete":
            return False, "record deleted"
        return bool(event.record.get(rule.date_field)), f"{rule.date_field} is set"
    return False, f"trigger {trigger} does not run on record events"


def due_time(rule: Rule, event: Event, action: Action) -> dt.datetime | None:
    """When the action runs: the event time plus its delay, or the date field's time."""
    base = event.occurred_at
    if rule.trigger == Rule.Trigger.DATE_FIELD:
        when = schema.to_datetime(event.record.get(rule.date_field))
        if when is None:
            return None
        base = when + dt.timedelta(minutes=rule.offset_minutes)
        if base < event.occurred_at:
            return None  # the moment has passed: the host application skips it too
    return base + dt.timedelta(seconds=action.delay_seconds)


def dispatch_event(event_id: int) -> list[int]:
    """Dispatch one stored event (the pump's way in); returns the execution ids queued."""
    event = Event.objects.select_related("topping").filter(pk=event_id).first()
    return dispatch_events([event]) if event is not None else []


def dispatch_events(events: list[Event], modules: dict | None = None) -> list[int]:
    """Evaluate rules and create executions, once per event; returns the ids queued now.

    Events are claimed under a row lock (``dispatched_at`` still empty), so two
    dispatchers (the commit hook and the pump) never both create an event's executions.
    """
    try:
        return _dispatch(events, modules or {})
    except IntegrityError:
        # Executions exist for an event marked undispatched (a restored backup, a manual
        # edit): keep them and mark the events dispatched rather than failing forever.
        ids = [event.pk for event in events]
        Event.objects.filter(pk__in=ids, dispatched_at__isnull=True).update(
            dispatched_at=timezone.now()
        )
        logger.warning("events %s had executions already; marked dispatched", ids)
        return []


def _dispatch(events: list[Event], known: dict) -> list[int]:
    with transaction.atomic():
        now = timezone.now()
        free = set(
            Event.objects.select_for_update()
            .filter(pk__in=[e.pk for e in events], dispatched_at__isnull=True)
            .values_list("pk", flat=True)
        )
        events = [event for event in events if event.pk in free]
        if not events:
            return []
        modules: dict[tuple, schema.Module | None] = {}
        rule_sets: dict[tuple, tuple[list[Rule], int | None]] = {}
        executions: list[Execution] = []
        for event in events:
            key = (event.topping_id, event.module)
            if key not in modules:
                # Modules the caller validated against already (the events API) are reused.
                found = known.get(event.module)
                modules[key] = found or schema.get_module(event.topping, event.module)
            if event.rule_id is not None or key not in rule_sets:
                event_rules = rules_for(event)
                if event.rule_id is None:
                    rule_sets[key] = (event_rules, event.version)
            else:
                event_rules, event.version = rule_sets[key]  # the version the rules are of
            executions += _evaluate(event, modules[key], event_rules)
            event.dispatched_at = now
        dated = {e.rule for e in executions if e.rule.trigger == Rule.Trigger.DATE_FIELD}
        if dated:
            # A new date replaces what was waiting for the old one.
            for execution in executions:
                if execution.rule in dated:
                    Execution.objects.filter(
                        rule=execution.rule,
                        record_id=execution.record_id,
                        status=Execution.Status.QUEUED,
                        attempts=0,
                        enqueued_at__isnull=True,
                        due_at__gt=execution.event.occurred_at,
                    ).delete()
        for execution in executions:
            if execution.due_at <= now:
                execution.enqueued_at = now
        created = Execution.objects.bulk_create(executions)
        if len(events) == 1:
            Event.objects.filter(pk=events[0].pk).update(
                evaluation=events[0].evaluation, dispatched_at=now, version=events[0].version
            )
        else:
            Event.objects.bulk_update(events, ["evaluation", "dispatched_at", "version"])
        now_ids = [e.pk for e in created if e.enqueued_at is not None]
        if now_ids:
            transaction.on_commit(lambda: queue.enqueue(now_ids))
    return now_ids


def _evaluate(event: Event, module: schema.Module | None, rules: list[Rule]) -> list[Execution]:
    """Fill ``event.evaluation`` and return the executions of the rules that match."""
    evaluation, executions = [], []
    for rule in rules:
        matched, conditions = False, None
        if module is None:
            fires, reason = False, f"unknown module {event.module}"
        else:
            fires, reason = trigger_fires(rule, event, module)
        if fires:
            outcome = criteria.evaluate(module, rule.condition_list(), rule.pattern, event.record)
            matched, conditions = outcome.matched, outcome.conditions
            reason = reason if outcome.matched else "criteria not met"
            if outcome.matched:
                executions += _executions_for(event, rule)
        evaluation.append(RuleEvaluation(rule.pk, rule.name, matched, reason, conditions))
    event.evaluation = dump_list(evaluation)
    return executions


def _executions_for(event: Event, rule: Rule) -> list[Execution]:
    rows = []
    for action in rule.actions.all():
        if action.get_kind().needs_record and event.operation == Event.Operation.DELETE:
            continue
        due = due_time(rule, event, action)
        if due is None:
            continue
        rows.append(
            Execution(
                topping_id=event.topping_id,
                environment=event.environment,
                event=event,
                rule=rule,
                action=action,
                function=action.function,
                kind=action.kind,
                label=f"{rule.name}: {action.summary}"[:200],
                module=event.module,
                record_id=event.record_id,
                user=event.user,
                idempotency_key=f"{event.pk}:{rule.pk}:{action.pk}",
                max_attempts=settings.WORKFLOW_MAX_ATTEMPTS,
                due_at=due,
            )
        )
    return rows
