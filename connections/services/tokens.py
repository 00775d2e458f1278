"""Talking to token endpoints: code exchange, refresh, client credentials, revocation.

Every call goes through the broker (so SSRF rules and redaction apply to token calls too).
The single-flight rule: a refresh first claims a short lease on the credential row with a
conditional UPDATE; whoever claims it calls the provider, everyone else re-reads the row until
the token they hold has been replaced (or the lease is theirs) and uses the new one. On-demand
refreshes (``send``, a 401), the schedule and the admin action all go through ``refresh`` and
so share that one lease. This works across processes on SQLite and PostgreSQL alike, and never
holds a database transaction open during the HTTP call.

A token counts as due a margin before it expires: a tenth of its lifetime, at most five
minutes, so a 60-second token is refreshed 6 seconds before expiry, not on every use.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote_plus

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables
from requests.auth import HTTPBasicAuth

from connections import broker
from connections.models import Connection, Credential
from connections.services import urlparams
from connections.services.injection import allowed_hosts
from console.audit import log_action

log = logging.getLogger(__name__)

REFRESH_MARGIN = timedelta(minutes=5)  # the longest margin: refresh tokens expiring sooner
MARGIN_FRACTION = 0.1  # ... or within this fraction of their lifetime, whichever is shorter
LEASE = timedelta(seconds=60)
POLL_SECONDS = 0.05  # how often a waiting caller re-reads the row
TOKEN_TIMEOUT = 30.0


class TokenError(Exception):
    """A token endpoint refused; ``code`` is the OAuth error (``invalid_grant``...)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class TokenResponse:
    access_token: str
    refresh_token: str
    expires_in: int | None
    scope: list[str]
    token_type: str
    extra: dict[str, Any]

    def __repr__(self) -> str:
        return (
            f"TokenResponse(token_type={self.token_type!r}, expires_in={self.expires_in}, "
            f"scope={self.scope}, refresh_token={'set' if self.refresh_token else 'none'})"
        )


def fill_url(url: str, connection: Connection) -> str:
    """``url`` with the connection's values spliced in; ``UrlParamError`` if unsafe."""
    return urlparams.fill(connection.service, url, connection.url_values, connection.data_centre)


CLIENT_AUTH_METHODS = ("client_secret_basic", "client_secret_post", "none")


def client_auth_method(connection: Connection) -> str:
    """How this connection's client authenticates at the token and revocation endpoints.

    The service's ``token_auth_method``; an empty one (older rows) means
    ``client_secret_post``, and a client without a secret can only be a public one.
    """
    method = connection.service.token_auth_method or "client_secret_post"
    if method not in CLIENT_AUTH_METHODS:
        method = "client_secret_post"
    _, client_secret = connection.oauth_client()
    return method if client_secret else "none"


def _basic_auth(client_id: str, client_secret: str) -> HTTPBasicAuth:
    """RFC 6749 2.3.1: id and secret are form-urlencoded before they are joined and encoded."""
    return HTTPBasicAuth(quote_plus(client_id), quote_plus(client_secret))


def _token_hosts(connection: Connection, url: str) -> broker.Injection:
    from urllib.parse import urlsplit

    client_id, client_secret = connection.oauth_client()
    auth = None
    if client_auth_method(connection) == "client_secret_basic":
        auth = _basic_auth(client_id, client_secret)
    host = (urlsplit(url).hostname or "").lower()
    return broker.Injection(
        secrets=tuple(s for s in (client_secret,) if s),
        auth=auth,
        allowed_hosts=(host, *allowed_hosts(connection)),
    )


def _client_fields(connection: Connection) -> dict[str, str]:
    """The client's fields in the request body: none for Basic, the id alone for a public
    client (``none``: the secret is never sent), id and secret for ``client_secret_post``."""
    client_id, client_secret = connection.oauth_client()
    method = client_auth_method(connection)
    if method == "client_secret_basic":
        return {}
    if method == "none":
        return {"client_id": client_id}
    return {"client_id": client_id, "client_secret": client_secret}


