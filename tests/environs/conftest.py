"""Records on the shared persona world for the environmental pages.

``plot_ojo`` (fam_ojo, Ojo de Agua; 30 % slope, deep soil, Las Margaritas with a stored 1,900 mm normal)
became MIAF-D on 2012-05-15. Its records: 300 avocado and 40 mango plants planted 2012-06-01; in 2020 a
maize harvest of 900 kg, beans 120 kg and avocado 400 kg; a visit on 2020-06-01 measuring three avocado
trees. ``plot_vergel`` (fam_vergel) stays a traditional milpa with maize and bean plantings.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest

YEAR = 2020


@pytest.fixture
def env_records(world):  # noqa: ANN001, ANN201
    from miaf.web.catalogue.models import Species
    from miaf.web.fieldwork.models import TreeMeasurement, Visit
    from miaf.web.records.models import Harvest, Planting

    sp = {s.code: s for s in Species.objects.filter(code__in=["aguacate", "mango", "maiz", "frijol"])}
    ojo, vergel = world.plot_ojo, world.plot_vergel
    Planting.objects.create(plot=ojo, species=sp["aguacate"], planted_on=dt.date(2012, 6, 1), quantity=Decimal(300),
                            unit="plants")
    Planting.objects.create(plot=ojo, species=sp["mango"], planted_on=dt.date(2012, 6, 1), quantity=Decimal(40),
                            unit="plants")
    Planting.objects.create(plot=ojo, species=sp["maiz"], planted_on=dt.date(2020, 5, 20), quantity=Decimal(12),
                            unit="kg_seed")
    for code, kg in (("maiz", 900), ("frijol", 120), ("aguacate", 400)):
        Harvest.objects.create(plot=ojo, species=sp[code], harvested_on=dt.date(YEAR, 11, 10), quantity_kg=Decimal(kg))
    Planting.objects.create(plot=vergel, species=sp["maiz"], planted_on=dt.date(2020, 5, 20), quantity=Decimal(15),
                            unit="kg_seed")
    Planting.objects.create(plot=vergel, species=sp["frijol"], planted_on=dt.date(2020, 5, 20), quantity=Decimal(5),
                            unit="kg_seed")
    visit = Visit.objects.create(family=world.fam_ojo, plot=ojo, visited_on=dt.date(YEAR, 6, 1))
    trees = [TreeMeasurement.objects.create(visit=visit, species=sp["aguacate"], tree_number=i, diameter_cm=d, height_m=h)
             for i, (d, h) in enumerate(((12.0, 4.0), (15.0, 5.0), (9.0, 3.5)), start=1)]
    TreeMeasurement.objects.create(visit=visit, species=sp["aguacate"], tree_number=4, diameter_cm=30.0, alive=False)
    return SimpleNamespace(visit=visit, trees=trees, year=YEAR)
