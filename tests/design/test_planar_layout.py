"""On a plane of known slope the rows are straight, parallel, level and one module apart."""

from __future__ import annotations

import math

import numpy as np
import pytest
import rasterio

from miaf.design import choose_modality, design_parameters, design_plot, module_width, vertical_interval

from .conftest import rectangle

P = {k: float(v) for k, v in design_parameters().items() if isinstance(v.value, float)}
COS30 = math.cos(math.atan(0.30))  # 0.95783


def _sample(dem_path, xs, ys):
    with rasterio.open(dem_path) as src:
        return np.array([v[0] for v in src.sample(zip(xs, ys, strict=True))])


def test_modality_follows_slope_and_soil_depth_with_soil_deciding_the_overlap():
    assert choose_modality(25, 1.2, P) == "TMV"
    assert choose_modality(35, 1.5, P) == "TMV"  # overlap 30-40 %: deep soil -> terrace
    assert choose_modality(35, 0.8, P) == "BV"  # overlap 30-40 %: shallow soil -> live barrier
    assert choose_modality(45, 2.0, P) == "BV"  # above 40 % always BV
    assert choose_modality(20, 0.5, P) == "BV"  # shallow soil never gets a terrace
    assert choose_modality(20, None, P) == "TMV" and choose_modality(32, None, P) == "BV"


def test_module_width_is_14_5_up_to_20_percent_and_10_6_above():
    assert module_width(20.0, P) == 14.5
    assert module_width(20.1, P) == 10.6


def test_vertical_interval_matches_the_domain_table_for_scalars_and_arrays():
    # VI = W sin(atan s): 10.6 * sin(atan 0.30) = 10.6 * 0.28735 = 3.046 m; 14.5 * sin(atan 0.20) = 2.844 m
    assert vertical_interval(10.6, 30.0) == pytest.approx(3.046, abs=1e-3)
    out = vertical_interval(np.array([14.5, 10.6, 10.6]), np.array([20.0, 40.0, 50.0]))
    np.testing.assert_allclose(out, [2.844, 3.936, 4.741], atol=2e-3)


def test_rows_on_a_30_percent_plane_are_straight_parallel_level_and_10_6_m_apart_on_the_ground(plane_dem):
    r = design_plot(rectangle(200, 200, -100, -100), "aguacate", dem=plane_dem, soil_depth_m=1.2)
    s = r.summary
    assert s.modality == "TMV" and s.mean_slope_pct == pytest.approx(30.0, abs=0.05)
    assert s.row_spacing_ground_m == 10.6
    # horizontal module: 10.6 * cos(atan 0.3) = 10.6 * 0.95783 = 10.153 m
    assert s.row_spacing_horizontal_m == pytest.approx(10.153, abs=1e-3)
    full = [row for row in r.rows if not row.partial]
    assert len(full) >= 19
    ys = []
    for row in full:
        c = np.asarray(row.line.coords)
        assert np.ptp(c[:, 1]) < 0.02  # straight and east-west (contours of a south-facing plane)
        ys.append(c[:, 1].mean())
    gaps = -np.diff(ys)
    np.testing.assert_allclose(gaps, 10.153, atol=0.02)
    dz = -np.diff([row.elevation_m for row in full])
    # ground distance between neighbouring rows: hypot(10.153, 3.046) = 10.6 m
    np.testing.assert_allclose(np.hypot(gaps, dz), 10.6, atol=0.03)


def test_tree_rows_lie_on_constant_elevation_of_the_dem(plane_dem):
    r = design_plot(rectangle(120, 90, -60, -45), "aguacate", dem=plane_dem, soil_depth_m=1.2)
    import pyproj

    to_utm = pyproj.Transformer.from_crs(4326, 32615, always_xy=True)
    for row in r.rows:
        c = np.asarray(r.frame.to_wgs84(row.line).coords)
        x, y = to_utm.transform(c[:, 0], c[:, 1])
        z = _sample(plane_dem, x, y)
        # the DEM is sampled at cell centres (nearest cell): 0.5 m * 0.30 = 0.15 m at most
        assert np.ptp(z) <= 0.31
        assert abs(z.mean() - row.elevation_m) < 0.16


