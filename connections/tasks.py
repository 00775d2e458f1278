"""Background work: keep tokens fresh. Tasks take ids and call services."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from connections.models import AuthType, Credential
from connections.services import tokens

log = logging.getLogger(__name__)

SCHEDULE_NAME = "connections.refresh_expiring_tokens"
LOOKAHEAD = timedelta(minutes=15)
IDLE = timedelta(days=1)


def refresh_expiring_tokens() -> int:
    """Refresh OAuth tokens that expire within 15 minutes, and touch idle ones daily.

    Touching keeps refresh tokens that providers expire after inactivity alive.
    Returns how many credentials were refreshed.
    """
    now = timezone.now()
    due = Credential.objects.filter(
        status=Credential.Status.CONNECTED, connection__service__auth_type=AuthType.OAUTH2
    ).filter(
        Q(expires_at__lte=now + LOOKAHEAD)
        | Q(last_refreshed_at__lte=now - IDLE, expires_at__isnull=False)
    )
    count = 0
    for credential_id in due.values_list("pk", flat=True):
        credential = Credential.objects.get(pk=credential_id)
        # Only the daily touch of an idle token forces a refresh; otherwise the lease holder
        # re-checks, so a refresh that a call made a moment ago is not repeated.
        idle = credential.last_refreshed_at is None or credential.last_refreshed_at <= now - IDLE
        try:
            before = credential.last_refreshed_at
            refreshed = tokens.refresh(credential, force=idle)
            count += refreshed.last_refreshed_at != before
        except tokens.TokenError as error:
            log.warning("scheduled refresh of credential %s failed: %s", credential_id, error.code)
    return count
