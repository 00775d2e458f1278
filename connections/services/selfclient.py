"""Self-client codes: authorize a connection with a grant code made at the provider.

Zoho's "Self Client" (API console) shows a client ID and secret and generates a grant code for
the scopes the developer picks, valid for a few minutes. The console exchanges that code at the
service's token endpoint (``grant_type=authorization_code``, no ``redirect_uri``), stores the
tokens with ``save_connected(..., method="self_client")`` and keeps the pasted client on the
connection (encrypted), because only that client can refresh those tokens.

Which providers offer it is decided by the token endpoint's host (``SELF_CLIENT_TOKEN_HOSTS``):
Zoho's accounts servers of every data centre.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.views.decorators.debug import sensitive_variables

from connections.models import AuthType, Connection, Credential, Environment, GrantType, Service
from connections.services import tokens
from connections.services.credentials import save_connected

if TYPE_CHECKING:
    from console.models import User

# Zoho's accounts servers, one per data centre (the token endpoint is the one where the self
# client was created).
SELF_CLIENT_TOKEN_HOSTS = frozenset(
    {
        "accounts.zoho.com",
        "accounts.zoho.eu",
        "accounts.zoho.in",
        "accounts.zoho.com.au",
        "accounts.zoho.com.cn",
        "accounts.zoho.jp",
        "accounts.zohocloud.ca",
        "accounts.zoho.sa",
        "accounts.zoho.uk",
    }
)


class SelfClientError(Exception):
    """The code could not be exchanged; ``message`` says why, in words."""

    def __init__(self, message: str, code: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def allows_self_client(service: Service) -> bool:
    """Whether connections of ``service`` may be authorized with a self-client code."""
    if service.auth_type != AuthType.OAUTH2 or service.grant_type == GrantType.CLIENT_CREDENTIALS:
        return False
    host = (urlsplit(service.token_url).hostname or "").lower()
    return host in SELF_CLIENT_TOKEN_HOSTS


def explain(error: tokens.TokenError, token_url: str) -> str:
    """What went wrong with a self-client exchange, and what to do about it."""
    if error.code in ("invalid_code", "invalid_grant"):
        return (
            "The grant code is invalid, expired or was already used. Generate a new code in "
            "the provider's API console (Self Client, Generate Code) and paste it before it "
            "expires."
        )
    if error.code in ("invalid_client", "unauthorized_client"):
        return (
            "The provider does not recognise this client ID and secret. Check that you copied "
            "them from the self client, and that the self client was created in the data "
            "centre this service's token endpoint belongs to "
            f"({urlsplit(token_url).hostname or 'its accounts server'})."
        )
    return error.message


@sensitive_variables()
def connect_with_code(
    connection: Connection,
    *,
    client_id: str,
    client_secret: str,
    code: str,
    user: User | None,
    environment: str = Environment.PRODUCTION,
) -> Credential:
    """Exchange a self-client grant code and mark the connection Connected by ``user``.

    Nothing is stored unless the provider answers with tokens. Raises ``SelfClientError``.
    """
    service = connection.service
    if not allows_self_client(service):
        raise SelfClientError(f"{service.name} does not offer self-client codes.")
    if connection.user_level:
        raise SelfClientError(
            "Self-client codes are for connections shared by the topping: the client would "
            "replace the one every member's credential refreshes with."
        )
    client_id, client_secret, code = client_id.strip(), client_secret.strip(), code.strip()
    if not (client_id and client_secret and code):
        raise SelfClientError("Enter the client ID, the client secret and the grant code.")
    stored = connection.client_id, connection.client_secret
    # The exchange authenticates with the pasted client; kept only if it succeeds.
    connection.client_id, connection.client_secret = client_id, client_secret
    token_url = tokens.fill_url(service.token_url, connection)  # on the connection's DC
    try:
        response = tokens.post_token(
            connection,
            token_url,
            {"grant_type": "authorization_code", "code": code},
            secrets=(code,),
        )
    except tokens.TokenError as error:
        connection.client_id, connection.client_secret = stored
        raise SelfClientError(explain(error, token_url), error.code) from None

    def fill(credential: Credential) -> None:
        connection.save(update_fields=["client_id", "client_secret", "updated_at"])
        tokens.store_tokens(credential, response)

    return save_connected(
        connection, user=user, fill=fill, method="self_client", environment=environment
    )
