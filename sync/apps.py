from django.apps import AppConfig


class SyncConfig(AppConfig):
    name = "sync"
    verbose_name = "Module sync"

    def ready(self) -> None:
        from console.api import api as root
        from sync import api, engine
        from workflows import hooks

        root.add_router("/", api.router)
        hooks.RECORD_LINKS.register(engine.record_links)
