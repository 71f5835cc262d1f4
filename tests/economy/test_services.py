"""The domain services turn a plot's and a family's records into the science layer's inputs."""

from __future__ import annotations

import numpy as np
import pytest

from miaf.economics.cashflow import PlotModel
from miaf.economics.sidesell import analyse_side_selling
from miaf.household.calendar import household_calendar
from miaf.web.economy.pages import provenance_rows
from miaf.web.economy.services import (
    family_ledger,
    family_sales,
    family_sales_detail,
    plot_inputs,
    plot_scenario,
)

pytestmark = pytest.mark.django_db


def test_plot_scenario_uses_the_plot_records_from_its_miaf_year(records):
    sc = plot_scenario(records.plot_ojo)
    by_year = {r.year: r for r in sc.records}
    # established 2012-05-15 → year 0 = 2012; harvests of 2016 are year 4, of 2017 year 5
    assert sorted(by_year) == [0, 4, 5]
    y4, y5 = by_year[4], by_year[5]
    assert y4.harvest_kg == {"aguacate": 400.0, "maiz": 900.0}
    assert y4.self_consumed_kg == {"aguacate": 20.0, "maiz": 700.0}
    # avocado price = (300 × 25 + 80 × 18) / 380 = 8,940 / 380 = 23.526 MXN/kg; maize 200 kg @ 7 → 7
    assert y4.price_mxn_kg["aguacate"] == pytest.approx(8940 / 380)
    assert y4.price_mxn_kg["maiz"] == pytest.approx(7.0)
    assert y5.harvest_kg == {"aguacate": 600.0} and y5.price_mxn_kg == {"aguacate": 26.0}
    # labour logs of 2016: 20 family days, 5 hired days @ 280
    assert (y4.family_days, y4.hired_days) == (20.0, 5.0)
    assert sc.parameters["wage_mxn_day"] == pytest.approx(280.0)
    # purchases: year 0 is the establishment cost (inputs of that year included), 2016 the inputs of year 4
    assert (by_year[0].establishment_cost_mxn, by_year[0].input_cost_mxn) == (15000.0, 0.0)
    assert y4.input_cost_mxn == 1200.0
    assert [(t.species, t.n_trees) for t in sc.trees] == [("aguacate", 300.0)]
    assert [c.species for c in sc.crops] == ["maiz", "frijol"]
    assert sc.area_ha == pytest.approx(records.plot_ojo.area_ha)


def test_harvest_records_are_reported_as_measured_and_the_rest_as_defaults(records):
    inputs = plot_inputs(records.plot_ojo)
    result = PlotModel(inputs.scenario).evaluate()
    assert result.provenance["harvest_kg.aguacate@year4"] == "measured"
    assert result.provenance["harvest_kg.aguacate@year5"] == "measured"
    assert result.provenance["yield.maiz"] == "default:species.csv"
    assert result.provenance["milpa_labour_days_ha"] == "default:economics.csv"
    rows = {r["key"]: r for r in provenance_rows(inputs, result)}
    assert rows["harvest_kg.aguacate"]["status"] == "measured"
    assert "2016–2017" in rows["harvest_kg.aguacate"]["source"]
    assert rows["price.aguacate"]["status"] == "partly_measured"  # years 4 and 5 only
    assert rows["wage_mxn_day"]["status"] == "measured"
    assert rows["n_trees.aguacate"]["status"] == "measured"
    assert rows["discount_rate"]["status"] == "default"
    assert rows["yield.aguacate"]["status"] == "default"


def test_the_recorded_harvest_replaces_the_modelled_one_in_the_cash_flow(records):
    result = PlotModel(plot_scenario(records.plot_ojo)).evaluate()
    # year 4 avocado: 400 kg recorded (the model alone would give 300 trees × 5.3 kg × ramp 0.35 × bearing)
    assert result.miaf.harvest_kg["aguacate"][4] == pytest.approx(400.0)
    assert result.miaf.establishment_mxn[0] == pytest.approx(15000.0)


def test_a_plot_that_never_became_miaf_is_evaluated_ex_ante_without_records(world):
    inputs = plot_inputs(world.plot_vergel)
    assert not inputs.ex_post and inputs.start_source == "ex_ante"
    assert inputs.scenario.records == () and inputs.scenario.trees == ()


