"""Real and realistic DEMs: a geographic (EPSG:4326) 3-arc-second DEM and a UTM 15N DEM with holes."""

from __future__ import annotations

import matplotlib.cbook as cbook
import numpy as np
import pytest
import shapely
from affine import Affine

from miaf.design import DemArray, design_plot

from .conftest import X0, Y0, rectangle, utm_grid, write_dem

ARCSEC3 = 3.0 / 3600.0


def _jacksboro():
    data = cbook.get_sample_data("jacksboro_fault_dem.npz")
    if not hasattr(data, "keys"):
        data = np.load(data)
    z = np.asarray(data["elevation"], dtype="float32")
    # north-west corner of the sample grid; rows run southwards in steps of 3 arc-seconds
    transform = Affine(ARCSEC3, 0, float(data["xmin"]), 0, -ARCSEC3, float(data["ymin"]))
    return z, transform


def _plot_around(lon, lat, half_w=0.0014, half_h=0.0011):
    ring = [[lon - half_w, lat - half_h], [lon + half_w, lat - half_h], [lon + half_w, lat + half_h],
            [lon - half_w, lat + half_h], [lon - half_w, lat - half_h]]
    return {"type": "Polygon", "coordinates": [ring]}


@pytest.fixture(scope="module")
def jacksboro_tif(tmp_path_factory):
    z, tr = _jacksboro()
    return write_dem(tmp_path_factory.mktemp("dem") / "jacksboro.tif", z, ARCSEC3, tr.c, tr.f,
                     crs="EPSG:4326"), z, tr


def test_geographic_jacksboro_dem_is_reprojected_to_utm_and_designed(jacksboro_tif):
    path, z, tr = jacksboro_tif
    lon, lat = tr @ (200.5, 172.5)  # a hillside of about 35 % in the sample
    r = design_plot(_plot_around(lon, lat), "aguacate", dem=path, soil_depth_m=1.2)
    s = r.summary
    assert s.local_crs == "EPSG:32616"  # UTM zone 16N for longitude -84.25
    assert s.terrain_source == "dem" and s.dem_coverage == 1.0
    assert 10 < s.mean_slope_pct < 70
    assert s.n_tree_rows >= 3 and s.n_trees > 0
    zmin, zmax = float(z.min()), float(z.max())
    assert all(zmin <= row.elevation_m <= zmax for row in r.rows)
    assert zmin <= s.elevation_min_m <= s.elevation_max_m <= zmax
    assert shapely.contains_xy(r.plot, r.trees.x, r.trees.y).all()
    # rows were traced downhill in order: row 1 is the highest
    elev = [row.elevation_m for row in r.rows if not row.partial]
    assert elev == sorted(elev, reverse=True)


def test_in_memory_dem_gives_the_same_design_as_the_file(jacksboro_tif):
    path, z, tr = jacksboro_tif
    lon, lat = tr @ (200.5, 172.5)
    poly = _plot_around(lon, lat)
    from_file = design_plot(poly, "aguacate", dem=path, soil_depth_m=1.2).summary
    from_array = design_plot(poly, "aguacate", dem=DemArray(z, tr, "EPSG:4326", None), soil_depth_m=1.2).summary
    from_tuple = design_plot(poly, "aguacate", dem=(z, tuple(tr)[:6], 4326, None), soil_depth_m=1.2).summary
    with open(path, "rb") as fh:
        from_bytes = design_plot(poly, "aguacate", dem=fh.read(), soil_depth_m=1.2).summary
    assert from_file.n_trees == from_array.n_trees == from_tuple.n_trees == from_bytes.n_trees
    assert from_file.tree_row_length_m == pytest.approx(from_array.tree_row_length_m)


def test_utm_15n_dem_with_nodata_holes_is_filled_where_small_and_skipped_where_large(tmp_path):
    res = 5.0
    dx, dy, xmin, ymax = utm_grid(600, res)
    z = 1200.0 + 0.25 * dy + 8.0 * np.sin(dx / 40.0) * np.cos(dy / 55.0)
    z[(np.abs(dx - 20) < 6) & (np.abs(dy + 30) < 6)] = -9999.0  # a 10 m hole: filled
    big = (np.abs(dx + 50) < 30) & (np.abs(dy - 50) < 30)  # a 60 m hole: only its rim is filled
    z[big] = -9999.0
    dem = write_dem(tmp_path / "chiapas_utm15n.tif", z, res, xmin, ymax, nodata=-9999.0)
    r = design_plot(rectangle(200, 200, -100, -100), "aguacate,limon", dem=dem, soil_depth_m=0.8)
    codes = {w.code for w in r.warnings}
    assert {"dem_nodata_filled", "dem_partial_coverage"} <= codes
    assert r.summary.modality == "BV"  # shallow soil
    assert 0.85 < r.summary.dem_coverage < 0.99
    # no tree deeper than the fill distance (10 m) inside the big hole
    deep = (np.abs(r.trees.x - (X0 - 50)) < 30 - 10 - res) & (np.abs(r.trees.y - (Y0 + 50)) < 30 - 10 - res)
    assert not deep.any()
    assert np.isfinite(r.trees.elevation_m).all()
    assert set(r.summary.trees_by_species) == {"aguacate", "limon"}
