"""The audit trail: ``log_action(obj, "console.topping.created", user=..., data=...)``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from console.models import AuditEntry, Topping

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from console.models import User


def log_action(
    obj: models.Model,
    action: str,
    *,
    user: User | AnonymousUser | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    """Record that ``user`` did ``action`` to ``obj``.

    ``action`` is namespaced ``<app>.<model>.<verb>``. The topping is ``obj`` itself or its
    ``topping`` attribute. ``data`` must hold no secret: names, ids and changed field names.
    """
    topping = obj if isinstance(obj, Topping) else getattr(obj, "topping", None)
    return AuditEntry.objects.create(
        topping=topping,
        actor=user if user is not None and user.is_authenticated else None,
        action=action,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        data=data or {},
    )
