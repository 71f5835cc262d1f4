"""Domain services: a plot's records → a :class:`PlotScenario`; a family's ledger and sales → calendar inputs.

These functions read the database and hand plain dataclasses to the science layer
(:mod:`miaf.economics`, :mod:`miaf.household.calendar`); they never compute a result themselves.

Plot (ex post), cash-flow year 0 = the year the plot became MIAF-D (``Plot.established_on``, else the
start of its first MIAF/MIAF-D phase, else its first fruit-tree planting). Without such a year the plot is
evaluated ex ante (its design or plantings, defaults elsewhere; no records). From year 0 on:

* harvests per species and year → ``harvest_kg``; their self-consumption destinations → ``self_consumed_kg``;
  the kg-weighted mean price of their priced sales → ``price_mxn_kg``;
* labour logs of the plot → ``family_days`` / ``hired_days`` (a year with any log counts both kinds, a
  missing kind as 0); the day-weighted mean wage of hired days → ``wage_mxn_day``;
* input purchases of the plot → ``input_cost_mxn``; those of year 0 are the establishment cost
  (``establishment_cost_mxn``, that year's inputs included, so ``input_cost_mxn`` = 0 in year 0);
* plantings of species with a per-tree yield → ``TreeComponent(n_trees)``; without tree plantings, the
  latest design's ``trees_by_species``; other annual crops planted or harvested join maize and bean in the
  strip with a modelled yield of 0, so that they count only in the years their harvests were recorded
  (the model gives each strip crop the whole strip: maize and bean are intercropped);
* the latest design's crop-strip share, establishment person-days and priced bill of materials, if any.

Everything else comes from the defaults of ``economics.csv`` and ``species.csv``; :class:`PlotInputs`
says which number came from where.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
from django.utils import timezone

from miaf.economics.scenario import BomItem, CropComponent, PlotScenario, TreeComponent, YearRecord
from miaf.economics.sidesell import Sales
from miaf.history import miaf_start
from miaf.household.calendar import HouseholdCalendar, Ledger
from miaf.params import load_parameters, species

__all__ = [
    "PlotInputs",
    "family_ledger",
    "family_sales",
    "family_sales_detail",
    "install_plot_loader",
    "load_plot_for_cli",
    "miaf_start_year",
    "plot_inputs",
    "plot_records_economics",
    "plot_scenario",
]

DEFAULT_CROPS = ("maiz", "frijol")
MIAF_SYSTEMS = ("miaf", "miaf_d")
#: Ledger income categories of the web model → calendar income sources (crop sales become the crop code).
INCOME_SOURCE = {"wages": "wages", "remittances": "remittances", "transfers": "transfers",
                 "other_income": "other", "crop_sale": "crop_sale"}
#: Ledger expense categories → calendar expense destinations.
EXPENSE_DESTINATION = {"food": "food", "production": "production", "health": "health",
                       "education": "education", "debt": "debt", "other_expense": "other"}


def _f(x: Decimal | float | None) -> float:
    return float(x) if x is not None else 0.0


def _is_tree(code: str) -> bool:
    row = species().get(code) or {}
    return bool((row.get("mature_yield_kg_per_tree") or "").strip())


def _is_crop(code: str) -> bool:
    row = species().get(code) or {}
    return bool((row.get("default_yield_kg_ha") or "").strip()) and not _is_tree(code)


def _years(years: Iterable[int]) -> str:
    ys = sorted(set(years))
    if not ys:
        return ""
    return str(ys[0]) if len(ys) == 1 else f"{ys[0]}–{ys[-1]}"


@dataclass
class Measured:
    """What the records gave for one scenario item: the calendar years and how many records."""

    key: str
    years: list[int]
    n_records: int
    what: str  # Spanish description of the records (shown in the provenance table)
    total: float | None = None  # recorded total (trees, kg, person-days, MXN) over those years
    unit: str = ""

    def to_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass
class PlotInputs:
    """A plot's scenario and where its numbers came from (records, design, defaults)."""

    scenario: PlotScenario
    start_year: int  # calendar year of cash-flow year 0
    start_source: str  # established_on | phase | planting | ex_ante
    ex_post: bool
    measured: dict[str, Measured] = field(default_factory=dict)
    design_version: int | None = None
    design_items: dict[str, str] = field(default_factory=dict)  # scenario item → what the design gave
    notes: list[str] = field(default_factory=list)

    def calendar_year(self, year: int) -> int:
        return self.start_year + int(year)

    def to_dict(self) -> dict:
        return {
            "scenario": self.scenario.to_dict(), "start_year": self.start_year, "start_source": self.start_source,
            "ex_post": self.ex_post, "measured": {k: m.to_dict() for k, m in self.measured.items()},
            "design_version": self.design_version, "design_items": self.design_items, "notes": self.notes,
        }


