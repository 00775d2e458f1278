from django.db import migrations, models


def name_published_install_functions(apps, schema_editor):
    # Versions published before this field existed keep the function set at the time of
    # migration, the closest record there is of what they were published with.
    Version = apps.get_model("sandbox", "Version")
    SandboxSettings = apps.get_model("sandbox", "SandboxSettings")
    for settings in SandboxSettings.objects.exclude(install_function=""):
        Version.objects.filter(topping_id=settings.topping_id).update(
            install_function=settings.install_function
        )


class Migration(migrations.Migration):
    dependencies = [
        ("sandbox", "0001_records_stubs_collections_versions"),
    ]

    operations = [
        migrations.AddField(
            model_name="version",
            name="install_function",
            field=models.CharField(blank=True, max_length=50),
        ),
        migrations.RunPython(name_published_install_functions, migrations.RunPython.noop),
    ]
