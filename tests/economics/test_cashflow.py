"""Plot cash-flow model: hand-checked flows, labour, ramps, records and provenance, bad input."""

from __future__ import annotations

import numpy as np
import pytest

from miaf.economics.cashflow import PlotModel, evaluate_plot, yield_ramp
from miaf.economics.scenario import BomItem, CropComponent, PlotScenario, TreeComponent, YearRecord

MAIZE = (CropComponent("maiz"),)
# Everything that is not under test set to round numbers so the arithmetic can be done by hand.
SIMPLE = {
    "price.maiz": 5.0,
    "yield.maiz": 1000.0,
    "self_consumption_share.maiz": 0.5,
    "replacement_price_factor": 2.0,
    "crop_share": 0.6,
    "maize_yield_gain_miaf": 0.5,
    "maize_gain_start_year": 1,
    "milpa_running_cost_mxn_ha": 1000.0,
    "wage_mxn_day": 300.0,
    "milpa_labour_days_ha": 60.0,
    "miaf_labour_factor": 1.5,
    "family_labour_capacity_days_month": 100.0,
    "establishment_days_ha": 0.0,
    "tools_cost_mxn_ha": 0.0,
    "tree_running_cost_mxn_tree_yr": 0.0,
    "discount_rate": 0.10,
}


def simple(**changes) -> PlotScenario:
    # The hand arithmetic of this file is the family's cash view (family days unpaid); the default
    # economic view, family days valued at the wage, is checked in test_family_labour.py.
    params = {**SIMPLE, **changes.pop("parameters", {})}
    base = dict(area_ha=1.0, crops=MAIZE, baseline_crops=MAIZE, horizon_years=3, parameters=params,
                value_family_labour=False)
    base.update(changes)
    return PlotScenario(**base)


def test_baseline_milpa_flows_by_hand():
    r = PlotModel(simple()).evaluate()
    # 1,000 kg: 500 sold x 5 = 2,500; 500 eaten x 5 x 2 = 5,000 → benefits 7,500; inputs 1,000 → net 6,500
    np.testing.assert_allclose(r.baseline.sales_mxn, 2500)
    np.testing.assert_allclose(r.baseline.self_consumption_mxn, 5000)
    np.testing.assert_allclose(r.baseline.net_mxn, 6500)
    # NPV = 6,500 x (1 + 1/1.1 + 1/1.21) = 6,500 x 2.7355372 = 17,780.99
    assert r.baseline.metrics["npv_mxn"] == pytest.approx(17780.991735537190)
    # all flows positive: no investment, so no IRR
    assert r.baseline.metrics["irr"] is None
    assert r.baseline.metrics["irr_reason"] == "no_negative_flow"
    # return per family day: 3 x 6,500 / (3 x 60) = 108.33
    assert r.baseline.metrics["return_per_family_day_mxn"] == pytest.approx(6500 / 60)


def test_miaf_strip_gets_the_crop_share_and_the_maize_gain():
    r = PlotModel(simple()).evaluate()
    # 1 ha x 0.6 x 1,000 x (1 + 0.5) = 900 kg; 450 sold x 5 = 2,250; 450 eaten x 10 = 4,500
    np.testing.assert_allclose(r.miaf.harvest_kg["maiz"], 900)
    np.testing.assert_allclose(r.miaf.benefits_mxn, 6750)
    # inputs 1,000 x 0.6 = 600 → net 6,150; incremental -350 per year
    np.testing.assert_allclose(r.miaf.net_mxn, 6150)
    assert r.incremental["npv_mxn"] == pytest.approx(-350 * 2.7355371900826446)
    # labour 60 x 1.5 = 90 family days a year
    np.testing.assert_allclose(r.miaf.family_days, 90)
    # LER: milpa strip value 6,750 vs 7,500 at the same prices → 0.9 (no trees)
    np.testing.assert_allclose(r.land_equivalent_ratio, 900 * 5 / (1000 * 5))


def test_maize_gain_waits_for_its_start_year():
    r = PlotModel(simple(parameters={"maize_gain_start_year": 3})).evaluate()
    # years after planting k = 1, 2, 3: the gain applies from k = 3 only → 600, 600, 900 kg
    np.testing.assert_allclose(r.miaf.harvest_kg["maiz"], [600, 600, 900])


