"""Erosion corrections of issue 16: barrier closed form vs DEM, contouring P, cropped C, Nearing S, per-plot R."""

from __future__ import annotations

import math

import numpy as np
import pytest

from miaf.environment.erosion import (
    ErosionInputs,
    evaluate_soil_loss,
    slope_length_from_area,
    soil_loss_closed_form,
    soil_loss_uncertainty,
)
from miaf.environment.ls_factor import (
    contour_barriers,
    ls_contour_rows,
    ls_desmet_govers,
    ls_mccool,
    mccool_slope_factor,
    nearing_slope_factor,
    slope_factor,
)
from miaf.environment.rusle import cover_practice, p_contouring, r_factor_cortes
from miaf.environment.terrain import dem_from_array


def plane(rows: int, cols: int, cell: float, slope: float):
    y = np.arange(rows, dtype=float)[:, None] * np.ones((1, cols))
    return dem_from_array(500.0 - slope * cell * y, cell)


# --- the no-DEM MIAF-D formula and the DEM barrier model agree on a plane ------------------------------------
@pytest.mark.parametrize("efficiency", [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0])
@pytest.mark.parametrize(("slope", "length_cells", "cell", "width"), [(0.30, 100, 1.0, 10.6), (0.20, 60, 1.0, 14.5),
                                                                      (0.45, 80, 0.5, 10.6)])
def test_closed_form_rows_agree_with_the_dem_barrier_model_within_2_pct(efficiency, slope, length_cells, cell, width):
    dem = plane(length_cells, 40, cell, slope)
    rows = contour_barriers(dem, width)  # rows every `width` m horizontally (Δz = W tan θ)
    dem_ls = ls_desmet_govers(dem, barriers=rows, barrier_efficiency=efficiency, max_flow_length_m=None).ls
    closed = ls_contour_rows(100 * slope, length_cells * cell, width, efficiency)
    assert dem_ls[:, 10:30].mean() == pytest.approx(closed, rel=0.02)


def test_the_old_linear_mix_overstated_partial_interception_by_about_29_pct():
    # e = 0.5, 30 %, λ = 100 m, W = 10.6 m: mix 0.5 L(10.6) + 0.5 L(100) = 0.5·2.666 + 0.5·11.676 = 7.171,
    # the barrier model 5.09 (carried length → W(1 − e)/e = W): the mix is 41 % above it (29 % below the mix)
    mix = 0.5 * ls_mccool(30, 10.6) + 0.5 * ls_mccool(30, 100)
    assert mix == pytest.approx(7.171, abs=1e-3)
    assert ls_contour_rows(30, 100, 10.6, 0.5) == pytest.approx(5.095, abs=2e-3)


def test_contour_rows_reduce_to_the_open_slope_and_to_independent_strips_by_hand():
    # e = 0: the open slope; e = 1, λ = 50, W = 12.5 (4 whole strips): every strip is (12.5/22.13)^m
    assert ls_contour_rows(30, 50, 12.5, 0.0) == pytest.approx(ls_mccool(30, 50), rel=1e-12)
    assert ls_contour_rows(30, 50, 12.5, 1.0) == pytest.approx(ls_mccool(30, 12.5), rel=1e-12)
    # shorter than one module: no row inside, the open slope whatever e
    assert ls_contour_rows(30, 8, 10.6, 0.7) == pytest.approx(ls_mccool(30, 8), rel=1e-12)
    # e = 1, λ = 25, W = 10 → top strip 5 m and two of 10 m, m = 0.6581 (30 %), S = 4.3275:
    # L̄ = (5^1.6581 + 2 · 10^1.6581) / (25 · 22.13^0.6581) = (14.41 + 2 · 45.51) / (25 · 7.676) = 0.5493
    m = 0.6580848600446197
    by_hand = (5 ** (1 + m) + 2 * 10 ** (1 + m)) / (25 * 22.13**m) * 4.32751
    assert ls_contour_rows(30, 25, 10, 1.0) == pytest.approx(by_hand, rel=1e-4)
    assert ls_contour_rows(30, 25, 10, 1.0) == pytest.approx(0.5493 * 4.3275, rel=2e-3)


