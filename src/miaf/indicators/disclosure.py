"""Statistical disclosure control of the programme figures: small-cell, differencing and table suppression.

A figure shown to somebody without the right to see personal data must not let them learn a family's own
values. Three rules, applied by :func:`protect_results` (indicators) and :func:`suppress_table` (tables):

1. **Threshold (primary suppression).** A figure is shown only if the records it is computed from belong to
   at least *k* distinct families (:func:`contributors`; *k* = ``k_min_families`` of ``open_data.csv``, the
   same threshold as the anonymised open data). A breakdown entry (a crop, a system, a year …) needs *k*
   families of its own.
2. **Query-set control (differencing).** For a filtered query, dropping any one filter gives a broader set;
   if the broader set holds between 1 and *k* − 1 families more than this one, the figure is suppressed too
   (otherwise the hidden families' values follow by subtracting this answer from the broader one).
3. **Complementary suppression in tables.** After the cells under *k* are hidden, every line (row or column,
   with its total) that has a hidden cell must have at least two hidden entries holding at least *k*
   families together; otherwise the smallest shown cell of the line (or, failing that, the line's total) is
   hidden as well, until no line changes.

Pure pandas/numpy: the web layer decides who is protected and how the result is written.

References
----------
Hundepool A. et al., *Statistical Disclosure Control*, Wiley 2012, doi:10.1002/9781118348239 (ch. 5:
threshold rule, secondary suppression; ch. 4.3: differencing of overlapping queries). Denning D. E.,
Schlörer J., "Inference controls for statistical databases", *Computer* 16(7), 1983,
doi:10.1109/MC.1983.1654440 (query-set size control).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from .compute import IndicatorResults
from .context import Context, IndicatorFilters, IndicatorValue
from .tables import IndicatorTables

__all__ = ["COMPLEMENTARY", "DIFFERENCING", "SMALL_CELL", "SUPPRESSED", "ContextPool", "Disclosure", "contributors",
           "default_k", "protect_over_time", "protect_results", "suppress_counts", "suppress_table"]

SMALL_CELL = "small_cell"          # fewer than k families
DIFFERENCING = "differencing"      # a broader query differs by 1..k-1 families
COMPLEMENTARY = "complementary"    # hidden so that another hidden cell cannot be recovered from a total
SUPPRESSED = "suppressed"          # the status of a suppressed indicator
_FILTERS = ("organisation", "municipality", "group", "year", "system", "head_sex")


def default_k() -> int:
    """*k* [families]: ``k_min_families`` of ``params/open_data.csv`` (one threshold for every output)."""
    from miaf.params import load_parameters

    return int(float(load_parameters("open_data")["k_min_families"]))


# --------------------------------------------------------------------------------- who contributes

def _ids(df: pd.DataFrame) -> np.ndarray:
    return np.unique(df["family_id"].to_numpy(dtype=np.int64)) if len(df) else np.empty(0, np.int64)


def _year_only(ctx: Context, df: pd.DataFrame, col: str = "year") -> pd.DataFrame:
    return df[df[col] == ctx.year] if ctx.year is not None else df


#: indicator code -> (source name, family ids of the source's rows under a context); codes sharing a
#: source share its result
_SOURCES: dict[str, tuple[str, Callable[[Context], np.ndarray]]] = {}


def _source(name: str, codes: Iterable[str], fn: Callable[[Context], np.ndarray]) -> None:
    for c in codes:
        _SOURCES[c] = (name, fn)


_source("families", ("families", "groups", "municipalities", "migration", "members_by_sex", "members_by_language"),
        lambda c: _ids(c.families))
_source("harvests", ("yield_by_crop", "product_diversity"), lambda c: _ids(c.harvests))
# the comparison indicators ignore the system filter and read the families' harvests of every system
_source("all_harvests", ("maize_yield_gain", "yield_gain_vs_baseline", "yield_vs_traditional"),
        lambda c: _ids(_year_only(c, c.all_harvests)))
_source("destinations", ("gross_income_per_ha", "gross_income_per_family", "self_consumption_share",
                         "market_share", "side_selling_share"), lambda c: _ids(c.destinations))
_source("ledger", ("months_with_income",), lambda c: _ids(c.ledger))
_source("miaf_d_plots", ("npv_per_ha", "payback_years"), lambda c: _ids(c.plots[c.plots["system_ref"] == "miaf_d"]))
_source("plots", ("soil_loss", "soil_loss_within_tolerable", "area_by_system", "area_by_establishment_year",
                  "area_share_in_layers", "native_species", "carbon_stock", "carbon_change"), lambda c: _ids(c.plots))
_source("labour", ("labour_by_kind", "women_labour_share"), lambda c: _ids(c.labour))
_source("all_labour", ("labour_ratio",), lambda c: _ids(_year_only(c, c.all_labour)))
_source("attendance", ("women_training_share",), lambda c: _ids(c.attendance))
_DEFAULT_SOURCE = _SOURCES["families"]


def contributors(ctx: Context, code: str) -> np.ndarray:
    """Sorted ids of the families whose records indicator ``code`` reads under ``ctx``'s filters
    (an indicator not listed reads every selected family)."""
    name, fn = _SOURCES.get(code, _DEFAULT_SOURCE)
    return ctx.memo(f"disclosure:{name}", fn)


def _groups(df: pd.DataFrame, keys: list[str], join: Callable[[tuple], str]) -> dict[str, int]:
    if not len(df):
        return {}
    # group on the columns as they are (categorical codes), and write the few keys as text afterwards
    g = df.groupby(keys, observed=True, sort=False)["family_id"].nunique()
    return {join(tuple(str(x) for x in (k if isinstance(k, tuple) else (k,)))): int(n) for k, n in g.items()}


def _breakdown_families(ctx: Context, code: str) -> dict[str, int] | None:
    """Families behind each breakdown entry of ``code`` (None: entries are not family subsets, e.g. a
    distribution or person-day totals; they are shown only with the figure)."""
    one = "|".join
    if code == "yield_by_crop":
        return _groups(ctx.harvests, ["species", "system"], one)
    if code in ("yield_gain_vs_baseline", "yield_vs_traditional"):
        return _groups(_year_only(ctx, ctx.all_harvests), ["species"], one)
    if code in ("self_consumption_share", "market_share", "side_selling_share"):
        return _groups(ctx.destinations, ["species"], one)
    if code in ("area_by_system", "soil_loss", "soil_loss_within_tolerable"):
        return _groups(ctx.plots, ["system_ref"], one)
    if code == "area_by_establishment_year":
        from .social import ESTABLISHED, miaf_start_year  # the indicator's own year rule

        p = ctx.plots[ctx.plots["system_ref"].isin(ESTABLISHED)]
        return _groups(p.assign(_y=miaf_start_year(ctx, p)[0]), ["_y"], one)
    if code == "members_by_sex":
        return _groups(ctx.members, ["sex"], one)
    return None


# --------------------------------------------------------------------------------- tables

def suppress_table(counts: pd.DataFrame, k: int, totals: bool = True) -> tuple[pd.DataFrame, pd.Series, pd.Series, bool]:
    """Primary and complementary suppression of a table of family counts.

    Parameters
    ----------
    counts : DataFrame of non-negative integers [families] (rows × columns; one row for a 1-D table).
    k : threshold [families].
    totals : the row, column and grand totals are published (so they constrain the hidden cells).

    Returns
    -------
    (reason, row_total_hidden, col_total_hidden, grand_total_hidden): ``reason`` has the shape of
    ``counts`` with "" (shown), :data:`SMALL_CELL` or :data:`COMPLEMENTARY`. Cells holding 0 families
    reveal nobody and are never hidden.
    """
    n = counts.to_numpy(dtype=np.int64)
    reason = np.where((n > 0) & (n < k), SMALL_CELL, "").astype(object)
    rows, cols = n.shape
    row_hidden, col_hidden, grand_hidden = np.zeros(rows, bool), np.zeros(cols, bool), np.zeros(1, bool)
    if not totals:
        return (pd.DataFrame(reason, index=counts.index, columns=counts.columns),
                pd.Series(row_hidden, index=counts.index), pd.Series(col_hidden, index=counts.columns), False)
    row_sum, col_sum, grand = n.sum(axis=1), n.sum(axis=0), int(n.sum())
    changed = True
    while changed:
        changed = False
        # lines: each row (its cells + its total), each column (its cells + its total), and the two margins
        # (a line of one cell only repeats its total: a 1-row table is one line, cells + grand total)
        lines: list[tuple[list[tuple], tuple]] = []
        if rows == 1:
            lines.append(([("c", 0, j) for j in range(cols)], ("g",)))
        elif cols == 1:
            lines.append(([("c", i, 0) for i in range(rows)], ("g",)))
        else:
            lines += [([("c", i, j) for j in range(cols)], ("r", i)) for i in range(rows)]
            lines += [([("c", i, j) for i in range(rows)], ("k", j)) for j in range(cols)]
            lines.append(([("r", i) for i in range(rows)], ("g",)))
            lines.append(([("k", j) for j in range(cols)], ("g",)))
        for members, total in lines:
            def hidden(m: tuple) -> bool:
                kind = m[0]
                if kind == "c":
                    return bool(reason[m[1], m[2]])
                if kind == "r":
                    return bool(row_hidden[m[1]])
                if kind == "k":
                    return bool(col_hidden[m[1]])
                return bool(grand_hidden[0])

            def size(m: tuple) -> int:
                return {"c": lambda: int(n[m[1], m[2]]), "r": lambda: int(row_sum[m[1]]),
                        "k": lambda: int(col_sum[m[1]]), "g": lambda: grand}[m[0]]()

            shown_members = [m for m in members if not hidden(m)]
            hid = [m for m in members if hidden(m)]
            if not hid:
                continue
            total_hidden = hidden(total)
            count = len(hid) + int(total_hidden)
            mass = sum(size(m) for m in hid) + (size(total) if total_hidden else 0)
            if count >= 2 and mass >= k:
                continue
            candidates = sorted((m for m in shown_members if size(m) > 0), key=lambda m: (size(m), m))
            pick = candidates[0] if candidates else (None if total_hidden else total)
            if pick is None:
                continue
            if pick[0] == "c":
                reason[pick[1], pick[2]] = COMPLEMENTARY
            elif pick[0] == "r":
                row_hidden[pick[1]] = True
            elif pick[0] == "k":
                col_hidden[pick[1]] = True
            else:
                grand_hidden[0] = True
            changed = True
    return (pd.DataFrame(reason, index=counts.index, columns=counts.columns),
            pd.Series(row_hidden, index=counts.index), pd.Series(col_hidden, index=counts.columns), bool(grand_hidden[0]))


def suppress_counts(counts: dict[str, int] | pd.Series, k: int, total: bool = True) -> tuple[dict[str, str], bool]:
    """1-D :func:`suppress_table`: ({key: reason or ""}, total hidden) for family counts by key."""
    s = pd.Series(counts, dtype="int64")
    if not len(s):
        return {}, False
    reason, _rows, _cols, grand = suppress_table(s.to_frame().T, k, totals=total)
    return {str(key): str(r) for key, r in reason.iloc[0].items()}, bool(grand)


# --------------------------------------------------------------------------------- indicators

@dataclass
class Disclosure:
    """What :func:`protect_results` hid: per indicator code, (reason, families behind the figure)."""

    k: int
    suppressed: dict[str, str] = field(default_factory=dict)
    breakdown_entries: dict[str, list[str]] = field(default_factory=dict)
    families: dict[str, int] = field(default_factory=dict)

    def summary(self) -> dict:
        by = {}
        for r in self.suppressed.values():
            by[r] = by.get(r, 0) + 1
        return {"k": self.k, "indicators_suppressed": len(self.suppressed), "by_reason": by,
                "breakdown_entries_suppressed": sum(len(v) for v in self.breakdown_entries.values()),
                "codes": dict(sorted(self.suppressed.items()))}


_RECORD_FILTERS = ("year", "system")  # select records; the other filters select families only
_KEPT_LOCK = threading.Lock()


class ContextPool:
    """Contexts by filter, shared by the queries of one page (the series repeat the same broader sets).

    A family-attribute filter (organisation, group, municipality, head_sex) only narrows the families every
    record table is taken from, so the contributors of any query are those of its *record* context (year
    and system only) intersected with the families its attribute filters select: a query and all its
    broader neighbours need at most three record contexts, however many filters it has."""

    #: contributor arrays kept on the tables object between calls (the dashboard keeps one tables object per
    #: scope and data version), least recently used first out; at 100,000 families one array is <= 0.8 MB
    KEEP = 64

    def __init__(self, tables: IndicatorTables) -> None:
        self.tables = tables
        self._ctx: dict[tuple, Context] = {}
        self._kept: OrderedDict = tables.__dict__.setdefault("_disclosure_kept", OrderedDict())

    def seed(self, ctx: Context) -> None:
        """Reuse ``ctx`` (e.g. the one :func:`compute_indicators` just filled) for its filters."""
        self._ctx.setdefault(tuple(sorted(ctx.filters.to_dict().items())), ctx)

    def get(self, filters: IndicatorFilters) -> Context:
        key = tuple(sorted(filters.to_dict().items()))
        if key not in self._ctx:
            self._ctx[key] = Context(self.tables, filters)
        return self._ctx[key]

    def kept(self, key: tuple, compute: Callable[[], object]) -> object:
        """``compute()`` once per ``key`` for this tables object (bounded LRU, safe across threads)."""
        with _KEPT_LOCK:
            if key in self._kept:
                self._kept.move_to_end(key)
                return self._kept[key]
        value = compute()
        with _KEPT_LOCK:
            self._kept[key] = value
            while len(self._kept) > self.KEEP:
                self._kept.popitem(last=False)
        return value

    def breakdown_families(self, filters: IndicatorFilters, code: str) -> dict[str, int] | None:
        key = ("breakdown", tuple(sorted(filters.to_dict().items())), code)
        return self.kept(key, lambda: _breakdown_families(self.get(filters), code))

    def contributors(self, filters: IndicatorFilters, code: str) -> np.ndarray:
        given = filters.to_dict()
        record_filters = IndicatorFilters(**{k: v for k, v in given.items() if k in _RECORD_FILTERS})
        key = (tuple(sorted(record_filters.to_dict().items())), _SOURCES.get(code, _DEFAULT_SOURCE)[0])
        ids = self.kept(key, lambda: contributors(self.get(record_filters), code))
        attrs = {k: v for k, v in given.items() if k not in _RECORD_FILTERS}
        if not attrs:
            return ids
        fam = self.get(IndicatorFilters(**attrs)).memo("disclosure:attr", lambda c: _ids(c._families_by_attributes))
        return ids[np.isin(ids, fam, assume_unique=True)]


def _broader(filters: IndicatorFilters) -> list[IndicatorFilters]:
    given = filters.to_dict()
    return [IndicatorFilters(**{k: v for k, v in given.items() if k != drop}) for drop in _FILTERS if drop in given]


def _hide(v: IndicatorValue, reason: str) -> IndicatorValue:
    return replace(v, value=None, status=SUPPRESSED, n=0, breakdown=None, details={}, reason=reason)


def protect_results(tables: IndicatorTables, results: IndicatorResults, k: int | None = None,
                    pool: ContextPool | None = None) -> tuple[IndicatorResults, Disclosure]:
    """``results`` with every figure that fails the threshold or the differencing rule hidden.

    A hidden indicator keeps its code, unit and pillar and gets ``value None``, ``status "suppressed"``,
    ``n 0``, no breakdown and no details, and ``reason`` :data:`SMALL_CELL` or :data:`DIFFERENCING`.
    Breakdown entries under *k* families, and their complements, are removed from shown figures.
    """
    k = default_k() if k is None else int(k)
    pool = pool or ContextPool(tables)
    if results.context is not None and results.context.tables is tables:
        pool.seed(results.context)
    broader = _broader(results.filters)
    out = IndicatorResults(results.filters, results.reference_year)
    info = Disclosure(k)
    for code, v in results.values.items():
        mine = pool.contributors(results.filters, code)
        info.families[code] = len(mine)
        reason = ""
        if len(mine) < k:
            reason = SMALL_CELL
        else:
            for b in broader:
                extra = len(np.setdiff1d(pool.contributors(b, code), mine, assume_unique=True))
                if 0 < extra < k:
                    reason = DIFFERENCING
                    break
        if reason:
            info.suppressed[code] = reason
            out.values[code] = _hide(v, reason)
            continue
        if v.breakdown:
            fams = pool.breakdown_families(results.filters, code)
            if fams is not None:
                counts = {str(key): fams.get(str(key), 0) for key in v.breakdown}
                # an entry with no identifiable family (e.g. a key the records do not split) is treated as small
                counts = {key: (n if n else 1) for key, n in counts.items()}
                hidden, _total_hidden = suppress_counts(counts, k, total=True)
                gone = [key for key, r in hidden.items() if r]
                if gone:
                    info.breakdown_entries[code] = gone
                    keep = {key: val for key, val in v.breakdown.items() if not hidden.get(str(key))}
                    v = replace(v, breakdown=keep or None)
        out.values[code] = v
    return out, info


def protect_over_time(tables: IndicatorTables, filters: IndicatorFilters | None = None, k: int | None = None,
                      pool: ContextPool | None = None) -> tuple[pd.DataFrame, int]:
    """:func:`~miaf.indicators.compute.over_time` with each year's figures through :func:`protect_results`:
    (long table without the hidden values, number of hidden year-figures)."""
    from .compute import compute_indicators, record_years

    base = (filters or IndicatorFilters()).to_dict()
    pool = pool or ContextPool(tables)
    frames, hidden = [], 0
    for y in record_years(tables):  # a loop over the handful of years, each one vectorised
        res, info = protect_results(tables, compute_indicators(tables, {**base, "year": y}), k, pool)
        hidden += len(info.suppressed)
        frames.append(res.to_frame().assign(year=y))
    if not frames:
        return pd.DataFrame(columns=["year", "code", "pillar", "value", "unit", "status", "n", "reason"]), 0
    df = pd.concat(frames, ignore_index=True)
    return df[["year", *[c for c in df.columns if c != "year"]]], hidden