def test_labour_above_family_capacity_is_hired_in_the_peak_months():
    r = PlotModel(simple(parameters={"family_labour_capacity_days_month": 5.0})).evaluate()
    # baseline 60 d in the milpa calendar: Apr 6.0, May 8.4, Jun 8.4, Jul 7.2, Oct 6.0, Nov 6.0 exceed 5
    # hired = 1 + 3.4 + 3.4 + 2.2 + 1 + 1 = 12 d → 12 x 300 = 3,600 MXN a year
    np.testing.assert_allclose(r.baseline.hired_days, 12.0)
    np.testing.assert_allclose(r.baseline.hired_labour_mxn, 3600.0)
    np.testing.assert_allclose(r.baseline.family_days, 48.0)
    np.testing.assert_allclose(r.baseline.monthly_hired_days[0, 4], 3.4)


def test_avocado_follows_its_ramp_and_alternate_bearing():
    sc = simple(trees=(TreeComponent("aguacate", 100),), horizon_years=6,
                parameters={"yield.aguacate": 10.0, "tree_yield_factor": 1.0, "alternate_bearing.aguacate": 0.35,
                            "price.aguacate": 10.0, "self_consumption_share.aguacate": 0.0})
    r = PlotModel(sc).evaluate()
    # ramp 0, 0, 0.05, 0.15, 0.35, 0.6; on/off from the first bearing year (k = 3):
    # 100 x 10 x 0.05 x 1.35 = 67.5; x 0.15 x 0.65 = 97.5; x 0.35 x 1.35 = 472.5; x 0.6 x 0.65 = 390
    np.testing.assert_allclose(r.miaf.harvest_kg["aguacate"], [0, 0, 67.5, 97.5, 472.5, 390])
    # harvest months 10, 11, 12, 1, 2 → one fifth each
    # year 4: 472.5 kg x 10 MXN / 5 months = 945 MXN in Jan, Feb, Oct, Nov, Dec, plus maize
    # (450 kg sold x 5 MXN / 2 months = 1,125 in Oct and Nov): Oct = Nov = 945 + 1,125 = 2,070
    expected = np.zeros(12)
    expected[[0, 1, 11]] = 945.0
    expected[[9, 10]] = 2070.0
    np.testing.assert_allclose(r.miaf.monthly_sales_mxn[4], expected)


def test_default_establishment_cost_without_bill_of_materials():
    sc = simple(trees=(TreeComponent("aguacate", 943),),
                parameters={"plant_price_mxn": 50.0, "replanting_share": 0.1, "hole_compost_cost_mxn_tree": 2.0,
                            "tools_cost_mxn_ha": 1000.0})
    r = PlotModel(sc).evaluate()
    # 943 x 1.1 x 50 + 943 x 2 + 1,000 = 51,865 + 1,886 + 1,000 = 54,751 in year 0 only
    np.testing.assert_allclose(r.miaf.establishment_mxn, [54751.0, 0, 0])


def test_bill_of_materials_replaces_the_default_establishment_cost():
    bom = (BomItem("graft", 1000, "plant", 40.0, "nursery quote"), BomItem("compost", 500, "kg", 3.0))
    r = PlotModel(simple(trees=(TreeComponent("limon", 1000),), bom=bom)).evaluate()
    # 1,000 x 40 + 500 x 3 = 41,500
    assert r.miaf.establishment_mxn[0] == pytest.approx(41500.0)
    assert "plant_price_mxn" not in r.provenance


def test_yield_ramp_falls_back_to_a_linear_ramp_from_the_catalogue():
    ramp, prov = yield_ramp("mango", 10)
    # mango: first harvest year 4, full at 8 → k = 4..8: 1/5, 2/5, 3/5, 4/5, 1
    np.testing.assert_allclose(ramp, [0, 0, 0, 0.2, 0.4, 0.6, 0.8, 1, 1, 1])
    assert prov == "default:species.csv"
    assert yield_ramp("aguacate", 3)[1] == "default:economics.csv"