@sensitive_variables()
def post_token(
    connection: Connection, url: str, fields: dict[str, str], secrets: Iterable[str] = ()
) -> TokenResponse:
    """POST a token request and parse the answer, or raise TokenError in words."""
    try:
        url = fill_url(url, connection)
    except urlparams.UrlParamError as error:
        raise TokenError("invalid_url", f"The token URL was refused: {error.message}") from None
    injection = _token_hosts(connection, url)
    injection = broker.Injection(
        secrets=(*injection.secrets, *[s for s in secrets if s]),
        auth=injection.auth,
        allowed_hosts=injection.allowed_hosts,
    )
    try:
        response = broker.send(
            "POST",
            url,
            data={**fields, **_client_fields(connection)},
            headers={"Accept": "application/json"},
            injection=injection,
            timeout=TOKEN_TIMEOUT,
        )
    except broker.BrokerError as error:
        message = f"The token endpoint could not be reached: {error.message}"
        raise TokenError("unreachable", message) from None
    try:
        body = response.json()
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    # Some providers (Zoho among them) answer 200 with an "error" member.
    if response.status >= 400 or "error" in body or not body.get("access_token"):
        code = str(body.get("error") or f"http_{response.status}")
        detail = body.get("error_description") or describe_error(code)
        raise TokenError(code, f"The provider refused the token request: {detail} ({code}).")
    scope = body.get("scope") or ""
    if isinstance(scope, str):
        scope = [s for s in scope.replace(",", " ").split() if s]
    expires = body.get("expires_in")
    try:
        expires = int(expires) if expires is not None else None
    except (TypeError, ValueError):
        expires = None
    known = {"access_token", "refresh_token", "expires_in", "scope", "token_type"}
    return TokenResponse(
        access_token=str(body["access_token"]),
        refresh_token=str(body.get("refresh_token") or ""),
        expires_in=expires,
        scope=list(scope),
        token_type=str(body.get("token_type") or "Bearer"),
        extra={k: v for k, v in body.items() if k not in known and isinstance(v, str | int)},
    )


OAUTH_ERRORS = {
    "access_denied": "the request was denied at the provider's consent page",
    "invalid_request": "the provider says the request was malformed",
    "unauthorized_client": "this client is not allowed to use this grant type",
    "unsupported_response_type": "the provider does not support this response type",
    "invalid_scope": "one of the requested scopes is unknown or not allowed",
    "server_error": "the provider had an internal error",
    "temporarily_unavailable": "the provider is temporarily unavailable",
    "redirect_uri_mismatch": "the redirect URI does not match the one registered with the provider",
    "invalid_client": "the client id or secret is wrong",
    "invalid_grant": "the authorization code or refresh token is invalid, expired or revoked",
    "unsupported_grant_type": "the provider does not support this grant type",
    "invalid_code": "the authorization code is invalid or expired",
}


def describe_error(code: str) -> str:
    return OAUTH_ERRORS.get(code, "the provider returned an error")


def store_tokens(credential: Credential, tokens: TokenResponse) -> None:
    """Put new tokens on the credential (the caller saves it, in its transaction); a response
    without a refresh token keeps the old one."""
    secrets = credential.secrets
    secrets.access_token = tokens.access_token
    if tokens.refresh_token:
        secrets.refresh_token = tokens.refresh_token
    credential.set_secrets(secrets)
    credential.token_type = tokens.token_type
    if tokens.scope:
        credential.granted_scopes = tokens.scope
    now = timezone.now()
    credential.expires_at = (
        now + timedelta(seconds=tokens.expires_in) if tokens.expires_in else None
    )
    credential.token_lifetime = tokens.expires_in if tokens.expires_in else None
    credential.status = Credential.Status.CONNECTED
    credential.last_error = ""
    credential.last_refreshed_at = now


def request_client_credentials(connection: Connection) -> TokenResponse:
    fields = {"grant_type": "client_credentials"}
    if connection.scopes:
        fields["scope"] = connection.service.scope_delimiter.join(connection.scopes)
    return post_token(connection, connection.service.token_url, fields)


def refresh_margin(credential: Credential) -> float:
    """Seconds before expiry at which ``credential``'s token is refreshed: a tenth of its
    lifetime, at most ``REFRESH_MARGIN`` (all of it when the lifetime is unknown)."""
    return credential.refresh_margin(REFRESH_MARGIN.total_seconds(), MARGIN_FRACTION)


def needs_refresh(credential: Credential) -> bool:
    """Whether the token expires within its refresh margin (never, without an expiry)."""
    return credential.needs_refresh(REFRESH_MARGIN.total_seconds(), MARGIN_FRACTION)


def _claim(pk: int) -> datetime | None:
    """Take the refresh lease on credential ``pk`` if it is free or ran out; its end, or None.

    One conditional UPDATE: the database lets exactly one caller match the free row.
    """
    now = timezone.now()
    until = now + LEASE
    claimed = Credential.objects.filter(
        Q(refresh_lease_until__isnull=True) | Q(refresh_lease_until__lt=now), pk=pk
    ).update(refresh_lease_until=until)
    return until if claimed else None


def _release(pk: int, until: datetime) -> None:
    # Only our own lease: one that ran out may already belong to someone else.
    Credential.objects.filter(pk=pk, refresh_lease_until=until).update(refresh_lease_until=None)


def _read(pk: int) -> Credential:
    return Credential.objects.select_related("connection__service", "connection__topping").get(
        pk=pk
    )


