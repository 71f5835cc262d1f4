"""Reference layers: readers (GeoJSON, GeoPackage, zipped Shapefile) and geodesic plot shares."""

from __future__ import annotations

import json
import sqlite3
import struct
import zipfile

import pytest
import shapely
from shapely.geometry import box

from miaf.environment.layers import geodesic_area_ha, layer_overlap, read_layer, read_plot

CORRIDOR = box(-92.0, 16.0, -91.5, 16.5)


def write_geojson(path, geom, crs=None):
    data = {"type": "FeatureCollection",
            "features": [{"type": "Feature", "properties": {}, "geometry": shapely.geometry.mapping(geom)}]}
    if crs:
        data["crs"] = {"type": "name", "properties": {"name": crs}}
    path.write_text(json.dumps(data))
    return path


def write_gpkg(path, geom, srs_id=4326):
    wkb = shapely.to_wkb(geom)
    blob = b"GP" + bytes([0, 0b00000001]) + struct.pack("<i", srs_id) + wkb  # no envelope, little endian
    con = sqlite3.connect(path)
    con.executescript("""
        CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT, srs_id INTEGER PRIMARY KEY, organization TEXT,
            organization_coordsys_id INTEGER, definition TEXT, description TEXT);
        CREATE TABLE gpkg_contents (table_name TEXT PRIMARY KEY, data_type TEXT);
        CREATE TABLE gpkg_geometry_columns (table_name TEXT, column_name TEXT, geometry_type_name TEXT,
            srs_id INTEGER, z INTEGER, m INTEGER);
        CREATE TABLE corridor (fid INTEGER PRIMARY KEY, geom BLOB);
    """)
    con.execute("INSERT INTO gpkg_spatial_ref_sys VALUES ('WGS 84', ?, 'EPSG', ?, '', '')", (srs_id, srs_id))
    con.execute("INSERT INTO gpkg_contents VALUES ('corridor', 'features')")
    con.execute("INSERT INTO gpkg_geometry_columns VALUES ('corridor', 'geom', 'POLYGON', ?, 0, 0)", (srs_id,))
    con.execute("INSERT INTO corridor (geom) VALUES (?)", (blob,))
    con.commit()
    con.close()
    return path


def write_shapefile_zip(path, geom):
    ring = list(geom.exterior.coords)[::-1] if geom.exterior.is_ccw else list(geom.exterior.coords)  # clockwise
    n = len(ring)
    content = struct.pack("<i", 5) + struct.pack("<4d", *geom.bounds) + struct.pack("<ii", 1, n) + struct.pack("<i", 0)
    content += b"".join(struct.pack("<2d", x, y) for x, y in ring)
    record = struct.pack(">ii", 1, len(content) // 2) + content
    header = struct.pack(">i", 9994) + b"\0" * 20 + struct.pack(">i", (100 + len(record)) // 2)
    header += struct.pack("<ii", 1000, 5) + struct.pack("<4d", *geom.bounds) + b"\0" * 32
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("corridor.shp", header + record)
        zf.writestr("corridor.prj", 'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563]],'
                                    'PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]]')
    return path


@pytest.mark.parametrize("writer,suffix", [(write_geojson, ".geojson"), (write_gpkg, ".gpkg"),
                                           (write_shapefile_zip, ".zip")])
def test_each_format_reads_the_same_corridor(tmp_path, writer, suffix):
    layer = read_layer(writer(tmp_path / f"corridor{suffix}", CORRIDOR))
    assert layer.features == 1
    assert layer.geometry.equals_exact(CORRIDOR, 1e-9) or layer.geometry.symmetric_difference(CORRIDOR).area < 1e-12


def test_projected_geojson_layer_is_reprojected_to_lon_lat(tmp_path):
    from pyproj import Transformer

    tr = Transformer.from_crs("EPSG:4326", "EPSG:32615", always_xy=True)
    utm = shapely.transform(CORRIDOR, lambda xy: __import__("numpy").column_stack(tr.transform(xy[:, 0], xy[:, 1])))
    layer = read_layer(write_geojson(tmp_path / "utm.geojson", utm, "urn:ogc:def:crs:EPSG::32615"))
    assert layer.geometry.bounds == pytest.approx(CORRIDOR.bounds, abs=1e-6)


def test_geodesic_area_of_a_100_m_square_near_chiapas():
    # 0.0009° of latitude ≈ 99.6 m; 0.000936° of longitude at 16.25° N ≈ 99.9 m → ≈ 0.995 ha
    sq = box(-91.9, 16.25, -91.9 + 0.000936, 16.25 + 0.0009)
    assert geodesic_area_ha(sq) == pytest.approx(0.995, abs=0.01)


def test_plot_shares_and_area_weighted_programme_total():
    inside = box(-91.9, 16.1, -91.899, 16.101)   # fully inside
    half = box(-92.0005, 16.2, -91.9995, 16.201)  # half of it west of the corridor edge
    outside = box(-91.4, 16.1, -91.399, 16.101)
    layer = read_layer_from_geom(CORRIDOR)
    res = layer_overlap({"a": inside, "b": half, "c": outside}, [layer])
    shares = {p.plot_id: p.share["corridor"] for p in res.plots}
    assert shares["a"] == pytest.approx(1.0)
    assert shares["b"] == pytest.approx(0.5, abs=1e-3)
    assert shares["c"] == 0.0
    areas = {p.plot_id: p.area_ha for p in res.plots}
    expected = (areas["a"] + 0.5 * areas["b"]) / sum(areas.values())
    assert res.total_share["corridor"] == pytest.approx(expected, rel=1e-3)


def read_layer_from_geom(geom):
    from miaf.environment.layers import Layer

    return Layer("corridor", geom, 1, "memory")


def test_unsupported_or_empty_inputs_raise_clear_errors(tmp_path):
    bad = tmp_path / "x.kml"
    bad.write_text("<kml/>")
    with pytest.raises(ValueError, match="unsupported"):
        read_layer(bad)
    empty = tmp_path / "pts.geojson"
    empty.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [0, 0]}}]}))
    with pytest.raises(ValueError, match="no polygon"):
        read_plot(empty)
