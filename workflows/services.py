"""Changes developers make from the console: rules, actions, deletions, test runs, retries.

Saving a function is ``functions.save_function`` (it compiles the code and checks the
connections it names). Everything here checks the per-topping limits, writes the audit
trail and runs in a transaction, so that views only translate HTTP.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from console.audit import log_action
from workflows import isolation, queue
from workflows.actions import ACTION_KINDS
from workflows.models import Action, Execution, Function, Rule
from workflows.usage import function_usages

if TYPE_CHECKING:
    from console.models import User


@transaction.atomic
def delete_function(function: Function, *, user: User | None) -> None:
    usages = function_usages(function)
    if usages:
        names = ", ".join(sorted({f"“{action.rule.name}”" for action in usages}))
        raise ValidationError(
            f"{function.name} is used by the rules {names}. Remove those actions first."
        )
    log_action(function, "workflows.function.deleted", user=user, data={"name": function.name})
    function.delete()


def run_test(
    function: Function, raw: dict[str, str], arguments: dict[str, Any], *, user: User | None
) -> Execution:
    """Save & Execute: keep the typed values for next time and run the function now."""
    Function.objects.filter(pk=function.pk).update(test_args=raw)
    function.test_args = raw
    return isolation.execute_now(function, arguments, user=user)


# ------------------------------------------------------------------------------ rules


@transaction.atomic
def save_rule(rule: Rule, *, user: User | None) -> Rule:
    created = rule.pk is None
    if created:
        count = Rule.objects.filter(topping=rule.topping_id, module=rule.module).count()
        limit = settings.WORKFLOW_MAX_RULES_PER_MODULE
        if count >= limit:
            raise ValidationError(
                f"A topping can have at most {limit} rules on {rule.module}; "
                "delete or change one of them instead."
            )
        rule.created_by = user
    else:
        problem = kept_actions_problem(rule)
        if problem:
            raise ValidationError({"trigger": problem})
    plan_next_run(rule)
    rule.full_clean()
    rule.save()
    verb = "created" if created else "updated"
    log_action(
        rule, f"workflows.rule.{verb}", user=user, data={"name": rule.name, "module": rule.module}
    )
    return rule


def kept_actions_problem(rule: Rule) -> str:
    """Why the rule, as changed, cannot keep one of its actions ("" when it keeps them all)."""
    actions = list(rule.actions.all())
    for action in actions:
        others = [other for other in actions if other.pk != action.pk]
        problem = action.get_kind().check_limits(rule, others)
        if problem:
            return f"{problem} Remove its {action.get_kind_display().lower()} actions first."
    return ""


def plan_next_run(rule: Rule) -> None:
    """Set when a scheduled rule fires next (None for the other triggers or when inactive)."""
    is_scheduled = rule.trigger == Rule.Trigger.SCHEDULE and rule.active
    rule.next_run_at = rule.next_run(timezone.now()) if is_scheduled else None


@transaction.atomic
def set_rule_active(rule: Rule, active: bool, *, user: User | None) -> None:
    rule.active = active
    plan_next_run(rule)
    rule.save(update_fields=["active", "next_run_at", "updated_at"])
    verb = "activated" if active else "deactivated"
    log_action(rule, f"workflows.rule.{verb}", user=user, data={"name": rule.name})


@transaction.atomic
def delete_rule(rule: Rule, *, user: User | None) -> None:
    log_action(
        rule, "workflows.rule.deleted", user=user, data={"name": rule.name, "module": rule.module}
    )
    rule.delete()


# ------------------------------------------------------------------------------ actions


@dataclass(frozen=True)
class ActionOffer:
    """A kind of action the rule's page offers to add, or says why it cannot."""

    kind: str
    label: str
    problem: str  # "" when the rule may get one more


def room_for_actions(rule: Rule, actions: list[Action]) -> tuple[bool, list[ActionOffer]]:
    """Whether the rule may get another action at all, and which kinds (what save_action
    checks), for the buttons the page offers."""
    room = len(actions) < settings.WORKFLOW_MAX_ACTIONS_PER_RULE
    offers = [
        ActionOffer(key, kind.label, kind.check_limits(rule, actions))
        for key, kind in ACTION_KINDS.items()
    ]
    return room, offers


@transaction.atomic
def save_action(action: Action, *, user: User | None) -> Action:
    rule = Rule.objects.select_for_update().get(pk=action.rule_id)
    created = action.pk is None
    others = rule.actions.exclude(pk=action.pk) if not created else rule.actions.all()
    limit = settings.WORKFLOW_MAX_ACTIONS_PER_RULE
    if created and others.count() >= limit:
        raise ValidationError(f"A rule can have at most {limit} actions.")
    problem = action.get_kind().check_limits(rule, list(others))
    if problem:
        raise ValidationError(problem)
    if created:
        last = others.aggregate(last=Max("position"))["last"]
        action.position = 0 if last is None else last + 1
    action.full_clean()
    action.save()
    verb = "created" if created else "updated"
    log_action(
        action,
        f"workflows.action.{verb}",
        user=user,
        data={"rule": rule.name, "kind": action.kind, "summary": action.summary},
    )
    return action


@transaction.atomic
def delete_action(action: Action, *, user: User | None) -> None:
    log_action(
        action,
        "workflows.action.deleted",
        user=user,
        data={"rule": action.rule.name, "kind": action.kind, "summary": action.summary},
    )
    action.delete()


# ------------------------------------------------------------------------------ executions


@transaction.atomic
def retry_execution(execution: Execution, *, user: User | None) -> None:
    if execution.status != Execution.Status.FAILED:
        raise ValidationError("Only a failed run can be retried.")
    queue.requeue_failed(execution)
    log_action(execution, "workflows.execution.retried", user=user, data={"label": execution.label})
