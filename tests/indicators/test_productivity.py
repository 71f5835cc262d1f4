"""Productivity and income indicators on the tiny hand-made programme (tests/indicators/conftest.py)."""

from __future__ import annotations

import pytest

from miaf.indicators import compute_indicators


def test_maize_yield_gain_is_the_seeds_two_thirds(tiny):
    # MIAF-D 2016: plot 101 2000 kg + plot 102 1000 kg = 3000 kg on 3 ha = 1000 kg/ha
    # baseline 2010 (traditional): 1200 + 600 = 1800 kg on the same 3 ha = 600 kg/ha
    # 1000 / 600 - 1 = 0.6667 (the seed's +66.7 %)
    r = compute_indicators(tiny)["maize_yield_gain"]
    assert r.value == pytest.approx(2 / 3)
    assert r.details["baseline_kg_ha"] == pytest.approx(600.0)
    assert r.details["baseline_years"] == [2010]


def test_maize_yield_gain_ignores_the_system_filter(tiny):
    # traditional plots are needed for the baseline, so system=miaf_d must not remove them
    assert compute_indicators(tiny, {"system": "miaf_d"})["maize_yield_gain"].value == pytest.approx(2 / 3)


def test_yield_gain_against_baseline_by_crop(tiny):
    # beans on plot 101: 400 kg in 2016 against 300 kg in 2010 -> 400 / 300 - 1 = 0.3333; maize 0.6667
    b = compute_indicators(tiny)["yield_gain_vs_baseline"].breakdown
    assert b == pytest.approx({"maiz": 2 / 3, "frijol": 1 / 3})


def test_yield_against_traditional_plots_in_the_same_year(tiny):
    # 2016 maize: MIAF-D 3000 kg / 3 ha = 1000 kg/ha; traditional plot 103: 700 kg / 1 ha
    # 1000 / 700 - 1 = 0.4286; beans and avocado have no traditional harvest in 2016
    b = compute_indicators(tiny)["yield_vs_traditional"].breakdown
    assert b == pytest.approx({"maiz": 3 / 7})


def test_yield_by_crop_and_system(tiny):
    # maize traditional: (1200 + 600 + 700) kg / (2 + 1 + 1) ha = 625; avocado 500 kg / 2 ha = 250
    b = compute_indicators(tiny)["yield_by_crop"].breakdown
    assert b["maiz|traditional"] == pytest.approx(625.0)
    assert b["maiz|miaf_d"] == pytest.approx(1000.0)
    assert b["aguacate|miaf_d"] == pytest.approx(250.0)
    assert b["frijol|traditional"] == pytest.approx(150.0)  # 300 kg / 2 ha


def test_gross_income_per_ha(tiny):
    # sales: 2010 360 kg x 4 = 1440; 2016 maize 1000 x 5 + 400 x 4 + 700 x 5 = 10100; beans 260 x 20 = 5200;
    # avocado 500 x 10 = 5000; total 21740 MXN over plot-years 2010 (2 + 1 ha) + 2016 (2 + 1 + 1 ha) = 7 ha
    assert compute_indicators(tiny)["gross_income_per_ha"].value == pytest.approx(21740 / 7)


def test_gross_income_per_family_in_one_year(tiny):
    # 2016: sales 10100 + 5200 + 5000 = 20300 MXN over 3 families with a harvest
    assert compute_indicators(tiny, {"year": 2016})["gross_income_per_family"].value == pytest.approx(20300 / 3)


def test_months_with_income(tiny):
    # family 1: Jan (wages), Nov, Dec (maize) = 3; family 2: Feb, Apr = 2; family 3: expenses only = 0
    r = compute_indicators(tiny)["months_with_income"]
    assert r.value == pytest.approx(5 / 3)
    assert r.breakdown["0"] == pytest.approx(1 / 3)


def test_self_consumption_share_in_miaf_d_harvests_is_30_and_35_percent(tiny):
    # MIAF-D maize 2016: self 600 + 300 = 900 of 3000 kg = 0.30; beans 140 of 400 = 0.35; avocado 0
    b = compute_indicators(tiny, {"system": "miaf_d"})["self_consumption_share"].breakdown
    assert b == pytest.approx({"maiz": 0.30, "frijol": 0.35, "aguacate": 0.0})


def test_market_share_is_the_complement(tiny):
    # MIAF-D maize 2100 / 3000 = 0.70, beans 260 / 400 = 0.65
    b = compute_indicators(tiny, {"system": "miaf_d"})["market_share"].breakdown
    assert b == pytest.approx({"maiz": 0.70, "frijol": 0.65, "aguacate": 1.0})


def test_self_consumption_mixes_systems_without_a_filter(tiny):
    # all maize: self 840 + 600 + 300 + 700 = 2440 of 1200 + 2000 + 1000 + 700 = 4900 kg
    b = compute_indicators(tiny)["self_consumption_share"].breakdown
    assert b["maiz"] == pytest.approx(2440 / 4900)


def test_npv_per_ha_from_records(tiny):
    # maize sale price 2016 = 10100 MXN / 2100 kg = 4.8095; self-consumption valued x 1.5 (economics.csv)
    # plot 101: year 0 (2011) -20000 inputs; year 5 (2016): sales 16800 + maize self 600 x 4.8095 x 1.5 = 4328.57
    #           + beans self 140 x 20 x 1.5 = 4200 - hired 30 x 300 = 9000 -> 16328.57
    #           NPV(10 %) = -20000 + 16328.57 / 1.1^5 = -9861.24
    # plot 102: year 0 -1000; year 5: 3500 + 300 x 4.8095 x 1.5 = 2164.29 - 15 x 300 -> 1164.29
    #           NPV = -1000 + 1164.29 / 1.61051 = -277.07
    # per ha: (-9861.24 - 277.07) / 3 ha = -3379.44: the family's cash view (family days unpaid)
    r = compute_indicators(tiny)["npv_per_ha"]
    assert r.details["npv_cash_per_ha_mxn"] == pytest.approx(-3379.44, abs=0.01)
    assert r.n == 2
    # the headline values family days at the wage, 300 MXN (issue 16); days before establishment (2010) and
    # off-plot days do not count: plot 101 year 0 (2011) 50 d = 15,000, year 5 (2016) 120 d = 36,000
    #   NPV = -20000 - 15000 + (16328.57 - 36000) / 1.61051 = -35000 - 12214.41 = -47214.41
    # plot 102 year 5: 60 d = 18,000 → NPV = -1000 + (1164.29 - 18000) / 1.61051 = -11453.65
    # per ha: (-47214.41 - 11453.65) / 3 = -19556.02
    assert r.value == pytest.approx(-19556.02, abs=0.01)
    assert r.breakdown == pytest.approx({"family_days_valued": -19556.02, "cash_view": -3379.44}, abs=0.01)


def test_payback_years_from_records(tiny):
    # plot 101 never pays back (cumulative -3671.43 in 2016); plot 102: cumulative -1000 until year 4, +164.29
    # in year 5 -> 4 + 1000 / 1164.29 = 4.8589
    r = compute_indicators(tiny)["payback_years"]
    assert r.value == pytest.approx(4 + 1000 / (3500 + 300 * 10100 / 2100 * 1.5 - 4500))
    assert r.breakdown == {"share_reached": 0.5}