def miaf_start_year(plot) -> tuple[int | None, str]:  # noqa: ANN001
    """Calendar year the plot became MIAF-D and how it is known (the rule: :func:`miaf.history.miaf_start`)."""
    phase = None if plot.established_on else \
        plot.phases.filter(system__in=MIAF_SYSTEMS).order_by("started_on").first()
    first = None if plot.established_on or phase is not None else \
        min((p.planted_on for p in plot.plantings.select_related("species")
             if _is_tree(p.species.code) and p.unit == "plants"), default=None)
    start, source = miaf_start(plot.established_on, phase.started_on if phase is not None else None, first)
    return (start.year if start is not None else None), source


def _latest_design(plot):  # noqa: ANN001, ANN202
    return plot.designs.order_by("-version").first()


def _design_summary(design) -> dict:  # noqa: ANN001
    summary = dict(design.summary or {})
    return dict(summary.get("summary") or summary) | {"bill_of_materials": summary.get("bill_of_materials")}


def plot_inputs(plot) -> PlotInputs:  # noqa: ANN001, C901, PLR0912, PLR0915
    """Build the plot's :class:`PlotScenario` from its records, its latest design and the defaults."""
    catalogue = species()
    table = load_parameters("economics")
    horizon = int(float(table["horizon_years"]))
    start, start_source = miaf_start_year(plot)
    ex_post = start is not None
    if start is None:
        start = timezone.localdate().year
    notes: list[str] = []
    measured: dict[str, Measured] = {}
    params: dict[str, float] = {}
    design_items: dict[str, str] = {}

    # trees and crops -----------------------------------------------------------------------------
    trees: dict[str, float] = defaultdict(float)
    tree_plantings: dict[str, list[int]] = defaultdict(list)
    crops: list[str] = list(DEFAULT_CROPS)
    skipped: set[str] = set()
    for p in plot.plantings.select_related("species"):
        code = p.species.code
        if code not in catalogue:
            skipped.add(code)
        elif _is_tree(code) and p.unit == "plants":
            trees[code] += _f(p.quantity)
            tree_plantings[code].append(p.planted_on.year)
        elif _is_crop(code) and code not in crops:
            crops.append(code)
        elif not _is_tree(code) and not _is_crop(code):
            skipped.add(code)
    for code, years in tree_plantings.items():
        measured[f"n_trees.{code}"] = Measured(f"n_trees.{code}", years, len(years), "plantaciones registradas",
                                               trees[code], "plantas")

    design = _latest_design(plot)
    design_version = design.version if design is not None else None
    bom = None
    establishment_days = None
    if design is not None:
        summary = _design_summary(design)
        by_species = {k: float(v) for k, v in (summary.get("trees_by_species") or {}).items() if v}
        if not trees and by_species:
            for code, n in by_species.items():
                if code in catalogue and _is_tree(code):
                    trees[code] = n
                    design_items[f"n_trees.{code}"] = f"diseño v{design.version}"
        area = summary.get("area_ha") or plot.area_ha
        strip = summary.get("crop_strip_area_ha")
        if strip is not None and area:
            share = min(float(strip) / float(area), 1.0)
            params["crop_share"] = share
            design_items["crop_share"] = f"diseño v{design.version}"
            params["tree_band_share"] = 1.0 - share  # the strips and the band share the plot (miaf.design.crop_share)
            design_items["tree_band_share"] = f"diseño v{design.version} (1 − franja de cultivo)"
        if summary.get("establishment_person_days") is not None:
            establishment_days = float(summary["establishment_person_days"])
            design_items["establishment_labour_days"] = f"diseño v{design.version}"
        items = summary.get("bill_of_materials") or []
        if items and all(i.get("unit_cost_mxn") is not None for i in items):
            bom = tuple(BomItem(str(i.get("item_es") or i["item"]), float(i["quantity"]), str(i.get("unit", "")),
                                float(i["unit_cost_mxn"]), str(i.get("source", "design"))) for i in items)
            design_items["bom"] = f"diseño v{design.version}"

    # records (ex post only) ----------------------------------------------------------------------
    records: dict[int, dict] = defaultdict(dict)
    last_year = start
    if ex_post:
        before = 0
        harvest: dict[tuple[int, str], float] = defaultdict(float)
        own: dict[tuple[int, str], float] = defaultdict(float)
        sold_value: dict[tuple[int, str], float] = defaultdict(float)
        sold_kg: dict[tuple[int, str], float] = defaultdict(float)
        h_years: dict[str, list[int]] = defaultdict(list)
        for h in plot.harvests.select_related("species").prefetch_related("destinations"):
            code = h.species.code
            y = h.harvested_on.year - start
            if y < 0:
                before += 1
                continue
            if code not in catalogue or not (_is_tree(code) or _is_crop(code)):
                skipped.add(code)
                continue
            if _is_tree(code) and code not in trees:
                trees[code] = 0.0
                notes.append(f"tree_harvest_without_trees:{code}")
            elif _is_crop(code) and code not in crops:
                crops.append(code)
            harvest[y, code] += _f(h.quantity_kg)
            h_years[code].append(h.harvested_on.year)
            for d in h.destinations.all():
                if d.destination == "self":
                    own[y, code] += _f(d.kg)
                elif d.price_mxn_per_kg is not None:
                    sold_value[y, code] += _f(d.kg) * _f(d.price_mxn_per_kg)
                    sold_kg[y, code] += _f(d.kg)
            last_year = max(last_year, h.harvested_on.year)
        if before:
            notes.append(f"harvests_before_start:{before}")
        for (y, code), kg in harvest.items():
            records[y].setdefault("harvest_kg", {})[code] = kg
            if (y, code) in own:
                records[y].setdefault("self_consumed_kg", {})[code] = min(own[y, code], kg)
            if sold_kg.get((y, code)):
                records[y].setdefault("price_mxn_kg", {})[code] = sold_value[y, code] / sold_kg[y, code]
        for code, years in h_years.items():
            total = sum(kg for (_y, c), kg in harvest.items() if c == code)
            measured[f"harvest_kg.{code}"] = Measured(f"harvest_kg.{code}", years, len(years), "cosechas registradas",
                                                      total, "kg")
            price_years = [start + y for (y, c), kg in sold_kg.items() if c == code and kg > 0]
            if price_years:
                measured[f"price.{code}"] = Measured(f"price.{code}", price_years, len(price_years),
                                                     "precios de venta registrados (promedio ponderado por kg)")
            own_years = [start + y for (y, c) in own if c == code]
            if own_years:
                measured[f"self_consumption_share.{code}"] = Measured(
                    f"self_consumption_share.{code}", own_years, len(own_years), "autoconsumo registrado")

        family: dict[int, float] = defaultdict(float)
        hired: dict[int, float] = defaultdict(float)
        wage_days = wage_value = 0.0
        logs = 0
        log_years: list[int] = []
        for log in _labour_logs(plot):
            y = log.year - start
            if y < 0:
                continue
            logs += 1
            log_years.append(log.year)
            (family if log.kind == "family" else hired)[y] += _f(log.person_days)
            if log.kind == "hired" and log.wage_mxn_per_day is not None:
                wage_days += _f(log.person_days)
                wage_value += _f(log.person_days) * _f(log.wage_mxn_per_day)
            last_year = max(last_year, log.year)
        for y in set(family) | set(hired):
            records[y]["family_days"] = family.get(y, 0.0)
            records[y]["hired_days"] = hired.get(y, 0.0)
        if logs:
            measured["labour_days"] = Measured("labour_days", log_years, logs, "registros de mano de obra",
                                               sum(family.values()) + sum(hired.values()), "jornales")
        if wage_days > 0:
            params["wage_mxn_day"] = wage_value / wage_days
            measured["wage_mxn_day"] = Measured("wage_mxn_day", log_years, logs,
                                                "jornal pagado registrado (promedio ponderado por jornales)")

        costs: dict[int, float] = defaultdict(float)
        cost_years: list[int] = []
        for purchase in _input_purchases(plot):
            y = purchase.purchased_on.year - start
            if y < 0:
                continue
            costs[y] += _f(purchase.cost_mxn)
            cost_years.append(purchase.purchased_on.year)
            last_year = max(last_year, purchase.purchased_on.year)
        for y, total in costs.items():
            if y == 0:
                records[0]["establishment_cost_mxn"] = total
                records[0]["input_cost_mxn"] = 0.0
            else:
                records[y]["input_cost_mxn"] = total
        if cost_years:
            measured["input_cost_mxn"] = Measured("input_cost_mxn", cost_years, len(cost_years),
                                                  "compras de insumos registradas", sum(costs.values()), "MXN")
    if skipped:
        notes.append("species_without_yield:" + ",".join(sorted(skipped)))

    # The model gives every strip crop the whole strip (maize and bean intercropped); other annual crops
    # planted or harvested are counted only in the years their harvests were recorded (modelled yield 0).
    for code in crops[len(DEFAULT_CROPS):]:
        params[f"yield.{code}"] = 0.0
        design_items.pop(f"yield.{code}", None)
        notes.append(f"extra_crop_recorded_years_only:{code}")
    year_records = tuple(YearRecord(year=y, **r) for y, r in sorted(records.items()))
    scenario = PlotScenario(
        area_ha=float(plot.area_ha),
        trees=tuple(TreeComponent(c, n) for c, n in sorted(trees.items())),
        crops=tuple(CropComponent(c) for c in crops),
        horizon_years=max(horizon, last_year - start + 1),
        bom=bom,
        establishment_labour_days=establishment_days,
        parameters=params,
        records=year_records,
        name=str(plot.name),
        slope_pct=float(plot.mean_slope_pct) if plot.mean_slope_pct is not None else None,
    )
    scenario.validate()
    return PlotInputs(scenario=scenario, start_year=start, start_source=start_source, ex_post=ex_post,
                      measured=measured, design_version=design_version, design_items=design_items, notes=notes)


