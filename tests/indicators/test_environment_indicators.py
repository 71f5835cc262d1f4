"""Environment indicators against the miaf.environment chain applied plot by plot (the slow reference)."""

from __future__ import annotations

import numpy as np
import pytest

from miaf.environment.carbon import CarbonInputs, evaluate_carbon
from miaf.environment.erosion import ErosionInputs, evaluate_soil_loss
from miaf.environment.rusle import municipality_rainfall
from miaf.indicators import compute_indicators


def _reference_soil_loss() -> dict[int, float]:
    # K 0.02 is the indicators.csv default; slope length = side of the plot's square, capped at 122 m:
    # 2 ha → min(141.4, 122) = 122 m, 1 ha → 100 m; age in 2016 of a 2011 plot = 5 years
    k = {"k_factor": 0.02}
    return {
        101: evaluate_soil_loss(ErosionInputs("miaf-d", 5.0, rainfall_mm=1825.1, slope_pct=30.0, slope_length_m=122.0,
                                              **k)).soil_loss_t_ha_yr,
        102: evaluate_soil_loss(ErosionInputs("miaf-d", 5.0, rainfall_mm=1825.1, slope_pct=10.0, slope_length_m=100.0,
                                              **k)).soil_loss_t_ha_yr,
        103: evaluate_soil_loss(ErosionInputs("traditional", 0.0, rainfall_mm=municipality_rainfall("07059").rainfall_mm,
                                              slope_pct=30.0, slope_length_m=100.0, **k)).soil_loss_t_ha_yr,
    }  # fmt: skip


def test_soil_loss_matches_the_plot_by_plot_rusle_chain(tiny):
    a = _reference_soil_loss()
    # area-weighted: (2 ha x A101 + 1 ha x A102 + 1 ha x A103) / 4 ha
    expected = (2 * a[101] + a[102] + a[103]) / 4
    r = compute_indicators(tiny)["soil_loss"]
    assert r.value == pytest.approx(expected, rel=1e-9)
    assert r.breakdown["miaf_d"] == pytest.approx((2 * a[101] + a[102]) / 3, rel=1e-9)
    unc = r.details["uncertainty"]
    assert unc["miaf"]["soil_loss"] == pytest.approx(r.breakdown["miaf_d"], rel=1e-9)
    assert unc["miaf"]["soil_loss_p05"] <= unc["miaf"]["soil_loss_p50"] <= unc["miaf"]["soil_loss_p95"]


def test_soil_loss_within_tolerable_share(tiny):
    a = _reference_soil_loss()
    # tolerance: deep soil (101) 10 t/ha/yr; shallow (102) and medium (103) below 1 m: 5 t/ha/yr
    inside = 2 * (a[101] <= 10) + 1 * (a[102] <= 5) + 1 * (a[103] <= 5)
    r = compute_indicators(tiny)["soil_loss_within_tolerable"]
    assert r.value == pytest.approx(inside / 4)


def test_soil_loss_leaves_out_plots_without_slope(tiny):
    tiny.plots.loc[tiny.plots["plot_id"] == 103, "mean_slope_pct"] = np.nan
    r = compute_indicators(tiny)["soil_loss"]
    assert r.n == 2
    assert r.details["plots_skipped"]["no_slope"] == 1


def _reference_carbon(attr: str) -> float:
    # plot 101: dominant avocado, 1000 + 300 trees on 2 ha, 5 years, 30 % slope; plot 102: peach, 500 trees on 1 ha,
    # 10 % slope (tree band by the design rule at each slope)
    c101 = evaluate_carbon(CarbonInputs("aguacate", 1300, 5.0, 2.0, slope_pct=30.0))
    c102 = evaluate_carbon(CarbonInputs("durazno", 500, 5.0, 1.0, slope_pct=10.0))
    return (2 * getattr(c101, attr) + 1 * getattr(c102, attr)) / 3


def test_carbon_stock_matches_the_plot_by_plot_carbon_chain(tiny):
    # area-weighted (2 ha x C101 + 1 ha x C102) / 3 ha = 25.22 t C/ha with today's carbon.csv (Chapman-Richards
    # growth, conventional tillage without a design, tree band by the design rule; was 26.80 with the linear
    # Tier 1 rate from year 1 and a fixed 1/3 band)
    r = compute_indicators(tiny)["carbon_stock"]
    assert r.value == pytest.approx(_reference_carbon("total_t_c_ha"), rel=1e-9)
    assert r.value == pytest.approx(25.216, rel=1e-3)
    assert r.details["total_t_c"] == pytest.approx(3 * r.value)


def test_carbon_change_matches_the_plot_by_plot_carbon_chain(tiny):
    r = compute_indicators(tiny)["carbon_change"]
    assert r.value == pytest.approx(_reference_carbon("total_annual_change_t_c_ha_yr"), rel=1e-9)
    assert r.value == pytest.approx(1.0964, rel=1e-3)


def test_native_species(tiny):
    # plot 101: avocado and maize (both native) = 2; plot 102: peach (not native) = 0; plot 103: maize = 1
    # -> (2 + 0 + 1) / 3 = 1.0
    r = compute_indicators(tiny)["native_species"]
    assert r.value == pytest.approx(1.0)
    assert r.breakdown == {"aguacate": 1, "maiz": 2}
