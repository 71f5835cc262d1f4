"""Plot boundary: parsing and validation of a GeoJSON polygon, and the local metric CRS (UTM)."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pyproj
import shapely
from shapely.geometry import Polygon, shape
from shapely.validation import explain_validity

from .messages import DesignError

__all__ = ["parse_plot", "utm_crs_for", "LocalFrame"]

_SPANISH_KIND = {"not JSON": "no es JSON"}


def _load_geojson(plot: Any) -> Any:
    if isinstance(plot, Path) or (isinstance(plot, str) and not plot.lstrip().startswith("{")):
        path = Path(plot)
        if not path.exists():
            raise DesignError("plot_invalid", detail=f"file {str(path)!r} not found",
                              detail_es=f"no se encontró el archivo {str(path)!r}")
        plot = path.read_text(encoding="utf-8")
    if isinstance(plot, str):
        try:
            return json.loads(plot)
        except json.JSONDecodeError as exc:
            raise DesignError("plot_invalid", detail=f"not valid JSON ({exc.msg} at line {exc.lineno})",
                              detail_es=f"no es JSON válido ({exc.msg}, línea {exc.lineno})") from exc
    return plot


def _polygon_geometry(obj: Any) -> dict[str, Any]:
    if not isinstance(obj, dict):
        raise DesignError("plot_not_polygon", kind=type(obj).__name__)
    kind = obj.get("type")
    if kind == "FeatureCollection":
        feats = obj.get("features") or []
        polys = [f for f in feats if isinstance(f, dict) and (f.get("geometry") or {}).get("type") in
                 ("Polygon", "MultiPolygon")]
        if len(polys) != 1:
            raise DesignError("plot_not_polygon", kind=f"a FeatureCollection with {len(polys)} polygons")
        return _polygon_geometry(polys[0])
    if kind == "Feature":
        return _polygon_geometry(obj.get("geometry"))
    if kind == "MultiPolygon":
        coords = obj.get("coordinates") or []
        if len(coords) != 1:
            raise DesignError("plot_not_polygon", kind=f"a MultiPolygon with {len(coords)} parts")
        return {"type": "Polygon", "coordinates": coords[0]}
    if kind != "Polygon":
        raise DesignError("plot_not_polygon", kind=repr(kind))
    return obj


def parse_plot(plot: Any) -> Polygon:
    """Validated plot boundary as a shapely Polygon in WGS84 longitude/latitude.

    Parameters
    ----------
    plot : dict, str, Path or shapely Polygon
        GeoJSON Polygon (or a Feature / FeatureCollection holding exactly one), as a dict, JSON text or a
        file path, in WGS84 degrees (RFC 7946).

    Returns
    -------
    shapely.Polygon [degrees]

    Raises
    ------
    DesignError
        Codes ``plot_invalid``, ``plot_not_polygon``, ``plot_too_few_points``, ``plot_not_closed``,
        ``plot_self_intersects``, ``plot_not_wgs84``.
    """
    if isinstance(plot, Polygon):
        rings = [list(plot.exterior.coords)] + [list(r.coords) for r in plot.interiors]
    else:
        geom = _polygon_geometry(_load_geojson(plot))
        rings = geom.get("coordinates")
        if not isinstance(rings, list) or not rings:
            raise DesignError("plot_invalid", detail="Polygon has no coordinates",
                              detail_es="el polígono no tiene coordenadas")
    for ring in rings:
        try:
            pts = [(float(p[0]), float(p[1])) for p in ring]
        except (TypeError, ValueError, IndexError) as exc:
            raise DesignError("plot_invalid", detail="coordinates must be [longitude, latitude] pairs",
                              detail_es="las coordenadas deben ser pares [longitud, latitud]") from exc
        distinct = {p for p in pts}
        if len(distinct) < 3:
            raise DesignError("plot_too_few_points", n=len(distinct))
        if pts[0] != pts[-1]:
            raise DesignError("plot_not_closed", first=list(pts[0]), last=list(pts[-1]))
        for x, y in pts:
            if not (math.isfinite(x) and math.isfinite(y) and -180 <= x <= 180 and -90 <= y <= 90):
                raise DesignError("plot_not_wgs84", x=x, y=y)
    poly = shape({"type": "Polygon", "coordinates": rings})
    if not poly.is_valid:
        raise DesignError("plot_self_intersects", reason=explain_validity(poly))
    if poly.area <= 0:
        raise DesignError("plot_self_intersects", reason="zero area")
    return poly


def utm_crs_for(lon: float, lat: float) -> pyproj.CRS:
    """WGS84 / UTM CRS of the zone holding (lon, lat) [degrees]."""
    zone = int((lon + 180.0) // 6.0) % 60 + 1
    return pyproj.CRS.from_epsg((32600 if lat >= 0 else 32700) + zone)


class LocalFrame:
    """Transformations between WGS84 and the plot's local metric CRS (UTM of its centroid)."""

    def __init__(self, plot_wgs84: Polygon) -> None:
        c = plot_wgs84.centroid
        self.crs = utm_crs_for(c.x, c.y)
        self.epsg = int(self.crs.to_epsg())
        wgs = pyproj.CRS.from_epsg(4326)
        self._fwd = pyproj.Transformer.from_crs(wgs, self.crs, always_xy=True)
        self._inv = pyproj.Transformer.from_crs(self.crs, wgs, always_xy=True)

    def to_local(self, geom: shapely.Geometry) -> shapely.Geometry:
        return shapely.transform(geom, lambda xy: _stack(self._fwd.transform(xy[:, 0], xy[:, 1])))

    def to_wgs84(self, geom: shapely.Geometry) -> shapely.Geometry:
        return shapely.transform(geom, lambda xy: _stack(self._inv.transform(xy[:, 0], xy[:, 1])))

    def points_to_wgs84(self, x, y):
        return self._inv.transform(x, y)


def _stack(xy):
    import numpy as np

    return np.column_stack(xy)
