"""Reference layers (biological corridors, protected areas…) and the share of each plot inside them.

Layers are read from GeoJSON, GeoPackage (sqlite3 + the GPKG binary header, no GDAL vector driver needed)
or a zipped Shapefile (a small reader for polygon shapes), reprojected to longitude/latitude, and
intersected with plot polygons. Areas are geodesic on the WGS 84 ellipsoid (pyproj.Geod), so shares are
metric whatever the input projection.
"""

from __future__ import annotations

import json
import sqlite3
import struct
import time
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Polygon, shape

__all__ = [
    "Layer",
    "PlotOverlap",
    "OverlapResult",
    "read_layer",
    "read_plot",
    "geodesic_area_ha",
    "layer_overlap",
]

_WGS84 = "EPSG:4326"


@dataclass
class Layer:
    """A reference layer: its name, the union of its polygons (lon/lat) and where it came from."""

    name: str
    geometry: object
    features: int
    source: str


def geodesic_area_ha(geom) -> float:
    """Area [ha] of a lon/lat (multi)polygon on the WGS 84 ellipsoid."""
    from pyproj import Geod

    if geom is None or geom.is_empty:
        return 0.0
    area, _ = Geod(ellps="WGS84").geometry_area_perimeter(geom)
    return abs(area) / 10_000.0


def _to_wgs84(geoms: list, crs) -> list:
    if crs is None:
        return geoms
    from pyproj import CRS, Transformer

    src = CRS.from_user_input(crs)
    if src.equals(CRS.from_epsg(4326), ignore_axis_order=True):
        return geoms
    tr = Transformer.from_crs(src, _WGS84, always_xy=True)
    return [shapely.transform(g, lambda xy: np.column_stack(tr.transform(xy[:, 0], xy[:, 1]))) for g in geoms]


def _polygons_only(geoms: list) -> list:
    out = [g for g in geoms if g is not None and not g.is_empty and g.geom_type in ("Polygon", "MultiPolygon")]
    return [g if g.is_valid else shapely.make_valid(g) for g in out]


# ---------------------------------------------------------------------------------------------------------
# Readers
# ---------------------------------------------------------------------------------------------------------
def _read_geojson(path: Path) -> tuple[list, object]:
    data = json.loads(path.read_text(encoding="utf-8"))
    crs = None
    name = (data.get("crs") or {}).get("properties", {}).get("name")
    if name and "CRS84" not in name:
        crs = name
    kind = data.get("type")
    if kind == "FeatureCollection":
        geoms = [shape(f["geometry"]) for f in data.get("features", []) if f.get("geometry")]
    elif kind == "Feature":
        geoms = [shape(data["geometry"])]
    elif kind in ("Polygon", "MultiPolygon", "GeometryCollection"):
        geoms = [shape(data)]
    else:
        raise ValueError(f"{path.name}: not a GeoJSON Feature, FeatureCollection or Polygon (type {kind!r})")
    return geoms, crs


def _gpkg_wkb(blob: bytes) -> bytes:
    """Strip the GeoPackage binary header ('GP', version, flags, srs_id, envelope) from a geometry blob."""
    if blob[:2] != b"GP":
        raise ValueError("not a GeoPackage geometry blob (missing 'GP' magic)")
    flags = blob[3]
    envelope = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}.get((flags >> 1) & 0b111)
    if envelope is None:
        raise ValueError("GeoPackage geometry blob with an invalid envelope code")
    return blob[8 + envelope :]


