"""System checks for the workflows settings (ids are stable: workflows.W001, ...)."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Warning, register


@register(deploy=True)
def check_script_isolation(app_configs=None, **kwargs) -> list[Warning]:
    if settings.CONSOLE_SCRIPT_ISOLATION == "inline":
        return [
            Warning(
                "CONSOLE_SCRIPT_ISOLATION=inline runs Save & Execute and installation hooks in "
                "the web server's own threads: one runaway script stalls every request.",
                hint="Leave CONSOLE_SCRIPT_ISOLATION unset (process) outside tests.",
                id="workflows.W001",
            )
        ]
    if deluge_seconds() >= settings.CONSOLE_SCRIPT_HARD_SECONDS:
        return [
            Warning(
                "CONSOLE_SCRIPT_HARD_SECONDS is not above a script's own time limit, so runs "
                "are killed before they can report their limit error.",
                hint="Set it a few seconds above the engine's max_seconds.",
                id="workflows.W002",
            )
        ]
    return []


def deluge_seconds() -> float:
    from deluge import Limits

    return Limits().max_seconds