def test_contour_rows_are_vectorised_and_monotone_in_the_efficiency():
    e = np.linspace(0, 1, 11)
    ls = ls_contour_rows(np.full(11, 35.0), np.full(11, 80.0), np.full(11, 10.6), e)
    assert ls.shape == (11,) and np.all(np.diff(ls) < 0)
    with pytest.raises(ValueError, match="barrier_efficiency"):
        ls_contour_rows(30, 50, 10.6, 1.2)
    with pytest.raises(ValueError, match="row_spacing_m"):
        ls_contour_rows(30, 50, 0, 0.5)


# --- contouring P is defined up to 25 % only -----------------------------------------------------------------
def test_contouring_p_follows_the_wischmeier_smith_table_and_stops_at_25_pct():
    # AH 537 Table 14: 1-2 % 0.6, 3-8 % 0.5, 9-12 % 0.6, 13-16 % 0.7, 17-20 % 0.8, 21-25 % 0.9, above: none
    p, ok = p_contouring(np.array([1.5, 5, 10, 15, 18, 25, 25.1, 40]))
    assert p.tolist() == [0.6, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.0]
    assert ok.tolist() == [True] * 6 + [False, False]


def test_beyond_25_pct_miaf_d_gets_no_calibrated_p_and_says_so():
    base = dict(system="miaf-d", age_years=8, r_factor=14_000, k_factor=0.02, slope_length_m=60)
    steep = evaluate_soil_loss(ErosionInputs(slope_pct=35, **base))
    gentle = evaluate_soil_loss(ErosionInputs(slope_pct=22, **base))
    assert steep.p_factor == 1.0 and not steep.p_contouring_defined
    assert steep.notes == ["p_contouring_undefined_above_25_pct"]
    assert gentle.p_factor == 0.9 and gentle.p_contouring_defined and gentle.notes == []
    # the rows still act, through LS (barrier model): LS below the open slope's
    assert steep.ls_mean < ls_mccool(35, 60)
    trad = evaluate_soil_loss(ErosionInputs(**(base | {"system": "traditional"}), slope_pct=35))
    assert trad.p_contouring_defined and trad.notes == []


def test_dem_run_flags_the_share_of_cells_beyond_the_contouring_table():
    y, x = np.mgrid[0:60, 0:40].astype(float)
    z = 800 - np.where(y < 30, 0.15, 0.40) * y  # upper half 15 %, lower half 40 %
    z = np.where(y < 30, z, 800 - 0.15 * 30 - 0.40 * (y - 30))
    res = evaluate_soil_loss(ErosionInputs(system="miaf-d", age_years=8, r_factor=14_000, k_factor=0.02,
                                           max_flow_length_m=None), dem=dem_from_array(z, 1.0))
    assert not res.p_contouring_defined and 0.3 < res.p_undefined_share < 0.7
    assert 0.7 < res.p_factor < 1.0  # mean of 0.7 (15 %) and 1.0 (40 %) over the cells


# --- MIAF-D crop strips take the cropped C -------------------------------------------------------------------
def test_miaf_d_strips_take_the_cropped_c_not_the_milpa_fallow_average():
    young = cover_practice("miaf-d", 0, slope_pct=30)
    trad = cover_practice("traditional")
    assert young.c_factor == 0.25 and trad.c_factor == 0.08  # cropped every year vs cycle average
    # mature, design band 4.8/14.5 at 18 %: C = (1 − 0.331)·0.25 + 0.331·0.03 = 0.1672 + 0.0099 = 0.1772
    assert cover_practice("miaf-d", 9, slope_pct=18).c_factor == pytest.approx(0.1772, abs=2e-4)


