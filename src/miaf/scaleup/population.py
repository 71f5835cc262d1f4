"""Population of family-farm units for the scale-up simulator: strata tables and synthetic units.

A *population table* has one row per stratum (state × region × municipality type × slope class × …) with
the number of family-farm units it holds and what the plot models need to know about a typical hillside
there. The default table is ``src/miaf/params/scaleup_strata.csv`` (every row tagged, mostly
``estimate``; see docs/scaleup.md); a user may load their own as CSV or Parquet with
:func:`load_population`. Blank optional cells fall back to the defaults of ``scaleup.csv``,
``species.csv`` and ``economics.csv``.

Synthetic units: :func:`allocate_units` spreads ``N`` simulated units over the strata in proportion to
their eligible families (largest remainder); every simulated unit of stratum ``s`` stands for
``weight_s = eligible_s / n_s`` real families. Units of a stratum are numbered ``0 … n_s − 1``; their
random attributes come from :func:`block_rng` streams keyed by (stratum, block of unit numbers), never by
worker or chunk.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from miaf.params import load_parameters, load_table, species

__all__ = [
    "BLOCK", "MAX_STRATA", "MAX_UNITS", "MAX_POPULATION_BYTES", "Population", "PopulationError",
    "allocate_units", "block_rng", "default_population", "load_population",
]

#: Units per random-number block: streams are keyed by (seed, stratum, unit // BLOCK), chunks are
#: whole blocks, so results do not depend on how units are cut into chunks.
BLOCK = 4096
#: Most strata a population table may have.
MAX_STRATA = 5_000
#: Longest cell of a population CSV [characters] (a stratum name or a species list is far shorter).
MAX_CELL_CHARS = 10_000
#: Most simulated units of one run (the whole of Mexico is 5.5 million family farms).
MAX_UNITS = 20_000_000
#: Largest population file read [bytes].
MAX_POPULATION_BYTES = 20 * 1024 * 1024

CLIMATE_ZONES = ("tropical_wet", "tropical_moist", "tropical_dry", "tropical_montane")
REQUIRED = ("stratum", "state", "region", "farm_units", "slope_pct", "slope_length_m", "climate_zone",
            "rainfall_mm", "k_factor", "tree_species")
OPTIONAL_TEXT = ("subregion", "municipality_type", "slope_class", "altitude_band", "soil_type", "languages",
                 "tag", "source")
OPTIONAL_NUM = ("eligible_share", "miaf_plot_ha", "maize_yield_kg_ha", "bean_yield_kg_ha", "maize_price_mxn_kg",
                "bean_price_mxn_kg", "wage_mxn_day", "household_income_mxn_yr", "indigenous_share")
# numeric column → (lowest, highest) accepted
RANGES = {
    "farm_units": (0, 20_000_000), "slope_pct": (0, 200), "slope_length_m": (1, 1000), "rainfall_mm": (0, 10_000),
    "k_factor": (0, 1), "eligible_share": (0, 1), "miaf_plot_ha": (0.01, 100), "maize_yield_kg_ha": (0, 20_000),
    "bean_yield_kg_ha": (0, 10_000), "maize_price_mxn_kg": (0, 1_000), "bean_price_mxn_kg": (0, 1_000),
    "wage_mxn_day": (0, 10_000), "household_income_mxn_yr": (1, 1e8), "indigenous_share": (0, 1),
}


class PopulationError(ValueError):
    """A population table is malformed; the message names the row and column."""


@dataclass(frozen=True)
class Population:
    """Strata as column arrays (one entry per stratum), with defaults filled in.

    ``eligible`` [families] is ``farm_units × eligible_share`` rounded down; only eligible families can
    enrol.
    """

    columns: dict[str, np.ndarray]
    source: str

    def __len__(self) -> int:
        return len(self.columns["stratum"])

    def __getitem__(self, key: str) -> np.ndarray:
        return self.columns[key]

    @property
    def eligible(self) -> np.ndarray:
        return np.floor(self["farm_units"] * self["eligible_share"]).astype(np.int64)

    @property
    def regions(self) -> list[str]:
        return list(dict.fromkeys(self["region"].tolist()))

    def row(self, i: int) -> dict:
        return {k: (v[i].item() if hasattr(v[i], "item") else v[i]) for k, v in self.columns.items()}


def _scalar_defaults() -> dict[str, float]:
    p = load_parameters("scaleup")
    return {
        "eligible_share": float(p["eligible_share"]),
        "miaf_plot_ha": float(p["miaf_plot_ha"]),
        "household_income_mxn_yr": float(p["household_income_mxn_yr"]),
        "indigenous_share": float(p["indigenous_share"]),
    }


def _from_records(records: list[dict], source: str) -> Population:
    if not records:
        raise PopulationError(f"{source}: the population table has no rows")
    if len(records) > MAX_STRATA:
        raise PopulationError(f"{source}: {len(records)} strata; at most {MAX_STRATA} are accepted")
    header = set(records[0])
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise PopulationError(f"{source}: missing column(s) {', '.join(missing)}; required: {', '.join(REQUIRED)}")
    known = set(REQUIRED) | set(OPTIONAL_TEXT) | set(OPTIONAL_NUM)
    unknown = sorted(header - known)
    if unknown:
        raise PopulationError(f"{source}: unknown column(s) {', '.join(unknown)}")
    defaults = _scalar_defaults()
    catalogue = species()
    cols: dict[str, list] = {c: [] for c in (*REQUIRED, *OPTIONAL_TEXT, *OPTIONAL_NUM)}
    seen_ids: set[str] = set()
    for i, rec in enumerate(records, start=2):
        where = f"{source}: row {i}"
        sid = str(rec.get("stratum") or "").strip()
        if not sid:
            raise PopulationError(f"{where}: empty stratum id")
        if sid in seen_ids:
            raise PopulationError(f"{where}: stratum {sid!r} appears twice")
        seen_ids.add(sid)
        for c in ("state", "region"):
            if not str(rec.get(c) or "").strip():
                raise PopulationError(f"{where}: column {c!r} is empty")
        zone = str(rec.get("climate_zone") or "").strip()
        if zone not in CLIMATE_ZONES:
            raise PopulationError(f"{where}: climate_zone {zone!r} is not one of {', '.join(CLIMATE_ZONES)}")
        code = str(rec.get("tree_species") or "").strip()
        if code not in catalogue or catalogue[code]["stratum"] not in ("fruit_tree", "other_crop") \
                or not (catalogue[code].get("mature_yield_kg_per_tree") or "").strip():
            raise PopulationError(f"{where}: tree_species {code!r} is not a tree of species.csv")
        for c in RANGES:
            raw = rec.get(c)
            text = "" if raw is None or (isinstance(raw, float) and math.isnan(raw)) else str(raw).strip()
            if text == "":
                if c in REQUIRED:
                    raise PopulationError(f"{where}: column {c!r} is empty")
                value = defaults.get(c, math.nan)
            else:
                try:
                    value = float(text)
                except ValueError:
                    raise PopulationError(f"{where}: {c} = {text!r} is not a number") from None
                lo, hi = RANGES[c]
                if not (math.isfinite(value) and lo <= value <= hi):
                    raise PopulationError(f"{where}: {c} = {text} is outside [{lo:g}, {hi:g}]")
            cols[c].append(value)
        if cols["farm_units"][-1] != int(cols["farm_units"][-1]):
            raise PopulationError(f"{where}: farm_units must be a whole number")
        for c in (*REQUIRED, *OPTIONAL_TEXT):
            if c not in RANGES:
                raw = rec.get(c)
                cols[c].append("" if raw is None or (isinstance(raw, float) and math.isnan(raw)) else str(raw).strip())
        if cols["soil_type"][-1] == "":
            cols["soil_type"][-1] = "lac"
        if cols["soil_type"][-1] not in ("lac", "hac"):
            raise PopulationError(f"{where}: soil_type must be 'lac' or 'hac'")
    out = {c: np.asarray(v, dtype=float if c in RANGES else object) for c, v in cols.items()}
    if float(out["farm_units"].sum()) > MAX_UNITS:
        raise PopulationError(f"{source}: {out['farm_units'].sum():,.0f} farm units; at most {MAX_UNITS:,} are accepted")
    return Population(out, source)


def default_population() -> Population:
    """The packaged strata table ``params/scaleup_strata.csv`` (5.5 million family farms)."""
    return _from_records([dict(r) for r in load_table("scaleup_strata")], "scaleup_strata.csv")


def load_population(path: str | Path) -> Population:
    """Read and validate a user population table (``.csv`` or ``.parquet``).

    Raises :class:`PopulationError` (a ``ValueError``) naming the file, row and column of the first problem;
    files larger than :data:`MAX_POPULATION_BYTES` or with more than :data:`MAX_STRATA` rows are refused
    before they are parsed in full.
    """
    path = Path(path)
    if not path.is_file():
        raise PopulationError(f"population file {str(path)!r} does not exist")
    size = path.stat().st_size
    if size > MAX_POPULATION_BYTES:
        raise PopulationError(f"{path.name}: {size:,} bytes; population files are limited to {MAX_POPULATION_BYTES:,}")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        import csv

        try:
            with path.open(newline="", encoding="utf-8-sig") as fh:
                reader = csv.DictReader(fh)
                records = []
                for rec in reader:
                    # The csv module's own cell limit is process-wide state that other code may raise:
                    # bound the cells here, whatever it is.
                    if any(isinstance(v, str) and len(v) > MAX_CELL_CHARS for v in rec.values()) or any(
                            len(k) > MAX_CELL_CHARS for k in rec if isinstance(k, str)):
                        raise csv.Error(f"a cell longer than {MAX_CELL_CHARS:,} characters")
                    records.append(rec)
                    if len(records) > MAX_STRATA:
                        raise PopulationError(f"{path.name}: more than {MAX_STRATA} strata")
        except UnicodeDecodeError:
            raise PopulationError(f"{path.name}: not a UTF-8 CSV file") from None
        except csv.Error as exc:
            raise PopulationError(f"{path.name}: not a readable CSV file ({exc})") from None
        if None in (records[0] if records else {}):
            raise PopulationError(f"{path.name}: a row has more cells than the header")
    elif suffix in (".parquet", ".pq"):
        import pyarrow.parquet as pq

        try:
            meta = pq.ParquetFile(path).metadata
        except Exception as exc:  # pyarrow raises several types for a corrupt file
            raise PopulationError(f"{path.name}: not a readable Parquet file ({exc.__class__.__name__})") from None
        if meta.num_rows > MAX_STRATA:
            raise PopulationError(f"{path.name}: {meta.num_rows} strata; at most {MAX_STRATA} are accepted")
        records = pq.read_table(path).to_pylist()
    else:
        raise PopulationError(f"{path.name}: population tables must be .csv or .parquet")
    return _from_records(records, path.name)


def allocate_units(population: Population, n_units: int | None) -> tuple[np.ndarray, np.ndarray]:
    """Simulated units per stratum and the real families each stands for.

    Parameters
    ----------
    population : Population
    n_units : int or None, total simulated units (None: one per eligible family).

    Returns
    -------
    n_s : int array [units], weight_s : float array [families per unit] (0 where n_s = 0).

    Notes
    -----
    Largest-remainder allocation of ``N`` over the eligible families ``E_s``; when ``N`` is at least the
    number of strata with families, every such stratum gets at least one unit (taken from the largest).
    """
    eligible = population.eligible
    total = int(eligible.sum())
    if total == 0:
        raise PopulationError("the population has no eligible families (farm_units × eligible_share is 0)")
    if n_units is None:
        n_units = total
    n_units = int(n_units)
    if n_units < 1:
        raise ValueError("--units: need at least 1 unit")
    if n_units > MAX_UNITS:
        raise ValueError(f"--units: at most {MAX_UNITS:,} units per run")
    n_units = min(n_units, total)
    quota = eligible * (n_units / total)
    n = np.floor(quota).astype(np.int64)
    order = np.argsort(-(quota - n), kind="stable")
    n[order[: n_units - int(n.sum())]] += 1
    has = eligible > 0
    if n_units >= int(has.sum()):
        for s in np.flatnonzero(has & (n == 0)):
            n[int(np.argmax(n))] -= 1
            n[s] = 1
    with np.errstate(divide="ignore", invalid="ignore"):
        weight = np.where(n > 0, eligible / np.maximum(n, 1), 0.0)
    return n, weight


def block_rng(seed: int, stratum_index: int, block: int) -> np.random.Generator:
    """Random stream of one block of units: ``SeedSequence(seed, spawn_key=(stratum, block))``.

    Keyed by the units' identity, so the same unit gets the same numbers whichever worker or chunk runs it.
    """
    return np.random.default_rng(np.random.SeedSequence(int(seed), spawn_key=(1, int(stratum_index), int(block))))
