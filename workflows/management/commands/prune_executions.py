"""Delete finished executions (and events left without any) older than a number of days."""

from __future__ import annotations

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from workflows.models import Event, Execution


class Command(BaseCommand):
    help = "Delete succeeded and failed executions older than --days (default 30)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--days", type=int, default=30)
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, days: int, dry_run: bool, **options) -> None:
        if days < 1:
            raise CommandError("--days must be at least 1")
        cutoff = timezone.now() - timedelta(days=days)
        executions = Execution.objects.filter(
            status__in=(Execution.Status.SUCCEEDED, Execution.Status.FAILED),
            created_at__lt=cutoff,
        )
        # Events that still have a waiting or running execution are kept with it.
        events = Event.objects.filter(occurred_at__lt=cutoff, dispatched_at__isnull=False).exclude(
            executions__status__in=(
                Execution.Status.QUEUED,
                Execution.Status.RUNNING,
                Execution.Status.RETRYING,
            )
        )
        count, event_count = executions.count(), events.count()
        if not dry_run:
            executions.delete()
            events.delete()
        verb = "Would delete" if dry_run else "Deleted"
        self.stdout.write(
            f"{verb} {count} executions and {event_count} events older than {days} days."
        )
