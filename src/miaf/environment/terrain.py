"""Digital elevation models in metric grids: loading, reprojection, slope and aspect.

The erosion models need square cells measured in metres. A DEM in geographic degrees (SRTM, the
matplotlib jacksboro sample) is reprojected to the UTM zone of its centre instead of being read as if its
cell size were metres; a projected DEM in feet is converted. Nodata cells become ``NaN`` and are excluded
from every later step (and counted in the results).
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from affine import Affine

__all__ = [
    "Dem",
    "dem_from_array",
    "read_dem",
    "write_raster",
    "horn_gradient",
    "slope_radians",
    "aspect_factor",
    "raster_overlay",
]


@dataclass
class Dem:
    """An elevation grid with square metric cells.

    Attributes
    ----------
    elevation : 2-D float64 array [m]; ``NaN`` marks nodata.
    cell_size_m : float [m], side of a square cell.
    transform : affine.Affine mapping (col, row) to CRS coordinates (upper-left origin).
    crs : str or None, WKT of a projected metric CRS (None for synthetic grids).
    source_crs : str or None, WKT of the file's CRS when the grid was reprojected on load.
    """

    elevation: np.ndarray
    cell_size_m: float
    transform: Affine = field(default_factory=Affine.identity)
    crs: str | None = None
    source_crs: str | None = None

    @property
    def shape(self) -> tuple[int, int]:
        return self.elevation.shape  # type: ignore[return-value]

    @property
    def valid(self) -> np.ndarray:
        return np.isfinite(self.elevation)

    @property
    def nodata_cells(self) -> int:
        return int(self.elevation.size - np.count_nonzero(self.valid))

    @property
    def reprojected(self) -> bool:
        return self.source_crs is not None


def dem_from_array(
    elevation: np.ndarray,
    cell_size_m: float,
    nodata: float | None = None,
    transform: Affine | None = None,
    crs: str | None = None,
) -> Dem:
    """Wrap an elevation array [m] with square cells of ``cell_size_m`` [m] as a :class:`Dem`."""
    z = np.array(elevation, dtype=np.float64, copy=True)
    if z.ndim != 2 or min(z.shape) < 2:
        raise ValueError(f"elevation must be a 2-D grid of at least 2 x 2 cells, got shape {z.shape}")
    if not (cell_size_m > 0 and math.isfinite(cell_size_m)):
        raise ValueError(f"cell_size_m must be a positive number of metres, got {cell_size_m}")
    if nodata is not None:
        z[z == nodata] = np.nan
    if not np.isfinite(z).any():
        raise ValueError("the DEM has no valid elevation cell (all nodata)")
    if transform is None:
        transform = Affine(cell_size_m, 0.0, 0.0, 0.0, -cell_size_m, z.shape[0] * cell_size_m)
    return Dem(elevation=z, cell_size_m=float(cell_size_m), transform=transform, crs=crs)


def _utm_crs(lon: float, lat: float):
    from pyproj import CRS

    zone = int(math.floor((lon + 180.0) / 6.0)) % 60 + 1
    return CRS.from_epsg((32600 if lat >= 0 else 32700) + zone)


def read_dem(path: str | Path, band: int = 1) -> Dem:
    """Read a GeoTIFF (any GDAL raster) DEM into a metric :class:`Dem`.

    A geographic CRS (degrees) is reprojected with bilinear resampling to the UTM zone of the raster centre;
    a projected CRS in feet or other linear units is converted to metres; rectangular cells are resampled
    to square cells of the geometric-mean size. Nodata becomes ``NaN``.

    Raises
    ------
    ValueError
        if the raster has no CRS (its cell size could be degrees or metres: assign one first).
    """
    import rasterio
    from pyproj import CRS
    from rasterio.warp import Resampling, calculate_default_transform, reproject

    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"DEM file not found: {path}")
    with rasterio.open(path) as src:
        if src.crs is None:
            raise ValueError(
                f"{path.name}: the DEM has no coordinate reference system; assign one (e.g. EPSG:4326 for "
                "degrees or the UTM zone in metres) so that cell sizes are not misread"
            )
        z = src.read(band).astype(np.float64)
        if src.nodata is not None:
            z[z == src.nodata] = np.nan
        crs = CRS.from_user_input(src.crs.to_wkt())
        transform = src.transform
        bounds = src.bounds
    res_x, res_y = abs(transform.a), abs(transform.e)
    if crs.is_geographic or abs(transform.b) > 0 or abs(transform.d) > 0 or abs(res_x - res_y) > 0.01 * res_x:
        if crs.is_geographic:
            dst = _utm_crs((bounds.left + bounds.right) / 2, (bounds.bottom + bounds.top) / 2)
        else:
            dst = crs
        t0, w0, h0 = calculate_default_transform(crs, dst, z.shape[1], z.shape[0], *bounds)
        res = math.sqrt(abs(t0.a * t0.e))
        t1, w1, h1 = calculate_default_transform(crs, dst, z.shape[1], z.shape[0], *bounds, resolution=res)
        out = np.full((h1, w1), np.nan)
        reproject(
            z, out, src_transform=transform, src_crs=crs.to_wkt(), dst_transform=t1, dst_crs=dst.to_wkt(),
            resampling=Resampling.bilinear, src_nodata=np.nan, dst_nodata=np.nan,
        )
        dem = dem_from_array(out, res, transform=t1, crs=dst.to_wkt())
        dem.source_crs = crs.to_wkt()
        if not crs.is_geographic:
            dem = _to_metres(dem, crs)
        return dem
    dem = dem_from_array(z, res_x, transform=transform, crs=crs.to_wkt())
    return _to_metres(dem, crs)


def _to_metres(dem: Dem, crs) -> Dem:
    factor = crs.axis_info[0].unit_conversion_factor if crs.axis_info else 1.0
    if abs(factor - 1.0) > 1e-12:
        dem.cell_size_m = dem.cell_size_m * factor
    return dem


def write_raster(path: str | Path, array: np.ndarray, dem: Dem, nodata: float = -9999.0) -> Path:
    """Write a per-cell array on the grid of ``dem`` as a float32 Cloud-Optimized GeoTIFF.

    ``NaN`` is written as ``nodata``. The file is made by GDAL's COG driver (tiles of 512 × 512, DEFLATE with
    the floating-point predictor, overviews by averaging until they fit one tile), so it is a valid COG at
    any size (``rio cogeo validate``) and still an ordinary GeoTIFF for tools that know nothing of COGs.

    References
    ----------
    GDAL, "COG – Cloud Optimized GeoTIFF generator", https://gdal.org/drivers/raster/cog.html.
    """
    import rasterio
    import rasterio.shutil
    from rasterio.io import MemoryFile

    path = Path(path)
    data = np.where(np.isfinite(array), array, nodata).astype(np.float32)
    profile = dict(driver="GTiff", height=data.shape[0], width=data.shape[1], count=1, dtype="float32",
                   crs=dem.crs, transform=dem.transform, nodata=nodata)
    with MemoryFile() as mem:
        with mem.open(**profile) as tmp:
            tmp.write(data, 1)
        with mem.open() as src:
            rasterio.shutil.copy(src, path, driver="COG", compress="DEFLATE", predictor="FLOATING_POINT",
                                 blocksize=512, overview_resampling="AVERAGE")
    return path


def horn_gradient(dem: Dem) -> tuple[np.ndarray, np.ndarray]:
    """Surface gradient by Horn's third-order finite difference.

    Returns
    -------
    dz_dx, dz_dy : arrays [m m⁻¹], x eastwards (columns), y northwards (rows decrease).

    Notes
    -----
    Nodata cells are filled with the nearest valid elevation and the grid edge is extended by odd
    reflection (2 z_edge − z_inner), so a plane has its exact gradient on every cell, edges included.

    References
    ----------
    Horn, B.K.P., "Hill shading and the reflectance map", Proceedings of the IEEE 69(1):14-47, 1981,
    doi:10.1109/PROC.1981.11918.
    """
    z = dem.elevation
    valid = np.isfinite(z)
    if not valid.all():
        from scipy.ndimage import distance_transform_edt

        idx = distance_transform_edt(~valid, return_distances=False, return_indices=True)
        z = z[tuple(idx)]
    p = np.pad(z, 1, mode="reflect", reflect_type="odd")
    a, b, c = p[:-2, :-2], p[:-2, 1:-1], p[:-2, 2:]
    d, f = p[1:-1, :-2], p[1:-1, 2:]
    g, h, i = p[2:, :-2], p[2:, 1:-1], p[2:, 2:]
    s = dem.cell_size_m
    dz_dx = ((c + 2 * f + i) - (a + 2 * d + g)) / (8 * s)
    dz_dy = ((a + 2 * b + c) - (g + 2 * h + i)) / (8 * s)
    return dz_dx, dz_dy


def slope_radians(dem: Dem) -> np.ndarray:
    """Slope angle θ [rad] from Horn's gradient; ``NaN`` on nodata cells."""
    gx, gy = horn_gradient(dem)
    theta = np.arctan(np.hypot(gx, gy))
    theta[~dem.valid] = np.nan
    return theta


