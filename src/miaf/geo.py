"""Plot boundary geometry: validation, geodesic area, centroid, KML/GeoJSON parsing.

No Django here. Errors are :class:`GeometryError` with a stable ``code`` and ``params`` so that the web
layer can show the message in the user's language (see :data:`MESSAGES`).
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any

import shapely
from pyproj import Geod
from shapely.geometry import Polygon, mapping, shape

from miaf import limits as _limits

__all__ = [
    "right_hand_geometry",
    "right_hand_rings",
    "GeometryError",
    "MESSAGES",
    "PlotGeometry",
    "MEXICO_BBOX",
    "MAX_PLOT_AREA_HA",
    "geodesic_area_ha",
    "parse_boundary",
    "parse_kml",
    "validate_boundary",
]

_GEOD = Geod(ellps="WGS84")

#: Bounding box of the United Mexican States in WGS84 degrees (lon_min, lat_min, lon_max, lat_max),
#: from INEGI's Marco Geoestadístico extent (mainland and islands, rounded outwards to 0.1°).
MEXICO_BBOX = (-118.5, 14.5, -86.7, 32.8)
#: A family plot larger than this is almost certainly a digitising error (issue 2).
MAX_PLOT_AREA_HA = 1000.0

MESSAGES: dict[str, dict[str, str]] = {
    "not_json": {
        "en": "The boundary is not valid GeoJSON: {detail}.",
        "es": "El contorno no es GeoJSON válido: {detail}.",
    },
    "not_polygon": {
        "en": "The boundary must be a Polygon (got {kind}).",
        "es": "El contorno debe ser un polígono (se recibió {kind}).",
    },
    "too_few_points": {
        "en": "The polygon has {n} distinct points; at least 3 are needed.",
        "es": "El polígono tiene {n} puntos distintos; se necesitan al menos 3.",
    },
    "not_closed": {
        "en": "The polygon ring is not closed: its first point {first} differs from its last point {last}.",
        "es": "El polígono no está cerrado: el primer punto {first} es distinto del último {last}.",
    },
    "self_intersects": {
        "en": "The polygon crosses itself near {where}.",
        "es": "El polígono se cruza a sí mismo cerca de {where}.",
    },
    "outside_mexico": {
        "en": "The polygon lies outside Mexico (centroid {lon:.4f}, {lat:.4f}); coordinates must be longitude, latitude in WGS84.",
        "es": "El polígono queda fuera de México (centroide {lon:.4f}, {lat:.4f}); las coordenadas deben ser longitud, latitud en WGS84.",
    },
    "too_large": {
        "en": "The polygon covers {area:.1f} ha, more than the {limit:.0f} ha a plot may have.",
        "es": "El polígono mide {area:.1f} ha, más que las {limit:.0f} ha que puede tener una parcela.",
    },
    "empty_area": {
        "en": "The polygon has no area.",
        "es": "El polígono no tiene superficie.",
    },
    "bad_coordinates": {
        "en": "The coordinates are not numbers in longitude, latitude order: {detail}.",
        "es": "Las coordenadas no son números en orden longitud, latitud: {detail}.",
    },
    "too_many_vertices": {
        "en": "The polygon has {n:,} vertices; the limit is {limit:,} (simplify the outline).",
        "es": "El polígono tiene {n:,} vértices; el máximo es {limit:,} (simplifique el contorno).",
    },
    "too_deep": {
        "en": "The boundary nests {depth:,} levels of brackets; the limit is {limit} (GeoJSON needs 4).",
        "es": "El contorno anida {depth:,} niveles de corchetes; el máximo es {limit} (GeoJSON necesita 4).",
    },
    "kml_invalid": {
        "en": "The KML file could not be read: {detail}.",
        "es": "No se pudo leer el archivo KML: {detail}.",
    },
}


class GeometryError(ValueError):
    """A boundary that cannot be a plot. ``code`` keys :data:`MESSAGES`; ``str()`` is the English text."""

    def __init__(self, code: str, **params: Any) -> None:
        self.code = code
        self.params = params
        super().__init__(self.message("en"))

    def message(self, lang: str = "en") -> str:
        table = MESSAGES[self.code]
        return table.get(lang[:2], table["en"]).format(**self.params)


@dataclass(frozen=True)
class PlotGeometry:
    """A validated plot boundary with its geodesic measures."""

    polygon: Polygon
    area_ha: float
    centroid_lon: float
    centroid_lat: float

    @property
    def geojson(self) -> dict[str, Any]:
        return _rounded(mapping(self.polygon))


def _rounded(geom: dict[str, Any], ndigits: int = 7) -> dict[str, Any]:
    # 1e-7 degrees is about 1 cm: plenty for a field plot, and it keeps stored GeoJSON small.
    coords = [[[round(x, ndigits), round(y, ndigits)] for x, y, *_ in ring] for ring in geom["coordinates"]]
    return {"type": "Polygon", "coordinates": right_hand_rings(coords)}


def _signed_area(ring: list) -> float:
    """Twice the signed planar area of a closed ring (shoelace): > 0 when counter-clockwise."""
    return sum(x0 * y1 - x1 * y0 for (x0, y0, *_), (x1, y1, *_) in zip(ring, ring[1:], strict=False))


def right_hand_rings(rings: list) -> list:
    """A GeoJSON Polygon's rings following RFC 7946's right-hand rule.

    The exterior ring runs counter-clockwise and holes clockwise (RFC 7946 §3.1.6); a ring with the other
    orientation is reversed, others are returned as they are. Parsers must accept either orientation, but
    validators and some tools (e.g. geojsonhint, d3-geo) expect this one.

    Parameters
    ----------
    rings : list of rings, each a list of [lon, lat] positions [degrees], first ring the exterior.
    """
    out = []
    for i, ring in enumerate(rings):
        ccw = _signed_area(ring) > 0
        out.append(list(ring) if ccw == (i == 0) else list(reversed(ring)))
    return out


def right_hand_geometry(geometry: dict[str, Any] | None) -> dict[str, Any] | None:
    """A GeoJSON geometry with its polygons following the right-hand rule (:func:`right_hand_rings`)."""
    if not geometry:
        return geometry
    kind = geometry.get("type")
    if kind == "Polygon":
        return {**geometry, "coordinates": right_hand_rings(geometry["coordinates"])}
    if kind == "MultiPolygon":
        return {**geometry, "coordinates": [right_hand_rings(p) for p in geometry["coordinates"]]}
    return geometry


def geodesic_area_ha(polygon: Polygon) -> float:
    """Area of a lon/lat polygon on the WGS84 ellipsoid.

    Parameters
    ----------
    polygon : shapely Polygon [degrees, lon/lat]

    Returns
    -------
    area : float [ha]

    References
    ----------
    Karney, C. F. F. (2013). Algorithms for geodesics. J. Geodesy 87:43-55. doi:10.1007/s00190-012-0578-z
    (as implemented by PROJ's geodesic routines through pyproj.Geod).
    """
    area_m2, _ = _GEOD.geometry_area_perimeter(polygon)
    return abs(area_m2) / 10_000.0


def parse_boundary(data: str | bytes | dict[str, Any]) -> dict[str, Any]:
    """Extract a Polygon geometry dict from GeoJSON text or a dict (geometry, Feature or FeatureCollection)."""
    if isinstance(data, (str, bytes)):
        depth = _limits.json_depth(data)
        if depth > _limits.LIMITS.json_depth:  # refused before parsing: deep nesting ends in RecursionError
            raise GeometryError("too_deep", depth=depth, limit=_limits.LIMITS.json_depth)
        try:
            data = json.loads(data)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise GeometryError("not_json", detail=str(exc)) from exc
    if not isinstance(data, dict):
        raise GeometryError("not_json", detail="expected an object")
    kind = data.get("type")
    if kind == "FeatureCollection":
        feats = data.get("features") or []
        if len(feats) != 1:
            raise GeometryError("not_polygon", kind=f"FeatureCollection with {len(feats)} features")
        return parse_boundary(feats[0])
    if kind == "Feature":
        return parse_boundary(data.get("geometry") or {})
    if kind == "MultiPolygon" and len(data.get("coordinates") or []) == 1:
        return {"type": "Polygon", "coordinates": data["coordinates"][0]}
    if kind != "Polygon":
        raise GeometryError("not_polygon", kind=kind or "nothing")
    return data


def parse_kml(text: str | bytes) -> dict[str, Any]:
    """The first Polygon of a KML document as a GeoJSON geometry dict (outer ring and holes)."""
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise GeometryError("kml_invalid", detail=str(exc)) from exc
    ns = ""
    if root.tag.startswith("{"):
        ns = root.tag.split("}")[0] + "}"
    poly = root.find(f".//{ns}Polygon")
    if poly is None:
        raise GeometryError("kml_invalid", detail="no <Polygon> element")

    def ring(el: ET.Element | None) -> list[list[float]]:
        if el is None:
            return []
        coords = el.find(f".//{ns}coordinates")
        if coords is None or not (coords.text or "").strip():
            raise GeometryError("kml_invalid", detail="a ring has no <coordinates>")
        out = []
        for token in coords.text.split():
            parts = token.split(",")
            try:
                out.append([float(parts[0]), float(parts[1])])
            except (ValueError, IndexError) as exc:
                raise GeometryError("bad_coordinates", detail=token) from exc
        return out

    outer = ring(poly.find(f"{ns}outerBoundaryIs"))
    holes = [ring(h) for h in poly.findall(f"{ns}innerBoundaryIs")]
    return {"type": "Polygon", "coordinates": [outer, *holes]}


def validate_boundary(geometry: dict[str, Any] | str | bytes) -> PlotGeometry:
    """Check a plot boundary and measure it.

    Refuses (with :class:`GeometryError`): anything but one polygon; a ring that is not closed; fewer than
    three distinct points; a ring that crosses itself; a polygon outside Mexico; more than
    :data:`MAX_PLOT_AREA_HA`.
    """
    try:
        return _validate_boundary(geometry)
    except GeometryError:
        raise
    except (KeyError, TypeError, ValueError, OverflowError, AttributeError, IndexError, RecursionError) as exc:
        # Malformed structures (points as objects, huge numbers, features that are not a list…).
        raise GeometryError("bad_coordinates", detail=f"{type(exc).__name__}: {exc}") from exc


def _validate_boundary(geometry: dict[str, Any] | str | bytes) -> PlotGeometry:
    geom = parse_boundary(geometry)
    rings = geom.get("coordinates")
    if not isinstance(rings, list) or not rings or not isinstance(rings[0], list):
        raise GeometryError("bad_coordinates", detail="no coordinate rings")
    n_vertices = sum(len(r) if isinstance(r, list) else 1 for r in rings)
    if n_vertices > _limits.LIMITS.plot_vertices:
        raise GeometryError("too_many_vertices", n=n_vertices, limit=_limits.LIMITS.plot_vertices)
    clean_rings = []
    for r in rings:
        try:
            pts = [(float(p[0]), float(p[1])) for p in r]
        except (TypeError, ValueError, IndexError) as exc:
            raise GeometryError("bad_coordinates", detail=str(exc)) from exc
        if not all(map(lambda v: abs(v[0]) <= 180 and abs(v[1]) <= 90, pts)):
            raise GeometryError("bad_coordinates", detail="longitude must be within ±180 and latitude within ±90")
        distinct = set(pts)
        if len(distinct) < 3:
            raise GeometryError("too_few_points", n=len(distinct))
        if pts[0] != pts[-1]:
            raise GeometryError(
                "not_closed", first=f"({pts[0][0]}, {pts[0][1]})", last=f"({pts[-1][0]}, {pts[-1][1]})"
            )
        clean_rings.append(pts)
    polygon = Polygon(clean_rings[0], clean_rings[1:])
    if not polygon.is_valid:
        reason = shapely.is_valid_reason(polygon)
        where = reason.split("[")[-1].rstrip("]") if "[" in reason else reason
        raise GeometryError("self_intersects", where=where)
    if polygon.area == 0:
        raise GeometryError("empty_area")
    c = polygon.centroid
    lon_min, lat_min, lon_max, lat_max = MEXICO_BBOX
    if not (lon_min <= c.x <= lon_max and lat_min <= c.y <= lat_max):
        raise GeometryError("outside_mexico", lon=c.x, lat=c.y)
    area = geodesic_area_ha(polygon)
    if area > MAX_PLOT_AREA_HA:
        raise GeometryError("too_large", area=area, limit=MAX_PLOT_AREA_HA)
    return PlotGeometry(polygon=polygon, area_ha=area, centroid_lon=c.x, centroid_lat=c.y)


def as_shape(geometry: dict[str, Any]) -> Polygon:
    """Shapely polygon of a stored GeoJSON geometry (already validated)."""
    return shape(geometry)
