from django.apps import AppConfig


class ConnectionsConfig(AppConfig):
    name = "connections"

    def ready(self) -> None:
        from connections import api, checks  # noqa: F401  (system checks)
        from console.api import api as root

        root.add_router("/", api.router)
