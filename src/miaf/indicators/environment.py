"""Environment indicators: soil loss against the tolerable rate, carbon stock and change, native species.

They call :mod:`miaf.environment` (RUSLE factors and McCool LS, the IPCC Tier 1 carbon chain, the species
catalogue's ``native`` flag), vectorised over plots. If that package or one of its functions is missing the
indicator is reported as ``not_computed`` with the reason; no number is made up.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

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
                  ls_factor: ("ls_mccool",), carbon: ("evaluate_carbon", "CarbonInputs")}  # fmt: skip
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


def _soil_loss(ctx: Context) -> tuple[pd.DataFrame, dict] | Outcome:
    env, reason = _environment()
    if env is None:
        return not_computed(reason)
    rusle, lsf, _ = env
    p = ctx.plots
    p = p[p["system_ref"].isin(list(SOIL_SYSTEMS))].copy()
    if p.empty:
        return no_data("no traditional, MIAF or MIAF-D plots")
    ep, ip = rusle.erosion_parameters(), _params()
    p["rain"] = _rainfall(ctx, p, rusle)
    est = p["established_on"].dt.year
    miaf = p["system_ref"].isin(ESTABLISHED).to_numpy()
    lo, hi = float(ep["rainfall_min_mm"]), float(ep["rainfall_max_mm"])
    usable = (p["mean_slope_pct"].notna() & p["rain"].between(lo, hi)).to_numpy() & ~(miaf & est.isna().to_numpy())
    skipped = {"no_slope": int(p["mean_slope_pct"].isna().sum()), "no_rainfall": int((~p["rain"].between(lo, hi)).sum()),
               "miaf_without_establishment_date": int((miaf & est.isna().to_numpy()).sum())}  # fmt: skip
    p, miaf = p[usable].copy(), miaf[usable]
    if p.empty:
        return no_data(f"no plot with slope, rainfall and (MIAF-D) establishment date: {skipped}")
    slope = p["mean_slope_pct"].to_numpy(float)
    lam = float(ip["slope_length_m_default"])
    r = rusle.r_factor_cortes(p["rain"].to_numpy(float))
    k = float(ip["k_factor_default"])
    ls_trad = lsf.ls_mccool(slope, np.full(len(p), lam))
    age = np.where(miaf, np.maximum(ctx.ref_year - est[usable].fillna(ctx.ref_year).to_numpy(float), 0.0), 0.0)
    c = np.empty(len(p))
    pp = np.empty(len(p))
    e = np.empty(len(p))
    trad = rusle.cover_practice("traditional")
    for a in np.unique(age[miaf]):  # one call per distinct age (a handful), not per plot
        cp = rusle.cover_practice("miaf-d", float(a))
        sel = miaf & (age == a)
        c[sel], pp[sel], e[sel] = cp.c_factor, cp.p_factor, cp.barrier_efficiency
    c[~miaf], pp[~miaf], e[~miaf] = trad.c_factor, trad.p_factor, 0.0
    steep = slope > float(ep["module_width_slope_threshold_pct"])
    width = np.where(steep, float(ep["module_width_steep_m"]), float(ep["module_width_gentle_m"]))
    ls_short = lsf.ls_mccool(slope, np.minimum(lam, width))
    ls = np.where(miaf, e * ls_short + (1.0 - e) * ls_trad, ls_trad)
    p["soil_loss"] = rusle.rusle(r, k, ls, c, pp)
    p["soil_loss_traditional"] = rusle.rusle(r, k, ls_trad, trad.c_factor, trad.p_factor)
    depth = p["soil_depth_class"].map({k_: soil_depth_class_m(k_) for k_ in SOIL_DEPTH_CLASSES})
    tol_by_depth = {d: rusle.tolerable_loss(d) for d in depth.dropna().unique()}
    p["tolerable"] = depth.map(tol_by_depth).fillna(rusle.tolerable_loss(None)).to_numpy(float)
    return p, skipped


def soil_loss(ctx: Context) -> Outcome:
    res = ctx.memo("soil_loss", _soil_loss)
    if isinstance(res, Outcome):
        return res
    p, skipped = res
    w = p["area_ha"]
    by = (p["soil_loss"] * w).groupby(p["system_ref"]).sum() / w.groupby(p["system_ref"]).sum()
    miaf = p[p["system_ref"].isin(ESTABLISHED)]
    details = {"plots_skipped": skipped, "method": "RUSLE closed form (McCool LS), default K and slope length"}
    if not miaf.empty:
        details["miaf_plots_as_traditional_t_ha_yr"] = float(np.average(miaf["soil_loss_traditional"], weights=miaf["area_ha"]))
    return Outcome(float(np.average(p["soil_loss"], weights=w)), len(p), by.to_dict(), details=details)


def soil_loss_within_tolerable(ctx: Context) -> Outcome:
    res = ctx.memo("soil_loss", _soil_loss)
    if isinstance(res, Outcome):
        return res
    p, skipped = res
    ok = (p["soil_loss"] <= p["tolerable"]).astype(float) * p["area_ha"]
    by = ok.groupby(p["system_ref"]).sum() / p["area_ha"].groupby(p["system_ref"]).sum()
    return Outcome(float(ok.sum() / p["area_ha"].sum()), len(p), by.to_dict(), details={"plots_skipped": skipped})


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
    first = trees.groupby("plot_id")["planted_on"].min()
    q = p.set_index("plot_id").loc[dominant.index]
    start = q["established_on"].fillna(first.reindex(q.index))
    q = q.assign(species=dominant, n_trees=by.groupby("plot_id")["quantity"].sum(),
                 age=(ctx.ref_year - start.dt.year).clip(lower=0).astype(float))
    ip = load_parameters("carbon")
    ref_density = float(ip["reference_trees_per_ha"])
    q["stocking"] = np.minimum(1.0, q["n_trees"] / (q["area_ha"] * ref_density))
    zone, soil = str(_params()["climate_zone"].value), str(_params()["soil_type"].value)
    rows = []
    for sp, age in q[["species", "age"]].drop_duplicates().itertuples(index=False):  # distinct (species, age)
        full, empty = (carbon.evaluate_carbon(carbon.CarbonInputs(sp, n, age, 1.0, zone, soil))
                       for n in (int(ref_density), 0))  # fmt: skip
        rows.append((sp, age, empty.total_t_c_ha, full.total_t_c_ha, empty.total_annual_change_t_c_ha_yr,
                     full.total_annual_change_t_c_ha_yr, full.traditional_t_c_ha, full.forest_reference_t_c_ha))
    lut = pd.DataFrame(rows, columns=["species", "age", "s0", "s1", "c0", "c1", "trad", "forest"])
    q = q.reset_index().merge(lut, on=["species", "age"], how="left")
    # Tier 1 tree carbon is proportional to stocking; residues and soil carbon do not depend on it.
    q["stock"] = q["s0"] + q["stocking"] * (q["s1"] - q["s0"])
    q["change"] = q["c0"] + q["stocking"] * (q["c1"] - q["c0"])
    skipped = {"plots_without_tree_plantings": int(len(p) - len(q))}
    return q, {"plots_skipped": skipped, "climate_zone": zone, "soil_type": soil, "tier": 1,
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