def test_records_replace_the_model_in_their_years_and_say_so():
    sc = simple(records=(YearRecord(year=0, harvest_kg={"maiz": 300.0}, hired_days=10.0, input_cost_mxn=200.0),))
    r = PlotModel(sc).evaluate()
    np.testing.assert_allclose(r.miaf.harvest_kg["maiz"], [300, 900, 900])
    assert r.miaf.hired_days[0] == pytest.approx(10.0)
    # year 0: 150 sold x 5 + 150 eaten x 10 - 200 inputs - 10 x 300 hired = 750 + 1,500 - 200 - 3,000
    assert r.miaf.net_mxn[0] == pytest.approx(-950.0)
    assert r.provenance["harvest_kg.maiz@year0"] == "measured"
    assert r.provenance["hired_days@year0"] == "measured"
    assert r.provenance["yield.maiz"] == "scenario"
    assert r.provenance["wage_mxn_day"] == "scenario"
    assert evaluate_plot({"area_ha": 1}).provenance["wage_mxn_day"] == "default:economics.csv"


def test_to_dict_is_json_ready_and_reports_null_irr_with_reason():
    import json

    d = PlotModel(simple()).evaluate().to_dict()
    text = json.dumps(d, allow_nan=False)
    assert '"irr_reason": "no_negative_flow"' in text
    assert len(d["typical_year"]["miaf_sales_mxn"]) == 12


def test_default_avocado_plot_pays_back_and_beats_the_milpa():
    r = evaluate_plot({"area_ha": 1.0, "trees": [{"species": "aguacate", "n_trees": 943}]})
    assert r.incremental["npv_mxn"] > 0
    assert 2 < r.miaf.metrics["payback_years"] < 10
    assert r.miaf.metrics["benefit_cost_ratio"] > 1
    # LER by hand: 943 trees at the reference density on 1 ha → the fruit term is the tree-band share
    # 4.2 / 10.6 = 0.396 (steep module, the design rule); the milpa term is the strip's gross value over the
    # baseline's: maize and bean each on half of the 0.604 ha of strips (miaf.design.crop_area_ha), maize with
    # the +31 % gain: (0.302 × 600 × 1.31 × 5.6 + 0.302 × 480 × 11) / (600 × 5.6 + 480 × 11)
    # = (1,329.2 + 1,594.6) / (3,360 + 5,280) = 0.338 → LER 0.734 (below 1: at the milpa's per-ha yields the
    # strips produce less than the land they take; docs/methods/economics.md)
    band = 4.2 / 10.6
    strip = (1 - band) / 2
    milpa = (strip * 600 * 1.31 * 5.6 + strip * 480 * 11) / (600 * 5.6 + 480 * 11)
    assert r.ler_mature == pytest.approx(band + milpa, rel=1e-9)


@pytest.mark.parametrize(
    ("scenario", "message"),
    [
        ({"area_ha": 1, "parameters": {"price.maiz": -1}}, "price cannot be negative"),
        ({"area_ha": 1, "parameters": {"yield.maiz": {"dist": "normal", "low": -5, "high": 10}}}, "yield cannot be"),
        ({"area_ha": 1, "horizon_years": 0}, "horizon_years"),
        ({"area_ha": 1, "parameters": {"wage_mxn_day": {"dist": "pert", "low": 350, "mode": 300, "high": 250}}},
         "reversed"),
        ({"area_ha": 0}, "area_ha"),
        ({"area_ha": 1, "trees": [{"species": "roble", "n_trees": 5}]}, "unknown code"),
        ({"area_ha": 1, "parameters": {"wagee": 3}}, "unknown or unused"),
        ({"area_ha": 1, "records": [{"year": 25, "harvest_kg": {"maiz": 1}}]}, "outside the horizon"),
        ({"area_ha": 1, "parameters": {"crop_share": 0.8, "tree_band_share": 0.4}}, "must not exceed 1"),
    ],
)
def test_bad_scenarios_raise_a_clear_value_error(scenario, message):
    with pytest.raises(ValueError, match=message):
        evaluate_plot(scenario)
