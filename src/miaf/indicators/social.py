"""Reach, social and resilience indicators: families, members, area, layers, labour, women, migration,
diversity of products, side-selling. Vectorised pandas group-bys over the filtered tables of a Context."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .context import Context, Outcome, no_data

MIAF_D, TRADITIONAL = "miaf_d", "traditional"
ESTABLISHED = ("miaf", "miaf_d")


def _div(a: float, b: float) -> float | None:
    return float(a) / float(b) if b else None


# -- reach -------------------------------------------------------------------------------------------------
def families(ctx: Context) -> Outcome:
    n = len(ctx.families)
    return Outcome(float(n), n)


def members_by_sex(ctx: Context) -> Outcome:
    m = ctx.members
    if m.empty:
        return no_data("no member records")
    counts = m["sex"].value_counts()
    return Outcome(float(len(m)), len(m), counts[counts > 0].astype(float).to_dict())


def members_by_language(ctx: Context) -> Outcome:
    m = ctx.members
    if m.empty:
        return no_data("no member records")
    # split each distinct language list once (a handful), then count members per list with bincount
    codes, lists = pd.factorize(m["languages"].astype(str))
    per_list = np.bincount(codes, minlength=len(lists))
    split = [[x.strip() for x in str(text).split(";") if x.strip()] for text in lists]
    counts: dict[str, float] = {}
    for langs, k in zip(split, per_list, strict=True):
        for lang in langs:
            counts[lang] = counts.get(lang, 0.0) + float(k)
    told = float(sum(k for langs, k in zip(split, per_list, strict=True) if langs))
    native = float(sum(k for langs, k in zip(split, per_list, strict=True) if any(x != "es" for x in langs)))
    return Outcome(_div(native, told), int(told), dict(sorted(counts.items(), key=lambda kv: -kv[1])),
                   details={"members_without_language": int(len(m) - told)})


def groups(ctx: Context) -> Outcome:
    n = int(ctx.families["group_id"].nunique())
    return Outcome(float(n), len(ctx.families))


def municipalities(ctx: Context) -> Outcome:
    mun = ctx.families["municipality"].replace("", np.nan).dropna()
    return Outcome(float(mun.nunique()), len(mun))


def area_by_system(ctx: Context) -> Outcome:
    p = ctx.plots
    if p.empty:
        return no_data("no plots")
    return Outcome(float(p["area_ha"].sum()), len(p), p.groupby("system_ref")["area_ha"].sum().to_dict())


def _established(ctx: Context) -> pd.DataFrame:
    p = ctx.plots
    return p[p["system_ref"].isin([ctx.system] if ctx.system else ESTABLISHED)]


def miaf_start_year(ctx: Context, plots: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Year each plot became MIAF or MIAF-D as text (``"unknown"`` when no date says it) and how it is known.

    The one rule :func:`miaf.history.miaf_start` (recorded date, else first MIAF phase, else first fruit-tree
    planting), through :func:`miaf.indicators.environment.miaf_starts`, so that this breakdown, the tree ages
    of the soil-loss and carbon indicators and the economics pages agree (issue 16, item 10).
    """
    from .environment import miaf_starts

    start, source = miaf_starts(ctx, plots)
    return start.dt.year.astype("Int64").astype(str).replace("<NA>", "unknown"), source


def area_by_establishment_year(ctx: Context) -> Outcome:
    """Σ ha of MIAF/MIAF-D plots by the year they became MIAF(-D) (:func:`miaf_start_year`)."""
    p = _established(ctx)
    if p.empty:
        return no_data("no MIAF or MIAF-D plots")
    year, source = miaf_start_year(ctx, p)
    return Outcome(float(p["area_ha"].sum()), len(p), p.groupby(year)["area_ha"].sum().to_dict(),
                   details={"plots_without_date": int((source == "ex_ante").sum()),
                            "start_known_from": {k: int(n) for k, n in source.value_counts().items()}})


def area_share_in_layers(ctx: Context) -> Outcome:
    p = _established(ctx)
    ov = ctx.tables.layer_overlap
    if p.empty:
        return no_data("no MIAF or MIAF-D plots")
    if ov.empty:
        return no_data("no plot x layer overlap computed (no reference layer, or no plot boundary)")
    ov = ov[ov["plot_id"].isin(p["plot_id"])]
    total = p["area_ha"].sum()
    # plot areas are the registry's; inside_ha is scaled by share so that both use the same area
    area = p.set_index("plot_id")["area_ha"]
    inside = ov["share"].to_numpy() * area.reindex(ov["plot_id"]).to_numpy()
    by_layer = pd.Series(inside, index=ov["layer"].to_numpy()).groupby(level=0).sum() / total
    corridors = sorted(set(ov.loc[ov["kind"] == "corridor", "layer"]))
    value, reason = None, ""
    if len(corridors) == 1:
        value = float(by_layer.get(corridors[0], 0.0))
    else:
        reason = "value is the corridor share when exactly one corridor layer exists; see the breakdown"
    return Outcome(value, len(p), by_layer.to_dict(), reason=reason, details={"corridor_layers": corridors})