def test_trees_per_hectare_match_10000_over_module_times_spacing_on_a_large_plane(plane_dem):
    r = design_plot(rectangle(300, 300, -150, -150), "aguacate", dem=plane_dem, soil_depth_m=1.2)
    expected = 10_000 / (10.6 * COS30 * 1.0)  # 10000 / (10.6 * 0.95783) = 984.9 trees per horizontal ha
    assert r.summary.trees_per_ha == pytest.approx(expected, rel=0.03)
    assert r.summary.tree_spacing_m == pytest.approx(1.0, abs=1e-6)
    # row length per ha = 10000 / W_h = 984.9 m/ha (edge margins take a little)
    assert r.summary.tree_row_length_m / r.summary.area_ha == pytest.approx(expected, rel=0.03)


def test_slope_and_aspect_without_dem_give_the_same_layout_as_the_planar_dem(plane_dem):
    poly = rectangle(150, 100, -75, -50)
    a = design_plot(poly, "aguacate", dem=plane_dem, soil_depth_m=1.2)
    b = design_plot(poly, "aguacate", slope_pct=30, aspect_deg=180, soil_depth_m=1.2)
    assert a.summary.n_tree_rows == b.summary.n_tree_rows
    assert abs(a.summary.n_trees - b.summary.n_trees) <= 0.01 * a.summary.n_trees
    assert b.summary.elevation_min_m is None and all(row.elevation_m is None for row in b.rows)


def test_gentle_slope_uses_the_14_5_m_module():
    r = design_plot(rectangle(150, 150), "aguacate", slope_pct=15, aspect_deg=90, soil_depth_m=1.5)
    # 14.5 * cos(atan 0.15) = 14.5 * 0.98893 = 14.339 m
    assert r.summary.row_spacing_ground_m == 14.5
    assert r.summary.row_spacing_horizontal_m == pytest.approx(14.339, abs=1e-3)
    xs = sorted(np.asarray(row.line.coords)[:, 0].mean() for row in r.rows if not row.partial)
    np.testing.assert_allclose(np.diff(xs), 14.339, atol=0.02)  # east-facing: rows run north-south


def test_user_spacings_override_the_defaults():
    r = design_plot(rectangle(100, 100), "aguacate", slope_pct=30, aspect_deg=180, soil_depth_m=1.2,
                    row_spacing_m=12.0, tree_spacing_m=2.0)
    assert r.summary.row_spacing_ground_m == 12.0
    assert r.summary.tree_spacing_m == pytest.approx(2.0)
    assert r.parameters["tree_band_width_steep_m"]["tag"] == "derived"


def test_crop_strips_are_separated_by_every_row_so_maize_and_beans_alternate():
    # A 1 ha plot at -91.98, 16.31 on a 30 % slope: rows stop edge_margin_m inside the boundary, but
    # each row's band still cuts the plot from edge to edge, so there is one strip more than rows
    # (or as many, when a row lies near the top or bottom edge) and both crops get land this year.
    plot = {"type": "Polygon", "coordinates": [[[-91.98, 16.31], [-91.979, 16.31], [-91.979, 16.3109],
                                                [-91.98, 16.3109], [-91.98, 16.31]]]}
    r = design_plot(plot, "aguacate", slope_pct=30, aspect_deg=180)
    s = r.summary
    assert s.n_crop_strips >= s.n_tree_rows
    assert s.maize_strip_area_ha > 0 and s.bean_strip_area_ha > 0
    assert abs(s.maize_strip_area_ha - s.bean_strip_area_ha) < 0.5 * s.crop_strip_area_ha
