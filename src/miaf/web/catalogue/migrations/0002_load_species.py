from django.db import migrations


def load(apps, schema_editor):
    from miaf.web.catalogue.services import load_species_catalogue

    load_species_catalogue(apps.get_model("catalogue", "Species"))


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