def _settled(current: Credential, seen: datetime | None, force: bool) -> bool:
    """Whether ``current`` (just read) needs no token call from a caller who held the token of
    generation ``seen`` (its ``last_refreshed_at``)."""
    if current.status != Credential.Status.CONNECTED:
        return True  # revoked, reset or expired meanwhile: nothing to refresh
    if current.last_refreshed_at is not None and current.last_refreshed_at != seen:
        return True  # someone replaced the caller's token: use theirs
    return not force and not needs_refresh(current)


def refresh(credential: Credential, *, force: bool = False, wait: float = 45.0) -> Credential:
    """Make sure ``credential`` holds a usable access token; returns the fresh row.

    Without ``force`` the token is refreshed only when it is due (``needs_refresh``). With
    ``force`` (a 401, the schedule, the admin action) it is refreshed unless another caller
    already replaced the token ``credential`` holds. Concurrent callers (threads or
    processes) make one token call between them: whoever claims the lease calls the
    provider; the others re-read the row while they wait and return the new token as soon as
    it is stored.
    """
    seen = credential.last_refreshed_at
    deadline = time.monotonic() + wait
    lease = _claim(credential.pk)
    while lease is None:
        current = _read(credential.pk)
        if _settled(current, seen, force):
            return current
        if time.monotonic() > deadline:
            raise TokenError("busy", "Another refresh of this connection is taking too long.")
        time.sleep(POLL_SECONDS)
        lease = _claim(credential.pk)
    try:
        current = _read(credential.pk)
        if not _settled(current, seen, force):
            _refresh_now(current)
        return current
    finally:
        _release(credential.pk, lease)


def _refresh_now(credential: Credential) -> None:
    connection = credential.connection
    service = connection.service
    try:
        if service.grant_type == "client_credentials":
            tokens = request_client_credentials(connection)
        else:
            refresh_token = credential.secrets.refresh_token
            if not refresh_token:
                raise TokenError("invalid_grant", "There is no refresh token; reconnect.")
            tokens = post_token(
                connection,
                service.refresh_url or service.token_url,
                {"grant_type": "refresh_token", "refresh_token": refresh_token},
                secrets=(refresh_token,),
            )
    except TokenError as error:
        with transaction.atomic():
            credential.last_error = error.message
            fields = ["last_error", "updated_at"]
            expired = error.code in ("invalid_grant", "invalid_client", "unauthorized_client")
            if expired:
                credential.status = Credential.Status.EXPIRED
                fields.append("status")
            credential.save(update_fields=fields)
            if expired:
                log_action(
                    connection,
                    "connections.connection.expired",
                    user=None,
                    data={
                        "link_name": connection.link_name,
                        "code": error.code,
                        "reason": error.message,
                    },
                )
        log.warning("refresh of connection %s failed: %s", connection.pk, error.code)
        raise
    with transaction.atomic():
        still_connected = Credential.objects.select_for_update().filter(
            pk=credential.pk, status=Credential.Status.CONNECTED
        )
        if not still_connected.exists():
            # Revoked or reset (its service changed) during the call: keep it that way.
            credential.refresh_from_db()
            return
        store_tokens(credential, tokens)
        # Not the lease column: releasing it is ``refresh``'s, and only if still its own.
        credential.save(update_fields=_TOKEN_FIELDS)


_TOKEN_FIELDS = [
    "secret_data",
    "token_type",
    "granted_scopes",
    "expires_at",
    "token_lifetime",
    "status",
    "last_error",
    "last_refreshed_at",
    "updated_at",
]


@sensitive_variables()
def revoke_at_provider(connection: Connection, credential: Credential) -> str:
    """Ask the provider to revoke (RFC 7009); return what happened, in words. Never raises."""
    service = connection.service
    secrets = credential.secrets
    token = secrets.refresh_token or secrets.access_token
    if not service.revoke_url or not token:
        return "no revocation endpoint known; credentials deleted locally"
    try:
        url = fill_url(service.revoke_url, connection)
    except urlparams.UrlParamError:
        return "the revocation URL was refused; credentials deleted locally"
    injection = _token_hosts(connection, url)
    injection = broker.Injection(
        secrets=(*injection.secrets, *secrets.all_values()),
        auth=injection.auth,
        allowed_hosts=injection.allowed_hosts,
    )
    fields = {service.revoke_token_param or "token": token, **_client_fields(connection)}
    if secrets.refresh_token:
        fields["token_type_hint"] = "refresh_token"
    try:
        response = broker.send("POST", url, data=fields, injection=injection, timeout=TOKEN_TIMEOUT)
    except broker.BrokerError as error:
        return f"the provider could not be reached ({error.code}); credentials deleted locally"
    if response.status >= 400:
        return f"the provider answered {response.status}; credentials deleted locally"
    return "revoked at the provider"
