from django.apps import AppConfig


class WorkflowsConfig(AppConfig):
    name = "workflows"

    def ready(self) -> None:
        from connections.services import manage
        from console import panels
        from console.api import api as root
        from workflows import api, checks, usage, views  # noqa: F401 (checks register)

        root.add_router("/", api.router)
        manage.USAGE_FINDERS.append(usage.connection_usages)
        panels.DASHBOARD_PANELS.append(views.runs_panel)
