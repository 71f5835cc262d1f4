"""Productivity and income indicators (FAO climate-smart agriculture pillar 1), vectorised over records.

Yields are kg per hectare of *whole plot* (``plots.area_ha``), not per hectare of crop strip: the share
of a MIAF-D plot under maize is not recorded per plot, and the same area is used for a plot's baseline
and MIAF-D years, so the gain ratios do not depend on it (the demo's headline figures use the same rule).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from miaf.economics import finance
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
def _plot_flows(ctx: Context) -> tuple[pd.DataFrame, np.ndarray] | None:
    """Net flow by MIAF-D plot and year since establishment (year 0), from records; None if no plot."""
    econ = load_parameters("economics")
    plots = ctx.plots
    plots = plots[(plots["system_ref"] == MIAF_D) & plots["established_on"].notna()]
    last = ctx.ref_year
    plots = plots[plots["established_on"].dt.year <= last]
    if plots.empty:
        return None
    idx = pd.Index(plots["plot_id"])
    est = plots["established_on"].dt.year.to_numpy(np.int64)
    n_years = int(last - est.min() + 1)
    flows = np.zeros((len(plots), n_years))

    def add(plot_id: pd.Series, year: np.ndarray, amount: np.ndarray) -> None:
        i = idx.get_indexer(plot_id)
        ok = i >= 0
        t = np.asarray(year, dtype=np.int64)[ok] - est[i[ok]]
        keep = (t >= 0) & (t < n_years)
        np.add.at(flows, (i[ok][keep], t[keep]), np.asarray(amount, dtype=float)[ok][keep])

    h = ctx.all_harvests[["harvest_id", "plot_id", "species", "year"]]
    d = ctx.tables.destinations.merge(h, on="harvest_id")
    sold = d[(d["destination"] != "self") & d["price_mxn_per_kg"].notna()]
    add(sold["plot_id"], sold["year"], sold["kg"] * sold["price_mxn_per_kg"])
    price = (sold.assign(v=sold["kg"] * sold["price_mxn_per_kg"]).groupby(["species", "year"])[["v", "kg"]].sum())
    price = price["v"] / price["kg"]
    own = d[d["destination"] == "self"]
    p = price.reindex(pd.MultiIndex.from_arrays([own["species"], own["year"]])).to_numpy()
    default = own["species"].map({c: float(r["default_price_mxn_kg"] or "nan") for c, r in species().items()})
    p = np.where(np.isnan(p), default.to_numpy(float), p)
    add(own["plot_id"], own["year"], own["kg"].to_numpy() * np.nan_to_num(p) * float(econ["replacement_price_factor"]))
    inp = ctx.tables.inputs.dropna(subset=["plot_id"])
    add(inp["plot_id"].astype(np.int64), inp["purchased_on"].dt.year.to_numpy(), -inp["cost_mxn"].to_numpy())
    lab = ctx.tables.labour
    hired = lab[(lab["kind"] == "hired") & lab["plot_id"].notna()]
    wage = hired["wage_mxn_per_day"].fillna(float(econ["wage_mxn_day"]))
    add(hired["plot_id"].astype(np.int64), hired["year"].to_numpy(), -(hired["person_days"] * wage).to_numpy())
    span = last - est + 1
    flows[np.arange(n_years)[None, :] >= span[:, None]] = 0.0
    return plots, flows


def _family_labour_flows(ctx: Context, plots: pd.DataFrame, n_years: int) -> np.ndarray:
    """Family days logged on each MIAF-D plot per year since establishment × the wage [MXN]: their
    opportunity cost (economics.csv ``wage_mxn_day``; issue 16)."""
    wage = float(load_parameters("economics")["wage_mxn_day"])
    idx = pd.Index(plots["plot_id"])
    est = plots["established_on"].dt.year.to_numpy(np.int64)
    out = np.zeros((len(plots), n_years))
    lab = ctx.tables.labour
    fam = lab[(lab["kind"] == "family") & lab["plot_id"].notna()]
    i = idx.get_indexer(fam["plot_id"].astype(np.int64))
    ok = i >= 0
    t = fam["year"].to_numpy(np.int64)[ok] - est[i[ok]]
    keep = (t >= 0) & (t < n_years) & (t <= ctx.ref_year - est[i[ok]])
    np.add.at(out, (i[ok][keep], t[keep]), fam["person_days"].to_numpy(float)[ok][keep] * wage)
    return out


def npv_per_ha(ctx: Context) -> Outcome:
    res = ctx.memo("plot_flows", _plot_flows)
    if res is None:
        return no_data("no MIAF-D plot with an establishment date")
    plots, flows = res
    rate = float(load_parameters("economics")["discount_rate"])
    cash = finance.npv(rate, flows)  # the family's cash view: family days unpaid
    v = cash - finance.npv(rate, _family_labour_flows(ctx, plots, flows.shape[1]))
    area = plots["area_ha"].to_numpy()
    per_ha = float(v.sum() / area.sum())
    # the pair (issue 16): family days valued at the wage (the headline) and the family's cash view
    pair = {"family_days_valued": per_ha, "cash_view": float(cash.sum() / area.sum())}
    return Outcome(per_ha, len(plots), pair,
                   details={"discount_rate": rate, "median_npv_per_plot_mxn": float(np.median(v)),
                            "share_positive": float(np.mean(v > 0)), "last_year": ctx.ref_year,
                            "family_labour": "valued at wage_mxn_day",
                            "npv_cash_per_ha_mxn": float(cash.sum() / area.sum()),
                            "median_npv_cash_per_plot_mxn": float(np.median(cash))})


def payback_years(ctx: Context) -> Outcome:
    res = ctx.memo("plot_flows", _plot_flows)
    if res is None:
        return no_data("no MIAF-D plot with an establishment date")
    plots, flows = res
    pb = finance.payback_years(flows)
    reached = np.isfinite(pb)
    if not reached.any():
        return Outcome(None, len(plots), {"share_reached": 0.0}, reason="no plot has paid back yet")
    return Outcome(float(np.median(pb[reached])), len(plots), {"share_reached": float(reached.mean())})
