import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def move_content_type(apps, schema_editor, source="sandbox", target="releases"):
    # Audit entries, admin log entries and permissions point at the content type: keep them
    # pointing at versions. A fresh database has none yet (they are made after migrating).
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label=target, model="version").exists():
        ContentType.objects.filter(app_label=source, model="version").update(app_label=target)


def move_content_type_back(apps, schema_editor):
    move_content_type(apps, schema_editor, source="releases", target="sandbox")


class Migration(migrations.Migration):
    """Versions move here from the sandbox app. The table ``sandbox_version`` and its rows
    stay where they are: only the state is created (sandbox's 0003 deleted it there)."""

    initial = True

    dependencies = [
        ("console", "0002_api_keys"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("sandbox", "0003_move_version_to_releases"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Version",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("number", models.PositiveIntegerField()),
                        ("notes", models.TextField()),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("snapshot", models.JSONField(default=dict)),
                        ("current", models.BooleanField(default=False)),
                        ("installed_at", models.DateTimeField(blank=True, null=True)),
                        ("install_function", models.CharField(blank=True, max_length=50)),
                        ("author", models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
                        ("topping", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="versions", to="console.topping")),
                    ],
                    options={
                        "db_table": "sandbox_version",
                        "ordering": ["-number"],
                        "constraints": [
                            models.UniqueConstraint(fields=("topping", "number"), name="unique_version"),
                            models.UniqueConstraint(condition=models.Q(("current", True)), fields=("topping",), name="one_current_version"),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