def _labour_logs(plot):  # noqa: ANN001, ANN202
    from miaf.web.records.models import LabourLog

    return LabourLog.objects.filter(plot=plot)


def _input_purchases(plot):  # noqa: ANN001, ANN202
    from miaf.web.records.models import InputPurchase

    return InputPurchase.objects.filter(plot=plot)


def _plot_tables(plot):  # noqa: ANN001, ANN202
    """The indicator tables of one plot (its own records only; the table contracts of miaf.indicators.tables)."""
    import pandas as pd

    from miaf.indicators import IndicatorTables
    from miaf.web.records.models import Harvest, HarvestDestination, InputPurchase, LabourLog, Planting

    def frame(rows, columns: dict[str, str], dates=(), numbers=()):  # noqa: ANN001, ANN202
        df = pd.DataFrame.from_records(list(rows), columns=list(columns.values()))
        for c in dates:
            df[c] = pd.to_datetime(df[c])
        for c in numbers:
            df[c] = pd.to_numeric(df[c].astype(float))
        return df

    def q(qs, columns: dict[str, str], dates=(), numbers=()):  # noqa: ANN001, ANN202
        return frame(qs.values_list(*columns), columns, dates, numbers)

    fam = pd.DataFrame({"family_id": [plot.family_id], "group_id": [0], "group": [""], "organisation_id": [0],
                        "organisation": [""], "municipality": [""], "head_sex": [""], "anyone_migrated": [False]})
    plots = frame([(plot.pk, plot.family_id, float(plot.area_ha), plot.system, plot.established_on, None, "", None)],
                  {k: k for k in ("plot_id", "family_id", "area_ha", "system", "established_on", "mean_slope_pct",
                                  "soil_depth_class", "rainfall_mm")}, dates=("established_on",),
                  numbers=("mean_slope_pct", "rainfall_mm"))  # fmt: skip
    harvests = q(Harvest.objects.filter(plot=plot), {"id": "harvest_id", "plot_id": "plot_id", "species__code": "species",
                 "harvested_on": "harvested_on", "quantity_kg": "quantity_kg"}, ("harvested_on",), ("quantity_kg",))  # fmt: skip
    return IndicatorTables(
        families=fam, plots=plots, harvests=harvests,
        phases=q(plot.phases.all(), {"plot_id": "plot_id", "system": "system", "started_on": "started_on",
                                     "ended_on": "ended_on"}, ("started_on", "ended_on")),
        plantings=q(Planting.objects.filter(plot=plot), {"plot_id": "plot_id", "species__code": "species",
                    "planted_on": "planted_on", "quantity": "quantity", "unit": "unit"}, ("planted_on",), ("quantity",)),
        destinations=q(HarvestDestination.objects.filter(harvest__plot=plot), {"harvest_id": "harvest_id",
                       "destination": "destination", "kg": "kg", "price_mxn_per_kg": "price_mxn_per_kg"},
                       numbers=("kg", "price_mxn_per_kg")),
        inputs=q(InputPurchase.objects.filter(plot=plot), {"family_id": "family_id", "plot_id": "plot_id",
                 "purchased_on": "purchased_on", "cost_mxn": "cost_mxn"}, ("purchased_on",), ("plot_id", "cost_mxn")),
        labour=q(LabourLog.objects.filter(plot=plot), {"family_id": "family_id", "plot_id": "plot_id", "year": "year",
                 "month": "month", "kind": "kind", "person_days": "person_days", "worker_sex": "worker_sex",
                 "wage_mxn_per_day": "wage_mxn_per_day"}, numbers=("plot_id", "person_days", "wage_mxn_per_day")),
    )  # fmt: skip


