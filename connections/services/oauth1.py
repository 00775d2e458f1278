"""OAuth 1.0a (RFC 5849): request token, user authorization, access token.

The request-token secret is kept encrypted on the flow row, which is bound to the session
and single use like OAuth 2.0 flows; the flow is found by its request token.
"""

from __future__ import annotations

import hashlib
from urllib.parse import parse_qsl, urlencode

from django.db import transaction
from django.utils import timezone
from requests_oauthlib import OAuth1

from connections import broker
from connections.models import Connection, Credential, OAuthFlow
from connections.schemas import Secrets
from connections.services.flows import FLOW_LIFETIME, FlowError
from connections.services.injection import allowed_hosts
from connections.services.tokens import fill_url
from console.audit import log_action


def _sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


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


def start(connection: Connection, *, user, session_key: str, redirect_uri: str) -> str:
    key, secret = connection.oauth_client()
    auth = OAuth1(key, client_secret=secret, callback_uri=redirect_uri)
    url = fill_url(connection.service.request_token_url, connection)
    values = _post(connection, url, auth, (secret,))
    OAuthFlow.objects.create(
        state_hash=_sha256(values["oauth_token"]),
        connection=connection,
        user=user,
        session_hash=_sha256(session_key),
        request_token_secret=values.get("oauth_token_secret", ""),
        redirect_uri=redirect_uri,
        token_url=fill_url(connection.service.token_url, connection),
        expires_at=timezone.now() + FLOW_LIFETIME,
    )
    authorize = fill_url(connection.service.authorize_url, connection)
    return f"{authorize}?{urlencode({'oauth_token': values['oauth_token']})}"


def finish(params: dict[str, str], *, user, session_key: str | None) -> Connection:
    token, verifier = params.get("oauth_token"), params.get("oauth_verifier")
    if not token or not verifier:
        raise FlowError("The provider's answer lacks oauth_token or oauth_verifier.")
    flow = (
        OAuthFlow.objects.select_related("connection__service")
        .filter(state_hash=_sha256(token))
        .first()
    )
    if flow is None or not session_key or flow.session_hash != _sha256(session_key):
        raise FlowError("This authorization is unknown here; start the connection again.")
    if flow.expires_at < timezone.now() or flow.user_id != user.pk:
        raise FlowError("This authorization expired; start again.", flow.connection)
    if not OAuthFlow.objects.filter(pk=flow.pk, used_at__isnull=True).update(
        used_at=timezone.now()
    ):
        raise FlowError("This authorization answer was already used.", flow.connection)
    connection = flow.connection
    key, secret = connection.oauth_client()
    auth = OAuth1(
        key,
        client_secret=secret,
        resource_owner_key=token,
        resource_owner_secret=flow.request_token_secret,
        verifier=verifier,
    )
    values = _post(connection, flow.token_url, auth, (secret, flow.request_token_secret))
    with transaction.atomic():
        owner = user if connection.user_level else None
        credential, _ = Credential.objects.select_for_update().get_or_create(
            connection=connection, user=owner
        )
        credential.set_secrets(
            Secrets(
                access_token=values["oauth_token"],
                token_secret=values.get("oauth_token_secret", ""),
            )
        )
        credential.status = Credential.Status.CONNECTED
        credential.connected_by, credential.connected_at = user, timezone.now()
        credential.last_error = ""
        credential.save()
        log_action(
            connection,
            "connections.connection.connected",
            user=user,
            data={"link_name": connection.link_name, "protocol": "oauth1"},
        )
    return connection
