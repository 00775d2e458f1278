# Client authentication choices and RFC 9207's ``iss`` requirement on services (issue 12).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("connections", "0006_credential_token_lifetime"),
    ]

    operations = [
        migrations.AddField(
            model_name="service",
            name="authorization_response_iss_parameter_supported",
            field=models.BooleanField(
                default=False, verbose_name="provider sends iss on the redirect (RFC 9207)"
            ),
        ),
        migrations.AlterField(
            model_name="service",
            name="token_auth_method",
            field=models.CharField(
                blank=True,
                choices=[
                    ("client_secret_basic", "HTTP Basic (client_secret_basic)"),
                    ("client_secret_post", "In the request body (client_secret_post)"),
                    ("none", "None: public client with PKCE"),
                ],
                default="client_secret_post",
                help_text="How the client authenticates at the token and revocation endpoints.",
                max_length=30,
            ),
        ),
    ]
