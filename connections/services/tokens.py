"""Talking to token endpoints: code exchange, refresh, client credentials, revocation.

Every call goes through the broker (so SSRF rules and redaction apply to token calls too).
The single-flight rule: a refresh first claims a short lease on the credential row with a
conditional UPDATE; whoever claims it calls the provider, everyone else waits for the lease
to end and reads the result. This works across processes on SQLite and PostgreSQL alike,
and never holds a database transaction open during the HTTP call.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables
from requests.auth import HTTPBasicAuth

from connections import broker
from connections.models import Connection, Credential
from connections.services import urlparams
from connections.services.injection import allowed_hosts

log = logging.getLogger(__name__)

REFRESH_MARGIN = timedelta(minutes=5)  # refresh tokens that expire sooner than this
LEASE = timedelta(seconds=60)
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
    return urlparams.fill(connection.service, url, connection.url_values)


def _token_hosts(connection: Connection, url: str) -> broker.Injection:
    from urllib.parse import urlsplit

    client_id, client_secret = connection.oauth_client()
    auth = None
    if connection.service.token_auth_method == "client_secret_basic":
        auth = HTTPBasicAuth(client_id, client_secret)
    host = (urlsplit(url).hostname or "").lower()
    return broker.Injection(
        secrets=tuple(s for s in (client_secret,) if s),
        auth=auth,
        allowed_hosts=(host, *allowed_hosts(connection)),
    )


def _client_fields(connection: Connection) -> dict[str, str]:
    client_id, client_secret = connection.oauth_client()
    if connection.service.token_auth_method == "client_secret_basic":
        return {}
    fields = {"client_id": client_id}
    if client_secret:
        fields["client_secret"] = client_secret
    return fields


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
    credential.status = Credential.Status.CONNECTED
    credential.last_error = ""
    credential.last_refreshed_at = now


def request_client_credentials(connection: Connection) -> TokenResponse:
    fields = {"grant_type": "client_credentials"}
    if connection.scopes:
        fields["scope"] = connection.service.scope_delimiter.join(connection.scopes)
    return post_token(connection, connection.service.token_url, fields)


def _needs_refresh(credential: Credential) -> bool:
    return credential.expires_within(REFRESH_MARGIN.total_seconds())


def refresh(credential: Credential, *, force: bool = False, wait: float = 45.0) -> Credential:
    """Make sure ``credential`` holds a usable access token; returns the fresh row.

    Concurrent callers (threads or processes) make one token call between them.
    """
    seen = credential.last_refreshed_at
    deadline = time.monotonic() + wait
    while True:
        now = timezone.now()
        claimed = Credential.objects.filter(
            Q(refresh_lease_until__isnull=True) | Q(refresh_lease_until__lt=now),
            pk=credential.pk,
        ).update(refresh_lease_until=now + LEASE)
        if claimed:
            break
        if time.monotonic() > deadline:
            raise TokenError("busy", "Another refresh of this connection is taking too long.")
        time.sleep(0.05)
    try:
        current = Credential.objects.select_related(
            "connection__service", "connection__topping"
        ).get(pk=credential.pk)
        refreshed_meanwhile = current.last_refreshed_at != seen and current.last_refreshed_at
        if current.status != Credential.Status.CONNECTED or refreshed_meanwhile:
            return current
        if not force and not _needs_refresh(current):
            return current
        _refresh_now(current)
        return current
    finally:
        Credential.objects.filter(pk=credential.pk).update(refresh_lease_until=None)


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
            if error.code in ("invalid_grant", "invalid_client", "unauthorized_client"):
                credential.status = Credential.Status.EXPIRED
                fields.append("status")
            credential.save(update_fields=fields)
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
        credential.save()


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
