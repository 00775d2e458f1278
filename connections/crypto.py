"""Secrets at rest: Fernet encryption with key rotation, failing closed.

``FIELD_ENCRYPTION_KEY`` is a list, newest key first. Values are encrypted with the newest and
read with any, so rotation is "prepend a key, run ``rotate_encryption_key``, drop the old one".
A value no key can read raises ``SecretUnreadable``: ciphertext is never handed out as if it
were the secret (django-encrypted-model-fields does exactly that on a wrong key, which is why
the console has its own small field).
"""

from __future__ import annotations

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


class SecretUnreadable(Exception):
    """Stored ciphertext that none of the configured keys decrypts."""


@lru_cache(maxsize=4)
def _crypter(keys: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except (ValueError, TypeError) as error:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEY must be a comma-separated list of Fernet keys "
            f"(32 url-safe base64-encoded bytes each): {error}"
        ) from None


def crypter() -> MultiFernet:
    return _crypter(tuple(settings.FIELD_ENCRYPTION_KEY))


def encrypt(plaintext: str) -> str:
    return crypter().encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return crypter().decrypt(token.encode()).decode()
    except InvalidToken:
        raise SecretUnreadable(
            "A stored secret cannot be decrypted with FIELD_ENCRYPTION_KEY (wrong or missing key)."
        ) from None


class EncryptedTextField(models.TextField):
    """A text column stored encrypted; write-only outside the model.

    ``value_from_object`` returns None so model forms, the admin and serializers (``dumpdata``)
    never see the value; code reads the attribute on the instance.
    """

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(value)

    def value_from_object(self, obj):
        return None

    def value_to_string(self, obj) -> str:
        return ""

    def formfield(self, **kwargs):
        return None


class EncryptionCanary(models.Model):
    """One row holding a known value, decrypted at start-up to prove the keys are right."""

    KNOWN = "topping-console-canary"
    value = EncryptedTextField()

    class Meta:
        app_label = "connections"

    def __str__(self) -> str:
        return "encryption canary"


def verify_canary() -> None:
    """Raise ImproperlyConfigured when the stored canary cannot be read with the keys."""
    canary = EncryptionCanary.objects.only("pk").order_by("pk").first()
    if canary is None:
        EncryptionCanary.objects.create(value=EncryptionCanary.KNOWN)
        return
    try:
        value = EncryptionCanary.objects.get(pk=canary.pk).value
    except SecretUnreadable:
        value = None
    if value != EncryptionCanary.KNOWN:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEY cannot decrypt this database's secrets. Start with the key "
            "the data was encrypted with (keep old keys after the newest one when rotating)."
        )