def plot_records_economics(plot) -> dict | None:  # noqa: ANN001
    """The plot's payback and NPV from its records, incremental against the milpa: its row of the indicators'
    :func:`miaf.indicators.production.plot_record_economics` (the function whose median the dashboard shows),
    computed on the plot's own records (a plot's row depends on nothing else). None when the plot is not
    MIAF-D with an establishment date."""
    from miaf.indicators.context import Context
    from miaf.indicators.production import plot_record_economics

    if plot.system != "miaf_d" or plot.established_on is None:
        return None
    df = plot_record_economics(Context(_plot_tables(plot)))
    if df is None or plot.pk not in df.index:
        return None
    row = df.loc[plot.pk]
    return {k: (row[k].item() if hasattr(row[k], "item") else row[k]) for k in df.columns}


def plot_scenario(plot) -> PlotScenario:  # noqa: ANN001
    """The plot's scenario for :class:`miaf.economics.cashflow.PlotModel` (see :func:`plot_inputs`)."""
    return plot_inputs(plot).scenario


# -- CLI hook -------------------------------------------------------------------------------------------
def load_plot_for_cli(plot_id: str) -> PlotScenario:
    """``miaf economics --plot ID``: the scenario of plot ``ID`` (no role scoping: the CLI has the database)."""
    from miaf.web.plots.models import Plot

    try:
        pk = int(str(plot_id).strip())
    except ValueError:
        raise ValueError(f"--plot: expected a plot id (a whole number), got {plot_id!r}") from None
    plot = Plot.objects.filter(pk=pk).first()
    if plot is None:
        raise ValueError(f"--plot: there is no plot with id {pk} in this database")
    return plot_scenario(plot)


