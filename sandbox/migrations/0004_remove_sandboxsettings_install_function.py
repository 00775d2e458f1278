from django.db import migrations


class Migration(migrations.Migration):
    """The "On installation" function is a release setting now; releases' 0003 copied it."""

    dependencies = [
        ("sandbox", "0003_move_version_to_releases"),
        ("releases", "0003_copy_install_functions"),
    ]

    operations = [
        migrations.RemoveField(model_name="sandboxsettings", name="install_function"),
    ]
