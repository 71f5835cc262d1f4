"""Hostile and malformed plot boundaries and reference layers: refused before reading with a message naming the
limit, in the user's language; a 422 from the API, a form error on the pages, never a 500 or a hung worker."""

from __future__ import annotations

import io
import json
import math
import sqlite3
import time
import zipfile

import pytest
from shapely.geometry import box

from miaf.geo import GeometryError, validate_boundary
from miaf.web.plots.models import Plot
from tests.environs.test_layers import HALF, _geojson, _gpkg, _shp_bytes

pytestmark = pytest.mark.django_db


def _circle(n: int, lon: float = -91.975, lat: float = 16.305, r: float = 0.001) -> dict:
    ring = [[lon + r * math.cos(2 * math.pi * i / n), lat + r * math.sin(2 * math.pi * i / n)] for i in range(n)]
    return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}


def _nested(depth: int) -> str:
    return '{"type": "Polygon", "coordinates": ' + "[" * depth + "]" * depth + "}"


def test_a_200000_vertex_plot_is_a_422_naming_the_vertex_limit(api_as, world):
    body = {"family": world.fam_ojo.pk, "name": "Encaje", "boundary": _circle(200_000)}
    response = api_as("carla").post("/plots", body)
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["field"] == "boundary" and error["code"] == "too_many_vertices"
    assert error["message"] == "El polígono tiene 200,001 vértices; el máximo es 5,000 (simplifique el contorno)."
    assert not Plot.objects.filter(name="Encaje").exists()


def test_a_plot_at_the_vertex_limit_is_accepted():
    # 4,999 distinct points + the closing one = 5,000 vertices
    assert validate_boundary(_circle(4_999)).area_ha > 0


def test_deeply_nested_geojson_is_refused_before_parsing_in_both_languages():
    text = _nested(100_000)
    with pytest.raises(GeometryError) as caught:
        validate_boundary(text)
    assert caught.value.code == "too_deep"
    assert caught.value.message("es") == ("El contorno anida 100,001 niveles de corchetes; el máximo es 64 "
                                          "(GeoJSON necesita 4).")
    assert caught.value.message("en").startswith("The boundary nests 100,001 levels")


def test_brackets_inside_strings_do_not_count_as_nesting():
    geometry = dict(_circle(10))
    assert validate_boundary(json.dumps({"type": "Feature", "properties": {"nota": "[[[[" * 100},
                                         "geometry": geometry})).area_ha > 0


