"""Plot soil loss: the RUSLE chain over a DEM (per cell) or a mean slope (closed form).

``evaluate_soil_loss`` takes typed :class:`ErosionInputs`, an optional :class:`~miaf.environment.terrain.Dem`
and an optional plot polygon (longitude/latitude), and returns a :class:`SoilLossResult` with the plot mean,
the distribution over cells, the comparison with the traditional milpa on the same plot, the tolerable
loss, and (for DEM runs) the per-cell grids for a GeoTIFF or a map overlay.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from miaf.design import module_width, module_width_horizontal

from . import ls_factor as lsf
from .rusle import (
    cover_factors,
    cover_practice,
    erosion_parameters,
    k_factor_from_texture,
    normalise_system,
    p_contouring,
    r_factor_cortes,
    r_factor_municipality,
    rusle,
    tolerable_loss,
)
from .terrain import Dem, raster_overlay, write_raster

__all__ = ["ErosionInputs", "SoilLossResult", "resolve_r_factor", "resolve_k_factor", "evaluate_soil_loss",
           "slope_length_from_area", "soil_loss_closed_form", "soil_loss_uncertainty", "UNCERTAIN_KEYS"]


@dataclass
class ErosionInputs:
    """Inputs of a plot soil-loss evaluation (units in brackets; None = not given).

    R: ``r_factor`` [MJ mm ha⁻¹ h⁻¹ yr⁻¹], or ``rainfall_mm`` [mm yr⁻¹] (+ ``region``), or ``municipality``
    (Chiapas INEGI code). K: ``k_factor`` [t h MJ⁻¹ mm⁻¹], or ``sand_pct``/``silt_pct``/``clay_pct``/``om_pct``
    [%]. Terrain without DEM: ``slope_pct`` [%] and ``slope_length_m`` [m] (horizontal). ``module_width_m`` [m]
    spaces the MIAF-D rows, measured *along the ground* as in the field and the design (default by slope from
    the CIMMYT rule, :func:`miaf.design.module_width`); it is projected to the horizontal once, here.
    ``tree_band_share`` [-] is a design's own band / module (default: the design rule by slope).
    ``c_factor``/``p_factor`` override the system defaults. ``steep_slope`` picks the S factor above 50 %
    (``"mccool"`` or ``"nearing"``; None: ``steep_slope_factor`` of ``erosion.csv``).
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
    tree_band_share: float | None = None
    steep_slope: str | None = None
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
    module_width_horizontal_m: float | None = None
    tree_band_share: float = 0.0
    steep_slope: str = "mccool"
    #: False when contour sowing was asked beyond 25 % slope (on the plot, or on part of the DEM cells):
    #: P is 1 there and the rows count only through LS (the barrier model).
    p_contouring_defined: bool = True
    #: share of the area [-] where the contouring P is not defined (slope > 25 %), MIAF-D only.
    p_undefined_share: float = 0.0
    notes: list = field(default_factory=list)
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


def _row_spacing(inputs: ErosionInputs, slope_pct: float) -> tuple[float, float]:
    """Module width along the ground [m] (given, else the CIMMYT rule) and its horizontal projection [m]."""
    width = inputs.module_width_m or float(module_width(slope_pct))
    return width, float(module_width_horizontal(width, slope_pct))


def _steep(inputs: ErosionInputs) -> str:
    return inputs.steep_slope or str(erosion_parameters()["steep_slope_factor"].value)


def _p_note(defined_share: float) -> list[str]:
    """Codes of the notes on P (the web layer translates them)."""
    return ["p_contouring_undefined_above_25_pct"] if defined_share < 1.0 else []


def slope_length_from_area(area_ha) -> np.ndarray | float:  # noqa: ANN001
    """Slope length of a plot without a DEM [m]: the side of a square of its area, at most ``max_flow_length_m``.

    Parameters
    ----------
    area_ha : array [ha]

    Returns
    -------
    λ : array [m], horizontal. λ = min(100 √area, 122 m).

    Notes
    -----
    The registry stores neither the plot's aspect nor its length along the fall line; the side of the
    equivalent square is the plot's own scale (a 0.25 ha plot gives 50 m, 1 ha gives 100 m) instead of one
    length for every plot. Overland flow beyond 122 m (400 ft) is unusual in RUSLE practice (Renard et al.
    1997), hence the cap (``max_flow_length_m`` of ``erosion.csv``).
    """
    a = np.asarray(area_ha, dtype=np.float64)
    if np.any(~np.isfinite(a)) or np.any(a <= 0):
        raise ValueError(f"area_ha must be a positive area in hectares, got {area_ha}")
    out = np.minimum(100.0 * np.sqrt(a), float(erosion_parameters()["max_flow_length_m"]))
    return out if out.ndim else float(out)


