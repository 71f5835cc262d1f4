"""A small programme on top of the shared ``world``: a few harvests, destinations, labour and ledger rows,
and an illustrative corridor, so that every report section has something to show.

plot_ojo (family fam_ojo, group Ojo de Agua) is traditional until 2012-05-15, then MIAF-D:
maize 100 kg in 2011 (traditional), 150 kg in 2016 (MIAF-D: 45 kg self-consumed, 105 kg sold at 5 MXN/kg).
plot_vergel (El Vergel) stays traditional: maize 80 kg in 2016, all self-consumed.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

CORRIDOR = {"type": "Polygon", "coordinates": [[[-92.2, 16.1], [-91.9, 16.1], [-91.9, 16.4], [-92.2, 16.4], [-92.2, 16.1]]]}

NAMES = ("Familia Gómez Pérez", "Familia López Díaz", "Familia Ajena", "Jefa", "OJO-001", "VER-001", "OTR-001",
         "La Ladera", "El Cerrito")  # fmt: skip


@pytest.fixture
def small(world):  # noqa: ANN001, ANN201
    from miaf.web.catalogue.models import Species
    from miaf.web.records.models import Harvest, HarvestDestination, LabourLog, LedgerEntry
    from miaf.web.registry.models import ReferenceLayer

    maiz = Species.objects.get(code="maiz")
    h0 = Harvest.objects.create(plot=world.plot_ojo, species=maiz, harvested_on=dt.date(2011, 11, 10),
                                quantity_kg=Decimal("100"))  # fmt: skip
    h1 = Harvest.objects.create(plot=world.plot_ojo, species=maiz, harvested_on=dt.date(2016, 11, 10),
                                quantity_kg=Decimal("150"))  # fmt: skip
    h2 = Harvest.objects.create(plot=world.plot_vergel, species=maiz, harvested_on=dt.date(2016, 11, 12),
                                quantity_kg=Decimal("80"))  # fmt: skip
    HarvestDestination.objects.create(harvest=h0, destination="self", kg=Decimal("100"))
    HarvestDestination.objects.create(harvest=h1, destination="self", kg=Decimal("45"))
    HarvestDestination.objects.create(harvest=h1, destination="organisation", kg=Decimal("105"),
                                      price_mxn_per_kg=Decimal("5"), buyer="Comprador Secreto")  # fmt: skip
    HarvestDestination.objects.create(harvest=h2, destination="self", kg=Decimal("80"))
    for year, days in ((2011, "4"), (2016, "6")):
        LabourLog.objects.create(family=world.fam_ojo, plot=world.plot_ojo, year=year, month=6, activity="weeding",
                                 kind="family", person_days=Decimal(days), worker_sex="F")  # fmt: skip
    LabourLog.objects.create(family=world.fam_ojo, plot=world.plot_ojo, year=2016, month=10, activity="harvest",
                             kind="hired", person_days=Decimal("2"), worker_sex="M", wage_mxn_per_day=Decimal("250"))
    for month in (3, 11):
        LedgerEntry.objects.create(family=world.fam_ojo, year=2016, month=month, kind="income", category="crop_sale",
                                   amount_mxn=Decimal("525"))  # fmt: skip
    LedgerEntry.objects.create(family=world.fam_vergel, year=2016, month=3, kind="expense", category="food",
                               amount_mxn=Decimal("900"))  # fmt: skip
    ReferenceLayer.objects.create(name="Corredor de prueba", kind="corridor", source="test", geometry=CORRIDOR,
                                  illustrative=True)  # fmt: skip
    return world


@pytest.fixture
def pdftotext():  # noqa: ANN201
    import shutil
    import subprocess

    exe = shutil.which("pdftotext")
    if exe is None:
        pytest.skip("pdftotext (poppler-utils) is not installed: apt-get install -y poppler-utils")

    def run(path) -> str:  # noqa: ANN001
        return subprocess.run([exe, "-layout", str(path), "-"], check=True, capture_output=True, text=True).stdout

    return run
