"""Runs and failures per hour over the last day, as bars for a server-rendered SVG chart."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q
from django.db.models.functions import TruncHour
from django.utils import timezone

from workflows.models import Execution

HOURS = 24
# SVG user units: the template draws a WIDTH x HEIGHT plot under a label row.
WIDTH, HEIGHT, GAP = 480, 100, 2
BAR = WIDTH // HOURS


@dataclass(frozen=True)
class Bar:
    start: dt.datetime
    runs: int
    failures: int
    x: int
    width: int
    run_height: float
    failure_height: float
    label: str  # the hour under every sixth bar, "" elsewhere

    @property
    def run_y(self) -> float:
        return HEIGHT - self.run_height

    @property
    def failure_y(self) -> float:
        return HEIGHT - self.failure_height


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]
    runs: int
    failures: int
    peak: int
    width: int = WIDTH
    height: int = HEIGHT


def runs_per_hour(topping, now: dt.datetime | None = None) -> Chart:
    """Finished runs (succeeded or failed) of the topping by hour of finishing."""
    now = timezone.localtime(now or timezone.now())
    first = now.replace(minute=0, second=0, microsecond=0) - dt.timedelta(hours=HOURS - 1)
    rows = (
        Execution.objects.filter(
            topping=topping,
            finished_at__gte=first,
            status__in=(Execution.Status.SUCCEEDED, Execution.Status.FAILED),
        )
        .annotate(hour=TruncHour("finished_at"))
        .values("hour")
        .annotate(runs=Count("pk"), failures=Count("pk", filter=Q(status="failed")))
    )
    counts = {timezone.localtime(row["hour"]): (row["runs"], row["failures"]) for row in rows}
    hours = [first + dt.timedelta(hours=n) for n in range(HOURS)]
    peak = max([runs for runs, _ in counts.values()] + [1])
    bars = []
    for index, start in enumerate(hours):
        runs, failures = counts.get(start, (0, 0))
        bars.append(
            Bar(
                start=start,
                runs=runs,
                failures=failures,
                x=index * BAR,
                width=BAR - GAP,
                run_height=round(HEIGHT * runs / peak, 1),
                failure_height=round(HEIGHT * failures / peak, 1),
                label=start.strftime("%H:00") if index % 6 == 0 else "",
            )
        )
    total = sum(b.runs for b in bars)
    return Chart(bars=bars, runs=total, failures=sum(b.failures for b in bars), peak=peak)
