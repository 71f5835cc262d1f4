"""Reference layers: upload in three formats, validation with clear messages, plot and programme shares.

``plot_ojo`` is the rectangle lon −91.9800…−91.9790, lat 16.3100…16.3109; the "half" layer covers its
western half (lon −91.9800…−91.9795), so half of its area lies inside (geodesic areas: the two halves of a
rectangle this small differ by far less than 1 %).
"""

from __future__ import annotations

import io
import json
import struct
import zipfile

import numpy as np
import pytest
import shapely
from pyproj import CRS, Transformer
from shapely.geometry import Point, box, mapping

pytestmark = pytest.mark.django_db

HALF = box(-91.9805, 16.3095, -91.9795, 16.3115)  # the western half of plot_ojo, and a margin outside it
WGS84_PRJ = CRS.from_epsg(4326).to_wkt("WKT1_ESRI")
UTM15_PRJ = CRS.from_epsg(32615).to_wkt("WKT1_ESRI")


def _geojson(tmp_path, geometry, name="capa.geojson"):
    path = tmp_path / name
    path.write_text(json.dumps({"type": "FeatureCollection",
                                "features": [{"type": "Feature", "properties": {}, "geometry": mapping(geometry)}]}))
    return path


def _gpkg(tmp_path, geometry, srs_id=4326):
    from miaf.web.exports.gpkg import GeoPackageWriter

    path = tmp_path / "capa.gpkg"
    with GeoPackageWriter(path, srs_id=srs_id) as gpkg:
        gpkg.add_layer("corredor", "POLYGON", [], [(geometry, ())])
    return path


def _shp_bytes(polygons) -> bytes:
    """A minimal ESRI .shp of polygons (type 5), one ring each, written clockwise as the format asks."""
    records = b""
    xs = [x for p in polygons for x, _ in p.exterior.coords]
    ys = [y for p in polygons for _, y in p.exterior.coords]
    for i, poly in enumerate(polygons, start=1):
        ring = list(shapely.geometry.polygon.orient(poly, sign=-1.0).exterior.coords)  # clockwise shell
        x0, y0, x1, y1 = poly.bounds
        content = struct.pack("<i4d2i", 5, x0, y0, x1, y1, 1, len(ring)) + struct.pack("<i", 0)
        content += b"".join(struct.pack("<2d", x, y) for x, y in ring)
        records += struct.pack(">2i", i, len(content) // 2) + content
    header = struct.pack(">7i", 9994, 0, 0, 0, 0, 0, (100 + len(records)) // 2)
    header += struct.pack("<2i4d4d", 1000, 5, min(xs), min(ys), max(xs), max(ys), 0, 0, 0, 0)
    return header + records


def _shp_zip(tmp_path, polygons, prj: str | None = WGS84_PRJ):
    path = tmp_path / "capa.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("corredor.shp", _shp_bytes(polygons))
        if prj:
            zf.writestr("corredor.prj", prj)
    return path


def _to_utm(geometry):
    tr = Transformer.from_crs("EPSG:4326", "EPSG:32615", always_xy=True)
    return shapely.transform(geometry, lambda xy: np.column_stack(tr.transform(xy[:, 0], xy[:, 1])))


def _load(path, name="Corredor", **kw):
    from miaf.web.environs.services import load_reference_layer

    return load_reference_layer(path, name, kw.get("kind", "corridor"), kw.get("illustrative", False),
                                kw.get("source", "prueba"))


def _ojo_share(world, layer) -> float:
    from miaf.web.environs.services import plot_environment

    return next(entry["share"] for entry in plot_environment(world.plot_ojo, 2020)["layers"]
                if entry["id"] == layer.pk)


@pytest.mark.parametrize("fmt", ["geojson", "gpkg", "gpkg_utm", "shp_zip", "shp_zip_utm"])
def test_a_layer_covering_half_a_plot_gives_a_share_of_one_half(world, tmp_path, fmt):
    path = {
        "geojson": lambda: _geojson(tmp_path, HALF),
        "gpkg": lambda: _gpkg(tmp_path, HALF),
        "gpkg_utm": lambda: _gpkg(tmp_path, _to_utm(HALF), srs_id=32615),
        "shp_zip": lambda: _shp_zip(tmp_path, [HALF]),
        "shp_zip_utm": lambda: _shp_zip(tmp_path, [_to_utm(HALF)], UTM15_PRJ),
    }[fmt]()
    layer = _load(path)
    assert layer.geometry["type"] in ("Polygon", "MultiPolygon")
    assert _ojo_share(world, layer) == pytest.approx(0.5, abs=0.01)


def test_layer_shares_give_each_plot_and_the_programme_totals(world, tmp_path):
    from miaf.web.environs.services import layer_shares

    # the half layer plus all of plot_vergel: inside = ojo/2 + vergel; total = ojo + vergel
    both = shapely.union_all([HALF, box(-92.1005, 16.1995, -92.0980, 16.2015)])
    layer = _load(_geojson(tmp_path, both), illustrative=True)
    shares = layer_shares(world.carla)
    row = shares["layers"][0]
    plots = shares["plots"]
    ojo, vergel = str(world.plot_ojo.pk), str(world.plot_vergel.pk)
    assert plots[ojo][str(layer.pk)] == pytest.approx(0.5, abs=0.01)
    assert plots[vergel][str(layer.pk)] == pytest.approx(1.0)
    a_ojo, a_ver = world.plot_ojo.area_ha, world.plot_vergel.area_ha
    assert row["share"] == pytest.approx((a_ojo / 2 + a_ver) / (a_ojo + a_ver), abs=0.01)
    assert row["miaf_share"] == pytest.approx(0.5, abs=0.01)  # plot_ojo is the only MIAF plot
    assert row["illustrative"] is True
    assert str(world.plot_other.pk) not in plots  # olga's organisation is out of carla's scope


@pytest.mark.parametrize(("content", "name", "message"), [
    (b"hola", "capa.txt", "Formato no admitido"),
    (b"{not json", "capa.geojson", "no es GeoJSON"),
    (json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {}, "geometry": mapping(Point(-91.98, 16.31))}]}).encode(),
     "capa.geojson", "sólo polígonos"),
    (json.dumps(mapping(box(500000, 1800000, 501000, 1801000))).encode(), "capa.geojson", "no son longitud/latitud"),
    (b"PK\x03\x04 broken", "capa.zip", "zip"),
    (b"SQLite format 3\x00 rubbish", "capa.gpkg", "GeoPackage"),
])
def test_bad_files_are_refused_with_a_clear_message(world, tmp_path, content, name, message):
    from miaf.web.environs.services import LayerError
    from miaf.web.registry.models import ReferenceLayer

    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(LayerError, match=message):
        _load(path)
    assert not ReferenceLayer.objects.exists()


