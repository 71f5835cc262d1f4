"""On a cone and a valley the rows stay on contours, cover the plot and never crowd."""

from __future__ import annotations

import math

import numpy as np
import pytest
import shapely

from miaf.design import design_plot

from .conftest import X0, Y0, rectangle


def _coverage_and_crowding(result, slope_fn):
    """Ground distances: 99th percentile and max from plot points to rows; min between distinct rows."""
    plot = result.plot.buffer(-1.0)
    minx, miny, maxx, maxy = plot.bounds
    gx, gy = np.meshgrid(np.arange(minx, maxx, 2.0), np.arange(miny, maxy, 2.0))
    inside = shapely.contains_xy(plot, gx, gy)
    pts = shapely.points(gx[inside], gy[inside])
    lines = [r.line for r in result.rows]
    tree = shapely.STRtree(lines)
    _, d = tree.query_nearest(pts, return_distance=True, all_matches=False)
    stretch = np.sqrt(1 + slope_fn(gx[inside] - X0, gy[inside] - Y0) ** 2)
    ground = d * stretch
    crowd = math.inf
    for i, a in enumerate(result.rows):
        for b in result.rows[i + 1:]:
            dh = shapely.distance(a.line, b.line)
            if dh < 20:
                crowd = min(crowd, math.hypot(dh, a.level_m - b.level_m))
    return float(np.percentile(ground, 99)), float(ground.max()), crowd


def test_rows_on_a_cone_are_circles_of_constant_elevation(cone_dem):
    r = design_plot(rectangle(140, 120, -70, -60), "aguacate", dem=cone_dem, soil_depth_m=1.5)
    assert r.summary.modality == "TMV"
    inner = [row for row in r.rows if row.line.is_closed]
    assert len(inner) >= 4
    for row in inner:
        c = np.asarray(row.line.coords)
        radius = np.hypot(c[:, 0] - X0, c[:, 1] - Y0)
        # the smoothed cone is round: radius varies by less than 2 % along a closed row
        assert np.ptp(radius) < 0.02 * radius.mean() + 0.3
    radii = sorted(np.hypot(*(np.asarray(row.line.coords) - [X0, Y0]).T).mean() for row in inner)
    # away from the smoothed apex neighbouring circles are one horizontal module apart: 10.6 cos(atan .3) = 10.15
    np.testing.assert_allclose(np.diff(radii)[1:], 10.15, atol=0.6)


@pytest.mark.parametrize("fixture,slope_fn", [
    ("cone_dem", lambda dx, dy: np.full_like(dx, 0.30)),
    ("valley_dem", lambda dx, dy: np.hypot(0.35, 0.10) * np.ones_like(dx)),
])
def test_uneven_terrain_keeps_every_point_near_a_row_and_no_rows_crowded(request, fixture, slope_fn):
    dem = request.getfixturevalue(fixture)
    r = design_plot(rectangle(140, 120, -70, -60), "aguacate", dem=dem, soil_depth_m=1.5)
    w = r.summary.row_spacing_ground_m
    p99, pmax, crowd = _coverage_and_crowding(r, slope_fn)
    # "about half a module": 99 % of the plot within 0.6 W (6.4 m), nowhere farther than 0.8 W (8.5 m)
    assert p99 <= 0.6 * w + 0.3
    assert pmax <= 0.8 * w
    # no two rows closer than half a module along the ground (5.3 m), up to the 1 m vertex step
    assert crowd >= 0.5 * w - 0.5
    if fixture == "valley_dem":
        # contours spread along the gentle thalweg: partial rows fill the gaps at the apex of each V
        assert r.summary.n_partial_rows >= 1


def test_rows_on_a_valley_follow_the_contours_of_the_dem(valley_dem):
    r = design_plot(rectangle(140, 120, -70, -60), "aguacate", dem=valley_dem, soil_depth_m=1.5)
    for row in r.rows:
        c = np.asarray(row.line.coords)
        z = 1400.0 + 0.35 * np.abs(c[:, 0] - X0) + 0.10 * (c[:, 1] - Y0)
        # away from the smoothed thalweg the analytic surface equals the DEM: elevation constant to 5 cm
        away = np.abs(c[:, 0] - X0) > 8
        if away.sum() > 2:
            assert np.ptp(z[away]) < 0.1
            assert abs(np.median(z[away]) - row.elevation_m) < 0.1
    assert any(w.code == "terrain_irregular" for w in r.warnings)
