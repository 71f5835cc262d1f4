"""Reference layers (biological corridor, protected areas, municipal limits): upload and plot shares.

Upload goes through :func:`miaf.environment.layers.read_layer` (GeoJSON, GeoPackage, zipped Shapefile;
reprojected to WGS 84 when the file declares its CRS). Before that, the file is checked so that a bad one
is refused with a message that says what to fix: unknown format, non-polygon geometries, coordinates that
are not longitude/latitude (a projected file without its ``.prj``), an empty layer, a duplicate name.
"""

from __future__ import annotations

import json
import sqlite3
import struct
import tempfile
import zipfile
import zlib
from pathlib import Path

import shapely
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from pyproj.exceptions import CRSError, ProjError
from shapely.geometry import mapping, shape

from miaf import limits
from miaf.environment.layers import Layer, layer_overlap, read_layer

__all__ = ["LayerError", "SUFFIXES", "load_reference_layer", "layer_geometry", "overlap_for"]

SUFFIXES = (".geojson", ".json", ".gpkg", ".zip")
POLYGONS = {"Polygon", "MultiPolygon"}
GPKG_POLYGONS = {"POLYGON", "MULTIPOLYGON", "CURVEPOLYGON", "MULTISURFACE"}


class LayerError(ValueError):
    """A reference-layer file that cannot be loaded, with a message for the user (Spanish)."""


def layer_geometry(geojson: dict):  # noqa: ANN201
    """Shapely geometry of a stored layer (a GeoJSON geometry, Feature or FeatureCollection)."""
    kind = (geojson or {}).get("type")
    if kind == "FeatureCollection":
        return shapely.union_all([shape(f["geometry"]) for f in geojson.get("features", []) if f.get("geometry")])
    if kind == "Feature":
        return shape(geojson["geometry"])
    return shape(geojson)


def _limit_error(exc: limits.LimitError) -> LayerError:
    return LayerError(exc.message(get_language() or "es"))


def _check_geojson(path: Path, label: str) -> None:
    try:
        text = path.read_text(encoding="utf-8")
        limits.check_json_depth(text, label)
        data = json.loads(text)
    except limits.LimitError as exc:
        raise _limit_error(exc) from exc
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise LayerError(_("El archivo no es GeoJSON válido: %(e)s") % {"e": exc}) from exc
    if not isinstance(data, dict):
        raise LayerError(_("El archivo no es un objeto GeoJSON."))
    kind = data.get("type")
    if kind == "FeatureCollection":
        geoms = [f.get("geometry") for f in data.get("features") or [] if isinstance(f, dict)]
    elif kind == "Feature":
        geoms = [data.get("geometry")]
    else:
        geoms = [data]
    types = [g.get("type") for g in geoms if isinstance(g, dict)]
    if kind == "GeometryCollection":
        types = [g.get("type") for g in data.get("geometries") or [] if isinstance(g, dict)]
    others = sorted({t for t in types if t not in POLYGONS})
    if others:
        n = sum(1 for t in types if t not in POLYGONS)
        raise LayerError(_("La capa debe tener sólo polígonos; %(n)d geometría(s) son %(types)s.")
                         % {"n": n, "types": ", ".join(str(t) for t in others)})


def _check_gpkg(path: Path, label: str) -> None:
    try:
        limits.check_gpkg_schema(path, label)
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            rows = con.execute("SELECT geometry_type_name FROM gpkg_geometry_columns").fetchall()
        finally:
            con.close()
    except limits.LimitError as exc:
        raise _limit_error(exc) from exc
    except (sqlite3.DatabaseError, ValueError) as exc:
        raise LayerError(_("El archivo no es un GeoPackage válido: %(e)s") % {"e": exc}) from exc
    types = {str(r[0]).upper() for r in rows}
    if rows and not types & (GPKG_POLYGONS | {"GEOMETRY"}):
        raise LayerError(_("La capa debe tener sólo polígonos; el GeoPackage tiene %(types)s.")
                         % {"types": ", ".join(sorted(types))})


def _check_zip(path: Path, label: str) -> None:
    try:
        with zipfile.ZipFile(path) as zf:
            names = [n.lower() for n in zf.namelist()]
        limits.check_zip(path, label)
    except limits.LimitError as exc:
        raise _limit_error(exc) from exc
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError) as exc:
        raise LayerError(_("El archivo .zip está dañado o no es un zip.")) from exc
    if not any(n.endswith(".shp") for n in names):
        raise LayerError(_("El .zip no contiene un Shapefile (.shp)."))


def _check_lonlat(geometry) -> None:  # noqa: ANN001
    minx, miny, maxx, maxy = geometry.bounds
    if minx < -180 or maxx > 180 or miny < -90 or maxy > 90:
        raise LayerError(_(
            "Las coordenadas no son longitud/latitud (WGS84): la capa parece proyectada y no declara su sistema "
            "de coordenadas. Incluya el archivo .prj en el zip o reproyecte la capa a WGS84 (EPSG:4326)."))


