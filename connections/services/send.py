"""``send``: the one way other apps make an authenticated call with a connection.

The credential is looked up by the connection's name, refreshed when it is about to expire
(or once after a 401), injected by the broker and never returned to the caller.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

from django.conf import settings
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from connections import broker
from connections.models import AuthType, Connection, Credential, Environment
from connections.services import tokens, urlparams
from connections.services.injection import injection_for
from console.models import Topping, User

# Decrypting and checking a credential costs more than a loopback call; a run makes many
# calls in a row, so the injection is cached briefly per process. Revoke and refresh clear
# the local entry at once; other processes see it within CACHE_SECONDS. An entry whose token
# has come within its refresh margin (``tokens.needs_refresh``) is not used.
CACHE_SECONDS = 5.0
_cache_lock = threading.Lock()


@dataclass(frozen=True)
class _Loaded:
    """What a call needs from the database, prepared once per ``CACHE_SECONDS``."""

    expires: float
    connection: Connection
    credential: Credential
    injection: broker.Injection
    base_url: str  # the service's API base URL, filled in and ending with "/"
    refreshable: bool  # an OAuth 2.0 token that a 401 should refresh once


_Key = tuple[str, int | None, int | None, str]
_cache: dict[_Key, _Loaded] = {}


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
            for key in [k for k, v in _cache.items() if v.credential.pk == credential_id]:
                del _cache[key]


def _key(ref: str, topping: Topping | None, user: User | None, environment: str) -> _Key:
    return (ref, topping.pk if topping else None, getattr(user, "pk", None), environment)


def _remember(key: _Key, loaded: _Loaded) -> None:
    with _cache_lock:
        _cache[key] = loaded


def _load(ref: str, topping: Topping | None, user: User | None, environment: str) -> _Loaded:
    key = _key(ref, topping, user, environment)
    now = time.monotonic()
    cached = _cache.get(key)
    if cached and cached.expires > now and not tokens.needs_refresh(cached.credential):
        return cached
    connection = resolve(ref, topping=topping)
    credential = connection.credential_for(user, environment)
    # The other environment's credential is never a fallback: a sandbox run must not act on
    # production data, and a published version must not run on a test account.
    where = f" in {environment}"
    if credential is None or credential.status == Credential.Status.NOT_CONNECTED:
        who = f" for {user.email}" if connection.user_level and user is not None else ""
        raise ConnectionUnusable(
            f"Connection '{connection.link_name}' is not connected{who}{where}: authorize "
            f"its {environment} credential first."
        )
    if credential.status != Credential.Status.CONNECTED:
        raise ConnectionUnusable(
            f"Connection '{connection.link_name}' is {credential.get_status_display().lower()}"
            f"{where}: reconnect it."
        )
    if connection.service.auth_type == AuthType.OAUTH2 and tokens.needs_refresh(credential):
        credential = _refresh(credential)
    loaded = _prepare(connection, credential, expires=now + CACHE_SECONDS)
    _remember(key, loaded)
    return loaded


def _prepare(connection: Connection, credential: Credential, *, expires: float) -> _Loaded:
    credential.connection = connection
    service = connection.service
    refreshable = service.auth_type == AuthType.OAUTH2 and bool(
        credential.secrets.refresh_token or service.grant_type == "client_credentials"
    )
    try:
        base_url = tokens.fill_url(service.api_base_url, connection).rstrip("/") + "/"
    except urlparams.UrlParamMissing:
        base_url = ""  # absolute URLs still work, within the allowed hosts
    except urlparams.UrlParamError as error:
        raise ConnectionUnusable(
            f"Connection '{connection.link_name}' cannot be used: {error.message}"
        ) from None
    return _Loaded(
        expires=expires,
        connection=connection,
        credential=credential,
        injection=injection_for(connection, credential),
        base_url=base_url,
        refreshable=refreshable,
    )


def _refresh(credential: Credential, force: bool = False) -> Credential:
    """The credential with a usable token: refreshed here, or by whoever held the lease.

    ``credential`` is the copy the caller used: with ``force`` (after a 401) its
    ``last_refreshed_at`` tells ``tokens.refresh`` whether someone already replaced the token.
    """
    forget(credential.pk)
    try:
        fresh = tokens.refresh(credential, force=force)
    except tokens.TokenError as error:
        raise ConnectionUnusable(error.message) from None
    if fresh.status != Credential.Status.CONNECTED:
        # Another caller's refresh failed (invalid_grant) or the connection was revoked.
        raise ConnectionUnusable(
            f"Connection '{fresh.connection.link_name}' is "
            f"{fresh.get_status_display().lower()}: reconnect it."
        )
    return fresh


@sensitive_variables()
def send(
    ref: str,
    method: str,
    url: str,
    *,
    params: Mapping[str, Any] | Sequence[tuple[str, str]] | None = None,
    headers: Mapping[str, str] | None = None,
    body: Any = None,
    json: Any = None,
    files: Any = None,
    user: User | None = None,
    topping: Topping | None = None,
    timeout: float | None = None,
    max_bytes: int | None = None,
    environment: str = Environment.PRODUCTION,
) -> broker.BrokerResponse:
    """Send a request with connection ``ref`` (``namespace__link`` or a bare link name).

    Relative URLs are joined to the service's API base URL; the credential is the one
    authorized for ``environment``. Raises ``ConnectionUnusable`` or ``broker.BrokerError``;
    the response never carries the credential.
    """
    loaded = _load(ref, topping, user, environment)
    if not url.lower().startswith(("http://", "https://")):
        if not loaded.base_url:
            raise ConnectionUnusable(
                f"Connection '{loaded.connection.link_name}' has no API base URL yet: "
                "use an absolute URL."
            )
        url = urljoin(loaded.base_url, url.lstrip("/"))
    options = {
        "params": params,
        "headers": headers,
        "data": body,
        "json": json,
        "files": files,
        "timeout": timeout or settings.CONSOLE_HTTP_TIMEOUT,
        "max_bytes": max_bytes or settings.CONSOLE_HTTP_MAX_BYTES,
    }
    injection = loaded.injection
    response = broker.send(method, url, injection=injection, **options)
    credential = loaded.credential
    if response.status == 401 and loaded.refreshable:
        # Refreshes only if nobody replaced the refused token meanwhile; either way the retry
        # (and this process's next calls) use the newest token.
        credential = _refresh(credential, force=True)
        retry = _prepare(loaded.connection, credential, expires=time.monotonic() + CACHE_SECONDS)
        _remember(_key(ref, topping, user, environment), retry)
        injection = retry.injection
        response = broker.send(method, url, injection=injection, **options)
    # A provider that echoes the request (debug endpoints, error pages) must not hand the
    # credential to the caller, who may store or show the body.
    response.content = injection.redactor.body(response.content)
    now = timezone.now()
    # Usage time is informational; writing it at most once a minute keeps calls cheap.
    if credential.last_used_at is None or (now - credential.last_used_at).total_seconds() > 60:
        credential.last_used_at = now
        Credential.objects.filter(pk=credential.pk).update(last_used_at=now)
    return response
