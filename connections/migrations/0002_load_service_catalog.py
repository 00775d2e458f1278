from django.db import migrations


def load(apps, schema_editor):
    from connections.catalog.loader import load_services

    load_services(apps.get_model("connections", "Service"))


class Migration(migrations.Migration):
    dependencies = [("connections", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
