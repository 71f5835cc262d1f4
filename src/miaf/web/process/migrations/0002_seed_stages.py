"""Seed the global 12-step model from the app's CSV files (stages.csv, checklist.csv)."""

from django.db import migrations


def seed(apps, schema_editor):  # noqa: ANN001, ANN201
    from miaf.web.process.seed import load_global_stages

    load_global_stages(apps.get_model("process", "Stage"), apps.get_model("process", "ChecklistItem"))


def unseed(apps, schema_editor):  # noqa: ANN001, ANN201
    apps.get_model("process", "Stage").objects.filter(organisation__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("process", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