def _read_gpkg(path: Path, layer: str | None) -> tuple[list, object]:
    from miaf import limits

    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as con:
        # A time limit on every query: SQLite calls the handler every 10,000 steps; True interrupts the query
        # (sqlite3.OperationalError "interrupted"), so a hostile file cannot hold a worker.
        deadline = time.monotonic() + limits.LIMITS.parse_seconds
        con.set_progress_handler(lambda: time.monotonic() > deadline, 10_000)
        tables = [r[0] for r in con.execute("SELECT table_name FROM gpkg_contents WHERE data_type = 'features'")]
        if not tables:
            raise ValueError(f"{path.name}: the GeoPackage has no feature table")
        table = layer or tables[0]
        if table not in tables:
            raise ValueError(f"{path.name}: no feature table {table!r}; available: {', '.join(tables)}")
        column, srs_id = con.execute(
            "SELECT column_name, srs_id FROM gpkg_geometry_columns WHERE table_name = ?", (table,)
        ).fetchone()
        org = con.execute(
            "SELECT organization, organization_coordsys_id, definition FROM gpkg_spatial_ref_sys WHERE srs_id = ?",
            (srs_id,),
        ).fetchone()
        blobs = [r[0] for r in con.execute(f'SELECT "{column}" FROM "{table}"') if r[0] is not None]
    geoms = [shapely.from_wkb(_gpkg_wkb(b)) for b in blobs]
    crs = None
    if org is not None:
        organization, code, definition = org
        if organization and organization.upper() == "EPSG" and code and code > 0:
            crs = f"EPSG:{code}"
        elif definition and definition.strip() not in ("", "undefined"):
            crs = definition
    return geoms, crs


def _read_shapefile_zip(path: Path) -> tuple[list, object]:
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        shp = [n for n in names if n.lower().endswith(".shp")]
        if not shp:
            raise ValueError(f"{path.name}: the zip holds no .shp file")
        base = shp[0][:-4]
        data = zf.read(shp[0])
        prj = next((n for n in names if n.lower() == (base + ".prj").lower()), None)
        crs = zf.read(prj).decode("utf-8", errors="replace") if prj else None
    return _parse_shp(data, path.name), crs


def _parse_shp(data: bytes, label: str) -> list:
    """Polygons of an ESRI .shp (types 5, 15, 25): rings grouped into shells and holes by orientation."""
    if len(data) < 100 or struct.unpack(">i", data[:4])[0] != 9994:
        raise ValueError(f"{label}: not an ESRI Shapefile (bad .shp header)")
    shape_type = struct.unpack("<i", data[32:36])[0]
    if shape_type not in (5, 15, 25):
        raise ValueError(f"{label}: only polygon Shapefiles are supported (shape type {shape_type})")
    geoms, pos = [], 100
    while pos + 8 <= len(data):
        length = struct.unpack(">i", data[pos + 4 : pos + 8])[0] * 2
        rec = data[pos + 8 : pos + 8 + length]
        pos += 8 + length
        if struct.unpack("<i", rec[:4])[0] == 0:
            continue  # null shape
        n_parts, n_points = struct.unpack("<ii", rec[36:44])
        parts = list(struct.unpack(f"<{n_parts}i", rec[44 : 44 + 4 * n_parts])) + [n_points]
        xy = np.frombuffer(rec[44 + 4 * n_parts : 44 + 4 * n_parts + 16 * n_points], dtype="<f8").reshape(-1, 2)
        shells, holes = [], []
        for a, b in zip(parts[:-1], parts[1:], strict=True):
            ring = xy[a:b]
            # Shapefile shells are clockwise (negative signed area), holes counter-clockwise
            signed = 0.5 * np.sum(ring[:-1, 0] * ring[1:, 1] - ring[1:, 0] * ring[:-1, 1])
            (holes if signed > 0 else shells).append(ring)
        polys = [Polygon(s, [h for h in holes if Polygon(s).contains(Polygon(h).representative_point())])
                 for s in shells]
        geoms.append(polys[0] if len(polys) == 1 else MultiPolygon(polys))
    return geoms


def read_layer(path: str | Path, name: str | None = None, layer: str | None = None) -> Layer:
    """Read a reference layer (GeoJSON, GeoPackage or zipped Shapefile) as one lon/lat geometry.

    Parameters
    ----------
    path : file ``.geojson``/``.json``, ``.gpkg`` or ``.zip`` (Shapefile inside).
    name : label of the layer (default: the file stem).
    layer : feature table of a GeoPackage (default: the first).
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"layer file not found: {path}")
    suffix = path.suffix.lower()
    if suffix in (".geojson", ".json"):
        geoms, crs = _read_geojson(path)
    elif suffix == ".gpkg":
        geoms, crs = _read_gpkg(path, layer)
    elif suffix == ".zip":
        geoms, crs = _read_shapefile_zip(path)
    else:
        raise ValueError(f"{path.name}: unsupported layer format; use GeoJSON, GeoPackage or a zipped Shapefile")
    geoms = _polygons_only(_to_wgs84(geoms, crs))
    if not geoms:
        raise ValueError(f"{path.name}: no polygon in the layer")
    return Layer(name or path.stem, shapely.union_all(geoms), len(geoms), str(path))


def read_plot(path: str | Path):
    """The plot polygon (lon/lat) of a GeoJSON file; several polygons are merged."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"plot file not found: {path}")
    geoms, crs = _read_geojson(path)
    geoms = _polygons_only(_to_wgs84(geoms, crs))
    if not geoms:
        raise ValueError(f"{path.name}: the plot GeoJSON holds no polygon")
    return shapely.union_all(geoms)


