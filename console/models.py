from __future__ import annotations

import re

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

NAMESPACE_MAX_LENGTH = 50
_NOT_NAMESPACE = re.compile(r"[^a-z0-9]+")


class User(AbstractUser):
    email = models.EmailField("email address", unique=True)

    def __str__(self) -> str:
        return self.email or self.username


def namespace_from_name(name: str) -> str:
    """Lowercase letters and digits of the name, e.g. "Bigin and Books" -> "biginandbooks"."""
    return _NOT_NAMESPACE.sub("", name.lower())[:NAMESPACE_MAX_LENGTH]


class ToppingQuerySet(models.QuerySet):
    def for_user(self, user) -> ToppingQuerySet:
        if not user.is_authenticated:
            return self.none()
        return self.filter(memberships__user=user)


class Topping(models.Model):
    name = models.CharField(max_length=100)
    namespace = models.SlugField(
        max_length=NAMESPACE_MAX_LENGTH,
        unique=True,
        help_text="Derived from the name; lowercase letters and digits; never changes.",
    )
    description = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ToppingQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            stored = Topping.objects.filter(pk=self.pk).values_list("namespace", flat=True).first()
            if stored is not None and stored != self.namespace:
                raise ValidationError({"namespace": "A topping's namespace cannot be changed."})
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("console:topping_dashboard", args=[self.namespace])

    def role_of(self, user) -> str | None:
        if not user.is_authenticated:
            return None
        return self.memberships.filter(user=user).values_list("role", flat=True).first()

    def is_admin(self, user) -> bool:
        return self.role_of(user) == Membership.Role.ADMINISTRATOR


class Membership(models.Model):
    class Role(models.TextChoices):
        ADMINISTRATOR = "admin", "Administrator"
        DEVELOPER = "developer", "Developer"

    topping = models.ForeignKey(Topping, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.DEVELOPER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["topping", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["topping", "user"], name="unique_topping_member")
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.topping} ({self.get_role_display()})"


class AuditEntry(models.Model):
    """What a person did, for the topping's activity page and operators.

    Separate from technical logging: entries are kept, shown to members and never hold
    secrets (callers pass only names and ids in ``data``).
    """

    topping = models.ForeignKey(
        Topping, null=True, blank=True, on_delete=models.CASCADE, related_name="audit_entries"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=100, db_index=True)
    content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    object_id = models.CharField(max_length=64, blank=True)
    target = GenericForeignKey("content_type", "object_id")
    object_repr = models.CharField(max_length=200, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.action} {self.object_repr}"


class ApiKeyQuerySet(models.QuerySet):
    def active(self) -> ApiKeyQuerySet:
        return self.filter(revoked_at__isnull=True)


class ApiKey(models.Model):
    """A per-topping key for the REST API (proxy, host events). Only a hash is stored."""

    topping = models.ForeignKey(Topping, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16, unique=True)
    key_hash = models.CharField(max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