def test_a_projected_shapefile_without_its_prj_is_refused(world, tmp_path):
    from miaf.web.environs.services import LayerError

    with pytest.raises(LayerError, match="Incluya el archivo .prj"):
        _load(_shp_zip(tmp_path, [_to_utm(HALF)], prj=None))


def test_a_zip_without_a_shapefile_and_a_duplicate_name_are_refused(world, tmp_path):
    from miaf.web.environs.services import LayerError

    path = tmp_path / "vacio.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("leeme.txt", "nada")
    with pytest.raises(LayerError, match="no contiene un Shapefile"):
        _load(path)
    _load(_geojson(tmp_path, HALF))
    with pytest.raises(LayerError, match="Ya existe una capa"):
        _load(_geojson(tmp_path, HALF))


def test_a_coordinator_uploads_a_layer_through_the_page(world, client_for, tmp_path):
    from miaf.web.registry.models import ReferenceLayer

    body = _geojson(tmp_path, HALF).read_bytes()
    upload = io.BytesIO(body)
    upload.name = "corredor.geojson"
    r = client_for(world.carla).post("/ambiente/capas/", {
        "file": upload, "name": "Corredor (demostración)", "kind": "corridor", "source": "dibujado a mano",
        "illustrative": "on"})
    assert r.status_code == 302
    layer = ReferenceLayer.objects.get()
    assert layer.illustrative and layer.kind == "corridor"
    page = client_for(world.carla).get("/ambiente/capas/").content.decode()
    assert "Corredor (demostración)" in page and "ilustrativa" in page


def test_a_bad_upload_shows_the_message_on_the_form(world, client_for):
    upload = io.BytesIO(b"hola")
    upload.name = "capa.txt"
    r = client_for(world.carla).post("/ambiente/capas/", {"file": upload, "name": "X", "kind": "corridor",
                                                          "source": "s"})
    assert r.status_code == 400 and "Formato no admitido" in r.content.decode()


@pytest.mark.parametrize("persona", ["ana", "beto", "diego"])
def test_only_coordinators_and_administrators_may_upload(world, client_for, tmp_path, persona):
    from miaf.web.registry.models import ReferenceLayer

    upload = io.BytesIO(_geojson(tmp_path, HALF).read_bytes())
    upload.name = "c.geojson"
    client = client_for(world.users[persona])
    r = client.post("/ambiente/capas/", {"file": upload, "name": "C", "kind": "corridor", "source": "s"})
    assert r.status_code == 403 and not ReferenceLayer.objects.exists()
    page = client.get("/ambiente/capas/")
    assert page.status_code == 200 and 'enctype="multipart/form-data"' not in page.content.decode()


def test_the_programme_page_labels_the_illustrative_corridor(world, client_for, tmp_path):
    _load(_geojson(tmp_path, HALF), name="Corredor Biológico Mesoamericano (ilustrativo, demostración)",
          illustrative=True)
    # carla: the analyst's 2 families are under k = 5, so diego's programme page shows no figure (issue 14)
    page = client_for(world.carla).get("/ambiente/programa/").content.decode()
    assert "Corredor Biológico Mesoamericano" in page and 'class="tag illustrative"' in page
