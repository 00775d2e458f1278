from django.db import migrations


def load(apps, schema_editor):
    # Re-applies services.json after the 2026-11 re-verification of provider URLs; the
    # loader updates rows in place, so existing connections keep their service.
    from connections.catalog.loader import load_services

    load_services(apps.get_model("connections", "Service"))


class Migration(migrations.Migration):
    dependencies = [("connections", "0003_token_refresh_schedule")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
