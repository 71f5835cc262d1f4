"""Payback and NPV from records, incremental against the milpa (issue 16, item 3), on a hand-built programme.

Two MIAF-D plots of 1 ha established in 2020, reference year 2023:

* plot 201: 100 avocado trees; every year a harvest, input purchases and family labour (100 d);
* plot 202: 100 avocado trees; harvests in 2020 and 2022 only, no purchase and no labour record.

The expected values are worked out below from the parameter tables (so that a change of a default moves the
expectation with it); the figures in the comments are those of the tables at the time of writing.
"""

from __future__ import annotations

import numpy as np
import numpy_financial as npf
import pandas as pd
import pytest

from miaf.indicators import IndicatorTables, compute_indicators
from miaf.params import load_parameters, species

from .conftest import frame

NaT = pd.NaT


def params() -> dict[str, float]:
    from miaf.design import crop_share, replanting_share

    e = load_parameters("economics")
    # the crop strips of the plots' 30 % slope: the design rule 1 − 4.2 / 10.6 = 0.604 (no economics.csv row)
    # the replanting share: the design's one row (miaf.design.replanting_share), as the bill of materials
    return {"crop_share": float(crop_share(30.0)), "replanting_share": float(replanting_share())} | {
        k: float(e[k]) for k in (
        "wage_mxn_day", "discount_rate", "milpa_running_cost_mxn_ha", "tree_running_cost_mxn_tree_yr",
        "plant_price_mxn", "hole_compost_cost_mxn_tree", "tools_cost_mxn_ha",
        "milpa_labour_days_ha", "miaf_labour_factor", "establishment_days_ha", "replacement_price_factor",
        "family_labour_capacity_days_month", "self_consumption_share.maiz", "self_consumption_share.frijol")}


def milpa_one_ha(p: dict[str, float]) -> tuple[float, float]:
    """(cash net, net with family days at the wage) of 1 ha of traditional milpa, by hand.

    maize 600 kg/ha × 5.6 MXN/kg, 70 % eaten (valued × 1.5): 180 × 5.6 + 420 × 5.6 × 1.5 = 4,536;
    beans 480 kg/ha × 11, 50 % eaten: 240 × 11 + 240 × 11 × 1.5 = 6,600; benefits 11,136 MXN.
    inputs 3,000 MXN; 57.5 days, no month above the family's 12 days (peak 0.14 × 57.5 = 8.05): all family.
    cash net 8,136; with the days at 300 MXN: 8,136 − 17,250 = −9,114.
    """
    cat = species()
    rf = p["replacement_price_factor"]
    benefits = 0.0
    for code in ("maiz", "frijol"):
        y, price, s = float(cat[code]["default_yield_kg_ha"]), float(cat[code]["default_price_mxn_kg"]), \
            p[f"self_consumption_share.{code}"]
        benefits += y * (1 - s) * price + y * s * price * rf
    cal = np.array([float(x) for x in str(load_parameters("economics")["labour_calendar.milpa"].value).split(";")])
    need = p["milpa_labour_days_ha"] * cal
    family = np.minimum(need, p["family_labour_capacity_days_month"]).sum()
    hired = need.sum() - family
    cash = benefits - p["milpa_running_cost_mxn_ha"] - hired * p["wage_mxn_day"]
    return cash, cash - family * p["wage_mxn_day"]


