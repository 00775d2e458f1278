"""What the sync pages change: integrations, their pairs, Sync Now; audited, in transactions."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from connections.models import Connection
from console.audit import log_action
from console.models import Topping, User
from sync import engine
from sync.models import Integration, SyncPair
from sync.presets import PRESETS
from workflows.appclient import AppError


def organizations(connection: Connection, environment: str) -> list[dict[str, Any]]:
    """The organizations the app lists for this connection (Books' ``GET /organizations``),
    or [] when the app has none to choose from. Raises ``AppError``."""
    integration = Integration(topping=connection.topping, environment=environment,
                              service=connection.service, connection=connection)  # fmt: skip
    client = engine.client_for(integration, engine.host_for(integration))
    if "organizations" not in client.api.resources:
        return []
    return list(client.resource("organizations").list())


@transaction.atomic
def activate(
    topping: Topping,
    connection: Connection,
    *,
    environment: str,
    scope: dict[str, str],
    user: User | None,
) -> Integration:
    """Create the integration of ``connection``'s app, with the app's preset pairs."""
    if not connection.service.api:
        raise ValidationError("This service has no API description to sync with.")
    if Integration.objects.filter(
        topping=topping, service=connection.service, environment=environment
    ).exists():
        raise ValidationError(f"{connection.service.name} is already synced in the {environment}.")
    integration = Integration.objects.create(
        topping=topping, environment=environment, service=connection.service,
        connection=connection, scope=scope, created_by=user,
    )  # fmt: skip
    for preset in PRESETS.get(connection.service.key, []):
        SyncPair.objects.create(integration=integration, next_run_at=timezone.now(), **preset)
    log_action(topping, "sync.integration.activated", user=user,
               data={"service": connection.service.key, "environment": environment,
                     "scope": scope})  # fmt: skip
    return integration


def sync_now(pair: SyncPair, *, user: User | None, full: bool = False) -> str:
    """Queue a run of ``pair`` at once (a django-q2 task); returns the task id."""
    from django_q.tasks import async_task  # type: ignore[import-untyped]  # (no stubs)

    log_action(pair.integration.topping, "sync.pair.run_requested", user=user,
               data={"pair": pair.pk, "full": full})  # fmt: skip
    return str(async_task("sync.tasks.run_pair", pair.pk, True, full,
                          task_name=f"sync pair {pair.pk} (Sync Now)"))  # fmt: skip


@transaction.atomic
def delete_integration(integration: Integration, *, user: User | None) -> dict[str, int]:
    """Remove the integration and everything it stored: pairs, ID map, runs, failures."""
    counts = {
        "pairs": integration.pairs.count(),
        "links": sum(p.links.count() for p in integration.pairs.all()),
        "runs": sum(p.runs.count() for p in integration.pairs.all()),
    }
    log_action(integration.topping, "sync.integration.deleted", user=user,
               data={"service": integration.service.key, **counts})  # fmt: skip
    integration.delete()
    return counts


__all__ = ["AppError", "activate", "delete_integration", "organizations", "sync_now"]
