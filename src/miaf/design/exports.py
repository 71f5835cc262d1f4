"""Exports of a plot design: GeoJSON (WGS84), GPX stake-out waypoints, SVG plan sheet and PDF."""

from __future__ import annotations

import base64
import html
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

import numpy as np
import shapely
from shapely.geometry import mapping

if TYPE_CHECKING:
    from .result import DesignResult

__all__ = ["to_geojson", "to_gpx", "to_svg", "to_pdf", "write_pdf", "write_outputs"]

_ND = 7  # decimal places of degrees (about 1 cm)
CROP_ES = {"maiz": "Maíz", "frijol": "Frijol"}
CROP_COLOUR = {"maiz": "#f3d76b", "frijol": "#c9a27e"}


def _round_geom(geom: shapely.Geometry) -> dict[str, Any]:
    """GeoJSON of a geometry at about 1 cm, polygons following RFC 7946's right-hand rule (exterior ring
    counter-clockwise)."""
    return mapping(shapely.orient_polygons(shapely.set_precision(geom, 10.0 ** -_ND), exterior_cw=False))


def to_geojson(result: DesignResult) -> dict[str, Any]:
    """FeatureCollection in WGS84; every feature has ``kind``: plot, tree_row, tree or crop_strip."""
    fr = result.frame
    feats: list[dict[str, Any]] = [{
        "type": "Feature", "geometry": _round_geom(result.plot_wgs84),
        "properties": {"kind": "plot", "area_ha": result.summary.area_ha, "modality": result.summary.modality},
    }]
    for r in result.rows:
        props: dict[str, Any] = {"kind": "tree_row", "row_number": r.number, "length_m": r.length_m,
                                 "n_trees": r.n_trees, "species": ",".join(r.species), "partial": r.partial}
        if r.elevation_m is not None:
            props["elevation_m"] = r.elevation_m
        feats.append({"type": "Feature", "geometry": _round_geom(fr.to_wgs84(r.line)), "properties": props})
    t = result.trees
    labels = t.labels()
    for i in range(len(t)):
        props = {"kind": "tree", "tree_number": i + 1, "row_number": int(t.row_number[i]),
                 "number_in_row": int(t.number_in_row[i]), "label": labels[i], "species": str(t.species[i])}
        if t.elevation_m is not None and math.isfinite(t.elevation_m[i]):
            props["elevation_m"] = round(float(t.elevation_m[i]), 2)
        feats.append({"type": "Feature", "properties": props, "geometry": {
            "type": "Point", "coordinates": [round(float(t.lon[i]), _ND), round(float(t.lat[i]), _ND)]}})
    for s in result.strips:
        feats.append({"type": "Feature", "geometry": _round_geom(fr.to_wgs84(s.polygon)), "properties": {
            "kind": "crop_strip", "strip_number": s.number, "crop_this_year": s.crop_this_year,
            "crop_next_year": s.crop_next_year, "area_m2": s.area_m2}})
    return {"type": "FeatureCollection", "features": feats, "miaf_summary": result.summary.to_dict()}


def to_gpx(result: DesignResult) -> str:
    """GPX 1.1: one waypoint per tree (name ``H<row>-<n>``) and one track per row, for staking out."""
    t = result.trees
    labels = t.labels()
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<gpx version="1.1" creator="miaf design" xmlns="http://www.topografix.com/GPX/1/1">',
           "<metadata><name>Estacado MIAF</name></metadata>"]
    for i in range(len(t)):
        ele = ""
        if t.elevation_m is not None and math.isfinite(t.elevation_m[i]):
            ele = f"<ele>{t.elevation_m[i]:.2f}</ele>"
        out.append(f'<wpt lat="{t.lat[i]:.{_ND}f}" lon="{t.lon[i]:.{_ND}f}">{ele}<name>{labels[i]}</name>'
                   f"<desc>{escape(str(t.species[i]))}</desc><sym>Flag</sym></wpt>")
    for r in result.rows:
        coords = shapely.get_coordinates(result.frame.to_wgs84(r.line))
        pts = "".join(f'<trkpt lat="{la:.{_ND}f}" lon="{lo:.{_ND}f}"/>' for lo, la in coords)
        out.append(f"<trk><name>Hilera {r.number}</name><trkseg>{pts}</trkseg></trk>")
    out.append("</gpx>")
    return "\n".join(out)


def _nice_length(target: float) -> float:
    exp = 10 ** math.floor(math.log10(max(target, 1e-9)))
    for m in (5, 2, 1):
        if m * exp <= target:
            return m * exp
    return exp


def _fmt(v: float, nd: int = 0) -> str:
    s = f"{v:,.{nd}f}"
    return s.replace(",", " ")


