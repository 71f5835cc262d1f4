"""Environmental evidence of plots, families and the programme (soil loss, carbon, diversity, layers).

Domain services: they read the database in bulk (:func:`miaf.web.environs.records.load_records`, a fixed
number of queries), build the science inputs (:mod:`miaf.web.environs.evaluate`) and call
:mod:`miaf.environment`; they never compute a result themselves. Scope:

* :func:`plot_environment` / :func:`family_environment` take an object the view has already fetched from
  ``plots_for`` / ``families_for`` (personal data);
* :func:`programme_environment` and :func:`layer_shares` aggregate the plots of the families whose current
  membership is in ``groups_for(user)`` (administrators: every family), so analysts get them too; they
  return ids and numbers only, never a name or a coordinate.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pandas as pd
from django.db.models import QuerySet
from django.utils import timezone

from miaf.environment import evaluate_diversity
from miaf.params import load_parameters

from .evaluate import clean_json, diversity_rows, evaluate_plot
from .layers import LayerError, layer_geometry, load_reference_layer, overlap_for
from .records import load_records

__all__ = [
    "LayerError",
    "family_environment",
    "layer_geometry",
    "layer_shares",
    "load_reference_layer",
    "plot_environment",
    "plots_in_scope",
    "programme_environment",
]


def _year(year: int | None) -> int:
    return int(year) if year else timezone.localdate().year


def _co2() -> float:
    return float(load_parameters("carbon")["co2_per_c"])


def plots_in_scope(user) -> QuerySet:  # noqa: ANN001
    """Plots the user may aggregate: families with a current membership in ``groups_for(user)``."""
    from miaf.web.accounts.models import Role
    from miaf.web.accounts.scoping import role_of
    from miaf.web.plots.models import Plot
    from miaf.web.registry.queries import aggregate_families

    if role_of(user) == Role.ADMINISTRATOR:
        return Plot.objects.all()
    return Plot.objects.filter(family__in=aggregate_families(user).values("pk"))


def _layers():  # noqa: ANN202
    from miaf.web.registry.models import ReferenceLayer

    return list(ReferenceLayer.objects.order_by("name"))


def _layer_meta(lay) -> dict:  # noqa: ANN001
    return {"id": lay.pk, "name": lay.name, "kind": lay.kind, "kind_label": str(lay.get_kind_display()),
            "illustrative": lay.illustrative, "source": lay.source}


def plot_environment(plot, year: int | None = None) -> dict:  # noqa: ANN001
    """Soil loss, carbon, diversity and reference-layer shares of one plot in ``year`` (default: this year).

    The plot must already be within the user's reach (the view fetched it from ``plots_for``).
    """
    from miaf.web.plots.models import Plot

    year = _year(year)
    rec = load_records(Plot.objects.filter(pk=plot.pk))[plot.pk]
    out = evaluate_plot(rec, year, timezone.localdate())
    layers = _layers()
    ov = overlap_for([(rec.plot_id, rec.boundary)], layers)
    shares = ov["plots"].get(rec.plot_id, {})
    inside = ov["plot_inside_ha"].get(rec.plot_id, {})
    out["layers"] = [_layer_meta(lay) | {"share": shares.get(lay.pk, 0.0), "inside_ha": inside.get(lay.pk, 0.0)}
                     for lay in layers]
    return clean_json(out)


def _sum_plots(results: list[dict]) -> dict:
    """Area-weighted totals of evaluated plots (soil loss and carbon)."""
    eros = [r for r in results if r.get("erosion")]
    carb = [r for r in results if r.get("carbon")]
    area_e = sum(r["area_ha"] for r in eros)
    area_c = sum(r["area_ha"] for r in carb)
    k = _co2()
    out = {
        "plots": len(results), "area_ha": sum(r["area_ha"] for r in results),
        "erosion_plots": len(eros), "erosion_area_ha": area_e,
        "soil_loss_t_yr": sum(r["erosion"]["soil_loss_t_ha_yr"] * r["area_ha"] for r in eros),
        "traditional_t_yr": sum(r["erosion"]["traditional_t_ha_yr"] * r["area_ha"] for r in eros),
        "soil_kept_t_yr": sum(r["erosion"]["soil_kept_t_ha_yr"] * r["area_ha"] for r in eros),
        "area_over_tolerable_ha": sum(r["area_ha"] for r in eros if r["erosion"]["exceeds_tolerable"]),
        "carbon_plots": len(carb), "carbon_area_ha": area_c,
        "carbon_t_c": sum(r["carbon"]["total_t_c_ha"] * r["area_ha"] for r in carb),
        "carbon_traditional_t_c": sum(r["carbon"]["traditional_t_c_ha"] * r["area_ha"] for r in carb),
        "carbon_annual_change_t_c_yr": sum((r["carbon"].get("annual_change_t_c_ha_yr") or 0.0) * r["area_ha"]
                                           for r in carb),
        "measured_plots": sum(1 for r in carb if r["carbon"].get("measured_trees")),
    }
    out["soil_loss_t_ha_yr"] = out["soil_loss_t_yr"] / area_e if area_e else None
    out["traditional_t_ha_yr"] = out["traditional_t_yr"] / area_e if area_e else None
    out["share_area_over_tolerable"] = out["area_over_tolerable_ha"] / area_e if area_e else None
    out["soil_kept_pct"] = (100.0 * out["soil_kept_t_yr"] / out["traditional_t_yr"]
                            if out["traditional_t_yr"] else None)
    out["carbon_t_c_ha"] = out["carbon_t_c"] / area_c if area_c else None
    out["carbon_t_co2e"] = out["carbon_t_c"] * k
    out["carbon_difference_t_c"] = out["carbon_t_c"] - out["carbon_traditional_t_c"]
    out["carbon_difference_t_co2e"] = out["carbon_difference_t_c"] * k
    out["carbon_annual_change_t_co2e_yr"] = out["carbon_annual_change_t_c_yr"] * k
    return out


def family_environment(family, year: int | None = None) -> dict:  # noqa: ANN001
    """The family's plots (each as in :func:`plot_environment`, without layers) and their sums."""
    year = _year(year)
    names = dict(family.plots.values_list("pk", "name"))
    records = load_records(family.plots.all())
    today = timezone.localdate()
    plots = [evaluate_plot(rec, year, today) | {"name": names[pid]} for pid, rec in sorted(records.items())]
    rows = [row for rec in records.values() for row in diversity_rows(rec, year)[0]]
    diversity = None
    if rows:
        res = evaluate_diversity(pd.DataFrame(rows))
        fam = res.families[0] if res.families else res.programme
        diversity = fam.to_dict() | {"species": sorted({r["species"] for r in rows})}
    return clean_json({"family_id": family.pk, "year": year, "plots": plots, "totals": _sum_plots(plots),
                       "diversity": diversity})


