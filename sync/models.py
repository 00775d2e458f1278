"""Module sync: a host module and a described app's resource kept in step.

An ``Integration`` ties a topping, in one environment, to an app through a connection (and
the app's organization); each ``SyncPair`` keeps one host module and one app resource in
step, with its field map, direction, duplicate and conflict rules and interval. ``Link``
is the ID map: one row per record pair with the values last synced, so that a re-run never
duplicates and a change the sync wrote does not echo back. ``SyncRun`` and ``SyncFailure``
are the history and the per-record errors.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from connections.models import Connection, Environment, Service
from console.models import Topping


class Integration(models.Model):
    topping = models.ForeignKey(Topping, on_delete=models.CASCADE, related_name="integrations")
    environment = models.CharField(
        max_length=20, choices=Environment.choices, default=Environment.SANDBOX
    )
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+")
    connection = models.ForeignKey(Connection, on_delete=models.PROTECT, related_name="+")
    # Query parameters every call needs, read from the app (Books' organization_id).
    scope = models.JSONField(default=dict, blank=True)
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["topping", "service", "environment"], name="one_integration_per_app"
            )
        ]

    def __str__(self) -> str:
        return f"{self.service.name} ({self.get_environment_display().lower()})"


class SyncPair(models.Model):
    class Direction(models.TextChoices):
        BOTH = "both", "Both ways"
        TO_APP = "to_app", "Host to app"
        TO_HOST = "to_host", "App to host"

    class Duplicates(models.TextChoices):
        CLONE = "clone", "Clone: create another record"
        OVERWRITE = "overwrite", "Overwrite: the most recently modified side wins"
        SKIP = "skip", "Skip: leave both as they are"

    class Conflicts(models.TextChoices):
        LATEST = "latest", "The most recent change wins"
        HOST = "host", "The host wins"
        APP = "app", "The app wins"

    class Interval(models.IntegerChoices):
        QUARTER = 15, "Every 15 minutes"
        HOUR = 60, "Every hour"
        SIX_HOURS = 360, "Every 6 hours"
        DAY = 1440, "Every day"

    integration = models.ForeignKey(Integration, on_delete=models.CASCADE, related_name="pairs")
    name = models.CharField(max_length=100)
    host_module = models.CharField(max_length=50)
    app_resource = models.CharField(max_length=60)
    direction = models.CharField(max_length=10, choices=Direction.choices, default=Direction.BOTH)
    duplicates = models.CharField(
        max_length=10, choices=Duplicates.choices, default=Duplicates.SKIP
    )
    conflicts = models.CharField(max_length=10, choices=Conflicts.choices, default=Conflicts.LATEST)
    interval = models.PositiveIntegerField(choices=Interval.choices, default=Interval.HOUR)
    # [{"host": "Email", "app": "email", "direction": "both"|"to_app"|"to_host"}]
    field_map = models.JSONField(default=list)
    # The fields a first match is found by (an e-mail, a name, a SKU).
    match_host_field = models.CharField(max_length=50, blank=True)
    match_app_field = models.CharField(max_length=60, blank=True)
    # Which host records take part: conditions as in rules (empty: all).
    criteria = models.JSONField(default=list, blank=True)
    # Companies & Contacts: the host records that hang off each synced one become the app
    # record's children: {"host_module": "Contacts", "lookup": "Account_Name",
    # "app_resource": "contactpersons", "foreign_key": "contact_id", "field_map": [...],
    # "include_orphans": true, "orphan_map": [...]} (orphans become app records of their own).
    children = models.JSONField(default=dict, blank=True)
    active = models.BooleanField(default=True)
    # Where the last run left off on each side (modified times, as each side writes them).
    host_cursor = models.CharField(max_length=40, blank=True)
    app_cursor = models.CharField(max_length=40, blank=True)
    last_sync_at = models.DateTimeField(null=True, blank=True)
    last_push_at = models.DateTimeField(null=True, blank=True)
    next_run_at = models.DateTimeField(null=True, blank=True, db_index=True)
    lease_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name

    def sends_to_app(self) -> bool:
        return self.direction in (self.Direction.BOTH, self.Direction.TO_APP)

    def sends_to_host(self) -> bool:
        return self.direction in (self.Direction.BOTH, self.Direction.TO_HOST)


class Link(models.Model):
    """One record pair: the host record, the app record, and the values last synced
    (keyed ``<host field>|<app field>`` per entry of the field map)."""

    pair = models.ForeignKey(SyncPair, on_delete=models.CASCADE, related_name="links")
    host_id = models.CharField(max_length=64)
    app_id = models.CharField(max_length=64)
    synced = models.JSONField(default=dict)
    synced_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["pair", "host_id"], name="one_link_per_host_record"),
            models.UniqueConstraint(fields=["pair", "app_id"], name="one_link_per_app_record"),
        ]

    def __str__(self) -> str:
        return f"{self.host_id} ↔ {self.app_id}"


class SyncRun(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        PARTIAL = "partial", "Some records failed"
        POSTPONED = "postponed", "Postponed (rate limited)"
        FAILED = "failed", "Failed"

    pair = models.ForeignKey(SyncPair, on_delete=models.CASCADE, related_name="runs")
    manual = models.BooleanField(default=False)
    full = models.BooleanField(default=False)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.RUNNING)
    counts = models.JSONField(default=dict)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-pk"]

    def __str__(self) -> str:
        return f"{self.pair} run {self.pk} {self.status}"


class SyncFailure(models.Model):
    pair = models.ForeignKey(SyncPair, on_delete=models.CASCADE, related_name="failures")
    run = models.ForeignKey(SyncRun, on_delete=models.CASCADE, related_name="failures")
    direction = models.CharField(max_length=10)  # to_app | to_host
    host_id = models.CharField(max_length=64, blank=True)
    app_id = models.CharField(max_length=64, blank=True)
    message = models.TextField()
    skipped = models.BooleanField(default=False)  # refused by a rule, not by an error
    resolved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-pk"]

    def __str__(self) -> str:
        return f"{self.direction} {self.host_id or self.app_id}: {self.message[:40]}"
