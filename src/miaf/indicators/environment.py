"""Environment indicators: soil loss against the tolerable rate, carbon stock and change, native species.

They call :mod:`miaf.environment` (RUSLE factors and McCool LS, the IPCC Tier 1 carbon chain, the species
catalogue's ``native`` flag), vectorised over plots. If that package or one of its functions is missing the
indicator is reported as ``not_computed`` with the reason; no number is made up.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from miaf import history
from miaf.params import SOIL_DEPTH_CLASSES, load_parameters, soil_depth_class_m, species

from .context import Context, Outcome, no_data, not_computed

ESTABLISHED = ("miaf", "miaf_d")
SOIL_SYSTEMS = {"traditional": "traditional", "miaf": "miaf-d", "miaf_d": "miaf-d"}


def _environment():  # noqa: ANN202
    """The environment functions used here, or the reason they are not available."""
    try:
        from miaf.environment import carbon, ls_factor, rusle

        needed = {rusle: ("r_factor_cortes", "municipality_rainfall", "cover_practice", "tolerable_loss", "rusle",
                          "erosion_parameters"),
                  ls_factor: ("ls_mccool",),
                  carbon: ("evaluate_carbon", "CarbonInputs", "climate_zones", "tillage_for_modality",
                           "default_tree_band_share")}  # fmt: skip
        for mod, names in needed.items():
            for name in names:
                if not hasattr(mod, name):
                    return None, f"{mod.__name__}.{name} is not available yet"
        return (rusle, ls_factor, carbon), ""
    except ImportError as exc:  # pragma: no cover - depends on the state of the environment package
        return None, f"miaf.environment is not available ({exc})"


def _params() -> dict:
    return load_parameters("indicators")


def _rainfall(ctx: Context, plots: pd.DataFrame, rusle) -> np.ndarray:  # noqa: ANN001
    """Rainfall normal of each plot: the registry's municipality normal, else the CHIRPS table by code."""
    rain = plots["rainfall_mm"].to_numpy(float).copy()
    missing = np.isnan(rain)
    if missing.any():
        muni = ctx.tables.families.set_index("family_id")["municipality"].reindex(plots["family_id"]).to_numpy()
        lookup = {}
        for code in set(muni[missing]) - {None, ""}:  # one look-up per municipality, not per plot
            try:
                lookup[code] = rusle.municipality_rainfall(code).rainfall_mm
            except (ValueError, TypeError):
                lookup[code] = np.nan
        rain[missing] = [lookup.get(c, np.nan) for c in muni[missing]]
    return rain


