from __future__ import annotations

import numpy as np
import pytest


@pytest.fixture
def jacksboro_geotiff(tmp_path):
    """The real jacksboro fault DEM shipped with matplotlib, written as a geographic (EPSG:4326) GeoTIFF."""
    import matplotlib.cbook as cbook
    import rasterio
    from rasterio.transform import from_origin

    sample = cbook.get_sample_data("jacksboro_fault_dem.npz")
    data = sample if hasattr(sample, "files") else np.load(sample)  # recent matplotlib returns the NpzFile
    z = data["elevation"].astype(np.float32)
    dx, dy = float(data["dx"]), float(data["dy"])
    west = float(data["xmin"])
    north = max(float(data["ymin"]), float(data["ymax"]))
    path = tmp_path / "jacksboro_wgs84.tif"
    with rasterio.open(path, "w", driver="GTiff", height=z.shape[0], width=z.shape[1], count=1, dtype="float32",
                       crs="EPSG:4326", transform=from_origin(west, north, dx, dy), nodata=-9999.0) as dst:
        dst.write(z, 1)
    return path, z, (dx, dy, west, north)


def write_metric_geotiff(path, z, cell, crs="EPSG:32615", origin=(500000.0, 1800000.0), nodata=-9999.0):
    import rasterio
    from rasterio.transform import from_origin

    with rasterio.open(path, "w", driver="GTiff", height=z.shape[0], width=z.shape[1], count=1, dtype="float64",
                       crs=crs, transform=from_origin(origin[0], origin[1], cell, cell), nodata=nodata) as dst:
        dst.write(np.asarray(z, dtype=np.float64), 1)
    return path
