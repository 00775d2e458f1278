"""Loading functions, rules, actions and executions for a request: 404 outside the topping."""

from __future__ import annotations

from django.http import Http404

from console.access import get_part_or_404, get_topping_for_user
from workflows.models import Action, Execution, Function, Rule


def get_function_for_user(user, namespace: str, pk: int) -> Function:
    topping = get_topping_for_user(user, namespace)
    return get_part_or_404(topping, "functions", "function", pk=pk)


def get_rule_for_user(user, namespace: str, pk: int) -> Rule:
    topping = get_topping_for_user(user, namespace)
    return get_part_or_404(topping, "rules", "rule", pk=pk)


def get_action_for_user(user, namespace: str, rule_pk: int, pk: int) -> Action:
    rule = get_rule_for_user(user, namespace, rule_pk)
    action = rule.actions.select_related("rule__topping", "function").filter(pk=pk).first()
    if action is None:
        raise Http404("No such action.")
    return action


def get_execution_for_user(user, namespace: str, pk: int) -> Execution:
    topping = get_topping_for_user(user, namespace)
    execution = (
        topping.executions.select_related("rule", "function", "event", "user").filter(pk=pk).first()
    )
    if execution is None:
        raise Http404("No such execution.")
    return execution
