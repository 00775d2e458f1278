import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("console", "0002_api_keys"),
        ("releases", "0001_version_from_sandbox"),
    ]

    operations = [
        migrations.CreateModel(
            name="ReleaseSettings",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("install_function", models.CharField(blank=True, help_text="Function run once per version on installation.", max_length=50)),
                ("topping", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name="release_settings", to="console.topping")),
            ],
            options={
                "verbose_name_plural": "release settings",
            },
        ),
    ]
