"""The kinds of action a rule can run: one module each, listed once in ``ACTION_KINDS``.

Every kind module has the parts of ``base.ActionKind``: ``name`` and ``label``, its typed
``Config`` (the action's stored ``config``), its ``Form``, ``summary``,
``connection_names``, ``check_limits`` and ``run``. The choices of ``Action.kind``, the
action pages, the runner, the limits and the connection usage lists all read this table,
so adding a kind means one new module here plus one line in ``ACTION_KINDS``. A form
partial ``templates/workflows/actions/<name>_form.html`` is optional: without one the
form's fields are shown in order.
"""

from __future__ import annotations

from workflows.actions import field_update, function, webhook
from workflows.actions.base import ActionKind
from workflows.models import DIRECT_RUNS

ACTION_KINDS: dict[str, ActionKind] = {
    function.name: function,
    webhook.name: webhook,
    field_update.name: field_update,
}


def kind_for_run(execution_kind: str) -> ActionKind | None:
    """The kind that performs an execution: its action's; a direct run calls a function."""
    return function if execution_kind in DIRECT_RUNS else ACTION_KINDS.get(execution_kind)
