"""Publishing: problems that block it, immutable versions, republishing, installation.

Publishing copies the draft functions and rules (with their actions) into rows marked with
the new version number; those copies are never edited. Production events run the rules of
the current version; a topping that has never published runs its active draft rules.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

import deluge
from connections.models import Credential
from connections.services.send import ConnectionUnusable, resolve
from console.audit import log_action
from sandbox.models import SandboxSettings, Version
from workflows import functions as function_service
from workflows import isolation
from workflows.models import Action, Environment, Event, Function, Rule


@dataclass(frozen=True)
class Problem:
    component: str
    message: str


def components(topping) -> dict:
    rules = list(Rule.objects.filter(topping=topping).prefetch_related("actions__function"))
    fns = list(Function.objects.filter(topping=topping))
    links = sorted({name for f in fns for name in f.connections} | {
        a.config.get("connection") for r in rules for a in r.actions.all()
        if a.kind == Action.Kind.WEBHOOK and a.config.get("connection")
    })  # fmt: skip
    return {"functions": fns, "rules": rules, "connections": links}


def problems(topping) -> list[Problem]:
    """Why the draft cannot be published (empty: it can)."""
    found: list[Problem] = []
    parts = components(topping)
    for function in parts["functions"]:
        try:
            function_service.compile_function(function)
        except deluge.DelugeSyntaxError as error:
            found.append(
                Problem(
                    f"Function {function.name}",
                    f"does not parse: line {error.line}, column {error.column}: {error.message}",
                )
            )
    for link in parts["connections"]:
        try:
            connection = resolve(link, topping=topping)
        except ConnectionUnusable:
            found.append(Problem(f"Connection {link}", "is referenced but does not exist"))
            continue
        connected = connection.credentials.filter(status=Credential.Status.CONNECTED).exists()
        if not connected:
            found.append(Problem(f"Connection {link}", "is referenced but not connected"))
    if not parts["functions"] and not parts["rules"]:
        found.append(Problem("Topping", "has no functions or rules to publish"))
    return found


def current_version(topping) -> Version | None:
    return Version.objects.filter(topping=topping, current=True).first()


@transaction.atomic
def publish(topping, *, notes: str, user) -> Version:
    notes = (notes or "").strip()
    if not notes:
        raise ValidationError({"notes": "Write release notes: what changed in this version."})
    blocking = problems(topping)
    if blocking:
        raise ValidationError(
            {"__all__": [f"{p.component} {p.message}." for p in blocking]}, code="problems"
        )
    number = (Version.objects.filter(topping=topping).aggregate(n=Max("number"))["n"] or 0) + 1
    parts = components(topping)
    copies: dict[int, Function] = {}
    for function in parts["functions"]:
        original = function.pk
        function.pk, function.id, function.version = None, None, number
        function.save()
        copies[original] = function
    snapshot_rules = []
    for rule in parts["rules"]:
        actions = list(rule.actions.all())
        rule.pk, rule.id, rule.version = None, None, number
        rule.save()
        for action in actions:
            action.pk, action.id, action.rule = None, None, rule
            if action.function_id is not None:
                action.function = copies.get(action.function_id)
            action.save()
        snapshot_rules.append(
            {
                "module": rule.module,
                "name": rule.name,
                "trigger": rule.get_trigger_display(),
                "active": rule.active,
                "actions": [a.summary for a in actions],
            }
        )
    Version.objects.filter(topping=topping, current=True).update(current=False)
    version = Version.objects.create(
        topping=topping,
        number=number,
        notes=notes,
        author=user,
        current=True,
        install_function=SandboxSettings.of(topping).install_function,
        snapshot={
            "functions": [
                {"name": f.name, "signature": f.signature, "lines": f.code.count("\n") + 1}
                for f in copies.values()
            ],
            "rules": snapshot_rules,
            "connections": parts["connections"],
        },
    )
    log_action(version, "sandbox.version.published", user=user, data={"number": number})
    return version


@transaction.atomic
def make_current(version: Version, *, user) -> Version:
    """Republish an older (or any) version: production runs it from now on."""
    Version.objects.filter(topping=version.topping, current=True).update(current=False)
    Version.objects.filter(pk=version.pk).update(current=True)
    version.current = True
    log_action(version, "sandbox.version.republished", user=user, data={"number": version.number})
    return version


def published_rules(event: Event):
    """The RULE_SOURCES hook: production events run the current version's rules."""
    if event.environment != Environment.PRODUCTION or event.rule_id is not None:
        return None
    version = current_version(event.topping)
    if version is None:
        return None  # never published: the active draft rules (see the docs)
    event.version = version.number
    return (
        Rule.all_versions.filter(
            topping_id=event.topping_id, module=event.module, active=True, version=version.number
        )
        .prefetch_related("actions__function")
        .order_by("pk")
    )


def install(topping, *, user=None):
    """Run the current version's "On installation" function once for that version.

    Returns (version, execution or None, already_installed).
    """
    version = current_version(topping)
    if version is None:
        raise ValidationError("Nothing is published yet.")
    claimed = Version.objects.filter(pk=version.pk, installed_at__isnull=True).update(
        installed_at=timezone.now()
    )
    if not claimed:
        return version, None, True
    # The function named when this version was published: a later change of the draft
    # setting belongs to the next version.
    function = Function.all_versions.filter(
        topping=topping, version=version.number, name=version.install_function
    ).first()
    if not version.install_function or function is None:
        return version, None, False
    try:
        execution = isolation.execute_now(
            function, {}, user=user, environment=Environment.PRODUCTION, kind="install"
        )
    except isolation.Busy:
        Version.objects.filter(pk=version.pk).update(installed_at=None)  # try again later
        raise
    return version, execution, False
