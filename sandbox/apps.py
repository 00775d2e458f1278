from django.apps import AppConfig


class SandboxConfig(AppConfig):
    name = "sandbox"

    def ready(self) -> None:
        from console.api import api as root
        from sandbox import api, stubs
        from workflows import hooks

        root.add_router("/", api.router)
        hooks.ENVIRONMENT_HOSTS.register("sandbox", stubs.SandboxHost)
