"""Plot soil loss: the RUSLE chain over a DEM (per cell) or a mean slope (closed form).

``evaluate_soil_loss`` takes typed :class:`ErosionInputs`, an optional :class:`~miaf.environment.terrain.Dem`
and an optional plot polygon (longitude/latitude), and returns a :class:`SoilLossResult` with the plot mean,
the distribution over cells, the comparison with the traditional milpa on the same plot, the tolerable
loss, and (for DEM runs) the per-cell grids for a GeoTIFF or a map overlay.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import ls_factor as lsf
from .rusle import (
    cover_practice,
    erosion_parameters,
    k_factor_from_texture,
    normalise_system,
    r_factor_cortes,
    r_factor_municipality,
    rusle,
    tolerable_loss,
)
from .terrain import Dem, raster_overlay, write_raster

__all__ = ["ErosionInputs", "SoilLossResult", "resolve_r_factor", "resolve_k_factor", "evaluate_soil_loss"]


@dataclass
class ErosionInputs:
    """Inputs of a plot soil-loss evaluation (units in brackets; None = not given).

    R: ``r_factor`` [MJ mm ha⁻¹ h⁻¹ yr⁻¹], or ``rainfall_mm`` [mm yr⁻¹] (+ ``region``), or ``municipality``
    (Chiapas INEGI code). K: ``k_factor`` [t h MJ⁻¹ mm⁻¹], or ``sand_pct``/``silt_pct``/``clay_pct``/``om_pct``
    [%]. Terrain without DEM: ``slope_pct`` [%] and ``slope_length_m`` [m]. ``module_width_m`` [m] spaces the
    MIAF-D rows (default by slope from the CIMMYT rule). ``c_factor``/``p_factor`` override the system defaults.
    """

    system: str = "traditional"
    age_years: float = 0.0
    r_factor: float | None = None
    rainfall_mm: float | None = None
    region: str | None = None
    municipality: str | None = None
    k_factor: float | None = None
    sand_pct: float | None = None
    silt_pct: float | None = None
    clay_pct: float | None = None
    om_pct: float | None = None
    slope_pct: float | None = None
    slope_length_m: float | None = None
    module_width_m: float | None = None
    soil_depth_m: float | None = None
    tolerable_t_ha_yr: float | None = None
    c_factor: float | None = None
    p_factor: float | None = None
    max_flow_length_m: float | None = field(default_factory=lambda: float(erosion_parameters()["max_flow_length_m"]))
    area_method: str = "desmet_govers"
    include_run_on: bool = False


@dataclass
class SoilLossResult:
    """Soil loss of one plot [t ha⁻¹ yr⁻¹] with its factors, distribution and comparison.

    Arrays (``soil_loss_grid``, ``traditional_grid``, ``ls_grid``, ``dem``) are kept for rasters and maps
    but left out of :meth:`to_dict`.
    """

    system: str
    age_years: float
    method: str
    soil_loss_t_ha_yr: float
    p10_t_ha_yr: float
    p50_t_ha_yr: float
    p90_t_ha_yr: float
    max_t_ha_yr: float
    r_factor: float
    r_source: str
    k_factor: float
    k_source: str
    ls_mean: float
    c_factor: float
    p_factor: float
    barrier_efficiency: float
    module_width_m: float | None
    tolerable_t_ha_yr: float
    exceeds_tolerable: bool
    traditional_t_ha_yr: float
    soil_kept_t_ha_yr: float
    soil_kept_pct: float
    cells: int = 0
    nodata_cells: int = 0
    sink_cells: int = 0
    cell_size_m: float | None = None
    dem_reprojected: bool = False
    slope_pct: float | None = None
    slope_length_m: float | None = None
    tags: dict = field(default_factory=dict)
    soil_loss_grid: np.ndarray | None = field(default=None, repr=False)
    traditional_grid: np.ndarray | None = field(default=None, repr=False)
    ls_grid: np.ndarray | None = field(default=None, repr=False)
    dem: Dem | None = field(default=None, repr=False)

    def to_dict(self) -> dict:
        skip = {"soil_loss_grid", "traditional_grid", "ls_grid", "dem"}
        return {k: v for k, v in self.__dict__.items() if k not in skip}

    def write_raster(self, path) -> None:
        """Write the per-cell soil loss [t ha⁻¹ yr⁻¹] as a GeoTIFF (DEM runs only)."""
        if self.soil_loss_grid is None or self.dem is None:
            raise ValueError("a soil-loss raster needs a DEM run (give a DEM)")
        write_raster(path, self.soil_loss_grid, self.dem)

    def map_overlay(self, vmax: float | None = None) -> tuple[bytes, list[list[float]]]:
        """PNG bytes and Leaflet bounds ``[[south, west], [north, east]]`` of the soil-loss map."""
        if self.soil_loss_grid is None or self.dem is None:
            raise ValueError("a soil-loss map needs a DEM run (give a DEM)")
        return raster_overlay(self.soil_loss_grid, self.dem, vmax=vmax)


def resolve_r_factor(inputs: ErosionInputs) -> tuple[float, str]:
    """R [MJ mm ha⁻¹ h⁻¹ yr⁻¹] and a description of where it came from."""
    params = erosion_parameters()
    region = inputs.region or str(params["cortes_default_region_chiapas"].value)
    if inputs.r_factor is not None:
        if not (np.isfinite(inputs.r_factor) and inputs.r_factor >= 0):
            raise ValueError(f"r_factor must be >= 0, got {inputs.r_factor}")
        return float(inputs.r_factor), "given"
    if inputs.rainfall_mm is not None:
        return float(r_factor_cortes(inputs.rainfall_mm, region)), f"Cortés (1991) region {region.upper()}, P given"
    if inputs.municipality is not None:
        r, muni = r_factor_municipality(inputs.municipality, region)
        return r, (
            f"Cortés (1991) region {region.upper()}, CHIRPS 1981-2010 normal {muni.rainfall_mm:g} mm "
            f"of {muni.name} ({muni.code})"
        )
    raise ValueError("give the R factor (r_factor), an annual rainfall (rainfall_mm) or a municipality code")


def resolve_k_factor(inputs: ErosionInputs) -> tuple[float, str]:
    """K [t h MJ⁻¹ mm⁻¹] and its source."""
    if inputs.k_factor is not None:
        if not (np.isfinite(inputs.k_factor) and 0 <= inputs.k_factor <= 1):
            raise ValueError(f"k_factor must lie in [0, 1] t h MJ-1 mm-1, got {inputs.k_factor}")
        return float(inputs.k_factor), "given"
    texture = (inputs.sand_pct, inputs.silt_pct, inputs.clay_pct, inputs.om_pct)
    if all(v is not None for v in texture):
        return float(k_factor_from_texture(*texture)), "EPIC (Williams 1995) from texture and organic matter"
    raise ValueError("give the K factor (k_factor) or sand_pct, silt_pct, clay_pct and om_pct")


def _default_module_width(slope_pct: float) -> float:
    p = erosion_parameters()
    steep = slope_pct > float(p["module_width_slope_threshold_pct"])
    return float(p["module_width_steep_m"] if steep else p["module_width_gentle_m"])


def _stats(a: np.ndarray) -> tuple[float, float, float, float, float]:
    v = a[np.isfinite(a)]
    if v.size == 0:
        raise ValueError("no valid DEM cell inside the plot")
    p10, p50, p90 = np.percentile(v, [10, 50, 90])
    return float(v.mean()), float(p10), float(p50), float(p90), float(v.max())


def _clip_to_plot(dem: Dem, plot, include_run_on: bool) -> tuple[Dem, np.ndarray, int]:
    """Window the DEM to the plot (in the DEM's CRS) and return the plot mask and nodata cells inside it."""
    import shapely
    from pyproj import Transformer
    from rasterio.features import geometry_mask

    if dem.crs is not None:
        tr = Transformer.from_crs("EPSG:4326", dem.crs, always_xy=True)
        geom = shapely.transform(plot, lambda xy: np.column_stack(tr.transform(xy[:, 0], xy[:, 1])))
    else:
        geom = plot
    inv = ~dem.transform
    minx, miny, maxx, maxy = geom.bounds
    cols = [c for c, _ in (inv @ (minx, maxy), inv @ (maxx, miny))]
    rows = [r for _, r in (inv @ (minx, maxy), inv @ (maxx, miny))]
    h, w = dem.shape
    r0, r1 = max(int(np.floor(min(rows))) - 1, 0), min(int(np.ceil(max(rows))) + 1, h)
    c0, c1 = max(int(np.floor(min(cols))) - 1, 0), min(int(np.ceil(max(cols))) + 1, w)
    if r1 - r0 < 2 or c1 - c0 < 2:
        raise ValueError("the plot does not overlap the DEM (check that both are in the same place)")
    if include_run_on:  # route over the whole DEM given, so that upslope land drains into the plot
        r0, r1, c0, c1 = 0, h, 0, w
    window_transform = dem.transform @ dem.transform.translation(c0, r0)
    z = dem.elevation[r0:r1, c0:c1].copy()
    mask = geometry_mask([geom], out_shape=z.shape, transform=window_transform, invert=True, all_touched=False)
    if not mask.any():
        raise ValueError("the plot does not cover any DEM cell centre (plot smaller than a cell, or no overlap)")
    nodata_inside = int(np.count_nonzero(mask & ~np.isfinite(z)))
    if not include_run_on:
        z[~mask] = np.nan
    sub = Dem(z, dem.cell_size_m, window_transform, dem.crs, dem.source_crs)
    return sub, mask, nodata_inside


def evaluate_soil_loss(
    inputs: ErosionInputs,
    dem: Dem | None = None,
    plot=None,
    barriers: np.ndarray | None = None,
    row_lines=None,
) -> SoilLossResult:
    """Soil loss of a plot by RUSLE, with the traditional milpa on the same plot as comparison.

    Parameters
    ----------
    inputs : ErosionInputs
    dem : Dem or None. Without a DEM, ``inputs.slope_pct`` and ``inputs.slope_length_m`` are used
        (McCool closed form).
    plot : shapely Polygon in longitude/latitude (EPSG:4326), or None for the whole DEM. The DEM is
        windowed to the plot and cells outside it are masked, unless ``inputs.include_run_on`` (then flow
        is routed over the whole DEM given and only the statistics are restricted to the plot).
    barriers : bool array on the DEM grid (or the plot window when ``plot`` is given), MIAF-D row cells.
    row_lines : shapely lines in the DEM's CRS, MIAF-D tree rows (rasterised as barriers).

    Returns
    -------
    SoilLossResult

    Notes
    -----
    A = R · K · LS · C · P per cell. MIAF-D rows intercept a share e(age) of the flow at the row cells
    (explicit rows, or contours every module width when none are given); the traditional milpa has no
    rows. Without a DEM the MIAF-D L is e · L(min(λ, W)) + (1 − e) · L(λ).
    """
    system = normalise_system(inputs.system)
    r, r_src = resolve_r_factor(inputs)
    k, k_src = resolve_k_factor(inputs)
    cp = cover_practice(system, inputs.age_years)
    trad = cover_practice("traditional")
    c = cp.c_factor if inputs.c_factor is None else inputs.c_factor
    p = cp.p_factor if inputs.p_factor is None else inputs.p_factor
    c_trad = trad.c_factor if inputs.c_factor is None else inputs.c_factor
    rusle(r, k, 1.0, c, p)  # validates ranges
    tol = inputs.tolerable_t_ha_yr if inputs.tolerable_t_ha_yr is not None else tolerable_loss(inputs.soil_depth_m)
    params = erosion_parameters()
    tags = {
        key: params[key].tag
        for key in ("c_traditional", "p_traditional", "p_miaf_mature", "barrier_efficiency_mature",
                    "cortes_default_region_chiapas", "tolerable_deep_t_ha_yr")
    }
    region_key = f"cortes_{(inputs.region or '').strip().upper()}_a"
    if region_key in params:
        tags["region"] = params[region_key].tag

    if dem is None:
        if inputs.slope_pct is None or inputs.slope_length_m is None:
            raise ValueError("without a DEM give slope_pct and slope_length_m")
        lam = float(inputs.slope_length_m)
        ls_trad = float(lsf.ls_mccool(inputs.slope_pct, lam))
        width = None
        ls_sys = ls_trad
        if system == "miaf-d":
            width = inputs.module_width_m or _default_module_width(inputs.slope_pct)
            ls_short = float(lsf.ls_mccool(inputs.slope_pct, min(lam, width)))
            ls_sys = cp.barrier_efficiency * ls_short + (1.0 - cp.barrier_efficiency) * ls_trad
        a = float(rusle(r, k, ls_sys, c, p))
        a_trad = float(rusle(r, k, ls_trad, c_trad, trad.p_factor))
        return _result(system, inputs, "closed_form_mccool", (a, a, a, a, a), r, r_src, k, k_src, ls_sys, c, p,
                       cp.barrier_efficiency, width, tol, a_trad, tags, slope_pct=float(inputs.slope_pct),
                       slope_length_m=lam)

    nodata_inside = dem.nodata_cells
    mask = dem.valid
    if plot is not None:
        dem, mask, nodata_inside = _clip_to_plot(dem, plot, inputs.include_run_on)
    trad_ls = lsf.ls_desmet_govers(dem, max_flow_length_m=inputs.max_flow_length_m, area_method=inputs.area_method)
    width = None
    ls = trad_ls
    if system == "miaf-d":
        if row_lines is not None:
            b = lsf.rasterize_lines(row_lines, dem)
        elif barriers is not None:
            b = np.asarray(barriers, dtype=bool)
        else:
            slope_med = float(np.tan(np.nanmedian(trad_ls.slope_rad[mask & dem.valid])) * 100.0)
            width = inputs.module_width_m or _default_module_width(slope_med)
            b = lsf.contour_barriers(dem, width, mask)
        ls = lsf.ls_desmet_govers(
            dem, max_flow_length_m=inputs.max_flow_length_m, area_method=inputs.area_method,
            barriers=b, barrier_efficiency=cp.barrier_efficiency,
        )
    inside = mask & dem.valid
    grid = np.where(inside, rusle(r, k, np.where(inside, ls.ls, 0.0), c, p), np.nan)
    grid_trad = np.where(inside, rusle(r, k, np.where(inside, trad_ls.ls, 0.0), c_trad, trad.p_factor), np.nan)
    stats = _stats(grid)
    a_trad = float(np.nanmean(grid_trad))
    slope_mean = float(np.nanmean(np.tan(trad_ls.slope_rad[inside])) * 100.0)
    res = _result(system, inputs, f"dem_{inputs.area_method}", stats, r, r_src, k, k_src,
                  float(np.nanmean(ls.ls[inside])), c, p, cp.barrier_efficiency, width, tol, a_trad, tags,
                  slope_pct=slope_mean)
    res.cells = int(inside.sum())
    res.nodata_cells = nodata_inside
    res.sink_cells = ls.sink_cells
    res.cell_size_m = dem.cell_size_m
    res.dem_reprojected = dem.reprojected
    res.soil_loss_grid, res.traditional_grid, res.ls_grid, res.dem = grid, grid_trad, ls.ls, dem
    return res


def _result(system, inputs, method, stats, r, r_src, k, k_src, ls_mean, c, p, eff, width, tol, a_trad, tags,
            slope_pct=None, slope_length_m=None) -> SoilLossResult:
    mean, p10, p50, p90, mx = stats
    kept = a_trad - mean
    return SoilLossResult(
        system=system, age_years=float(inputs.age_years), method=method, soil_loss_t_ha_yr=mean,
        p10_t_ha_yr=p10, p50_t_ha_yr=p50, p90_t_ha_yr=p90, max_t_ha_yr=mx, r_factor=float(r), r_source=r_src,
        k_factor=float(k), k_source=k_src, ls_mean=float(ls_mean), c_factor=float(c), p_factor=float(p),
        barrier_efficiency=float(eff), module_width_m=width, tolerable_t_ha_yr=float(tol),
        exceeds_tolerable=bool(mean > tol), traditional_t_ha_yr=float(a_trad), soil_kept_t_ha_yr=float(kept),
        soil_kept_pct=float(100.0 * kept / a_trad) if a_trad > 0 else 0.0, slope_pct=slope_pct,
        slope_length_m=slope_length_m, tags=tags,
    )
