# Tokens remember a fingerprint of their user's password hash; a password change revokes them.

import hashlib

from django.db import migrations, models


def stamp_existing(apps, schema_editor):
    ApiToken = apps.get_model("accounts", "ApiToken")
    for token in ApiToken.objects.select_related("user").filter(revoked_at__isnull=True):
        # Same formula as ApiToken.stamp (kept here so the migration never changes with the model).
        token.password_stamp = hashlib.sha256(("miaf-api-token:" + (token.user.password or "")).encode()).hexdigest()
        token.save(update_fields=["password_stamp"])


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0002_historicalprofile"),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="password_stamp",
            field=models.CharField(blank=True, default="", max_length=64),
        ),
        migrations.RunPython(stamp_existing, migrations.RunPython.noop),
    ]
