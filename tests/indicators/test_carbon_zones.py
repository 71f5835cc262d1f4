"""Carbon indicators choose the IPCC climate zone per plot (altitude, rainfall) and the tillage by modality."""

from __future__ import annotations

import numpy as np
import pytest

from miaf.environment.carbon import CarbonInputs, evaluate_carbon
from miaf.indicators import IndicatorTables, compute_indicators

from .conftest import tiny_frames


def _tables(altitude: list[float], modality: list[str | None]) -> IndicatorTables:
    f = tiny_frames()
    f["plots"] = f["plots"].assign(altitude_m=altitude, modality=modality)
    return IndicatorTables(**f)


def test_zone_and_tillage_per_plot_reach_the_carbon_indicators():
    # plot 101 (2 ha, avocado 1,300 trees, 2011): 1,600 m → tropical montane, BV design → reduced tillage;
    # plot 102 (1 ha, peach 500 trees): 800 m and 1,825.1 mm → tropical moist, TMV → full tillage
    r = compute_indicators(_tables([1600.0, 800.0, np.nan], ["BV", "TMV", None]))["carbon_stock"]
    c101 = evaluate_carbon(CarbonInputs("aguacate", 1300, 5.0, 2.0, "tropical_montane", tillage="reduced",
                                        slope_pct=30.0))
    c102 = evaluate_carbon(CarbonInputs("durazno", 500, 5.0, 1.0, "tropical_moist", tillage="full", slope_pct=10.0))
    assert r.value == pytest.approx((2 * c101.total_t_c_ha + c102.total_t_c_ha) / 3, rel=1e-9)
    assert r.details["climate_zone_area_share"] == pytest.approx({"tropical_montane": 2 / 3, "tropical_moist": 1 / 3})
    assert r.details["tillage_area_share"] == pytest.approx({"reduced": 2 / 3, "full": 1 / 3})


def test_without_altitude_or_design_the_zone_comes_from_rainfall_and_tillage_is_conventional(tiny):
    r = compute_indicators(tiny)["carbon_stock"]
    assert r.details["climate_zone_area_share"] == {"tropical_moist": 1.0}  # 1,825.1 mm, altitude unknown
    assert r.details["tillage_area_share"] == {"full": 1.0}


def test_a_wet_lowland_plot_is_tropical_wet():
    f = tiny_frames()
    f["plots"].loc[f["plots"]["plot_id"] == 102, "rainfall_mm"] = 2400.0  # above 2,000 mm, at 200 m
    f["plots"] = f["plots"].assign(altitude_m=[np.nan, 200.0, np.nan])
    r = compute_indicators(IndicatorTables(**f))["carbon_stock"]
    assert r.details["climate_zone_area_share"] == pytest.approx({"tropical_moist": 2 / 3, "tropical_wet": 1 / 3})
    wet = evaluate_carbon(CarbonInputs("durazno", 500, 5.0, 1.0, "tropical_wet", slope_pct=10.0))
    moist = evaluate_carbon(CarbonInputs("aguacate", 1300, 5.0, 2.0, "tropical_moist", slope_pct=30.0))
    assert r.value == pytest.approx((2 * moist.total_t_c_ha + wet.total_t_c_ha) / 3, rel=1e-9)
