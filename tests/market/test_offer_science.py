"""The offer calendar's science (miaf.economics.offer) against hand calculations and the plot cash-flow model."""

from __future__ import annotations

import numpy as np
import pytest

from miaf.economics.cashflow import PlotModel
from miaf.economics.offer import (
    OfferRows,
    income_calendar,
    month_window,
    offer_forecast,
    record_calibration,
    track_record,
)
from miaf.economics.scenario import CropComponent, PlotScenario, TreeComponent
from miaf.params import load_parameters, species


def rows(*items, calibration=None):  # noqa: ANN002, ANN001, ANN201
    sp, q, y = zip(*items, strict=True)
    return OfferRows(np.array(sp), np.array(q, dtype=float), np.array(y), calibration,
                     np.arange(len(items)))


def test_an_avocado_plot_offers_the_hand_calculated_kilograms_in_its_harvest_months_only():
    # 100 avocado trees planted in 2018: in 2026 the cash-flow year is t = 8, the ramp (economics.csv
    # yield_ramp.aguacate 0;0;0.05;0.15;0.35;0.6;0.85;1) is 1 and the bearing phase is +1 (first bearing year
    # t = 2, (8 − 2) even): 100 × 5.3 kg × 1.0 × 1 × (1 + 0.35) = 715.5 kg over 5 harvest months (10,11,12,1,2).
    econ = load_parameters("economics")
    per_tree = float(species()["aguacate"]["mature_yield_kg_per_tree"])
    a = float(econ["alternate_bearing.aguacate"])
    f = offer_forecast(rows(("aguacate", 100, 2018)), month_window(2026, 1, 12), draws=0)
    kg = f.kg[0, 0]
    expected_2026 = 100 * per_tree * float(econ["tree_yield_factor"]) * 1.0 * (1 + a) / 5
    for k, (_y, m) in enumerate(f.months):  # a calendar year's harvest falls in that year's harvest months
        assert kg[k] == (pytest.approx(expected_2026) if m in (10, 11, 12, 1, 2) else 0.0)
    # 2027: t = 9, phase −1
    f27 = offer_forecast(rows(("aguacate", 100, 2018)), [(2027, 1), (2027, 6)], draws=0)
    assert f27.kg[0, 0].tolist() == [pytest.approx(100 * per_tree * (1 - a) / 5), 0.0]


def test_the_offer_is_zero_before_the_bearing_age_and_doubling_the_trees_doubles_it():
    window = month_window(2026, 1, 24)
    young = offer_forecast(rows(("aguacate", 100, 2026)), window, draws=0)  # t = 0 and 1: ramp 0
    assert young.kg.sum() == 0.0
    one = offer_forecast(rows(("aguacate", 100, 2015), ("limon", 40, 2015)), window, draws=200, seed=3)
    two = offer_forecast(rows(("aguacate", 200, 2015), ("limon", 80, 2015)), window, draws=200, seed=3)
    np.testing.assert_allclose(two.kg, 2 * one.kg)
    for q in ("p10", "p50", "p90"):
        np.testing.assert_allclose(two.kg_q[q], 2 * one.kg_q[q])
    assert (one.kg_q["p10"] <= one.kg_q["p50"]).all() and (one.kg_q["p50"] <= one.kg_q["p90"]).all()
    assert (one.kg_q["p90"] > one.kg_q["p10"])[one.kg > 0].all()  # a real range where there is a harvest


def test_with_central_values_one_plot_equals_the_plot_cash_flow_model_month_by_month():
    area, share, start = 1.0, 0.6, 2016
    scenario = PlotScenario(area_ha=area, trees=(TreeComponent("aguacate", 90), TreeComponent("durazno", 60)),
                            crops=(CropComponent("maiz"), CropComponent("frijol")), horizon_years=12,
                            parameters={"crop_share": share})
    econ = PlotModel(scenario).evaluate().miaf
    # maize and bean alternate strips: each on half the crop strips (miaf.design.crop_area_ha) = 0.3 ha
    r = rows(("aguacate", 90, start), ("durazno", 60, start), ("maiz", area * share / 2, start),
             ("frijol", area * share / 2, start))
    cal = income_calendar(r, [start + t for t in range(12)])
    np.testing.assert_allclose(cal["kg"][0].sum(axis=0), econ.monthly_harvest_kg, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(cal["sales_mxn"][0], econ.monthly_sales_mxn, rtol=1e-9, atol=1e-6)


def test_units_aggregate_and_the_range_of_a_total_is_not_the_sum_of_ranges():
    r = rows(("mango", 50, 2010), ("mango", 30, 2010), ("mango", 20, 2010))
    f = offer_forecast(r, month_window(2026, 1), unit=np.array([0, 1, 1]), draws=300)
    np.testing.assert_allclose(f.kg.sum(axis=0), offer_forecast(r, month_window(2026, 1), draws=0).kg[0])
    whole = f.window_range(np.ones(12, bool), sale=False)
    # shared parameter uncertainty: a unit's range scales with its trees
    assert whole["p50"][1, 0] == pytest.approx(whole["p50"][0, 0] * 50 / 50, rel=1e-9)
    assert whole["p10"][0, 0] < whole["p50"][0, 0] < whole["p90"][0, 0]


def test_record_calibration_shrinks_toward_the_model_with_few_years():
    r = rows(("mango", 50, 2005), ("mango", 50, 2005))
    model_kg = offer_forecast(r, [(y, m) for y in (2022, 2023) for m in range(1, 13)], draws=0).kg[0, 0]
    per_year = model_kg.reshape(2, 12).sum(axis=1) / 2  # one row's annual kg
    # row 0 recorded half the model in 2022 and 2023; row 1 recorded nothing; a 2026 record is ignored
    factor = record_calibration(r, np.array([0, 0, 0]), np.array([2022, 2023, 2026]),
                                np.array([per_year[0] / 2, per_year[1] / 2, 1e6]), before_year=2026)
    k = float(load_parameters("market")["offer_record_prior_years"])
    assert factor[0] == pytest.approx((2 * 0.5 + k) / (2 + k))
    assert factor[1] == 1.0


def test_track_record_compares_recorded_with_the_forecast_range():
    out = track_record({"p10": np.array([80.0, 10]), "p50": np.array([100.0, 20]), "p90": np.array([120.0, 30])},
                       np.array([100.0, 20]), np.array([110.0, 50]))
    assert out["error_kg"] == [10.0, 30.0]
    assert out["ratio"] == [pytest.approx(1.1), pytest.approx(2.5)]
    assert out["inside"] == [True, False]


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="quantity"):
        OfferRows(np.array(["mango"]), np.array([-1.0]), np.array([2010]))
    with pytest.raises(ValueError, match="month"):
        month_window(2026, 13)
    with pytest.raises(ValueError, match="species"):
        offer_forecast(rows(("cebollin_inexistente", 1, 2010)), month_window(2026, 1), draws=0)