def programme_environment(user, year: int | None = None) -> dict:  # noqa: ANN001
    """Programme aggregates within the user's scope (ids and numbers only, no names or coordinates).

    Returns
    -------
    dict with ``year``, ``plots``, ``area_ha``; ``erosion`` (area-weighted mean soil loss and traditional
    baseline by system, area and share of area over the tolerable loss, soil kept), ``carbon`` (stocks
    [t C, t CO₂e] and annual change, versus the traditional milpa on the same land), ``diversity``
    (species and native species recorded, mean plot richness and Shannon), ``layers`` (share of the
    plots' area inside each reference layer, all plots and MIAF plots) and ``missing`` (why plots could
    not be evaluated, with counts).
    """
    year = _year(year)
    records = load_records(plots_in_scope(user))
    today = timezone.localdate()
    results = [evaluate_plot(rec, year, today, diversity=False) for rec in records.values()]
    by_system = []
    for system in ("traditional", "miaf-d"):
        subset = [r for r in results if r["system"] == system]
        by_system.append({"system": system, **_sum_plots(subset)})
    _add_soil_uncertainty(by_system, results)
    totals = _sum_plots(results)
    missing = Counter(r["erosion_error"] for r in results if r["erosion_error"])
    missing.update(r["carbon_error"] for r in results if r["carbon_error"])
    rows = [row for rec in records.values() for row in diversity_rows(rec, year)[0]]
    diversity = {"species": 0, "native_species": 0, "native": [], "mean_richness": None, "mean_shannon": None}
    if rows:
        res = evaluate_diversity(pd.DataFrame(rows))
        # species present: planted up to the year or harvested in it, on any plot of the scope
        present = sorted({p[0] for rec in records.values() for p in rec.plantings if p[5].year <= year}
                         | {h[0] for rec in records.values() for h in rec.harvests if h[3].year == year})
        db_native = {r["species"]: r["native"] for r in rows}
        db_native |= {p[0]: p[2] for rec in records.values() for p in rec.plantings}
        native = [c for c in present if db_native.get(c)]
        diversity = {"species": len(present), "native_species": len(native), "native": native,
                     "mean_richness": res.mean_richness, "mean_shannon": res.mean_shannon,
                     "plots_with_records": len(res.plots)}
    shares = _shares(records, results)
    env = {
        "year": year, "plots": totals["plots"], "area_ha": totals["area_ha"],
        "erosion": {"by_system": by_system, **{k: v for k, v in totals.items() if not k.startswith("carbon")}},
        "carbon": {k: v for k, v in totals.items() if k.startswith("carbon") or k == "measured_plots"},
        "diversity": diversity, "layers": shares["layers"], "missing": dict(missing),
    }
    from miaf.web.core import disclosure

    if disclosure.applies(user):
        env = _protect(env, records, results, disclosure.k_min())
    return clean_json(env)


