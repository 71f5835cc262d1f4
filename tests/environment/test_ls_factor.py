"""LS factor: closed forms, Desmet & Govers on planes, flats, barriers, and a loop-based reference."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from miaf.environment.ls_factor import (
    contour_barriers,
    flow_accumulation,
    ls_desmet_govers,
    ls_mccool,
    ls_wischmeier_smith,
    mccool_length_exponent,
    mccool_slope_factor,
)
from miaf.environment.terrain import dem_from_array


def plane(rows: int, cols: int, cell: float, slope: float):
    """A plane falling towards increasing row index with gradient ``slope`` [m/m]."""
    y = np.arange(rows, dtype=float)[:, None] * np.ones((1, cols))
    return dem_from_array(500.0 - slope * cell * y, cell)


def test_wischmeier_smith_ls_matches_the_domain_table_for_30_pct_and_50_m():
    # sinθ = 0.3/√1.09 = 0.28735; (65.41·0.08257 + 4.56·0.28735 + 0.065) = 5.401 + 1.310 + 0.065 = 6.776
    # (50/22.13)^0.5 = 1.5031 → LS = 10.19 (miaf-domain §6.3 table)
    assert ls_wischmeier_smith(30, 50) == pytest.approx(10.19, abs=0.01)
    assert ls_wischmeier_smith(np.array([20, 40]), np.array([10.6, 100])) == pytest.approx([2.41, 22.92], abs=0.01)


def test_mccool_ls_for_30_pct_and_100_m_by_hand():
    # θ = atan 0.3; sinθ = 0.28735; S = 16.8·0.28735 − 0.5 = 4.3275
    # β = (0.28735/0.0896)/(3·0.28735^0.8 + 0.56) = 3.2070/1.6662 = 1.9248; m = 1.9248/2.9248 = 0.6581
    # L = (100/22.13)^0.6581 = 2.698 → LS = 11.68
    theta = math.atan(0.3)
    assert mccool_slope_factor(theta) == pytest.approx(4.3275, abs=1e-3)
    assert mccool_length_exponent(theta) == pytest.approx(0.6581, abs=1e-3)
    assert ls_mccool(30, 100) == pytest.approx(11.68, abs=0.01)


def test_slope_factor_is_0_03_on_flat_ground_and_switches_form_at_9_pct():
    assert mccool_slope_factor(0.0) == pytest.approx(0.03)
    below, above = math.atan(0.0899), math.atan(0.09)
    assert mccool_slope_factor(below) == pytest.approx(10.8 * math.sin(below) + 0.03)
    assert mccool_slope_factor(above) == pytest.approx(16.8 * math.sin(above) - 0.5)


@pytest.mark.parametrize("cell,rows,slope", [(1.0, 40, 0.30), (2.0, 50, 0.30), (5.0, 20, 0.12), (10.0, 12, 0.45)])
def test_dem_ls_on_a_plane_reduces_to_the_rusle_closed_form(cell, rows, slope):
    # Mean of L over a fall line of N cells telescopes to (N·D/22.13)^m; columns far from the side edges
    # (more than N columns away) see no edge effect, so their mean LS equals the closed form.
    cols = 4 * rows
    dem = plane(rows, cols, cell, slope)
    grid = ls_desmet_govers(dem, max_flow_length_m=None)
    interior = grid.ls[:, rows + 1 : cols - rows - 1]
    assert interior.mean() == pytest.approx(ls_mccool(slope * 100, rows * cell), rel=1e-9)
    assert grid.nodata_cells == 0


def test_flow_length_bound_caps_the_ls_of_a_long_plane():
    dem = plane(100, 10, 2.0, 0.3)  # 200 m long
    capped = ls_desmet_govers(dem, max_flow_length_m=50.0)
    free = ls_desmet_govers(dem, max_flow_length_m=None)
    assert np.nanmax(capped.ls) < np.nanmax(free.ls)
    # with the cap, the bottom cells see at most 50 m of unit contributing area: same LS as row 25 onwards
    assert capped.ls[-1, 5] == pytest.approx(capped.ls[-20, 5], rel=1e-6)


def test_flat_dem_gives_ls_at_its_minimum_everywhere():
    grid = ls_desmet_govers(dem_from_array(np.full((30, 30), 812.0), 1.0))
    # m = 0 on a flat cell so L = 1; S = 0.03 → LS = 0.03, the smallest value the equations can give
    assert np.all(grid.ls == pytest.approx(0.03))
    assert grid.sink_cells == 900


def test_nodata_cells_are_excluded_and_counted():
    dem = plane(20, 20, 1.0, 0.2)
    dem.elevation[5:8, 5:8] = np.nan
    grid = ls_desmet_govers(dem)
    assert grid.nodata_cells == 9
    assert np.isnan(grid.ls[5:8, 5:8]).all()
    assert np.isfinite(grid.ls[~np.isnan(dem.elevation)]).all()


def test_flow_accumulation_conserves_area_on_a_cone():
    n = 41
    y, x = np.mgrid[0:n, 0:n]
    z = 100.0 - np.hypot(x - 20, y - 20)  # cone: all water ends in cells with no lower neighbour
    fa = flow_accumulation(dem_from_array(z, 1.0))
    padded = np.pad(z, 1, constant_values=np.inf)
    lowest_neighbour = np.min(
        [padded[1 + di : 1 + di + n, 1 + dj : 1 + dj + n] for di in (-1, 0, 1) for dj in (-1, 0, 1) if di or dj],
        axis=0,
    )
    sinks = lowest_neighbour >= z
    assert fa.sink_cells == sinks.sum()
    # every m² of the 41 × 41 cone ends in a sink: Σ area at sinks = 1,681 m²
    assert fa.area_m2[sinks].sum() == pytest.approx(n * n, rel=1e-9)
    assert fa.area_m2.min() >= 1.0


def test_barrier_rows_bound_the_slope_length_to_the_module_width():
    dem = plane(60, 200, 1.0, 0.3)
    rows = contour_barriers(dem, 10.0)
    # 60 cells span 59 m of fall line: contours every 10 m → 5 rows inside the plane
    assert rows[:, 100].sum() == 5
    grid = ls_desmet_govers(dem, barriers=rows, max_flow_length_m=None)
    # between rows the flow restarts: mean LS close to the closed form for λ = 10 m
    assert grid.ls[:, 70:130].mean() == pytest.approx(ls_mccool(30, 10.0), rel=0.02)


def test_partial_interception_lies_between_no_rows_and_full_interception():
    dem = plane(40, 40, 1.0, 0.25)
    rows = contour_barriers(dem, 10.0)
    full = ls_desmet_govers(dem, barriers=rows, barrier_efficiency=1.0).ls
    half = ls_desmet_govers(dem, barriers=rows, barrier_efficiency=0.5).ls
    none = ls_desmet_govers(dem).ls
    assert np.all(full <= half + 1e-9) and np.all(half <= none + 1e-9)


def test_sqrt_area_option_gives_about_a_quarter_to_a_third_of_the_rusle_ls_on_a_100_m_plane():
    dem = plane(50, 200, 2.0, 0.30)
    dg = ls_desmet_govers(dem, max_flow_length_m=None).ls[:, 60:140].mean()
    sq = ls_desmet_govers(dem, max_flow_length_m=None, area_method="sqrt_area").ls[:, 60:140].mean()
    assert 0.2 < sq / dg < 0.4


def test_bad_ls_inputs_raise_clear_errors():
    with pytest.raises(ValueError, match="slope_pct"):
        ls_mccool(-3, 10)
    with pytest.raises(ValueError, match="slope_length_m"):
        ls_mccool(10, 0)
    with pytest.raises(ValueError, match="area_method"):
        ls_desmet_govers(plane(5, 5, 1, 0.1), area_method="d8")


# ---------------------------------------------------------------------------------------------------------
# Independent slow reference: per-cell loops (Horn slope, Quinn MFD in elevation order, Desmet & Govers L).
# ---------------------------------------------------------------------------------------------------------
def reference_ls(z: np.ndarray, d: float) -> np.ndarray:
    rows, cols = z.shape
    p = np.empty((rows + 2, cols + 2))
    p[1:-1, 1:-1] = z
    p[0, 1:-1] = 2 * z[0] - z[1]
    p[-1, 1:-1] = 2 * z[-1] - z[-2]
    p[:, 0] = 2 * p[:, 1] - p[:, 2]
    p[:, -1] = 2 * p[:, -2] - p[:, -3]
    slope = np.zeros_like(z)
    xfac = np.ones_like(z)
    for i in range(rows):
        for j in range(cols):
            a, b, c = p[i, j], p[i, j + 1], p[i, j + 2]
            dd, f = p[i + 1, j], p[i + 1, j + 2]
            g, h, ii = p[i + 2, j], p[i + 2, j + 1], p[i + 2, j + 2]
            gx = ((c + 2 * f + ii) - (a + 2 * dd + g)) / (8 * d)
            gy = ((a + 2 * b + c) - (g + 2 * h + ii)) / (8 * d)
            slope[i, j] = math.atan(math.hypot(gx, gy))
            if gx or gy:
                xfac[i, j] = (abs(gx) + abs(gy)) / math.hypot(gx, gy)
    area = np.full(z.shape, d * d)
    order = sorted(((z[i, j], i, j) for i in range(rows) for j in range(cols)), reverse=True)
    for zc, i, j in order:
        weights = []
        for di in (-1, 0, 1):
            for dj in (-1, 0, 1):
                ni, nj = i + di, j + dj
                if (di or dj) and 0 <= ni < rows and 0 <= nj < cols and z[ni, nj] < zc:
                    dist = d * math.hypot(di, dj)
                    contour = 0.354 if di and dj else 0.5
                    weights.append((ni, nj, (zc - z[ni, nj]) / dist * contour))
        total = sum(w for _, _, w in weights)
        for ni, nj, w in weights:
            area[ni, nj] += area[i, j] * w / total
    ls = np.zeros_like(z)
    for i in range(rows):
        for j in range(cols):
            s = math.sin(slope[i, j])
            beta = (s / 0.0896) / (3 * s**0.8 + 0.56)
            m = beta / (1 + beta)
            a_in = area[i, j] - d * d
            L = ((a_in + d * d) ** (m + 1) - a_in ** (m + 1)) / (d ** (m + 2) * xfac[i, j] ** m * 22.13**m)
            S = 10.8 * s + 0.03 if math.tan(slope[i, j]) < 0.09 else 16.8 * s - 0.5
            ls[i, j] = L * S
    return ls


def synthetic_hillside(n: int = 24, seed: int = 3) -> np.ndarray:
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:n, 0:n].astype(float)
    return 300 - 0.35 * 2.0 * y - 3 * np.sin(x / 3.0) * np.cos(y / 5.0) + rng.uniform(0, 0.2, (n, n))


def test_vectorised_ls_matches_the_loop_reference_cell_by_cell_on_a_synthetic_dem():
    z = synthetic_hillside()
    fast = ls_desmet_govers(dem_from_array(z, 2.0), max_flow_length_m=None).ls
    ref = reference_ls(z, 2.0)
    np.testing.assert_allclose(fast, ref, rtol=1e-9)


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), cell=st.sampled_from([1.0, 2.5, 10.0]))
def test_vectorised_ls_matches_the_loop_reference_on_random_small_grids(seed, cell):
    z = np.random.default_rng(seed).normal(0, 2, (9, 11)) + np.arange(9)[:, None] * -0.5 * cell
    fast = ls_desmet_govers(dem_from_array(z, cell), max_flow_length_m=None).ls
    np.testing.assert_allclose(fast, reference_ls(z, cell), rtol=1e-9, atol=1e-12)
