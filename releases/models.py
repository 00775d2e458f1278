"""Published versions of a topping, and the settings that go into the next one.

A version is an immutable copy of the topping's functions and rules (rows in the workflows
tables marked with the version number) plus a snapshot for the version page.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from console.models import Topping


class ReleaseSettings(models.Model):
    topping = models.OneToOneField(
        Topping, on_delete=models.CASCADE, related_name="release_settings"
    )
    install_function = models.CharField(
        max_length=50, blank=True, help_text="Function run once per version on installation."
    )

    class Meta:
        verbose_name_plural = "release settings"

    def __str__(self) -> str:
        return f"Release settings of {self.topping}"

    @classmethod
    def of(cls, topping: Topping) -> ReleaseSettings:
        """The topping's settings, or unsaved defaults: reading them writes nothing."""
        return cls.objects.filter(topping=topping).first() or cls(topping=topping)


class Version(models.Model):
    topping = models.ForeignKey(Topping, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    notes = models.TextField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # What was published, for the version page: functions, rules, connection link names.
    snapshot = models.JSONField(default=dict)
    current = models.BooleanField(default=False)
    installed_at = models.DateTimeField(null=True, blank=True)
    # The "On installation" function as it was set when this version was published.
    install_function = models.CharField(max_length=50, blank=True)

    class Meta:
        # Versions were first kept by the sandbox app; the table stayed when they moved.
        db_table = "sandbox_version"
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["topping", "number"], name="unique_version"),
            models.UniqueConstraint(
                fields=["topping"], condition=models.Q(current=True), name="one_current_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.topping} v{self.number}"