def load_reference_layer(file, name: str, kind: str, illustrative: bool, source: str):  # noqa: ANN001, ANN201
    """Read, validate and save a reference layer; returns the new ``ReferenceLayer``.

    Parameters
    ----------
    file : a path, or an uploaded file (anything with ``name`` and ``chunks()``/``read()``).
    name : unique name of the layer.
    kind : ``ReferenceLayer.Kind`` value (corridor, protected, boundary, other).
    illustrative : True for a made-up layer (shown as such everywhere).
    source : where the layer comes from (publisher, year, URL).

    Raises
    ------
    LayerError (a ValueError) with a message for the user.
    """
    from miaf.web.registry.models import ReferenceLayer

    name = (name or "").strip()
    if not name:
        raise LayerError(_("Dé un nombre a la capa."))
    if kind not in ReferenceLayer.Kind.values:
        raise LayerError(_("Tipo de capa desconocido: %(k)s.") % {"k": kind})
    if not (source or "").strip():
        raise LayerError(_("Indique la fuente de la capa (institución, año, dirección)."))
    if ReferenceLayer.objects.filter(name=name).exists():
        raise LayerError(_("Ya existe una capa llamada «%(n)s».") % {"n": name})
    filename = str(getattr(file, "name", file))
    suffix = Path(filename).suffix.lower()
    if suffix not in SUFFIXES:
        raise LayerError(_("Formato no admitido (%(s)s): use GeoJSON (.geojson), GeoPackage (.gpkg) o un Shapefile "
                           "comprimido (.zip).") % {"s": suffix or filename})
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"layer{suffix}"
        if isinstance(file, (str, Path)):
            path.write_bytes(Path(file).read_bytes())
        else:
            with path.open("wb") as fh:
                for chunk in (file.chunks() if hasattr(file, "chunks") else [file.read()]):
                    fh.write(chunk)
        {".gpkg": _check_gpkg, ".zip": _check_zip}.get(suffix, _check_geojson)(path, Path(filename).name)
        try:
            layer = read_layer(path, name=name)
        except LayerError:
            raise
        except (CRSError, ProjError) as exc:
            raise LayerError(_("El sistema de coordenadas de la capa es desconocido (%(e)s): reproyecte la capa a "
                               "WGS84 (EPSG:4326).") % {"e": str(exc).splitlines()[0][:200]}) from exc
        except (ValueError, KeyError, TypeError, IndexError, AttributeError, struct.error, zipfile.BadZipFile, zlib.error,
                EOFError, OSError, RecursionError, sqlite3.DatabaseError, shapely.errors.GEOSException) as exc:
            raise LayerError(_("No se pudo leer la capa: %(e)s") % {"e": str(exc).splitlines()[0][:300] if str(exc)
                                                                      else type(exc).__name__}) from exc
    n = int(shapely.get_num_coordinates(layer.geometry))
    try:
        limits.check_vertices(n, name, name, limits.LIMITS.layer_vertices)
    except limits.LimitError as exc:
        raise _limit_error(exc) from exc
    _check_lonlat(layer.geometry)
    if layer.geometry.is_empty or layer.geometry.area <= 0:
        raise LayerError(_("La capa no tiene ningún polígono con superficie."))
    return ReferenceLayer.objects.create(
        name=name, kind=kind, illustrative=bool(illustrative), source=source.strip(),
        geometry=json.loads(json.dumps(mapping(layer.geometry))),
    )


def overlap_for(items: list[tuple[int, dict]], layers: list) -> dict:  # noqa: ANN001
    """Overlap of ``[(plot_id, boundary GeoJSON)]`` with stored ``ReferenceLayer`` rows.

    Returns ``{"plots": {plot_id: {layer_id: share}}, "plot_inside_ha": {plot_id: {layer_id: ha}},
    "plot_area_ha": {plot_id: ha}, "inside_ha": {layer_id: ha}, "total_area_ha": ha, "share": {layer_id: share}}``
    (geodesic areas; shares area-weighted for the totals).
    """
    if not items:
        return {"plots": {}, "plot_inside_ha": {}, "plot_area_ha": {}, "inside_ha": {}, "total_area_ha": 0.0,
                "share": {}}
    objs = [Layer(str(lay.pk), layer_geometry(lay.geometry), 1, lay.source) for lay in layers]
    res = layer_overlap([(str(pid), shape(b)) for pid, b in items], objs)
    return {
        "plots": {int(p.plot_id): {int(k): v for k, v in p.share.items()} for p in res.plots},
        "plot_inside_ha": {int(p.plot_id): {int(k): v for k, v in p.inside_ha.items()} for p in res.plots},
        "plot_area_ha": {int(p.plot_id): p.area_ha for p in res.plots},
        "inside_ha": {int(k): v for k, v in res.total_inside_ha.items()},
        "total_area_ha": res.total_area_ha,
        "share": {int(k): v for k, v in res.total_share.items()},
    }
