"""``miaf design``: lay out a MIAF plot on terrain from the command line."""

from __future__ import annotations

import argparse
import json
import sys

__all__ = ["register", "handle_design", "format_summary_es"]


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``design`` sub-command to the ``miaf`` parser."""
    p = subparsers.add_parser(
        "design", help="design a MIAF plot: contour tree rows, trees, crop strips, materials",
        description="Design a MIAF plot on its terrain (DEM or mean slope and aspect) and export the layout.")
    p.add_argument("plot", help="plot boundary, GeoJSON polygon in WGS84")
    p.add_argument("--species", required=True, help="fruit species code(s), comma-separated (e.g. aguacate,durazno)")
    p.add_argument("--arrangement", choices=("alternate", "blocks"), default="alternate",
                   help="several species: alternate along each row or in blocks of rows")
    p.add_argument("--dem", help="elevation model (GeoTIFF, any CRS, with nodata)")
    p.add_argument("--slope-pct", type=float, help="mean slope [%%] when there is no DEM")
    p.add_argument("--aspect-deg", type=float, help="direction the slope faces [° clockwise from north]")
    p.add_argument("--soil-depth-m", type=float, help="soil depth [m] (decides TMV or BV at 30-40 %% slope)")
    p.add_argument("--row-spacing-m", type=float, help="module width along the ground [m] (default by slope)")
    p.add_argument("--tree-spacing-m", type=float, help="in-row tree spacing [m] (default by species)")
    p.add_argument("--year", type=int, default=0, help="years since establishment (maize/bean micro-rotation)")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                   help="override a design parameter from params/design.csv (repeatable)")
    p.add_argument("--out", help="write the design as GeoJSON")
    p.add_argument("--gpx", help="write GPX waypoints for staking out")
    p.add_argument("--svg", help="write the plan sheet as SVG")
    p.add_argument("--pdf", help="write the plan sheet as PDF")
    p.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    p.set_defaults(func=handle_design)
    return p


def _overrides(items: list[str]) -> dict[str, str]:
    out = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"--set: expected KEY=VALUE, got {item!r}")
        out[key.strip()] = value.strip()
    return out


def handle_design(args: argparse.Namespace) -> int:
    """Run :func:`miaf.design.design_plot` with the parsed arguments; print and write the outputs."""
    from . import design_plot
    from .exports import write_outputs

    result = design_plot(
        args.plot, args.species, dem=args.dem, slope_pct=args.slope_pct, aspect_deg=args.aspect_deg,
        soil_depth_m=args.soil_depth_m, arrangement=args.arrangement, row_spacing_m=args.row_spacing_m,
        tree_spacing_m=args.tree_spacing_m, year=args.year, overrides=_overrides(args.set))
    write_outputs(result, geojson=args.out, gpx=args.gpx, svg=args.svg, pdf=args.pdf)
    if args.json:
        summary = result.summary.to_dict()
        summary["bill_of_materials"] = [b.to_dict() for b in result.bill_of_materials]
        summary["labour"] = [lab.to_dict() for lab in result.labour]
        json.dump(summary, sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(format_summary_es(result) + "\n")
    return 0


def format_summary_es(result) -> str:
    """Readable Spanish summary of a design."""
    s = result.summary
    meses = ["ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic"]
    lines = [
        f"Diseño MIAF — {s.modality_name_es} ({s.modality})",
        f"  Superficie:                 {s.area_ha:.2f} ha (pendiente media {s.mean_slope_pct:.1f} %)",
        f"  Distancia entre hileras:    {s.row_spacing_ground_m:.1f} m sobre el suelo, "
        f"{s.row_spacing_horizontal_m:.1f} m en horizontal (desnivel {s.vertical_interval_m:.2f} m)",
        f"  Distancia entre árboles:    {s.tree_spacing_m:.2f} m",
        f"  Hileras:                    {s.n_tree_rows} ({s.n_partial_rows} parciales), "
        f"{s.tree_row_length_m:.0f} m de hilera y de filtro de escurrimientos",
        f"  Árboles:                    {s.n_trees} ({s.trees_per_ha:.0f} por ha): "
        + ", ".join(f"{k} {v}" for k, v in s.trees_by_species.items()),
        f"  Franjas de cultivo:         {s.crop_strip_area_ha:.2f} ha; maíz {s.maize_strip_area_ha:.2f} ha "
        f"({s.maize_plants} plantas, {s.maize_seed_kg:.1f} kg de semilla), frijol {s.bean_strip_area_ha:.2f} ha "
        f"({s.bean_plants} plantas, {s.bean_seed_kg:.1f} kg)",
        "  Materiales:",
    ]
    for b in result.bill_of_materials:
        lines.append(f"    - {b.item_es}: {b.quantity:g} {b.unit}")
    lines.append(f"  Jornales de establecimiento: {s.establishment_person_days:.1f}")
    for lab in result.labour:
        lines.append(f"    - {lab.activity_es} ({meses[lab.month - 1]}): {lab.person_days:.1f}")
    for w in result.warnings:
        lines.append(f"  Aviso [{w.code}]: {w.message_es}")
    return "\n".join(lines)
