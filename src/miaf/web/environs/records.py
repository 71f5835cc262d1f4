"""A plot's environmental records as plain data, read in bulk with a fixed number of queries.

:func:`load_records` turns a plot queryset into ``{plot_id: PlotRecords}`` with seven queries whatever the
number of plots (plots, phases, plantings, harvests, tree measurements, designs, municipality via the
plot row), so that the plot page and the programme page go through the same code and give the same
numbers. Nothing here computes a result: :mod:`miaf.web.environs.evaluate` hands the records to the
science layer (:mod:`miaf.environment`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import QuerySet

__all__ = ["PlotRecords", "load_records"]


@dataclass
class PlotRecords:
    """What the database holds about one plot for the environmental evidence (no personal data)."""

    plot_id: int
    family_id: int
    area_ha: float
    boundary: dict
    slope_pct: float | None
    soil_depth_class: str
    system: str  # current system (plots.models.System value)
    established_on: dt.date | None
    municipality_code: str | None  # INEGI "07052"
    municipality_name: str | None
    rainfall_mm: float | None  # stored normal of the municipality
    phases: list[tuple[str, dt.date, dt.date | None]] = field(default_factory=list)
    #: (species code, stratum, native, quantity, unit, planted_on)
    plantings: list[tuple[str, str, bool, float, str, dt.date]] = field(default_factory=list)
    #: (species code, native, kg, harvested_on)
    harvests: list[tuple[str, bool, float, dt.date]] = field(default_factory=list)
    #: (visited_on, species code, diameter_cm, height_m)
    measurements: list[tuple[dt.date, str, float, float | None]] = field(default_factory=list)
    design_version: int | None = None
    design_summary: dict = field(default_factory=dict)
    altitude_m: float | None = None  # Plot.altitude_m: with the rainfall, the IPCC climate zone


def _design_summary(summary: dict | None) -> dict:
    """The design's headline numbers (stored either flat or under ``summary``)."""
    summary = dict(summary or {})
    inner = summary.get("summary")
    return dict(inner) if isinstance(inner, dict) else summary


def load_records(plots: QuerySet) -> dict[int, PlotRecords]:
    """``{plot_id: PlotRecords}`` of the plots of ``plots`` (a queryset already scoped to the user)."""
    from miaf.web.fieldwork.models import TreeMeasurement
    from miaf.web.plots.models import PlotDesign, PlotPhase
    from miaf.web.records.models import Harvest, Planting

    rows = plots.order_by().values_list(
        "pk", "family_id", "area_ha", "boundary", "mean_slope_pct", "soil_depth_class", "system", "established_on",
        "family__locality__municipality__state_code", "family__locality__municipality__code",
        "family__locality__municipality__name", "family__locality__municipality__rainfall_normal_mm", "altitude_m",
    )
    out: dict[int, PlotRecords] = {}
    for pk, fam, area, boundary, slope, depth, system, est, state, mun, mname, rain, altitude in rows:
        out[pk] = PlotRecords(
            plot_id=pk, family_id=fam, area_ha=float(area), boundary=boundary, slope_pct=slope,
            soil_depth_class=depth or "", system=system, established_on=est,
            municipality_code=f"{state}{mun}" if state and mun else None, municipality_name=mname,
            rainfall_mm=rain, altitude_m=altitude,
        )
    if not out:
        return out
    ids = list(out)
    for pid, system, start, end in PlotPhase.objects.filter(plot_id__in=ids).order_by("started_on").values_list(
            "plot_id", "system", "started_on", "ended_on"):
        out[pid].phases.append((system, start, end))
    for pid, code, stratum, native, qty, unit, on in Planting.objects.filter(plot_id__in=ids).order_by().values_list(
            "plot_id", "species__code", "species__stratum", "species__native", "quantity", "unit", "planted_on"):
        out[pid].plantings.append((code, stratum, bool(native), float(qty), unit, on))
    for pid, code, native, kg, on in Harvest.objects.filter(plot_id__in=ids).order_by().values_list(
            "plot_id", "species__code", "species__native", "quantity_kg", "harvested_on"):
        out[pid].harvests.append((code, bool(native), float(kg), on))
    measured = TreeMeasurement.objects.filter(
        visit__plot_id__in=ids, alive=True, diameter_cm__gt=0,
    ).order_by().values_list("visit__plot_id", "visit__visited_on", "species__code", "diameter_cm", "height_m")
    for pid, on, code, d, h in measured:
        out[pid].measurements.append((on, code, float(d), None if h in (None, 0) else float(h)))
    latest: dict[int, tuple[int, dict]] = defaultdict(lambda: (-1, {}))
    for pid, version, summary in PlotDesign.objects.filter(plot_id__in=ids).order_by().values_list(
            "plot_id", "version", "summary"):
        if version > latest[pid][0]:
            latest[pid] = (version, summary)
    for pid, (version, summary) in latest.items():
        out[pid].design_version = version
        out[pid].design_summary = _design_summary(summary)
    return out
