"""The sandbox (an emulated host application per topping) and its stubs.

Records live here only for the sandbox environment: production records stay in the host
application. Stubs and emulated collections answer a sandbox run's HTTP calls. Published
versions are the releases app's.
"""

from __future__ import annotations

from django.db import models

from console.models import Topping


class SandboxSettings(models.Model):
    class Unmatched(models.TextChoices):
        BROKER = "broker", "Send it through the broker with the real connection"
        FAIL = "fail", "Fail with “no stub matches”"

    topping = models.OneToOneField(
        Topping, on_delete=models.CASCADE, related_name="sandbox_settings"
    )
    unmatched = models.CharField(max_length=10, choices=Unmatched.choices, default=Unmatched.BROKER)
    record_responses = models.BooleanField(
        default=False, help_text="Store real responses of sandbox calls as stubs."
    )
    next_record_id = models.PositiveBigIntegerField(default=5_725_767_000_000_000_001)

    def __str__(self) -> str:
        return f"Sandbox settings of {self.topping}"

    @classmethod
    def of(cls, topping: Topping) -> SandboxSettings:
        return cls.objects.get_or_create(topping=topping)[0]


class SandboxRecord(models.Model):
    topping = models.ForeignKey(Topping, on_delete=models.CASCADE, related_name="sandbox_records")
    module = models.CharField(max_length=50)
    record_id = models.CharField(max_length=40)
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["topping", "module", "record_id"], name="unique_sandbox_record"
            )
        ]
        indexes = [models.Index(fields=["topping", "module", "-created_at"], name="record_list")]

    def __str__(self) -> str:
        return f"{self.module} {self.record_id}"


class Stub(models.Model):
    """A canned answer for calls whose method and URL match (``*`` matches any text)."""

    topping = models.ForeignKey(Topping, on_delete=models.CASCADE, related_name="stubs")
    method = models.CharField(max_length=10, default="ANY")
    url_pattern = models.CharField(max_length=500)
    status = models.PositiveSmallIntegerField(default=200)
    headers = models.JSONField(default=dict, blank=True)
    body = models.TextField(blank=True)
    recorded = models.BooleanField(default=False)
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return f"{self.method} {self.url_pattern} → {self.status}"


class EmulatedCollection(models.Model):
    """A stateful CRUD resource at a URL prefix, e.g. an accounting app's contacts.

    ``GET prefix`` lists (``?<search_param>=text`` matches any field), ``GET prefix/<id>``
    gets, ``POST prefix`` creates, ``PUT``/``PATCH prefix/<id>`` updates, ``DELETE`` deletes.
    Lists answer ``{list_key: [...]}``, single items ``{item_key: {...}}``.
    """

    topping = models.ForeignKey(Topping, on_delete=models.CASCADE, related_name="collections")
    name = models.CharField(max_length=100)
    url_prefix = models.CharField(max_length=500)
    id_field = models.CharField(max_length=50, default="id")
    list_key = models.CharField(max_length=50, default="data")
    item_key = models.CharField(max_length=50, blank=True, default="data")
    search_param = models.CharField(max_length=50, default="search_text")
    next_id = models.PositiveBigIntegerField(default=1)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CollectionItem(models.Model):
    collection = models.ForeignKey(
        EmulatedCollection, on_delete=models.CASCADE, related_name="items"
    )
    item_id = models.CharField(max_length=64)
    data = models.JSONField(default=dict)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["collection", "item_id"], name="unique_item")
        ]

    def __str__(self) -> str:
        return f"{self.collection} {self.item_id}"


class AppRecord(models.Model):
    """A record of an emulated app (a Zoho Books contact, say) in a topping's sandbox."""

    topping = models.ForeignKey(Topping, on_delete=models.CASCADE, related_name="app_records")
    service = models.ForeignKey("connections.Service", on_delete=models.CASCADE, related_name="+")
    resource = models.CharField(max_length=60)
    record_id = models.CharField(max_length=64)
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["topping", "service", "resource", "record_id"], name="unique_app_record"
            )
        ]

    def __str__(self) -> str:
        return f"{self.service.key} {self.resource} {self.record_id}"


class AppCounter(models.Model):
    """The next id (or invoice number, ...) an emulated app hands out."""

    topping = models.ForeignKey(Topping, on_delete=models.CASCADE, related_name="+")
    service = models.ForeignKey("connections.Service", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=120)
    value = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["topping", "service", "name"], name="unique_counter")
        ]

    def __str__(self) -> str:
        return f"{self.name} = {self.value}"


class AppCall(models.Model):
    """One call an emulated app answered, for the sandbox's browser (bodies truncated)."""

    topping = models.ForeignKey(Topping, on_delete=models.CASCADE, related_name="app_calls")
    service = models.ForeignKey("connections.Service", on_delete=models.CASCADE, related_name="+")
    resource = models.CharField(max_length=60, blank=True)
    method = models.CharField(max_length=10)
    url = models.CharField(max_length=1000)
    status = models.PositiveSmallIntegerField()
    request = models.TextField(blank=True)
    response = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-pk"]
        indexes = [models.Index(fields=["topping", "service", "-id"], name="app_call_recent")]

    def __str__(self) -> str:
        return f"{self.method} {self.url} → {self.status}"
