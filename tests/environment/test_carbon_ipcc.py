"""Carbon against hand calculations from the IPCC tables (issue 16, item 6).

* A 1-year and a 20-year avocado plot: growth curve, roots, residues and soil by hand; the 20-year tree stock
  equals the IPCC Tier 1 figure (Table 5.1 stock at maturity), the 1-year stock is small.
* The climate zone of a plot from its altitude and rainfall (CHIRPS normals of the project).
* The tillage factor by modality (TMV conventional F_MG = 1.0, BV reduced).
* Uncertainty by IPCC Approach 1 against its formula, and not the sum of the pools' extremes.
"""

from __future__ import annotations

import argparse
import json
import math

import numpy as np
import pytest

from miaf.environment.carbon import (
    CarbonInputs,
    approach1_product,
    approach1_sum,
    climate_zone,
    climate_zones,
    evaluate_carbon,
    ipcc_tier1_tree_c,
    root_shoot_ratio,
    soc_stock,
    tillage_for_modality,
    tree_growth_fraction,
)
from miaf.environment.cli import register
from miaf.environment.rusle import municipality_rainfall

SHARE = 4.2 / 10.6  # tree band of the steep module (miaf.design.tree_band_share, no design, slope unknown)
MAIZE = 600.0  # species.csv maiz default_yield_kg_ha


def _g(t: float, k: float = 0.2, p: float = 3.0, big_t: float = 20.0) -> float:
    """Chapman–Richards share of the mature stock, written out: min(1, ((1 − e^−kt)/(1 − e^−kT))^p)."""
    return min(1.0, ((1 - math.exp(-k * t)) / (1 - math.exp(-k * big_t))) ** p)


def _residues() -> float:
    # 600 kg/ha grain × 0.87 dry matter × stover:grain 1.0 × strips (1 − 0.396) × 75 % kept × 0.42 C
    return 0.600 * 0.87 * 1.0 * (1 - SHARE) * 0.75 * 0.42


def test_one_year_old_avocado_plot_by_hand():
    # g(1) = ((1 − e^−0.2)/(1 − e^−4))^3 = (0.181269/0.981684)^3 = 0.184651^3 = 0.0062959
    assert _g(1) == pytest.approx(0.0062959, rel=1e-4)
    res = evaluate_carbon(CarbonInputs("aguacate", 943, 1, 1.0))  # tropical moist, full stocking
    above = 21 * SHARE * _g(1)  # 21 t C/ha (IPCC Table 5.1) × 0.396 × 0.0062959 = 0.05239 t C/ha
    assert res.pools[0].stock_t_c_ha == pytest.approx(above, rel=1e-12)
    assert res.pools[0].stock_t_c_ha == pytest.approx(0.05239, rel=1e-3)
    assert res.pools[1].stock_t_c_ha == pytest.approx(above * 0.20, rel=1e-12)  # Table 4.4, AGB 44.7 t dm < 125
    assert res.pools[0].annual_change_t_c_ha_yr == pytest.approx(above, rel=1e-12)  # from 0 at planting
    # small: about 0.06 t C/ha of trees, where the linear Tier 1 rate from year 1 gives 2.6 × 0.396 × 1.2 = 1.24
    trees = res.pools[0].stock_t_c_ha + res.pools[1].stock_t_c_ha
    assert trees == pytest.approx(0.06286, rel=1e-3)
    assert trees < 0.06 * ipcc_tier1_tree_c("tropical_moist", 1) * SHARE * 1.2
    # soil: 1/20 of the way from the milpa (47·0.48·0.92 = 20.755) to MIAF-D with full tillage (32.244)
    trad, miaf = 47 * 0.48 * 0.92, (1 - SHARE) * 47 * 0.48 * 1.0 + SHARE * 47 * 1.0
    assert res.pools[3].stock_t_c_ha == pytest.approx(trad + (miaf - trad) / 20, rel=1e-12)
    assert res.pools[2].stock_t_c_ha == pytest.approx(_residues(), rel=1e-12)
    assert res.total_t_c_ha == pytest.approx(trees + _residues() + trad + (miaf - trad) / 20, rel=1e-12)