def programme() -> IndicatorTables:
    h, d = [], []
    for k, (y, avocado) in enumerate(((2020, 0), (2021, 0), (2022, 1000), (2023, 4000))):
        h.append((10 + k, 201, "maiz", f"{y}-11-10", 600.0))
        d += [(10 + k, "self", 300.0, np.nan), (10 + k, "organisation", 300.0, 6.0)]
        if avocado:
            h.append((20 + k, 201, "aguacate", f"{y}-08-10", float(avocado)))
            d.append((20 + k, "organisation", float(avocado), 20.0))
    for k, y in enumerate((2020, 2022)):
        h.append((30 + k, 202, "maiz", f"{y}-11-10", 500.0))
        d += [(30 + k, "self", 500.0, np.nan)]
    return IndicatorTables(
        families=frame([(1, 10, "G", 1, "ORG", "07052", "F", False), (2, 10, "G", 1, "ORG", "07052", "M", False)],
                       "family_id group_id group organisation_id organisation municipality head_sex anyone_migrated"),
        memberships=frame([(1, 10, "2019-01-01", NaT), (2, 10, "2019-01-01", NaT)],
                          "family_id group_id joined_on left_on", ("joined_on", "left_on")),
        plots=frame([(201, 1, 1.0, "miaf_d", "2020-05-01", 30.0, "deep", 1500.0),
                     (202, 2, 1.0, "miaf_d", "2020-05-01", 30.0, "deep", 1500.0)],
                    "plot_id family_id area_ha system established_on mean_slope_pct soil_depth_class rainfall_mm",
                    ("established_on",)),
        phases=frame([(201, "traditional", "2000-01-01", "2020-05-01"), (201, "miaf_d", "2020-05-01", NaT),
                      (202, "traditional", "2000-01-01", "2020-05-01"), (202, "miaf_d", "2020-05-01", NaT)],
                     "plot_id system started_on ended_on", ("started_on", "ended_on")),
        plantings=frame([(201, "aguacate", "2020-06-01", 100.0, "plants"), (202, "aguacate", "2020-06-01", 100.0, "plants"),
                         (201, "maiz", "2020-05-10", 12.0, "kg_seed")],
                        "plot_id species planted_on quantity unit", ("planted_on",)),
        harvests=frame(h, "harvest_id plot_id species harvested_on quantity_kg", ("harvested_on",)),
        destinations=frame(d, "harvest_id destination kg price_mxn_per_kg"),
        inputs=frame([(1, 201.0, f"{y}-05-01", c) for y, c in ((2020, 10000.0), (2021, 2000.0), (2022, 2000.0),
                                                                 (2023, 2000.0))],
                     "family_id plot_id purchased_on cost_mxn", ("purchased_on",)),
        labour=frame([(1, 201.0, y, 6, "family", 100.0, "F", np.nan) for y in (2020, 2021, 2022, 2023)],
                     "family_id plot_id year month kind person_days worker_sex wage_mxn_per_day"),
    )


def expected() -> dict[str, np.ndarray]:
    p = params()
    w, rf = p["wage_mxn_day"], p["replacement_price_factor"]
    cf_cash, cf_valued = milpa_one_ha(p)
    # bill of materials for 100 trees on 1 ha: 100 × 1.10 × 50 + 100 × 2.12 + 1,000 = 6,712 MXN, plus the
    # year's milpa inputs on the strip 3,000 × 0.6 = 1,800 → 8,512 < 10,000 recorded: the record counts
    bom = 100 * (1 + p["replanting_share"]) * p["plant_price_mxn"] + 100 * p["hole_compost_cost_mxn_tree"] \
        + p["tools_cost_mxn_ha"]
    strip = p["milpa_running_cost_mxn_ha"] * p["crop_share"]
    # plot 201: maize 300 kg sold at 6 + 300 kg eaten at 6 × 1.5 = 4,500 MXN a year; avocado 1,000 and 4,000 kg at 20
    b201 = (300 * 6 + 300 * 6 * rf) + np.array([0.0, 0.0, 1000 * 20, 4000 * 20])
    inputs201 = np.array([max(10000.0, bom + strip), 2000.0, 2000.0, 2000.0])
    cash201 = b201 - inputs201
    valued201 = cash201 - 100 * w
    # plot 202: 500 kg maize eaten, no sale that year: catalogue price 5.6 × 1.5; years 2021 and 2023 have no
    # harvest record and are left out; no purchase: bill of materials + strip inputs in 2020, strip inputs +
    # tree upkeep (100 × 2.12) in 2022; no labour: modelled 57.5 × 1.5 (+ 25 establishment days in 2020),
    # paid at the wage in the headline, unpaid in the cash view
    b202 = 500 * float(species()["maiz"]["default_price_mxn_kg"]) * rf
    inputs202 = np.array([bom + strip, 0.0, strip + 100 * p["tree_running_cost_mxn_tree_yr"], 0.0])
    days202 = np.array([p["milpa_labour_days_ha"] * p["miaf_labour_factor"] + p["establishment_days_ha"], 0.0,
                        p["milpa_labour_days_ha"] * p["miaf_labour_factor"], 0.0])
    counted202 = np.array([1.0, 0.0, 1.0, 0.0])
    cash202 = (b202 - inputs202) * counted202
    valued202 = cash202 - days202 * w * counted202
    return {
        "valued": np.array([valued201 - cf_valued, valued202 - cf_valued * counted202]),
        "cash": np.array([cash201 - cf_cash, cash202 - cf_cash * counted202]),
        "rate": p["discount_rate"],
    }


