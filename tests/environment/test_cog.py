"""Soil-loss rasters are valid Cloud-Optimized GeoTIFFs at any size (issue 15 item 7), checked with
rio-cogeo's validator, the tool users run."""

import numpy as np
import pytest
import rasterio
from rio_cogeo.cogeo import cog_validate

from miaf.environment.terrain import dem_from_array, write_raster


@pytest.mark.parametrize("shape", [(7, 9), (600, 1100)])
def test_write_raster_makes_a_valid_cog_with_overviews_when_large(tmp_path, shape):
    rng = np.random.default_rng(3)
    values = rng.gamma(2.0, 10.0, size=shape).astype(np.float32)
    values[0, 0] = np.nan
    dem = dem_from_array(np.zeros(shape), 10.0, transform=rasterio.transform.from_origin(500000, 1800000, 10, 10),
                         crs="EPSG:32615")
    out = write_raster(tmp_path / "loss.tif", values, dem)
    valid, errors, warnings = cog_validate(str(out))
    assert valid, errors
    assert not errors
    with rasterio.open(out) as src:
        back = src.read(1)
        assert src.nodata == -9999.0 and back[0, 0] == -9999.0
        np.testing.assert_allclose(back[1:, 1:], values[1:, 1:])
        assert src.crs.to_epsg() == 32615
        if max(shape) > 512:
            assert src.overviews(1), "a raster larger than one tile carries overviews"