# ---------------------------------------------------------------------------------------------------------
# Overlap
# ---------------------------------------------------------------------------------------------------------
@dataclass
class PlotOverlap:
    """Area of one plot [ha] and, per layer, the area inside it [ha] and its share [-]."""

    plot_id: str
    area_ha: float
    inside_ha: dict[str, float]
    share: dict[str, float]

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class OverlapResult:
    """Per-plot overlaps and programme totals (area-weighted shares)."""

    plots: list[PlotOverlap]
    total_area_ha: float
    total_inside_ha: dict[str, float] = field(default_factory=dict)
    total_share: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"plots": [p.to_dict() for p in self.plots], "total_area_ha": self.total_area_ha,
                "total_inside_ha": self.total_inside_ha, "total_share": self.total_share}


def layer_overlap(plots, layers: list[Layer], areas_ha=None) -> OverlapResult:  # noqa: ANN001
    """Share of each plot's area inside each reference layer, and programme totals.

    Parameters
    ----------
    plots : mapping ``{plot_id: polygon}`` or sequence of ``(plot_id, polygon)``, polygons in lon/lat.
    layers : list of :class:`Layer`.
    areas_ha : optional sequence of the plots' geodesic areas [ha], in the order of ``plots``, when the
        caller already has them (the stored ``Plot.area_ha``); computed here otherwise.

    Returns
    -------
    OverlapResult

    Notes
    -----
    share = A(plot ∩ layer) / A(plot), areas geodesic on WGS 84; the programme share is
    Σ A(plot ∩ layer) / Σ A(plot) (area-weighted). Intersections are computed in lon/lat, exact for the
    straight edges of small plots. Only plots crossing a layer's edge are intersected: a plot inside
    the layer (prepared-geometry containment test) counts whole, one that does not touch it counts zero,
    which is what the intersection would give; at 100,000 plots and a corridor layer this takes seconds
    instead of minutes.
    """
    items = list(plots.items()) if isinstance(plots, dict) else list(plots)
    if not items:
        raise ValueError("no plot given")
    ids = [str(i) for i, _ in items]
    geoms = np.array([g for _, g in items], dtype=object)
    if areas_ha is None:
        areas = np.array([geodesic_area_ha(g) for g in geoms])
    else:
        areas = np.asarray(areas_ha, dtype=float)
        if areas.shape != (len(items),):
            raise ValueError(f"areas_ha has {areas.size} values for {len(items)} plots")
    if np.any(areas <= 0):
        bad = [i for i, a in zip(ids, areas, strict=True) if a <= 0]
        raise ValueError(f"plot(s) {bad} have no area")
    inside = {}
    for lay in layers:
        shapely.prepare(lay.geometry)
        within = shapely.contains(lay.geometry, geoms)
        crossing = shapely.intersects(lay.geometry, geoms) & ~within
        ha = np.where(within, areas, 0.0)
        cut = shapely.intersection(geoms[crossing], lay.geometry)
        ha[crossing] = [geodesic_area_ha(g) for g in cut]
        inside[lay.name] = ha
    out = [PlotOverlap(pid, float(areas[i]), {k: float(v[i]) for k, v in inside.items()},
                       {k: float(min(v[i] / areas[i], 1.0)) for k, v in inside.items()})
           for i, pid in enumerate(ids)]
    total = float(areas.sum())
    return OverlapResult(out, total, {k: float(v.sum()) for k, v in inside.items()},
                         {k: float(min(v.sum() / total, 1.0)) for k, v in inside.items()})
