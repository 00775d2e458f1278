"""Per-topping API keys: shown once at creation, stored as a SHA-256 hash."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import TYPE_CHECKING

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from console.audit import log_action
from console.models import ApiKey, Topping

if TYPE_CHECKING:
    from console.models import User

KEY_PREFIX = "tc_"


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def create_api_key(topping: Topping, *, name: str, user: User | None) -> tuple[ApiKey, str]:
    """Return the key row and the raw key, which is never available again."""
    prefix = secrets.token_hex(6)
    raw = f"{KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    key = ApiKey.objects.create(
        topping=topping, name=name, prefix=prefix, key_hash=_hash(raw), created_by=user
    )
    log_action(key, "console.api_key.created", user=user, data={"name": name, "prefix": prefix})
    return key, raw


@transaction.atomic
def revoke_api_key(key: ApiKey, *, user: User | None) -> None:
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
        log_action(key, "console.api_key.revoked", user=user, data={"prefix": key.prefix})


def authenticate_api_key(raw: str) -> ApiKey | None:
    """The active key matching ``raw``, or None. Compared in constant time."""
    if not raw.startswith(KEY_PREFIX) or raw.count("_") < 2:
        return None
    prefix = raw[len(KEY_PREFIX) :].split("_", 1)[0]
    key = ApiKey.objects.active().select_related("topping").filter(prefix=prefix).first()
    if key is None or not hmac.compare_digest(key.key_hash, _hash(raw)):
        return None
    now = timezone.now()
    # Last use is informational; writing it at most once a minute keeps each request cheap.
    if key.last_used_at is None or (now - key.last_used_at).total_seconds() > 60:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
    return key


class ToppingKey(HttpBearer):
    """The API's authentication: a topping's key as a bearer token. The topping it belongs
    to is ``request.api_topping`` in the endpoint."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiKey | None:
        key = authenticate_api_key(token)
        if key is not None:
            request.api_topping = key.topping  # type: ignore[attr-defined]
        return key


def own_topping(request: HttpRequest, namespace: str) -> Topping | None:
    """The key's topping if it is the one the URL names (a key never reaches another)."""
    topping: Topping = request.api_topping  # type: ignore[attr-defined]
    return topping if topping.namespace == namespace else None
