"""Compute the programme indicators for a filter, and over time.

``compute_indicators(tables, filters)`` applies the filters once (:class:`~miaf.indicators.context.Context`)
and evaluates every indicator of the registry on the filtered tables with pandas group-bys and merges (no
Python loop over families, plots or records). ``over_time`` repeats it for each year found in the records.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import pandas as pd

from .context import Context, IndicatorFilters, IndicatorValue
from .registry import PILLARS, REGISTRY, get
from .tables import IndicatorTables

__all__ = ["IndicatorResults", "compute_indicators", "over_time", "record_years"]


@dataclass
class IndicatorResults:
    """Indicator values of one run, in registry order, with the filters and reference year used."""

    filters: IndicatorFilters
    reference_year: int
    values: dict[str, IndicatorValue] = field(default_factory=dict)
    #: the filtered tables the values were computed on (reused by :mod:`miaf.indicators.disclosure`)
    context: Context | None = field(default=None, repr=False, compare=False)

    def __getitem__(self, code: str) -> IndicatorValue:
        return self.values[code]

    def value(self, code: str) -> float | None:
        return self.values[code].value

    def by_pillar(self) -> dict[str, list[IndicatorValue]]:
        out: dict[str, list[IndicatorValue]] = {p: [] for p in PILLARS}
        for v in self.values.values():
            out[v.pillar].append(v)
        return out

    def to_dict(self) -> dict:
        return {
            "filters": self.filters.to_dict(),
            "reference_year": self.reference_year,
            "pillars": {p: {"name_en": en, "name_es": es, "indicators": [v.to_dict() for v in self.by_pillar()[p]]}
                        for p, (en, es) in PILLARS.items()},
        }

    def to_frame(self) -> pd.DataFrame:
        """One row per indicator: code, pillar, value, unit, status, n, reason."""
        return pd.DataFrame([{k: getattr(v, k) for k in ("code", "pillar", "value", "unit", "status", "n", "reason")}
                             for v in self.values.values()])


def _filters(filters: IndicatorFilters | Mapping | None) -> IndicatorFilters:
    if filters is None:
        return IndicatorFilters()
    if isinstance(filters, IndicatorFilters):
        return filters
    unknown = set(filters) - set(IndicatorFilters.__dataclass_fields__)
    if unknown:
        raise ValueError(f"unknown filter(s) {sorted(unknown)}; use {list(IndicatorFilters.__dataclass_fields__)}")
    return IndicatorFilters(**{k: v for k, v in filters.items() if v is not None})


def compute_indicators(tables: IndicatorTables, filters: IndicatorFilters | Mapping | None = None,
                       codes: Iterable[str] | None = None) -> IndicatorResults:  # fmt: skip
    """Every programme indicator (or those in ``codes``) for the records selected by ``filters``.

    Parameters
    ----------
    tables : IndicatorTables
    filters : IndicatorFilters, or a dict of its fields (organisation, municipality, group, year, system,
        head_sex); None = the whole programme.
    codes : indicator codes to compute (default: the whole registry).

    Returns
    -------
    IndicatorResults
    """
    f = _filters(filters)
    ctx = Context(tables, f)
    out = IndicatorResults(f, ctx.ref_year, context=ctx)
    for code in codes or REGISTRY:
        ind = get(code)
        o = ind.compute(ctx)
        out.values[code] = IndicatorValue(code, ind.pillar, ind.name_en, ind.name_es, ind.unit, o.value, o.status,
                                          int(o.n), o.breakdown, o.reason, o.details)  # fmt: skip
    return out


def record_years(tables: IndicatorTables) -> list[int]:
    """Calendar years that have harvest, labour or ledger records, or a plot establishment."""
    years = set(tables.harvests["harvested_on"].dt.year.dropna().astype(int))
    years |= set(tables.labour["year"].astype(int)) | set(tables.ledger["year"].astype(int))
    years |= set(tables.plots["established_on"].dt.year.dropna().astype(int))
    return sorted(years)


def over_time(tables: IndicatorTables, filters: IndicatorFilters | Mapping | None = None, by: str = "year",
              codes: Iterable[str] | None = None) -> pd.DataFrame:  # fmt: skip
    """Indicator values for each year with records (long table: year, code, pillar, value, unit, status, n).

    The ``year`` of ``filters`` is ignored (each year is computed in turn).
    """
    if by != "year":
        raise ValueError(f"over_time: by must be 'year' (got {by!r})")
    base = _filters(filters)
    frames = []
    for y in record_years(tables):  # a loop over the handful of years, each one vectorised
        f = IndicatorFilters(**{**base.to_dict(), "year": y})
        frames.append(compute_indicators(tables, f, codes).to_frame().assign(year=y))
    if not frames:
        return pd.DataFrame(columns=["year", "code", "pillar", "value", "unit", "status", "n", "reason"])
    df = pd.concat(frames, ignore_index=True)
    return df[["year", *[c for c in df.columns if c != "year"]]]
