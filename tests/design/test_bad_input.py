"""Bad input raises a DesignError (a ValueError) with a stable code and English and Spanish messages."""

from __future__ import annotations

import numpy as np
import pytest
from affine import Affine

from miaf.design import CATALOGUE, DemArray, DesignError, design_plot
from miaf.design.messages import render

from .conftest import rectangle, utm_grid, write_dem

SQUARE = rectangle(100, 100)


def _code(excinfo) -> str:
    assert isinstance(excinfo.value, ValueError)
    assert excinfo.value.message_es and excinfo.value.message_es != excinfo.value.message
    return excinfo.value.code


def test_every_catalogue_code_has_english_and_spanish_text():
    for code, (en, es) in CATALOGUE.items():
        assert en and es and en != es, code


@pytest.mark.parametrize("plot,code", [
    ({"type": "Polygon", "coordinates": [[[-92.6, 16.7], [-92.599, 16.701], [-92.599, 16.7],
                                          [-92.6, 16.701], [-92.6, 16.7]]]}, "plot_self_intersects"),
    ({"type": "Polygon", "coordinates": [[[-92.6, 16.7], [-92.599, 16.7], [-92.599, 16.701],
                                          [-92.6, 16.701]]]}, "plot_not_closed"),
    ({"type": "Polygon", "coordinates": [[[-92.6, 16.7], [-92.599, 16.7], [-92.6, 16.7]]]},
     "plot_too_few_points"),
    ({"type": "Point", "coordinates": [-92.6, 16.7]}, "plot_not_polygon"),
    ({"type": "Polygon", "coordinates": [[[500000, 1800000], [500100, 1800000], [500100, 1800100],
                                          [500000, 1800000]]]}, "plot_not_wgs84"),
    ("{not json", "plot_invalid"),
])
def test_a_bad_polygon_is_refused_with_its_code(plot, code):
    with pytest.raises(DesignError) as e:
        design_plot(plot, "aguacate", slope_pct=30, aspect_deg=180)
    assert _code(e) == code


def test_an_unknown_species_names_the_species_and_the_known_codes():
    with pytest.raises(DesignError) as e:
        design_plot(SQUARE, "aguacate,manzana", slope_pct=30, aspect_deg=180)
    assert _code(e) == "species_unknown" and "manzana" in str(e.value) and "durazno" in str(e.value)


@pytest.mark.parametrize("kw", [{"row_spacing_m": 0}, {"tree_spacing_m": -1}, {"row_spacing_m": float("nan")}])
def test_zero_or_negative_spacing_is_refused(kw):
    with pytest.raises(DesignError) as e:
        design_plot(SQUARE, "aguacate", slope_pct=30, aspect_deg=180, **kw)
    assert _code(e) == "spacing_not_positive" and next(iter(kw)) in str(e.value)


@pytest.mark.parametrize("kw,code", [
    ({}, "terrain_missing"),
    ({"slope_pct": 30}, "terrain_missing"),
    ({"slope_pct": -5, "aspect_deg": 0}, "slope_invalid"),
    ({"slope_pct": 30, "aspect_deg": 400}, "aspect_invalid"),
    ({"slope_pct": 30, "aspect_deg": 0, "soil_depth_m": -1}, "soil_depth_invalid"),
    ({"slope_pct": 30, "aspect_deg": 0, "arrangement": "random"}, "arrangement_invalid"),
    ({"slope_pct": 30, "aspect_deg": 0, "overrides": {"no_such_key": 1}}, "parameter_unknown"),
    ({"slope_pct": 30, "aspect_deg": 0, "overrides": {"furrow_spacing_m": "abc"}}, "parameter_invalid"),
])
def test_bad_terrain_and_option_values_are_refused(kw, code):
    with pytest.raises(DesignError) as e:
        design_plot(SQUARE, "aguacate", **kw)
    assert _code(e) == code


def test_a_dem_that_does_not_overlap_the_plot_is_refused(tmp_path):
    dx, dy, xmin, ymax = utm_grid(200, 2.0)
    dem = write_dem(tmp_path / "far.tif", 1000 + 0.3 * dy, 2.0, xmin + 5000, ymax)
    with pytest.raises(DesignError) as e:
        design_plot(SQUARE, "aguacate", dem=dem)
    assert _code(e) == "dem_no_overlap"


def test_an_all_nodata_dem_is_refused(tmp_path):
    dx, dy, xmin, ymax = utm_grid(300, 2.0)
    dem = write_dem(tmp_path / "empty.tif", np.full(dx.shape, -9999.0), 2.0, xmin, ymax, nodata=-9999.0)
    with pytest.raises(DesignError) as e:
        design_plot(SQUARE, "aguacate", dem=dem)
    assert _code(e) == "dem_all_nodata"


def test_a_dem_without_crs_is_refused(tmp_path):
    dx, dy, xmin, ymax = utm_grid(300, 2.0)
    dem = write_dem(tmp_path / "nocrs.tif", 1000 + 0.3 * dy, 2.0, xmin, ymax, crs=None)
    with pytest.raises(DesignError) as e:
        design_plot(SQUARE, "aguacate", dem=dem)
    assert _code(e) == "dem_crs_unknown"
    with pytest.raises(DesignError) as e:
        design_plot(SQUARE, "aguacate", dem=DemArray(np.zeros((5, 5)), Affine(1, 0, 0, 0, -1, 0), "EPSG:999999"))
    assert _code(e) == "dem_crs_unknown"


def test_absurd_elevations_are_refused(tmp_path):
    dx, dy, xmin, ymax = utm_grid(300, 2.0)
    dem = write_dem(tmp_path / "feet_or_fill.tif", 20000 + 0.3 * dy, 2.0, xmin, ymax)
    with pytest.raises(DesignError) as e:
        design_plot(SQUARE, "aguacate", dem=dem)
    assert _code(e) == "dem_absurd_values" and "20" in str(e.value)


def test_a_projected_grid_labelled_geographic_is_refused_as_misread(tmp_path):
    dx, dy, xmin, ymax = utm_grid(300, 2.0)
    dem = write_dem(tmp_path / "misread.tif", 1000 + 0.3 * dy, 2.0, xmin, ymax, crs="EPSG:4326")
    with pytest.raises(DesignError) as e:
        design_plot(SQUARE, "aguacate", dem=dem)
    assert _code(e) == "dem_georeference_invalid"


def test_a_geographic_grid_labelled_projected_is_refused_as_misread():
    z = np.full((50, 50), 1000.0)
    with pytest.raises(DesignError) as e:
        design_plot(SQUARE, "aguacate", dem=DemArray(z, Affine(0.0008, 0, -92.7, 0, -0.0008, 16.8), 32615))
    assert _code(e) == "dem_georeference_invalid"


def test_message_rendering_falls_back_instead_of_crashing_on_missing_fields():
    assert render("dem_no_overlap", {}, "es").startswith("dem_no_overlap")


@pytest.mark.parametrize("dem", [b"not a geotiff", "/nonexistent/dem.tif"])
def test_an_unreadable_dem_is_refused(dem):
    with pytest.raises(DesignError) as e:
        design_plot(SQUARE, "aguacate", dem=dem)
    assert _code(e) == "dem_unreadable"