# --- steep-slope S --------------------------------------------------------------------------------------------
def test_nearing_s_matches_the_published_equation_by_hand():
    # S = −1.5 + 17 / (1 + exp(2.3 − 6.1 sin θ)) (Nearing 1997); sin(atan 0.5) = 0.44721:
    # exp(2.3 − 2.72800) = 0.65188 → 17 / 1.65188 = 10.2913 → S = 8.7913; at 100 %: sin 0.70711 →
    # exp(2.3 − 4.31335) = 0.13355 → 17 / 1.13355 = 14.997 → S = 13.497; flat: −1.5 + 17 / (1 + e^2.3) = 0.0491
    assert nearing_slope_factor(math.atan(0.5)) == pytest.approx(8.7913, abs=1e-3)
    assert nearing_slope_factor(math.atan(1.0)) == pytest.approx(13.497, abs=1e-3)
    assert nearing_slope_factor(0.0) == pytest.approx(0.0491, abs=1e-4)
    # close to McCool on gentle slopes (10 %: 1.141 vs 1.172), higher above 50 % (60 %: 10.37 vs 8.14)
    assert nearing_slope_factor(math.atan(0.1)) == pytest.approx(mccool_slope_factor(math.atan(0.1)), rel=0.03)
    assert nearing_slope_factor(math.atan(0.6)) == pytest.approx(10.368, abs=1e-3)


def test_the_steep_slope_option_changes_s_only_above_50_pct():
    theta = np.arctan(np.array([0.2, 0.5, 0.51, 0.8]))
    mc, ne = slope_factor(theta), slope_factor(theta, "nearing")
    assert ne[:2] == pytest.approx(mc[:2])
    assert ne[2:] == pytest.approx(nearing_slope_factor(theta[2:]))
    with pytest.raises(ValueError, match="steep_slope"):
        slope_factor(theta, "renard")
    base = dict(r_factor=14_000, k_factor=0.02, slope_pct=70, slope_length_m=40)
    default = evaluate_soil_loss(ErosionInputs(**base))
    nearing = evaluate_soil_loss(ErosionInputs(**base, steep_slope="nearing"))
    assert default.steep_slope == "mccool" and nearing.steep_slope == "nearing"
    assert nearing.soil_loss_t_ha_yr / default.soil_loss_t_ha_yr == pytest.approx(
        nearing_slope_factor(math.atan(0.7)) / mccool_slope_factor(math.atan(0.7)), rel=1e-9)


# --- module width along the ground, projected once -----------------------------------------------------------
def test_module_width_is_measured_along_the_ground_and_projected_for_rusle():
    res = evaluate_soil_loss(ErosionInputs(system="miaf-d", age_years=8, r_factor=14_000, k_factor=0.02,
                                           slope_pct=40, slope_length_m=60))
    # 10.6 m along the ground at 40 %: 10.6 · cos(atan 0.4) = 10.6 · 0.92848 = 9.842 m horizontal
    assert res.module_width_m == 10.6
    assert res.module_width_horizontal_m == pytest.approx(9.842, abs=1e-3)
    assert res.ls_mean == pytest.approx(ls_contour_rows(40, 60, 9.842, 1.0), rel=1e-4)


# --- per-plot R and slope length ------------------------------------------------------------------------------
def test_per_plot_r_from_chirps_rainfall_by_hand():
    # Cortés region X: R = 6.8938 P + 0.000442 P²
    # Las Margaritas 1,825.1 mm: 12,581.87 + 1,472.30 = 14,054.17; Ocosingo 2,256.4 mm: 15,555.17 + 2,250.37 = 17,805.54
    r = r_factor_cortes(np.array([1825.1, 2256.4]))
    assert r == pytest.approx([14_054.17, 17_805.54], abs=0.01)
    for code, expected in (("07052", 14_054.17), ("07059", 17_805.54)):
        res = evaluate_soil_loss(ErosionInputs(municipality=code, k_factor=0.02, slope_pct=20, slope_length_m=40))
        assert res.r_factor == pytest.approx(expected, abs=0.01)
        assert code in res.r_source


def test_slope_length_from_the_plot_area_is_the_side_of_its_square_capped_at_122_m():
    # 0.25 ha → 50 m; 1 ha → 100 m; 2 ha → √20,000 = 141.4 → 122 m
    assert slope_length_from_area(np.array([0.25, 1.0, 2.0])) == pytest.approx([50.0, 100.0, 122.0])
    with pytest.raises(ValueError, match="area_ha"):
        slope_length_from_area(0)


