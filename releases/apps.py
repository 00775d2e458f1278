from django.apps import AppConfig


class ReleasesConfig(AppConfig):
    name = "releases"

    def ready(self) -> None:
        from console.api import api as root
        from releases import api, services
        from workflows import hooks

        root.add_router("/", api.router)
        hooks.RULE_SOURCES.register(services.published_rules)
