"""``miaf erosion``, ``miaf carbon``, ``miaf diversity`` and ``miaf overlap`` sub-commands."""

from __future__ import annotations

import argparse
import csv
import json
import math
from pathlib import Path

__all__ = ["register"]


def register(subparsers) -> None:
    """Add the environment sub-commands to the ``miaf`` parser."""
    p = subparsers.add_parser("erosion", help="soil loss of a plot (RUSLE) and comparison with the traditional milpa")
    p.add_argument("plot", help="plot polygon, GeoJSON in longitude/latitude")
    terrain = p.add_argument_group("terrain (a DEM, or a mean slope and slope length)")
    terrain.add_argument("--dem", help="DEM GeoTIFF (degrees are reprojected to metres)")
    terrain.add_argument("--slope-pct", type=float, help="mean slope [%%] (without DEM)")
    terrain.add_argument("--slope-length-m", type=float, help="slope length [m] (without DEM)")
    rain = p.add_argument_group("rainfall erosivity R (one of)")
    rain.add_argument("--rainfall-mm", type=float, help="annual rainfall [mm], with --region")
    rain.add_argument("--region", help="Cortés (1991) region I-XIV (default X for Chiapas, an estimate)")
    rain.add_argument("--r-factor", type=float, help="R [MJ mm ha-1 h-1 yr-1]")
    rain.add_argument("--municipality", help="Chiapas INEGI municipality code, e.g. 07052 (CHIRPS normal)")
    soil = p.add_argument_group("soil erodibility K (one of)")
    soil.add_argument("--k-factor", type=float, help="K [t h MJ-1 mm-1]")
    soil.add_argument("--sand-pct", type=float)
    soil.add_argument("--silt-pct", type=float)
    soil.add_argument("--clay-pct", type=float)
    soil.add_argument("--om-pct", type=float, help="soil organic matter [%%]")
    p.add_argument("--system", default="miaf-d", choices=["traditional", "miaf-d"])
    p.add_argument("--age-years", type=float, default=0.0, help="years since MIAF-D establishment")
    p.add_argument("--module-width-m", type=float,
                   help="distance between tree rows along the ground [m] (default by slope, CIMMYT rule)")
    p.add_argument("--steep-slope", choices=["mccool", "nearing"],
                   help="S factor above 50 %% slope: McCool (default, erosion.csv steep_slope_factor) or Nearing 1997")
    p.add_argument("--soil-depth-m", type=float, help="soil depth [m] (shallow soils get a lower tolerance)")
    p.add_argument("--tolerable", type=float, help="tolerable loss [t ha-1 yr-1] (overrides the default)")
    p.add_argument("--area-method", default="desmet_govers", choices=["desmet_govers", "sqrt_area"])
    p.add_argument("--raster", help="write the per-cell soil loss as GeoTIFF (DEM runs)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=_erosion)

    c = subparsers.add_parser("carbon", help="carbon stock and annual change of a plot by pool")
    c.add_argument("plot", help="plot polygon, GeoJSON in longitude/latitude (gives the area)")
    c.add_argument("--species", required=True, help="species code of the tree row (species.csv)")
    c.add_argument("--trees", type=int, required=True, help="number of trees on the plot")
    c.add_argument("--age-years", type=float, required=True, help="years since planting")
    zone = c.add_argument_group("IPCC climate zone (given, or from altitude and rainfall; default tropical_moist)")
    zone.add_argument("--climate-zone", choices=["tropical_wet", "tropical_moist", "tropical_dry", "tropical_montane"])
    zone.add_argument("--altitude-m", type=float, help="plot altitude [m] (above 1,000 m: tropical montane)")
    zone.add_argument("--rainfall-mm", type=float, help="annual rainfall [mm] (wet > 2,000, moist > 1,000, dry)")
    zone.add_argument("--municipality", help="Chiapas INEGI municipality code: its CHIRPS rainfall normal")
    c.add_argument("--soil-type", default="lac", choices=["lac", "hac"])
    till = c.add_mutually_exclusive_group()
    till.add_argument("--tillage", choices=["full", "reduced"], help="tillage of the crop strips (default full)")
    till.add_argument("--modality", choices=["TMV", "BV"], help="design modality: TMV full tillage, BV reduced")
    c.add_argument("--measurements", help="CSV with species,diameter_cm[,height_m] of measured trees")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=_carbon)

    d = subparsers.add_parser("diversity", help="richness, Shannon, Simpson, native share, food calendar")
    d.add_argument("table", help="CSV with plot_id,species,weight[,family_id,native]")
    d.add_argument("--json", action="store_true")
    d.set_defaults(func=_diversity)

    o = subparsers.add_parser("overlap", help="share of each plot inside reference layers")
    o.add_argument("plots", help="GeoJSON FeatureCollection of plots (id or properties.plot_id)")
    o.add_argument("layers", nargs="+", help="GeoJSON, GeoPackage or zipped Shapefile layers")
    o.add_argument("--json", action="store_true")
    o.set_defaults(func=_overlap)