def miaf_starts(ctx: Context, plots: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """When each plot became MIAF-D and how it is known (:func:`miaf.history.miaf_start`), by plot row.

    First MIAF or MIAF-D phase from the phases table, first fruit-tree planting (unit ``plants``, stratum
    ``fruit_tree`` of the species catalogue) from the plantings table.
    """
    ph = ctx.tables.phases
    first_phase = ph[ph["system"].isin(ESTABLISHED)].groupby("plot_id")["started_on"].min()
    trees = {c for c, r in species().items() if r.get("stratum") == "fruit_tree"}
    pl = ctx.tables.plantings
    first_tree = pl[(pl["unit"] == "plants") & pl["species"].isin(trees)].groupby("plot_id")["planted_on"].min()
    ids = plots["plot_id"]
    return history.miaf_start(plots["established_on"], pd.Series(first_phase.reindex(ids).to_numpy(), index=plots.index),
                              pd.Series(first_tree.reindex(ids).to_numpy(), index=plots.index))


def _soil_loss(ctx: Context) -> tuple[pd.DataFrame, dict] | Outcome:
    env, reason = _environment()
    if env is None:
        return not_computed(reason)
    rusle, lsf, _ = env
    from miaf.environment import erosion

    p = ctx.plots
    p = p[p["system_ref"].isin(list(SOIL_SYSTEMS))].copy()
    if p.empty:
        return no_data("no traditional, MIAF or MIAF-D plots")
    ep, ip = rusle.erosion_parameters(), _params()
    p["rain"] = _rainfall(ctx, p, rusle)
    miaf = p["system_ref"].isin(ESTABLISHED).to_numpy()
    lo, hi = float(ep["rainfall_min_mm"]), float(ep["rainfall_max_mm"])
    usable = (p["mean_slope_pct"].notna() & p["rain"].between(lo, hi) & (p["area_ha"] > 0)).to_numpy()
    start, source = miaf_starts(ctx, p)
    skipped = {"no_slope": int(p["mean_slope_pct"].isna().sum()), "no_rainfall": int((~p["rain"].between(lo, hi)).sum()),
               "no_area": int((p["area_ha"] <= 0).sum())}  # fmt: skip
    unknown_start = int((miaf & usable & (source == "ex_ante").to_numpy()).sum())
    p, miaf, start = p[usable].copy(), miaf[usable], start[usable]
    if p.empty:
        return no_data(f"no plot with slope, rainfall and area: {skipped}")
    slope = p["mean_slope_pct"].to_numpy(float)
    lam = erosion.slope_length_from_area(p["area_ha"].to_numpy(float))
    r = rusle.r_factor_cortes(p["rain"].to_numpy(float))
    k = ip["k_factor_default"]
    # a MIAF-D plot without any date counts as in its establishment year (age 0): the least favourable case
    age = np.where(miaf, history.years_since_start(start, ctx.ref_year), 0.0)
    steep = str(ep["steep_slope_factor"].value)
    cf = erosion.soil_loss_closed_form(miaf, age, r, float(k), slope, lam, steep_slope=steep)
    p["r_factor"], p["slope_length_m"], p["age"] = r, lam, age
    p["soil_loss"], p["soil_loss_traditional"] = cf["soil_loss"], cf["traditional"]
    p["p_contouring_defined"] = cf["p_contouring_defined"]
    depth = p["soil_depth_class"].map({k_: soil_depth_class_m(k_) for k_ in SOIL_DEPTH_CLASSES})
    tol_by_depth = {d: rusle.tolerable_loss(d) for d in depth.dropna().unique()}
    p["tolerable"] = depth.map(tol_by_depth).fillna(rusle.tolerable_loss(None)).to_numpy(float)
    unc = erosion.soil_loss_uncertainty(miaf, age, r, slope, lam, p["area_ha"].to_numpy(float), p["tolerable"].to_numpy(float),
                                        (float(k), float(k.low), float(k.high)), steep_slope=steep, central=cf)  # fmt: skip
    details = {"plots_skipped": skipped, "miaf_plots_without_start_date_counted_at_age_0": unknown_start,
               "uncertainty": unc, "steep_slope_factor": steep,
               "r_factor": {"min": float(r.min()), "median": float(np.median(r)), "max": float(r.max())},
               "slope_length_m": {"min": float(lam.min()), "median": float(np.median(lam)), "max": float(lam.max())},
               "miaf_area_share_beyond_contouring_table": _share(p["area_ha"][miaf], ~p["p_contouring_defined"][miaf])}  # fmt: skip
    return p, details


def _share(area: pd.Series, flag: pd.Series) -> float | None:
    return float((area * flag).sum() / area.sum()) if area.sum() > 0 else None


def _distribution(p: pd.DataFrame, col: str) -> dict:
    """Area-weighted percentiles of a per-plot value (the plots' distribution, not the uncertainty)."""
    v, w = p[col].to_numpy(float), p["area_ha"].to_numpy(float)
    order = np.argsort(v)
    cum = np.cumsum(w[order]) / w.sum()
    return {f"p{q}": float(v[order][np.searchsorted(cum, q / 100.0)]) for q in (10, 25, 50, 75, 90)}


def soil_loss(ctx: Context) -> Outcome:
    res = ctx.memo("soil_loss", _soil_loss)
    if isinstance(res, Outcome):
        return res
    p, details = res
    w = p["area_ha"]
    by = (p["soil_loss"] * w).groupby(p["system_ref"]).sum() / w.groupby(p["system_ref"]).sum()
    miaf = p[p["system_ref"].isin(ESTABLISHED)]
    trad = p[~p["system_ref"].isin(ESTABLISHED)]
    out = {"plots_skipped": details["plots_skipped"], "method": "RUSLE closed form (McCool LS; MIAF-D rows by "
           "miaf.environment.ls_factor.ls_contour_rows), K default, slope length from the plot area",
           "distribution": {"miaf": _distribution(miaf, "soil_loss") if not miaf.empty else None,
                            "traditional": _distribution(trad, "soil_loss") if not trad.empty else None},
           **{k: details[k] for k in details if k != "plots_skipped"}}
    if not miaf.empty:
        out["miaf_plots_as_traditional_t_ha_yr"] = float(np.average(miaf["soil_loss_traditional"], weights=miaf["area_ha"]))
    return Outcome(float(np.average(p["soil_loss"], weights=w)), len(p), by.to_dict(), details=out)


def soil_loss_within_tolerable(ctx: Context) -> Outcome:
    res = ctx.memo("soil_loss", _soil_loss)
    if isinstance(res, Outcome):
        return res
    p, details = res
    ok = (p["soil_loss"] <= p["tolerable"]).astype(float) * p["area_ha"]
    by = ok.groupby(p["system_ref"]).sum() / p["area_ha"].groupby(p["system_ref"]).sum()
    return Outcome(float(ok.sum() / p["area_ha"].sum()), len(p), by.to_dict(),
                   details={"plots_skipped": details["plots_skipped"], "uncertainty": details["uncertainty"],
                            "tolerable_t_ha_yr": _distribution(p, "tolerable")})


def _carbon(ctx: Context) -> tuple[pd.DataFrame, dict] | Outcome:
    env, reason = _environment()
    if env is None:
        return not_computed(reason)
    carbon = env[2]
    p = ctx.plots
    p = p[p["system_ref"].isin(ESTABLISHED)]
    if p.empty:
        return no_data("no MIAF or MIAF-D plots")
    end = pd.Timestamp(ctx.ref_year, 12, 31)
    pl = ctx.tables.plantings
    trees = pl[(pl["unit"] == "plants") & pl["plot_id"].isin(p["plot_id"]) & (pl["planted_on"] <= end)]
    if trees.empty:
        return no_data("no tree plantings on MIAF or MIAF-D plots")
    by = trees.groupby(["plot_id", "species"])["quantity"].sum().reset_index()
    dominant = by.sort_values("quantity", ascending=False).drop_duplicates("plot_id").set_index("plot_id")["species"]
    q = p.set_index("plot_id").loc[dominant.index]
    start = miaf_starts(ctx, q.reset_index())[0].set_axis(q.index)  # the one rule (miaf.history)
    q = q.assign(species=dominant, n_trees=by.groupby("plot_id")["quantity"].sum(),
                 age=(ctx.ref_year - start.dt.year).clip(lower=0).astype(float))
    ip = load_parameters("carbon")
    ref_density = float(ip["reference_trees_per_ha"])
    q["stocking"] = np.minimum(1.0, q["n_trees"] / (q["area_ha"] * ref_density))
    default_zone, soil = str(_params()["climate_zone"].value), str(_params()["soil_type"].value)
    # per plot: IPCC climate zone from altitude (optional column) and rainfall; tillage from the design modality
    rain = _rainfall(ctx, q.reset_index(), rusle=env[0])
    alt = q["altitude_m"].to_numpy(float) if "altitude_m" in q else np.full(len(q), np.nan)
    q["zone"] = carbon.climate_zones(alt, rain, default=default_zone)
    modality = q["modality"].astype(object).to_numpy() if "modality" in q else [None] * len(q)
    q["tillage"] = [carbon.tillage_for_modality(m if isinstance(m, str) else None) for m in modality]
    # tree-band share: the design rule by slope (one rule: miaf.design.tree_band_share; unknown slope: steep)
    q["share"] = carbon.default_tree_band_share(q["mean_slope_pct"].to_numpy(float))
    keys = ["species", "age", "zone", "tillage", "share"]
    rows = []
    for sp, age, zone, till, share in q[keys].drop_duplicates().itertuples(index=False):  # distinct combinations
        full, empty = (carbon.evaluate_carbon(carbon.CarbonInputs(sp, n, age, 1.0, zone, soil, tree_band_share=share,
                                                                  tillage=till))
                       for n in (int(ref_density), 0))  # fmt: skip
        rows.append((sp, age, zone, till, share, empty.total_t_c_ha, full.total_t_c_ha,
                     empty.total_annual_change_t_c_ha_yr, full.total_annual_change_t_c_ha_yr, full.traditional_t_c_ha,
                     full.forest_reference_t_c_ha))
    lut = pd.DataFrame(rows, columns=[*keys, "s0", "s1", "c0", "c1", "trad", "forest"])
    q = q.reset_index().merge(lut, on=keys, how="left")
    # Tier 1 tree carbon is proportional to stocking; residues and soil carbon do not depend on it.
    q["stock"] = q["s0"] + q["stocking"] * (q["s1"] - q["s0"])
    q["change"] = q["c0"] + q["stocking"] * (q["c1"] - q["c0"])
    skipped = {"plots_without_tree_plantings": int(len(p) - len(q))}
    w = q["area_ha"]
    return q, {"plots_skipped": skipped, "climate_zone_default": default_zone, "soil_type": soil, "tier": 1,
               "climate_zone_area_share": (w.groupby(q["zone"]).sum() / w.sum()).to_dict(),
               "tillage_area_share": (w.groupby(q["tillage"]).sum() / w.sum()).to_dict(),
               "co2_per_c": float(ip["co2_per_c"])}


def carbon_stock(ctx: Context) -> Outcome:
    res = ctx.memo("carbon", _carbon)
    if isinstance(res, Outcome):
        return res
    q, details = res
    w = q["area_ha"]
    total = float((q["stock"] * w).sum())
    return Outcome(total / float(w.sum()), len(q), None, details={
        **details, "total_t_c": total, "total_t_co2e": total * details["co2_per_c"],
        "traditional_t_c_ha": float(np.average(q["trad"], weights=w)),
        "forest_reference_t_c_ha": float(np.average(q["forest"], weights=w))})


def carbon_change(ctx: Context) -> Outcome:
    res = ctx.memo("carbon", _carbon)
    if isinstance(res, Outcome):
        return res
    q, details = res
    w = q["area_ha"]
    total = float((q["change"] * w).sum())
    return Outcome(total / float(w.sum()), len(q), None,
                   details={**details, "total_t_c_yr": total, "total_t_co2e_yr": total * details["co2_per_c"]})


def native_species(ctx: Context) -> Outcome:
    end = pd.Timestamp(ctx.ref_year, 12, 31)
    pl = ctx.tables.plantings
    pl = pl[pl["plot_id"].isin(ctx.plots["plot_id"]) & (pl["planted_on"] <= end) & (pl["quantity"] > 0)]
    if pl.empty:
        return no_data("no plantings on the selected plots")
    native = {c: str(r["native"]).strip().lower() == "true" for c, r in species().items()}
    flag = pl["species"].map(native)
    known = pl[flag.notna()]
    nat = known[flag[flag.notna()].astype(bool)]
    per_plot = nat.groupby("plot_id")["species"].nunique().reindex(known["plot_id"].unique(), fill_value=0)
    return Outcome(float(per_plot.mean()), len(per_plot), nat.groupby("species")["plot_id"].nunique().astype(float).to_dict(),
                   details={"programme_native_species": int(nat["species"].nunique()),
                            "plantings_of_species_not_in_catalogue": int(flag.isna().sum())})
