"""The table bundle the programme indicators are computed from, and its column contracts.

Every table is a pandas DataFrame with one row per record. Identifiers are integers (database primary keys
or any other unique integers); dates are ``datetime64[ns]`` (``NaT`` = not given); text codes follow the
database choices (systems ``traditional``/``miaf``/``miaf_d``/``other``; sexes ``F``/``M``/``X``;
destinations ``self``/``organisation``/``intermediary``/``local_market``/``other``). No table carries a
name of a person or a family: the indicators never need one.

The contracts (:data:`COLUMNS`) are what :mod:`miaf.web.evidence.extract` produces from the database and
what ``benchmarks/bench_indicators.py`` produces with numpy; :meth:`IndicatorTables.validate` checks them.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import pandas as pd

__all__ = ["COLUMNS", "DESTINATIONS", "SEXES", "SYSTEMS", "IndicatorTables"]

SYSTEMS: tuple[str, ...] = ("traditional", "miaf", "miaf_d", "other")
SEXES: tuple[str, ...] = ("F", "M", "X")
DESTINATIONS: tuple[str, ...] = ("self", "organisation", "intermediary", "local_market", "other")

# column -> dtype kind: i integer id/count, f float, s text, b bool, d date (datetime64), y year (int)
COLUMNS: dict[str, dict[str, str]] = {
    "families": {
        "family_id": "i", "group_id": "i", "group": "s", "organisation_id": "i", "organisation": "s",
        "municipality": "s", "head_sex": "s", "anyone_migrated": "b",
    },
    "members": {"member_id": "i", "family_id": "i", "sex": "s", "languages": "s", "migrated": "b"},
    "memberships": {"family_id": "i", "group_id": "i", "joined_on": "d", "left_on": "d"},
    "plots": {
        "plot_id": "i", "family_id": "i", "area_ha": "f", "system": "s", "established_on": "d",
        "mean_slope_pct": "f", "soil_depth_class": "s", "rainfall_mm": "f",
    },
    "phases": {"plot_id": "i", "system": "s", "started_on": "d", "ended_on": "d"},
    "plantings": {"plot_id": "i", "species": "s", "planted_on": "d", "quantity": "f", "unit": "s"},
    "harvests": {"harvest_id": "i", "plot_id": "i", "species": "s", "harvested_on": "d", "quantity_kg": "f"},
    "destinations": {"harvest_id": "i", "destination": "s", "kg": "f", "price_mxn_per_kg": "f"},
    "inputs": {"family_id": "i", "plot_id": "f", "purchased_on": "d", "cost_mxn": "f"},
    "labour": {
        "family_id": "i", "plot_id": "f", "year": "y", "month": "y", "kind": "s", "person_days": "f",
        "worker_sex": "s", "wage_mxn_per_day": "f",
    },
    "ledger": {"family_id": "i", "year": "y", "month": "y", "kind": "s", "category": "s", "species": "s",
               "amount_mxn": "f"},
    "attendance": {"event_id": "i", "family_id": "i", "member_sex": "s", "held_on": "d"},
    "layer_overlap": {"plot_id": "i", "layer": "s", "kind": "s", "inside_ha": "f", "share": "f"},
}  # fmt: skip

# Columns a table may carry beyond its contract (not required, not validated): the carbon indicators read them
# when present. plots.altitude_m [m] (NaN = unknown) with rainfall_mm gives the IPCC climate zone;
# plots.modality ("TMV"/"BV", latest design; missing = no design) gives the tillage of the crop strips.
OPTIONAL_COLUMNS: dict[str, dict[str, str]] = {"plots": {"altitude_m": "f", "modality": "s"}}

_EMPTY = {"i": "int64", "y": "int64", "f": "float64", "s": "object", "b": "bool", "d": "datetime64[ns]"}

# Columns that may hold missing values (NaN / NaT / ""); every other column must be complete.
NULLABLE: dict[str, set[str]] = {
    "families": {"head_sex", "municipality"},
    "plots": {"established_on", "mean_slope_pct", "soil_depth_class", "rainfall_mm"},
    "memberships": {"left_on"},
    "phases": {"ended_on"},
    "destinations": {"price_mxn_per_kg"},
    "inputs": {"plot_id"},
    "labour": {"plot_id", "worker_sex", "wage_mxn_per_day"},
    "ledger": {"species"},
    "attendance": {"member_sex"},
}


def empty_table(name: str) -> pd.DataFrame:
    """An empty DataFrame with the columns and dtypes of table ``name``."""
    return pd.DataFrame({c: pd.Series(dtype=_EMPTY[k]) for c, k in COLUMNS[name].items()})


@dataclass
class IndicatorTables:
    """All the records the indicators read, as DataFrames following :data:`COLUMNS`.

    Tables not given are empty; an indicator whose source table is empty reports ``no_data``.
    ``members.languages`` is a ``;``-separated list of language codes (``"es;tzh"``).
    """

    families: pd.DataFrame
    members: pd.DataFrame = None  # type: ignore[assignment]
    memberships: pd.DataFrame = None  # type: ignore[assignment]
    plots: pd.DataFrame = None  # type: ignore[assignment]
    phases: pd.DataFrame = None  # type: ignore[assignment]
    plantings: pd.DataFrame = None  # type: ignore[assignment]
    harvests: pd.DataFrame = None  # type: ignore[assignment]
    destinations: pd.DataFrame = None  # type: ignore[assignment]
    inputs: pd.DataFrame = None  # type: ignore[assignment]
    labour: pd.DataFrame = None  # type: ignore[assignment]
    ledger: pd.DataFrame = None  # type: ignore[assignment]
    attendance: pd.DataFrame = None  # type: ignore[assignment]
    layer_overlap: pd.DataFrame = None  # type: ignore[assignment]

    def __post_init__(self) -> None:
        for f in fields(self):
            if getattr(self, f.name) is None:
                setattr(self, f.name, empty_table(f.name))
        self.validate()
        self._encode_text()

    def _encode_text(self) -> None:
        """Text columns become pandas categoricals (codes): group-bys, merges and comparisons on millions
        of rows then work on integers instead of Python strings. Missing text becomes ""."""
        for f in fields(self):
            df = getattr(self, f.name)
            text = [c for c, k in COLUMNS[f.name].items() if k == "s" and not isinstance(df[c].dtype, pd.CategoricalDtype)]
            if text:
                df = df.copy()
                for c in text:
                    df[c] = df[c].astype(object).where(df[c].notna(), "").astype(str).astype("category")
                setattr(self, f.name, df)

    def validate(self) -> None:
        """Check every table against its contract; raise ValueError naming the table and column."""
        for f in fields(self):
            name = f.name
            df = getattr(self, name)
            if not isinstance(df, pd.DataFrame):
                raise ValueError(f"table {name}: expected a pandas DataFrame, got {type(df).__name__}")
            missing = [c for c in COLUMNS[name] if c not in df.columns]
            if missing:
                raise ValueError(f"table {name}: missing column(s) {missing}; expected {list(COLUMNS[name])}")
            for col, kind in COLUMNS[name].items():
                s = df[col]
                if kind == "d":
                    if len(s) and not pd.api.types.is_datetime64_any_dtype(s):
                        raise ValueError(f"table {name}: column {col} must be datetime64 (use pd.to_datetime)")
                elif kind in "ify" and len(s) and not pd.api.types.is_numeric_dtype(s):
                    raise ValueError(f"table {name}: column {col} must be numeric")
                if col not in NULLABLE.get(name, set()) and kind != "s" and len(s) and s.isna().any():
                    raise ValueError(f"table {name}: column {col} has {int(s.isna().sum())} missing value(s)")
        for name, col in (("plots", "area_ha"), ("harvests", "quantity_kg"), ("destinations", "kg"),
                          ("labour", "person_days"), ("ledger", "amount_mxn")):  # fmt: skip
            s = getattr(self, name)[col]
            if len(s) and (s < 0).any():
                raise ValueError(f"table {name}: column {col} must be >= 0 ({int((s < 0).sum())} negative)")
        bad = set(self.plots["system"]) - set(SYSTEMS)
        if bad:
            raise ValueError(f"table plots: unknown system(s) {sorted(bad)}; expected one of {SYSTEMS}")

    def counts(self) -> dict[str, int]:
        return {f.name: len(getattr(self, f.name)) for f in fields(self)}
