from django.core.management.base import BaseCommand
from django.db import transaction

from connections.catalog.loader import load_services
from connections.models import Service


class Command(BaseCommand):
    help = "Load or update the default services catalog (safe to run again)."

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        result = load_services(Service)
        self.stdout.write(
            f"Services: {result.created} created, {result.updated} updated, "
            f"{result.unchanged} unchanged."
        )