def test_twenty_year_old_avocado_plot_holds_the_tier1_figure():
    res = evaluate_carbon(CarbonInputs("aguacate", 943, 20, 1.0))
    tier1 = ipcc_tier1_tree_c("tropical_moist", 20)  # min(2.6 × 20, 21) = 21 t C/ha of orchard
    assert tier1 == 21.0
    assert res.pools[0].stock_t_c_ha == pytest.approx(tier1 * SHARE, rel=1e-12)  # 8.321 t C/ha of plot
    assert res.pools[1].stock_t_c_ha == pytest.approx(tier1 * SHARE * 0.20, rel=1e-12)
    # the curve never passes the IPCC stock at maturity, and stays there afterwards
    ages = np.arange(0, 41)
    g = tree_growth_fraction(ages)
    assert np.all(np.diff(g) >= 0) and g.max() == 1.0 and np.all(g[ages >= 20] == 1.0)
    older = evaluate_carbon(CarbonInputs("aguacate", 943, 35, 1.0))
    assert older.pools[0].stock_t_c_ha == res.pools[0].stock_t_c_ha
    # total = 8.321 × 1.2 + residues 0.0993 + SOC at its MIAF-D equilibrium 32.244 = 42.33 t C/ha
    soc = (1 - SHARE) * 47 * 0.48 + SHARE * 47
    assert res.pools[3].stock_t_c_ha == pytest.approx(soc, rel=1e-12)
    assert res.total_t_c_ha == pytest.approx(tier1 * SHARE * 1.2 + _residues() + soc, rel=1e-12)
    assert res.total_t_c_ha == pytest.approx(42.33, abs=0.01)


def test_climate_zone_from_altitude_and_rainfall():
    assert climate_zone(1500, 1200) == "tropical_montane"  # above 1,000 m whatever the rain
    assert climate_zone(1000, 2500) == "tropical_wet"  # 1,000 m is not above the limit
    assert climate_zone(600, 2001) == "tropical_wet"
    assert climate_zone(600, 2000) == "tropical_moist"
    assert climate_zone(600, 1000.5) == "tropical_moist"
    assert climate_zone(600, 1000) == "tropical_dry"
    assert climate_zone(None, 1500) == "tropical_moist"  # unknown altitude: the montane test is skipped
    assert climate_zone(1500, None) == "tropical_montane"
    assert climate_zone(None, None, default="tropical_wet") == "tropical_wet"
    with pytest.raises(ValueError, match="rainfall"):
        climate_zone(500, None)
    # the project's CHIRPS 1981–2010 normals: Las Margaritas 1,825.1 mm, Acacoyagua 3,070.1 mm, Acala 1,182.4 mm
    lm, aca, acala = (municipality_rainfall(c).rainfall_mm for c in ("07052", "07001", "07002"))
    assert climate_zone(1500, lm) == "tropical_montane" and climate_zone(800, lm) == "tropical_moist"
    assert climate_zone(100, aca) == "tropical_wet" and climate_zone(400, acala) == "tropical_moist"
    zones = climate_zones([1500, np.nan, 300, 300], [lm, aca, 900, np.nan], default="tropical_moist")
    assert list(zones) == ["tropical_montane", "tropical_wet", "tropical_dry", "tropical_moist"]


