"""OAuth 1.0a (RFC 5849): request token, user authorization, access token.

The request-token secret is kept encrypted on the flow row, which is bound to the session
and single use like OAuth 2.0 flows; the flow is found by its request token.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode

from django.db import transaction
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables
from requests_oauthlib import OAuth1

from connections import broker
from connections.models import Connection, Environment, OAuthFlow
from connections.schemas import Secrets
from connections.services.credentials import environment_name, save_connected
from connections.services.flows import FLOW_LIFETIME, FlowError, claim, ensure_flow_current
from connections.services.injection import allowed_hosts
from connections.services.tokens import fill_url
from connections.services.urlparams import UrlParamError

if TYPE_CHECKING:
    from console.models import User


def _sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


@sensitive_variables()
def _post(
    connection: Connection, url: str, auth: OAuth1, secrets: tuple[str, ...]
) -> dict[str, str]:
    from urllib.parse import urlsplit

    host = (urlsplit(url).hostname or "").lower()
    injection = broker.Injection(
        auth=auth, secrets=secrets, allowed_hosts=(host, *allowed_hosts(connection))
    )
    try:
        response = broker.send("POST", url, injection=injection, timeout=30.0)
    except broker.BrokerError as error:
        raise FlowError(f"The provider could not be reached: {error.message}", connection) from None
    values = dict(parse_qsl(response.text()))
    if response.status >= 400 or "oauth_token" not in values:
        raise FlowError(f"The provider refused the request (HTTP {response.status}).", connection)
    return values


def start(
    connection: Connection,
    *,
    user: User,
    session_key: str,
    redirect_uri: str,
    environment: str = Environment.PRODUCTION,
) -> str:
    """Get a request token and return the provider's authorization URL (RFC 5849 2.1, 2.2)."""
    key, secret = connection.oauth_client()
    auth = OAuth1(key, client_secret=secret, callback_uri=redirect_uri)
    try:
        url = fill_url(connection.service.request_token_url, connection)
        token_url = fill_url(connection.service.token_url, connection)
        authorize = fill_url(connection.service.authorize_url, connection)
    except UrlParamError as error:
        message = f"This connection cannot be authorized: {error.message}"
        raise FlowError(message, connection) from None
    values = _post(connection, url, auth, (secret,))
    if values.get("oauth_callback_confirmed") != "true":
        # OAuth 1.0 without the "a" ignores our callback, which allows session fixation.
        raise FlowError("The provider did not confirm the callback URL (OAuth 1.0a).", connection)
    OAuthFlow.objects.create(
        state_hash=_sha256(values["oauth_token"]),
        connection=connection,
        user=user,
        session_hash=_sha256(session_key),
        request_token_secret=values.get("oauth_token_secret", ""),
        redirect_uri=redirect_uri,
        token_url=token_url,
        environment=environment_name(environment),
        expires_at=timezone.now() + FLOW_LIFETIME,
    )
    query = urlencode({"oauth_token": values["oauth_token"]})
    return f"{authorize}{'&' if '?' in authorize else '?'}{query}"


def finish(params: dict[str, str], *, user: User, session_key: str | None) -> Connection:
    """Check the provider's redirect, exchange the verifier for an access token (RFC 5849 2.3)."""
    # Providers that refuse send the request token back as "denied" and no verifier.
    flow = claim(params.get("oauth_token") or params.get("denied"), session_key)
    connection = flow.connection
    if flow.user_id != user.pk:
        raise FlowError("This authorization was started by another user.", connection)
    verifier = params.get("oauth_verifier")
    if "denied" in params or not verifier:
        raise FlowError(
            "The provider did not authorize the connection: the request was denied at the "
            "provider's consent page.",
            connection,
        )
    key, secret = connection.oauth_client()
    auth = OAuth1(
        key,
        client_secret=secret,
        resource_owner_key=params["oauth_token"],
        resource_owner_secret=flow.request_token_secret,
        verifier=verifier,
    )
    values = _post(connection, flow.token_url, auth, (secret, flow.request_token_secret))
    _save_connected(flow, user, values)
    return connection


@transaction.atomic
def _save_connected(flow: OAuthFlow, user: User, values: dict[str, str]) -> None:
    ensure_flow_current(flow)
    connection = flow.connection
    secrets = Secrets(
        access_token=values["oauth_token"], token_secret=values.get("oauth_token_secret", "")
    )
    save_connected(
        connection,
        user=user,
        fill=lambda c: c.set_secrets(secrets),
        method="oauth1",
        environment=flow.environment,
    )