def soil_loss_closed_form(miaf, age_years, r_factor, k_factor, slope_pct, slope_length_m,  # noqa: ANN001, PLR0913
                          module_width_m=None, tree_band_share=None, steep_slope: str = "mccool",
                          params=None, efficiency_grid: int | None = None) -> dict:
    """Soil loss of plots without a DEM, MIAF-D and the traditional milpa on the same land, vectorised.

    Parameters
    ----------
    miaf : bool array, True for MIAF-D plots.
    age_years : array [yr], years since the plot became MIAF-D (:func:`miaf.history.years_since_start`).
    r_factor : array [MJ mm ha⁻¹ h⁻¹ yr⁻¹]; k_factor : array [t h MJ⁻¹ mm⁻¹].
    slope_pct : array [%]; slope_length_m : array [m], horizontal.
    module_width_m : array [m] or None, along the ground (NaN or None: :func:`miaf.design.module_width`).
    tree_band_share : array [-] or None (NaN or None: the design rule by slope).
    steep_slope : ``"mccool"`` or ``"nearing"`` (S above 50 %).
    params : mapping or None, cover overrides passed to :func:`~miaf.environment.rusle.cover_factors`.
    efficiency_grid : int or None, for Monte Carlo draws along the first axis (plots on the last, terrain
        the same in every draw): the rows LS is computed at this many efficiencies 0..1 per plot and
        interpolated linearly in e (21 points: within 0.4 % of the exact value). None: exact.

    Returns
    -------
    dict of arrays: ``soil_loss`` and ``traditional`` [t ha⁻¹ yr⁻¹], ``ls``, ``ls_traditional``, ``c_factor``,
    ``p_factor``, ``barrier_efficiency``, ``tree_band_share``, ``p_contouring_defined``, ``module_width_m``
    and ``module_width_horizontal_m`` [m] (NaN for traditional plots).

    Notes
    -----
    A = R K LS C P with LS = :func:`~miaf.environment.ls_factor.ls_contour_rows` (MIAF-D rows every module
    width, projected to the horizontal) or :func:`~miaf.environment.ls_factor.ls_mccool` (traditional), and
    C, P, e from :func:`~miaf.environment.rusle.cover_factors`. :func:`evaluate_soil_loss` without a DEM is
    this function for one plot.
    """
    m = np.asarray(miaf, dtype=bool)
    slope = np.asarray(slope_pct, dtype=np.float64)
    cf = cover_factors(m, age_years, slope, tree_band_share, params)
    width = np.asarray(module_width(slope), dtype=np.float64)
    if module_width_m is not None:
        given = np.asarray(module_width_m, dtype=np.float64)
        width = np.where(np.isnan(given), width, given)
    width_h = np.asarray(module_width_horizontal(width, slope), dtype=np.float64)
    ls_trad = np.asarray(lsf.ls_mccool(slope, slope_length_m, steep_slope), dtype=np.float64)
    e = cf["barrier_efficiency"]
    shape = np.broadcast_shapes(m.shape, e.shape, ls_trad.shape, width_h.shape)
    ls = np.array(np.broadcast_to(ls_trad, shape))
    if ls.ndim == 0:
        if m:
            ls = np.asarray(lsf.ls_contour_rows(slope, slope_length_m, width_h, e, steep_slope))
    else:  # the rows formula only on MIAF-D plots (columns of the last axis)
        cols = np.flatnonzero(np.broadcast_to(m, shape).reshape(-1, shape[-1]).any(axis=0))
        if cols.size:
            def pick(x):  # noqa: ANN001, ANN202
                return np.broadcast_to(np.asarray(x, dtype=np.float64), shape)[..., cols]

            if efficiency_grid:  # LS at a grid of e per plot, then linear in e (Monte Carlo draws)
                g = np.linspace(0.0, 1.0, int(efficiency_grid))
                one = (0,) * (len(shape) - 1)  # the first draw: terrain is the same in every draw
                tab = lsf.ls_contour_rows(pick(slope)[one][None, :], pick(slope_length_m)[one][None, :],
                                          pick(width_h)[one][None, :], g[:, None], steep_slope)
                x = pick(e) * (g.size - 1)
                i = np.minimum(x.astype(np.int64), g.size - 2)
                f = x - i
                j = np.arange(cols.size)
                rows = tab[i, j] * (1.0 - f) + tab[i + 1, j] * f
            else:
                rows = lsf.ls_contour_rows(pick(slope), pick(slope_length_m), pick(width_h), pick(e), steep_slope)
            ls[..., cols] = np.where(np.broadcast_to(m, shape)[..., cols], rows, ls[..., cols])
    c_trad = (params or {}).get("c_traditional", float(erosion_parameters()["c_traditional"]))
    p_trad = (params or {}).get("p_traditional", float(erosion_parameters()["p_traditional"]))
    return cf | {
        "soil_loss": rusle(r_factor, k_factor, ls, cf["c_factor"], cf["p_factor"]),
        "traditional": rusle(r_factor, k_factor, ls_trad, c_trad, p_trad),
        "ls": ls, "ls_traditional": ls_trad,
        "module_width_m": np.where(m, width, np.nan), "module_width_horizontal_m": np.where(m, width_h, np.nan),
    }