def test_the_zone_sets_the_tables_used():
    # Table 4.4: moist deciduous 0.20 below 125 t dm/ha, 0.24 above; dry 0.56 below 20, 0.28 above; montane 0.27
    assert root_shoot_ratio("tropical_moist", 44.7) == 0.20 and root_shoot_ratio("tropical_moist", 220) == 0.24
    assert root_shoot_ratio("tropical_dry", 19.1) == 0.56 and root_shoot_ratio("tropical_dry", 210) == 0.28
    assert root_shoot_ratio("tropical_wet", 106) == 0.37 and root_shoot_ratio("tropical_montane", 44.7) == 0.27
    # forest reference, Americas column of Table 4.7 (moist deciduous 220 t dm/ha): 220·0.47·1.24 + 3.65 + 47
    res = evaluate_carbon(CarbonInputs("aguacate", 943, 20, 1.0, "tropical_moist"))
    assert res.forest_reference_t_c_ha == pytest.approx(220 * 0.47 * 1.24 + 3.65 + 47, rel=1e-12)
    # a montane plot: 21 t C/ha stock (moist value, no montane row in Table 5.1), roots 0.27
    mont = evaluate_carbon(CarbonInputs("aguacate", 943, 20, 1.0, "tropical_montane"))
    assert mont.pools[1].stock_t_c_ha == pytest.approx(21 * SHARE * 0.27, rel=1e-12)


def test_tillage_by_modality():
    assert tillage_for_modality("TMV") == "full" and tillage_for_modality("tmv") == "full"
    assert tillage_for_modality("BV") == "reduced"
    assert tillage_for_modality(None) == "full" and tillage_for_modality("") == "full"
    # F_MG = 1.0 for the conventionally tilled TMV strips; 1.15 (tropical moist, Table 5.5) for BV
    full = soc_stock("miaf-d", tillage="full")
    reduced = soc_stock("miaf-d", tillage="reduced")
    assert full == pytest.approx((1 - SHARE) * 47 * 0.48 * 1.0 + SHARE * 47, rel=1e-12)
    assert reduced - full == pytest.approx((1 - SHARE) * 47 * 0.48 * 0.15, rel=1e-9)
    tmv = evaluate_carbon(CarbonInputs("aguacate", 943, 20, 1.0, tillage=tillage_for_modality("TMV")))
    bv = evaluate_carbon(CarbonInputs("aguacate", 943, 20, 1.0, tillage=tillage_for_modality("BV")))
    assert bv.pools[3].stock_t_c_ha - tmv.pools[3].stock_t_c_ha == pytest.approx(reduced - full, rel=1e-9)
    assert tmv.to_dict()["tillage"] == "full" and "full tillage" in tmv.pools[3].method
    with pytest.raises(ValueError, match="tillage"):
        evaluate_carbon(CarbonInputs("aguacate", 943, 20, 1.0, tillage="zero"))


def test_approach1_against_its_formula():
    # IPCC Vol. 1 Eq. 3.1: U = √(0.75² + 0.30²) = 0.8078; Eq. 3.2: 10 ± 2 and 20 ± 4 → 30 ± √20 = 30 ± 4.472
    assert approach1_product([0.75, 0.30]) == pytest.approx(math.sqrt(0.75**2 + 0.30**2), rel=1e-15)
    assert approach1_product([0.75, 0.30]) == pytest.approx(0.80777, rel=1e-4)
    total, half = approach1_sum([10.0, 20.0], [2.0, 4.0])
    assert total == 30.0 and half == pytest.approx(math.sqrt(20.0), rel=1e-15)
    assert half / total == pytest.approx(0.14907, rel=1e-4)  # 14.9 %, less than (2 + 4)/30 = 20 %
    with pytest.raises(ValueError):
        approach1_product([-0.1])


