"""Plot soil loss: closed form without DEM, DEM runs, plots, rasters, calibration, real terrain."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import box

from miaf.environment.erosion import ErosionInputs, evaluate_soil_loss
from miaf.environment.ls_factor import ls_mccool
from miaf.environment.terrain import dem_from_array, read_dem

from .conftest import write_metric_geotiff


def hillside_inputs(**kw) -> ErosionInputs:
    base = dict(municipality="07052", k_factor=0.02, slope_pct=30, slope_length_m=50)
    base.update(kw)
    return ErosionInputs(**base)


def test_traditional_milpa_on_the_reference_hillside_loses_about_166_t_per_ha():
    # R 14,054 (Las Margaritas, Cortés X) · K 0.02 · LS 7.399 (30 %, 50 m) · C 0.08 · P 1 = 166.4 t/ha/yr
    res = evaluate_soil_loss(hillside_inputs(system="traditional"))
    assert res.soil_loss_t_ha_yr == pytest.approx(166.4, abs=0.2)
    assert 150 <= res.soil_loss_t_ha_yr <= 200
    assert res.exceeds_tolerable and res.tolerable_t_ha_yr == 10
    assert res.soil_kept_t_ha_yr == 0


def test_mature_miaf_d_on_the_reference_hillside_by_hand():
    # module 10.6 m along the ground = 10.6 · cos(atan 0.30) = 10.153 m horizontal; λ = 50 m → n = 5 strips,
    # top strip 50 − 4 · 10.153 = 9.388 m; e = 1: L̄ = [9.388^1.6581 + 4 · 10.153^1.6581] / (50 · 22.13^0.6581)
    # = [40.98 + 4 · 46.67] / (50 · 7.676) = 227.66 / 383.8 = 0.5932; S = 4.3275 → LS = 2.567
    # C = 0.6038 · 0.25 + 0.3962 · 0.03 = 0.1628 (strips cropped every year); P = 1 (30 % > 25 %, flagged)
    # A = 14,054 · 0.02 · 2.567 · 0.1628 · 1 = 117.5 t/ha/yr → kept 166.4 − 117.5 = 48.9 (29 %)
    res = evaluate_soil_loss(hillside_inputs(system="miaf-d", age_years=6))
    assert res.module_width_m == 10.6
    assert res.module_width_horizontal_m == pytest.approx(10.153, abs=1e-3)
    assert res.ls_mean == pytest.approx(2.567, rel=1e-3)
    assert res.soil_loss_t_ha_yr == pytest.approx(117.5, rel=2e-3)
    assert res.soil_kept_pct == pytest.approx(29.4, abs=0.5)
    assert not res.p_contouring_defined and res.notes == ["p_contouring_undefined_above_25_pct"]
    d = res.to_dict()
    for key in ("soil_loss_t_ha_yr", "r_factor", "k_factor", "ls_mean", "c_factor", "p_factor",
                "tolerable_t_ha_yr", "exceeds_tolerable", "p10_t_ha_yr", "p50_t_ha_yr", "p90_t_ha_yr",
                "nodata_cells", "soil_kept_t_ha_yr", "p_contouring_defined", "notes"):
        assert key in d
    assert "soil_loss_grid" not in d


def test_missing_r_k_or_terrain_inputs_raise_clear_errors():
    with pytest.raises(ValueError, match="R factor"):
        evaluate_soil_loss(ErosionInputs(k_factor=0.02, slope_pct=10, slope_length_m=20))
    with pytest.raises(ValueError, match="K factor"):
        evaluate_soil_loss(ErosionInputs(r_factor=5000, slope_pct=10, slope_length_m=20))
    with pytest.raises(ValueError, match="slope_pct"):
        evaluate_soil_loss(ErosionInputs(r_factor=5000, k_factor=0.02))
    with pytest.raises(ValueError, match="k_factor"):
        evaluate_soil_loss(ErosionInputs(r_factor=5000, k_factor=1.2, slope_pct=10, slope_length_m=20))
    with pytest.raises(ValueError, match="c_factor"):
        evaluate_soil_loss(ErosionInputs(r_factor=5000, k_factor=0.02, c_factor=3, slope_pct=10, slope_length_m=20))


def rough_hill(n=60, cell=2.0, seed=0):
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:n, 0:n].astype(float)
    return 900 - 0.3 * cell * y - 2 * np.sin(x / 6) * np.cos(y / 9) + rng.uniform(0, 0.3, (n, n))


def test_dem_run_on_a_plane_matches_the_closed_form_soil_loss():
    n, cell = 40, 2.5
    z = 600 - 0.3 * cell * np.arange(n)[:, None] * np.ones((1, 5 * n))
    res = evaluate_soil_loss(ErosionInputs(r_factor=10_000, k_factor=0.03, max_flow_length_m=None),
                             dem=dem_from_array(z, cell))
    interior = res.soil_loss_grid[:, n + 1 : 4 * n - 1]
    # A = 10,000 · 0.03 · LS(30 %, 100 m) · 0.08 · 1 = 24 · 11.68 = 280.2
    assert interior.mean() == pytest.approx(24 * ls_mccool(30, n * cell), rel=1e-9)


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 1000), age=st.floats(0, 20), c=st.floats(0.01, 1))
def test_miaf_d_always_loses_less_than_traditional_milpa_on_the_same_dem(seed, age, c):
    dem = dem_from_array(rough_hill(30, 2.0, seed), 2.0)
    inputs = dict(r_factor=12_000, k_factor=0.025, c_factor=c)
    miaf = evaluate_soil_loss(ErosionInputs(system="miaf-d", age_years=age, **inputs), dem=dem)
    assert miaf.soil_loss_t_ha_yr < miaf.traditional_t_ha_yr
    assert np.all(miaf.soil_loss_grid <= miaf.traditional_grid + 1e-9)
    assert np.nanmin(miaf.soil_loss_grid) >= 0


def test_plot_polygon_clips_the_dem_counts_nodata_and_writes_a_raster(tmp_path):
    from pyproj import Transformer

    z = rough_hill(80, 1.0)
    z[10:12, 10:12] = -9999.0
    path = write_metric_geotiff(tmp_path / "dem.tif", z, 1.0)
    dem = read_dem(path)
    assert dem.nodata_cells == 4 and not dem.reprojected
    to_ll = Transformer.from_crs("EPSG:32615", "EPSG:4326", always_xy=True)
    # plot of 50 × 50 m starting 5 m from the DEM's upper-left corner
    x0, y0 = 500_005.0, 1_800_000.0 - 55.0
    corners = [to_ll.transform(x, y) for x, y in [(x0, y0), (x0 + 50, y0), (x0 + 50, y0 + 50), (x0, y0 + 50)]]
    from shapely.geometry import Polygon

    res = evaluate_soil_loss(ErosionInputs(system="miaf-d", age_years=5, r_factor=10_000, k_factor=0.02),
                             dem=dem, plot=Polygon(corners))
    assert 2400 <= res.cells <= 2600  # ≈ 2,500 one-metre cells in the plot
    assert res.nodata_cells == 4
    assert res.p10_t_ha_yr <= res.p50_t_ha_yr <= res.p90_t_ha_yr <= res.max_t_ha_yr
    out = tmp_path / "loss.tif"
    res.write_raster(out)
    back = read_dem(out)
    assert np.nanmean(back.elevation) == pytest.approx(res.soil_loss_t_ha_yr, rel=1e-5)
    png, bounds = res.map_overlay()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    (south, west), (north, east) = bounds
    assert south < north and west < east and -93 < west < -92


def test_real_jacksboro_dem_in_degrees_is_reprojected_to_metres(jacksboro_geotiff):
    path, z, (dx, dy, west, north) = jacksboro_geotiff
    dem = read_dem(path)
    assert dem.reprojected
    # 3 arc-seconds: ≈ 92.6 m north-south and 74.5 m east-west at 36.6° N → square cells of ≈ 83 m
    assert 70 < dem.cell_size_m < 95
    assert abs(dem.elevation.shape[0] * dem.cell_size_m - z.shape[0] * dy * 111_000) < 0.05 * z.shape[0] * dy * 111_000
    plot = box(west + 0.1, north - 0.15, west + 0.14, north - 0.11)
    res = evaluate_soil_loss(ErosionInputs(system="traditional", r_factor=3000, k_factor=0.03), dem=dem, plot=plot)
    assert res.dem_reprojected and res.cells > 20
    assert np.isfinite(res.soil_loss_t_ha_yr) and res.soil_loss_t_ha_yr > 0
    # slopes in the Cumberland plateau ridges: the mean is a hillside, not the 1e5 % a degree-as-metre misread gives
    assert 1 < res.slope_pct < 100


def test_dem_without_crs_is_refused(tmp_path):
    import rasterio

    path = tmp_path / "nocrs.tif"
    with rasterio.open(path, "w", driver="GTiff", height=4, width=4, count=1, dtype="float32") as dst:
        dst.write(np.ones((1, 4, 4), np.float32))
    with pytest.raises(ValueError, match="coordinate reference system"):
        read_dem(path)


def test_explicit_tree_row_lines_cut_the_flow_like_contour_rows():
    from shapely.geometry import LineString

    n, cell = 60, 1.0
    z = 800 - 0.3 * cell * np.arange(n)[:, None] * np.ones((1, n))
    dem = dem_from_array(z, cell)  # synthetic grid: x = column, y = 60 − row (top row at y = 60)
    rows = [LineString([(0, 60 - r), (60, 60 - r)]) for r in (10.5, 20.5, 30.5, 40.5, 50.5)]
    inputs = ErosionInputs(system="miaf-d", age_years=10, r_factor=10_000, k_factor=0.02, max_flow_length_m=None)
    with_rows = evaluate_soil_loss(inputs, dem=dem, row_lines=rows)
    without = evaluate_soil_loss(ErosionInputs(system="miaf-d", age_years=10, r_factor=10_000, k_factor=0.02,
                                               max_flow_length_m=None), dem=dem, barriers=np.zeros((n, n), bool))
    assert with_rows.ls_mean < 0.6 * without.ls_mean
    assert with_rows.soil_loss_t_ha_yr < without.soil_loss_t_ha_yr


def test_run_on_from_upslope_land_raises_the_loss_of_a_downslope_plot():
    n, cell = 120, 1.0
    z = 800 - 0.3 * cell * np.arange(n)[:, None] * np.ones((1, n))
    dem = dem_from_array(z, cell, crs="EPSG:32615",
                         transform=__import__("affine").Affine(1, 0, 500_000, 0, -1, 1_800_000))
    from pyproj import Transformer
    from shapely.geometry import Polygon

    to_ll = Transformer.from_crs("EPSG:32615", "EPSG:4326", always_xy=True)
    # lower half of the slope: rows 60-110, columns 30-90
    xy = [(500_030, 1_800_000 - 110), (500_090, 1_800_000 - 110), (500_090, 1_800_000 - 60), (500_030, 1_800_000 - 60)]
    plot = Polygon([to_ll.transform(x, y) for x, y in xy])
    base = dict(system="traditional", r_factor=10_000, k_factor=0.02, max_flow_length_m=None)
    field_unit = evaluate_soil_loss(ErosionInputs(**base), dem=dem, plot=plot)
    run_on = evaluate_soil_loss(ErosionInputs(**base, include_run_on=True), dem=dem, plot=plot)
    assert run_on.soil_loss_t_ha_yr > 1.3 * field_unit.soil_loss_t_ha_yr
