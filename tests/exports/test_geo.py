"""GeoJSON and GeoPackage of plots and designs: they parse back (json, sqlite3) with the right geometry."""

from __future__ import annotations

import json
import sqlite3
import struct

import pytest
import shapely
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import box, shape

from miaf.web.exports.columns import PLOTS
from miaf.web.exports.gpkg import (
    APPLICATION_ID,
    Field,
    GeoPackageError,
    GeoPackageWriter,
    geometry_blob,
    parse_blob,
)
from tests.conftest import OJO_POLYGON
from tests.exports.helpers import body

pytestmark = pytest.mark.django_db


def gpkg_file(tmp_path, response) -> sqlite3.Connection:  # noqa: ANN001
    path = tmp_path / "out.gpkg"
    path.write_bytes(body(response))
    return sqlite3.connect(path)


def test_plots_geojson_is_a_feature_collection_with_boundaries_and_the_plot_columns(records, client_for):
    response = client_for(records.root).get(reverse("exports:plots_geojson"))
    assert response["Content-Type"] == "application/geo+json"
    fc = json.loads(body(response))
    assert fc["type"] == "FeatureCollection" and len(fc["features"]) == 3
    ojo = next(f for f in fc["features"] if f["properties"]["family_code"] == "OJO-001")
    assert list(ojo["properties"]) == PLOTS.names
    assert ojo["geometry"]["type"] == "Polygon"
    assert shape(ojo["geometry"]).equals(shape(OJO_POLYGON))
    assert ojo["properties"]["system"] == "miaf_d" and ojo["properties"]["established_on"] == "2012-05-15"


def test_plots_geojson_honours_the_filters(records, client_for):
    fc = json.loads(body(client_for(records.carla).get(reverse("exports:plots_geojson") + "?system=traditional")))
    assert [f["properties"]["family_code"] for f in fc["features"]] == ["VER-001"]


def test_plots_geopackage_has_the_required_tables_pragmas_and_geometry_header(records, client_for, tmp_path):
    response = client_for(records.root).get(reverse("exports:plots_gpkg"))
    assert response["Content-Type"] == "application/geopackage+sqlite3"
    con = gpkg_file(tmp_path, response)
    assert con.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID == 0x47504B47
    assert con.execute("PRAGMA user_version").fetchone()[0] == 10300
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    srs = {r[0]: r for r in con.execute("SELECT srs_id, organization, organization_coordsys_id, definition "
                                        "FROM gpkg_spatial_ref_sys")}
    assert set(srs) == {-1, 0, 4326}
    assert srs[-1][3] == srs[0][3] == "undefined"
    assert srs[4326][1] == "EPSG" and "WGS 84" in srs[4326][3]
    contents = con.execute("SELECT table_name, data_type, srs_id, min_x, min_y, max_x, max_y "
                           "FROM gpkg_contents").fetchall()
    assert [c[:3] for c in contents] == [("parcelas", "features", 4326)]
    # bounding box of the three world plots: lon -92.1000 … -91.9790, lat 16.2000 … 16.3109
    assert contents[0][3:] == pytest.approx((-92.1, 16.2, -91.979, 16.3109))
    assert con.execute("SELECT * FROM gpkg_geometry_columns").fetchall() == [("parcelas", "geom", "POLYGON", 4326, 0, 0)]
    columns = [r[1] for r in con.execute("PRAGMA table_info(parcelas)")]
    assert columns == ["fid", "geom", *PLOTS.names]
    blob, code, area = con.execute("SELECT geom, family_code, area_ha FROM parcelas WHERE family_code='OJO-001'").fetchone()
    assert blob[:2] == b"GP" and blob[2] == 0
    assert blob[3] == 0b0000_0011  # little-endian, envelope [minx, maxx, miny, maxy]
    assert struct.unpack_from("<i", blob, 4)[0] == 4326
    assert struct.unpack_from("<4d", blob, 8) == pytest.approx((-91.98, -91.979, 16.31, 16.3109))
    geom = shapely.from_wkb(blob[40:])
    assert geom.equals(shape(OJO_POLYGON))
    assert area == pytest.approx(records.plot_ojo.area_ha)


def test_designs_geojson_has_the_latest_version_features_with_plot_and_family(records, client_for):
    fc = json.loads(body(client_for(records.root).get(reverse("exports:designs_geojson"))))
    kinds = [f["properties"]["kind"] for f in fc["features"]]
    assert kinds == ["plot", "tree_row", "tree", "tree"]  # version 2; version 1 was empty
    assert {f["properties"]["design_version"] for f in fc["features"]} == {2}
    assert {f["properties"]["family_code"] for f in fc["features"]} == {"OJO-001"}


def test_designs_geopackage_splits_points_lines_and_polygons(records, client_for, tmp_path):
    con = gpkg_file(tmp_path, client_for(records.ana).get(reverse("exports:designs_gpkg")))
    layers = dict(con.execute("SELECT table_name, geometry_type_name FROM gpkg_geometry_columns"))
    assert layers == {"disenos_puntos": "POINT", "disenos_lineas": "LINESTRING", "disenos_poligonos": "POLYGON"}
    assert con.execute("SELECT count(*) FROM disenos_puntos").fetchone()[0] == 2
    species = con.execute("SELECT species FROM disenos_lineas").fetchone()[0]
    assert species == "aguacate,durazno"


def test_beto_gets_no_design_of_ana_plot(records, client_for):
    fc = json.loads(body(client_for(records.beto).get(reverse("exports:designs_geojson"))))
    assert fc["features"] == []


# ---------------------------------------------------------------------------------------------- writer


def test_empty_geometry_has_the_empty_flag_and_no_envelope():
    blob = geometry_blob(shapely.Polygon(), 4326)
    header, geom = parse_blob(blob)
    assert header["empty"] and header["envelope"] == () and geom.is_empty
    assert blob[3] == 0b0001_0001


def test_writer_refuses_a_geometry_of_another_type_than_the_layer(tmp_path):
    with GeoPackageWriter(tmp_path / "x.gpkg") as gpkg, pytest.raises(GeoPackageError, match="POINT"):
        gpkg.add_layer("plots", "POLYGON", [Field("name")], [(shapely.Point(0, 0), ("a",))])


def test_writer_refuses_an_unsafe_table_name(tmp_path):
    with GeoPackageWriter(tmp_path / "x.gpkg") as gpkg, pytest.raises(GeoPackageError, match="valid"):
        gpkg.add_layer('p"; DROP TABLE x; --', "POLYGON", [], [])


coords = st.floats(min_value=-180, max_value=180, allow_nan=False)
sizes = st.floats(min_value=1e-6, max_value=10, allow_nan=False)


@settings(max_examples=50, deadline=None)
@given(x=coords, y=st.floats(min_value=-80, max_value=80), w=sizes, h=sizes)
def test_any_box_round_trips_through_the_geopackage_blob_with_its_envelope(x, y, w, h):
    geom = box(x, y, x + w, y + h)
    header, back = parse_blob(geometry_blob(geom, 4326))
    assert back.equals_exact(geom, 0)
    minx, miny, maxx, maxy = geom.bounds
    assert header["envelope"] == (minx, maxx, miny, maxy)
    assert header["version"] == 0 and header["srs_id"] == 4326
