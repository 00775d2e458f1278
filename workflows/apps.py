from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from django.apps import AppConfig

if TYPE_CHECKING:
    from workflows.actions.base import ActionKind


class WorkflowsConfig(AppConfig):
    name = "workflows"

    @cached_property
    def action_kinds(self) -> dict[str, ActionKind]:
        """``workflows.actions.ACTION_KINDS``, for the models: they cannot import the kinds,
        whose forms and runs import them (``workflows.models.action_kinds``)."""
        from workflows.actions import ACTION_KINDS

        return ACTION_KINDS

    def ready(self) -> None:
        from connections.hooks import USAGE_FINDERS
        from console.api import api as root
        from console.hooks import DASHBOARD_PANELS
        from workflows import api, checks, usage, views  # noqa: F401 (checks register)

        root.add_router("/", api.router)
        USAGE_FINDERS.register(usage.connection_usages)
        DASHBOARD_PANELS.register(views.runs_panel)
