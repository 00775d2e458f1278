"""The one way a credential becomes Connected, whatever the authorization was."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from connections.models import Connection, Credential, Environment
from console.audit import log_action

if TYPE_CHECKING:
    from console.models import User


def environment_name(environment: str) -> str:
    """``environment`` if it is one (a form or a URL may send anything), else ValueError."""
    if environment not in Environment.values:
        raise ValueError(f"There is no environment {environment!r}.")
    return environment


def credential_row(
    connection: Connection, user: User | None, environment: str = Environment.PRODUCTION
) -> Credential:
    """The credential runs for ``user`` in ``environment`` use: their own for a user-level
    connection, else the shared one; created if missing and locked for this transaction."""
    owner = user if connection.user_level else None
    credential, _ = Credential.objects.select_for_update().get_or_create(
        connection=connection, user=owner, environment=environment_name(environment)
    )
    return credential


@transaction.atomic
def save_connected(
    connection: Connection,
    *,
    user: User | None,
    fill: Callable[[Credential], None],
    method: str,
    environment: str = Environment.PRODUCTION,
) -> Credential:
    """Store what an authorization returned and mark the credential Connected by ``user``.

    ``fill(credential)`` puts the secrets in (keys typed into a form, tokens, an OAuth 1.0a
    token pair); ``method`` says how, for the audit entry ``connections.connection.connected``
    (``values``, ``client_credentials``, ``oauth2``, ``oauth1``, ``self_client``), in
    ``environment`` (sandbox or production).
    """
    credential = credential_row(connection, user, environment)
    fill(credential)
    credential.status = Credential.Status.CONNECTED
    credential.connected_by, credential.connected_at = user, timezone.now()
    credential.last_error = ""
    credential.save()
    log_action(
        connection,
        "connections.connection.connected",
        user=user,
        data={
            "link_name": connection.link_name,
            "user_level": connection.user_level,
            "method": method,
            "environment": environment,
        },
    )
    return credential
