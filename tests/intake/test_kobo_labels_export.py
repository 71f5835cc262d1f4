"""KoboToolbox's default export puts the question labels in the header row; the import refuses it and names
the exact export setting to choose (issue 15 item 7)."""

from __future__ import annotations

import pytest

from miaf.web.intake.models import ImportBatch
from miaf.web.intake.services import ImportRefused, import_files
from miaf.web.records.models import Harvest
from tests.intake.conftest import FIXTURES

pytestmark = pytest.mark.django_db

#: The labels of miaf_harvest's questions in Spanish, as Kobo's "Labels" export writes them.
LABELS = {"family": "Familia", "plot": "Parcela", "crop": "Cultivo o árbol", "harvested_on": "Fecha de cosecha",
          "quantity_kg": "Cantidad cosechada (kg)", "sold_kg_total": "Vendido en total (kg)",
          "harvest_notes": "Notas"}


def test_a_labels_headed_kobo_export_is_refused_with_the_setting_to_choose(intake_world, tmp_path):
    text = (FIXTURES / "kobo_miaf_harvest.csv").read_text(encoding="utf-8")
    header, rest = text.split("\n", 1)
    for name, label in LABELS.items():
        header = header.replace(f'"{name}"', f'"{label}"')
    labelled = tmp_path / "kobo_labels.csv"
    labelled.write_text(header + "\n" + rest, encoding="utf-8")
    with pytest.raises(ImportRefused) as err:
        import_files([labelled], "harvest", user=intake_world.carla)
    assert "Valores y encabezados XML" in err.value.es
    assert "XML values and headers" in err.value.en
    assert Harvest.objects.count() == 0 and not ImportBatch.objects.filter(status="done").exists()
