"""Filters, indicator values, and the filtered working tables every indicator reads.

:class:`Context` applies an :class:`IndicatorFilters` to an :class:`~miaf.indicators.tables.IndicatorTables`
once, vectorised, and exposes the filtered tables with the columns the indicators need (the production
system of a plot at each record's date, the year of each record, the plot area of each harvest …). Each
derived table is computed on first use only.

Filter semantics
----------------
* organisation, group, municipality, head_sex select families (a family's group and organisation are
  those of its current membership; its municipality that of its locality).
* year keeps the records of that calendar year (harvest date, labour and ledger year, training date), the
  families whose membership overlaps the year, and the plots as they were on 31 December of that year.
* system keeps plots under that system (on 31 December of the filter year, or now), the families that own
  one, and the records made while a plot was under that system (harvests at their date; labour by the
  system of the whole plot-year). Indicators that compare systems (yield gain, yield against traditional
  plots, labour ratio) ignore the system filter by definition.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from .tables import SEXES, SYSTEMS, IndicatorTables

__all__ = ["Context", "IndicatorFilters", "IndicatorValue", "Outcome", "no_data", "not_computed"]

STATUSES = ("ok", "no_data", "not_computed")
TRANSITION = "transition"
SYSTEM_CATEGORIES = pd.CategoricalDtype([*SYSTEMS, TRANSITION])


def _systems(values: np.ndarray) -> pd.Categorical:
    return pd.Categorical(values, dtype=SYSTEM_CATEGORIES)


@dataclass(frozen=True)
class IndicatorFilters:
    """Which part of the programme to compute indicators for (None = no restriction).

    organisation, group : int (database id) or str (name or short name, case-insensitive).
    municipality : str, 5-digit INEGI code (``"07052"``). year : int. system : one of SYSTEMS.
    head_sex : ``"F"``, ``"M"`` or ``"X"`` (sex of the family head).
    """

    organisation: int | str | None = None
    municipality: str | None = None
    group: int | str | None = None
    year: int | None = None
    system: str | None = None
    head_sex: str | None = None

    def __post_init__(self) -> None:
        if self.municipality is not None and not re.fullmatch(r"\d{5}", str(self.municipality)):
            raise ValueError(f"municipality must be a 5-digit INEGI code such as 07052, got {self.municipality!r}")
        if self.year is not None and not (1900 <= int(self.year) <= 2100):
            raise ValueError(f"year must be a calendar year (1900-2100), got {self.year!r}")
        if self.system is not None and self.system not in SYSTEMS:
            raise ValueError(f"system must be one of {', '.join(SYSTEMS)}, got {self.system!r}")
        if self.head_sex is not None and self.head_sex not in SEXES:
            raise ValueError(f"head_sex must be one of {', '.join(SEXES)}, got {self.head_sex!r}")

    def to_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v is not None}


@dataclass
class Outcome:
    """What an indicator's compute function returns (the registry adds code, unit and pillar)."""

    value: float | None
    n: int = 0
    breakdown: dict[str, float | None] | None = None
    status: str = "ok"
    reason: str = ""
    details: dict = field(default_factory=dict)


def no_data(reason: str, n: int = 0) -> Outcome:
    return Outcome(None, n, None, "no_data", reason)


def not_computed(reason: str) -> Outcome:
    return Outcome(None, 0, None, "not_computed", reason)


def jsonable(x):  # noqa: ANN001, ANN201
    """Plain Python types (numpy scalars and arrays converted, NaN/inf as None) for JSON output."""
    if isinstance(x, dict):
        return {str(k): jsonable(v) for k, v in x.items()}
    if isinstance(x, list | tuple | np.ndarray):
        return [jsonable(v) for v in x]
    if isinstance(x, bool | np.bool_):
        return bool(x)
    if isinstance(x, int | np.integer):
        return int(x)
    if isinstance(x, float | np.floating):
        return _num(x)
    return x


def _num(x) -> float | None:  # noqa: ANN001
    if x is None:
        return None
    x = float(x)
    return x if np.isfinite(x) else None


@dataclass
class IndicatorValue:
    """One computed indicator: value (None when not available), unit, status and the records it used."""

    code: str
    pillar: str
    name_en: str
    name_es: str
    unit: str
    value: float | None
    status: str
    n: int
    breakdown: dict[str, float | None] | None = None
    reason: str = ""
    details: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        out = jsonable(asdict(self))
        out["value"] = _num(self.value)
        return out


def _days(dates: pd.Series) -> np.ndarray:
    """Days since 1970-01-01 as int64 (NaT -> max int, i.e. open-ended)."""
    arr = dates.to_numpy(dtype="datetime64[D]")
    out = arr.astype(np.int64)
    out[np.isnat(arr)] = np.iinfo(np.int64).max
    return out


