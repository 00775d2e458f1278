from django.apps import AppConfig


class SandboxConfig(AppConfig):
    name = "sandbox"

    def ready(self) -> None:
        from console.api import api as root
        from sandbox import api, publishing, store, stubs
        from workflows import dispatch, records, runner

        root.add_router("/", api.router)
        records.STORES["sandbox"] = store.SandboxStore
        runner.HOST_FACTORIES["sandbox"] = stubs.SandboxHost
        dispatch.RULE_SOURCES.append(publishing.published_rules)
