"""The GeoPackages open in GDAL (pyogrio, the OGR GPKG driver that QGIS uses): layers, CRS, geometry types,
feature counts, attributes and geometries as written; GDAL's own validity checks raise no warning."""

from __future__ import annotations

import warnings

import pytest
import shapely
from django.urls import reverse
from shapely.geometry import shape

from miaf.web.exports.columns import PLOTS
from tests.conftest import OJO_POLYGON
from tests.exports.helpers import body

pyogrio = pytest.importorskip("pyogrio")

pytestmark = pytest.mark.django_db


def save(tmp_path, response):  # noqa: ANN001, ANN201
    path = tmp_path / "out.gpkg"
    path.write_bytes(body(response))
    return path


def test_gdal_reads_the_plots_geopackage_as_written(records, client_for, tmp_path):
    path = save(tmp_path, client_for(records.root).get(reverse("exports:plots_gpkg")))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a GDAL complaint about the file would surface as a warning
        layers = pyogrio.list_layers(path)
        info = pyogrio.read_info(path, layer="parcelas")
        meta, fids, geoms, fields = pyogrio.raw.read(path, layer="parcelas", return_fids=True)
    assert [tuple(x) for x in layers] == [("parcelas", "Polygon")]
    assert info["driver"] == "GPKG" and info["crs"] == "EPSG:4326" and info["features"] == 3
    assert info["geometry_type"] == "Polygon"
    assert list(info["fields"]) == PLOTS.names
    assert info["total_bounds"] == pytest.approx((-92.1, 16.2, -91.979, 16.3109))
    polys = shapely.from_wkb(geoms)
    codes = list(fields[list(meta["fields"]).index("family_code")])
    ojo = polys[codes.index("OJO-001")]
    assert ojo.equals(shape(OJO_POLYGON))
    assert float(fields[list(meta["fields"]).index("area_ha")][codes.index("OJO-001")]) == pytest.approx(
        records.plot_ojo.area_ha)


def test_gdal_reads_the_three_design_layers(records, client_for, tmp_path):
    path = save(tmp_path, client_for(records.ana).get(reverse("exports:designs_gpkg")))
    layers = {name: kind for name, kind in pyogrio.list_layers(path)}
    assert layers == {"disenos_puntos": "Point", "disenos_lineas": "LineString", "disenos_poligonos": "Polygon"}
    assert pyogrio.read_info(path, layer="disenos_puntos")["features"] == 2
    assert pyogrio.read_info(path, layer="disenos_lineas")["crs"] == "EPSG:4326"