def install_plot_loader() -> None:
    """Let ``miaf economics --plot ID`` read plots from this app's database."""
    import miaf.economics.cli as economics_cli

    economics_cli.PLOT_LOADER = load_plot_for_cli


# -- family: ledger ----------------------------------------------------------------------------------
def _harvest_price(h) -> float:  # noqa: ANN001
    """Mean recorded sale price of a harvest [MXN/kg], else the catalogue default."""
    kg = value = 0.0
    for d in h.destinations.all():
        if d.destination != "self" and d.price_mxn_per_kg is not None:
            kg += _f(d.kg)
            value += _f(d.kg) * _f(d.price_mxn_per_kg)
    if kg > 0:
        return value / kg
    row = species().get(h.species.code) or {}
    return float(row.get("default_price_mxn_kg") or h.species.default_price_mxn_kg or 0)


def _family_harvests(family):  # noqa: ANN001, ANN202
    from miaf.web.records.models import Harvest

    return (Harvest.objects.filter(plot__family=family).select_related("species")
            .prefetch_related("destinations").order_by("harvested_on", "pk"))


def family_ledger(family) -> Ledger:  # noqa: ANN001
    """The family's household-economy ledger for :func:`miaf.household.calendar.household_calendar`.

    Income and expense lines come from its ledger entries (crop sales become the crop's code when the
    entry names it); ``own_food`` lines from the self-consumption destinations of its harvests, valued at
    the sale price of the same harvest (else the catalogue price) × ``replacement_price_factor``, booked in
    the harvest month. The ledger may be empty.
    """
    factor = float(load_parameters("economics")["replacement_price_factor"])
    rows: list[tuple[int, int, str, str, float]] = []
    for e in family.ledger.select_related("species").order_by("year", "month", "pk"):
        if e.kind == "income":
            cat = e.species.code if e.category == "crop_sale" and e.species_id else INCOME_SOURCE[e.category]
        else:
            cat = EXPENSE_DESTINATION[e.category]
        rows.append((e.year, e.month, e.kind, cat, _f(e.amount_mxn)))
    for h in _family_harvests(family):
        own = sum(_f(d.kg) for d in h.destinations.all() if d.destination == "self")
        if own > 0:
            rows.append((h.harvested_on.year, h.harvested_on.month, "own_food", h.species.code,
                         own * _harvest_price(h) * factor))
    n = len(rows)
    cols = list(zip(*rows, strict=True)) if rows else [(), (), (), (), ()]
    return Ledger(
        family_id=np.full(n, family.pk, dtype=np.int64),
        year=np.asarray(cols[0], dtype=np.int64),
        month=np.asarray(cols[1], dtype=np.int64),
        kind=np.asarray(cols[2], dtype=object),
        category=np.asarray(cols[3], dtype=object),
        amount=np.asarray(cols[4], dtype=float),
    )


