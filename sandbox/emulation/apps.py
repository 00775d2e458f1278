"""The emulated apps of a topping's sandbox: which services have one, and their emulators.

A catalog service whose entry names an ``api`` description is emulated under its real host
names, in every data centre. A sandbox call is answered by it when the URL is the app's, and
only with the connection's **sandbox** authorization, as the real app wants a token.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from django.db import transaction

from connections.catalog.description import Description, parse
from connections.models import Connection, Credential, Environment, Service
from connections.schemas import Secrets
from connections.services.credentials import save_connected
from sandbox.emulation.dbstore import DatabaseStore
from sandbox.emulation.engine import Emulator, Request
from sandbox.models import AppCall, AppCounter, AppRecord

if TYPE_CHECKING:
    from console.models import Topping, User

_parsed: dict[tuple[int, str], Description] = {}


def described_services() -> list[Service]:
    return list(Service.objects.default().exclude(api=""))


def description(service: Service) -> Description:
    """The parsed description, kept per process until the service row changes."""
    key = (service.pk, service.updated_at.isoformat() if service.updated_at else "")
    found = _parsed.get(key)
    if found is None:
        found = _parsed[key] = parse(service.key, service.api_description())
    return found


def base_urls(service: Service) -> tuple[str, ...]:
    """The description's base URLs in every data centre of the service."""
    urls = list(description(service).base_urls)
    for centre in service.data_centre_list()[1:]:
        for url in description(service).base_urls:
            parts = urlsplit(url)
            moved = centre.host(parts.hostname or "")
            urls.append(urlunsplit(parts._replace(netloc=moved)))
    return tuple(dict.fromkeys(urls))


def emulator(topping: Topping, service: Service) -> Emulator:
    return Emulator(
        description(service), DatabaseStore(topping, service), base_urls=base_urls(service)
    )


@dataclass(frozen=True)
class Emulated:
    """An answer from an emulated app, with what the trace shows of the call."""

    status: int
    text: str
    headers: dict[str, str]
    service: str
    request_body: str
    response_body: str


def answer(
    topping: Topping, connection: Connection | None, method: str, url: str, request: dict[str, Any]
) -> Emulated | None:
    """The emulated app's answer to a sandbox call, or None when no app owns the URL."""
    for service in described_services():
        app = emulator(topping, service)
        if app.relative(url) is None:
            continue
        if not _authorized(connection, service, request):
            reply = app.refusal("unauthorized")
        else:
            with transaction.atomic():
                handled = app.handle(
                    Request(method, url, body=request.get("body"), params=request.get("params"))
                )
            assert handled is not None  # the URL is the app's
            reply = handled
        text = reply.text()
        return Emulated(reply.status, text, reply.headers, service.key,
                        short(request.get("body")), short(text))  # fmt: skip
    return None


def short(value: Any, limit: int = 1000) -> str:
    if value is None:
        return ""
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    return text if len(text) <= limit else text[:limit] + "…"


def _authorized(connection: Connection | None, service: Service, request: dict[str, Any]) -> bool:
    """The call carries the sandbox authorization of a connection to this service."""
    if connection is None or connection.service_id != service.pk:
        return False
    credential = connection.credential_for(request.get("user"), Environment.SANDBOX)
    return credential is not None and credential.is_usable()


# ----------------------------------------------------------------- authorizing

EMULATED_TOKEN_PREFIX = "emulated-"


def authorize(connection: Connection, *, user: User | None) -> Credential:
    """Authorize ``connection``'s sandbox credential against the emulated app: no client
    ID, no provider; the token is the emulation's own and works nowhere else."""
    if not connection.service.api:
        raise ValueError(f"{connection.service.name} has no emulated app.")
    token = Secrets(access_token=EMULATED_TOKEN_PREFIX + secrets.token_urlsafe(24))
    return save_connected(
        connection,
        user=user,
        fill=lambda credential: credential.set_secrets(token),
        method="emulated",
        environment=Environment.SANDBOX,
    )


# ------------------------------------------------------------------ reset, seed


def reset(topping: Topping, service: Service | None = None) -> int:
    """Empty the emulated apps of a topping's sandbox (one, or all); returns the records
    removed."""
    filters = {"topping": topping, **({"service": service} if service else {})}
    removed, _ = AppRecord.objects.filter(**filters).delete()
    AppCounter.objects.filter(**filters).delete()
    AppCall.objects.filter(**filters).delete()
    return removed


def seed(topping: Topping, service: Service, data: dict[str, Any] | str | Path) -> int:
    """Create records from ``{"<resource>": [records...]}`` (a dict, JSON text or a file)
    as if each had been posted to the app; all or nothing."""
    if isinstance(data, Path):
        data = data.read_text()
    if isinstance(data, str):
        data = json.loads(data)
    if not isinstance(data, dict) or not all(isinstance(v, list) for v in data.values()):
        raise ValueError('A seed file is {"<resource>": [records...], ...}.')
    with transaction.atomic():
        return emulator(topping, service).seed(data)


def sandbox_answer(
    connection: Connection, method: str, url: str, user: User | None
) -> tuple[int, str] | None:
    """For ``connections.hooks.SANDBOX_ANSWERS``: a described service's emulated answer
    (Test connection of a sandbox authorization never reaches the real app)."""
    if not connection.service.api:
        return None
    emulated = answer(connection.topping, connection, method, url, {"user": user})
    return None if emulated is None else (emulated.status, emulated.text)
