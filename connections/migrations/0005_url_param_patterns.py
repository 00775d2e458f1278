from django.db import migrations


def load(apps, schema_editor):
    # Gives every catalog URL parameter its pattern (and QuickBooks' realm_id its
    # from_callback mark); the loader updates rows in place, like 0004 did.
    from connections.catalog.loader import load_services

    load_services(apps.get_model("connections", "Service"))


class Migration(migrations.Migration):
    dependencies = [("connections", "0004_reload_service_catalog")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
