"""A minimal OGC GeoPackage 1.3 writer on the standard library's sqlite3 (no GDAL, no fiona).

What it writes (OGC 12-128r18, the requirements a vector-features GeoPackage must meet):

* ``PRAGMA application_id = 0x47504B47`` ('GPKG') and ``PRAGMA user_version = 10300`` (req. 2);
* ``gpkg_spatial_ref_sys`` with the two mandatory undefined rows (-1 cartesian, 0 geographic) and the
  CRS of the layers (EPSG:4326 by default, its WKT from pyproj) (req. 10-11);
* ``gpkg_contents`` with one ``features`` row per layer and its bounding box (req. 13-16);
* ``gpkg_geometry_columns`` (req. 21-27);
* one features table per layer: ``fid INTEGER PRIMARY KEY AUTOINCREMENT`` + the geometry column + the
  attribute columns; each geometry a *GeoPackageBinary* blob: header (magic ``GP``, version 0, flags,
  ``srs_id``, envelope ``[minx, maxx, miny, maxy]``) followed by the ISO WKB of the geometry (req. 19-20).

Not written (optional in the standard): the R-tree spatial index extension, metadata, tiles.
"""

from __future__ import annotations

import sqlite3
import struct
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import shapely

APPLICATION_ID = 0x47504B47  # "GPKG"
USER_VERSION = 10300  # GeoPackage 1.3.0
#: Field types a GeoPackage attribute column may declare (table 1 of the standard), by our column dtype.
SQL_TYPES = {"text": "TEXT", "integer": "INTEGER", "real": "DOUBLE", "date": "DATE", "boolean": "BOOLEAN"}
GEOMETRY_TYPES = {"GEOMETRY", "POINT", "LINESTRING", "POLYGON", "MULTIPOINT", "MULTILINESTRING", "MULTIPOLYGON",
                  "GEOMETRYCOLLECTION"}
#: Flags byte: bit 0 = little-endian, bits 1-3 = envelope kind (1: [minx, maxx, miny, maxy]), bit 4 = empty.
FLAG_LITTLE_ENDIAN = 0b0000_0001
FLAG_ENVELOPE_XY = 0b0000_0010
FLAG_EMPTY = 0b0001_0000
HEADER = struct.Struct("<2sBBi")
ENVELOPE = struct.Struct("<4d")

_SCHEMA = """
CREATE TABLE gpkg_spatial_ref_sys (
  srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY, organization TEXT NOT NULL,
  organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
CREATE TABLE gpkg_contents (
  table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE,
  description TEXT DEFAULT '', last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
  CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
CREATE TABLE gpkg_geometry_columns (
  table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL,
  srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,
  CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
  CONSTRAINT uk_gc_table_name UNIQUE (table_name),
  CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
  CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));
"""


class GeoPackageError(ValueError):
    """A layer or feature cannot be written (bad name, type or geometry)."""


def geometry_blob(geom: shapely.Geometry, srs_id: int) -> bytes:
    """GeoPackageBinary of ``geom``: the 8-byte header, the XY envelope (absent when empty), the ISO WKB."""
    wkb = shapely.to_wkb(geom, output_dimension=2, byte_order=1, flavor="iso")
    if geom.is_empty:
        return HEADER.pack(b"GP", 0, FLAG_LITTLE_ENDIAN | FLAG_EMPTY, srs_id) + wkb
    minx, miny, maxx, maxy = geom.bounds
    return HEADER.pack(b"GP", 0, FLAG_LITTLE_ENDIAN | FLAG_ENVELOPE_XY, srs_id) + ENVELOPE.pack(
        minx, maxx, miny, maxy) + wkb


def parse_blob(blob: bytes) -> tuple[dict[str, Any], shapely.Geometry]:
    """Header fields and geometry of a GeoPackageBinary blob (the reader the tests use)."""
    magic, version, flags, srs_id = HEADER.unpack_from(blob, 0)
    if magic != b"GP":
        raise GeoPackageError(f"not a GeoPackage geometry (magic {magic!r})")
    if not flags & FLAG_LITTLE_ENDIAN:
        raise GeoPackageError("big-endian headers are not read by this helper")
    envelope_kind = (flags >> 1) & 0b111
    sizes = {0: 0, 1: 4, 2: 6, 3: 6, 4: 8}
    n = sizes[envelope_kind]
    offset = HEADER.size
    envelope = struct.unpack_from(f"<{n}d", blob, offset) if n else ()
    offset += 8 * n
    header = {"magic": magic, "version": version, "flags": flags, "srs_id": srs_id, "envelope": envelope,
              "empty": bool(flags & FLAG_EMPTY)}
    return header, shapely.from_wkb(blob[offset:])