#: Factors drawn in :func:`soil_loss_uncertainty`, from the low/high columns of ``erosion.csv``.
UNCERTAIN_KEYS: tuple[str, ...] = ("c_traditional", "c_miaf_crop_strip", "c_miaf_tree_band", "miaf_maturity_years",
                                   "barrier_efficiency_initial", "barrier_efficiency_mature")


def soil_loss_uncertainty(miaf, age_years, r_factor, slope_pct, slope_length_m, area_ha, tolerable_t_ha_yr,  # noqa: ANN001, PLR0913
                          k_factor: tuple[float, float, float], module_width_m=None, tree_band_share=None,
                          steep_slope: str = "mccool", draws: int | None = None, seed: int = 0,
                          central: dict | None = None) -> dict:
    """Share of MIAF-D and traditional area within the tolerable loss, with its Monte Carlo interval.

    Parameters
    ----------
    miaf, age_years, r_factor, slope_pct, slope_length_m, module_width_m, tree_band_share, steep_slope :
        as :func:`soil_loss_closed_form`, one entry per plot.
    area_ha : array [ha]; tolerable_t_ha_yr : array [t ha⁻¹ yr⁻¹], per plot.
    k_factor : (value, low, high) [t h MJ⁻¹ mm⁻¹], the default K and its range.
    draws : int or None, Monte Carlo draws (None: ``uncertainty_draws`` of ``erosion.csv``).
    seed : int, random seed (the same draws give the same interval on every page).
    central : dict or None, :func:`soil_loss_closed_form` of the same plots at the central values, when the
        caller already has it (saves computing it again).

    Returns
    -------
    dict with, for ``"miaf"`` and ``"traditional"`` (plots of that system as recorded) and for
    ``"miaf_as_traditional"`` (the MIAF-D plots had they stayed traditional): ``share_within`` (central
    values), ``share_within_p05``/``p50``/``p95`` over the draws, ``soil_loss_p05``/``p50``/``p95`` of the
    area-weighted mean loss [t ha⁻¹ yr⁻¹], ``plots`` and ``area_ha``; plus ``draws`` and ``factors``
    (key: (value, low, high)).

    Notes
    -----
    Each draw takes K and every factor of :data:`UNCERTAIN_KEYS` from a triangular distribution on
    (low, value, high) of the parameter tables, the *same* draw for every plot (a factor that is wrong is
    wrong everywhere), and recomputes the plots with :func:`soil_loss_closed_form`: all of them up to
    ``uncertainty_max_plots`` per system, else that many drawn with probability proportional to area (the
    central values always use every plot). R (the Cortés region of
    Chiapas is not established) and the slope length are not drawn: they are stated as inputs.
    """
    prm = erosion_parameters()
    n = int(draws if draws is not None else float(prm["uncertainty_draws"]))
    rng = np.random.default_rng(seed)
    m = np.asarray(miaf, dtype=bool)
    area = np.asarray(area_ha, dtype=np.float64)
    tol = np.asarray(tolerable_t_ha_yr, dtype=np.float64)
    factors = {key: (float(prm[key]), float(prm[key].low), float(prm[key].high)) for key in UNCERTAIN_KEYS}
    factors["k_factor"] = tuple(float(v) for v in k_factor)

    def tri(v, lo, hi):  # noqa: ANN001, ANN202
        return rng.triangular(lo, v, hi, size=(n, 1)) if hi > lo else np.full((n, 1), v)

    drawn = {key: tri(*vlh) for key, vlh in factors.items()}
    k = drawn.pop("k_factor")
    if central is None:
        central = soil_loss_closed_form(m, age_years, r_factor, factors["k_factor"][0], slope_pct, slope_length_m,
                                        module_width_m, tree_band_share, steep_slope)
    # Large programmes: the draws run on at most `uncertainty_max_plots` plots per system, sampled with
    # probability proportional to area (then equally weighted), which estimates the same area shares.
    cap = int(float(prm["uncertainty_max_plots"]))
    picks = {}
    for name, sel in (("miaf", m), ("traditional", ~m)):
        ids = np.flatnonzero(sel)
        if ids.size > cap:
            ids = np.sort(rng.choice(ids, size=cap, replace=True, p=area[ids] / area[ids].sum()))
            picks[name] = (ids, np.ones(cap))
        else:
            picks[name] = (ids, area[ids])
    picks["miaf_as_traditional"] = picks["miaf"]
    union = np.unique(np.concatenate([picks["miaf"][0], picks["traditional"][0]]))

    def at(x):  # noqa: ANN001, ANN202
        return None if x is None else np.broadcast_to(np.asarray(x, dtype=np.float64), m.shape)[union]

    mc = soil_loss_closed_form(m[union][None, :], at(age_years)[None, :], at(r_factor), k, at(slope_pct),
                               at(slope_length_m), at(module_width_m), at(tree_band_share), steep_slope, drawn,
                               efficiency_grid=int(float(prm["uncertainty_efficiency_grid"])))
    out: dict = {"draws": n, "factors": factors, "plots_in_draws": int(union.size)}
    for name, sel, col in (("miaf", m, "soil_loss"), ("traditional", ~m, "soil_loss"),
                           ("miaf_as_traditional", m, "traditional")):
        w = area[sel]
        if w.sum() <= 0:
            out[name] = {"plots": 0, "area_ha": 0.0}
            continue
        ids, wd = picks[name]
        pos = np.searchsorted(union, ids)
        within = (mc[col][:, pos] <= tol[ids]).astype(float) @ wd / wd.sum()
        mean = mc[col][:, pos] @ wd / wd.sum()
        q_share, q_mean = np.percentile(within, [5, 50, 95]), np.percentile(mean, [5, 50, 95])
        out[name] = {
            "plots": int(sel.sum()), "area_ha": float(w.sum()),
            "share_within": float(((central[col][sel] <= tol[sel]) * w).sum() / w.sum()),
            "soil_loss": float((central[col][sel] * w).sum() / w.sum()),
            **{f"share_within_p{q:02d}": float(v) for q, v in zip((5, 50, 95), q_share, strict=True)},
            **{f"soil_loss_p{q:02d}": float(v) for q, v in zip((5, 50, 95), q_mean, strict=True)},
        }
    return out


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
    rows. Without a DEM the MIAF-D LS is :func:`~miaf.environment.ls_factor.ls_contour_rows` (the closed
    form of the same barrier model, within 1 % of the DEM run on a plane for every e). The MIAF-D P is the
    contour-sowing P of Wischmeier & Smith (1978) where the slope is ≤ 25 %, and 1 beyond (flagged in
    ``p_contouring_defined``/``notes``): there the rows count only through LS.
    """
    system = normalise_system(inputs.system)
    r, r_src = resolve_r_factor(inputs)
    k, k_src = resolve_k_factor(inputs)
    steep = _steep(inputs)
    trad = cover_practice("traditional")
    tol = inputs.tolerable_t_ha_yr if inputs.tolerable_t_ha_yr is not None else tolerable_loss(inputs.soil_depth_m)
    params = erosion_parameters()
    tags = {
        key: params[key].tag
        for key in ("c_traditional", "p_traditional", "c_miaf_crop_strip", "p_contour_p_25",
                    "barrier_efficiency_mature", "cortes_default_region_chiapas", "tolerable_deep_t_ha_yr",
                    "steep_slope_factor")
    }
    region_key = f"cortes_{(inputs.region or '').strip().upper()}_a"
    if region_key in params:
        tags["region"] = params[region_key].tag
    c_trad = trad.c_factor if inputs.c_factor is None else inputs.c_factor

    if dem is None:
        if inputs.slope_pct is None or inputs.slope_length_m is None:
            raise ValueError("without a DEM give slope_pct and slope_length_m")
        slope, lam = float(inputs.slope_pct), float(inputs.slope_length_m)
        miaf = system == "miaf-d"
        width_in = np.nan if inputs.module_width_m is None else float(inputs.module_width_m)
        band_in = np.nan if inputs.tree_band_share is None else float(inputs.tree_band_share)
        cf = soil_loss_closed_form(miaf, inputs.age_years, r, k, slope, lam, width_in, band_in, steep)
        c = float(cf["c_factor"]) if inputs.c_factor is None else inputs.c_factor
        p = float(cf["p_factor"]) if inputs.p_factor is None else inputs.p_factor
        rusle(r, k, 1.0, c, p)  # validates ranges
        ls_sys, ls_trad = float(cf["ls"]), float(cf["ls_traditional"])
        a = float(rusle(r, k, ls_sys, c, p))
        a_trad = float(rusle(r, k, ls_trad, c_trad, trad.p_factor))
        width = float(cf["module_width_m"]) if miaf else None
        defined = bool(cf["p_contouring_defined"]) or inputs.p_factor is not None
        res = _result(system, inputs, "closed_form_mccool", (a, a, a, a, a), r, r_src, k, k_src, ls_sys, c, p,
                      float(cf["barrier_efficiency"]), width, tol, a_trad, tags, slope_pct=slope, slope_length_m=lam)
        res.module_width_horizontal_m = float(cf["module_width_horizontal_m"]) if miaf else None
        res.tree_band_share, res.steep_slope = float(cf["tree_band_share"]), steep
        res.p_contouring_defined, res.p_undefined_share = defined, 0.0 if defined else 1.0
        res.notes = _p_note(1.0 if defined else 0.0)
        return res

    nodata_inside = dem.nodata_cells
    mask = dem.valid
    if plot is not None:
        dem, mask, nodata_inside = _clip_to_plot(dem, plot, inputs.include_run_on)
    trad_ls = lsf.ls_desmet_govers(dem, max_flow_length_m=inputs.max_flow_length_m, area_method=inputs.area_method,
                                   steep_slope=steep)
    inside = mask & dem.valid
    slope_cells = np.tan(trad_ls.slope_rad[inside]) * 100.0
    slope_med = float(np.median(slope_cells)) if slope_cells.size else 0.0
    cp = cover_practice(system, inputs.age_years, slope_med, inputs.tree_band_share)
    c = cp.c_factor if inputs.c_factor is None else inputs.c_factor
    rusle(r, k, 1.0, c, cp.p_factor if inputs.p_factor is None else inputs.p_factor)  # validates ranges
    width = width_h = None
    ls = trad_ls
    p_grid: float | np.ndarray = cp.p_factor if inputs.p_factor is None else inputs.p_factor
    undefined_share = 0.0
    if system == "miaf-d":
        if inputs.p_factor is None:  # contour sowing: P by each cell's slope, 1 where the table stops (> 25 %)
            cell_slope = np.where(inside, np.tan(np.nan_to_num(trad_ls.slope_rad)) * 100.0, 0.0)
            p_grid, p_defined = p_contouring(cell_slope)
            undefined_share = float(1.0 - p_defined[inside].mean()) if inside.any() else 0.0
        if row_lines is not None:
            b = lsf.rasterize_lines(row_lines, dem)
        elif barriers is not None:
            b = np.asarray(barriers, dtype=bool)
        else:
            width, width_h = _row_spacing(inputs, slope_med)
            b = lsf.contour_barriers(dem, width_h, mask)
        ls = lsf.ls_desmet_govers(
            dem, max_flow_length_m=inputs.max_flow_length_m, area_method=inputs.area_method,
            barriers=b, barrier_efficiency=cp.barrier_efficiency, steep_slope=steep,
        )
    grid = np.where(inside, rusle(r, k, np.where(inside, ls.ls, 0.0), c, p_grid), np.nan)
    grid_trad = np.where(inside, rusle(r, k, np.where(inside, trad_ls.ls, 0.0), c_trad, trad.p_factor), np.nan)
    stats = _stats(grid)
    a_trad = float(np.nanmean(grid_trad))
    slope_mean = float(np.mean(slope_cells)) if slope_cells.size else 0.0
    p_mean = float(np.mean(np.broadcast_to(p_grid, inside.shape)[inside]))
    res = _result(system, inputs, f"dem_{inputs.area_method}", stats, r, r_src, k, k_src,
                  float(np.nanmean(ls.ls[inside])), c, p_mean, cp.barrier_efficiency, width, tol, a_trad, tags,
                  slope_pct=slope_mean)
    res.module_width_horizontal_m, res.tree_band_share, res.steep_slope = width_h, cp.tree_band_share, steep
    res.p_contouring_defined, res.p_undefined_share = undefined_share == 0.0, undefined_share
    res.notes = _p_note(1.0 - undefined_share)
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
