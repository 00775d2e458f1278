"""Records of an emulated app in a topping's sandbox, in the database."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F

from connections.models import Service
from console.models import Topping
from sandbox.models import AppCall, AppCounter, AppRecord

CALLS_KEPT = 200  # per topping and app


class DatabaseStore:
    """A ``Store`` for one topping's sandbox and one service."""

    def __init__(self, topping: Topping, service: Service) -> None:
        self.topping, self.service = topping, service
        self._rows = AppRecord.objects.filter(topping=topping, service=service)

    def all(self, resource: str) -> list[dict[str, Any]]:
        return [row.data for row in self._rows.filter(resource=resource).order_by("pk")]

    def get(self, resource: str, record_id: str) -> dict[str, Any] | None:
        row = self._rows.filter(resource=resource, record_id=record_id).first()
        return row.data if row is not None else None

    def put(self, resource: str, record_id: str, data: dict[str, Any]) -> None:
        AppRecord.objects.update_or_create(
            topping=self.topping,
            service=self.service,
            resource=resource,
            record_id=record_id,
            defaults={"data": data},
        )

    def delete(self, resource: str, record_id: str) -> None:
        self._rows.filter(resource=resource, record_id=record_id).delete()

    def next_number(self, counter: str, start: int) -> int:
        counters = AppCounter.objects.filter(
            topping=self.topping, service=self.service, name=counter
        )
        with transaction.atomic():
            if not counters.update(value=F("value") + 1):
                try:
                    with transaction.atomic():
                        AppCounter.objects.create(
                            topping=self.topping, service=self.service, name=counter,
                            value=start + 1,
                        )  # fmt: skip
                        return start
                except IntegrityError:  # another run created it meanwhile
                    counters.update(value=F("value") + 1)
            return counters.values_list("value", flat=True).get() - 1

    def count_call(self, key: str, minute: int) -> int:
        # The shared cache: every worker counts the same minute.
        name = f"sandbox:emulated:{self.topping.pk}:{self.service.pk}:{key}:{minute}"
        cache.add(name, 0, timeout=120)
        try:
            return int(cache.incr(name))
        except ValueError:  # expired in between
            cache.set(name, 1, timeout=120)
            return 1

    def log(self, entry: dict[str, Any]) -> None:
        AppCall.objects.create(
            topping=self.topping,
            service=self.service,
            resource=entry.get("resource", "")[:60],
            method=entry["method"][:10],
            url=entry["url"][:1000],
            status=entry["status"],
            request=entry.get("request", ""),
            response=entry.get("response", ""),
        )
        stale = AppCall.objects.filter(topping=self.topping, service=self.service).order_by("-pk")[
            CALLS_KEPT:
        ]
        stale_ids = list(stale.values_list("pk", flat=True)[:50])
        if stale_ids:
            AppCall.objects.filter(pk__in=stale_ids).delete()
