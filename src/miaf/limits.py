"""Reading limits for uploaded files, checked BEFORE a file is read (no Django here).

A small file can declare a huge content: an XLSX whose sheet claims A1:XFD1048576, a zip whose 3 MB
expand to 1 GiB, a GeoTIFF header claiming 200,000² pixels, a GeoJSON nested thousands of levels deep, a
GeoPackage whose recursive view never ends. Each check here looks only at what the file declares (zip
directory, sheet dimension, raster header, SQLite schema, bracket depth) and raises :class:`LimitError`
naming what was too large and the limit, in Spanish and English.

The limits live in one :class:`Limits` object, :data:`LIMITS`; the web app replaces it at start-up with
the values of the ``MIAF_FILE_LIMITS`` setting (see :func:`configure`).
"""

from __future__ import annotations

import re
import sqlite3
import zipfile
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

__all__ = ["LIMITS", "LimitError", "Limits", "check_gpkg_schema", "check_json_depth", "check_raster_size",
           "check_vertices", "check_xlsx", "check_zip", "configure"]


@dataclass(frozen=True)
class Limits:
    """Largest inputs accepted. Sizes in bytes."""

    #: Sum of the uncompressed sizes of a zip's (or an XLSX's) members.
    zip_uncompressed_bytes: int = 100 * 1024 * 1024
    #: Largest uncompressed/compressed ratio of one zip member (text compresses ~10:1; bombs 1000:1).
    zip_ratio: float = 200.0
    #: Members of a zip.
    zip_members: int = 1000
    #: Data rows of an export (CSV or sheet), header excluded.
    rows: int = 200_000
    #: Columns of an export.
    columns: int = 2_000
    #: Pixels (width × height) of a raster.
    raster_pixels: int = 50_000_000
    #: Vertices of a plot boundary (all rings).
    plot_vertices: int = 5_000
    #: Vertices of a reference layer (all features).
    layer_vertices: int = 2_000_000
    #: Nesting depth of a JSON document.
    json_depth: int = 64
    #: Time a GeoPackage's queries may take [s] (SQLite's progress handler interrupts them).
    parse_seconds: float = 30.0


LIMITS = Limits()


def configure(overrides: dict[str, Any] | None = None) -> Limits:
    """Replace :data:`LIMITS` with the defaults updated by ``overrides`` (unknown keys are refused)."""
    global LIMITS
    overrides = dict(overrides or {})
    unknown = set(overrides) - {f.name for f in fields(Limits)}
    if unknown:
        raise ValueError(f"MIAF_FILE_LIMITS: unknown limit(s) {sorted(unknown)}")
    LIMITS = replace(Limits(), **overrides)
    return LIMITS


class LimitError(ValueError):
    """An input over a reading limit, with a Spanish and an English message."""

    def __init__(self, es: str, en: str) -> None:
        self.es, self.en = es, en
        super().__init__(en)

    def message(self, lang: str = "es") -> str:
        return self.es if (lang or "es").startswith("es") else self.en


def _mb(n: float) -> str:
    return f"{n / 1048576:,.0f} MB"


def check_zip(path: Path | str, label: str | None = None, limits: Limits | None = None) -> None:
    """Refuse a zip by its directory: too many members, too large uncompressed, or a bomb-like ratio."""
    lim = limits or LIMITS
    label = label or Path(path).name
    with zipfile.ZipFile(path) as zf:
        infos = zf.infolist()
    if len(infos) > lim.zip_members:
        raise LimitError(f"{label}: el ZIP tiene {len(infos):,} archivos; el máximo es {lim.zip_members:,}.",
                         f"{label}: the ZIP holds {len(infos):,} files; the limit is {lim.zip_members:,}.")
    total = sum(i.file_size for i in infos)
    if total > lim.zip_uncompressed_bytes:
        raise LimitError(
            f"{label}: descomprimido ocuparía {_mb(total)}; el máximo es {_mb(lim.zip_uncompressed_bytes)}.",
            f"{label}: uncompressed it would take {_mb(total)}; the limit is {_mb(lim.zip_uncompressed_bytes)}.")
    for i in infos:
        if i.file_size > 1024 * 1024 and i.file_size > lim.zip_ratio * max(i.compress_size, 1):
            ratio = i.file_size / max(i.compress_size, 1)
            raise LimitError(
                f"{label}: {i.filename} se comprime {ratio:,.0f} veces (máximo {lim.zip_ratio:,.0f}); "
                "parece una bomba de compresión.",
                f"{label}: {i.filename} is compressed {ratio:,.0f} times (limit {lim.zip_ratio:,.0f}); "
                "it looks like a compression bomb.")


_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?\"")


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n


