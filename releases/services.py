"""Publishing: problems that block it, immutable versions, republishing, installation.

Publishing copies the draft functions and rules (with their actions) into rows marked with
the new version number; those copies are never edited. Production events run the rules of
the current version; a topping that has never published runs its active draft rules.
Publishing, republishing and changing the release settings run in a transaction and are
audited. Installation runs outside a transaction, as the child process that runs the
function must see its rows: it claims the version with a conditional update instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils import timezone

import deluge
from connections.models import Connection, Credential
from connections.services.send import ConnectionUnusable, resolve
from console.audit import log_action
from console.models import Topping, User
from releases.models import ReleaseSettings, Version
from workflows import functions as function_service
from workflows import isolation
from workflows.models import Environment, Event, Execution, Function, Rule


@dataclass(frozen=True)
class Problem:
    component: str
    message: str


@dataclass(frozen=True)
class Components:
    """What a version published now would hold: the draft and the connections it names."""

    functions: list[Function]
    rules: list[Rule]
    connections: list[str]


@dataclass(frozen=True)
class ConnectionState:
    link_name: str
    connection: Connection | None  # None: no connection has this link name
    connected: bool

    @property
    def status(self) -> str:
        if self.connection is None:
            return "missing"
        return "connected" if self.connected else "not_connected"


def components(topping: Topping) -> Components:
    rules = list(Rule.objects.filter(topping=topping).prefetch_related("actions__function"))
    functions = list(Function.objects.filter(topping=topping))
    for function in functions:  # read from the code: drafts saved before a reference counted
        function.connections = function_service.function_connections(function)
    links = {name for f in functions for name in f.connections}
    links |= {name for r in rules for a in r.actions.all() for name in a.connection_names()}
    return Components(functions, rules, sorted(links))


def connection_states(topping: Topping, links: list[str]) -> list[ConnectionState]:
    states = []
    for link in links:
        try:
            connection = resolve(link, topping=topping)
        except ConnectionUnusable:
            states.append(ConnectionState(link, None, False))
            continue
        # Published versions run on the production credential: that is the one that counts.
        connected = connection.credentials.filter(
            status=Credential.Status.CONNECTED, environment=Environment.PRODUCTION
        ).exists()
        states.append(ConnectionState(link, connection, connected))
    return states


def problems(topping: Topping) -> list[Problem]:
    """Why the draft cannot be published (empty: it can)."""
    found: list[Problem] = []
    parts = components(topping)
    for function in parts.functions:
        try:
            function_service.compile_function(function)
        except deluge.DelugeSyntaxError as error:
            found.append(
                Problem(
                    f"Function {function.name}",
                    f"does not parse: line {error.line}, column {error.column}: {error.message}",
                )
            )
    for state in connection_states(topping, parts.connections):
        if state.connection is None:
            found.append(
                Problem(f"Connection {state.link_name}", "is referenced but does not exist")
            )
        elif not state.connected:
            found.append(
                Problem(
                    f"Connection {state.link_name}",
                    "is referenced but not connected in production",
                )
            )
    if not parts.functions and not parts.rules:
        found.append(Problem("Topping", "has no functions or rules to publish"))
    return found


def current_version(topping: Topping) -> Version | None:
    return Version.objects.filter(topping=topping, current=True).first()


@transaction.atomic
def publish(topping: Topping, *, notes: str, user: User | None) -> Version:
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
    for function in parts.functions:
        original = function.pk
        function.pk, function.id, function.version = None, None, number
        function.save()
        copies[original] = function
    snapshot_rules = []
    for rule in parts.rules:
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
        install_function=ReleaseSettings.of(topping).install_function,
        snapshot={
            "functions": [
                {"name": f.name, "signature": f.signature, "lines": f.code.count("\n") + 1}
                for f in copies.values()
            ],
            "rules": snapshot_rules,
            "connections": parts.connections,
        },
    )
    log_action(version, "releases.version.published", user=user, data={"number": number})
    return version


@transaction.atomic
def make_current(version: Version, *, user: User | None) -> Version:
    """Republish an older (or any) version: production runs it from now on."""
    Version.objects.filter(topping=version.topping, current=True).update(current=False)
    Version.objects.filter(pk=version.pk).update(current=True)
    version.current = True
    log_action(version, "releases.version.republished", user=user, data={"number": version.number})
    return version


@transaction.atomic
def update_settings(settings: ReleaseSettings, *, user: User | None) -> ReleaseSettings:
    """Save the release settings; a version takes them when it is published."""
    settings.save()
    log_action(
        settings.topping,
        "releases.settings.changed",
        user=user,
        data={"install_function": settings.install_function},
    )
    return settings


def published_rules(event: Event) -> QuerySet[Rule] | None:
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


def install(
    topping: Topping, *, user: User | None = None
) -> tuple[Version, Execution | None, bool]:
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
