"""Plot boundary validation refuses malformed input with a GeometryError, never a crash."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from miaf.geo import GeometryError, parse_kml, validate_boundary

SQUARE = [[-91.98, 16.31], [-91.979, 16.31], [-91.979, 16.311], [-91.98, 16.311], [-91.98, 16.31]]


def test_a_valid_square_is_measured():
    g = validate_boundary({"type": "Polygon", "coordinates": [SQUARE]})
    # 0.001° × 0.001° at 16.31° N ≈ 106.8 m × 110.7 m ≈ 1.18 ha
    assert g.area_ha == pytest.approx(1.18, rel=0.01)


@pytest.mark.parametrize(
    "bad",
    [
        {"type": "Polygon", "coordinates": [[{"x": 1, "y": 2}] * 4]},
        {"type": "Polygon", "coordinates": [[[1e308, 1e308], [1e308, 2], [3, 4], [1e308, 1e308]]]},
        {"type": "FeatureCollection", "features": "not a list"},
        {"type": "Polygon", "coordinates": "nope"},
        {"type": "Polygon"},
        "{not json",
        [1, 2, 3],
    ],
)
def test_malformed_boundaries_raise_a_geometry_error(bad):
    with pytest.raises(GeometryError):
        validate_boundary(bad)


@given(st.recursive(st.none() | st.booleans() | st.floats() | st.integers() | st.text(max_size=5),
                    lambda c: st.lists(c, max_size=5) | st.dictionaries(st.sampled_from(["type", "coordinates", "features", "geometry"]), c, max_size=3),
                    max_leaves=30))
def test_arbitrary_json_never_crashes_the_validator(data):
    try:
        validate_boundary({"type": "Polygon", "coordinates": data})
    except GeometryError:
        pass


def test_kml_polygons_are_read():
    kml = """<kml xmlns="http://www.opengis.net/kml/2.2"><Placemark><Polygon><outerBoundaryIs><LinearRing>
    <coordinates>-91.98,16.31,0 -91.979,16.31,0 -91.979,16.311,0 -91.98,16.311,0 -91.98,16.31,0</coordinates>
    </LinearRing></outerBoundaryIs></Polygon></Placemark></kml>"""
    assert validate_boundary(parse_kml(kml)).area_ha == pytest.approx(1.18, rel=0.01)
