"""System checks for settings that cannot work (ids are stable: console.E001, ...)."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, register


@register()
def check_task_queue(app_configs=None, **kwargs) -> list[Error]:
    cluster = getattr(settings, "Q_CLUSTER", {})
    timeout, retry = cluster.get("timeout"), cluster.get("retry")
    if timeout is not None and (retry is None or retry <= timeout):
        return [
            Error(
                f"django-q2 retry ({retry}s) must be larger than timeout ({timeout}s), or a "
                "task still running would be handed to a second worker.",
                hint="Set Q_RETRY above Q_TIMEOUT.",
                id="console.E001",
            )
        ]
    return []
