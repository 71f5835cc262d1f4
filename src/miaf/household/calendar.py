"""Household economy calendar: income and spending of each family by month (the seed's "ethnographic exercise").

Input is a columnar ledger (one row per entry: family, year, month, kind, category, amount), so that a
programme's whole ledger is processed with a handful of ``np.bincount`` calls and no Python loop per
family. For each family-year the calendar gives income and expenses by month, income by source and
expenses by destination, net cash, months in deficit, the longest run of deficit months, months with
income, a diversification index over income sources and the share of food from own production;
:func:`compare_years` sets two years side by side (before and after MIAF-D) with their differences.

Ledger kinds:

* ``income``: category is the source: a crop code (``aguacate``, ``maiz`` …) or ``wages``,
  ``remittances``, ``transfers``, ``other``;
* ``expense``: category is the destination, one of :data:`EXPENSE_DESTINATIONS`;
* ``own_food``: the value [MXN] of food the family produced and ate (from harvest records, valued at the
  local replacement price); category is the crop.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = [
    "EXPENSE_DESTINATIONS",
    "KINDS",
    "CalendarComparison",
    "HouseholdCalendar",
    "Ledger",
    "compare_years",
    "household_calendar",
    "monthly_by_category",
]

KINDS = ("income", "expense", "own_food")
EXPENSE_DESTINATIONS = ("food", "production", "health", "education", "debt", "other")
MONTHS = 12
_INCOME, _EXPENSE, _OWN = 0, 1, 2


def _codes(values, vocabulary: Sequence[str] | None, what: str) -> tuple[np.ndarray, tuple[str, ...]]:
    """Integer codes and their labels for a column given as strings or as codes into ``vocabulary``."""
    arr = np.asarray(values)
    if arr.dtype.kind in "iu":
        if vocabulary is None:
            raise ValueError(f"{what}: integer codes need their labels (pass categories=...)")
        if arr.size and (arr.min() < 0 or arr.max() >= len(vocabulary)):
            raise ValueError(f"{what}: code outside 0..{len(vocabulary) - 1}")
        return arr, tuple(vocabulary)
    codes, labels = pd.factorize(pd.Series(arr, dtype="string").str.strip().str.lower())
    if (codes < 0).any():
        raise ValueError(f"{what}: empty value in row {int(np.argmax(codes < 0))}")
    return codes.astype(np.int32), tuple(str(x) for x in labels)


@dataclass(frozen=True)
class Ledger:
    """Columnar ledger; every array has one element per entry.

    Parameters
    ----------
    family_id : array of int or str
    year : array of int
    month : array of int [1..12]
    kind : array of str (``income``/``expense``/``own_food``) or int codes 0/1/2
    category : array of str, or int codes into ``categories``
    amount : array of float [MXN], ≥ 0
    categories : labels of the integer ``category`` codes (None when ``category`` holds strings)
    """

    family_id: np.ndarray
    year: np.ndarray
    month: np.ndarray
    kind: np.ndarray
    category: np.ndarray
    amount: np.ndarray
    categories: tuple[str, ...] | None = None

    def __len__(self) -> int:
        return int(np.asarray(self.amount).shape[0])

    @classmethod
    def from_frame(cls, frame: pd.DataFrame) -> Ledger:
        """From a table with columns family_id, year, month, kind, category, amount."""
        need = ["family_id", "year", "month", "kind", "category", "amount"]
        missing = [c for c in need if c not in frame.columns]
        if missing:
            raise ValueError(f"ledger: missing column(s) {missing}; need {need}")
        try:
            year = frame["year"].to_numpy(dtype=np.int64)
            month = frame["month"].to_numpy(dtype=np.int64)
            amount = frame["amount"].to_numpy(dtype=float)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"ledger: year, month and amount must be numbers ({exc})") from None
        return cls(frame["family_id"].to_numpy(), year, month, frame["kind"].to_numpy(),
                   frame["category"].to_numpy(), amount)

    @classmethod
    def from_csv(cls, path: str | Path) -> Ledger:
        return cls.from_frame(pd.read_csv(path))


@dataclass
class HouseholdCalendar:
    """Calendar of every family-year in a ledger (arrays have one row per family-year)."""

    family_id: np.ndarray
    year: np.ndarray
    income_month: np.ndarray  # (G, 12) [MXN]
    expense_month: np.ndarray  # (G, 12) [MXN]
    income_sources: tuple[str, ...]
    income_by_source: np.ndarray  # (G, S) [MXN yr⁻¹]
    expense_by_destination: np.ndarray  # (G, 6) [MXN yr⁻¹], columns EXPENSE_DESTINATIONS
    own_food_mxn: np.ndarray  # (G,)
    months_in_deficit: np.ndarray
    longest_deficit_run: np.ndarray
    months_with_income: np.ndarray
    shannon_index: np.ndarray
    simpson_index: np.ndarray
    own_food_share: np.ndarray
    expense_destinations: tuple[str, ...] = EXPENSE_DESTINATIONS

    @property
    def net_month(self) -> np.ndarray:
        return self.income_month - self.expense_month

    @property
    def deficit(self) -> np.ndarray:
        """(G, 12) bool: net cash of the month below zero."""
        return self.net_month < 0

    def __len__(self) -> int:
        return int(self.family_id.shape[0])

    def rows(self, family_id, year) -> np.ndarray:
        """Row index of each (family_id, year) pair (-1 where absent), vectorised."""
        index = pd.MultiIndex.from_arrays([self.family_id, self.year])
        return index.get_indexer(pd.MultiIndex.from_arrays([np.atleast_1d(family_id), np.atleast_1d(year)]))

    def record(self, i: int) -> dict:
        """One family-year as a JSON-ready dict."""
        r = lambda a: [round(float(x), 2) for x in a]  # noqa: E731
        fid = self.family_id[i]
        return {
            "family_id": fid.item() if hasattr(fid, "item") else fid,
            "year": int(self.year[i]),
            "income_month_mxn": r(self.income_month[i]),
            "expense_month_mxn": r(self.expense_month[i]),
            "net_month_mxn": r(self.net_month[i]),
            "income_by_source_mxn": {s: round(float(v), 2) for s, v in zip(self.income_sources,
                                     self.income_by_source[i], strict=True) if v},
            "expense_by_destination_mxn": {s: round(float(v), 2) for s, v in zip(self.expense_destinations,
                                           self.expense_by_destination[i], strict=True) if v},
            "own_food_mxn": round(float(self.own_food_mxn[i]), 2),
            "months_in_deficit": int(self.months_in_deficit[i]),
            "longest_deficit_run_months": int(self.longest_deficit_run[i]),
            "months_with_income": int(self.months_with_income[i]),
            "shannon_index": _num(self.shannon_index[i]),
            "simpson_index": _num(self.simpson_index[i]),
            "own_food_share": _num(self.own_food_share[i]),
        }

    def to_dict(self, limit: int | None = None) -> dict:
        n = len(self) if limit is None else min(limit, len(self))
        return {
            "family_years": len(self),
            "income_sources": list(self.income_sources),
            "expense_destinations": list(self.expense_destinations),
            "rows": [self.record(i) for i in range(n)],
        }


def _num(x) -> float | None:
    return float(x) if np.isfinite(x) else None


def _group_index(family_id: np.ndarray, year: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Dense family-year index per row, and the family_id / year of each group (sorted by family, year)."""
    ymin = int(year.min())
    span = int(year.max()) - ymin + 1
    if family_id.dtype.kind in "iu":
        fmin = int(family_id.min())
        fcode = family_id - fmin
        n_fam = int(fcode.max()) + 1
        labels = None
    else:
        fcode, labels = pd.factorize(family_id, sort=True)
        n_fam = len(labels)
    key = fcode.astype(np.int64) * span + (year - ymin)
    if n_fam * span <= max(4 * key.size, 1 << 20):
        present = np.bincount(key, minlength=n_fam * span) > 0
        groups = np.flatnonzero(present)
        lookup = np.full(n_fam * span, -1, dtype=np.int64)
        lookup[groups] = np.arange(groups.size)
        g = lookup[key]
    else:
        g, groups = pd.factorize(key, sort=True)
        groups = np.asarray(groups)
    fam = groups // span
    fam_ids = fam + fmin if labels is None else np.asarray(labels)[fam]
    return g, fam_ids, groups % span + ymin