def to_svg(result: DesignResult, max_tree_dots: int = 6000) -> str:
    """A4 landscape plan sheet (mm units): strips, rows with numbers, trees, north arrow, scale, legend."""
    W, H = 297.0, 210.0
    mx, my, mw, mh = 10.0, 22.0, 185.0, 178.0
    minx, miny, maxx, maxy = result.plot.bounds
    scale = min(mw / max(maxx - minx, 1e-6), mh / max(maxy - miny, 1e-6))
    ox = mx + (mw - (maxx - minx) * scale) / 2
    oy = my + (mh - (maxy - miny) * scale) / 2

    def pt(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return ox + (np.asarray(x) - minx) * scale, oy + (maxy - np.asarray(y)) * scale

    def path(geom: shapely.Geometry) -> str:
        d = []
        polys = shapely.get_parts(geom)
        for g in polys:
            rings = [g.exterior, *g.interiors] if g.geom_type == "Polygon" else [g]
            for ring in rings:
                c = np.asarray(ring.coords)
                X, Y = pt(c[:, 0], c[:, 1])
                d.append("M" + " L".join(f"{a:.2f},{b:.2f}" for a, b in zip(X, Y, strict=True)))
                if g.geom_type == "Polygon":
                    d[-1] += " Z"
        return " ".join(d)

    s = result.summary
    o = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}mm" height="{H}mm" viewBox="0 0 {W} {H}" '
         'font-family="DejaVu Sans, Arial, sans-serif">',
         f'<rect x="0" y="0" width="{W}" height="{H}" fill="white"/>',
         f'<text x="10" y="12" font-size="6" font-weight="bold">Plano de diseño MIAF — '
         f'{html.escape(s.modality_name_es)} ({s.modality})</text>',
         f'<text x="10" y="18" font-size="3.2">Especies: {html.escape(", ".join(s.species))} · '
         f'Año {s.year} de la rotación maíz–frijol · CRS {s.local_crs}</text>']
    for st in result.strips:
        o.append(f'<path d="{path(st.polygon)}" fill="{CROP_COLOUR[st.crop_this_year]}" fill-rule="evenodd" stroke="none"/>')
    o.append(f'<path d="{path(result.plot)}" fill="none" stroke="#222" stroke-width="0.5"/>')
    dashed = ' stroke-dasharray="1.2,0.6"'
    for r in result.rows:
        o.append(f'<path d="{path(r.line)}" fill="none" stroke="#2e7d32" stroke-width="0.45"'
                 f'{dashed if r.partial else ""}/>')
    t = result.trees
    if 0 < len(t) <= max_tree_dots:
        X, Y = pt(t.x, t.y)
        rad = max(min(0.35, 0.4 * scale), 0.12)
        o.append('<g fill="#1b5e20">' + "".join(f'<circle cx="{a:.2f}" cy="{b:.2f}" r="{rad:.2f}"/>'
                                                 for a, b in zip(X, Y, strict=True)) + "</g>")
    elif len(t) > max_tree_dots:
        o.append(f'<text x="{mx}" y="{my - 1}" font-size="2.4" fill="#555">{_fmt(len(t))} árboles: '
                 'demasiados para dibujarlos a esta escala; use el archivo GPX para el estacado</text>')
    step = max(1, len(result.rows) // 40)
    for r in result.rows[::step]:
        c = np.asarray(r.line.coords)
        j = int(np.argmin(c[:, 0]))
        X, Y = pt(c[j:j + 1, 0], c[j:j + 1, 1])
        o.append(f'<text x="{X[0] - 1:.2f}" y="{Y[0] + 1:.2f}" font-size="2.6" text-anchor="end" '
                 f'fill="#1b5e20">{r.number}</text>')
    # north arrow (UTM grid north) and scale bar
    o.append('<g transform="translate(185,32)"><path d="M0,-8 L3,2 L0,0 L-3,2 Z" fill="#222"/>'
             '<text x="0" y="7" font-size="4" text-anchor="middle">N</text></g>')
    bar_m = _nice_length(mw / scale / 4)
    bar = bar_m * scale
    o.append(f'<g transform="translate({mx},{H - 8})"><rect x="0" y="0" width="{bar / 2:.2f}" height="1.5" '
             f'fill="#222"/><rect x="{bar / 2:.2f}" y="0" width="{bar / 2:.2f}" height="1.5" fill="white" '
             f'stroke="#222" stroke-width="0.2"/><text x="0" y="-1" font-size="2.6">0</text>'
             f'<text x="{bar:.2f}" y="-1" font-size="2.6" text-anchor="middle">{_fmt(bar_m)} m</text>'
             f'<text x="{bar + 4:.2f}" y="1.5" font-size="2.6">Escala 1:{_fmt(1000 / scale)}</text></g>')
    # legend and counts
    lx, ly = 205.0, 28.0
    legend = [("rect", CROP_COLOUR["maiz"], "Franja de maíz (este año)"),
              ("rect", CROP_COLOUR["frijol"], "Franja de frijol (este año)"),
              ("line", "#2e7d32", "Hilera de árboles en curva a nivel"),
              ("dash", "#2e7d32", "Hilera parcial"), ("dot", "#1b5e20", "Árbol (estaca)")]
    o.append(f'<text x="{lx}" y="{ly - 4}" font-size="3.6" font-weight="bold">Leyenda</text>')
    for i, (kind, col, label) in enumerate(legend):
        y = ly + 5 * i
        if kind == "rect":
            o.append(f'<rect x="{lx}" y="{y - 2.5}" width="6" height="3" fill="{col}"/>')
        elif kind in ("line", "dash"):
            dash = ' stroke-dasharray="1.2,0.6"' if kind == "dash" else ""
            o.append(f'<line x1="{lx}" y1="{y - 1}" x2="{lx + 6}" y2="{y - 1}" stroke="{col}" '
                     f'stroke-width="0.6"{dash}/>')
        else:
            o.append(f'<circle cx="{lx + 3}" cy="{y - 1}" r="0.6" fill="{col}"/>')
        o.append(f'<text x="{lx + 8}" y="{y}" font-size="2.8">{label}</text>')
    rows = [("Superficie", f"{s.area_ha:.2f} ha"), ("Pendiente media", f"{s.mean_slope_pct:.1f} %"),
            ("Entre hileras (suelo)", f"{s.row_spacing_ground_m:.1f} m"),
            ("Entre hileras (horizontal)", f"{s.row_spacing_horizontal_m:.1f} m"),
            ("Desnivel entre hileras", f"{s.vertical_interval_m:.2f} m"),
            ("Entre árboles", f"{s.tree_spacing_m:.2f} m"),
            ("Hileras (parciales)", f"{s.n_tree_rows} ({s.n_partial_rows})"),
            ("Árboles", _fmt(s.n_trees)), ("Árboles por ha", _fmt(s.trees_per_ha)),
            ("Longitud de hileras / filtro", f"{_fmt(s.tree_row_length_m)} m"),
            ("Franjas de cultivo", f"{s.crop_strip_area_ha:.2f} ha"),
            ("Plantas de maíz", _fmt(s.maize_plants)), ("Plantas de frijol", _fmt(s.bean_plants)),
            ("Semilla maíz / frijol", f"{s.maize_seed_kg:.1f} / {s.bean_seed_kg:.1f} kg"),
            ("Jornales de establecimiento", f"{s.establishment_person_days:.1f}")]
    ty = ly + 5 * len(legend) + 6
    o.append(f'<text x="{lx}" y="{ty}" font-size="3.6" font-weight="bold">Resumen</text>')
    for i, (k, v) in enumerate(rows):
        y = ty + 5 + 4.4 * i
        o.append(f'<text x="{lx}" y="{y}" font-size="2.8">{k}</text>'
                 f'<text x="{W - 8}" y="{y}" font-size="2.8" text-anchor="end">{html.escape(v)}</text>')
    wy = ty + 5 + 4.4 * len(rows) + 4
    for i, w in enumerate(result.warnings[:4]):
        o.append(f'<text x="{lx}" y="{wy + 4 * i}" font-size="2.2" fill="#b71c1c">⚠ '
                 f'{html.escape(w.message_es[:95])}</text>')
    o.append("</svg>")
    return "\n".join(o)


def to_pdf(result: DesignResult) -> bytes:
    """Plan sheet as PDF bytes (WeasyPrint renders the SVG on an A4 landscape page)."""
    from weasyprint import HTML

    svg = base64.b64encode(to_svg(result).encode("utf-8")).decode("ascii")
    doc = ("<html><head><style>@page { size: A4 landscape; margin: 0 } body { margin: 0 }"
           "img { width: 297mm; height: 210mm; display: block }</style></head><body>"
           f'<img src="data:image/svg+xml;base64,{svg}"/></body></html>')
    return HTML(string=doc).write_pdf()


def write_pdf(result: DesignResult, path: str | Path) -> None:
    """Write the plan sheet as a PDF file."""
    Path(path).write_bytes(to_pdf(result))


def write_outputs(result: DesignResult, geojson: str | Path | None = None, gpx: str | Path | None = None,
                  svg: str | Path | None = None, pdf: str | Path | None = None) -> None:
    """Write whichever of the exports were asked for."""
    import json

    if geojson:
        Path(geojson).write_text(json.dumps(to_geojson(result), ensure_ascii=False), encoding="utf-8")
    if gpx:
        Path(gpx).write_text(to_gpx(result), encoding="utf-8")
    if svg:
        Path(svg).write_text(to_svg(result), encoding="utf-8")
    if pdf:
        write_pdf(result, pdf)
