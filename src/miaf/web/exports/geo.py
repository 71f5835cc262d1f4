"""Geographic exports: plots and designs as GeoJSON (streamed) and GeoPackage (see :mod:`.gpkg`)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import shapely
from django.db.models import OuterRef, QuerySet, Subquery
from shapely.geometry import shape

from miaf.geo import right_hand_geometry
from miaf.web.exports.columns import DESIGN_PROPERTIES, PLOTS
from miaf.web.exports.gpkg import Field, GeoPackageWriter
from miaf.web.plots.models import PlotDesign

#: Features per chunk of a streamed GeoJSON response.
GEOJSON_CHUNK = 200
#: Design layers of the GeoPackage, by geometry type of the design's features.
DESIGN_LAYERS = {"Point": ("disenos_puntos", "POINT"), "LineString": ("disenos_lineas", "LINESTRING"),
                 "Polygon": ("disenos_poligonos", "POLYGON")}


def _json_default(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return float(value)  # Decimal


def _dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, default=_json_default, separators=(",", ":"))


def feature_collection_chunks(features: Iterator[dict], name: str) -> Iterator[str]:
    """A GeoJSON FeatureCollection as text chunks (one feature at a time, never the whole list in memory)."""
    yield '{"type":"FeatureCollection","name":' + _dumps(name) + ',"features":['
    buf: list[str] = []
    first = True
    for feat in features:
        buf.append(("" if first else ",") + _dumps(feat))
        first = False
        if len(buf) >= GEOJSON_CHUNK:
            yield "".join(buf)
            buf.clear()
    yield "".join(buf) + "]}"


# ---------------------------------------------------------------------------------------------- plots


def plot_features(qs: QuerySet) -> Iterator[dict]:
    """One GeoJSON Feature per plot: the boundary polygon with the plots table's columns as properties."""
    lookups = [c.lookup for c in PLOTS.columns]
    names = PLOTS.names
    for row in qs.values_list("boundary", *lookups).iterator(chunk_size=1000):
        yield {"type": "Feature", "id": row[1], "geometry": right_hand_geometry(row[0]),
               "properties": dict(zip(names, row[1:], strict=True))}


def write_plots_gpkg(qs: QuerySet, path: str | Path) -> int:
    """Write the plots of ``qs`` as layer ``parcelas`` (POLYGON, EPSG:4326) of a new GeoPackage."""
    rows = qs.values_list("boundary", *[c.lookup for c in PLOTS.columns]).iterator(chunk_size=1000)

    def features() -> Iterator[tuple]:
        for boundary, *values in rows:
            yield (shape(boundary) if boundary else None), values

    fields = [Field(c.name, c.dtype) for c in PLOTS.columns]
    with GeoPackageWriter(path) as gpkg:
        return gpkg.add_layer("parcelas", "POLYGON", fields, features(), description=PLOTS.description)


# ---------------------------------------------------------------------------------------------- designs


def latest_designs(plots: QuerySet) -> QuerySet:
    """The latest saved design of each plot in ``plots``."""
    latest = PlotDesign.objects.filter(plot=OuterRef("plot")).order_by("-version").values("version")[:1]
    return (PlotDesign.objects.filter(plot__in=plots.values("pk"), version=Subquery(latest))
            .order_by("plot__family__code", "plot_id"))


def design_features(designs: QuerySet) -> Iterator[dict]:
    """Every feature of every design, its properties prefixed with the plot, family code and version."""
    for plot_id, code, version, geojson in designs.values_list(
        "plot_id", "plot__family__code", "version", "geojson"
    ).iterator(chunk_size=100):
        for feat in (geojson or {}).get("features", []):
            props = {"plot_id": plot_id, "family_code": code, "design_version": version,
                     **(feat.get("properties") or {})}
            yield {"type": "Feature", "geometry": right_hand_geometry(feat.get("geometry")), "properties": props}


def write_designs_gpkg(designs: QuerySet, path: str | Path) -> dict[str, int]:
    """Write the designs as three layers by geometry type (points, lines, polygons); returns the counts."""
    buckets: dict[str, list[tuple]] = {k: [] for k in DESIGN_LAYERS}
    names = DESIGN_PROPERTIES.names
    for feat in design_features(designs):
        geom = feat["geometry"]
        if not geom or geom.get("type") not in buckets:
            continue
        props = feat["properties"]
        values = [props.get(n) for n in names]
        values[names.index("species")] = _species(props.get("species"))
        buckets[geom["type"]].append((shapely.geometry.shape(geom), values))
    fields = [Field(c.name, c.dtype) for c in DESIGN_PROPERTIES.columns]
    counts = {}
    with GeoPackageWriter(path) as gpkg:
        for gtype, (layer, declared) in DESIGN_LAYERS.items():
            counts[layer] = gpkg.add_layer(layer, declared, fields, buckets[gtype],
                                           description=DESIGN_PROPERTIES.description)
    return counts


def _species(value: Any) -> str | None:
    if isinstance(value, list):
        return ",".join(map(str, value))
    return None if value is None else str(value)


__all__ = ["design_features", "feature_collection_chunks", "latest_designs", "plot_features",
           "write_designs_gpkg", "write_plots_gpkg"]
