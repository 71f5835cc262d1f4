"""Productivity and income indicators (FAO climate-smart agriculture pillar 1), vectorised over records.

Yields are kg per hectare of *whole plot* (``plots.area_ha``), not per hectare of crop strip: the share
of a MIAF-D plot under maize is not recorded per plot, and the same area is used for a plot's baseline
and MIAF-D years, so the gain ratios do not depend on it (the demo's headline figures use the same rule).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from miaf.economics.records import RecordFlows, record_economics
from miaf.household.calendar import Ledger, household_calendar
from miaf.params import load_parameters, species

from .context import Context, Outcome, no_data

MIAF_D, TRADITIONAL = "miaf_d", "traditional"


def _div(a: float, b: float) -> float | None:
    return float(a) / float(b) if b else None


def _plot_years(h: pd.DataFrame) -> pd.DataFrame:
    """Harvest kg per plot, year, system and crop, with the plot area."""
    return h.groupby(["plot_id", "year", "system", "species"], as_index=False, sort=False, observed=True).agg(
        kg=("quantity_kg", "sum"), area_ha=("area_ha", "first"))


def _all_plot_years(ctx: Context) -> pd.DataFrame:
    return ctx.memo("plot_years", lambda c: _plot_years(c.all_harvests))


def _gain_pairs(ctx: Context, crops: list[str] | None = None) -> pd.DataFrame:
    """(MIAF-D plot-year, same plot's baseline traditional year) pairs with their kg, per crop."""
    py = _all_plot_years(ctx)
    if crops is not None:
        py = py[py["species"].isin(crops)]
    base = py[py["system"] == TRADITIONAL].sort_values("year").groupby(["plot_id", "species"], observed=True).tail(1)
    miaf = py[py["system"] == MIAF_D]
    if ctx.year is not None:
        miaf = miaf[miaf["year"] == ctx.year]
    pairs = miaf.merge(base[["plot_id", "species", "year", "kg"]], on=["plot_id", "species"], suffixes=("", "_base"))
    return pairs[pairs["year_base"] < pairs["year"]]


def maize_yield_gain(ctx: Context) -> Outcome:
    pairs = _gain_pairs(ctx, ["maiz"])
    if pairs.empty:
        return no_data("no MIAF-D maize harvest on a plot with a traditional-year maize harvest")
    area = pairs["area_ha"].sum()
    y1, y0 = pairs["kg"].sum() / area, pairs["kg_base"].sum() / area
    return Outcome(y1 / y0 - 1.0 if y0 > 0 else None, len(pairs), None,
                   details={"miaf_d_kg_ha": y1, "baseline_kg_ha": y0, "plots": int(pairs["plot_id"].nunique()),
                            "baseline_years": sorted(int(y) for y in pairs["year_base"].unique())})


def yield_gain_vs_baseline(ctx: Context) -> Outcome:
    pairs = _gain_pairs(ctx)
    if pairs.empty:
        return no_data("no MIAF-D harvest on a plot with a harvest of the same crop in a traditional year")
    g = pairs.groupby("species")[["kg", "kg_base"]].sum()
    g = g[g["kg_base"] > 0]
    return Outcome(None, len(pairs), (g["kg"] / g["kg_base"] - 1.0).to_dict())


def yield_vs_traditional(ctx: Context) -> Outcome:
    py = _all_plot_years(ctx)
    if ctx.year is not None:
        py = py[py["year"] == ctx.year]
    py = py[py["system"].isin([MIAF_D, TRADITIONAL])]
    both = py.groupby(["species", "year"])["system"].transform("nunique") == 2
    py = py[both]
    if py.empty:
        return no_data("no year with harvests of the same crop on both MIAF-D and traditional plots")
    g = py.groupby(["species", "system"])[["kg", "area_ha"]].sum()
    kg_ha = (g["kg"] / g["area_ha"]).unstack("system")
    return Outcome(None, len(py), (kg_ha[MIAF_D] / kg_ha[TRADITIONAL] - 1.0).to_dict(),
                   details={"kg_ha": {f"{c}|{s}": v for (c, s), v in (g["kg"] / g["area_ha"]).items()}})


def yield_by_crop(ctx: Context) -> Outcome:
    h = ctx.harvests
    if h.empty:
        return no_data("no harvest records")
    py = _all_plot_years(ctx)
    if ctx.year is not None:
        py = py[py["year"] == ctx.year]
    if ctx.system is not None:
        py = py[py["system"] == ctx.system]
    g = py.groupby(["species", "system"], observed=True)[["kg", "area_ha"]].sum()
    return Outcome(None, len(h), {f"{c}|{s}": v for (c, s), v in (g["kg"] / g["area_ha"]).items()})


def _sales(ctx: Context) -> tuple[pd.DataFrame, float]:
    d = ctx.destinations
    sold = d[d["destination"] != "self"]
    priced = sold[sold["price_mxn_per_kg"].notna()]
    return priced.assign(value=priced["kg"] * priced["price_mxn_per_kg"]), float(sold["kg"].sum() - priced["kg"].sum())


def gross_income_per_ha(ctx: Context) -> Outcome:
    sales, unpriced = _sales(ctx)
    h = ctx.harvests
    if h.empty:
        return no_data("no harvest records")
    area = h.drop_duplicates(["plot_id", "year"])["area_ha"].sum()
    return Outcome(_div(sales["value"].sum(), area), len(sales), None,
                   details={"sales_mxn": float(sales["value"].sum()), "plot_year_ha": float(area),
                            "sold_kg_without_price": unpriced})


def gross_income_per_family(ctx: Context) -> Outcome:
    sales, unpriced = _sales(ctx)
    h = ctx.harvests
    if h.empty:
        return no_data("no harvest records")
    fy = len(h.drop_duplicates(["family_id", "year"]))
    return Outcome(_div(sales["value"].sum(), fy), len(sales), None,
                   details={"family_years": fy, "sold_kg_without_price": unpriced})


def months_with_income(ctx: Context) -> Outcome:
    led = ctx.ledger
    if led.empty:
        return no_data("no ledger (household economy calendar) records")
    income = (led["kind"] == "income").to_numpy()
    # integer codes for the calendar: income rows keep their source category; the months with income do not
    # depend on the expense destination, so every expense row is passed as destination "other"
    category = led["category"].astype("category")
    cat_codes = category.cat.codes.to_numpy()
    labels = (*[str(c) for c in category.cat.categories], "other")
    cat = np.where(income, cat_codes, len(labels) - 1)
    kind = np.where(income, 0, 1)
    cal = household_calendar(Ledger(led["family_id"].to_numpy(), led["year"].to_numpy(), led["month"].to_numpy(),
                                    kind, cat, led["amount_mxn"].to_numpy(float), categories=labels))  # fmt: skip
    m = cal.months_with_income
    hist = np.bincount(m, minlength=13) / len(m)
    return Outcome(float(m.mean()), len(m), {str(k): float(v) for k, v in enumerate(hist)})


def destination_kg(ctx: Context) -> pd.DataFrame:
    """kg by crop (rows) and destination (columns) of the filtered harvests, computed once per context."""
    def build(c: Context) -> pd.DataFrame:
        d = c.destinations
        return d.groupby(["species", "destination"], observed=True)["kg"].sum().unstack("destination", fill_value=0.0)

    return ctx.memo("destination_kg", build)


def _share_by_crop(ctx: Context, numerator: str) -> Outcome:
    d = ctx.destinations
    if d.empty:
        return no_data("no harvest destination records")
    g = destination_kg(ctx)
    total = g.sum(axis=1)
    own = g["self"] if "self" in g.columns else pd.Series(0.0, index=g.index)
    part = own if numerator == "self" else total - own
    keep = total > 0
    return Outcome(None, len(d), (part[keep] / total[keep]).to_dict())


def self_consumption_share(ctx: Context) -> Outcome:
    return _share_by_crop(ctx, "self")


def market_share(ctx: Context) -> Outcome:
    return _share_by_crop(ctx, "market")


# -- NPV and payback from records -------------------------------------------------------------------------
def _is_tree_code() -> dict[str, bool]:
    return {c: bool((r.get("mature_yield_kg_per_tree") or "").strip()) for c, r in species().items()}


def record_flows(ctx: Context) -> tuple[pd.DataFrame, RecordFlows] | None:
    """The recorded flows of the context's MIAF-D plots (one row per plot, one column per cash-flow year since
    the plot became MIAF-D, :func:`miaf.history.miaf_start`: the establishment date, else the first MIAF phase, else
    the first fruit-tree planting), for :func:`miaf.economics.records.record_economics`.

    Each plot's flows come from its own records only (self-consumption is valued at the plot's own kg-weighted
    sale price of that crop and year, else the catalogue price, times the replacement factor), so a plot's
    result does not depend on which other plots are selected: its economics page and the dashboard agree.
    None if there is no MIAF-D plot whose start is known.
    """
    from .environment import miaf_starts  # the one rule for when a plot became MIAF-D (miaf.history)

    econ = load_parameters("economics")
    plots = ctx.plots
    plots = plots[plots["system_ref"] == MIAF_D]
    start, _how = miaf_starts(ctx, plots)
    plots = plots.assign(miaf_start=start)
    last = ctx.ref_year
    plots = plots[plots["miaf_start"].notna() & (plots["miaf_start"].dt.year <= last)]
    if plots.empty:
        return None
    idx = pd.Index(plots["plot_id"])
    est = plots["miaf_start"].dt.year.to_numpy(np.int64)
    n, H = len(plots), int(last - est.min() + 1)

    def locate(plot_id, year) -> tuple[np.ndarray, np.ndarray]:  # noqa: ANN001
        """(row of the plot, cash-flow year) of each record; -1 for records outside the plots or the years."""
        i = idx.get_indexer(np.asarray(plot_id, dtype=np.int64))
        tt = np.asarray(year, dtype=np.int64) - est[np.maximum(i, 0)]
        bad = (i < 0) | (tt < 0) | (tt >= H)
        return np.where(bad, -1, i), np.where(bad, -1, tt)

    def grid(i, tt, amount) -> tuple[np.ndarray, np.ndarray]:  # noqa: ANN001
        """(sum of amount, any record) per plot and cash-flow year."""
        ok = i >= 0
        flat = i[ok] * H + tt[ok]
        total = np.bincount(flat, weights=np.asarray(amount, dtype=float)[ok], minlength=n * H).reshape(n, H)
        seen = (np.bincount(flat, minlength=n * H) > 0).reshape(n, H)
        return total, seen

    h = ctx.all_harvests[["harvest_id", "plot_id", "species", "year"]]
    hi, ht = locate(h["plot_id"], h["year"])
    _, harvested = grid(hi, ht, np.zeros(len(h)))
    keep = hi >= 0
    sp = h["species"].astype("category")
    cats = sp.cat.categories
    h = pd.DataFrame({"harvest_id": h["harvest_id"].to_numpy()[keep], "i": hi[keep], "t": ht[keep],
                      "sp": sp.cat.codes.to_numpy()[keep]})
    d = ctx.tables.destinations.merge(h, on="harvest_id")
    i, tt, code = d["i"].to_numpy(), d["t"].to_numpy(), d["sp"].to_numpy(np.int64)
    self_ = (d["destination"] == "self").to_numpy()
    price_kg = d["price_mxn_per_kg"].to_numpy(float)
    kg = d["kg"].to_numpy(float)
    sold = ~self_ & ~np.isnan(price_kg)
    value = np.where(sold, kg * np.nan_to_num(price_kg), 0.0)
    sales, _ = grid(i, tt, value)
    # the plot's own kg-weighted sale price of each crop and year (integer keys: plot row, year, crop)
    key = (i.astype(np.int64) * H + tt) * max(len(cats), 1) + code
    ukey, inv = np.unique(key, return_inverse=True)
    v_sum = np.bincount(inv, weights=value, minlength=len(ukey))
    kg_sum = np.bincount(inv, weights=np.where(sold, kg, 0.0), minlength=len(ukey))
    with np.errstate(divide="ignore", invalid="ignore"):
        own_price = np.where(kg_sum > 0, v_sum / kg_sum, np.nan)[inv]
    catalogue = np.array([float(species().get(str(c), {}).get("default_price_mxn_kg") or "nan") for c in cats])
    p = np.where(np.isnan(own_price), catalogue[code] if len(cats) else np.nan, own_price)
    eaten, _ = grid(np.where(self_, i, -1), tt, np.where(self_, kg * np.nan_to_num(p), 0.0)
                    * float(econ["replacement_price_factor"]))
    inp = ctx.tables.inputs.dropna(subset=["plot_id"])
    purchases, has_purchases = grid(*locate(inp["plot_id"], inp["purchased_on"].dt.year), inp["cost_mxn"])
    lab = ctx.tables.labour.dropna(subset=["plot_id"])
    li, lt = locate(lab["plot_id"], lab["year"])
    hired = (lab["kind"] == "hired").to_numpy()
    wage = lab["wage_mxn_per_day"].fillna(float(econ["wage_mxn_day"])).to_numpy(float)
    days = lab["person_days"].to_numpy(float)
    hired_cost, has_labour = grid(li, lt, np.where(hired, days * wage, 0.0))
    family_days, _ = grid(li, lt, np.where(hired, 0.0, days))
    pl = ctx.tables.plantings
    is_tree = pl["species"].astype("category")
    is_tree = is_tree.cat.rename_categories(lambda c: str(c)).map(_is_tree_code()).astype("boolean").fillna(False)
    trees = pl[(pl["unit"] == "plants").to_numpy() & is_tree.to_numpy(bool)]
    n_trees = trees.groupby("plot_id")["quantity"].sum().reindex(idx).fillna(0.0).to_numpy(float)
    rf = RecordFlows(area_ha=plots["area_ha"].to_numpy(float), n_trees=n_trees, span=last - est + 1,
                     harvested=harvested, benefits=sales + eaten, purchases=purchases, has_purchases=has_purchases,
                     hired_cost=hired_cost, family_days=family_days, has_labour=has_labour,
                     slope_pct=pd.to_numeric(plots["mean_slope_pct"], errors="coerce").to_numpy(float)
                     if "mean_slope_pct" in plots else None)
    return plots, rf


def plot_record_economics(ctx: Context) -> pd.DataFrame | None:
    """Per MIAF-D plot of the context: the results of :func:`~miaf.economics.records.record_economics`, indexed by
    plot_id (computed once per context; shared by npv_per_ha, payback_years and the plot page)."""
    def build(c: Context) -> pd.DataFrame | None:
        res = record_flows(c)
        if res is None:
            return None
        plots, rf = res
        out = record_economics(rf)
        df = pd.DataFrame({k: v for k, v in out.items() if np.ndim(v) == 1}, index=pd.Index(plots["plot_id"]))
        df["area_ha"] = rf.area_ha
        df["established_year"] = plots["miaf_start"].dt.year.to_numpy()
        return df

    return ctx.memo("plot_record_economics", build)


def _cost_report(df: pd.DataFrame) -> dict:
    missing = df.index[~df["cost_records"].to_numpy(bool)]
    return {"plots_without_cost_records": int(len(missing)),
            "share_without_cost_records": float(len(missing) / len(df)),
            "plot_ids_without_cost_records": [int(x) for x in missing[:50]],
            "skipped_plot_years": int(df["skipped_years"].sum()),
            "modelled_labour_plot_years": int(df["modelled_labour_years"].sum())}


def _cost_reason(df: pd.DataFrame) -> str:
    k = int((~df["cost_records"].to_numpy(bool)).sum())
    if not k:
        return ""
    return (f"{k} of {len(df)} MIAF-D plots have no input purchase record: their establishment cost is the priced "
            "bill of materials and their yearly inputs the economics.csv defaults (not zero)")


def npv_per_ha(ctx: Context) -> Outcome:
    df = plot_record_economics(ctx)
    if df is None:
        return no_data("no MIAF-D plot with an establishment date")
    area = df["area_ha"].sum()
    v, cash = df["npv_mxn"].to_numpy(), df["npv_cash_mxn"].to_numpy()
    per_ha = float(v.sum() / area)
    # the pair (issue 16): family days valued at the wage (the headline) and the family's cash view
    pair = {"family_days_valued": per_ha, "cash_view": float(cash.sum() / area)}
    return Outcome(per_ha, len(df), pair, reason=_cost_reason(df),
                   details={"discount_rate": float(df["discount_rate"].iloc[0]),
                            "median_npv_per_plot_mxn": float(np.median(v)), "share_positive": float(np.mean(v > 0)),
                            "last_year": ctx.ref_year, "flows": "incremental: MIAF-D minus the milpa on the same area",
                            "family_labour": "valued at wage_mxn_day",
                            "npv_cash_per_ha_mxn": float(cash.sum() / area),
                            "median_npv_cash_per_plot_mxn": float(np.median(cash)), **_cost_report(df)})


def _median_payback(pb: np.ndarray) -> float | None:
    """Median over every plot, a plot not yet paid back counting as longer than any that has (+inf); None
    when fewer than half have paid back (the median is then 'not yet reached')."""
    m = float(np.median(np.where(np.isfinite(pb), pb, np.inf)))
    return m if np.isfinite(m) else None


def payback_years(ctx: Context) -> Outcome:
    df = plot_record_economics(ctx)
    if df is None:
        return no_data("no MIAF-D plot with an establishment date")
    pb, pb_cash = df["payback_years"].to_numpy(), df["payback_cash_years"].to_numpy()
    reached = np.isfinite(pb)
    value = _median_payback(pb)
    details = {"median_among_paid_back": float(np.median(pb[reached])) if reached.any() else None,
               "median_cash_view": _median_payback(pb_cash), "share_reached_cash_view": float(np.isfinite(pb_cash).mean()),
               "median_recorded_years": float(np.median(df["counted_years"])), **_cost_report(df)}
    breakdown = {"share_reached": float(reached.mean())}
    reason = _cost_reason(df)
    if value is None:
        reason = "; ".join(x for x in (f"fewer than half of the {len(df)} MIAF-D plots have paid back within their "
                                       "recorded years (the median is not reached yet)", reason) if x)
    return Outcome(value, len(df), breakdown, reason=reason, details=details)
