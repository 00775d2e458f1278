"""Start-up fails closed when the encryption keys cannot read the database's secrets."""

from __future__ import annotations

from django.core.checks import Error, register
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError

from connections.crypto import crypter, verify_canary


@register()
def check_encryption_key(app_configs=None, **kwargs) -> list[Error]:
    try:
        crypter()
    except ImproperlyConfigured as error:
        return [Error(str(error), id="connections.E001")]
    try:
        verify_canary()
    except ImproperlyConfigured as error:
        return [Error(str(error), hint="See README: FIELD_ENCRYPTION_KEY.", id="connections.E002")]
    except DatabaseError:
        # Not migrated yet: nothing is encrypted, so nothing can be unreadable.
        return []
    return []
