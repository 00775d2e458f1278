"""Where things are used: connections by functions and actions, functions by rules."""

from __future__ import annotations

from connections.services.manage import Usage
from connections.services.send import parse_ref
from workflows.functions import function_connections
from workflows.models import Action, Function


def _names_connection(name: str, connection) -> bool:
    ref = parse_ref(name)
    if ref.link_name != connection.link_name:
        return False
    return ref.namespace in (None, connection.topping.namespace)


def connection_usages(connection) -> list[Usage]:
    found = []
    for function in Function.all_versions.filter(topping=connection.topping_id):
        if any(_names_connection(n, connection) for n in function_connections(function)):
            if function.version is None:
                found.append(Usage("Function", function.name, function.get_absolute_url()))
            else:
                found.append(Usage(f"Published version {function.version}", function.name, ""))
    actions = Action.objects.filter(rule__topping=connection.topping_id)
    for action in actions.select_related("rule__topping"):
        if any(_names_connection(n, connection) for n in action.connection_names()):
            rule = action.rule
            where = f"{action.get_kind_display()} of rule"
            found.append(Usage(where, rule.name, rule.get_absolute_url()))
    return found


def function_usages(function: Function) -> list[Action]:
    return list(function.actions.select_related("rule").order_by("rule__name"))
