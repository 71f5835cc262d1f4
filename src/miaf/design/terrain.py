"""Terrain on the plot's local metric grid: a DEM window reprojected to UTM, or a planar surface.

The designer works on a north-up grid in the UTM zone of the plot centroid. A DEM (file path or
in-memory array) in any projected or geographic CRS is cut to a window around the plot, reprojected
with bilinear resampling (:func:`rasterio.warp.reproject`), its small nodata holes filled
(:func:`rasterio.fill.fillnodata`) and smoothed with a NaN-aware Gaussian filter. Without a DEM a
plane is built from the mean slope and aspect.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyproj
import rasterio
import shapely
from affine import Affine
from rasterio.crs import CRS
from rasterio.enums import Resampling
from rasterio.fill import fillnodata
from rasterio.warp import reproject, transform_bounds
from rasterio.windows import Window, from_bounds
from scipy.ndimage import distance_transform_edt, gaussian_filter

from miaf import limits as _limits

from .messages import DesignError

__all__ = ["DemArray", "Terrain", "dem_terrain", "planar_terrain", "planar_elevation"]


@dataclass(frozen=True)
class DemArray:
    """An in-memory DEM: elevations [m], affine transform (rasterio order), CRS and nodata value."""

    array: np.ndarray
    transform: Any
    crs: Any
    nodata: float | None = None


@dataclass
class Terrain:
    """Elevation on the local grid (cell centres ``x`` and ``y`` ascending, ``z[iy, ix]``).

    ``z`` is the surface the rows are traced on (smoothed DEM or plane); ``z_report`` holds the
    elevations reported to the user (``None`` when no DEM was given: a plane has no absolute height).
    """

    x: np.ndarray
    y: np.ndarray
    z: np.ndarray
    res: float
    source: str
    z_report: np.ndarray | None = None
    native_res_m: float | None = None
    coverage_raw: float = 1.0
    coverage: float = 1.0
    dem_crs: str | None = None

    def gradient(self) -> tuple[np.ndarray, np.ndarray]:
        """(dz/dx, dz/dy) [m m⁻¹] by central differences."""
        gy, gx = np.gradient(self.z, self.res)
        return gx, gy

    def sample(self, xs: np.ndarray, ys: np.ndarray, report: bool = False) -> np.ndarray:
        """Bilinear elevation [m] at local coordinates (NaN outside the grid or over nodata)."""
        z = self.z_report if report and self.z_report is not None else self.z
        fx = (np.asarray(xs, float) - self.x[0]) / self.res
        fy = (np.asarray(ys, float) - self.y[0]) / self.res
        ix = np.minimum(np.maximum(np.floor(fx).astype(int), 0), len(self.x) - 2)
        iy = np.minimum(np.maximum(np.floor(fy).astype(int), 0), len(self.y) - 2)
        tx, ty = fx - ix, fy - iy
        out = (z[iy, ix] * (1 - tx) * (1 - ty) + z[iy, ix + 1] * tx * (1 - ty)
               + z[iy + 1, ix] * (1 - tx) * ty + z[iy + 1, ix + 1] * tx * ty)
        bad = (fx < 0) | (fy < 0) | (fx > len(self.x) - 1) | (fy > len(self.y) - 1)
        holes = np.isnan(out) & ~bad
        if not holes.any():
            return np.where(bad, np.nan, out)
        ix, iy, tx, ty = ix[holes], iy[holes], tx[holes], ty[holes]
        corners = np.stack([z[iy, ix], z[iy, ix + 1], z[iy + 1, ix], z[iy + 1, ix + 1]])
        weights = np.stack([(1 - tx) * (1 - ty), tx * (1 - ty), (1 - tx) * ty, tx * ty])
        ok = np.isfinite(corners)
        wsum = np.where(ok, weights, 0.0).sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            # next to nodata the valid corners alone are averaged (contours can run there)
            fill = np.where(ok, corners * weights, 0.0).sum(axis=0) / wsum
        result = np.where(bad, np.nan, out)
        result[holes] = np.where(wsum > 0, fill, np.nan)
        return result


def grid_axes(bounds: tuple[float, float, float, float], res: float) -> tuple[np.ndarray, np.ndarray]:
    """Cell-centre coordinates [m] of a grid snapped to ``res`` covering ``bounds``."""
    x0 = math.floor(bounds[0] / res) * res
    y0 = math.floor(bounds[1] / res) * res
    nx = int(math.ceil((bounds[2] - x0) / res)) + 1
    ny = int(math.ceil((bounds[3] - y0) / res)) + 1
    return x0 + res * np.arange(nx), y0 + res * np.arange(ny)


def planar_elevation(x: np.ndarray, y: np.ndarray, slope_pct: float, aspect_deg: float,
                     x0: float = 0.0, y0: float = 0.0) -> np.ndarray:
    """Elevation of a plane [m] relative to (x0, y0).

    Parameters
    ----------
    x, y : array [m]
        Local easting and northing.
    slope_pct : float [%]
        Slope gradient (rise over run × 100).
    aspect_deg : float [°]
        Direction the slope faces (downhill azimuth), clockwise from north.

    Returns
    -------
    array [m]

    Notes
    -----
    z = −s · ((x − x0) sin a + (y − y0) cos a), with s = slope_pct / 100 and a the aspect.
    """
    a = math.radians(aspect_deg)
    return -(slope_pct / 100.0) * ((x - x0) * math.sin(a) + (y - y0) * math.cos(a))


def planar_terrain(bounds: tuple[float, float, float, float], slope_pct: float, aspect_deg: float,
                   res: float) -> Terrain:
    """Planar :class:`Terrain` on a grid covering ``bounds`` [m], relative elevation 0 at the centre."""
    x, y = grid_axes(bounds, res)
    cx, cy = (bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2
    xx, yy = np.meshgrid(x, y)
    z = planar_elevation(xx, yy, slope_pct, aspect_deg, cx, cy)
    return Terrain(x=x, y=y, z=z, res=res, source="planar")


def _as_crs(crs: Any) -> CRS | None:
    if crs is None:
        return None
    try:
        if isinstance(crs, CRS):
            out = crs
        elif isinstance(crs, pyproj.CRS):
            out = CRS.from_wkt(crs.to_wkt())
        else:
            out = CRS.from_user_input(crs)
    except Exception:  # rasterio raises CRSError, pyproj its own; both mean "unknown"
        return None
    return out if out else None


def _open_dem(dem: Any) -> tuple[Any, Affine, CRS, float | None, tuple[int, int], Any]:
    """(reader or array, transform, crs, nodata, shape, closer) for a path or an in-memory DEM."""
    if isinstance(dem, (str, Path)):
        try:
            src = rasterio.open(dem)
        except Exception as exc:
            raise DesignError("dem_unreadable", source=str(dem), detail=str(exc).splitlines()[0]) from exc
        crs = _as_crs(src.crs)
        if crs is None:
            src.close()
            raise DesignError("dem_crs_unknown", crs=src.crs)
        return src, src.transform, crs, src.nodata, (src.height, src.width), src.close
    if isinstance(dem, (bytes, bytearray, memoryview)):  # an uploaded GeoTIFF held in memory
        from rasterio.io import MemoryFile

        mem = MemoryFile(bytes(dem))
        try:
            src = mem.open()
        except Exception as exc:
            mem.close()
            raise DesignError("dem_unreadable", source="uploaded bytes", detail=str(exc).splitlines()[0]) from exc
        crs = _as_crs(src.crs)

        def close() -> None:
            src.close()
            mem.close()

        if crs is None:
            close()
            raise DesignError("dem_crs_unknown", crs=src.crs)
        return src, src.transform, crs, src.nodata, (src.height, src.width), close
    if isinstance(dem, tuple) and len(dem) in (3, 4):
        dem = DemArray(*dem)
    if not isinstance(dem, DemArray):
        raise DesignError("dem_unreadable", source=type(dem).__name__,
                          detail="expected a file path or (array, transform, crs, nodata)")
    arr = np.asarray(dem.array)
    if arr.ndim == 3 and arr.shape[0] == 1:
        arr = arr[0]
    if arr.ndim != 2 or arr.size == 0:
        raise DesignError("dem_unreadable", source="array", detail=f"expected a 2-D array, got shape {arr.shape}")
    tr = dem.transform if isinstance(dem.transform, Affine) else Affine(*tuple(dem.transform)[:6])
    crs = _as_crs(dem.crs)
    if crs is None:
        raise DesignError("dem_crs_unknown", crs=dem.crs)
    return arr, tr, crs, dem.nodata, arr.shape, lambda: None


def _native_res_m(tr: Affine, crs: CRS, lat: float) -> float:
    rx, ry = abs(tr.a), abs(tr.e)
    if crs.is_geographic:
        return min(rx * 111_320.0 * math.cos(math.radians(lat)), ry * 110_540.0)
    try:
        factor = crs.linear_units_factor[1] if crs.linear_units_factor else 1.0
    except Exception as exc:  # rasterio's CRSError: neither geographic nor projected (a local/engineering CRS)
        raise DesignError("dem_crs_unknown", crs=str(crs)) from exc
    return min(rx, ry) * factor


def _check_georeference(tr: Affine, crs: CRS, shape: tuple[int, int]) -> None:
    h, w = shape
    xs = [tr.c, tr.c + tr.a * w]
    ys = [tr.f, tr.f + tr.e * h]
    if abs(tr.b) > 0 or abs(tr.d) > 0:
        raise DesignError("dem_georeference_invalid", detail="rotated rasters are not supported")
    if crs.is_geographic:
        if min(xs) < -181 or max(xs) > 361 or min(ys) < -91 or max(ys) > 91:
            raise DesignError("dem_georeference_invalid",
                              detail=f"bounds x {min(xs):.1f}..{max(xs):.1f}, y {min(ys):.1f}..{max(ys):.1f} "
                                     "are not degrees although the CRS is geographic")
        if abs(tr.a) > 0.5 or abs(tr.e) > 0.5:
            raise DesignError("dem_georeference_invalid", detail=f"cell size {abs(tr.a)}° is implausibly large")
    elif abs(tr.a) < 1e-3 or abs(tr.e) < 1e-3:
        raise DesignError("dem_georeference_invalid",
                          detail=f"cell size {abs(tr.a):g} in a projected CRS looks like degrees")


def _nan_gaussian(z: np.ndarray, sigma_px: float) -> np.ndarray:
    if sigma_px <= 0:
        return z
    valid = np.isfinite(z)
    num = gaussian_filter(np.where(valid, z, 0.0), sigma_px, mode="nearest")
    den = gaussian_filter(valid.astype(float), sigma_px, mode="nearest")
    with np.errstate(invalid="ignore", divide="ignore"):
        out = num / den
    return np.where(valid, out, np.nan)


def dem_terrain(dem: Any, plot_local: shapely.Polygon, local_crs: pyproj.CRS, margin_m: float,
                p: dict[str, float]) -> Terrain:
    """DEM window around the plot on the local metric grid, checked, filled and smoothed.

    Parameters
    ----------
    dem : str, Path, bytes, DemArray or tuple (array, transform, crs, nodata)
        Elevations [m] in any projected or geographic CRS (bytes: a GeoTIFF file's content).
    plot_local : shapely.Polygon [m]
        Plot boundary in ``local_crs``.
    local_crs : pyproj.CRS
        The plot's UTM CRS.
    margin_m : float [m]
        Extra border around the plot bounding box.
    p : dict
        Design parameters (``work_grid_*``, ``dem_*``).

    Returns
    -------
    Terrain

    Raises
    ------
    DesignError
        ``dem_unreadable``, ``dem_crs_unknown``, ``dem_georeference_invalid``, ``dem_no_overlap``,
        ``dem_all_nodata``, ``dem_absurd_values``.
    """
    src, tr, crs, nodata, shape, close = _open_dem(dem)
    try:
        pixel_limit = _limits.LIMITS.raster_pixels
        if not isinstance(src, np.ndarray) and shape[0] * shape[1] > pixel_limit:
            # Refused by its header, before any block is read (a 300 KB file may claim 200,000² pixels).
            raise DesignError("dem_too_many_pixels", width=shape[1], height=shape[0], limit=pixel_limit)
        _check_georeference(tr, crs, shape)
        minx, miny, maxx, maxy = plot_local.bounds
        bounds = (minx - margin_m, miny - margin_m, maxx + margin_m, maxy + margin_m)
        dst_crs = CRS.from_wkt(local_crs.to_wkt())
        lat = pyproj.Transformer.from_crs(local_crs, 4326, always_xy=True).transform(
            (minx + maxx) / 2, (miny + maxy) / 2)[1]
        native = _native_res_m(tr, crs, lat)
        try:
            sb = transform_bounds(dst_crs, crs, *bounds, densify_pts=21)
            pb = transform_bounds(dst_crs, crs, minx, miny, maxx, maxy, densify_pts=21)
        except Exception as exc:
            raise DesignError("dem_crs_unknown", crs=str(crs)) from exc
        h, w = shape
        dem_b = (min(tr.c, tr.c + tr.a * w), min(tr.f, tr.f + tr.e * h),
                 max(tr.c, tr.c + tr.a * w), max(tr.f, tr.f + tr.e * h))
        if pb[0] >= dem_b[2] or pb[2] <= dem_b[0] or pb[1] >= dem_b[3] or pb[3] <= dem_b[1]:
            raise DesignError("dem_no_overlap", dem_bounds=[round(v, 6) for v in dem_b], crs=crs.to_string(),
                              plot_bounds=[round(v, 6) for v in pb])
        win = from_bounds(*sb, transform=tr)
        col0 = max(int(math.floor(win.col_off)) - 2, 0)
        row0 = max(int(math.floor(win.row_off)) - 2, 0)
        col1 = min(int(math.ceil(win.col_off + win.width)) + 2, w)
        row1 = min(int(math.ceil(win.row_off + win.height)) + 2, h)
        window = Window(col0, row0, col1 - col0, row1 - row0)
        if isinstance(src, np.ndarray):
            block = src[row0:row1, col0:col1]
        else:
            try:
                block = src.read(1, window=window)
            except Exception as exc:  # rasterio raises RasterioIOError/CPLE_* on a truncated or corrupt file
                raise DesignError("dem_unreadable", source="DEM",
                                  detail=(str(exc).splitlines() or [type(exc).__name__])[0][:300]) from exc
        block = block.astype(np.float64)
        if nodata is not None and not (isinstance(nodata, float) and math.isnan(nodata)):
            block[block == nodata] = np.nan
        block[~np.isfinite(block)] = np.nan
        if not np.isfinite(block).any():
            raise DesignError("dem_all_nodata")
        zmin, zmax = float(np.nanmin(block)), float(np.nanmax(block))
        lo, hi = p["dem_min_elevation_m"], p["dem_max_elevation_m"]
        if zmin < lo or zmax > hi:
            raise DesignError("dem_absurd_values", zmin=zmin, zmax=zmax, lo=lo, hi=hi)
        win_tr = Affine(tr.a, tr.b, tr.c + col0 * tr.a + row0 * tr.b, tr.d, tr.e, tr.f + col0 * tr.d + row0 * tr.e)
    finally:
        close()

    res = min(max(native, p["work_grid_min_res_m"]), p["work_grid_max_res_m"])
    area = (bounds[2] - bounds[0]) * (bounds[3] - bounds[1])
    res = max(res, math.sqrt(area / p["work_grid_max_cells"]))
    x, y = grid_axes(bounds, res)
    dst = np.full((len(y), len(x)), np.nan)
    dst_tr = Affine(res, 0, x[0] - res / 2, 0, -res, y[-1] + res / 2)
    reproject(block, dst, src_transform=win_tr, src_crs=crs, src_nodata=np.nan,
              dst_transform=dst_tr, dst_crs=dst_crs, dst_nodata=np.nan, resampling=Resampling.bilinear)
    z = dst[::-1].copy()  # north-up rows -> y ascending

    xx, yy = np.meshgrid(x, y)
    inside = shapely.contains_xy(plot_local, xx, yy)
    n_in = max(int(inside.sum()), 1)
    valid = np.isfinite(z)
    coverage_raw = float((valid & inside).sum()) / n_in
    if coverage_raw == 0:
        raise DesignError("dem_no_overlap", dem_bounds=[round(v, 6) for v in dem_b], crs=crs.to_string(),
                          plot_bounds=[round(v, 6) for v in pb])
    if not valid.all():
        dist_px = max(p["dem_fill_max_distance_m"] / res, 1.0)
        filled = fillnodata(np.where(valid, z, 0.0).astype(np.float32), mask=valid.astype(np.uint8),
                            max_search_distance=dist_px, smoothing_iterations=0).astype(np.float64)
        reachable = distance_transform_edt(~valid) <= dist_px
        z = np.where(valid, z, np.where(reachable, filled, np.nan))
    coverage = float((np.isfinite(z) & inside).sum()) / n_in
    sigma_m = max(p["dem_smoothing_sigma_m"], p["dem_smoothing_native_factor"] * native)
    zs = _nan_gaussian(z, sigma_m / res)
    return Terrain(x=x, y=y, z=zs, res=res, source="dem", z_report=zs, native_res_m=native,
                   coverage_raw=coverage_raw, coverage=coverage, dem_crs=crs.to_string())
