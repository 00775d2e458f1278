"""``send``: the one way other apps make an authenticated call with a connection.

The credential is looked up by the connection's name, refreshed when it is about to expire
(or once after a 401), injected by the broker and never returned to the caller.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

from django.conf import settings
from django.utils import timezone

from connections import broker
from connections.models import AuthType, Connection, Credential
from connections.services import tokens
from connections.services.injection import injection_for
from console.models import Topping

# Decrypting and checking a credential costs more than a loopback call; a run makes many
# calls in a row, so the injection is cached briefly per process. Revoke and refresh clear
# the local entry at once; other processes see it within CACHE_SECONDS.
CACHE_SECONDS = 5.0
_cache: dict[tuple, tuple[float, Connection, Credential, broker.Injection]] = {}
_cache_lock = threading.Lock()


class ConnectionUnusable(Exception):
    """The named connection does not exist here or has no usable credential."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Ref:
    namespace: str | None
    link_name: str


def parse_ref(ref: str) -> Ref:
    namespace, sep, link = ref.partition("__")
    return Ref(namespace, link) if sep and namespace and link else Ref(None, ref)


def resolve(ref: str, *, topping: Topping | None = None) -> Connection:
    parsed = parse_ref(ref)
    connections = Connection.objects.select_related("service", "topping")
    if parsed.namespace is not None:
        if topping is not None and parsed.namespace != topping.namespace:
            # A topping may only use its own connections.
            raise ConnectionUnusable(f"Connection '{ref}' does not belong to this topping.")
        connection = connections.filter(
            topping__namespace=parsed.namespace, link_name=parsed.link_name
        ).first()
    elif topping is not None:
        connection = connections.filter(topping=topping, link_name=parsed.link_name).first()
    else:
        connection = None
    if connection is None:
        raise ConnectionUnusable(f"There is no connection named '{ref}'.")
    return connection


def forget(credential_id: int | None = None) -> None:
    """Drop cached injections (all, or those of one credential)."""
    with _cache_lock:
        if credential_id is None:
            _cache.clear()
        else:
            for key in [k for k, v in _cache.items() if v[2].pk == credential_id]:
                del _cache[key]


def _load(
    ref: str, topping: Topping | None, user
) -> tuple[Connection, Credential, broker.Injection]:
    key = (ref, topping.pk if topping else None, getattr(user, "pk", None))
    now = time.monotonic()
    cached = _cache.get(key)
    if (
        cached
        and cached[0] > now
        and not cached[2].expires_within(tokens.REFRESH_MARGIN.total_seconds())
    ):
        return cached[1], cached[2], cached[3]
    connection = resolve(ref, topping=topping)
    credential = connection.credential_for(user)
    if credential is None or credential.status == Credential.Status.NOT_CONNECTED:
        who = f" for {user.email}" if connection.user_level and user is not None else ""
        raise ConnectionUnusable(
            f"Connection '{connection.link_name}' is not connected{who}: authorize it first."
        )
    if credential.status != Credential.Status.CONNECTED:
        raise ConnectionUnusable(
            f"Connection '{connection.link_name}' is {credential.get_status_display().lower()}: "
            "reconnect it."
        )
    if connection.service.auth_type == AuthType.OAUTH2 and credential.expires_within(
        tokens.REFRESH_MARGIN.total_seconds()
    ):
        credential = _refresh(credential)
    credential.connection = connection
    injection = injection_for(connection, credential)
    with _cache_lock:
        _cache[key] = (now + CACHE_SECONDS, connection, credential, injection)
    return connection, credential, injection


def _refresh(credential: Credential, force: bool = False) -> Credential:
    forget(credential.pk)
    try:
        return tokens.refresh(credential, force=force)
    except tokens.TokenError as error:
        raise ConnectionUnusable(error.message) from None


def send(
    ref: str,
    method: str,
    url: str,
    *,
    params: dict | None = None,
    headers: dict | None = None,
    body: Any = None,
    json: Any = None,
    files: Any = None,
    user=None,
    topping: Topping | None = None,
    timeout: float | None = None,
    max_bytes: int | None = None,
) -> broker.BrokerResponse:
    """Send a request with connection ``ref`` (``namespace__link`` or a bare link name).

    Relative URLs are joined to the service's API base URL. Raises ``ConnectionUnusable`` or
    ``broker.BrokerError``; the response never carries the credential.
    """
    connection, credential, injection = _load(ref, topping, user)
    if not url.lower().startswith(("http://", "https://")):
        base = tokens.fill_url(connection.service.api_base_url, connection).rstrip("/") + "/"
        url = urljoin(base, url.lstrip("/"))
    options = {
        "params": params,
        "headers": headers,
        "data": body,
        "json": json,
        "files": files,
        "timeout": timeout or getattr(settings, "CONSOLE_HTTP_TIMEOUT", 40.0),
        "max_bytes": max_bytes or getattr(settings, "CONSOLE_HTTP_MAX_BYTES", 5 * 1024 * 1024),
    }
    response = broker.send(method, url, injection=injection, **options)
    refreshable = connection.service.auth_type == AuthType.OAUTH2 and (
        credential.secrets.refresh_token or connection.service.grant_type == "client_credentials"
    )
    if response.status == 401 and refreshable:
        credential = _refresh(credential, force=True)
        credential.connection = connection
        injection = injection_for(connection, credential)
        response = broker.send(method, url, injection=injection, **options)
    now = timezone.now()
    # Usage time is informational; writing it at most once a minute keeps calls cheap.
    if credential.last_used_at is None or (now - credential.last_used_at).total_seconds() > 60:
        credential.last_used_at = now
        Credential.objects.filter(pk=credential.pk).update(last_used_at=now)
    return response