def test_a_deeply_nested_boundary_file_on_the_plot_form_is_a_form_error(world, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(world.carla)
    upload = SimpleUploadedFile("contorno.geojson", _nested(50_000).encode())
    response = client.post(f"/parcelas/{world.plot_ojo.pk}/editar/", {"name": "El Bajo", "boundary_file": upload})
    assert response.status_code in (200, 400)
    assert "anida 50,001 niveles" in response.content.decode()


def _load(path, name="Capa hostil"):  # noqa: ANN001, ANN202
    from miaf.web.environs.services import load_reference_layer

    return load_reference_layer(path, name, "corridor", False, "prueba")


def test_a_geopackage_with_a_recursive_view_is_refused_at_once(world, tmp_path):
    path = _gpkg(tmp_path, HALF)
    with sqlite3.connect(path) as con:
        con.execute("CREATE VIEW bucle AS WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) "
                    "SELECT n AS geom FROM r")
        con.execute("DELETE FROM gpkg_contents")
        con.execute("DELETE FROM gpkg_geometry_columns")
        con.execute("INSERT INTO gpkg_contents (table_name, data_type, identifier, srs_id) "
                    "VALUES ('bucle', 'features', 'bucle', 4326)")
        con.execute("INSERT INTO gpkg_geometry_columns VALUES ('bucle', 'geom', 'POLYGON', 4326, 0, 0)")
    started = time.perf_counter()
    with pytest.raises(ValueError, match="el GeoPackage contiene vistas o disparadores \\(view bucle\\)"):
        _load(path)
    assert time.perf_counter() - started < 5


def test_a_geopackage_with_its_own_rtree_triggers_is_still_accepted(world, tmp_path):
    path = _gpkg(tmp_path, HALF)
    with sqlite3.connect(path) as con:
        con.execute("CREATE TABLE t (id INTEGER)")
        con.execute("CREATE TRIGGER rtree_corredor_geom_insert AFTER INSERT ON t BEGIN SELECT 1; END")
    assert _load(path).pk


def test_a_geopackage_with_another_trigger_is_refused(world, tmp_path):
    path = _gpkg(tmp_path, HALF)
    with sqlite3.connect(path) as con:
        con.execute("CREATE TABLE t (id INTEGER)")
        con.execute("CREATE TRIGGER borra AFTER INSERT ON t BEGIN DELETE FROM t; END")
    with pytest.raises(ValueError, match="trigger borra"):
        _load(path)


def test_a_deeply_nested_geojson_layer_is_refused_naming_the_depth(world, tmp_path):
    path = tmp_path / "capa.geojson"
    path.write_text(_nested(100_000))
    with pytest.raises(ValueError, match="capa.geojson: anida 100,001 niveles; el máximo es 64"):
        _load(path)


def test_a_broken_shapefile_is_refused_with_a_message_not_a_500(world, client_for):
    shp = _shp_bytes([box(-91.98, 16.31, -91.979, 16.311)])
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as zf:
        zf.writestr("corredor.shp", shp[:120])  # header and the start of a record only
    data.seek(0)
    data.name = "roto.zip"
    r = client_for(world.carla).post("/ambiente/capas/", {"file": data, "name": "Rota", "kind": "corridor",
                                                          "source": "s"})
    assert r.status_code == 400 and "No se pudo leer la capa" in r.content.decode()


def test_a_shapefile_with_an_unknown_crs_is_refused_naming_the_crs_problem(world, tmp_path):
    path = tmp_path / "capa.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("corredor.shp", _shp_bytes([HALF]))
        zf.writestr("corredor.prj", 'PROJCS["inventado",GEOGCS["nada"]]')
    with pytest.raises(ValueError, match="El sistema de coordenadas de la capa es desconocido"):
        _load(path)


def test_a_shapefile_zip_over_the_uncompressed_limit_is_refused(world, tmp_path, limits_of):
    limits_of(zip_uncompressed_bytes=100)
    path = tmp_path / "capa.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("corredor.shp", _shp_bytes([HALF]))
    with pytest.raises(ValueError, match="descomprimido ocuparía"):
        _load(path)


def test_a_layer_over_the_vertex_limit_is_refused(world, tmp_path, limits_of):
    limits_of(layer_vertices=4)  # HALF is a box: 5 vertices
    with pytest.raises(ValueError, match="tiene 5 vértices; el máximo es 4"):
        _load(_geojson(tmp_path, HALF))


def test_a_deeply_nested_api_body_is_a_4xx_not_a_500(client, tokens, world):
    body = f'{{"family": {world.fam_ojo.pk}, "name": "Honda", "boundary": {_nested(100_000)[:-1]}}}}}'
    response = client.post("/api/v1/plots", data=body, content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {tokens['carla']}")
    assert 400 <= response.status_code < 500
    assert not Plot.objects.filter(name="Honda").exists()


def test_a_kml_billion_laughs_is_refused_by_the_xml_parser_at_once():
    from miaf.geo import parse_kml

    entities = '<!ENTITY a0 "-91.98,16.31 ">' + "".join(
        f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10))
    kml = (f'<?xml version="1.0"?><!DOCTYPE kml [{entities}]><kml><Polygon><outerBoundaryIs><LinearRing>'
           "<coordinates>&a9;</coordinates></LinearRing></outerBoundaryIs></Polygon></kml>")
    started = time.perf_counter()
    with pytest.raises(GeometryError) as caught:
        parse_kml(kml)
    assert caught.value.code == "kml_invalid" and time.perf_counter() - started < 5


def test_reading_a_geopackage_is_interrupted_past_its_time_limit(world, tmp_path, limits_of):
    # parse_seconds = 0: SQLite's progress handler interrupts the first long query (a real file gets 30 s)
    path = _gpkg(tmp_path, HALF)
    with sqlite3.connect(path) as con:
        con.execute("CREATE TABLE relleno (n INTEGER)")
        con.execute("INSERT INTO relleno WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r LIMIT 50000) "
                    "SELECT n FROM r")
        con.execute('INSERT INTO "corredor" (geom) SELECT c.geom FROM "corredor" c, relleno LIMIT 50000')
    limits_of(parse_seconds=0.0)
    with pytest.raises(ValueError, match="No se pudo leer la capa: interrupted"):
        _load(path)
