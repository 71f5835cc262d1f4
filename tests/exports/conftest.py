"""Records for the export tests, on top of the shared ``world``.

``records``: one harvest (with destinations), ledger entries and labour for each world plot/family, and a
saved design of plot_ojo.

``programme``: ``records`` plus families in two more municipalities of PROASUS's producer organisation,
so that the k-anonymity rule (k = 5 families) has something to suppress and something to keep:

* Las Margaritas (07052): the three world families (ojo, vergel, other) → below k;
* Comitán (07019): six families CMT-001 … CMT-006 → kept;
* Tila (07093): two families TIL-001, TIL-002 → below k.

Every family earns 1,000 MXN a month from crop sales and 500 MXN of wages in months 1-6 of 2023 and spends
1,200 MXN a month, so its income in 2023 is 6 × 1,500 = 9,000 MXN (bin 5k-10k) and its expense
6 × 1,200 = 7,200 MXN (bin 5k-10k); a Comitán family CMT-006 earns 60,000 more (bin >50k).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest

OJO_DESIGN = {
    "type": "FeatureCollection",
    "features": [
        {"type": "Feature", "properties": {"kind": "plot", "area_ha": 1.1},
         "geometry": {"type": "Polygon", "coordinates": [[[-91.98, 16.31], [-91.979, 16.31], [-91.979, 16.3109],
                                                          [-91.98, 16.3109], [-91.98, 16.31]]]}},
        {"type": "Feature", "properties": {"kind": "tree_row", "row_number": 1, "species": "aguacate,durazno"},
         "geometry": {"type": "LineString", "coordinates": [[-91.9799, 16.3101], [-91.9791, 16.3101]]}},
        {"type": "Feature", "properties": {"kind": "tree", "row_number": 1, "species": "aguacate"},
         "geometry": {"type": "Point", "coordinates": [-91.9799, 16.3101]}},
        {"type": "Feature", "properties": {"kind": "tree", "row_number": 1, "species": "durazno"},
         "geometry": {"type": "Point", "coordinates": [-91.9795, 16.3101]}},
    ],
}


def add_records(family, plot, extra_income: int = 0) -> None:  # noqa: ANN001
    from miaf.web.catalogue.models import Species
    from miaf.web.records.models import (
        Harvest,
        HarvestDestination,
        InputPurchase,
        LabourLog,
        LedgerEntry,
        Planting,
    )

    cafe = Species.objects.get(code="cafe")
    maiz = Species.objects.get(code="maiz")
    h = Harvest.objects.create(plot=plot, species=cafe, harvested_on=dt.date(2023, 2, 10), quantity_kg=Decimal("100"))
    HarvestDestination.objects.create(harvest=h, destination="self", kg=Decimal("40"))
    HarvestDestination.objects.create(harvest=h, destination="organisation", kg=Decimal("60"),
                                      price_mxn_per_kg=Decimal("50"))
    Harvest.objects.create(plot=plot, species=maiz, harvested_on=dt.date(2023, 11, 5), quantity_kg=Decimal("300"))
    LabourLog.objects.create(family=family, plot=plot, year=2023, month=3, activity="weeding", kind="family",
                             person_days=Decimal("12.5"))
    LabourLog.objects.create(family=family, plot=plot, year=2023, month=4, activity="pruning", kind="hired",
                             person_days=Decimal("4"), worker_sex="M", wage_mxn_per_day=Decimal("250"))
    InputPurchase.objects.create(family=family, plot=plot, purchased_on=dt.date(2023, 1, 20), item="planta de café",
                                 quantity=Decimal("200"), unit="plantas", cost_mxn=Decimal("1600"), collective=True)
    Planting.objects.create(plot=plot, species=cafe, planted_on=dt.date(2023, 6, 15), quantity=Decimal("200"),
                            unit="plants", row_number=2)
    rows = []
    for month in range(1, 7):
        rows += [
            LedgerEntry(family=family, year=2023, month=month, kind="income", category="crop_sale", species=cafe,
                        amount_mxn=Decimal("1000")),
            LedgerEntry(family=family, year=2023, month=month, kind="income", category="wages",
                        amount_mxn=Decimal("500")),
            LedgerEntry(family=family, year=2023, month=month, kind="expense", category="food",
                        amount_mxn=Decimal("1200"), notes="=cmd|' /C calc'!A0"),
        ]
    if extra_income:
        rows.append(LedgerEntry(family=family, year=2023, month=12, kind="income", category="remittances",
                                amount_mxn=Decimal(extra_income)))
    LedgerEntry.objects.bulk_create(rows)
    add_fieldwork(family, plot)
    from tests.trade.conftest import add_trade

    add_trade(family)  # the trade exports (issue 12): price, advance with repayment, collective purchase share


def add_fieldwork(family, plot) -> None:  # noqa: ANN001
    """A visit with a planned next one, and the family's head at a training of its group."""
    from miaf.web.fieldwork.models import Attendance, TrainingEvent, Visit, VisitPlan

    visit = Visit.objects.create(family=family, plot=plot, visited_on=dt.date(2023, 5, 2), next_visit_on=dt.date(2023, 6, 2))
    VisitPlan.objects.create(family=family, due_on=dt.date(2023, 6, 2), purpose="Poda")
    VisitPlan.objects.create(family=family, due_on=dt.date(2023, 5, 1), status="done", done_visit=visit)
    group = family.memberships.get().group
    event = TrainingEvent.objects.create(organisation=group.producer_organisation, group=group, kind="training",
                                         title=f"Poda en {group.name}", held_on=dt.date(2023, 7, 1))
    Attendance.objects.create(event=event, family=family, member=family.members.first())
    from miaf.web.process.models import Stage, StepRecord

    # The family's own record of step 3 (resource inventory): a row of the process-steps table.
    StepRecord.objects.create(group=group, family=family, stage=Stage.objects.get(organisation=None, number=3),
                              status="done", started_on=dt.date(2012, 2, 1), completed_on=dt.date(2012, 3, 1))