def household_calendar(ledger: Ledger) -> HouseholdCalendar:
    """Income/expense calendar and liquidity indicators of every family-year in ``ledger``.

    Parameters
    ----------
    ledger : Ledger
        Columnar entries; amounts in MXN (≥ 0), months 1..12.

    Returns
    -------
    HouseholdCalendar

    Notes
    -----
    For family-year ``g`` and month ``m``: net cash :math:`N_{g,m} = I_{g,m} - E_{g,m}`; a deficit month
    has :math:`N < 0`; the longest run counts consecutive deficit months within the calendar year
    (January–December, not wrapping). Diversification over the annual income shares :math:`p_s` of the
    sources: Shannon :math:`H = -\\sum p_s \\ln p_s` (0 for one source, :math:`\\ln S` for S equal
    sources) and Simpson :math:`1 - \\sum p_s^2`; NaN without income. Own-food share =
    own-produced food value / (own-produced food value + food expenses); NaN when both are 0.
    Self-consumed food is not cash: it enters only the own-food share, not the net cash.

    References
    ----------
    Shannon, C. E. A mathematical theory of communication. Bell System Technical Journal 27:379–423, 1948.
    doi:10.1002/j.1538-7305.1948.tb01338.x. Simpson, E. H. Measurement of diversity. Nature 163:688, 1949.
    doi:10.1038/163688a0
    """
    n = len(ledger)
    cols = [np.asarray(getattr(ledger, k)) for k in ("family_id", "year", "month", "kind", "category")]
    if any(c.shape != (n,) for c in cols):
        raise ValueError("ledger: every column must be a 1-D array of the same length")
    if n == 0:
        raise ValueError("ledger: no rows")
    fam, year, month, kind_raw, cat_raw = cols
    month = month.astype(np.int64, copy=False)
    bad = (month < 1) | (month > MONTHS)
    if bad.any():
        i = int(np.argmax(bad))
        raise ValueError(f"ledger: month must be 1..12; row {i} has {month[i]} ({int(bad.sum())} bad rows)")
    amount = np.asarray(ledger.amount, dtype=float)
    if not np.isfinite(amount).all() or (amount < 0).any():
        i = int(np.argmax(~np.isfinite(amount) | (amount < 0)))
        raise ValueError(f"ledger: amount must be a finite number >= 0 (row {i} has {amount[i]})")
    year = year.astype(np.int64, copy=False)

    kind, kind_labels = _codes(kind_raw, KINDS, "ledger kind")
    if kind_labels != KINDS:
        unknown = sorted(set(kind_labels) - set(KINDS))
        if unknown:
            raise ValueError(f"ledger: kind must be one of {KINDS}, got {unknown}")
        remap = np.array([KINDS.index(k) for k in kind_labels], dtype=np.int8)
        kind = remap[kind]
    cat, cat_labels = _codes(cat_raw, ledger.categories, "ledger category")
    n_cat = len(cat_labels)

    g, fam_ids, years = _group_index(fam, year)
    n_g = fam_ids.shape[0]
    # two weighted bincounts over all rows (no per-kind masks): (family-year, kind, month) and
    # (family-year, kind, category)
    gk = g * len(KINDS) + kind
    km = np.bincount(gk * MONTHS + (month - 1), weights=amount, minlength=n_g * len(KINDS) * MONTHS)
    km = km.reshape(n_g, len(KINDS), MONTHS)
    kc = np.bincount(gk * n_cat + cat, weights=amount, minlength=n_g * len(KINDS) * n_cat)
    kc = kc.reshape(n_g, len(KINDS), n_cat)
    income_month = km[:, _INCOME]
    expense_month = km[:, _EXPENSE]
    own_food = km[:, _OWN].sum(axis=1)
    used = (np.bincount(kind.astype(np.int64) * n_cat + cat, minlength=len(KINDS) * n_cat) > 0).reshape(len(KINDS), n_cat)
    used_inc = used[_INCOME]
    used_exp = np.flatnonzero(used[_EXPENSE])
    unknown = [cat_labels[i] for i in used_exp if cat_labels[i] not in EXPENSE_DESTINATIONS]
    if unknown:
        raise ValueError(f"ledger: expense category must be one of {EXPENSE_DESTINATIONS}, got {unknown}")
    by_cat_inc = kc[:, _INCOME]
    by_cat_exp = kc[:, _EXPENSE]
    sources = tuple(cat_labels[i] for i in np.flatnonzero(used_inc))
    income_by_source = by_cat_inc[:, used_inc]
    dest_cols = [cat_labels.index(d) if d in cat_labels else None for d in EXPENSE_DESTINATIONS]
    expense_by_dest = np.column_stack(
        [by_cat_exp[:, c] if c is not None else np.zeros(n_g) for c in dest_cols]
    )

    net = income_month - expense_month
    deficit = net < 0
    run = np.zeros(n_g, dtype=np.int64)
    best = np.zeros(n_g, dtype=np.int64)
    for m in range(MONTHS):  # a loop over the 12 months, vectorised over families
        run = np.where(deficit[:, m], run + 1, 0)
        np.maximum(best, run, out=best)

    total = income_by_source.sum(axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.where(total > 0, income_by_source / np.where(total > 0, total, 1), 0.0)
        plogp = np.where(p > 0, p * np.log(np.where(p > 0, p, 1)), 0.0)
        has_income = total[:, 0] > 0
        shannon = np.where(has_income, -plogp.sum(axis=1), np.nan)
        simpson = np.where(has_income, 1.0 - (p * p).sum(axis=1), np.nan)
        food = expense_by_dest[:, EXPENSE_DESTINATIONS.index("food")]
        own_share = np.where(own_food + food > 0, own_food / (own_food + food), np.nan)

    return HouseholdCalendar(
        family_id=fam_ids,
        year=years,
        income_month=income_month,
        expense_month=expense_month,
        income_sources=sources,
        income_by_source=income_by_source,
        expense_by_destination=expense_by_dest,
        own_food_mxn=own_food,
        months_in_deficit=deficit.sum(axis=1),
        longest_deficit_run=best,
        months_with_income=(income_month > 0).sum(axis=1),
        shannon_index=shannon,
        simpson_index=simpson,
        own_food_share=own_share,
    )


def monthly_by_category(ledger: Ledger, family_id, year: int) -> dict:
    """Income by source and expenses by destination for each month of one family-year (for a page)."""
    fam = np.asarray(ledger.family_id)
    mask = (fam == family_id) & (np.asarray(ledger.year) == year)
    if not mask.any():
        raise ValueError(f"ledger: no rows for family {family_id!r} in {year}")
    cat, labels = _codes(np.asarray(ledger.category)[mask], ledger.categories, "ledger category")
    kind, kind_labels = _codes(np.asarray(ledger.kind)[mask], KINDS, "ledger kind")
    kind_names = np.asarray(kind_labels)[kind]
    month = np.asarray(ledger.month)[mask]
    amount = np.asarray(ledger.amount, dtype=float)[mask]
    out: dict[str, dict[str, list[float]]] = {k: {} for k in KINDS}
    for k in KINDS:
        sel = kind_names == k
        for c in np.unique(cat[sel]):
            s = sel & (cat == c)
            out[k][labels[c]] = np.bincount(month[s] - 1, weights=amount[s], minlength=MONTHS).tolist()
    return out


@dataclass
class CalendarComparison:
    """Two years of each family side by side (``before``/``after``) and ``after - before``."""

    family_id: np.ndarray
    before_year: np.ndarray
    after_year: np.ndarray
    before: dict[str, np.ndarray]
    after: dict[str, np.ndarray]
    difference: dict[str, np.ndarray] = field(default_factory=dict)

    def to_dict(self) -> dict:
        rows = []
        for i, fid in enumerate(self.family_id):
            rows.append({
                "family_id": fid.item() if hasattr(fid, "item") else fid,
                "before_year": int(self.before_year[i]),
                "after_year": int(self.after_year[i]),
                **{f"{k}_before": _num(v[i]) for k, v in self.before.items()},
                **{f"{k}_after": _num(v[i]) for k, v in self.after.items()},
                **{f"{k}_difference": _num(v[i]) for k, v in self.difference.items()},
            })
        return {"families": len(rows), "rows": rows}


_COMPARED = ("income_mxn", "expense_mxn", "net_mxn", "months_in_deficit", "longest_deficit_run",
             "months_with_income", "shannon_index", "simpson_index", "own_food_share")


def compare_years(calendar: HouseholdCalendar, before_year, after_year, family_id=None) -> CalendarComparison:
    """Indicators of each family in ``before_year`` and ``after_year`` (scalars or per-family arrays).

    Families missing one of the two years get NaN for it. ``family_id`` defaults to every family in the
    calendar.
    """
    fam = pd.unique(calendar.family_id) if family_id is None else np.asarray(family_id)
    before = np.broadcast_to(np.asarray(before_year, dtype=np.int64), fam.shape)
    after = np.broadcast_to(np.asarray(after_year, dtype=np.int64), fam.shape)
    metrics = {
        "income_mxn": calendar.income_month.sum(axis=1),
        "expense_mxn": calendar.expense_month.sum(axis=1),
        "net_mxn": calendar.net_month.sum(axis=1),
        "months_in_deficit": calendar.months_in_deficit.astype(float),
        "longest_deficit_run": calendar.longest_deficit_run.astype(float),
        "months_with_income": calendar.months_with_income.astype(float),
        "shannon_index": calendar.shannon_index,
        "simpson_index": calendar.simpson_index,
        "own_food_share": calendar.own_food_share,
    }

    def take(rows):
        return {k: np.where(rows >= 0, v[np.maximum(rows, 0)], np.nan) for k, v in metrics.items()}

    b = take(calendar.rows(fam, before))
    a = take(calendar.rows(fam, after))
    return CalendarComparison(fam, np.asarray(before), np.asarray(after), b, a, {k: a[k] - b[k] for k in _COMPARED})