def aspect_factor(dem: Dem) -> np.ndarray:
    """Desmet & Govers' contour-width factor x = |sin α| + |cos α| [-] (α aspect); 1 on flat cells."""
    gx, gy = horn_gradient(dem)
    norm = np.hypot(gx, gy)
    with np.errstate(invalid="ignore", divide="ignore"):
        x = (np.abs(gx) + np.abs(gy)) / norm
    return np.where(norm > 0, x, 1.0)


def raster_overlay(
    array: np.ndarray,
    dem: Dem,
    vmin: float = 0.0,
    vmax: float | None = None,
    cmap: str = "YlOrRd",
) -> tuple[bytes, list[list[float]]]:
    """Colour-map a per-cell array for a Leaflet ``imageOverlay``.

    The array is reprojected (nearest neighbour) to longitude/latitude so that it lines up with the
    bounds Leaflet expects; ``NaN`` cells are transparent.

    Returns
    -------
    png : bytes of an RGBA PNG image.
    bounds : ``[[south, west], [north, east]]`` in degrees (Leaflet's LatLngBounds order).
    """
    import matplotlib
    from PIL import Image

    data = np.asarray(array, dtype=np.float64)
    transform, crs = dem.transform, dem.crs
    if crs is not None:
        from rasterio.warp import Resampling, calculate_default_transform, reproject

        h, w = data.shape
        left, top = transform @ (0, 0)
        right, bottom = transform @ (w, h)
        t1, w1, h1 = calculate_default_transform(crs, "EPSG:4326", w, h, left, bottom, right, top)
        out = np.full((h1, w1), np.nan)
        reproject(data, out, src_transform=transform, src_crs=crs, dst_transform=t1, dst_crs="EPSG:4326",
                  resampling=Resampling.nearest, src_nodata=np.nan, dst_nodata=np.nan)
        data, transform = out, t1
    finite = np.isfinite(data)
    top_value = vmax if vmax is not None else (float(np.nanmax(data)) if finite.any() else 1.0)
    scale = (data - vmin) / max(top_value - vmin, 1e-12)
    rgba = matplotlib.colormaps[cmap](np.clip(np.nan_to_num(scale), 0, 1), bytes=True)
    rgba[~finite, 3] = 0
    buf = io.BytesIO()
    Image.fromarray(rgba, mode="RGBA").save(buf, format="PNG")
    h, w = data.shape
    west, north = transform @ (0, 0)
    east, south = transform @ (w, h)
    return buf.getvalue(), [[min(south, north), min(west, east)], [max(south, north), max(west, east)]]