def check_xlsx(path: Path | str, label: str | None = None, limits: Limits | None = None) -> None:
    """Refuse a workbook by its zip directory and by each sheet's declared ``<dimension ref="A1:XFD1048576">``."""
    lim = limits or LIMITS
    label = label or Path(path).name
    check_zip(path, label, lim)
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
                continue
            with zf.open(name) as fh:
                head = fh.read(4096)
            m = _DIMENSION.search(head)
            if not m or not m.group(3):
                continue
            rows = int(m.group(4)) - int(m.group(2)) + 1
            cols = _col_number(m.group(3)) - _col_number(m.group(1)) + 1
            if rows - 1 > lim.rows or cols > lim.columns:
                ref = (m.group(1) + m.group(2) + b":" + m.group(3) + m.group(4)).decode()
                raise LimitError(
                    f"{label}: una hoja declara {rows:,} filas × {cols:,} columnas ({ref}); el máximo es "
                    f"{lim.rows:,} filas y {lim.columns:,} columnas.",
                    f"{label}: a sheet declares {rows:,} rows × {cols:,} columns ({ref}); the limit is "
                    f"{lim.rows:,} rows and {lim.columns:,} columns.")


def check_raster_size(width: int, height: int, label: str = "raster", limits: Limits | None = None) -> None:
    """Refuse a raster whose header declares more than ``raster_pixels`` pixels."""
    lim = limits or LIMITS
    if width * height > lim.raster_pixels:
        raise LimitError(
            f"{label}: declara {width:,} × {height:,} píxeles; el máximo es {lim.raster_pixels:,} píxeles "
            "(recorte el ráster a la zona de interés).",
            f"{label}: it declares {width:,} × {height:,} pixels; the limit is {lim.raster_pixels:,} pixels "
            "(clip the raster to the area of interest).")


def check_vertices(n: int, what_es: str, what_en: str, limit: int) -> None:
    """Refuse a geometry with more than ``limit`` vertices."""
    if n > limit:
        raise LimitError(f"{what_es}: tiene {n:,} vértices; el máximo es {limit:,} (simplifique el contorno).",
                         f"{what_en}: it has {n:,} vertices; the limit is {limit:,} (simplify the outline).")


def json_depth(text: str | bytes) -> int:
    """Deepest nesting of ``[``/``{`` in a JSON text (brackets inside strings are skipped)."""
    data = text.encode("utf-8", errors="replace") if isinstance(text, str) else bytes(text)
    # Drop string literals (with their escapes) so brackets inside names do not count.
    data = re.sub(rb'"(?:[^"\\]|\\.)*"', b'""', data)
    depth = deepest = 0
    for ch in data:
        if ch in (91, 123):  # [ {
            depth += 1
            deepest = max(deepest, depth)
        elif ch in (93, 125):  # ] }
            depth -= 1
    return deepest


def check_json_depth(text: str | bytes, label: str = "JSON", limits: Limits | None = None) -> None:
    """Refuse a JSON text nested deeper than ``json_depth`` before parsing it (deep nesting ends in RecursionError)."""
    lim = limits or LIMITS
    depth = json_depth(text)
    if depth > lim.json_depth:
        raise LimitError(f"{label}: anida {depth:,} niveles; el máximo es {lim.json_depth}.",
                         f"{label}: it nests {depth:,} levels; the limit is {lim.json_depth}.")


#: Triggers that GeoPackage writers add themselves (R-tree index upkeep, GDAL's feature counts); they only
#: fire on writes, and the file is opened read-only.
_STANDARD_TRIGGER = re.compile(r"^(rtree_\w+|trigger_(insert|delete)_feature_count_\w+|gpkg_\w+)$")


def check_gpkg_schema(path: Path | str, label: str | None = None) -> None:
    """Refuse a GeoPackage holding views or non-standard triggers (a recursive view can run forever when read)."""
    label = label or Path(path).name
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    con.text_factory = lambda b: b.decode("utf-8", errors="replace")  # a damaged schema is not UTF-8
    try:
        kinds = [(t, n) for t, n in con.execute(
            "SELECT type, name FROM sqlite_master WHERE type IN ('view', 'trigger')").fetchall()
            if t == "view" or not _STANDARD_TRIGGER.match(n or "")]
    finally:
        con.close()
    if kinds:
        names = ", ".join(f"{t} {n}" for t, n in kinds[:5])
        raise LimitError(
            f"{label}: el GeoPackage contiene vistas o disparadores ({names}); no se aceptan. Exporte sólo la "
            "tabla de polígonos.",
            f"{label}: the GeoPackage holds views or triggers ({names}); they are not accepted. Export the "
            "polygon table only.")
