"""RUSLE factors R, K, C, P, tolerable loss and the soil-loss product."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from miaf.environment.rusle import (
    cover_practice,
    k_factor_epic,
    k_factor_from_texture,
    municipality_rainfall,
    r_factor_cortes,
    r_factor_municipality,
    rusle,
    tolerable_loss,
)


def test_cortes_region_x_and_xi_match_the_domain_examples():
    # X: 6.8938·1500 + 0.000442·1500² = 10,340.7 + 994.5 = 11,335; XI: 3.7745·2000 + 0.00454·2000² = 7,549 + 18,160 = 25,709
    assert r_factor_cortes(1500, "X") == pytest.approx(11_335, abs=1)
    assert r_factor_cortes(2000, "XI") == pytest.approx(25_709, abs=1)
    assert r_factor_cortes(np.array([1500, 2000]), 10) == pytest.approx([11_335, 15_556], abs=1)


def test_default_region_for_chiapas_is_region_x():
    assert r_factor_cortes(2000) == r_factor_cortes(2000, "X")


def test_r_by_municipality_uses_the_chirps_normal_of_las_margaritas():
    # 07052 Las Margaritas: P = 1,825.1 mm; X: 6.8938·1825.1 + 0.000442·1825.1² = 12,581.9 + 1,472.3 = 14,054.2
    r, muni = r_factor_municipality("07052")
    assert muni.name == "Las Margaritas"
    assert r == pytest.approx(14_054.2, abs=0.5)
    assert municipality_rainfall(52).code == "07052"


@pytest.mark.parametrize("bad", [100, 8000, float("nan")])
def test_rainfall_outside_the_equation_range_is_refused(bad):
    with pytest.raises(ValueError, match="outside the range"):
        r_factor_cortes(bad, "X")


def test_unknown_region_and_municipality_are_refused():
    with pytest.raises(ValueError, match="does not exist"):
        r_factor_cortes(1500, "XV")
    with pytest.raises(ValueError, match="municipality"):
        municipality_rainfall("07999")


def test_epic_k_for_a_silt_loam_by_hand():
    # SAN 20, SIL 65, CLA 15, C 1.5 %: f_csand = 0.2 + 0.3·exp(−0.0256·20·0.35) = 0.4508; f_clsi = (65/80)^0.3 = 0.9396
    # f_orgc = 1 − 0.375/(1.5 + e^(3.72−4.425)) = 1 − 0.375/1.9942 = 0.8120; f_hisand ≈ 1 (SN1 = 0.8)
    # K = 0.1317 · 0.4508 · 0.9396 · 0.8120 = 0.04530
    assert k_factor_epic(20, 65, 15, 1.5) == pytest.approx(0.04530, abs=2e-4)
    assert k_factor_from_texture(20, 65, 15, 1.5 / 0.58) == pytest.approx(k_factor_epic(20, 65, 15, 1.5))


def test_texture_not_adding_to_100_is_refused():
    with pytest.raises(ValueError, match="add up to 100"):
        k_factor_epic(50, 50, 50, 1)


@pytest.mark.parametrize("name,args", [("k_factor", (1e4, 1.5, 1, 0.1, 1)), ("c_factor", (1e4, 0.02, 1, 1.2, 1)),
                                        ("p_factor", (1e4, 0.02, 1, 0.1, -0.1))])
def test_factors_outside_zero_one_are_refused(name, args):
    with pytest.raises(ValueError, match=name):
        rusle(*args)


def test_rusle_product_by_hand_for_scalars_and_arrays():
    # 14,054 · 0.02 · 7.399 · 0.08 · 1 = 166.4 t/ha/yr (the calibration hillside)
    assert rusle(14_054.2, 0.02, 7.399, 0.08, 1.0) == pytest.approx(166.4, abs=0.1)
    assert rusle(1000, 0.03, np.array([1.0, 2.0]), 0.5, 0.5) == pytest.approx([7.5, 15.0])


@given(r=st.floats(0, 60_000), k=st.floats(0, 1), ls=st.floats(0, 200), c=st.floats(0, 1), p=st.floats(0, 1))
def test_soil_loss_is_never_negative(r, k, ls, c, p):
    assert rusle(r, k, ls, c, p) >= 0


def test_miaf_cover_decreases_with_age_and_p_is_the_contouring_p_of_the_slope():
    young, mid, mature, old = (cover_practice("miaf-d", a, slope_pct=30) for a in (0, 2, 5, 12))
    assert young.c_factor >= mid.c_factor >= mature.c_factor == old.c_factor
    assert young.barrier_efficiency < mature.barrier_efficiency == 1.0
    # strips cropped every year: C 0.25 (not the cycle C 0.08); band share 4.2 / 10.6 = 0.3962 at 30 %
    # mature C = (1 − 0.3962)·0.25 + 0.3962·0.03 = 0.15094 + 0.01189 = 0.16283
    assert young.c_factor == 0.25
    assert mature.tree_band_share == pytest.approx(4.2 / 10.6)
    assert mature.c_factor == pytest.approx(0.16283, abs=1e-4)
    # 30 % is beyond the contouring table (≤ 25 %): P = 1, flagged; at 18 % P = 0.8 from year 0
    assert (mature.p_factor, mature.p_contouring_defined) == (1.0, False)
    gentle = cover_practice("miaf-d", 0, slope_pct=18)
    assert (gentle.p_factor, gentle.p_contouring_defined) == (0.8, True)
    trad = cover_practice("traditional")
    assert (trad.c_factor, trad.p_factor, trad.barrier_efficiency) == (0.08, 1.0, 0.0)


def test_unknown_system_is_refused():
    with pytest.raises(ValueError, match="system"):
        cover_practice("terraces")


def test_tolerable_loss_is_10_for_deep_and_5_for_shallow_soils():
    assert tolerable_loss() == 10
    assert tolerable_loss(1.5) == 10
    assert tolerable_loss(0.4) == 5