# --- the vectorised chain and its uncertainty -------------------------------------------------------------------
def test_the_vectorised_chain_equals_evaluate_soil_loss_plot_by_plot():
    rng = np.random.default_rng(7)
    n = 25
    miaf = rng.random(n) < 0.6
    age, slope = rng.uniform(0, 12, n), rng.uniform(3, 70, n)
    lam, r = rng.uniform(15, 122, n), rng.uniform(6000, 25000, n)
    out = soil_loss_closed_form(miaf, age, r, 0.02, slope, lam)
    for i in range(n):
        one = evaluate_soil_loss(ErosionInputs("miaf-d" if miaf[i] else "traditional", age[i], r_factor=r[i],
                                               k_factor=0.02, slope_pct=slope[i], slope_length_m=lam[i]))
        assert out["soil_loss"][i] == pytest.approx(one.soil_loss_t_ha_yr, rel=1e-12)
        assert out["traditional"][i] == pytest.approx(one.traditional_t_ha_yr, rel=1e-12)


def test_uncertainty_interval_brackets_the_central_share_and_is_reproducible():
    rng = np.random.default_rng(3)
    n = 40
    miaf = np.arange(n) % 2 == 0
    args = (miaf, np.full(n, 8.0), np.full(n, 14_054.0), rng.uniform(5, 45, n), rng.uniform(30, 120, n),
            rng.uniform(0.3, 2, n), np.full(n, 10.0), (0.02, 0.013, 0.04))
    a, b = soil_loss_uncertainty(*args, draws=100), soil_loss_uncertainty(*args, draws=100)
    assert a == b  # same seed, same interval on every page
    for key in ("miaf", "traditional", "miaf_as_traditional"):
        s = a[key]
        assert 0 <= s["share_within_p05"] <= s["share_within_p50"] <= s["share_within_p95"] <= 1
        assert s["soil_loss_p05"] < s["soil_loss_p95"]
        assert s["soil_loss_p05"] <= s["soil_loss"] * 1.2 and s["soil_loss"] <= s["soil_loss_p95"] * 1.2
    assert a["draws"] == 100 and set(a["factors"]) >= {"k_factor", "c_miaf_crop_strip", "barrier_efficiency_mature"}


def test_monte_carlo_rows_interpolated_in_the_efficiency_stay_within_0_4_pct_of_the_exact_formula():
    rng = np.random.default_rng(11)
    n, draws = 300, 7
    miaf = np.ones(n, bool)
    slope, lam = rng.uniform(3, 80, n), rng.uniform(10, 122, n)
    params = {"barrier_efficiency_initial": rng.uniform(0.3, 0.8, (draws, 1)),
              "barrier_efficiency_mature": rng.uniform(0.9, 1.0, (draws, 1))}
    age = rng.uniform(0, 6, n)[None, :]
    exact = soil_loss_closed_form(miaf[None, :], age, 12_000, 0.02, slope, lam, params=params)
    grid = soil_loss_closed_form(miaf[None, :], age, 12_000, 0.02, slope, lam, params=params, efficiency_grid=21)
    assert exact["ls"].shape == (draws, n)
    assert np.abs(grid["ls"] / exact["ls"] - 1).max() < 0.004


def test_cli_prints_the_contouring_note_and_takes_the_steep_slope_option(tmp_path, capsys):
    import argparse
    import json

    from miaf.environment.cli import register

    plot = tmp_path / "plot.geojson"
    plot.write_text(json.dumps({"type": "Polygon", "coordinates": [[
        [-91.98, 16.31], [-91.979, 16.31], [-91.979, 16.311], [-91.98, 16.311], [-91.98, 16.31]]]}))
    parser = argparse.ArgumentParser(prog="miaf")
    register(parser.add_subparsers(dest="command"))
    base = ["erosion", str(plot), "--slope-pct", "60", "--slope-length-m", "40", "--r-factor", "14000",
            "--k-factor", "0.02", "--age-years", "6"]
    args = parser.parse_args(base)
    assert args.func(args) == 0
    text = capsys.readouterr().out
    assert "steeper than 25 %" in text
    args = parser.parse_args([*base, "--steep-slope", "nearing", "--json"])
    assert args.func(args) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["steep_slope"] == "nearing" and d["notes"] == ["p_contouring_undefined_above_25_pct"]
