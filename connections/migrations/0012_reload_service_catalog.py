from django.db import migrations


def load(apps, schema_editor):
    # The headers providers require on every call (Klaviyo's revision, GoCardless-Version),
    # now declared in the catalog; rows are updated in place.
    from connections.catalog.loader import load_services

    load_services(apps.get_model("connections", "Service"))


class Migration(migrations.Migration):
    dependencies = [("connections", "0011_service_api_as_text")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
