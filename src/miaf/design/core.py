"""MIAF plot designer: modality, module width, contour rows, trees, crop strips and their quantities."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import shapely
from pyproj import Geod

from miaf.params import Parameter, load_parameters
from miaf.params import species as species_catalogue

from .layout import crop_strips, place_trees, trace_rows
from .materials import bill_of_materials, establishment_labour
from .messages import DesignError, DesignWarning
from .plot import LocalFrame, parse_plot
from .result import CropStrip, DesignResult, DesignSummary, TreeRow, Trees
from .terrain import Terrain, dem_terrain, planar_elevation, planar_terrain

__all__ = ["design_plot", "choose_modality", "module_width", "module_width_horizontal", "tree_band_share",
           "crop_share", "crop_area_ha", "STRIP_CROPS", "vertical_interval", "design_parameters"]

MODALITY_ES = {"TMV": "Terraza de muro vivo", "BV": "Barrera viva con labranza de conservación"}
ARRANGEMENTS = ("alternate", "blocks")


def design_parameters(overrides: Mapping[str, Any] | None = None) -> dict[str, Parameter]:
    """Design parameters from ``params/design.csv`` with user ``overrides`` (tag ``override``)."""
    base = dict(load_parameters("design"))
    for key, value in (overrides or {}).items():
        if key not in base:
            raise DesignError("parameter_unknown", key=key)
        try:
            num = float(value)
        except (TypeError, ValueError) as exc:
            raise DesignError("parameter_invalid", key=key, value=value) from exc
        if not math.isfinite(num):
            raise DesignError("parameter_invalid", key=key, value=value)
        old = base[key]
        base[key] = Parameter(key=key, value=num, unit=old.unit, tag="override", source="user override",
                              notes=f"default {old.value} ({old.tag}: {old.source})")
    return base


def choose_modality(slope_pct: float, soil_depth_m: float | None, p: Mapping[str, float]) -> str:
    """MIAF modality: ``"TMV"`` (live-wall terrace) or ``"BV"`` (live barrier, conservation tillage).

    Parameters
    ----------
    slope_pct : float [%]
    soil_depth_m : float or None [m]
        ``None`` when unknown: then TMV below ``bv_min_slope_pct`` and BV above.
    p : mapping
        ``tmv_max_slope_pct`` (40), ``tmv_min_soil_depth_m`` (1.0), ``bv_min_slope_pct`` (30).

    Returns
    -------
    str

    Notes
    -----
    TMV for slope < 40 % and soil deeper than 1 m; BV otherwise. In the 30–40 % overlap of the two
    documented ranges soil depth decides.

    References
    ----------
    COLPOS, Proyecto Manejo Sustentable de Laderas, "Sistema Agrícola MIAF"; CIMMYT, "Tips para diseñar e
    implementar un sistema MIAF en terrenos de ladera".
    """
    if soil_depth_m is None:
        return "TMV" if slope_pct < p["bv_min_slope_pct"] else "BV"
    if slope_pct < p["tmv_max_slope_pct"] and soil_depth_m > p["tmv_min_soil_depth_m"]:
        return "TMV"
    return "BV"


def _module_params(p: Mapping[str, float] | None) -> Mapping[str, float]:
    if p is not None:
        return p
    return {k: float(v) for k, v in load_parameters("design").items() if k.startswith(("module_", "tree_band_"))}


def module_width(slope_pct: float | np.ndarray, p: Mapping[str, float] | None = None) -> float | np.ndarray:
    """Module width W [m], the distance between MIAF tree rows *along the ground*: 14.5 m up to 20 %, 10.6 m above.

    The one rule for the module width (design, erosion, indicators and the web all call it).

    Parameters
    ----------
    slope_pct : float or array [%], mean slope of the plot.
    p : mapping or None, design parameters (``module_width_gentle_m``, ``module_width_steep_m``,
        ``module_width_slope_threshold_pct``); None: ``params/design.csv``.

    Returns
    -------
    W : float or array [m], along the ground (what the A-frame and the tape measure). The horizontal
        projection RUSLE needs is :func:`module_width_horizontal`.

    References
    ----------
    CIMMYT, "Tips para diseñar e implementar un sistema MIAF en terrenos de ladera".
    """
    q = _module_params(p)
    s = np.asarray(slope_pct, dtype=np.float64)
    out = np.where(s <= q["module_width_slope_threshold_pct"], q["module_width_gentle_m"], q["module_width_steep_m"])
    return out if out.ndim else float(out)


def module_width_horizontal(width_ground_m: float | np.ndarray, slope_pct: float | np.ndarray) -> float | np.ndarray:
    """Horizontal projection of a distance measured along the ground [m]: W_h = W · cos(atan(s)), s = slope_pct/100.

    RUSLE slope lengths are horizontal (Renard et al. 1997, USDA AH 703), the module width is measured along
    the ground: at 30 % a 10.6 m module is 10.15 m of horizontal slope length.
    """
    out = np.asarray(width_ground_m, dtype=np.float64) * np.cos(np.arctan(np.asarray(slope_pct, dtype=np.float64) / 100.0))
    return out if out.ndim else float(out)


def tree_band_share(slope_pct: float | np.ndarray | None = None, p: Mapping[str, float] | None = None,
                    *, band_width_m: float | None = None, width_m: float | None = None) -> float | np.ndarray:
    """Share of a MIAF-D plot under the tree band (trees and runoff filter) [-]: band width / module width.

    The one rule for the tree-band share (erosion C, economics and carbon call it).

    Parameters
    ----------
    slope_pct : float, array or None [%], plot slope: the module and band of the CIMMYT rule
        (:func:`module_width`): 4.2 / 10.6 = 0.396 above 20 %, 4.8 / 14.5 = 0.331 up to 20 %. None: the
        steep module (MIAF-D is a hillside system).
    p : mapping or None, design parameters (None: ``params/design.csv``).
    band_width_m, width_m : float [m], a design's own band and module widths (both along the ground; the
        ratio is the same in projection). Given both, they override the rule.

    Returns
    -------
    share : float or array [-], in (0, 1).

    References
    ----------
    COLPOS PMSL (trees on 1/3 of the land) and CIMMYT Oaxaca trials (40 %), as design.csv
    ``tree_band_width_*_m`` (miaf-domain 2.3).
    """
    if band_width_m is not None and width_m is not None:
        if not (width_m > 0 and 0 <= band_width_m <= width_m):
            raise ValueError(f"tree band {band_width_m} m must lie within the module {width_m} m")
        return float(band_width_m) / float(width_m)
    q = _module_params(p)
    steep = q["tree_band_width_steep_m"] / q["module_width_steep_m"]
    if slope_pct is None:
        return float(steep)
    gentle = q["tree_band_width_gentle_m"] / q["module_width_gentle_m"]
    s = np.asarray(slope_pct, dtype=np.float64)
    out = np.where(s <= q["module_width_slope_threshold_pct"], gentle, steep)
    return out if out.ndim else float(out)


def crop_share(slope_pct: float | np.ndarray | None = None, p: Mapping[str, float] | None = None,
               *, band_width_m: float | None = None, width_m: float | None = None) -> float | np.ndarray:
    """Share of a MIAF-D plot under the crop (milpa) strips [-]: 1 − :func:`tree_band_share` (same arguments).

    The economics (crop area, strip inputs), the demo and the market offer call it; there is no separate
    parameter row: 1 − 4.2 / 10.6 = 0.604 above 20 % slope, 1 − 4.8 / 14.5 = 0.669 up to 20 %.
    """
    band = tree_band_share(slope_pct, p, band_width_m=band_width_m, width_m=width_m)
    return 1.0 - band


#: Annual crops the design sows in alternating strips that rotate each year (design_plot's CropStrip).
STRIP_CROPS = ("maiz", "frijol")


def crop_area_ha(area_ha: float | np.ndarray, strip_share: float | np.ndarray, crop: str,
                 crops_on_plot: tuple[str, ...] | list[str] = STRIP_CROPS) -> float | np.ndarray:
    """Area sown to (and harvested from) one annual crop of a MIAF-D plot's crop strips [ha].

    The one rule for a strip crop's area: the design alternates maize and bean strips and rotates them each
    year (:func:`design_plot`, ``CropStrip.crop_this_year``), so each of the :data:`STRIP_CROPS` grown on the
    plot occupies an equal part of the strip area (half each when both are grown). The demo's sowing and
    harvests, the plot economics and the market offer all call it.

    Parameters
    ----------
    area_ha : float or array [ha], plot area.
    strip_share : float or array [-], share of the plot under the crop strips (:func:`crop_share`, or a
        design's ``crop_strip_area_ha`` / ``area_ha``).
    crop : str, species code.
    crops_on_plot : sequence of str, the annual crops of the plot's strips (default maize and bean).

    Returns
    -------
    float or array [ha] = area_ha × strip_share / k, with k the number of :data:`STRIP_CROPS` in
    ``crops_on_plot`` (1 for a crop outside them, grown across the strips as before). A design's own split
    (``maize_strip_area_ha``, ``bean_strip_area_ha``) differs from it by at most one strip.

    References
    ----------
    Alternating maize and bean strips with a yearly rotation: INECOL (Torres Zambrano et al. 2021) and the
    Sembrando Vida design slides (DGIPA 2019), miaf-domain 2.4.
    """
    k = len({c for c in crops_on_plot if c in STRIP_CROPS}) if crop in STRIP_CROPS else 1
    out = np.asarray(area_ha, dtype=np.float64) * np.asarray(strip_share, dtype=np.float64) / max(k, 1)
    return out if out.ndim else float(out)


def vertical_interval(width_ground_m: float | np.ndarray, slope_pct: float | np.ndarray) -> float | np.ndarray:
    """Elevation drop between rows [m]: VI = W · sin(atan(s)), W along the ground, s = slope_pct/100."""
    return width_ground_m * np.sin(np.arctan(np.asarray(slope_pct) / 100.0))


def _positive(name: str, value: float | None) -> float | None:
    if value is None:
        return None
    try:
        v = float(value)
    except (TypeError, ValueError) as exc:
        raise DesignError("spacing_not_positive", field=name, value=value) from exc
    if not math.isfinite(v) or v <= 0:
        raise DesignError("spacing_not_positive", field=name, value=value)
    return v


def _species_list(species: str | Sequence[str]) -> list[str]:
    codes = [s.strip() for s in (species.split(",") if isinstance(species, str) else species) if s and s.strip()]
    if not codes:
        raise DesignError("species_missing")
    cat = species_catalogue()
    for c in codes:
        if c not in cat:
            raise DesignError("species_unknown", species=c, known=", ".join(sorted(cat)))
    return codes


def design_plot(
    plot: Any,
    species: str | Sequence[str],
    *,
    dem: Any = None,
    slope_pct: float | None = None,
    aspect_deg: float | None = None,
    soil_depth_m: float | None = None,
    arrangement: str = "alternate",
    row_spacing_m: float | None = None,
    tree_spacing_m: float | None = None,
    year: int = 0,
    overrides: Mapping[str, Any] | None = None,
) -> DesignResult:
    """Design a MIAF plot: contour tree rows, tree positions, crop strips and quantities.

    Parameters
    ----------
    plot : dict, str, Path or shapely Polygon
        Plot boundary, GeoJSON polygon in WGS84 [degrees] (dict, JSON text or file path).
    species : str or sequence of str
        Fruit species codes from ``params/species.csv`` (``"aguacate,durazno"`` or a list).
    dem : str, Path, bytes, DemArray or tuple (array, transform, crs, nodata), optional
        Elevation model [m] in any projected or geographic CRS: a GeoTIFF path, the bytes of an uploaded
        GeoTIFF, or an in-memory array with its affine transform, CRS and nodata value. When given,
        slope and aspect come from it.
    slope_pct : float, optional [%]
        Mean slope when there is no DEM.
    aspect_deg : float, optional [°]
        Direction the slope faces (downhill azimuth, clockwise from north) when there is no DEM.
    soil_depth_m : float, optional [m]
        Decides the modality in the 30–40 % slope overlap (TMV needs more than 1 m).
    arrangement : {"alternate", "blocks"}
        Several species alternate tree by tree along each row, or occupy blocks of consecutive rows.
    row_spacing_m : float, optional [m]
        Module width along the ground; default 14.5 m up to 20 % slope and 10.6 m above.
    tree_spacing_m : float, optional [m]
        In-row spacing for every species; default from the species catalogue.
    year : int
        Years since establishment; the maize and bean strips swap every year (micro-rotation).
    overrides : mapping, optional
        Values for any key of ``params/design.csv``.

    Returns
    -------
    DesignResult

    Raises
    ------
    DesignError (a ValueError) with a stable ``code``; see :mod:`miaf.design.messages`.

    Notes
    -----
    Horizontal module width W_h = W · cos(atan s); vertical interval VI = W · sin(atan s). Rows are traced
    by :func:`miaf.design.layout.trace_rows`. Plant numbers are strip area × density per ha of strip.
    """
    prm = design_parameters(overrides)
    p = {k: float(v) for k, v in prm.items() if isinstance(v.value, float)}
    codes = _species_list(species)
    if arrangement not in ARRANGEMENTS:
        raise DesignError("arrangement_invalid", value=arrangement)
    row_spacing_m = _positive("row_spacing_m", row_spacing_m)
    tree_spacing_m = _positive("tree_spacing_m", tree_spacing_m)
    if soil_depth_m is not None:
        try:
            soil_depth_m = float(soil_depth_m)
        except (TypeError, ValueError) as exc:
            raise DesignError("soil_depth_invalid", value=soil_depth_m) from exc
        if not math.isfinite(soil_depth_m) or soil_depth_m < 0:
            raise DesignError("soil_depth_invalid", value=soil_depth_m)

    plot_wgs = parse_plot(plot)
    frame = LocalFrame(plot_wgs)
    plot_local = frame.to_local(plot_wgs)
    warnings: list[DesignWarning] = []

    # --- terrain ------------------------------------------------------------------------------------
    sigma = p["dem_smoothing_sigma_m"]
    margin = 2.0 * max(p["module_width_gentle_m"], row_spacing_m or 0.0) + 3.0 * sigma
    if dem is not None:
        terrain = dem_terrain(dem, plot_local, frame.crs, margin, p)
    else:
        if slope_pct is None or (aspect_deg is None and float(slope_pct) >= p["flat_slope_pct"]):
            raise DesignError("terrain_missing")
        slope_pct = float(slope_pct)
        if not math.isfinite(slope_pct) or slope_pct < 0 or slope_pct > p["dem_max_plausible_slope_pct"]:
            raise DesignError("slope_invalid", value=slope_pct, max=p["dem_max_plausible_slope_pct"])
        if aspect_deg is not None:
            aspect_deg = float(aspect_deg)
            if not math.isfinite(aspect_deg) or not 0 <= aspect_deg <= 360:
                raise DesignError("aspect_invalid", value=aspect_deg)
        b = plot_local.bounds
        bounds = (b[0] - margin, b[1] - margin, b[2] + margin, b[3] + margin)
        area = (bounds[2] - bounds[0]) * (bounds[3] - bounds[1])
        res = max(p["work_grid_max_res_m"], math.sqrt(area / p["work_grid_max_cells"]))
        terrain = planar_terrain(bounds, slope_pct, aspect_deg if aspect_deg is not None else
                                 p["flat_default_aspect_deg"], res)

    xx, yy = np.meshgrid(terrain.x, terrain.y)
    in_plot = shapely.contains_xy(plot_local, xx, yy) & np.isfinite(terrain.z)
    if not in_plot.any():  # plot smaller than a grid cell: use the nearest node to the centroid
        c = plot_local.centroid
        in_plot[np.argmin(np.abs(terrain.y - c.y)), np.argmin(np.abs(terrain.x - c.x))] = True
    gx, gy = terrain.gradient()
    s = np.hypot(gx, gy)[in_plot]
    s = s[np.isfinite(s)]
    mean_s = float(s.mean()) if len(s) else 0.0
    mean_slope_pct = 100.0 * mean_s
    mgx, mgy = float(np.nanmean(gx[in_plot])), float(np.nanmean(gy[in_plot]))
    if dem is None:
        mean_aspect = aspect_deg
    else:
        mean_aspect = (math.degrees(math.atan2(-mgx, -mgy)) % 360.0) if math.hypot(mgx, mgy) > 0 else None
        if mean_slope_pct > p["dem_max_plausible_slope_pct"]:
            raise DesignError("dem_absurd_slope", slope=mean_slope_pct, max=p["dem_max_plausible_slope_pct"])
        if terrain.coverage_raw < 1.0 and terrain.coverage > terrain.coverage_raw:
            warnings.append(DesignWarning("dem_nodata_filled", {"share": 1.0 - terrain.coverage_raw,
                                                                "dist": p["dem_fill_max_distance_m"]}))
        if terrain.coverage < p["dem_min_coverage_fraction"]:
            warnings.append(DesignWarning("dem_partial_coverage", {"share": terrain.coverage}))
    irregularity = 1.0 - math.hypot(mgx, mgy) / mean_s if mean_s > 0 else 0.0
    slope_cv = float(s.std() / mean_s) if mean_s > 0 else 0.0

    layout_terrain: Terrain = terrain
    if mean_slope_pct < p["flat_slope_pct"]:
        aspect_flat = mean_aspect if mean_aspect is not None else p["flat_default_aspect_deg"]
        warnings.append(DesignWarning("terrain_flat", {"slope": mean_slope_pct, "aspect": aspect_flat}))
        c = plot_local.centroid
        zflat = planar_elevation(xx, yy, p["flat_slope_pct"], aspect_flat, c.x, c.y)
        layout_terrain = Terrain(x=terrain.x, y=terrain.y, z=np.where(np.isfinite(terrain.z), zflat, np.nan),
                                 res=terrain.res, source=terrain.source, z_report=terrain.z_report)
        mean_aspect = aspect_flat

    # --- modality and module ------------------------------------------------------------------------
    modality = choose_modality(mean_slope_pct, soil_depth_m, p)
    if soil_depth_m is None:
        warnings.append(DesignWarning("soil_depth_unknown", {"modality": modality,
                                                             "depth": p["tmv_min_soil_depth_m"]}))
    max_slope = p["tmv_max_slope_pct"] if modality == "TMV" else p["bv_max_slope_pct"]
    steep_share = float((np.hypot(gx, gy)[in_plot] * 100.0 > max_slope).mean())
    if mean_slope_pct > max_slope or steep_share > p["steep_area_share_max"]:
        warnings.append(DesignWarning("slope_above_modality_range", {
            "slope": mean_slope_pct, "share": steep_share, "max": max_slope, "modality": modality}))
    w_ground = row_spacing_m or module_width(mean_slope_pct, p)
    cos_t = math.cos(math.atan(mean_s))
    w_horiz = float(module_width_horizontal(w_ground, mean_slope_pct))
    vi = float(vertical_interval(w_ground, mean_slope_pct))

    # --- rows ---------------------------------------------------------------------------------------
    inner = plot_local.buffer(-p["edge_margin_m"])
    if inner.is_empty or inner.geom_type != "Polygon":
        parts = list(getattr(inner, "geoms", []))
        inner = max(parts, key=lambda g: g.area) if parts else inner
    if inner.is_empty:
        raw_rows, stats = [], None
    else:
        raw_rows, stats = trace_rows(layout_terrain, plot_local, inner, w_ground, p)
    tol = p["row_simplify_tolerance_m"]
    for r in raw_rows:
        r.line = shapely.simplify(r.line, tol)
    raw_rows.sort(key=lambda r: (-r.level, r.line.centroid.x))

    # --- trees --------------------------------------------------------------------------------------
    cat = species_catalogue()
    spacing = {c: tree_spacing_m or _catalogue_spacing(cat[c], p) for c in codes}
    row_species = _species_by_row(raw_rows, codes, arrangement)
    tx, ty, tri, tsp = place_trees([r.line for r in raw_rows], row_species, spacing)
    keep = shapely.contains_xy(plot_local, tx, ty)
    tx, ty, tri, tsp = tx[keep], ty[keep], tri[keep], tsp[keep]
    counts = np.bincount(tri, minlength=len(raw_rows)) if len(raw_rows) else np.zeros(0, int)
    number_in_row = np.concatenate([np.arange(1, n + 1) for n in counts]) if len(tri) else np.zeros(0, int)
    lon, lat = frame.points_to_wgs84(tx, ty)
    has_dem = terrain.z_report is not None
    t_elev = terrain.sample(tx, ty, report=True) if has_dem else None

    rows: list[TreeRow] = []
    for i, r in enumerate(raw_rows):
        elev = None
        if has_dem:
            elev = r.level if layout_terrain is terrain else float(np.nanmean(
                terrain.sample(*np.asarray(r.line.coords).T, report=True)))
            elev = round(elev, 2)
        rows.append(TreeRow(number=i + 1, line=r.line, level_m=r.level, elevation_m=elev,
                            length_m=round(r.line.length, 2), n_trees=int(counts[i]),
                            species=list(dict.fromkeys(row_species[i])), partial=r.partial))
    trees = Trees(x=tx, y=ty, lon=np.asarray(lon), lat=np.asarray(lat), row_number=tri + 1,
                  number_in_row=number_in_row, species=tsp.astype(str), elevation_m=t_elev)

    # --- crop strips --------------------------------------------------------------------------------
    band_g = p["tree_band_width_steep_m"] if w_ground <= p["module_width_steep_m"] + 1e-9 else \
        p["tree_band_width_gentle_m"]
    band_g = min(band_g, w_ground * 0.5) if row_spacing_m else band_g
    polys = crop_strips(plot_local, [r.line for r in raw_rows], band_g * cos_t,
                        extend_m=2.0 * p["edge_margin_m"])
    zc = layout_terrain.sample(np.array([q.representative_point().x for q in polys]),
                               np.array([q.representative_point().y for q in polys])) if polys else np.zeros(0)
    order = np.argsort(-np.nan_to_num(zc, nan=-np.inf), kind="stable")
    strips = []
    for n, j in enumerate(order):
        this = "maiz" if (n + year) % 2 == 0 else "frijol"
        nxt = "frijol" if this == "maiz" else "maiz"
        strips.append(CropStrip(n + 1, polys[j], this, nxt, round(polys[j].area, 1)))
    maize_ha = sum(st.area_m2 for st in strips if st.crop_this_year == "maiz") / 1e4
    bean_ha = sum(st.area_m2 for st in strips if st.crop_this_year == "frijol") / 1e4
    maize_plants = int(round(maize_ha * p["maize_density_plants_per_ha"]))
    bean_plants = int(round(bean_ha * p["bean_density_plants_per_ha"]))

    # --- quantities and warnings --------------------------------------------------------------------
    geod_area, _ = Geod(ellps="WGS84").geometry_area_perimeter(plot_wgs)
    area_ha = abs(geod_area) / 1e4
    stretch = np.sqrt(1.0 + np.hypot(gx, gy) ** 2)
    ground_area_ha = area_ha * float(np.nanmean(stretch[in_plot]))
    row_len = float(sum(r.line.length for r in raw_rows))
    by_species = {c: int((trees.species == c).sum()) for c in codes}
    names_es = {c: cat[c].get("name_es", c) for c in codes}
    bom = bill_of_materials(by_species, maize_plants, bean_plants, row_len, prm, names_es)
    labour = establishment_labour(len(trees), row_len, prm)
    n_partial = stats.n_partial_rows if stats else 0
    downhill = math.radians(mean_aspect if mean_aspect is not None else p["flat_default_aspect_deg"])
    ext = np.asarray(plot_local.exterior.coords)
    proj = ext[:, 0] * math.sin(downhill) + ext[:, 1] * math.cos(downhill)
    extent = float(proj.max() - proj.min())
    if extent < w_horiz or plot_local.area < w_horiz ** 2 or not raw_rows:
        warnings.append(DesignWarning("plot_too_small", {"extent": extent, "area": plot_local.area,
                                                         "width": w_ground}))
    if irregularity > p["irregular_terrain_index_max"] or slope_cv > p["irregular_slope_cv_max"]:
        warnings.append(DesignWarning("terrain_irregular", {"index": irregularity, "cv": slope_cv,
                                                            "partial": n_partial}))
    if stats and stats.uncovered_share > 0.01:
        warnings.append(DesignWarning("coverage_incomplete", {
            "share": stats.uncovered_share, "dist": p["coverage_max_distance_modules"] * w_ground}))
    same_row = tri[1:] == tri[:-1]
    gaps = np.hypot(np.diff(tx), np.diff(ty))[same_row]  # chords: equal to the arc on straight rows
    realised = float(gaps.mean()) if gaps.size else (tree_spacing_m or spacing[codes[0]])
    zr = terrain.z_report[in_plot] if has_dem else None
    summary = DesignSummary(
        area_ha=round(area_ha, 4), ground_area_ha=round(ground_area_ha, 4), modality=modality,
        modality_name_es=MODALITY_ES[modality], row_spacing_ground_m=round(w_ground, 3),
        row_spacing_horizontal_m=round(w_horiz, 3), vertical_interval_m=round(vi, 3),
        tree_spacing_m=round(realised, 3), tree_spacing_by_species_m=spacing, n_tree_rows=len(rows),
        n_partial_rows=n_partial, n_trees=len(trees), trees_by_species=by_species,
        trees_per_ha=round(len(trees) / area_ha, 1) if area_ha > 0 else 0.0,
        tree_row_length_m=round(row_len, 1), runoff_filter_length_m=round(row_len, 1),
        tree_band_width_m=band_g, crop_strip_area_ha=round(maize_ha + bean_ha, 4),
        maize_strip_area_ha=round(maize_ha, 4), bean_strip_area_ha=round(bean_ha, 4), n_crop_strips=len(strips),
        furrows_per_strip=max(int(math.floor((w_ground - band_g) / p["furrow_spacing_m"] + 1e-9)), 0),
        maize_plants=maize_plants, bean_plants=bean_plants,
        maize_seed_kg=next(b.quantity for b in bom if b.item == "maize seed"),
        bean_seed_kg=next(b.quantity for b in bom if b.item == "bean seed"),
        mean_slope_pct=round(mean_slope_pct, 2),
        mean_aspect_deg=round(mean_aspect, 1) if mean_aspect is not None else None,
        elevation_min_m=round(float(np.nanmin(zr)), 2) if zr is not None and zr.size else None,
        elevation_max_m=round(float(np.nanmax(zr)), 2) if zr is not None and zr.size else None,
        soil_depth_m=soil_depth_m, species=codes, arrangement=arrangement, year=int(year),
        terrain_source=terrain.source, dem_coverage=round(terrain.coverage, 4),
        max_distance_to_row_m=round(stats.max_distance_to_row_m, 2) if stats else math.inf,
        uncovered_share=round(stats.uncovered_share, 4) if stats else 1.0,
        local_crs=f"EPSG:{frame.epsg}",
        establishment_person_days=round(sum(lab.person_days for lab in labour), 2),
        warnings=[w.to_dict() for w in warnings],
    )
    parameters = {k: {"value": v.value, "unit": v.unit, "tag": v.tag, "source": v.source}
                  for k, v in prm.items()}
    return DesignResult(summary=summary, plot=plot_local, plot_wgs84=plot_wgs, rows=rows, trees=trees,
                        strips=strips, bill_of_materials=bom, labour=labour, warnings=warnings,
                        parameters=parameters, frame=frame)


def _catalogue_spacing(row: Mapping[str, str], p: Mapping[str, float]) -> float:
    try:
        v = float(row.get("in_row_spacing_m") or "nan")
    except ValueError:
        v = math.nan
    return v if math.isfinite(v) and v > 0 else p["tree_spacing_default_m"]


def _species_by_row(rows: list, codes: list[str], arrangement: str) -> list[list[str]]:
    if len(codes) == 1:
        return [[codes[0]] for _ in rows]
    if arrangement == "alternate":
        # each row starts one species later, so the pattern is staggered from row to row
        return [codes[i % len(codes):] + codes[:i % len(codes)] for i in range(len(rows))]
    lengths = np.array([r.line.length for r in rows])
    cum = np.cumsum(lengths) - lengths / 2.0
    total = lengths.sum() or 1.0
    return [[codes[min(int(c / total * len(codes)), len(codes) - 1)]] for c in cum]
