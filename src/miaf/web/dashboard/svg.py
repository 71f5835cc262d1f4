"""A plot drawn as a static SVG from its GeoJSON polygon (no map tiles), with its design's tree rows.

Coordinates are projected to metres around the polygon's centre (equirectangular: x = Δlon·cos φ₀·R,
y = Δlat·R), which for a plot of a few hectares differs from UTM by far less than a drawn line's width.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from django.utils.html import escape
from django.utils.translation import gettext as _

__all__ = ["nice_number", "plot_svg"]

EARTH_RADIUS_M = 6_371_008.8  # mean Earth radius (IUGG), the sphere of the equirectangular projection


def nice_number(x: float) -> float:
    """The largest 1, 2 or 5 × 10^k not above ``x`` (a scale bar's length)."""
    if x <= 0 or not math.isfinite(x):
        return 0.0
    k = math.floor(math.log10(x))
    for m in (5, 2, 1):
        if m * 10**k <= x:
            return float(m * 10**k)
    return float(10**k)


def _rings(geometry: dict | None) -> list[list[tuple[float, float]]]:
    if not geometry:
        return []
    kind, coords = geometry.get("type"), geometry.get("coordinates") or []
    if kind == "Polygon":
        return [[(float(x), float(y)) for x, y, *_z in ring] for ring in coords]
    if kind == "MultiPolygon":
        return [[(float(x), float(y)) for x, y, *_z in ring] for poly in coords for ring in poly]
    return []


def _lines(geometries: Iterable[dict]) -> list[list[tuple[float, float]]]:
    out = []
    for g in geometries:
        if g.get("type") == "LineString":
            out.append([(float(x), float(y)) for x, y, *_z in g["coordinates"]])
        elif g.get("type") == "MultiLineString":
            out.extend([(float(x), float(y)) for x, y, *_z in line] for line in g["coordinates"])
    return out


def plot_svg(boundary: dict | None, rows: Iterable[dict] = (), trees: Iterable[dict] = (), size: int = 320) -> str:
    """SVG (``size`` × ``size`` px) of the plot outline, tree rows (green lines), trees, scale bar and north."""
    rings = _rings(boundary)
    if not rings:
        return ""
    pts = [p for ring in rings for p in ring]
    lon0 = (min(p[0] for p in pts) + max(p[0] for p in pts)) / 2
    lat0 = (min(p[1] for p in pts) + max(p[1] for p in pts)) / 2
    kx = math.cos(math.radians(lat0)) * math.radians(1) * EARTH_RADIUS_M
    ky = math.radians(1) * EARTH_RADIUS_M

    def metres(p: tuple[float, float]) -> tuple[float, float]:
        return (p[0] - lon0) * kx, (p[1] - lat0) * ky

    local = [[metres(p) for p in ring] for ring in rings]
    xs = [x for ring in local for x, _y in ring]
    ys = [y for ring in local for _x, y in ring]
    span = max(max(xs) - min(xs), max(ys) - min(ys), 1e-6)
    margin = size * 0.08
    scale = (size - 2 * margin) / span  # px per metre
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2

    def px(p: tuple[float, float]) -> str:
        return f"{size / 2 + (p[0] - cx) * scale:.1f},{size / 2 - (p[1] - cy) * scale:.1f}"

    out: list[str] = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" width="{size}" '
                      f'height="{size}" role="img" aria-label="{escape(_("Dibujo de la parcela"))}" class="plot-svg">']
    path = " ".join("M" + " L".join(px(p) for p in ring) + " Z" for ring in local)
    out.append(f'<path d="{path}" fill="#e8f1e4" stroke="#2f6b3a" stroke-width="2" fill-rule="evenodd"/>')
    for line in _lines(rows):
        d = " L".join(px(metres(p)) for p in line)
        out.append(f'<path d="M{d}" fill="none" stroke="#3d8b3d" stroke-width="2.2" stroke-linecap="round"/>')
    for t in trees:
        if t.get("type") == "Point":
            x, y = t["coordinates"][:2]
            out.append(f'<circle cx="{px(metres((float(x), float(y)))).split(",")[0]}" '
                       f'cy="{px(metres((float(x), float(y)))).split(",")[1]}" r="1.6" fill="#1f5a1f"/>')
    bar_m = nice_number(span / 3)
    bar_px = bar_m * scale
    y0 = size - margin / 2
    out.append(f'<line x1="{margin:.1f}" y1="{y0:.1f}" x2="{margin + bar_px:.1f}" y2="{y0:.1f}" stroke="#1d2521" '
               f'stroke-width="3"/><text x="{margin:.1f}" y="{y0 - 5:.1f}" font-size="11" fill="#1d2521">'
               f"{bar_m:g} m</text>")
    nx = size - margin / 2 - 4
    out.append(f'<path d="M{nx},{margin / 2 + 14} l-5,10 l5,-3 l5,3 Z" fill="#1d2521"/>'
               f'<text x="{nx - 4}" y="{margin / 2 + 10}" font-size="11" fill="#1d2521">N</text>')
    out.append("</svg>")
    return "".join(out)


