"""GeoJSON polygons follow RFC 7946's right-hand rule (issue 15 item 7): exterior rings counter-clockwise,
holes clockwise, in stored plot boundaries, the design's GeoJSON and the exports."""

import json

import pytest
from shapely.geometry import shape

from miaf.geo import right_hand_geometry, right_hand_rings, validate_boundary

CW = [[-91.98, 16.31], [-91.98, 16.3109], [-91.979, 16.3109], [-91.979, 16.31], [-91.98, 16.31]]


def _ccw(ring) -> bool:  # noqa: ANN001
    from shapely.geometry import LinearRing
    return LinearRing(ring).is_ccw


def test_a_clockwise_boundary_is_stored_counter_clockwise():
    assert not _ccw(CW)
    geom = validate_boundary({"type": "Polygon", "coordinates": [CW]})
    assert _ccw(geom.geojson["coordinates"][0])
    # same polygon, same area
    assert shape(geom.geojson).equals(shape({"type": "Polygon", "coordinates": [CW]}))


def test_holes_run_clockwise_and_multipolygons_are_fixed():
    outer = [[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]]          # CCW already
    hole_ccw = [[2, 2], [4, 2], [4, 4], [2, 4], [2, 2]]           # wrong: holes must be CW
    rings = right_hand_rings([outer, hole_ccw])
    assert _ccw(rings[0]) and not _ccw(rings[1])
    multi = right_hand_geometry({"type": "MultiPolygon", "coordinates": [[list(reversed(outer))]]})
    assert _ccw(multi["coordinates"][0][0])
    point = {"type": "Point", "coordinates": [1, 2]}
    assert right_hand_geometry(point) == point


def test_design_geojson_follows_the_right_hand_rule():
    from miaf.design.core import design_plot

    result = design_plot({"type": "Polygon", "coordinates": [CW]}, "aguacate", slope_pct=30, aspect_deg=90)
    fc = result.to_geojson()
    polys = [f["geometry"] for f in fc["features"] if f["geometry"]["type"] == "Polygon"]
    assert polys, "the design has the plot and its crop strips as polygons"
    for g in polys:
        assert _ccw(g["coordinates"][0])
        assert all(not _ccw(r) for r in g["coordinates"][1:])


@pytest.mark.django_db
def test_exported_and_api_plots_follow_the_right_hand_rule(world, client_for):
    from miaf.web.plots.models import Plot

    # a boundary stored before the rule (clockwise) is still exported counter-clockwise
    Plot.objects.filter(pk=world.plot_vergel.pk).update(boundary={"type": "Polygon", "coordinates": [CW]})
    c = client_for(world.carla)
    fc = json.loads(b"".join(c.get("/exportar/parcelas.geojson").streaming_content))
    assert fc["features"]
    for f in fc["features"]:
        assert _ccw(f["geometry"]["coordinates"][0])
    api = c.get("/api/v1/plots?format=geojson").json()
    assert api["features"]
    for f in api["features"]:
        assert _ccw(f["geometry"]["coordinates"][0])
