from django.db import migrations, models


class Migration(migrations.Migration):
    """The access token's lifetime (``expires_in``), from which the refresh margin follows."""

    dependencies = [("connections", "0005_url_param_patterns")]

    operations = [
        migrations.AddField(
            model_name="credential",
            name="token_lifetime",
            field=models.PositiveIntegerField(blank=True, null=True),
        ),
    ]
