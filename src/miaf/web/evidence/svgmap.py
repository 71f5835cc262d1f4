"""A static map of the programme for the report, drawn as SVG on the server (no tiles, no JavaScript).

Plot centroids are projected from WGS84 to a metric frame (EPSG:6372 by default, the national conformal
projection of INEGI) and counted in square grid cells, the same grid as the anonymised open data. A cell
is drawn only when it holds plots of at least *k* families (k-anonymity, ``open_data.csv``); smaller cells
are counted in the legend, never drawn. Municipalities are labelled at the mean of their drawn cells.
Reference layers (the corridor) are clipped to the map extent and drawn under the cells; an illustrative
layer is labelled "ilustrativa".
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from html import escape

import numpy as np

__all__ = ["MapLayer", "MapResult", "programme_map"]

WIDTH, HEIGHT, MARGIN = 640.0, 420.0, 24.0
CELL_FILL, LAYER_FILL, TEXT = "#2f6b3a", "#c98a1b", "#1d1d1d"


@dataclass(frozen=True)
class MapLayer:
    name: str
    kind: str
    illustrative: bool
    geometry: dict  # GeoJSON (geometry, Feature or FeatureCollection) in WGS84


@dataclass
class MapResult:
    svg: str
    cells_drawn: int = 0
    plots_drawn: int = 0
    plots_hidden: int = 0
    cell_m: float = 0.0
    layers: list[str] = field(default_factory=list)


def _geometry(geojson: dict):  # noqa: ANN202
    import shapely
    from shapely.geometry import shape

    kind = geojson.get("type")
    if kind == "FeatureCollection":
        return shapely.union_all([shape(f["geometry"]) for f in geojson.get("features", []) if f.get("geometry")])
    if kind == "Feature":
        return shape(geojson["geometry"])
    return shape(geojson)


def _nice_length(span_m: float) -> float:
    """A round scale-bar length close to a fifth of the span (1, 2 or 5 × 10^n metres)."""
    target = max(span_m / 5.0, 1.0)
    exp = 10 ** math.floor(math.log10(target))
    return min((m * exp for m in (1, 2, 5, 10)), key=lambda v: abs(v - target))


def programme_map(lon: np.ndarray, lat: np.ndarray, family: np.ndarray, municipality: list[str],
                  municipality_names: dict[str, str], layers: list[MapLayer], k: int, cell_m: float,
                  epsg: int) -> MapResult:  # fmt: skip
    """SVG map of plot density by grid cell, municipality labels and reference layers.

    Parameters
    ----------
    lon, lat : array [degrees] plot centroids (WGS84).
    family : array of family ids (one per plot), for the k-anonymity count.
    municipality : municipality code per plot (5 digits).
    municipality_names : code → name for the labels.
    layers : reference layers to draw under the cells.
    k : int [families] minimum number of families for a cell to be drawn.
    cell_m : float [m] side of the grid cells.
    epsg : int metric CRS of the grid.
    """
    from pyproj import Transformer

    lon, lat = np.asarray(lon, float), np.asarray(lat, float)
    if len(lon) == 0:
        return MapResult(svg="", cell_m=cell_m)
    t = Transformer.from_crs(4326, epsg, always_xy=True)
    x, y = t.transform(lon, lat)
    x, y = np.asarray(x), np.asarray(y)
    cx, cy = np.floor(x / cell_m).astype(np.int64), np.floor(y / cell_m).astype(np.int64)
    keys = sorted(set(zip(cx.tolist(), cy.tolist(), strict=True)))
    index = {c: i for i, c in enumerate(keys)}
    cell_of = np.array([index[c] for c in zip(cx.tolist(), cy.tolist(), strict=True)])
    n_plots = np.bincount(cell_of, minlength=len(keys))
    fams = [set() for _ in keys]
    for c, f in zip(cell_of.tolist(), np.asarray(family).tolist(), strict=True):
        fams[c].add(f)
    shown = np.array([len(s) >= k for s in fams])

    x0, x1 = (min(c[0] for c in keys) - 1) * cell_m, (max(c[0] for c in keys) + 2) * cell_m
    y0, y1 = (min(c[1] for c in keys) - 1) * cell_m, (max(c[1] for c in keys) + 2) * cell_m
    scale = min((WIDTH - 2 * MARGIN) / (x1 - x0), (HEIGHT - 2 * MARGIN) / (y1 - y0))

    def px(xm: float) -> float:
        return MARGIN + (xm - x0) * scale

    def py(ym: float) -> float:
        return HEIGHT - MARGIN - (ym - y0) * scale

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH:.0f}" height="{HEIGHT:.0f}" '
           f'viewBox="0 0 {WIDTH:.0f} {HEIGHT:.0f}" font-family="DejaVu Sans" font-size="10">',
           f'<rect x="0" y="0" width="{WIDTH:.0f}" height="{HEIGHT:.0f}" fill="#fbfbf8" stroke="#8a8f8c"/>']
    drawn_layers = []
    if layers:
        import shapely

        box = shapely.box(x0, y0, x1, y1)
        for layer in layers:
            geom = shapely.transform(_geometry(layer.geometry), lambda c: np.column_stack(t.transform(c[:, 0], c[:, 1])))
            geom = geom.intersection(box)
            if geom.is_empty:
                continue
            polys = getattr(geom, "geoms", [geom])
            d = []
            for poly in polys:
                if poly.geom_type != "Polygon":
                    continue
                for ring in (poly.exterior, *poly.interiors):
                    pts = " L".join(f"{px(a):.1f},{py(b):.1f}" for a, b in ring.coords)
                    d.append(f"M{pts} Z")
            if not d:
                continue
            label = layer.name + (" (ilustrativa)" if layer.illustrative else "")
            drawn_layers.append(label)
            out.append(f'<path d="{" ".join(d)}" fill="{LAYER_FILL}" fill-opacity="0.18" stroke="{LAYER_FILL}" '
                       f'stroke-dasharray="4 3" fill-rule="evenodd"><title>{escape(label)}</title></path>')
    side = max(cell_m * scale, 5.0)  # a 1 km cell is sub-pixel on a regional map: draw it at least 5 px wide
    peak = int(n_plots[shown].max()) if shown.any() else 1
    for i, (gx, gy) in enumerate(keys):
        if not shown[i]:
            continue
        opacity = 0.3 + 0.7 * n_plots[i] / peak
        cxp, cyp = px((gx + 0.5) * cell_m), py((gy + 0.5) * cell_m)
        out.append(f'<rect x="{cxp - side / 2:.1f}" y="{cyp - side / 2:.1f}" width="{side:.1f}" '
                   f'height="{side:.1f}" fill="{CELL_FILL}" fill-opacity="{opacity:.2f}"/>')
    # municipality labels at the mean of their drawn cells
    mun = np.asarray(municipality, dtype=object)
    for code in sorted(set(mun.tolist())):
        sel = (mun == code) & shown[cell_of]
        if not sel.any():
            continue
        mx = (np.floor(x[sel] / cell_m).mean() + 0.5) * cell_m
        my = (np.floor(y[sel] / cell_m).mean() + 0.5) * cell_m
        name = municipality_names.get(code, code)
        out.append(f'<text x="{px(mx):.1f}" y="{py(my) - side:.1f}" text-anchor="middle" fill="{TEXT}">'
                   f"{escape(name)}</text>")
    # scale bar and north arrow
    bar = _nice_length(x1 - x0)
    bx, by = MARGIN, HEIGHT - 10
    out.append(f'<line x1="{bx:.1f}" y1="{by:.1f}" x2="{bx + bar * scale:.1f}" y2="{by:.1f}" stroke="{TEXT}" '
               f'stroke-width="2"/><text x="{bx + bar * scale + 4:.1f}" y="{by + 3:.1f}">{bar / 1000:g} km</text>')
    out.append(f'<text x="{WIDTH - MARGIN:.1f}" y="{MARGIN + 4:.1f}" text-anchor="middle" font-weight="bold">N</text>'
               f'<path d="M{WIDTH - MARGIN:.1f},{MARGIN + 8:.1f} l-4,10 h8 Z" fill="{TEXT}"/>')
    out.append("</svg>")
    return MapResult(svg="".join(out), cells_drawn=int(shown.sum()), plots_drawn=int(n_plots[shown].sum()),
                     plots_hidden=int(n_plots[~shown].sum()), cell_m=cell_m, layers=drawn_layers)
