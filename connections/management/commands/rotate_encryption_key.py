"""Re-encrypt every secret under the newest key (the first of FIELD_ENCRYPTION_KEY)."""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from connections.crypto import EncryptedTextField


def encrypted_fields():
    for model in apps.get_models():
        names = [f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if names:
            yield model, names


class Command(BaseCommand):
    help = (
        "Re-encrypt every stored secret with the newest key. Put the new key first in "
        "FIELD_ENCRYPTION_KEY, keep the old ones after it, run this, then drop the old keys."
    )

    def handle(self, *args, **options) -> None:
        total = 0
        for model, names in encrypted_fields():
            count = 0
            for pk in model.objects.values_list("pk", flat=True).iterator():
                with transaction.atomic():
                    row = model.objects.select_for_update().only("pk", *names).get(pk=pk)
                    # Reading decrypts with any key; saving encrypts with the newest.
                    model.objects.filter(pk=pk).update(**{n: getattr(row, n) for n in names})
                count += 1
            total += count
            self.stdout.write(f"{model._meta.label}: {count} rows re-encrypted")
        self.stdout.write(f"Done: {total} rows.")
