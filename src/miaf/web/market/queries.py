"""Read side of the market: the offer calendar's inputs for many plots in a handful of queries.

:func:`offer_table` turns the plots of a set of families into :class:`miaf.economics.offer.OfferRows` with the
same rules as the plot economics (:func:`miaf.web.economy.services.plot_inputs`), read in bulk instead of
plot by plot:

* cash-flow year 0 = :func:`miaf.web.economy.services.miaf_start_year`'s rule (``established_on``, else the
  first MIAF/MIAF-D phase, else the first fruit-tree planting), using only what is dated up to ``as_of``;
  plots with none of these are not MIAF-D plots and offer nothing here (a traditional milpa is not forecast);
* trees: fruit-tree plantings in plants, else the latest design's ``trees_by_species``;
* milpa strip: maize and bean each on its part of the design's crop strips (:func:`miaf.design.crop_area_ha`,
  alternating strips: half each) of the design's crop strip (``crop_strip_area_ha`` / design area × plot area),
  else on the plot area × :func:`miaf.design.crop_share` at the plot's slope;
* recorded harvests of the last ``offer_record_window_years`` complete years before ``as_of`` calibrate each
  plot and species (:func:`record_calibration`): the trees' recent years, not their youth.

tests/market/test_queries.py checks the start years and trees against the plot economics' own functions.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from django.db.models import CharField, FloatField, IntegerField, Min, QuerySet, Sum
from django.db.models.functions import Cast, Substr

from miaf.economics.offer import OfferRows, offer_parameters, record_calibration, species_kinds

DEFAULT_CROPS = ("maiz", "frijol")
MIAF_SYSTEMS = ("miaf", "miaf_d")


@dataclass
class OfferTable:
    """MIAF-D plots of a set of families and their offer rows (``rows.plot`` indexes the plot arrays)."""

    plot_id: np.ndarray
    family_id: np.ndarray
    group_id: np.ndarray  # -1 without a current group
    organisation_id: np.ndarray  # producer organisation of the group, -1 without
    municipality_id: np.ndarray  # of the family's locality
    start_year: np.ndarray
    rows: OfferRows
    harvest_plot: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # plot index
    harvest_species: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=object))
    harvest_year: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    harvest_kg: np.ndarray = field(default_factory=lambda: np.zeros(0))

    @property
    def n_plots(self) -> int:
        return int(self.plot_id.shape[0])

    def row_unit(self, per_plot: np.ndarray) -> np.ndarray:
        """The unit of each offer row given one unit per plot."""
        return np.asarray(per_plot)[np.asarray(self.rows.plot, dtype=np.int64)]


def _design_summary(summary: dict) -> dict:
    summary = dict(summary or {})
    return dict(summary.get("summary") or summary)


def offer_table(families: QuerySet, as_of: dt.date | None = None, product: str | None = None) -> OfferTable:
    """Offer rows of the MIAF-D plots of ``families`` with the data dated up to ``as_of`` (default today)."""
    from miaf.web.plots.models import Plot, PlotDesign, PlotPhase
    from miaf.web.records.models import Harvest, Planting
    from miaf.web.registry.models import Membership

    as_of = as_of or dt.date.today()
    tree_codes, crop_codes = species_kinds()
    plot_qs = Plot.objects.filter(family__in=families)
    plots = list(plot_qs.order_by("pk").values_list(
        "pk", "family_id", "area_ha", "established_on", "family__locality__municipality_id", "mean_slope_pct"))
    phase_start = dict(PlotPhase.objects.filter(plot__in=plot_qs, system__in=MIAF_SYSTEMS, started_on__lte=as_of)
                       .values("plot_id").annotate(first=Min("started_on")).values_list("plot_id", "first"))
    trees: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    first_tree: dict[int, dt.date] = {}
    # summed in SQL (floats, not Decimals): a programme has hundreds of thousands of plantings and harvests
    for pid, code, qty, on in Planting.objects.filter(plot__in=plot_qs, unit="plants", planted_on__lte=as_of) \
            .values("plot_id", "species__code").annotate(n=Sum(Cast("quantity", FloatField())), first=Min("planted_on")) \
            .values_list("plot_id", "species__code", "n", "first"):
        if code in tree_codes:
            trees[pid][code] += float(qty)
            first_tree[pid] = min(first_tree.get(pid, on), on)
    designs: dict[int, dict] = {}
    for pid, summary in PlotDesign.objects.filter(plot__in=plot_qs, created_at__date__lte=as_of) \
            .order_by("plot_id", "-version").values_list("plot_id", "summary"):
        if pid not in designs:
            designs[pid] = _design_summary(summary)
    member = {f: (g, o) for f, g, o in Membership.objects.filter(family__in=families, left_on__isnull=True)
              .order_by("joined_on").values_list("family_id", "group_id", "group__producer_organisation_id")}
    from miaf.design import (  # the design rules: strip share at the slope, crop's part
        crop_area_ha,
        crop_share,
    )

    keep, starts = [], []
    sp, qty, row_plot = [], [], []
    for pid, fid, area, established, _mun, slope in plots:
        if established and established <= as_of:
            start = established.year
        elif pid in phase_start:
            start = phase_start[pid].year
        elif pid in first_tree:
            start = first_tree[pid].year
        else:
            continue
        i = len(keep)
        keep.append((pid, fid, _mun))
        starts.append(start)
        design = designs.get(pid, {})
        plot_trees = dict(trees.get(pid, {}))
        if not plot_trees:
            plot_trees = {c: float(n) for c, n in (design.get("trees_by_species") or {}).items()
                          if n and c in tree_codes}
        strip = design.get("crop_strip_area_ha")
        d_area = design.get("area_ha") or area
        strip_ha = ((min(float(strip) / float(d_area), 1.0) * area) if strip is not None and d_area
                    else area * float(crop_share(slope)))
        for code, n in sorted(plot_trees.items()):
            sp.append(code)
            qty.append(n)
            row_plot.append(i)
        on_strips = [c for c in DEFAULT_CROPS if c in crop_codes]
        for code in on_strips:
            sp.append(code)
            qty.append(float(crop_area_ha(strip_ha, 1.0, code, on_strips)))  # maize and bean alternate strips
            row_plot.append(i)
    species_arr = np.array(sp, dtype=object)
    qty_arr = np.array(qty, dtype=float)
    row_plot_arr = np.array(row_plot, dtype=np.int64)
    if product:
        sel = species_arr == product
        species_arr, qty_arr, row_plot_arr = species_arr[sel], qty_arr[sel], row_plot_arr[sel]
    start_arr = np.array(starts, dtype=np.int64)
    index = {pid: i for i, (pid, _f, _m) in enumerate(keep)}
    h_plot, h_sp, h_year, h_kg = [], [], [], []
    first_year = as_of.year - int(float(offer_parameters()["offer_record_window_years"]))
    hq = Harvest.objects.filter(plot__in=plot_qs, harvested_on__lte=as_of, harvested_on__gte=dt.date(first_year, 1, 1),
                                species__code__in=sorted(set(species_arr.tolist())))
    if product:
        hq = hq.filter(species__code=product)
    year_of = Cast(Substr(Cast("harvested_on", CharField()), 1, 4), IntegerField())  # SQL, no per-row function
    for pid, code, year, kg in hq.annotate(year=year_of).values("plot_id", "species__code", "year") \
            .annotate(kg=Sum(Cast("quantity_kg", FloatField()))).values_list("plot_id", "species__code", "year", "kg"):
        if pid not in index:
            continue
        h_plot.append(index[pid])
        h_sp.append(code)
        h_year.append(int(year))
        h_kg.append(float(kg or 0.0))
    rows = OfferRows(species_arr.astype(str) if species_arr.size else np.array([], dtype=str), qty_arr,
                     start_arr[row_plot_arr] if row_plot_arr.size else np.array([], dtype=np.int64),
                     None, row_plot_arr)
    table = OfferTable(
        plot_id=np.array([k[0] for k in keep], dtype=np.int64),
        family_id=np.array([k[1] for k in keep], dtype=np.int64),
        group_id=np.array([member.get(k[1], (-1, -1))[0] for k in keep], dtype=np.int64),
        organisation_id=np.array([member.get(k[1], (-1, -1))[1] for k in keep], dtype=np.int64),
        municipality_id=np.array([k[2] or -1 for k in keep], dtype=np.int64),
        start_year=start_arr, rows=rows, harvest_plot=np.array(h_plot, dtype=np.int64),
        harvest_species=np.array(h_sp, dtype=object), harvest_year=np.array(h_year, dtype=np.int64),
        harvest_kg=np.array(h_kg),
    )
    table.rows = calibrated(table, as_of)
    return table


def calibrated(table: OfferTable, as_of: dt.date) -> OfferRows:
    """The table's rows with the record calibration of :func:`miaf.economics.offer.record_calibration`."""
    rows = table.rows
    if not len(rows) or not table.harvest_kg.size:
        return rows
    key = {(int(p), str(s)): r for r, (p, s) in enumerate(zip(rows.plot, rows.species, strict=True))}
    hrow = np.array([key.get((int(p), str(s)), -1) for p, s in zip(table.harvest_plot, table.harvest_species,
                                                                    strict=True)], dtype=np.int64)
    ok = hrow >= 0
    years = table.harvest_year
    factor = record_calibration(rows, hrow[ok], years[ok], table.harvest_kg[ok], before_year=as_of.year)
    return OfferRows(rows.species, rows.quantity, rows.start_year, factor, rows.plot)
