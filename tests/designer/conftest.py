"""Designer fixtures: GeoTIFF DEMs written with rasterio (a 30 % plane facing south over plot_ojo, and the
same plane 20 km away), and the form data of a simple design."""

from __future__ import annotations

import numpy as np
import pytest
import rasterio
from pyproj import Transformer
from rasterio.transform import from_origin

UTM15N = "EPSG:32615"
SLOPE = 0.30  # 30 % slope, rising to the north: the plane faces south (aspect 180°)


def write_plane_dem(path, lon: float, lat: float, shift_m: float = 0.0, half_size_m: float = 150.0,
                    res_m: float = 2.0):  # noqa: ANN001, ANN201
    """A 30 % plane in UTM 15N centred on (lon, lat) + ``shift_m`` east, as a float32 GeoTIFF."""
    x0, y0 = Transformer.from_crs("EPSG:4326", UTM15N, always_xy=True).transform(lon, lat)
    x0 += shift_m
    n = int(2 * half_size_m / res_m)
    left, top = x0 - half_size_m, y0 + half_size_m
    ys = top - (np.arange(n) + 0.5) * res_m
    z = 1500.0 + SLOPE * (ys - y0)  # elevation grows northwards by 0.30 m per m
    grid = np.repeat(z[:, None], n, axis=1).astype("float32")
    with rasterio.open(path, "w", driver="GTiff", width=n, height=n, count=1, dtype="float32", crs=UTM15N,
                       transform=from_origin(left, top, res_m, res_m), nodata=-9999.0) as dst:
        dst.write(grid, 1)
    return path


@pytest.fixture
def plane_dem(tmp_path):  # noqa: ANN001, ANN201
    """30 % south-facing plane covering plot_ojo (centre -91.9795, 16.31045)."""
    return write_plane_dem(tmp_path / "plano.tif", -91.9795, 16.31045)


@pytest.fixture
def far_dem(tmp_path):  # noqa: ANN001, ANN201
    """The same plane 20 km east of plot_ojo: it does not overlap the plot."""
    return write_plane_dem(tmp_path / "lejos.tif", -91.9795, 16.31045, shift_m=20_000.0)


@pytest.fixture
def form_data():  # noqa: ANN201
    """One avocado design on a 30 % slope facing south, with the plot's deep soil."""
    return {"species": ["aguacate"], "arrangement": "alternate", "slope_pct": "30", "aspect_deg": "180",
            "soil_depth_class": "deep", "row_spacing_m": "", "tree_spacing_m": "", "year": "0"}