@dataclass(frozen=True)
class Field:
    name: str
    dtype: str = "text"


def _ident(name: str) -> str:
    if not name.replace("_", "").isalnum() or name[:1].isdigit():
        raise GeoPackageError(f"{name!r} is not a valid table or column name (letters, digits, underscore)")
    return f'"{name}"'


def _srs_row(epsg: int) -> tuple:
    from pyproj import CRS

    crs = CRS.from_epsg(epsg)
    return (crs.name, epsg, "EPSG", epsg, crs.to_wkt("WKT1_GDAL"), crs.name)


class GeoPackageWriter:
    """Write one or more feature layers to a new GeoPackage file.

    >>> with GeoPackageWriter(path) as gpkg:                                # doctest: +SKIP
    ...     gpkg.add_layer("plots", "POLYGON", [Field("name")], [(polygon, ("La Ladera",))])
    """

    def __init__(self, path: str | Path, srs_id: int = 4326) -> None:
        self.path = Path(path)
        if self.path.exists():
            self.path.unlink()
        self.srs_id = srs_id
        self.con = sqlite3.connect(self.path)
        self.con.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        self.con.execute(f"PRAGMA user_version = {USER_VERSION}")
        self.con.executescript(_SCHEMA)
        self.con.executemany(
            "INSERT INTO gpkg_spatial_ref_sys VALUES (?, ?, ?, ?, ?, ?)",
            [
                ("Undefined cartesian SRS", -1, "NONE", -1, "undefined", "undefined cartesian coordinate reference system"),
                ("Undefined geographic SRS", 0, "NONE", 0, "undefined", "undefined geographic coordinate reference system"),
                _srs_row(srs_id),
            ],
        )

    def add_layer(self, name: str, geometry_type: str, fields: Sequence[Field],
                  features: Iterable[tuple[shapely.Geometry | None, Sequence[Any]]], description: str = "") -> int:
        """Create the features table ``name`` and insert ``(geometry, values)`` pairs; returns the count."""
        geometry_type = geometry_type.upper()
        if geometry_type not in GEOMETRY_TYPES:
            raise GeoPackageError(f"geometry type {geometry_type!r} is not one of {sorted(GEOMETRY_TYPES)}")
        cols = ", ".join(f"{_ident(f.name)} {SQL_TYPES[f.dtype]}" for f in fields)
        self.con.execute(f"CREATE TABLE {_ident(name)} (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, "
                         f"geom {geometry_type}{', ' + cols if cols else ''})")
        self.con.execute("INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) "
                         "VALUES (?, 'features', ?, ?, ?)", (name, name, description, self.srs_id))
        self.con.execute("INSERT INTO gpkg_geometry_columns VALUES (?, 'geom', ?, ?, 0, 0)",
                         (name, geometry_type, self.srs_id))
        placeholders = ", ".join("?" * (len(fields) + 1))
        names = ", ".join(["geom", *(_ident(f.name) for f in fields)])
        sql = f"INSERT INTO {_ident(name)} ({names}) VALUES ({placeholders})"
        bounds = [float("inf"), float("inf"), float("-inf"), float("-inf")]
        count = 0
        batch: list[tuple] = []
        for geom, values in features:
            blob = None
            if geom is not None:
                gtype = geom.geom_type.upper()
                if geometry_type != "GEOMETRY" and gtype != geometry_type:
                    raise GeoPackageError(f"layer {name}: a {gtype} in a {geometry_type} layer")
                blob = geometry_blob(geom, self.srs_id)
                if not geom.is_empty:
                    x0, y0, x1, y1 = geom.bounds
                    bounds = [min(bounds[0], x0), min(bounds[1], y0), max(bounds[2], x1), max(bounds[3], y1)]
            batch.append((blob, *(_sql_value(v) for v in values)))
            count += 1
            if len(batch) >= 1000:
                self.con.executemany(sql, batch)
                batch.clear()
        if batch:
            self.con.executemany(sql, batch)
        if count and bounds[0] != float("inf"):
            self.con.execute("UPDATE gpkg_contents SET min_x=?, min_y=?, max_x=?, max_y=? WHERE table_name=?",
                             (*bounds, name))
        return count

    def close(self) -> None:
        self.con.commit()
        self.con.close()

    def __enter__(self) -> GeoPackageWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _sql_value(value: Any) -> Any:
    if value is None or isinstance(value, (int, float, str, bytes)):
        return value  # bool is an int: stored 0/1 as the BOOLEAN type asks
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    return float(value)  # Decimal
