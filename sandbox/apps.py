from django.apps import AppConfig


class SandboxConfig(AppConfig):
    name = "sandbox"

    def ready(self) -> None:
        from sandbox import publishing, store, stubs
        from workflows import dispatch, records, runner

        records.STORES["sandbox"] = store.SandboxStore
        runner.HOST_FACTORIES["sandbox"] = stubs.SandboxHost
        dispatch.RULE_SOURCES.append(publishing.published_rules)