def test_pool_and_total_intervals_by_hand_at_twenty_years():
    res = evaluate_carbon(CarbonInputs("aguacate", 943, 20, 1.0))
    ag, bg, resid, soc = res.pools
    # trees: ±75 % of the Table 5.1 stock; k's range gives no spread at the calibration age (g = 1 for any k)
    assert ag.half_width_t_c_ha == pytest.approx(0.75 * ag.stock_t_c_ha, rel=1e-12)
    u_rs = (0.25 - 0.09) / (2 * 0.20)  # Table 4.4 range 0.09-0.25 around 0.20 → ±40 %
    assert bg.half_width_t_c_ha == pytest.approx(bg.stock_t_c_ha * math.sqrt(0.75**2 + u_rs**2), rel=1e-12)
    # residues: stover:grain (0.8-1.5)/2 = ±35 %, kept (0.5-1.0)/(2·0.75) = ±33.3 %, C fraction (0.40-0.45)/(2·0.42)
    u_res = math.sqrt(0.35**2 + (0.5 / 1.5) ** 2 + (0.05 / 0.84) ** 2)
    assert resid.half_width_t_c_ha == pytest.approx(resid.stock_t_c_ha * u_res, rel=1e-12)
    # soil at equilibrium: SOC_ref (21-73 around 47) × [strips (1 − s)·F_LU (±12.5 %) + band s·F_perennial (±10 %)]
    strip, band = (1 - SHARE) * 0.48, SHARE * 1.0
    h_g = math.sqrt((strip * 0.125) ** 2 + (band * 0.10) ** 2)
    u_soc = math.sqrt((52 / 94) ** 2 + (h_g / (strip + band)) ** 2)
    assert soc.half_width_t_c_ha == pytest.approx(soc.stock_t_c_ha * u_soc, rel=1e-12)
    # total: the two tree pools together (same stock, correlated), the others independent
    trees = ag.half_width_t_c_ha + bg.half_width_t_c_ha
    expected = math.sqrt(trees**2 + resid.half_width_t_c_ha**2 + soc.half_width_t_c_ha**2)
    d = res.to_dict()
    assert res.total_half_width_t_c_ha == pytest.approx(expected, rel=1e-12)
    assert d["total_high_t_c_ha"] - d["total_t_c_ha"] == pytest.approx(expected, rel=1e-12)
    assert d["total_uncertainty_pct"] == pytest.approx(100 * expected / d["total_t_c_ha"], rel=1e-12)
    # narrower than summing the pools' extremes, which is what the results used to show
    summed = sum(p.half_width_t_c_ha for p in res.pools)
    assert expected < 0.8 * summed
    assert d["total_high_t_c_ha"] < sum(p.high_t_c_ha for p in res.pools)


def test_carbon_command_chooses_the_zone_and_the_tillage(tmp_path, capsys):
    plot = tmp_path / "plot.geojson"
    plot.write_text(json.dumps({"type": "Polygon", "coordinates": [[
        [-91.98, 16.31], [-91.979, 16.31], [-91.979, 16.311], [-91.98, 16.311], [-91.98, 16.31]]]}))

    def run(*extra: str) -> dict:
        parser = argparse.ArgumentParser(prog="miaf")
        register(parser.add_subparsers(dest="command"))
        args = parser.parse_args(["carbon", str(plot), "--species", "aguacate", "--trees", "100",
                                  "--age-years", "20", "--json", *extra])
        assert args.func(args) == 0
        return json.loads(capsys.readouterr().out)

    assert run()["climate_zone"] == "tropical_moist" and run()["tillage"] == "full"
    assert run("--altitude-m", "1600", "--rainfall-mm", "900")["climate_zone"] == "tropical_montane"
    assert run("--altitude-m", "300", "--rainfall-mm", "2400")["climate_zone"] == "tropical_wet"
    assert run("--altitude-m", "300", "--municipality", "07001")["climate_zone"] == "tropical_wet"  # 3,070 mm
    assert run("--climate-zone", "tropical_dry", "--altitude-m", "1600")["climate_zone"] == "tropical_dry"
    bv, tmv = run("--modality", "BV"), run("--modality", "TMV")
    assert bv["tillage"] == "reduced" and tmv["tillage"] == "full"
    assert bv["pools"][3]["stock_t_c_ha"] > tmv["pools"][3]["stock_t_c_ha"]
    d = run("--tillage", "reduced")
    assert d["total_high_t_c_ha"] - d["total_t_c_ha"] == pytest.approx(
        d["total_uncertainty_pct"] / 100 * d["total_t_c_ha"], rel=1e-12)
