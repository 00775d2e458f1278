"""What the sandbox pages change: stubs, emulated collections, custom fields, settings, reset.

Each operation runs in a transaction and writes its audit entry
(``sandbox.<thing>.created`` / ``changed`` / ``deleted``). The objects come validated by
their forms; record changes go through ``sandbox.store``.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from connections.models import Connection, Credential, Service
from console.audit import log_action
from console.models import Topping, User
from sandbox.emulation import apps
from sandbox.models import (
    CollectionItem,
    EmulatedCollection,
    SandboxRecord,
    SandboxSettings,
    Stub,
)
from workflows.models import Environment, Event, Execution, ModuleField

Part = Stub | EmulatedCollection | ModuleField

# The audit name of each kind of part: ``sandbox.<name>.<verb>``.
AUDIT_NAMES: dict[type[Part], str] = {
    Stub: "stub",
    EmulatedCollection: "collection",
    ModuleField: "module_field",
}


@transaction.atomic
def save_part(part: Part, *, user: User | None) -> Part:
    """Create or change a stub, an emulated collection or a custom field."""
    verb = "created" if part.pk is None else "changed"
    part.save()
    log_action(part, f"sandbox.{AUDIT_NAMES[type(part)]}.{verb}", user=user)
    return part


@transaction.atomic
def delete_part(part: Part, *, user: User | None) -> None:
    """Delete a stub, an emulated collection (with its items) or a custom field (records
    keep their values)."""
    log_action(part, f"sandbox.{AUDIT_NAMES[type(part)]}.deleted", user=user)
    part.delete()


@transaction.atomic
def update_settings(settings: SandboxSettings, *, user: User | None) -> SandboxSettings:
    settings.save()
    data = {"unmatched": settings.unmatched, "record_responses": settings.record_responses}
    log_action(settings.topping, "sandbox.settings.changed", user=user, data=data)
    return settings


@transaction.atomic
def reset_sandbox(topping: Topping, *, user: User | None) -> dict[str, int]:
    """Clear the sandbox: records, emulated collections' items and the sandbox's traces
    (events and executions). Stubs, collections and settings stay. Returns the counts."""
    in_sandbox = {"topping": topping, "environment": Environment.SANDBOX}
    counts = {
        "records": SandboxRecord.objects.filter(topping=topping).delete()[0],
        "app_records": apps.reset(topping),
        "items": CollectionItem.objects.filter(collection__topping=topping).delete()[0],
        "executions": Execution.objects.filter(**in_sandbox).delete()[0],
        "events": Event.objects.filter(**in_sandbox).delete()[0],
    }
    EmulatedCollection.objects.filter(topping=topping).update(next_id=1)
    log_action(topping, "sandbox.sandbox.reset", user=user, data=counts)
    return counts


# ---------------------------------------------------------------------- emulated apps


@transaction.atomic
def reset_app(topping: Topping, service: Service, *, user: User | None) -> int:
    """Empty one emulated app of the sandbox (records, counters, call log)."""
    removed = apps.reset(topping, service)
    log_action(topping, "sandbox.emulated_app.reset", user=user,
               data={"service": service.key, "records": removed})  # fmt: skip
    return removed


@transaction.atomic
def seed_app(
    topping: Topping, service: Service, data: dict[str, Any] | str, *, user: User | None
) -> int:
    """Create records in an emulated app from a seed (all or nothing); ValueError says why."""
    count = apps.seed(topping, service, data)
    log_action(topping, "sandbox.emulated_app.seeded", user=user,
               data={"service": service.key, "records": count})  # fmt: skip
    return count


def authorize_emulated(connection: Connection, *, user: User | None) -> Credential:
    """Authorize the connection's sandbox credential against its service's emulated app."""
    return apps.authorize(connection, user=user)
