"""Shared synthetic terrain for the plot-designer tests: GeoTIFFs with a known answer."""

from __future__ import annotations

import numpy as np
import pyproj
import pytest
import rasterio
from affine import Affine

#: A point in the Chiapas highlands (UTM zone 15N, EPSG:32615).
LON0, LAT0 = -92.64, 16.74
UTM = pyproj.CRS.from_epsg(32615)
_FWD = pyproj.Transformer.from_crs(4326, UTM, always_xy=True)
_INV = pyproj.Transformer.from_crs(UTM, 4326, always_xy=True)
X0, Y0 = (round(v, -1) for v in _FWD.transform(LON0, LAT0))


def polygon_utm(coords_m: list[tuple[float, float]]) -> dict:
    """GeoJSON polygon (WGS84) from UTM 15N offsets [m] relative to (X0, Y0); the ring is closed."""
    ring = [list(_INV.transform(X0 + dx, Y0 + dy)) for dx, dy in coords_m]
    ring.append(ring[0])
    return {"type": "Polygon", "coordinates": [ring]}


def rectangle(w: float, h: float, dx: float = 0.0, dy: float = 0.0) -> dict:
    return polygon_utm([(dx, dy), (dx + w, dy), (dx + w, dy + h), (dx, dy + h)])


def write_dem(path, z: np.ndarray, res: float, x_min: float, y_max: float, crs="EPSG:32615",
              nodata: float | None = None) -> str:
    """Write ``z`` (north-up rows) as a float32 GeoTIFF."""
    with rasterio.open(path, "w", driver="GTiff", height=z.shape[0], width=z.shape[1], count=1,
                       dtype="float32", crs=crs, transform=Affine(res, 0, x_min, 0, -res, y_max),
                       nodata=nodata) as dst:
        dst.write(z.astype("float32"), 1)
    return str(path)


def utm_grid(extent: float, res: float):
    """Cell-centre offsets [m] of a square grid of side ``extent`` centred on (X0, Y0), north-up."""
    n = int(extent / res)
    off = (np.arange(n) + 0.5) * res - extent / 2
    dx, dy = np.meshgrid(off, off[::-1])
    return dx, dy, X0 - extent / 2, Y0 + extent / 2


@pytest.fixture
def plane_dem(tmp_path):
    """30 % plane facing south (elevation rises to the north), 1 m cells, 400 m square."""
    dx, dy, xmin, ymax = utm_grid(400, 1.0)
    z = 1500.0 + 0.30 * dy
    return write_dem(tmp_path / "plane.tif", z, 1.0, xmin, ymax)


@pytest.fixture
def cone_dem(tmp_path):
    """Cone (hill) of constant 30 % slope centred on (X0, Y0), 1 m cells."""
    dx, dy, xmin, ymax = utm_grid(400, 1.0)
    z = 1600.0 - 0.30 * np.hypot(dx, dy)
    return write_dem(tmp_path / "cone.tif", z, 1.0, xmin, ymax)


@pytest.fixture
def valley_dem(tmp_path):
    """V-shaped valley: flanks of 35 % towards a thalweg along y that falls 10 % to the south."""
    dx, dy, xmin, ymax = utm_grid(400, 1.0)
    z = 1400.0 + 0.35 * np.abs(dx) + 0.10 * dy
    return write_dem(tmp_path / "valley.tif", z, 1.0, xmin, ymax)
