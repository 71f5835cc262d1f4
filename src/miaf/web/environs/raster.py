"""Per-cell soil-loss map of a plot: a GeoTIFF and a PNG overlay for Leaflet.

Plots have no DEM in the database today, so the map is computed on a **uniform-slope surface**
("pendiente uniforme"): a plane with the plot's mean slope, falling towards
``raster_downslope_azimuth_deg`` (``params/environs.csv``; the plot's aspect is not stored), sampled on a
square grid of ``raster_cell_size_m`` in the UTM zone of the plot and clipped to the plot polygon. The
RUSLE chain then runs per cell with flow routing (:func:`miaf.environment.evaluate_soil_loss` with a DEM):
the loss grows down the fall line as the contributing area grows, and MIAF-D tree rows every module width
cut it. The plot mean of this map differs from the panel's closed-form value, which uses the default slope
length instead of the plot's own extent along the fall line.
"""

from __future__ import annotations

import math
import tempfile
from dataclasses import replace
from pathlib import Path

import numpy as np
import shapely
from affine import Affine
from pyproj import CRS, Transformer
from shapely.geometry import shape

from miaf.environment import evaluate_soil_loss
from miaf.environment.erosion import SoilLossResult
from miaf.environment.terrain import Dem

from .evaluate import environs_parameters, erosion_inputs
from .records import PlotRecords

__all__ = ["METHOD", "planar_dem", "soil_loss_map", "geotiff_bytes"]

METHOD = "pendiente uniforme"


def _utm(lon: float, lat: float) -> CRS:
    zone = int(math.floor((lon + 180.0) / 6.0)) % 60 + 1
    return CRS.from_epsg((32600 if lat >= 0 else 32700) + zone)


def planar_dem(polygon, slope_pct: float, cell_size_m: float, azimuth_deg: float, max_cells: int) -> Dem:
    """A plane of ``slope_pct`` [%] falling towards ``azimuth_deg`` [deg from north], covering ``polygon``.

    The grid is in the UTM zone of the polygon's centroid, with a margin of two cells; the cell size grows
    when the plot would need more than ``max_cells`` cells.
    """
    c = polygon.centroid
    crs = _utm(c.x, c.y)
    tr = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    local = shapely.transform(polygon, lambda xy: np.column_stack(tr.transform(xy[:, 0], xy[:, 1])))
    minx, miny, maxx, maxy = local.bounds
    size = float(cell_size_m)
    while ((maxx - minx) / size + 4) * ((maxy - miny) / size + 4) > max_cells:
        size *= 2.0
    x0, y1 = minx - 2 * size, maxy + 2 * size
    w = int(math.ceil((maxx + 2 * size - x0) / size))
    h = int(math.ceil((y1 - (miny - 2 * size)) / size))
    transform = Affine(size, 0.0, x0, 0.0, -size, y1)
    cols, rows = np.meshgrid(np.arange(w) + 0.5, np.arange(h) + 0.5)
    x = x0 + cols * size
    y = y1 - rows * size
    az = math.radians(azimuth_deg)
    downhill = (x - x0) * math.sin(az) + (y - y1) * math.cos(az)  # distance along the fall direction [m]
    z = -downhill * float(slope_pct) / 100.0
    return Dem(elevation=z - z.min(), cell_size_m=size, transform=transform, crs=crs.to_string())


def soil_loss_map(rec: PlotRecords, year: int, today) -> SoilLossResult:  # noqa: ANN001
    """Per-cell RUSLE of the plot on its uniform-slope surface (raises ValueError without a slope)."""
    inputs, _sources = erosion_inputs(rec, year, today)
    p = environs_parameters()
    polygon = shape(rec.boundary)
    dem = planar_dem(polygon, inputs.slope_pct, float(p["raster_cell_size_m"]),
                     float(p["raster_downslope_azimuth_deg"]), int(float(p["raster_max_cells"])))
    res = evaluate_soil_loss(replace(inputs, slope_length_m=None), dem=dem, plot=polygon)
    res.method = f"{res.method} ({METHOD})"
    return res


def geotiff_bytes(res: SoilLossResult) -> bytes:
    """The per-cell soil loss [t ha⁻¹ yr⁻¹] as float32 GeoTIFF bytes (nodata −9999 outside the plot)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "perdida.tif"
        res.write_raster(path)
        return path.read_bytes()
