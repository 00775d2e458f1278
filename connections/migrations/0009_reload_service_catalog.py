from django.db import migrations


def load(apps, schema_editor):
    # services.json version 2: every service with its documentation source, a
    # verification request and, for Zoho, the data centres. Rows are updated in place.
    from connections.catalog.loader import load_services

    load_services(apps.get_model("connections", "Service"))


class Migration(migrations.Migration):
    dependencies = [("connections", "0008_credential_environment_and_data_centres")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
