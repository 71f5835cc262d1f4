"""Hostile and malformed DEM uploads to the designer: refused by the raster header, or a clear 422 / form error."""

from __future__ import annotations

import json

import numpy as np
import pytest
import rasterio
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pyproj import Transformer
from rasterio.transform import from_origin

from tests.conftest import OJO_POLYGON
from tests.designer.conftest import UTM15N, write_plane_dem

pytestmark = pytest.mark.django_db

URL = "/api/v1/design"


def _huge_sparse_dem(path, pixels: int = 200_000):  # noqa: ANN001, ANN202
    """A GeoTIFF over plot_ojo declaring ``pixels``² float32 cells (160 GB) and holding none: 20 KB on disk."""
    x0, y0 = Transformer.from_crs("EPSG:4326", UTM15N, always_xy=True).transform(-91.9795, 16.31045)
    with rasterio.open(path, "w", driver="GTiff", width=pixels, height=pixels, count=1, dtype="float32", crs=UTM15N,
                       transform=from_origin(x0 - 500, y0 + 500, 1000 / pixels, 1000 / pixels), tiled=True,
                       blockxsize=4096, blockysize=4096, compress="deflate", sparse_ok=True):
        pass
    return path


def _post(client, user, dem_bytes: bytes, name: str = "dem.tif", lang: str | None = None):  # noqa: ANN001, ANN202
    client.force_login(user)
    if lang:
        client.cookies["django_language"] = lang
    data = {"payload": json.dumps({"plot": OJO_POLYGON, "species": ["aguacate"]}),
            "dem": SimpleUploadedFile(name, dem_bytes, content_type="image/tiff")}
    return client.post(URL, data)


def _detail(response) -> dict:  # noqa: ANN001
    assert response.status_code == 422, response.content
    (err,) = response.json()["detail"]
    return err


def test_a_small_geotiff_claiming_200000_squared_pixels_is_refused_by_its_header(client, world, tmp_path):
    content = _huge_sparse_dem(tmp_path / "enorme.tif").read_bytes()
    assert len(content) < 300_000
    err = _detail(_post(client, world.carla, content))
    assert (err["field"], err["code"]) == ("dem", "dem_too_many_pixels")
    assert err["message"] == ("DEM: declara 200,000 × 200,000 píxeles; el máximo es 50,000,000 píxeles "
                              "(recorte el DEM a la parcela)")


def test_the_pixel_limit_message_is_in_english_for_an_english_user(client, world, tmp_path):
    content = _huge_sparse_dem(tmp_path / "enorme.tif", pixels=10_000).read_bytes()
    err = _detail(_post(client, world.carla, content, lang="en"))
    assert err["message"].startswith("DEM: it declares 10,000 × 10,000 pixels; the limit is 50,000,000")


def test_a_truncated_geotiff_is_a_422_on_dem_not_a_500(client, world, tmp_path):
    whole = write_plane_dem(tmp_path / "plano.tif", -91.9795, 16.31045).read_bytes()
    err = _detail(_post(client, world.carla, whole[: len(whole) // 2]))
    assert (err["field"], err["code"]) == ("dem", "dem_unreadable")
    assert err["message"].startswith("DEM: no se puede leer")


def test_a_dem_under_a_lowered_pixel_limit_is_refused_on_the_designer_page(world, client_for, form_data, tmp_path,
                                                                         limits_of):
    limits_of(raster_pixels=100)  # the plane DEM is 150 × 150 = 22,500 pixels
    dem = write_plane_dem(tmp_path / "plano.tif", -91.9795, 16.31045).read_bytes()
    client = client_for(world.carla)
    url = reverse("designer:preview", args=[world.plot_ojo.pk])
    html = client.post(url, form_data | {"dem": SimpleUploadedFile("plano.tif", dem)}).content.decode()
    assert "DEM: declara 150 × 150 píxeles; el máximo es 100 píxeles" in html


def test_a_geotiff_in_a_local_crs_is_a_422_naming_the_unknown_crs_not_a_500(client, world, tmp_path):
    # A CRS neither geographic nor projected (found by the fuzz test): rasterio cannot give its linear units.
    from rasterio.crs import CRS

    path = tmp_path / "local.tif"
    local = CRS.from_wkt('LOCAL_CS["arbitrario",LOCAL_DATUM["x",0],UNIT["metre",1],AXIS["X",EAST],AXIS["Y",NORTH]]')
    with rasterio.open(path, "w", driver="GTiff", width=10, height=10, count=1, dtype="float32", crs=local,
                       transform=from_origin(0, 10, 1, 1)) as dst:
        dst.write(np.full((1, 10, 10), 1500.0, dtype="float32"))
    err = _detail(_post(client, world.carla, path.read_bytes()))
    assert (err["field"], err["code"]) == ("dem", "dem_crs_unknown")
    assert "sistema de referencia de coordenadas" in err["message"]
