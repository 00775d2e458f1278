from django.apps import AppConfig


class SandboxConfig(AppConfig):
    name = "sandbox"

    def ready(self) -> None:
        from connections import hooks as connection_hooks
        from console.api import api as root
        from sandbox import api, app_views, stubs
        from sandbox.emulation import apps as emulation_apps
        from workflows import hooks

        root.add_router("/", api.router)
        hooks.ENVIRONMENT_HOSTS.register("sandbox", stubs.SandboxHost)
        connection_hooks.SANDBOX_AUTHORIZATION.register(app_views.sandbox_authorization_url)
        connection_hooks.SANDBOX_ANSWERS.register(emulation_apps.sandbox_answer)