class Context:
    """The tables of one indicator run, filtered once (see the module notes for the filter semantics)."""

    def __init__(self, tables: IndicatorTables, filters: IndicatorFilters | None = None) -> None:
        self.tables = tables
        self.filters = filters or IndicatorFilters()
        self.year = self.filters.year
        self.system = self.filters.system
        self._memo: dict = {}

    def memo(self, key: str, fn):  # noqa: ANN001, ANN201
        """``fn(self)`` computed once per context (shared by indicators that read the same intermediate)."""
        if key not in self._memo:
            self._memo[key] = fn(self)
        return self._memo[key]

    # -- phases: production system of a plot at a date -------------------------------------------------
    @cached_property
    def _phase_index(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, pd.Index]:
        ph = self.tables.phases
        plots = pd.Index(self.tables.plots["plot_id"].unique())
        code = plots.get_indexer(ph["plot_id"])
        ph = ph.assign(_p=code)[code >= 0].sort_values(["_p", "started_on"], kind="stable")
        start = _days(ph["started_on"])
        key = ph["_p"].to_numpy(np.int64) * 1_000_000 + start
        return key, _days(ph["ended_on"]), ph["system"].to_numpy(object), ph["_p"].to_numpy(np.int64), plots

    def system_at(self, plot_id: pd.Series, when: np.ndarray, until: np.ndarray | None = None) -> np.ndarray:
        """System of each plot on each date (days since epoch); None before its first phase.

        Phases are half-open, ``[started_on, ended_on)``. With ``until`` the phase in force on ``when``
        must last through ``until`` too, else the result is ``"transition"`` (a plot-year with a change of
        system). Plots without any phase take their current ``plots.system``.
        """
        key, end, system, pcode, plots = self._phase_index
        p = plots.get_indexer(plot_id)
        when = np.asarray(when, dtype=np.int64)
        rk = p.astype(np.int64) * 1_000_000 + when
        i = np.searchsorted(key, rk, side="right") - 1
        ok = (i >= 0) & (p >= 0)
        i = np.where(ok, i, 0)
        same = ok & (pcode[i] == p) if len(pcode) else np.zeros(len(p), bool)
        limit = when if until is None else np.asarray(until, dtype=np.int64)
        covered = same & (limit < end[i]) if len(end) else same
        out = np.where(covered, system[i] if len(system) else None, None).astype(object)
        if until is not None:
            out[same & ~covered & (when < end[i] if len(end) else False)] = TRANSITION
        has_phase = np.isin(p, pcode)
        current = self.tables.plots.set_index("plot_id")["system"]
        no_phase = ~has_phase
        if no_phase.any():
            out[no_phase] = current.reindex(np.asarray(plot_id)[no_phase]).to_numpy(object)
        out[~same & has_phase] = None
        return out

    # -- families and plots ---------------------------------------------------------------------------
    @cached_property
    def ref_year(self) -> int:
        """The filter year, else the latest year found in the records, else the current year."""
        if self.year is not None:
            return int(self.year)
        t = self.tables
        years = [t.harvests["harvested_on"].dt.year.max(), t.labour["year"].max(), t.ledger["year"].max(),
                 t.plots["established_on"].dt.year.max()]  # fmt: skip
        years = [int(y) for y in years if pd.notna(y)]
        return max(years) if years else pd.Timestamp.now().year

    @cached_property
    def _families_by_attributes(self) -> pd.DataFrame:
        fam = self.tables.families
        f = self.filters
        mask = np.ones(len(fam), dtype=bool)
        for value, id_col, name_col in ((f.organisation, "organisation_id", "organisation"), (f.group, "group_id", "group")):
            if value is None:
                continue
            text = str(value).strip()
            if text.isdigit():
                mask &= fam[id_col].to_numpy() == int(text)
            else:
                mask &= fam[name_col].astype(str).str.casefold().to_numpy() == text.casefold()
        if f.municipality is not None:
            mask &= fam["municipality"].astype(str).to_numpy() == f.municipality
        if f.head_sex is not None:
            mask &= fam["head_sex"].astype(str).to_numpy() == f.head_sex
        fam = fam[mask]
        if self.year is not None and len(self.tables.memberships):
            ms = self.tables.memberships
            y0 = pd.Timestamp(self.year, 1, 1)
            y1 = pd.Timestamp(self.year, 12, 31)
            active = ms[(ms["joined_on"] <= y1) & (ms["left_on"].isna() | (ms["left_on"] >= y0))]["family_id"]
            with_history = fam["family_id"].isin(ms["family_id"])
            fam = fam[~with_history | fam["family_id"].isin(active)]
        return fam

    @cached_property
    def all_plots(self) -> pd.DataFrame:
        """Plots of the selected families with ``system_ref`` (system at the end of the filter year, or now)."""
        fam = self._families_by_attributes
        plots = self.tables.plots
        plots = plots[plots["family_id"].isin(fam["family_id"])].copy()
        if self.year is not None:
            when = np.full(len(plots), _days(pd.Series([pd.Timestamp(self.year, 12, 31)]))[0])
            plots["system_ref"] = _systems(self.system_at(plots["plot_id"], when))
        else:
            plots["system_ref"] = _systems(plots["system"].astype(object).to_numpy())
        return plots

    @cached_property
    def families(self) -> pd.DataFrame:
        fam = self._families_by_attributes
        if self.system is not None:
            owners = self.all_plots.loc[self.all_plots["system_ref"] == self.system, "family_id"]
            fam = fam[fam["family_id"].isin(owners)]
        return fam

    @cached_property
    def plots(self) -> pd.DataFrame:
        """Plots that exist at the reference date (and are under the filter system, when given)."""
        p = self.all_plots[self.all_plots["system_ref"].notna()]
        if self.system is not None:
            p = p[p["system_ref"] == self.system]
        return p

    @cached_property
    def family_plots(self) -> pd.DataFrame:
        """Every plot of the selected families, whatever its system (for the comparison indicators)."""
        return self.all_plots[self.all_plots["family_id"].isin(self.families["family_id"])]

    # -- records ---------------------------------------------------------------------------------------
    @cached_property
    def all_harvests(self) -> pd.DataFrame:
        """Harvests on the families' plots, every year and system, with year, system at date, area, family."""
        h = self.tables.harvests
        plots = self.family_plots.set_index("plot_id")
        h = h[h["plot_id"].isin(plots.index)]
        h = h.assign(
            year=h["harvested_on"].dt.year.astype(np.int64),
            system=_systems(self.system_at(h["plot_id"], _days(h["harvested_on"]))),
            area_ha=plots["area_ha"].reindex(h["plot_id"]).to_numpy(),
            family_id=plots["family_id"].reindex(h["plot_id"]).to_numpy(),
        )
        return h

    @cached_property
    def harvests(self) -> pd.DataFrame:
        h = self.all_harvests
        if self.year is not None:
            h = h[h["year"] == self.year]
        if self.system is not None:
            h = h[h["system"] == self.system]
        return h

    @cached_property
    def destinations(self) -> pd.DataFrame:
        """Destination splits of the filtered harvests, with species, year, system, plot and family."""
        h = self.harvests[["harvest_id", "plot_id", "family_id", "species", "year", "system"]]
        return self.tables.destinations.merge(h, on="harvest_id", how="inner")

    @cached_property
    def all_labour(self) -> pd.DataFrame:
        """Labour of the selected families with ``system_year`` (whole-year system of the plot) and area."""
        lab = self.tables.labour
        lab = lab[lab["family_id"].isin(self.families["family_id"])]
        plots = self.tables.plots.set_index("plot_id")
        pid = lab["plot_id"].fillna(-1).to_numpy().astype(np.int64)
        year = lab["year"].to_numpy(np.int64)
        # the system is a property of the plot-year: evaluate it once per distinct plot-year
        codes, keys = pd.factorize(pid * 10_000 + year)
        kp, ky = keys // 10_000, keys % 10_000
        jan1 = (ky - 1970).astype("datetime64[Y]").astype("datetime64[D]").astype(np.int64)
        dec31 = (ky - 1969).astype("datetime64[Y]").astype("datetime64[D]").astype(np.int64) - 1
        system = np.full(len(keys), None, dtype=object)
        has_plot = kp >= 0
        if has_plot.any():
            system[has_plot] = self.system_at(pd.Series(kp[has_plot]), jan1[has_plot], dec31[has_plot])
        area = plots["area_ha"].reindex(kp).to_numpy()
        return lab.assign(plot_key=pid, system_year=_systems(system[codes]), area_ha=area[codes])

    @cached_property
    def labour_plot_years(self) -> pd.DataFrame:
        """Plot-tied labour summed by plot-year: plot_key, year, system_year, area_ha, person_days."""
        lab = self.all_labour
        lab = lab[lab["plot_key"] >= 0]
        return lab.groupby(["plot_key", "year"], as_index=False, sort=False).agg(
            system_year=("system_year", "first"), area_ha=("area_ha", "first"), person_days=("person_days", "sum"))

    @cached_property
    def labour(self) -> pd.DataFrame:
        lab = self.all_labour
        if self.year is not None:
            lab = lab[lab["year"] == self.year]
        if self.system is not None:
            lab = lab[lab["system_year"] == self.system]
        return lab

    def _by_family_and_year(self, df: pd.DataFrame, year: pd.Series | None) -> pd.DataFrame:
        df = df[df["family_id"].isin(self.families["family_id"])]
        if self.year is not None and year is not None:
            df = df[year.reindex(df.index) == self.year]
        return df

    @cached_property
    def ledger(self) -> pd.DataFrame:
        led = self.tables.ledger
        return self._by_family_and_year(led, led["year"])

    @cached_property
    def inputs(self) -> pd.DataFrame:
        inp = self.tables.inputs
        return self._by_family_and_year(inp, inp["purchased_on"].dt.year)

    @cached_property
    def attendance(self) -> pd.DataFrame:
        att = self.tables.attendance
        return self._by_family_and_year(att, att["held_on"].dt.year)

    @cached_property
    def members(self) -> pd.DataFrame:
        m = self.tables.members
        return m[m["family_id"].isin(self.families["family_id"])]