# -- social ------------------------------------------------------------------------------------------------
def migration(ctx: Context) -> Outcome:
    f = ctx.families
    if f.empty:
        return no_data("no families")
    m = ctx.members
    return Outcome(float(f["anyone_migrated"].mean()), len(f), None,
                   details={"members_migrated": int(m["migrated"].sum()),
                            "share_of_members": _div(m["migrated"].sum(), len(m))})


def women_labour_share(ctx: Context) -> Outcome:
    lab = ctx.labour
    known = lab[lab["worker_sex"].isin(["F", "M"])]
    if known.empty:
        return no_data("no labour record with the worker's sex")
    by = known.groupby("worker_sex")["person_days"].sum()
    return Outcome(_div(by.get("F", 0.0), by.sum()), len(known), None,
                   details={"person_days_without_sex": float(lab["person_days"].sum() - known["person_days"].sum())})


def women_training_share(ctx: Context) -> Outcome:
    att = ctx.attendance
    known = att[att["member_sex"].isin(["F", "M", "X"])]
    if known.empty:
        return no_data("no training attendance with the member's sex")
    return Outcome(float((known["member_sex"] == "F").mean()), len(known), None,
                   details={"attendances_without_member": int(len(att) - len(known))})


def _days_per_ha(py: pd.DataFrame) -> float | None:
    return _div(py["person_days"].sum(), py["area_ha"].sum())


def labour_ratio(ctx: Context) -> Outcome:
    py = ctx.labour_plot_years
    py = py[py["area_ha"].notna()]
    miaf = py[py["system_year"] == MIAF_D]
    trad = py[py["system_year"] == TRADITIONAL]
    basis = "baseline"
    if ctx.year is not None:
        miaf = miaf[miaf["year"] == ctx.year]
        if (trad["year"] == ctx.year).any():
            trad, basis = trad[trad["year"] == ctx.year], "comparison"
    if miaf.empty or trad.empty:
        return no_data("need labour records on MIAF-D and on traditional plot-years (whole years under one system)")
    m, t = _days_per_ha(miaf), _days_per_ha(trad)
    return Outcome(_div(m, t), len(miaf) + len(trad), None,
                   details={"miaf_d_days_ha": m, "traditional_days_ha": t, "traditional_set": basis,
                            "plot_years": len(miaf) + len(trad),
                            "traditional_years": sorted(int(y) for y in trad["year"].unique())})


def labour_by_kind(ctx: Context) -> Outcome:
    lab = ctx.labour
    if lab.empty:
        return no_data("no labour records")
    by = lab.groupby("kind")["person_days"].sum()
    on_plots = lab[lab["area_ha"].notna()]
    per_ha = {}
    if not on_plots.empty:
        py = on_plots.groupby(["plot_key", "year"], sort=False)["area_ha"].first()
        area = py.sum()
        per_ha = {f"{k}_days_per_ha": v / area for k, v in on_plots.groupby("kind")["person_days"].sum().items()}
    return Outcome(_div(by.get("hired", 0.0), by.sum()), len(lab), {**{f"{k}_days": v for k, v in by.items()}, **per_ha})


# -- adaptation and resilience ------------------------------------------------------------------------------
def product_diversity(ctx: Context) -> Outcome:
    h = ctx.harvests
    h = h[h["quantity_kg"] > 0]
    if h.empty:
        return no_data("no harvest records")
    per = h.groupby(["family_id", "year"])["species"].nunique()
    return Outcome(float(per.mean()), len(per), None, details={"programme_products": int(h["species"].nunique())})


def side_selling_share(ctx: Context) -> Outcome:
    from .production import destination_kg

    d = ctx.destinations
    g = destination_kg(ctx) if not d.empty else pd.DataFrame()
    sold = g.drop(columns=["self"], errors="ignore").sum(axis=1)
    if sold.sum() == 0:
        return no_data("no sales records")
    inter = g["intermediary"] if "intermediary" in g.columns else pd.Series(0.0, index=g.index)
    keep = sold > 0
    return Outcome(float(inter.sum() / sold.sum()), int((d["destination"] != "self").sum()),
                   (inter[keep] / sold[keep]).to_dict())
