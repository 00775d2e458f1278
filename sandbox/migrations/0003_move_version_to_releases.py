from django.db import migrations


class Migration(migrations.Migration):
    """Versions moved to the releases app, table and rows included: only the state changes
    here (releases' 0001 takes the model over, with ``db_table = "sandbox_version"``)."""

    dependencies = [
        ("sandbox", "0002_version_install_function"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Version")],
            database_operations=[],
        ),
    ]