def _print(data: dict, as_json: bool, lines: list[str]) -> None:
    if as_json:
        print(json.dumps(data, ensure_ascii=False, indent=2, default=_default))
    else:
        print("\n".join(lines))


def _default(obj):
    if hasattr(obj, "item"):
        return obj.item()
    raise TypeError(f"not JSON serialisable: {type(obj).__name__}")


def _erosion(args: argparse.Namespace) -> int:
    from .erosion import ErosionInputs, evaluate_soil_loss
    from .layers import geodesic_area_ha, read_plot
    from .terrain import read_dem

    plot = read_plot(args.plot)
    inputs = ErosionInputs(
        system=args.system, age_years=args.age_years, r_factor=args.r_factor, rainfall_mm=args.rainfall_mm,
        region=args.region, municipality=args.municipality, k_factor=args.k_factor, sand_pct=args.sand_pct,
        silt_pct=args.silt_pct, clay_pct=args.clay_pct, om_pct=args.om_pct, slope_pct=args.slope_pct,
        slope_length_m=args.slope_length_m, module_width_m=args.module_width_m, soil_depth_m=args.soil_depth_m,
        tolerable_t_ha_yr=args.tolerable, area_method=args.area_method, steep_slope=args.steep_slope,
    )
    if args.dem:
        res = evaluate_soil_loss(inputs, dem=read_dem(args.dem), plot=plot)
    else:
        if args.raster:
            raise ValueError("--raster needs --dem")
        res = evaluate_soil_loss(inputs)
    if args.raster:
        res.write_raster(args.raster)
    data = res.to_dict()
    data["plot_area_ha"] = geodesic_area_ha(plot)
    data["soil_loss_t_plot_yr"] = res.soil_loss_t_ha_yr * data["plot_area_ha"]
    lines = [
        f"Soil loss ({res.system}, age {res.age_years:g} yr): {res.soil_loss_t_ha_yr:.1f} t/ha/yr "
        f"(p10 {res.p10_t_ha_yr:.1f}, p50 {res.p50_t_ha_yr:.1f}, p90 {res.p90_t_ha_yr:.1f})",
        f"  R {res.r_factor:.0f} ({res.r_source}); K {res.k_factor:.4f}; LS {res.ls_mean:.2f}; "
        f"C {res.c_factor:.3f}; P {res.p_factor:.2f}",
        f"  tolerable {res.tolerable_t_ha_yr:g} t/ha/yr: {'EXCEEDED' if res.exceeds_tolerable else 'within'}",
        f"  traditional milpa {res.traditional_t_ha_yr:.1f} t/ha/yr; soil kept {res.soil_kept_t_ha_yr:.1f} "
        f"t/ha/yr ({res.soil_kept_pct:.0f} %)",
    ]
    if not res.p_contouring_defined:
        lines.append(f"  note: {100 * res.p_undefined_share:.0f} % of the area is steeper than 25 %, where contouring "
                     "has no published P (Wischmeier & Smith 1978): P = 1 there, the rows count through LS only")
    if args.dem:
        lines.append(f"  cells {res.cells}, nodata cells {res.nodata_cells}, cell {res.cell_size_m:.2f} m")
    _print(data, args.json, lines)
    return 0


