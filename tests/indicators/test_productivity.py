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
    # Incremental flows (MIAF-D − the milpa on the same area), counted in year 0 (2011) and the years with a
    # harvest record (2016 = year 5); 2012-2015 have no harvest record and are left out (issue 16, item 3).
    # Milpa counterfactual per year (economics.csv, species.csv; see test_record_economics.milpa_one_ha):
    #   1 ha: maize 600 × 5.6, 30 % eaten (× 1.5): 420 × 5.6 + 180 × 5.6 × 1.5 = 3,864; beans 480 × 11, 35 % eaten:
    #         312 × 11 + 168 × 11 × 1.5 = 6,204; benefits 10,068, inputs 3,000, 57.5 family days
    #         → cash 7,068, valued 7,068 − 17,250 = −10,182
    #   2 ha: benefits 20,136, inputs 6,000 + 10 hired days (months above the family's 12 d) 3,000, 105 family
    #         days → cash 11,136, valued 11,136 − 31,500 = −20,364
    # crop strips (no design): the design rule at each plot's slope, 1 − 4.2/10.6 = 0.60377 (101, 30 %) and
    #   1 − 4.8/14.5 = 0.66897 (102, 10 %)
    # plot 101 (2 ha, 1,300 trees): year 0 cost = max(20,000 recorded, bill of materials 1,300 × 1.10 × 50
    #   + 1,300 × 2.12 + 2 × 1,000 = 76,256 + strip inputs 3,000 × 2 × 0.60377 = 3,622.64) = 79,878.64; 50 family
    #   days → valued −79,878.64 − 15,000 + 20,364 = −74,514.64; cash −79,878.64 − 11,136 = −91,014.64
    #   year 5: sales 6,600 + 5,200 + 5,000 + maize eaten 600 × (6,600 / 1,400) × 1.5 = 4,242.86 + beans eaten
    #   140 × 20 × 1.5 = 4,200 → 25,242.86; inputs (no record that year) 3,622.64 + 1,300 × 2.12 = 6,378.64;
    #   hired 9,000; 120 family days → valued 9,864.22 − 36,000 + 20,364 = −5,771.78; cash 9,864.22 − 11,136
    #   = −1,271.78
    #   NPV = −74,514.64 − 5,771.78 / 1.1^5 = −78,098.47; cash −91,014.64 − 1,271.78 / 1.61051 = −91,804.32
    # plot 102 (1 ha, 500 trees): year 0 max(1,000, 29,560 + 3,000 × 0.66897 = 2,006.90) = 31,566.90; no labour
    #   record in 2011: the model's 57.5 × 1.5 + 25 = 111.25 days (33,375 MXN valued; unpaid in the cash view)
    #   → valued −31,566.90 − 33,375 + 10,182 = −54,759.90; cash −31,566.90 − 7,068 = −38,634.90
    #   year 5: 3,500 + 300 × 5 × 1.5 = 5,750; inputs 2,006.90 + 1,060 = 3,066.90; hired 4,500; 60 family days
    #   → cash −1,816.90, valued −1,816.90 − 18,000 + 10,182 = −9,634.90; cash incremental −8,884.90
    #   NPV = −54,759.90 − 9,634.90 / 1.61051 = −60,742.41; cash −38,634.90 − 8,884.90 / 1.61051 = −44,151.72
    r = compute_indicators(tiny, codes=["npv_per_ha"])["npv_per_ha"]
    assert r.n == 2
    assert r.value == pytest.approx((-78098.47 - 60742.41) / 3, abs=0.01)
    assert r.details["npv_cash_per_ha_mxn"] == pytest.approx((-91804.32 - 44151.72) / 3, abs=0.01)
    assert r.breakdown == pytest.approx({"family_days_valued": (-78098.47 - 60742.41) / 3,
                                         "cash_view": (-91804.32 - 44151.72) / 3}, abs=0.01)
    assert r.details["plots_without_cost_records"] == 0 and r.reason == ""


def test_payback_years_from_records(tiny):
    # neither plot pays back within its recorded years (every incremental flow above is negative)
    r = compute_indicators(tiny, codes=["payback_years"])["payback_years"]
    assert r.value is None and "fewer than half" in r.reason
    assert r.breakdown == {"share_reached": 0.0}
