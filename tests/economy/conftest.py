"""Records on the shared persona world for the economics pages.

``plot_ojo`` (family ``fam_ojo``, group Ojo de Agua) became MIAF-D on 2012-05-15, so cash-flow year 0 is
2012. Its records: 300 avocado plants and maize seed planted in 2012; avocado harvests in November 2016
(year 4: 400 kg = 20 self + 300 organisation @ 25 + 80 intermediary @ 18) and October 2017 (year 5:
600 kg = 100 self + 500 organisation @ 26); a maize harvest in November 2016 (900 kg = 700 self + 200 local
market @ 7); 20 family days and 5 hired days @ 280 MXN in 2016; purchases of 15,000 MXN in 2012 and
1,200 MXN in 2016. The family ledger covers 2011 (before MIAF-D), 2016 and 2017.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

D = Decimal


@pytest.fixture
def records(world):  # noqa: ANN001, ANN201
    from miaf.web.catalogue.models import Species
    from miaf.web.records.models import (
        Harvest,
        HarvestDestination,
        InputPurchase,
        LabourLog,
        LedgerEntry,
        Planting,
    )

    sp = {s.code: s for s in Species.objects.filter(code__in=["aguacate", "maiz", "frijol"])}
    plot, fam = world.plot_ojo, world.fam_ojo
    Planting.objects.create(plot=plot, species=sp["aguacate"], planted_on=dt.date(2012, 6, 1), quantity=D(300),
                            unit="plants")
    Planting.objects.create(plot=plot, species=sp["maiz"], planted_on=dt.date(2012, 5, 20), quantity=D(12),
                            unit="kg_seed")

    def harvest(code, day, kg, *dests):  # noqa: ANN001, ANN202
        h = Harvest.objects.create(plot=plot, species=sp[code], harvested_on=day, quantity_kg=D(kg))
        for destination, dkg, price, paid in dests:
            HarvestDestination.objects.create(harvest=h, destination=destination, kg=D(dkg),
                                              price_mxn_per_kg=None if price is None else D(price), paid_on=paid)
        return h

    harvest("aguacate", dt.date(2016, 11, 10), 400, ("self", 20, None, None),
            ("organisation", 300, "25", dt.date(2017, 1, 10)), ("intermediary", 80, "18", dt.date(2016, 11, 10)))
    harvest("aguacate", dt.date(2017, 10, 10), 600, ("self", 100, None, None),
            ("organisation", 500, "26", None))
    harvest("maiz", dt.date(2016, 11, 20), 900, ("self", 700, None, None), ("local_market", 200, "7", None))
    LabourLog.objects.create(family=fam, plot=plot, year=2016, month=6, activity="weeding", kind="family",
                             person_days=D(20))
    LabourLog.objects.create(family=fam, plot=plot, year=2016, month=11, activity="harvest", kind="hired",
                             person_days=D(5), wage_mxn_per_day=D(280))
    InputPurchase.objects.create(family=fam, plot=plot, purchased_on=dt.date(2012, 6, 1), item="plantas",
                                 quantity=D(300), unit="planta", cost_mxn=D(15000))
    InputPurchase.objects.create(family=fam, plot=plot, purchased_on=dt.date(2016, 3, 1), item="composta",
                                 quantity=D(10), unit="costal", cost_mxn=D(1200))

    def entry(year, month, kind, category, amount, species=None):  # noqa: ANN001, ANN202
        LedgerEntry.objects.create(family=fam, year=year, month=month, kind=kind, category=category,
                                   amount_mxn=D(amount), species=species)

    for year in (2011, 2016, 2017):
        for month in range(1, 13):
            entry(year, month, "expense", "food", 1500)
    entry(2011, 3, "income", "wages", 6000)
    entry(2011, 10, "income", "crop_sale", 4000, sp["maiz"])
    entry(2016, 3, "income", "wages", 6000)
    entry(2016, 6, "expense", "production", 1200)
    entry(2017, 1, "income", "crop_sale", 7500, sp["aguacate"])
    entry(2017, 3, "income", "wages", 6000)
    entry(2017, 5, "income", "transfers", 3000)
    entry(2017, 12, "income", "crop_sale", 13000, sp["aguacate"])
    return world