def test_the_latest_design_gives_trees_crop_share_and_establishment_days_when_nothing_is_planted(world):
    from miaf.web.plots.models import PlotDesign

    PlotDesign.objects.create(plot=world.plot_vergel, version=1, summary={"trees_by_species": {"limon": 10}})
    PlotDesign.objects.create(plot=world.plot_vergel, version=2, summary={
        "summary": {"area_ha": 0.16, "trees_by_species": {"aguacate": 120, "durazno": 30},
                    "crop_strip_area_ha": 0.112, "establishment_person_days": 6.5}})
    inputs = plot_inputs(world.plot_vergel)
    sc = inputs.scenario
    assert [(t.species, t.n_trees) for t in sc.trees] == [("aguacate", 120.0), ("durazno", 30.0)]
    assert sc.parameters["crop_share"] == pytest.approx(0.7)  # 0.112 / 0.16
    assert sc.parameters["tree_band_share"] == pytest.approx(0.3)  # 0.7 + 0.4 > 1 → 1 − 0.7
    assert sc.establishment_labour_days == 6.5
    assert inputs.design_version == 2 and inputs.design_items["n_trees.aguacate"] == "diseño v2"


def test_family_ledger_maps_categories_and_values_own_food(records):
    ledger = family_ledger(records.fam_ojo)
    cal = household_calendar(ledger)
    assert sorted(cal.year.tolist()) == [2011, 2016, 2017]
    row = int(cal.rows(records.fam_ojo.pk, 2017)[0])
    # 2017 income: avocado 7,500 + 13,000 = 20,500; wages 6,000; transfers 3,000
    by_source = dict(zip(cal.income_sources, cal.income_by_source[row], strict=True))
    assert by_source["aguacate"] == 20500 and by_source["wages"] == 6000 and by_source["transfers"] == 3000
    # deficit months 2017: every month without income (Feb, Apr, Jun–Nov) → 8; longest run Jun–Nov = 6
    assert cal.months_in_deficit[row] == 8 and cal.longest_deficit_run[row] == 6
    r16 = int(cal.rows(records.fam_ojo.pk, 2016)[0])
    # own food 2016: maize 700 kg × 7 × 1.5 = 7,350; avocado 20 kg × 23.526 × 1.5 = 705.79
    assert cal.own_food_mxn[r16] == pytest.approx(7350 + 20 * 8940 / 380 * 1.5)


def test_an_empty_family_gives_an_empty_ledger_and_no_sales(world):
    assert len(family_ledger(world.fam_vergel)) == 0
    assert len(family_sales_detail(world.fam_vergel)) == 0


def test_family_sales_join_the_deficit_of_the_calendar_month_and_fill_the_organisation_price(records):
    ledger = family_ledger(records.fam_ojo)
    cal = household_calendar(ledger)
    fs = family_sales_detail(records.fam_ojo, cal)
    a = fs.sales.arrays()
    # the side-selling page's loader (trade/sales.load_sales): the maize sold at the local market is outside the
    # organisation too, compared with the catalogue price (no organisation sale of maize in the group)
    assert len(fs) == 4 and fs.excluded == 0
    maize = fs.species.index("maiz")
    assert fs.channel[maize] == "other" and fs.org_price_source[maize] == "catalogue"
    inter = int(np.flatnonzero(a["intermediary"])[0])
    # November 2016 is a deficit month (only March has income)
    assert a["in_deficit"][inter]
    # the organisation paid 25 MXN/kg for the group's avocado that month
    assert a["org_price"][inter] == pytest.approx(25.0) and fs.org_price_source[inter] == "group_month"
    assert a["int_price"][inter] == pytest.approx(18.0) and a["int_delay"][inter] == pytest.approx(0.0)
    org = [i for i in range(4) if not a["intermediary"][i] and fs.year[i] == 2016][0]
    # paid 2017-01-10 for a 2016-11-10 delivery: 61 days / 30.4375 = 2.004 months
    assert a["org_delay"][org] == pytest.approx(61 / 30.4375)
    result = analyse_side_selling(family_sales(records.fam_ojo))
    # 80 kg to the intermediary + 200 kg at the local market of 300 + 80 + 500 + 200 = 1,080 kg sold
    assert result.overall["share_intermediary"] == pytest.approx(280 / 1080)
