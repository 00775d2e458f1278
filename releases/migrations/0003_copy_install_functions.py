from django.db import migrations


def copy(apps, source: tuple[str, str], target: tuple[str, str]):
    From, To = apps.get_model(*source), apps.get_model(*target)
    for settings in From.objects.exclude(install_function=""):
        To.objects.update_or_create(
            topping_id=settings.topping_id,
            defaults={"install_function": settings.install_function},
        )


def copy_from_sandbox(apps, schema_editor):
    copy(apps, ("sandbox", "SandboxSettings"), ("releases", "ReleaseSettings"))


def copy_back_to_sandbox(apps, schema_editor):
    copy(apps, ("releases", "ReleaseSettings"), ("sandbox", "SandboxSettings"))


class Migration(migrations.Migration):
    """Copy each topping's "On installation" function from its sandbox settings, before
    sandbox's 0004 removes the field there (it depends on this migration)."""

    dependencies = [
        ("releases", "0002_release_settings"),
        ("sandbox", "0003_move_version_to_releases"),
    ]

    operations = [
        migrations.RunPython(copy_from_sandbox, copy_back_to_sandbox),
    ]
