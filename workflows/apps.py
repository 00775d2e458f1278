from django.apps import AppConfig


class WorkflowsConfig(AppConfig):
    name = "workflows"

    def ready(self) -> None:
        from connections.hooks import USAGE_FINDERS
        from console.api import api as root
        from console.hooks import DASHBOARD_PANELS
        from workflows import api, checks, usage, views  # noqa: F401 (checks register)

        root.add_router("/", api.router)
        USAGE_FINDERS.register(usage.connection_usages)
        DASHBOARD_PANELS.register(views.runs_panel)
