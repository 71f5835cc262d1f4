"""Carbon pools: allometry by hand, Tier 1 growth and cap, soil stock change, pools add up, measurements.

The growth curve, climate zones, tillage and Approach 1 are checked by hand in test_carbon_ipcc.py."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from miaf.environment.carbon import (
    CarbonInputs,
    TreeMeasurement,
    agb_chave2014,
    agb_coffee_libano2018,
    agb_mango_saha2021,
    evaluate_carbon,
    soc_stock,
    tree_agb_kg,
)


def test_chave_2014_by_hand_for_scalars_and_arrays():
    # ρ 0.55, D 20 cm, H 8 m: ρD²H = 0.55·400·8 = 1,760; 0.0673·1760^0.976 = 0.0673·1,470.6 = 98.97 kg
    assert agb_chave2014(0.55, 20, 8) == pytest.approx(0.0673 * 1760**0.976, rel=1e-12)
    assert agb_chave2014(0.55, np.array([20, 10]), np.array([8, 4])) == pytest.approx(
        [0.0673 * 1760**0.976, 0.0673 * 220**0.976])


def test_mango_and_coffee_equations_by_hand():
    # mango D 25: exp(−0.2272865 + 1.8017·ln 25) = exp(−0.2273 + 5.7995) = exp(5.5722) = 263.2 kg
    assert agb_mango_saha2021(25) == pytest.approx(math.exp(-0.2272865 + 1.8017 * math.log(25)))
    assert agb_mango_saha2021(25) == pytest.approx(263.2, abs=0.5)
    # coffee D15 4 cm: 0.36 − 0.72 + 1.28 = 0.92 kg
    assert agb_coffee_libano2018(4) == pytest.approx(0.92)
    assert tree_agb_kg("mango", 25)[1].startswith("Saha")
    assert tree_agb_kg("aguacate", 20, 8)[1].startswith("Chave et al. 2014")
    assert tree_agb_kg("aguacate", 20)[1].startswith("Chave et al. 2005")


def test_tier1_tree_carbon_follows_the_growth_curve_and_stops_at_the_ipcc_stock():
    # tropical moist: stock at maturity 21 t C/ha of orchard (IPCC Table 5.1) x share 4.2/10.6 = 8.321 t C/ha of plot,
    # reached at 20 years and kept after (no other model's maximum); roots 0.20 of it (Table 4.4, AGB < 125)
    young = evaluate_carbon(CarbonInputs("aguacate", 943, 2, 1.0))
    old = evaluate_carbon(CarbonInputs("aguacate", 943, 25, 1.0))
    tree = lambda r: r.pools[0].stock_t_c_ha + r.pools[1].stock_t_c_ha  # noqa: E731
    share = 4.2 / 10.6  # steep-module tree band (miaf.design.tree_band_share), no design, slope unknown
    assert old.pools[0].stock_t_c_ha == pytest.approx(21 * share, rel=1e-9)
    assert tree(old) == pytest.approx(21 * share * 1.20, rel=1e-9)
    assert tree(young) < 0.1 * tree(old)
    assert old.pools[0].annual_change_t_c_ha_yr == 0.0
    assert young.pools[0].tier == 1


def test_half_planted_plot_has_half_the_tier1_tree_carbon():
    full = evaluate_carbon(CarbonInputs("mango", 943, 3, 1.0))
    half = evaluate_carbon(CarbonInputs("mango", 943, 3, 2.0))
    assert half.pools[0].stock_t_c_ha == pytest.approx(full.pools[0].stock_t_c_ha / 2)


def test_measured_trees_replace_the_model_and_scale_by_the_number_of_trees():
    # two avocados: Chave 2014 with ρ 0.55: (20 cm, 6 m) → 0.0673·1320^0.976; (10 cm, 4 m) → 0.0673·220^0.976
    meas = [TreeMeasurement("aguacate", 20, 6), TreeMeasurement("aguacate", 10, 4)]
    res = evaluate_carbon(CarbonInputs("aguacate", 900, 5, 1.5, measurements=meas))
    mean_kg = (0.0673 * 1320**0.976 + 0.0673 * 220**0.976) / 2
    expected = mean_kg * 900 / 1.5 / 1000 * 0.47  # t C/ha
    assert res.pools[0].stock_t_c_ha == pytest.approx(expected)
    assert res.pools[0].tier == 2 and res.measured_trees == 2
    assert res.pools[1].stock_t_c_ha == pytest.approx(expected * 0.20)  # Table 4.4 moist deciduous, AGB < 125


def test_soc_under_miaf_is_between_the_milpa_and_the_forest_equilibria():
    # traditional: 47 · 0.48 · 1 · 0.92 = 20.76; strips (full tillage, F_MG 1) 47 · 0.48 = 22.56; band 47
    # MIAF-D (band 4.2 of 10.6 m = 0.396): 0.604·22.56 + 0.396·47 = 13.62 + 18.62 = 32.24 t C/ha;
    # reduced tillage (BV): strips × 1.15 → 34.29; with the COLPOS third (0.333): 30.70
    assert soc_stock("traditional") == pytest.approx(20.755, abs=0.01)
    assert soc_stock("miaf-d") == pytest.approx(32.244, abs=0.01)
    assert soc_stock("miaf-d", tillage="reduced") == pytest.approx(34.287, abs=0.01)
    assert soc_stock("miaf-d", tree_band_share=0.333) == pytest.approx(30.699, abs=0.01)
    assert soc_stock("traditional") < soc_stock("miaf-d") < soc_stock("forest") == 47


def test_soil_carbon_moves_linearly_over_twenty_years():
    r10 = evaluate_carbon(CarbonInputs("limon", 943, 10, 1.0))
    soc = r10.pools[-1]
    trad, miaf = soc_stock("traditional"), soc_stock("miaf-d")
    assert soc.stock_t_c_ha == pytest.approx(trad + (miaf - trad) * 10 / 20)
    assert soc.annual_change_t_c_ha_yr == pytest.approx((miaf - trad) / 20)
    assert evaluate_carbon(CarbonInputs("limon", 943, 25, 1.0)).pools[-1].annual_change_t_c_ha_yr == 0


@settings(max_examples=30, deadline=None)
@given(code=st.sampled_from(["aguacate", "mango", "limon", "durazno", "cafe", "platano"]),
       age=st.floats(0, 40), trees=st.integers(0, 3000), area=st.floats(0.1, 5),
       zone=st.sampled_from(["tropical_wet", "tropical_moist", "tropical_dry", "tropical_montane"]))
def test_carbon_pools_add_up_to_the_total_and_ranges_bracket_the_value(code, age, trees, area, zone):
    res = evaluate_carbon(CarbonInputs(code, trees, age, area, zone))
    d = res.to_dict()
    assert d["total_t_c_ha"] == pytest.approx(sum(p["stock_t_c_ha"] for p in d["pools"]))
    assert d["total_t_co2e_ha"] == pytest.approx(d["total_t_c_ha"] * 3.667)
    for p in res.pools:
        assert p.low_t_c_ha <= p.stock_t_c_ha + 1e-9 <= p.high_t_c_ha + 2e-9
        assert p.tier in (1, 2)


def test_bad_carbon_inputs_raise_clear_errors():
    with pytest.raises(ValueError, match="climate_zone"):
        evaluate_carbon(CarbonInputs("aguacate", 10, 2, 1, climate_zone="boreal"))
    with pytest.raises(ValueError, match="unknown species"):
        evaluate_carbon(CarbonInputs("roble", 10, 2, 1))
    with pytest.raises(ValueError, match="area_ha"):
        evaluate_carbon(CarbonInputs("aguacate", 10, 2, 0))
    with pytest.raises(ValueError, match="diameter_cm"):
        agb_chave2014(0.5, -1, 3)