def _read_measurements(path: str):
    from .carbon import TreeMeasurement

    p = Path(path)
    if not p.exists():
        raise FileNotFoundError(f"measurements file not found: {p}")
    out = []
    with p.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if not {"species", "diameter_cm"} <= set(reader.fieldnames or ()):
            raise ValueError(f"{p.name}: measurements need columns species, diameter_cm (and optionally height_m)")
        for n, row in enumerate(reader, start=2):
            try:
                d = float(row["diameter_cm"])
                h = (row.get("height_m") or "").strip()
                out.append(TreeMeasurement(row["species"].strip(), d, float(h) if h else None))
            except ValueError as exc:
                raise ValueError(f"{p.name}:{n}: {exc}") from None
            if not math.isfinite(d):
                raise ValueError(f"{p.name}:{n}: diameter_cm is not a number")
    return out


def _carbon(args: argparse.Namespace) -> int:
    from .carbon import CarbonInputs, climate_zone, evaluate_carbon, tillage_for_modality
    from .layers import geodesic_area_ha, read_plot

    area = geodesic_area_ha(read_plot(args.plot))
    meas = _read_measurements(args.measurements) if args.measurements else []
    zone = args.climate_zone
    if zone is None:
        rain = args.rainfall_mm
        if rain is None and args.municipality:
            from .rusle import municipality_rainfall

            rain = municipality_rainfall(args.municipality).rainfall_mm
        zone = climate_zone(args.altitude_m, rain, default="tropical_moist")
    tillage = args.tillage or tillage_for_modality(args.modality)
    res = evaluate_carbon(CarbonInputs(args.species, args.trees, args.age_years, area, zone, args.soil_type, meas,
                                       tillage=tillage))
    data = res.to_dict()
    lines = [f"Carbon, {res.species} age {res.age_years:g} yr, {res.climate_zone}, {tillage} tillage, {area:.3f} ha:"]
    for pool in res.pools:
        lines.append(f"  {pool.name:22s} {pool.stock_t_c_ha:7.2f} t C/ha ({pool.low_t_c_ha:.2f}-{pool.high_t_c_ha:.2f})"
                     f"  {pool.annual_change_t_c_ha_yr:+.2f} t C/ha/yr  Tier {pool.tier}")
    lines.append(f"  total {data['total_t_c_ha']:.2f} t C/ha ({data['total_low_t_c_ha']:.2f}-{data['total_high_t_c_ha']:.2f}, "
                 f"95 %, IPCC Approach 1) = {data['total_t_co2e_ha']:.1f} t CO2e/ha; "
                 f"traditional milpa {res.traditional_t_c_ha:.1f}; forest reference {res.forest_reference_t_c_ha:.1f}")
    _print(data, args.json, lines)
    return 0


def _diversity(args: argparse.Namespace) -> int:
    from .diversity import evaluate_diversity, read_table

    res = evaluate_diversity(read_table(args.table))
    lines = [f"{p.plot_id}: S={p.richness} H'={p.shannon:.3f} 1-D={p.simpson:.3f} native {p.native_share:.0%} "
             f"food products {p.food_products} over {p.months_with_harvest} months" for p in res.plots]
    pr = res.programme
    lines.append(f"programme: S={pr.richness} H'={pr.shannon:.3f} 1-D={pr.simpson:.3f} native {pr.native_share:.0%}")
    _print(res.to_dict(), args.json, lines)
    return 0


def _overlap(args: argparse.Namespace) -> int:
    from shapely.geometry import shape

    from .layers import layer_overlap, read_layer

    path = Path(args.plots)
    if not path.exists():
        raise FileNotFoundError(f"plots file not found: {path}")
    data = json.loads(path.read_text(encoding="utf-8"))
    feats = data.get("features", [data] if data.get("type") == "Feature" else [])
    plots = [(f.get("id") or (f.get("properties") or {}).get("plot_id") or str(i), shape(f["geometry"]))
             for i, f in enumerate(feats, start=1)]
    res = layer_overlap(plots, [read_layer(p) for p in args.layers])
    lines = [f"{p.plot_id}: {p.area_ha:.3f} ha; " + ", ".join(f"{k} {v:.0%}" for k, v in p.share.items())
             for p in res.plots]
    lines.append(f"total {res.total_area_ha:.2f} ha; " + ", ".join(f"{k} {v:.0%}" for k, v in res.total_share.items()))
    _print(res.to_dict(), args.json, lines)
    return 0