# -- family: sales -----------------------------------------------------------------------------------
def _current_group(family):  # noqa: ANN001, ANN202
    m = family.memberships.filter(left_on__isnull=True).order_by("-joined_on").first()
    m = m or family.memberships.order_by("-joined_on").first()
    return m.group if m is not None else None


def family_sales_detail(family, calendar: HouseholdCalendar | None = None):  # noqa: ANN001, ANN201
    """The family's sales as :class:`miaf.web.trade.sales.SalesTable`: the one loader of the side-selling
    page (:func:`miaf.web.trade.sales.load_sales`), restricted to this family.

    So the family page and the side-selling page describe a sale the same way: intermediary, local market
    and other buyers are outside the organisation; the organisation's price of an outside sale is its
    published purchase price for that product and month, else the kg-weighted mean price the group's
    families got from it that month, else that year, else the catalogue price; delays from ``paid_on``.
    ``in_deficit`` of a sale is the deficit of ``calendar`` (the family's calendar) in the harvest month;
    years without a calendar count as not in deficit (``in_deficit_known``).
    """
    from miaf.household.calendar import household_calendar
    from miaf.web.trade.sales import load_sales

    group = _current_group(family)
    if calendar is None:
        ledger = family_ledger(family)
        calendar = household_calendar(ledger) if len(ledger) else None
    # an empty family ledger gives no calendar here, and none from load_sales' ledger lines either
    return load_sales([group.pk] if group is not None else [], families=[family.pk], calendar=calendar)


def family_sales(family, calendar: HouseholdCalendar | None = None) -> Sales:  # noqa: ANN001
    """The family's sales as :class:`miaf.economics.sidesell.Sales` (see :func:`family_sales_detail`).

    Without ``calendar`` the family's own calendar is computed from :func:`family_ledger`.
    """
    if calendar is None:
        from miaf.household.calendar import household_calendar

        ledger = family_ledger(family)
        calendar = household_calendar(ledger) if len(ledger) else None
    return family_sales_detail(family, calendar).sales