@pytest.fixture
def records(world):  # noqa: ANN001, ANN201
    from miaf.web.plots.models import PlotDesign

    for fam, plot in ((world.fam_ojo, world.plot_ojo), (world.fam_vergel, world.plot_vergel),
                      (world.fam_other, world.plot_other)):
        add_records(fam, plot)
    PlotDesign.objects.create(plot=world.plot_ojo, version=1, geojson={"type": "FeatureCollection", "features": []})
    PlotDesign.objects.create(plot=world.plot_ojo, version=2, geojson=OJO_DESIGN)
    return world


def square(lon: float, lat: float, d: float = 0.001) -> dict:
    return {"type": "Polygon", "coordinates": [[[lon, lat], [lon + d, lat], [lon + d, lat + d], [lon, lat + d],
                                                [lon, lat]]]}


@dataclass
class Programme:
    world: object
    comitan: object
    tila: object
    families: dict


@pytest.fixture
def programme(records) -> Programme:  # noqa: ANN001
    from miaf.web.plots.models import Plot
    from miaf.web.plots.services import register_plot
    from miaf.web.registry.models import Family, Group, Locality, Member, Membership, Municipality

    world = records
    fams = {}
    made = {}
    for state, code, name, prefix, n, lat, lon in (("07", "019", "Comitán de Domínguez", "CMT", 6, 16.25, -92.13),
                                                   ("07", "093", "Tila", "TIL", 2, 17.30, -92.43)):
        mun = Municipality.objects.create(state_code=state, code=code, name=name)
        loc = Locality.objects.create(name=f"Ranchería {prefix.title()}ana", municipality=mun, latitude=lat,
                                      longitude=lon)
        group = Group.objects.create(name=f"Colectivo {prefix.title()}ero", locality=loc,
                                     producer_organisation=world.org_coffee)
        made[prefix] = mun
        for i in range(1, n + 1):
            fam = Family.objects.create(code=f"{prefix}-{i:03d}", name=f"Familia {prefix.title()}uel {i}", locality=loc)
            Membership.objects.create(family=fam, group=group, joined_on=dt.date(2015, 1, 1))
            Member.objects.create(family=fam, name=f"Rosaura {prefix.title()}ita {i}", sex="F", birth_year=1980,
                                  role="head")
            Member.objects.create(family=fam, name=f"Anselmo {prefix.title()}ito {i}", sex="M", birth_year=1978,
                                  role="spouse")
            plot = register_plot(Plot(family=fam, name=f"Potrero {prefix.title()}oso {i}",
                                      boundary=square(lon + 0.003 * i, lat + 0.0021 * i), mean_slope_pct=20 + i),
                                 since=dt.date(2010, 1, 1))
            add_records(fam, plot, extra_income=60000 if (prefix, i) == ("CMT", 6) else 0)
            fams[fam.code] = fam
    return Programme(world=world, comitan=made["CMT"], tila=made["TIL"], families=fams)
