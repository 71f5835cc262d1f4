"""Records for the dashboard tests on top of the shared world: harvests with destinations, a household
ledger and labour for fam_ojo in its baseline year (2010, traditional) and in 2016 (MIAF-D since 2012), a
2016 harvest for fam_vergel, and a saved design with two tree rows on plot_ojo."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import caches


@pytest.fixture(autouse=True)
def _empty_cache():
    _clear_dashboard_caches()
    yield
    _clear_dashboard_caches()


@pytest.fixture
def records(world):  # noqa: ANN001, ANN201
    from miaf.web.catalogue.models import Species
    from miaf.web.plots.models import PlotDesign
    from miaf.web.records.models import Harvest, HarvestDestination, LabourLog, LedgerEntry

    maiz = Species.objects.get(code="maiz")
    frijol = Species.objects.get(code="frijol")

    def harvest(plot, sp, on, kg, splits):  # noqa: ANN001, ANN202
        h = Harvest.objects.create(plot=plot, species=sp, harvested_on=on, quantity_kg=kg)
        for dest, dkg, price in splits:
            HarvestDestination.objects.create(harvest=h, destination=dest, kg=dkg, price_mxn_per_kg=price)
        return h

    harvest(world.plot_ojo, maiz, dt.date(2010, 11, 10), 600, [("self", 600, None)])
    harvest(world.plot_ojo, maiz, dt.date(2016, 11, 10), 1000, [("self", 300, None), ("intermediary", 700, 4)])
    harvest(world.plot_ojo, frijol, dt.date(2016, 10, 5), 100, [("organisation", 100, 15)])
    harvest(world.plot_vergel, maiz, dt.date(2016, 11, 20), 500, [("self", 500, None)])
    harvest(world.plot_other, maiz, dt.date(2016, 11, 20), 900, [("local_market", 900, 5)])
    for year, months_income in ((2010, (11, 12)), (2016, (3, 6, 10, 11, 12))):
        for m in range(1, 13):
            LedgerEntry.objects.create(family=world.fam_ojo, year=year, month=m, kind="expense", category="food",
                                       amount_mxn=1000)
        for m in months_income:
            LedgerEntry.objects.create(family=world.fam_ojo, year=year, month=m, kind="income", category="wages",
                                       amount_mxn=4000)
    for year, days in ((2010, 40), (2016, 60)):
        LabourLog.objects.create(family=world.fam_ojo, plot=world.plot_ojo, year=year, month=6, activity="weeding",
                                 kind="family", person_days=days, worker_sex="F")
    rows = [{"type": "Feature", "properties": {"kind": "tree_row", "row_number": i + 1, "n_trees": 20},
             "geometry": {"type": "LineString", "coordinates": [[-91.9799, 16.3102 + 0.0003 * i],
                                                                [-91.9791, 16.3102 + 0.0003 * i]]}} for i in range(2)]
    PlotDesign.objects.create(plot=world.plot_ojo, version=1, summary={"summary": {"n_trees": 40}},
                              geojson={"type": "FeatureCollection", "features": rows})
    return world


def _clear_dashboard_caches() -> None:
    """Results (default and dashboard caches) and the process-local extracted tables."""
    from miaf.web.dashboard.cache import clear_local

    caches["default"].clear()
    caches["dashboard"].clear()
    clear_local()
