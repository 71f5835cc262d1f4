"""The seed article's headline figures, computed from the demo's records (nothing here is stored)."""

from __future__ import annotations

import datetime as dt

from django.db.models import F, Q, Sum

from miaf.params import load_parameters
from miaf.web.demo.places import ACCOMPANYING, geodesic_overlap_share


def _in_phase(prefix: str, system: str, start: dt.date, end: dt.date) -> Q:
    """Rows whose plot was under ``system`` for the whole period ``start``..``end``."""
    return (
        Q(**{f"{prefix}phases__system": system, f"{prefix}phases__started_on__lte": start})
        & (Q(**{f"{prefix}phases__ended_on__isnull": True}) | Q(**{f"{prefix}phases__ended_on__gte": end}))
    )


def compute_headlines() -> dict:
    from miaf.web.plots.models import Plot, System
    from miaf.web.records.models import Harvest, HarvestDestination, LabourLog
    from miaf.web.registry.models import Group, ReferenceLayer

    p = load_parameters("demo")
    base_y, comp_y = int(p["baseline_year"].value), int(p["comparison_year"].value)
    demo_groups = Group.objects.filter(producer_organisation__accompanied_by__name=ACCOMPANYING[0])
    plots = Plot.objects.filter(origin="demo", system=System.MIAF_D)
    area = plots.aggregate(a=Sum("area_ha"))["a"] or 0.0
    municipalities = demo_groups.filter(memberships__isnull=False).values("locality__municipality").distinct().count()

    ojo = demo_groups.get(name="Ojo de Agua")
    ojo_plots = plots.filter(family__memberships__group=ojo, family__memberships__left_on__isnull=True)
    ojo_area = ojo_plots.aggregate(a=Sum("area_ha"))["a"] or 0.0
    kg_ha = []
    for y in (base_y, comp_y):
        kg = Harvest.objects.filter(plot__in=ojo_plots, species__code="maiz", harvested_on__year=y).aggregate(
            s=Sum("quantity_kg"))["s"] or 0  # fmt: skip
        kg_ha.append(float(kg) / ojo_area if ojo_area else 0.0)

    def self_share(code: str) -> float:
        miaf_harvest = Q(
            harvest__plot__phases__system=System.MIAF_D,
            harvest__plot__phases__started_on__lte=F("harvest__harvested_on"),
        ) & (Q(harvest__plot__phases__ended_on__isnull=True)
             | Q(harvest__plot__phases__ended_on__gte=F("harvest__harvested_on")))  # fmt: skip
        rows = HarvestDestination.objects.filter(
            miaf_harvest, harvest__species__code=code, harvest__origin="demo"
        ).values("destination").annotate(kg=Sum("kg"))
        by = {r["destination"]: float(r["kg"]) for r in rows}
        total = sum(by.values())
        return by.get("self", 0.0) / total if total else 0.0

    labour = []
    for y, system in ((base_y, System.TRADITIONAL), (comp_y, System.MIAF_D)):
        logs = LabourLog.objects.filter(_in_phase("plot__", system, dt.date(y, 1, 1), dt.date(y, 12, 31)), year=y,
                                        origin="demo")  # fmt: skip
        days = float(logs.aggregate(s=Sum("person_days"))["s"] or 0)
        ha = Plot.objects.filter(pk__in=logs.values("plot")).aggregate(a=Sum("area_ha"))["a"] or 0.0
        labour.append(days / ha if ha else 0.0)

    corridor = ReferenceLayer.objects.filter(kind="corridor", illustrative=True, name__icontains="demostración").first()
    share = 0.0
    if corridor is not None:
        inside, total = geodesic_overlap_share(corridor.geometry, list(plots.values_list("boundary", flat=True)))
        share = inside / total if total else 0.0
    from miaf.design import STRIP_CROPS, crop_area_ha, crop_share

    # MIAF-D maize grows on its own strips only (miaf.design.crop_area_ha: the crop strips at the plot's slope,
    # half of them maize); in the base year the whole plot was milpa
    miaf_area = float(sum(crop_area_ha(float(a), crop_share(s), "maiz", STRIP_CROPS)
                          for a, s in ojo_plots.values_list("area_ha", "mean_slope_pct")))
    strip = miaf_area / ojo_area if ojo_area else 0.0  # maize area / plot area
    return {
        "area_ha": float(area),
        "ojo_maize_area_share": strip,
        "ojo_maize_kg_strip_ha": [kg_ha[0], kg_ha[1] / strip if strip else 0.0],
        "ojo_maize_gain_strip": (kg_ha[1] * ojo_area / miaf_area) / kg_ha[0] - 1 if kg_ha[0] and miaf_area else 0.0,
        "municipalities": municipalities,
        "baseline_year": base_y,
        "comparison_year": comp_y,
        "ojo_maize_kg_ha": kg_ha,
        "ojo_maize_gain": kg_ha[1] / kg_ha[0] - 1 if kg_ha[0] else 0.0,
        "maize_self_share": self_share("maiz"),
        "bean_self_share": self_share("frijol"),
        "labour_days_ha": labour,
        "labour_ratio": labour[1] / labour[0] if labour[0] else 0.0,
        "corridor_share": share,
    }

