"""Parameter tables with provenance.

Every default value the software uses lives in a CSV table in this folder, one row per value, with a
``source`` (where it was read or how it was derived) and a ``tag``:

* ``seen``: read in the cited source;
* ``derived``: arithmetic on seen values (the formula is in ``source`` or ``notes``);
* ``estimate``: an assumption offered as a default, not a published fact.

Two shapes of table exist:

* *scalar tables* (``design.csv``, ``economics.csv`` …) with columns
  ``key,value,unit,low,high,tag,source,notes``: one named parameter per row; ``low``/``high`` give the
  90 % interval where one is known (used for Monte Carlo);
* *row tables* (``species.csv`` …): any columns, plus ``tag`` and ``source``.

Use :func:`load_parameters` for the first and :func:`load_table` for the second. Both validate the
provenance columns so that a table without a source cannot load.
"""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

TAGS = frozenset({"seen", "derived", "estimate"})

__all__ = [
    "TAGS", "Parameter", "ParameterTableError", "load_parameters", "load_table", "table_path", "species",
    "soil_depth_class_m",
]


class ParameterTableError(ValueError):
    """A parameter table is malformed (missing column, unknown tag, empty source, bad number)."""


@dataclass(frozen=True)
class Parameter:
    """One named default value with its unit, its uncertainty and its provenance."""

    key: str
    value: float | str
    unit: str
    tag: str
    source: str
    low: float | None = None
    high: float | None = None
    notes: str = ""

    def __float__(self) -> float:
        return float(self.value)


def table_path(name: str) -> Path:
    """Path of the packaged table ``name`` (without ``.csv``)."""
    return Path(str(resources.files(__package__).joinpath(f"{name}.csv")))


def _read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        missing = {"tag", "source"} - set(reader.fieldnames or ())
        if missing:
            raise ParameterTableError(f"{path.name}: missing column(s) {sorted(missing)}")
        rows = []
        for lineno, row in enumerate(reader, start=2):
            tag = (row.get("tag") or "").strip()
            if tag not in TAGS:
                raise ParameterTableError(f"{path.name}:{lineno}: tag {tag!r} is not one of {sorted(TAGS)}")
            if not (row.get("source") or "").strip():
                raise ParameterTableError(f"{path.name}:{lineno}: empty source")
            rows.append(row)
    return rows


def _num(text: str | None, where: str) -> float | None:
    if text is None or text.strip() == "":
        return None
    try:
        return float(text)
    except ValueError as exc:
        raise ParameterTableError(f"{where}: {text!r} is not a number") from exc


@functools.cache
def load_table(name: str) -> tuple[dict[str, str], ...]:
    """Rows of the row table ``name`` as dicts of strings (validated for ``tag`` and ``source``)."""
    return tuple(_read_rows(table_path(name)))


@functools.cache
def load_parameters(name: str) -> dict[str, Parameter]:
    """Scalar table ``name`` as ``{key: Parameter}``; numeric values are floats."""
    out: dict[str, Parameter] = {}
    for lineno, row in enumerate(_read_rows(table_path(name)), start=2):
        where = f"{name}.csv:{lineno}"
        key = row["key"].strip()
        if key in out:
            raise ParameterTableError(f"{where}: duplicate key {key!r}")
        raw = row["value"].strip()
        try:
            value: float | str = float(raw)
        except ValueError:
            value = raw
        out[key] = Parameter(
            key=key,
            value=value,
            unit=row.get("unit", "").strip(),
            tag=row["tag"].strip(),
            source=row["source"].strip(),
            low=_num(row.get("low"), where),
            high=_num(row.get("high"), where),
            notes=(row.get("notes") or "").strip(),
        )
    return out


def species() -> dict[str, dict[str, str]]:
    """The species catalogue keyed by ``code`` (see ``species.csv``)."""
    return {row["code"]: row for row in load_table("species")}


SOIL_DEPTH_CLASSES = ("shallow", "medium", "deep")


def soil_depth_class_m(depth_class: str) -> float:
    """Representative depth [m] of a plot's soil-depth class (``shallow``, ``medium``, ``deep``).

    One table (``soil.csv``) serves the designer (TMV/BV threshold), the erosion tolerance and the
    indicators, so the three always agree. Raises ``ValueError`` for an unknown class.
    """
    if depth_class not in SOIL_DEPTH_CLASSES:
        raise ValueError(f"unknown soil depth class {depth_class!r}; expected one of {', '.join(SOIL_DEPTH_CLASSES)}")
    return float(load_parameters("soil")[f"soil_depth_{depth_class}_m"])
