"""Functions, rules and their actions, host events and executions.

An event is stored in the same transaction as the change that caused it and dispatched on
commit; each action a matching rule runs becomes one Execution row, which is the unit of
work, retry and audit. A django-q2 task only ever carries an Execution's id.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import TYPE_CHECKING

from django.apps import apps
from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.functional import classproperty

from connections.models import Environment as Environment  # runs name it here too
from console.models import Topping
from workflows.schemas import (
    Attempt,
    Condition,
    ErrorInfo,
    Param,
    RuleEvaluation,
    TriggerField,
    load_list,
)

if TYPE_CHECKING:
    from workflows.actions.base import ActionConfig, ActionKind

FUNCTION_NAME_MAX_LENGTH = 50
identifier = RegexValidator(
    r"^[A-Za-z_][A-Za-z0-9_]*$",
    "Start with a letter or _; use only letters, digits and _.",
)

PARAM_TYPES = ["string", "int", "decimal", "boolean", "date", "datetime", "map", "list"]

# Runs that are not a rule's action: their arguments are given, not mapped from a record.
DIRECT_RUNS = {"test": "Save & Execute", "install": "Installation hook"}


def action_kinds() -> dict[str, ActionKind]:
    """The ``workflows.actions.ACTION_KINDS`` table. The kinds' forms and runs import these
    models, so the models do not import them: the app config hands the table over when
    they are needed (``WorkflowsConfig.action_kinds``)."""
    config = apps.get_app_config("workflows")
    return config.action_kinds  # type: ignore[attr-defined, no-any-return]


def action_kind_choices() -> list[tuple[str, str]]:
    """``Action.kind``: a callable, so that a new kind needs no migration."""
    return [(key, kind.label) for key, kind in action_kinds().items()]


def execution_kind_choices() -> list[tuple[str, str]]:
    return [*action_kind_choices(), *DIRECT_RUNS.items()]


@functools.cache
def _kind_enum() -> type[models.TextChoices]:
    members = [(key.upper(), (key, label)) for key, label in action_kind_choices()]
    return models.TextChoices("Kind", members)


class DraftManager(models.Manager):
    """The draft a developer edits; published versions are frozen copies (``version`` set)."""

    def get_queryset(self):
        return super().get_queryset().filter(version__isnull=True)


class Function(models.Model):
    """A Deluge function of a topping; ``params`` is a list of ``schemas.Param``."""

    topping = models.ForeignKey(Topping, on_delete=models.CASCADE, related_name="functions")
    name = models.CharField(max_length=FUNCTION_NAME_MAX_LENGTH, validators=[identifier])
    description = models.TextField(blank=True)
    params = models.JSONField(default=list, blank=True)
    code = models.TextField(blank=True)
    # Connections the code names (link names as written), kept for usage lists and checks.
    connections = models.JSONField(default=list, blank=True)
    test_args = models.JSONField(default=dict, blank=True)
    # None: the draft; N: the frozen copy in published version N.
    version = models.PositiveIntegerField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    all_versions = models.Manager()
    objects = DraftManager()

    class Meta:
        ordering = ["name"]
        base_manager_name = "all_versions"
        default_manager_name = "objects"
        constraints = [
            models.UniqueConstraint(
                fields=["topping", "name"],
                condition=models.Q(version__isnull=True),
                name="unique_function_name",
            ),
            models.UniqueConstraint(
                fields=["topping", "version", "name"], name="unique_published_function_name"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("workflows:function_edit", args=[self.topping.namespace, self.pk])

    def param_list(self) -> list[Param]:
        return load_list(Param, self.params)

    @property
    def signature(self) -> str:
        args = ", ".join(f"{p.type} {p.name}" for p in self.param_list())
        return f"{self.name}({args})"


class ModuleField(models.Model):
    """A custom field a developer adds to a host module (the standard ones are a data file)."""

    class Type(models.TextChoices):
        TEXT = "text", "Single line"
        TEXTAREA = "textarea", "Multi line"
        NUMBER = "number", "Number"
        DECIMAL = "decimal", "Decimal"
        BOOLEAN = "boolean", "Checkbox"
        DATE = "date", "Date"
        DATETIME = "datetime", "Date/Time"
        PICKLIST = "picklist", "Pick list"
        EMAIL = "email", "Email"
        PHONE = "phone", "Phone"
        URL = "url", "URL"
        LOOKUP = "lookup", "Lookup"

    topping = models.ForeignKey(Topping, on_delete=models.CASCADE, related_name="module_fields")
    module = models.CharField(max_length=50)
    api_name = models.CharField(max_length=60, validators=[identifier])
    label = models.CharField(max_length=100)
    type = models.CharField(max_length=20, choices=Type.choices)
    required = models.BooleanField(default=False)
    values = models.JSONField(default=list, blank=True, help_text="Pick list values.")
    lookup = models.CharField(max_length=50, blank=True, help_text="Module a lookup points to.")

    class Meta:
        ordering = ["module", "label"]
        constraints = [
            models.UniqueConstraint(
                fields=["topping", "module", "api_name"], name="unique_custom_field"
            )
        ]

    def __str__(self) -> str:
        return f"{self.module}.{self.api_name}"

    def as_field(self) -> dict:
        field = {"api_name": self.api_name, "label": self.label, "type": self.type}
        if self.required:
            field["required"] = True
        if self.type == self.Type.PICKLIST:
            field["values"] = list(self.values)
        if self.type == self.Type.LOOKUP:
            field["lookup"] = self.lookup
        field["custom"] = True
        return field


class Rule(models.Model):
    class Trigger(models.TextChoices):
        CREATE = "create", "Create"
        EDIT = "edit", "Edit"
        CREATE_OR_EDIT = "create_or_edit", "Create or Edit"
        DELETE = "delete", "Delete"
        DATE_FIELD = "date_field", "Date/Time of a field"
        SCHEDULE = "schedule", "Schedule"

    class Recurrence(models.TextChoices):
        ONCE = "once", "Once"
        DAILY = "daily", "Every day"
        WEEKLY = "weekly", "Every week"
        MONTHLY = "monthly", "Every month"

    topping = models.ForeignKey(Topping, on_delete=models.CASCADE, related_name="rules")
    module = models.CharField(max_length=50)
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    active = models.BooleanField(default=True)
    trigger = models.CharField(max_length=20, choices=Trigger.choices, default=Trigger.CREATE)
    # Edit: the fields whose change fires the rule (empty: any field), each optionally with
    # the value it must be modified to (schemas.TriggerField).
    trigger_fields = models.JSONField(default=list, blank=True)
    repeat_on_every_edit = models.BooleanField(default=False)
    # Date/Time of a field: run `offset_minutes` after (negative: before) the field's value.
    date_field = models.CharField(max_length=60, blank=True)
    offset_minutes = models.IntegerField(default=0)
    # Schedule: first run and recurrence.
    schedule_at = models.DateTimeField(null=True, blank=True)
    recurrence = models.CharField(
        max_length=10, choices=Recurrence.choices, default=Recurrence.ONCE, blank=True
    )
    next_run_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # Criteria: empty conditions means all records. Conditions (schemas.Condition) are
    # numbered from 1 in the pattern.
    conditions = models.JSONField(default=list, blank=True)
    pattern = models.CharField(max_length=200, blank=True)
    version = models.PositiveIntegerField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    all_versions = models.Manager()
    objects = DraftManager()

    class Meta:
        ordering = ["module", "name"]
        base_manager_name = "all_versions"
        default_manager_name = "objects"
        constraints = [
            models.UniqueConstraint(
                fields=["topping", "module", "name"],
                condition=models.Q(version__isnull=True),
                name="unique_rule_name",
            ),
            models.UniqueConstraint(
                fields=["topping", "version", "module", "name"],
                name="unique_published_rule_name",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("workflows:rule_detail", args=[self.topping.namespace, self.pk])

    def trigger_field_list(self) -> list[TriggerField]:
        return load_list(TriggerField, self.trigger_fields)

    def condition_list(self) -> list[Condition]:
        return load_list(Condition, self.conditions)

    def next_run(self, after: dt.datetime) -> dt.datetime | None:
        """The first run of a scheduled rule strictly after ``after``."""
        if self.schedule_at is None:
            return None
        when = self.schedule_at
        if self.recurrence in ("", self.Recurrence.ONCE):
            return when if when > after else None
        step = {"daily": dt.timedelta(days=1), "weekly": dt.timedelta(weeks=1)}.get(self.recurrence)
        while when <= after:
            if step is not None:
                when += step
            else:  # monthly, on the same day (or the month's last day)
                month = when.month % 12 + 1
                year = when.year + (when.month == 12)
                day = min(self.schedule_at.day, days_in(year, month))
                when = when.replace(year=year, month=month, day=day)
        return when


def days_in(year: int, month: int) -> int:
    following = dt.date(year + (month == 12), month % 12 + 1, 1)
    return (following - dt.timedelta(days=1)).day


class Action(models.Model):
    class DelayUnit(models.TextChoices):
        MINUTES = "minutes", "minutes"
        HOURS = "hours", "hours"
        DAYS = "days", "days"

    rule = models.ForeignKey(Rule, on_delete=models.CASCADE, related_name="actions")
    kind = models.CharField(max_length=20, choices=action_kind_choices)
    # 0: instant; otherwise a scheduled action that runs this long after the trigger.
    delay = models.PositiveIntegerField(default=0)
    delay_unit = models.CharField(
        max_length=10, choices=DelayUnit.choices, default=DelayUnit.MINUTES
    )
    function = models.ForeignKey(
        Function, null=True, blank=True, on_delete=models.PROTECT, related_name="actions"
    )
    # Read and written through the kind's Config (workflows.actions.<kind>.Config).
    config = models.JSONField(default=dict, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["rule", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.summary}"

    @classproperty
    def Kind(cls) -> type[models.TextChoices]:
        """``Action.Kind.WEBHOOK`` and so on: the kinds of ``workflows.actions`` as choices
        (built on first use, like ``kind``'s choices)."""
        return _kind_enum()

    @property
    def topping(self) -> Topping:
        return self.rule.topping

    def get_kind(self) -> ActionKind:
        return action_kinds()[self.kind]

    def get_config(self) -> ActionConfig:
        return self.get_kind().Config.load(self.config)

    @property
    def summary(self) -> str:
        return self.get_kind().summary(self)

    def connection_names(self) -> list[str]:
        """The connections this action sends through (link names as written)."""
        return self.get_kind().connection_names(self.get_config())

    @property
    def delay_seconds(self) -> int:
        return self.delay * {"minutes": 60, "hours": 3600, "days": 86400}[self.delay_unit]


class Event(models.Model):
    class Operation(models.TextChoices):
        CREATE = "create", "Create"
        EDIT = "edit", "Edit"
        DELETE = "delete", "Delete"
        SCHEDULE = "schedule", "Schedule"

    topping = models.ForeignKey(Topping, on_delete=models.CASCADE, related_name="events")
    environment = models.CharField(
        max_length=20, choices=Environment.choices, default=Environment.PRODUCTION
    )
    module = models.CharField(max_length=50)
    operation = models.CharField(max_length=20, choices=Operation.choices)
    record_id = models.CharField(max_length=64, blank=True, db_index=True)
    record = models.JSONField(default=dict, blank=True)
    previous = models.JSONField(null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A scheduled rule's run is an event of its own, for that rule only.
    rule = models.ForeignKey(
        Rule, null=True, blank=True, on_delete=models.CASCADE, related_name="scheduled_events"
    )
    # Which rules it runs: the draft (sandbox) or a published version's (production).
    version = models.PositiveIntegerField(null=True, blank=True)
    # How each rule fared (schemas.RuleEvaluation).
    evaluation = models.JSONField(default=list, blank=True)
    occurred_at = models.DateTimeField(db_index=True)
    dispatched_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-occurred_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.module} {self.operation} {self.record_id}"

    def rule_evaluations(self) -> list[RuleEvaluation]:
        return load_list(RuleEvaluation, self.evaluation)


class Execution(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"
        RETRYING = "retrying", "Retrying"

    topping = models.ForeignKey(Topping, on_delete=models.CASCADE, related_name="executions")
    environment = models.CharField(
        max_length=20, choices=Environment.choices, default=Environment.PRODUCTION
    )
    event = models.ForeignKey(
        Event, null=True, blank=True, on_delete=models.CASCADE, related_name="executions"
    )
    rule = models.ForeignKey(
        Rule, null=True, blank=True, on_delete=models.SET_NULL, related_name="executions"
    )
    action = models.ForeignKey(
        Action, null=True, blank=True, on_delete=models.SET_NULL, related_name="executions"
    )
    function = models.ForeignKey(
        Function, null=True, blank=True, on_delete=models.SET_NULL, related_name="executions"
    )
    # An action's kind, or a direct run ("test": Save & Execute; "install": a version's
    # installation hook).
    kind = models.CharField(max_length=20, choices=execution_kind_choices)
    label = models.CharField(max_length=200, blank=True)
    module = models.CharField(max_length=50, blank=True)
    record_id = models.CharField(max_length=64, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # (event, rule, action): a task delivered twice finds the row already claimed or done.
    idempotency_key = models.CharField(max_length=100, unique=True)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    attempts = models.PositiveIntegerField(default=0)
    max_attempts = models.PositiveIntegerField(default=5)
    due_at = models.DateTimeField(db_index=True)
    lease_until = models.DateTimeField(null=True, blank=True, db_index=True)
    # When a task was last queued for it; the pump re-queues what waits too long.
    enqueued_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    duration_ms = models.FloatField(null=True, blank=True)
    arguments = models.JSONField(default=dict, blank=True)
    info_lines = models.JSONField(default=list, blank=True)
    calls = models.JSONField(default=list, blank=True)
    return_value = models.JSONField(null=True, blank=True)
    error = models.JSONField(null=True, blank=True)  # schemas.ErrorInfo
    log = models.JSONField(default=list, blank=True)  # schemas.Attempt, one per attempt

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "due_at"], name="execution_due")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.label or self.kind}"

    def get_absolute_url(self) -> str:
        return reverse("workflows:execution_detail", args=[self.topping.namespace, self.pk])

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)

    @property
    def is_direct(self) -> bool:
        return self.kind in DIRECT_RUNS

    @property
    def error_info(self) -> ErrorInfo | None:
        return ErrorInfo.load(self.error) if self.error else None

    def attempt_log(self) -> list[Attempt]:
        return load_list(Attempt, self.log)