def _protect(env: dict, records: dict, results: list[dict], k: int) -> dict:
    """The programme figures for a role without personal data (:mod:`miaf.web.core.disclosure`): nothing
    when the scope holds fewer than ``k`` families; else the system rows under ``k`` families (and their
    complementary row) replaced by the reason."""
    from miaf.web.core import disclosure

    if len({rec.family_id for rec in records.values()}) < k:
        return {"year": env["year"], "suppressed": disclosure.hidden_text(disclosure.SMALL_CELL, k),
                "suppressed_reason": disclosure.SMALL_CELL}
    fam = {r["plot_id"]: records[r["plot_id"]].family_id for r in results if r.get("plot_id") in records}
    shown = {row["system"] for row in env["erosion"]["by_system"]}
    counts: dict[str, set] = {system: set() for system in shown} | {"": set()}
    for r in results:
        counts[r["system"] if r["system"] in shown else ""].add(fam.get(r.get("plot_id")))
    reasons, _total = disclosure.protect_counts({s: len(f - {None}) for s, f in counts.items()}, k)
    env["erosion"]["by_system"] = [
        {"system": row["system"], "suppressed": disclosure.hidden_text(reasons[row["system"]], k),
         "suppressed_reason": reasons[row["system"]]}
        if reasons.get(row["system"]) else row for row in env["erosion"]["by_system"]]
    return env


def _add_soil_uncertainty(by_system: list[dict], results: list[dict]) -> None:
    """Add to each system row the plots' soil-loss distribution and the Monte Carlo interval of the share of
    area within the tolerable loss (:func:`miaf.environment.erosion.soil_loss_uncertainty`)."""
    import numpy as np

    from miaf.environment.erosion import soil_loss_uncertainty

    from .evaluate import environs_parameters

    eros = [r for r in results if r.get("erosion")]
    if not eros:
        return
    e = [r["erosion"] for r in eros]
    col = lambda key: np.array([float(x[key]) if x.get(key) is not None else np.nan for x in e])  # noqa: E731
    miaf = np.array([r["system"] == "miaf-d" for r in eros])
    k = environs_parameters()["k_default"]
    unc = soil_loss_uncertainty(miaf, np.array([float(r["age_years"]) for r in eros]), col("r_factor"),
                                col("slope_pct"), col("slope_length_m"), np.array([float(r["area_ha"]) for r in eros]),
                                col("tolerable_t_ha_yr"), (float(k), float(k.low), float(k.high)),
                                module_width_m=col("module_width_m"), tree_band_share=col("tree_band_share"))
    loss, area = col("soil_loss_t_ha_yr"), np.array([float(r["area_ha"]) for r in eros])
    for row in by_system:
        sel = miaf if row["system"] == "miaf-d" else ~miaf
        u = unc["miaf" if row["system"] == "miaf-d" else "traditional"]
        if not sel.any() or not u.get("plots"):
            continue
        order = np.argsort(loss[sel])
        cum = np.cumsum(area[sel][order]) / area[sel].sum()
        row["distribution"] = {f"p{q}": float(loss[sel][order][np.searchsorted(cum, q / 100.0)]) for q in (10, 50, 90)}
        row["within_share"] = u["share_within"]
        row["within_p05"], row["within_p95"] = u["share_within_p05"], u["share_within_p95"]
        row["loss_p05"], row["loss_p95"] = u["soil_loss_p05"], u["soil_loss_p95"]
        row["uncertainty_draws"] = unc["draws"]
        if row["system"] == "miaf-d":
            row["as_traditional_within_share"] = unc["miaf_as_traditional"]["share_within"]
            row["p_undefined_plots"] = int(sum(1 for x, m in zip(e, miaf, strict=True)
                                               if m and not x.get("p_contouring_defined", True)))


def _shares(records: dict, results: list[dict] | None = None) -> dict:
    layers = _layers()
    items = [(pid, rec.boundary) for pid, rec in records.items()]
    ov = overlap_for(items, layers)
    miaf = {pid for pid, rec in records.items() if rec.system in ("miaf", "miaf_d")}
    miaf_area = sum(a for pid, a in ov["plot_area_ha"].items() if pid in miaf)
    out = []
    for lay in layers:
        inside_miaf = sum(v.get(lay.pk, 0.0) for pid, v in ov["plot_inside_ha"].items() if pid in miaf)
        out.append(_layer_meta(lay) | {
            "inside_ha": ov["inside_ha"].get(lay.pk, 0.0), "share": ov["share"].get(lay.pk, 0.0),
            "miaf_inside_ha": inside_miaf, "miaf_share": inside_miaf / miaf_area if miaf_area else None,
        })
    return {"layers": out, "total_area_ha": ov["total_area_ha"], "miaf_area_ha": miaf_area,
            "plots": ov["plots"]}


def layer_shares(user) -> dict:  # noqa: ANN001
    """Share of each in-scope plot's area inside each reference layer, and the programme totals.

    Returns ``{"layers": [{id, name, kind, illustrative, source, inside_ha, share, miaf_inside_ha,
    miaf_share}], "total_area_ha", "miaf_area_ha", "plots": {plot_id: {layer_id: share}}}``. Shares are
    geodesic-area ratios (:func:`miaf.environment.layer_overlap`); the totals are area-weighted.
    """
    return clean_json(_shares(load_records(plots_in_scope(user))))


def year_choices(today: dt.date | None = None, back: int = 15) -> list[int]:
    """Years offered by the year selector (this year and ``back`` years before)."""
    y = (today or timezone.localdate()).year
    return list(range(y, y - back - 1, -1))