def test_npv_of_each_plot_is_the_hand_computed_incremental_npv_and_numpy_financials():
    from miaf.economics.records import record_economics
    from miaf.indicators.context import Context
    from miaf.indicators.production import plot_record_economics, record_flows

    e = expected()
    df = plot_record_economics(Context(programme()))
    for i, pid in enumerate((201, 202)):
        assert df.loc[pid, "npv_mxn"] == pytest.approx(npf.npv(e["rate"], e["valued"][i]), rel=1e-12)
        assert df.loc[pid, "npv_cash_mxn"] == pytest.approx(npf.npv(e["rate"], e["cash"][i]), rel=1e-12)
    _, rf = record_flows(Context(programme()))
    np.testing.assert_allclose(record_economics(rf)["flows"], e["valued"], rtol=1e-12)
    r = compute_indicators(programme(), codes=["npv_per_ha"])["npv_per_ha"]
    assert r.value == pytest.approx(sum(npf.npv(e["rate"], f) for f in e["valued"]) / 2.0, rel=1e-12)
    assert r.details["npv_cash_per_ha_mxn"] == pytest.approx(sum(npf.npv(e["rate"], f) for f in e["cash"]) / 2.0)


def test_payback_is_computed_on_the_incremental_flows_by_hand():
    e = expected()
    flows = e["valued"][0]
    cum = np.cumsum(flows)
    k = int(np.argmax(cum >= 0))  # first year with a non-negative cumulative flow
    assert k == 3  # with the tables of today: −26,386, −44,772, −43,158, +18,456
    by_hand = (k - 1) + (-cum[k - 1]) / flows[k]
    from miaf.indicators.context import Context
    from miaf.indicators.production import plot_record_economics

    df = plot_record_economics(Context(programme()))
    assert df.loc[201, "payback_years"] == pytest.approx(by_hand, rel=1e-12)
    assert np.isnan(df.loc[202, "payback_years"])  # never paid back: the milpa's harvest is not matched
    r = compute_indicators(programme(), codes=["payback_years"])["payback_years"]
    # median over both plots, the one not paid back counting as longer: median(by_hand, +inf) = +inf → not reached
    assert r.value is None and "fewer than half" in r.reason
    assert r.breakdown == {"share_reached": 0.5}
    assert r.details["median_among_paid_back"] == pytest.approx(by_hand)


def test_plots_without_cost_records_are_reported_not_costed_at_zero():
    r = compute_indicators(programme(), codes=["npv_per_ha"])["npv_per_ha"]
    assert r.details["plots_without_cost_records"] == 1
    assert r.details["plot_ids_without_cost_records"] == [202]
    assert r.details["skipped_plot_years"] == 2  # 2021 and 2023 of plot 202: no harvest record
    assert r.details["modelled_labour_plot_years"] == 2
    assert "1 of 2 MIAF-D plots have no input purchase record" in r.reason
    from miaf.indicators.context import Context
    from miaf.indicators.production import plot_record_economics

    df = plot_record_economics(Context(programme()))
    p = params()
    bom = 100 * (1 + p["replanting_share"]) * p["plant_price_mxn"] + 100 * p["hole_compost_cost_mxn_tree"] \
        + p["tools_cost_mxn_ha"]
    assert df.loc[202, "establishment_mxn"] == pytest.approx(bom + p["milpa_running_cost_mxn_ha"] * p["crop_share"])
    assert df.loc[201, "establishment_mxn"] == pytest.approx(10000.0)  # the record is larger: not added to the BOM


