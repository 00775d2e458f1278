"""The OAuth 2.0 authorization-code flow (RFC 6749 + PKCE RFC 7636 + issuer RFC 9207).

``start`` creates a single-use flow bound to the browser session and returns the provider's
consent URL; ``finish`` checks everything about the return before any token request is made.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from datetime import timedelta
from typing import TYPE_CHECKING
from urllib.parse import urlencode, urlsplit

from django.db import transaction
from django.utils import timezone

from connections.models import Connection, Environment, OAuthFlow
from connections.services import urlparams
from connections.services.credentials import environment_name, save_connected
from connections.services.tokens import (
    TokenError,
    TokenResponse,
    client_auth_method,
    describe_error,
    fill_url,
    post_token,
    store_tokens,
)
from connections.services.urlparams import UrlParamError

if TYPE_CHECKING:
    from console.models import User

FLOW_LIFETIME = timedelta(minutes=10)


class FlowError(Exception):
    """The return from the provider cannot be accepted; the message is for the user."""

    def __init__(self, message: str, connection: Connection | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.connection = connection


def _sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def pkce_challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def expected_issuer(connection: Connection) -> str:
    """The documented issuer, else the authorization server's origin."""
    if connection.service.issuer:
        return connection.service.issuer
    parts = urlsplit(fill_url(connection.service.authorize_url, connection))
    return f"{parts.scheme}://{parts.netloc}"


def start(
    connection: Connection,
    *,
    user: User,
    session_key: str,
    redirect_uri: str,
    environment: str = Environment.PRODUCTION,
) -> str:
    """Create a flow and return the URL of the provider's consent page."""
    service = connection.service
    state = secrets.token_urlsafe(32)
    verifier = secrets.token_urlsafe(64)
    try:
        url = fill_url(service.authorize_url, connection)
        token_url = fill_url(service.token_url, connection)
    except UrlParamError as error:
        message = f"This connection cannot be authorized: {error.message}"
        raise FlowError(message, connection) from None
    OAuthFlow.objects.create(
        state_hash=_sha256(state),
        connection=connection,
        user=user,
        session_hash=_sha256(session_key),
        code_verifier=verifier,
        redirect_uri=redirect_uri,
        token_url=token_url,
        environment=environment_name(environment),
        issuer=expected_issuer(connection),
        expires_at=timezone.now() + FLOW_LIFETIME,
    )
    client_id, _ = connection.oauth_client()
    params = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "state": state,
        **service.authorize_params,
    }
    if connection.scopes:
        params["scope"] = service.scope_delimiter.join(connection.scopes)
    if service.pkce or client_auth_method(connection) == "none":
        # A public client has no secret: PKCE is what binds the code to this console.
        params["code_challenge"] = pkce_challenge(verifier)
        params["code_challenge_method"] = "S256"
    return f"{url}{'&' if '?' in url else '?'}{urlencode(params)}"


def claim(state: str | None, session_key: str | None) -> OAuthFlow:
    """The flow ``state`` names, if this session started it in time; marks it used.

    OAuth 1.0a flows are claimed the same way, with the request token as their state.
    """
    if not state:
        raise FlowError("The provider's answer has no state; the connection was not authorized.")
    flow = (
        OAuthFlow.objects.select_related("connection__service", "connection__topping")
        .filter(state_hash=_sha256(state))
        .first()
    )
    if flow is None:
        raise FlowError("This authorization link is unknown; start the connection again.")
    if not session_key or flow.session_hash != _sha256(session_key):
        raise FlowError(
            "This authorization was started in another browser session; start it again here.",
            flow.connection,
        )
    if flow.expires_at < timezone.now():
        raise FlowError(
            "This authorization took longer than 10 minutes; start again.", flow.connection
        )
    # Single use: only the request that flips used_at from empty goes on.
    if not OAuthFlow.objects.filter(pk=flow.pk, used_at__isnull=True).update(
        used_at=timezone.now()
    ):
        raise FlowError("This authorization answer was already used.", flow.connection)
    return flow


def finish(params: dict[str, str], *, user: User, session_key: str | None) -> Connection:
    """Validate the provider's redirect and exchange the code; return the connection."""
    flow = claim(params.get("state"), session_key)
    connection = flow.connection
    if flow.user_id != user.pk:
        raise FlowError("This authorization was started by another user.", connection)
    issuer = params.get("iss")
    if issuer is None and connection.service.authorization_response_iss_parameter_supported:
        # RFC 9207 2.4: a provider that advertises ``iss`` always sends it; an answer
        # without it may come from another authorization server (mix-up).
        raise FlowError(
            "The answer has no issuer (iss), which this provider always sends; it was "
            "refused. Start the connection again.",
            connection,
        )
    if issuer is not None and issuer != flow.issuer:
        raise FlowError(
            "The answer came from a different authorization server than the one asked "
            f"(expected {flow.issuer}); it was refused.",
            connection,
        )
    if params.get("error"):
        error_code = params["error"]
        detail = params.get("error_description") or describe_error(error_code)
        raise FlowError(
            f"The provider did not authorize the connection: {detail} ({error_code}).", connection
        )
    code = params.get("code")
    if not code:
        raise FlowError("The provider's answer has no authorization code.", connection)
    url_values = values_from_callback(connection, params)
    try:
        tokens = post_token(
            connection,
            flow.token_url,
            {
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": flow.redirect_uri,
                "code_verifier": flow.code_verifier,
            },
            secrets=(code, flow.code_verifier),
        )
    except TokenError as error:
        raise FlowError(error.message, connection) from None
    _save_connected(flow, user, tokens, url_values)
    return connection


def values_from_callback(connection: Connection, params: dict[str, str]) -> dict[str, str]:
    """URL values the provider sent on the redirect, for the parameters allowed to take them.

    Only parameters marked ``from_callback`` that appear in the API base URL alone, only
    when the connection has no value yet, and only values that match the pattern: the rest
    of the redirect's query never reaches ``url_values``.
    """
    found: dict[str, str] = {}
    for param in urlparams.callback_params(connection.service):
        value = params.get(param.name) or params.get(_camel(param.name))
        if not value or connection.url_values.get(param.name):
            continue
        if not param.matches(value):
            raise FlowError(
                f"The provider's answer carried an invalid {param.label}; it was refused.",
                connection,
            )
        found[param.name] = value
    if found:
        try:
            urlparams.fill(
                connection.service,
                connection.service.api_base_url,
                {**found, **connection.url_values},
            )
        except UrlParamError as error:
            message = f"The provider's answer was refused: {error.message}"
            raise FlowError(message, connection) from None
    return found


def ensure_flow_current(flow: OAuthFlow) -> None:
    """Refuse to store tokens for a flow that a reset of its service deleted meanwhile."""
    if not OAuthFlow.objects.filter(pk=flow.pk).exists():
        raise FlowError(
            "The service changed while you were authorizing; connect again.", flow.connection
        )


@transaction.atomic
def _save_connected(
    flow: OAuthFlow, user: User, tokens: TokenResponse, url_values: dict[str, str]
) -> None:
    ensure_flow_current(flow)
    connection = flow.connection
    if url_values:
        # Re-read under a lock: a value stored meanwhile is kept, never overwritten.
        stored = Connection.objects.select_for_update().get(pk=connection.pk).url_values
        connection.url_values = {**url_values, **stored}
        connection.save(update_fields=["url_values", "updated_at"])
    save_connected(
        connection,
        user=user,
        fill=lambda c: store_tokens(c, tokens),
        method="oauth2",
        environment=flow.environment,
    )


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)