def test_a_plots_result_does_not_depend_on_the_other_plots_selected():
    # what lets the plot page show the very number the dashboard's median is taken over
    from miaf.indicators import IndicatorFilters
    from miaf.indicators.context import Context
    from miaf.indicators.production import plot_record_economics

    both = plot_record_economics(Context(programme()))
    one = plot_record_economics(Context(programme(), IndicatorFilters(head_sex="F")))
    assert list(one.index) == [201]
    assert one.loc[201, "npv_mxn"] == pytest.approx(both.loc[201, "npv_mxn"], rel=1e-12)
    assert one.loc[201, "payback_years"] == pytest.approx(both.loc[201, "payback_years"], rel=1e-12)


def test_the_counterfactual_is_the_plot_models_baseline():
    from miaf.economics.cashflow import PlotModel, milpa_counterfactual
    from miaf.economics.scenario import PlotScenario

    res = PlotModel(PlotScenario(area_ha=1.7, horizon_years=3), sample_defaults=False).evaluate()
    cf = milpa_counterfactual([1.7])
    assert res.baseline.benefits_mxn[1] == pytest.approx(cf["benefits"][0])
    assert res.baseline.costs_mxn[1] == pytest.approx(cf["cash_costs"][0] + cf["family_value"][0])
    cash, valued = milpa_one_ha(params())
    cf1 = milpa_counterfactual([1.0])
    assert cf1["benefits"][0] - cf1["cash_costs"][0] == pytest.approx(cash)
    assert cf1["benefits"][0] - cf1["cash_costs"][0] - cf1["family_value"][0] == pytest.approx(valued)


def test_modelled_labour_and_costs_are_the_plot_models():
    # the yearly totals the records fall back on are the plot model's own (one formula for each rule)
    from miaf.economics.cashflow import (
        PlotModel,
        establishment_cost_mxn,
        miaf_labour_days,
        running_input_cost_mxn,
    )
    from miaf.economics.scenario import PlotScenario, TreeComponent

    model = PlotModel(PlotScenario(area_ha=1.3, trees=(TreeComponent("aguacate", 500),), horizon_years=4),
                      sample_defaults=False)
    v = model.central_values()
    miaf, _ = model.simulate(v)
    t = np.arange(4)
    np.testing.assert_allclose(miaf.family_days[0] + miaf.hired_days[0], miaf_labour_days(1.3, t, v), rtol=1e-12)
    np.testing.assert_allclose(miaf.inputs[0], running_input_cost_mxn(1.3, v["crop_share"], 500, t, v), rtol=1e-12)
    assert miaf.establishment[0, 0] == pytest.approx(establishment_cost_mxn(500, 1.3, v))


def test_cash_flow_year_zero_is_when_the_plot_became_miaf_d_by_the_one_rule():
    # issue 16: the indicators took year 0 from plots.established_on only; the rule is miaf.history.miaf_start
    # (establishment date, else the first MIAF-D phase, else the first fruit-tree planting)
    from miaf.indicators.context import Context
    from miaf.indicators.production import plot_record_economics

    with_date = plot_record_economics(Context(programme()))
    t = programme()
    t.plots.loc[t.plots["plot_id"] == 202, "established_on"] = NaT
    no_date = plot_record_economics(Context(t))
    # plot 202 has no date but a MIAF-D phase from 2020-05-01: year 0 is 2020, and its result is unchanged
    assert no_date.loc[202, "established_year"] == 2020
    assert no_date.loc[202, "npv_mxn"] == pytest.approx(with_date.loc[202, "npv_mxn"], rel=1e-12)
    # with the phase moved to 2022 year 0 moves with it: only 2022 and 2023 are counted (a harvest in 2022)
    t.phases.loc[(t.phases["plot_id"] == 202) & (t.phases["system"] == "miaf_d"), "started_on"] = pd.Timestamp("2022-05-01")
    moved = plot_record_economics(Context(t))
    assert moved.loc[202, "established_year"] == 2022
    assert moved.loc[202, "counted_years"] == 1  # year 0 = 2022 (harvest); 2023 has no harvest record
    # no date, no phase, no tree planting: the start is unknown and the plot is left out, not dated 0
    t.phases = t.phases[t.phases["plot_id"] != 202]
    t.plantings = t.plantings[t.plantings["plot_id"] != 202]
    assert 202 not in plot_record_economics(Context(t)).index
