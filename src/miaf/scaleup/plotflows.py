"""Per-stratum plot flows by plot age, from the existing plot models (no second implementation).

For one stratum (a typical hillside and its MIAF-D plot) and every Monte Carlo draw this module returns,
for each year after planting ``a = 0 … H − 1``, what one enrolled family's plot adds compared with the
traditional milpa on the same land:

* economics from :class:`miaf.economics.cashflow.PlotModel` (its vectorised :meth:`~PlotModel.simulate`,
  one row per draw and unit-yield level);
* soil kept from :func:`miaf.environment.erosion.soil_loss_closed_form` (the vectorised closed form that
  :func:`~miaf.environment.erosion.evaluate_soil_loss` uses without a DEM), all ages and draws in one call,
  with the cover and barrier factors drawn from ``erosion.csv`` (:func:`erosion_draws`);
* carbon from :func:`miaf.environment.carbon.evaluate_carbon` (per age).

Unit heterogeneity enters through a yield multiplier ``y`` of maize and beans. Every flow of the plot
model is linear in the crop yields (kg = area · share · yield; sales, self-consumption and LER use kg
linearly; labour and costs do not depend on yields), so the flows of a unit are exactly
``F(y) = F0 + y · F1`` with ``F0 = F(0)`` and ``F1 = F(1) − F(0)``: the plot model runs twice per draw,
not once per unit.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np

from miaf.design.core import module_width
from miaf.economics.cashflow import PlotModel
from miaf.economics.scenario import PlotScenario
from miaf.economics.uncertainty import sample_parameters
from miaf.environment.carbon import CarbonInputs, evaluate_carbon
from miaf.environment.erosion import UNCERTAIN_KEYS, ErosionInputs, resolve_r_factor, soil_loss_closed_form
from miaf.params import load_parameters, species

__all__ = ["ECON_METRICS", "StratumFlows", "stratum_flows", "stratum_plot_scenario", "trees_per_ha"]

#: Per-unit economic flows by plot age (incremental = MIAF-D minus the milpa on the same land).
ECON_METRICS = (
    "maize_kg", "bean_kg", "maize_self_kg", "bean_self_kg", "maize_gain_kg", "bean_gain_kg",
    "net_income_mxn", "family_income_mxn", "person_days", "establishment_mxn",
)
CROPS = ("maiz", "frijol")


def trees_per_ha(slope_pct: float, code: str) -> float:
    """Trees per ha [ha⁻¹] of a MIAF-D plot: 10,000 / (module width(slope) × in-row spacing of the species).

    The module width is :func:`miaf.design.core.module_width` (14.5 m up to 20 %, 10.6 m above); the
    in-row spacing is the species' ``in_row_spacing_m`` (``design.csv`` default otherwise).
    """
    text = (species()[code].get("in_row_spacing_m") or "").strip()
    spacing = float(text) if text else float(load_parameters("design")["tree_spacing_default_m"])
    return 10_000.0 / (float(module_width(slope_pct)) * spacing)


def stratum_plot_scenario(row: dict, horizon: int) -> PlotScenario:
    """The plot scenario of one family of a stratum: its MIAF-D plot area, tree species and trees, milpa
    of maize and beans, against the milpa of maize and beans on the same land."""
    area = float(row["miaf_plot_ha"])
    code = str(row["tree_species"])
    n_trees = round(trees_per_ha(float(row["slope_pct"]), code) * area)
    return PlotScenario.from_dict({
        "name": str(row["stratum"]), "area_ha": area, "horizon_years": int(horizon),
        "trees": [{"species": code, "n_trees": n_trees}],
        "crops": list(CROPS), "baseline_crops": list(CROPS),
        "slope_pct": float(row["slope_pct"]),  # the design's tree band and crop strips at this slope
    })


# population column → plot-model parameter it replaces (blank cells keep the model default)
_OVERRIDES = {
    "maize_yield_kg_ha": "yield.maiz", "bean_yield_kg_ha": "yield.frijol", "maize_price_mxn_kg": "price.maiz",
    "bean_price_mxn_kg": "price.frijol", "wage_mxn_day": "wage_mxn_day",
}


def erosion_draws(n: int, seed: int, central: bool) -> dict[str, np.ndarray]:
    """Draws (n, 1) of the uncertain cover and barrier factors of ``erosion.csv``
    (:data:`miaf.environment.erosion.UNCERTAIN_KEYS`), triangular on (low, value, high) as
    :func:`~miaf.environment.erosion.soil_loss_uncertainty` draws them; one stream per factor name, so every
    stratum gets the same draw of a factor. ``central``: the table values."""
    prm = load_parameters("erosion")
    out = {}
    for key in UNCERTAIN_KEYS:
        p = prm[key]
        v = float(p)
        if central or p.low is None or p.high is None or p.high <= p.low:
            out[key] = np.full((n, 1), v)
        else:
            rng = np.random.default_rng([int(seed), zlib.crc32(f"erosion:{key}".encode())])
            out[key] = rng.triangular(float(p.low), v, float(p.high), size=(n, 1))
    return out


@dataclass
class StratumFlows:
    """Flows of one family's plot in a stratum, per draw ``d`` and plot age ``a``.

    ``f0``/``f1`` (D, H, len(ECON_METRICS)): economics at unit yield 0 and the slope per unit yield;
    ``soil_kept_t`` (D, H) [t yr⁻¹ per plot]; ``co2e_t`` (D, H) [t CO₂e per plot, stock difference against the
    milpa at the end of year ``a``]; ``central_values``: the plot-model parameters used at the central run.
    """

    f0: np.ndarray
    f1: np.ndarray
    soil_kept_t: np.ndarray
    co2e_t: np.ndarray
    area_ha: float
    n_trees: float
    central_values: dict


def _plot_values(model: PlotModel, row: dict, sample: bool, seed: int,
                 survival: np.ndarray) -> tuple[dict[str, np.ndarray], dict[str, float]]:
    """Parameter values per draw and the stratum's central values.

    Central values: the plot model's defaults, replaced by the stratum's own yields, prices and wage where
    the population table gives them. Draws: each uncertain parameter's draw from its table distribution,
    scaled by (stratum central / table central), so all strata share the same relative draw of a parameter
    (sampling streams are keyed by parameter name). Tree survival multiplies ``tree_yield_factor``.
    """
    table_central = model.central_values()
    central = dict(table_central)
    for col, key in _OVERRIDES.items():
        v = row.get(col)
        if key in central and v is not None and np.isfinite(v):
            central[key] = float(v)
    n = survival.size
    values = {k: np.full(n, float(c)) for k, c in central.items()}
    if sample:
        for k, x in sample_parameters(model.distributions(), n, seed).items():
            c0 = float(table_central[k])
            values[k] = x * (central[k] / c0) if c0 != 0 else x
    values["tree_yield_factor"] = values["tree_yield_factor"] * survival
    return values, central


def stratum_flows(row: dict, horizon: int, draws: dict[str, np.ndarray], seed: int, central: bool) -> StratumFlows:
    """Flows of one stratum for every draw (see :class:`StratumFlows`).

    Parameters
    ----------
    row : dict, one population row (``Population.row``).
    horizon : int [yr].
    draws : dict of programme-level draws, each (D,): ``tree_survival``, ``soil_loss_factor``,
        ``carbon_tree_quantile``.
    seed : int, Monte Carlo seed of the economic parameters.
    central : bool, True: every plot-model parameter at its central value (no economic sampling).
    """
    scenario = stratum_plot_scenario(row, horizon)
    model = PlotModel(scenario, sample_defaults=True)
    survival = np.asarray(draws["tree_survival"], dtype=float)
    d = survival.size
    values, central_values = _plot_values(model, row, not central, seed, survival)
    both = {k: np.concatenate([v, v]) for k, v in values.items()}
    for code in CROPS:
        both[f"yield.{code}"] = np.concatenate([np.zeros(d), values[f"yield.{code}"]])
    miaf, base = model.simulate(both)
    share = {c: both[f"self_consumption_share.{c}"][:, None] for c in CROPS}
    flows = {
        "maize_kg": miaf.harvest_kg["maiz"],
        "bean_kg": miaf.harvest_kg["frijol"],
        "maize_self_kg": miaf.harvest_kg["maiz"] * share["maiz"],
        "bean_self_kg": miaf.harvest_kg["frijol"] * share["frijol"],
        "maize_gain_kg": miaf.harvest_kg["maiz"] - base.harvest_kg["maiz"],
        "bean_gain_kg": miaf.harvest_kg["frijol"] - base.harvest_kg["frijol"],
        "net_income_mxn": miaf.net - base.net,
        "family_income_mxn": (miaf.benefits - miaf.cash_costs) - (base.benefits - base.cash_costs),
        "person_days": (miaf.family_days + miaf.hired_days) - (base.family_days + base.hired_days),
        "establishment_mxn": np.broadcast_to(miaf.establishment, miaf.net.shape),
    }
    f = np.stack([np.asarray(flows[m], dtype=float) for m in ECON_METRICS], axis=-1)  # (2D, H, M)
    f0, f1 = f[:d], f[d:] - f[:d]

    area = scenario.area_ha
    ages = np.arange(horizon)
    r_factor, _ = resolve_r_factor(ErosionInputs(rainfall_mm=float(row["rainfall_mm"])))
    closed = soil_loss_closed_form(
        np.ones((1, horizon), dtype=bool), ages.astype(float)[None, :], r_factor, float(row["k_factor"]),
        float(row["slope_pct"]), float(row["slope_length_m"]), np.nan, np.nan,
        str(load_parameters("erosion")["steep_slope_factor"].value), erosion_draws(d, seed, central),
    )
    kept = np.asarray(closed["traditional"], dtype=float) - np.asarray(closed["soil_loss"], dtype=float)  # (D, H)
    soil = np.broadcast_to(kept, (d, horizon)) * area * np.asarray(draws["soil_loss_factor"], dtype=float)[:, None]

    k_co2 = float(load_parameters("carbon")["co2_per_c"])
    maize = central_values["yield.maiz"]
    diff, tree, low, high = [], [], [], []
    for a in ages:
        res = evaluate_carbon(CarbonInputs(
            species=str(row["tree_species"]), n_trees=int(scenario.n_trees), age_years=float(a + 1), area_ha=area,
            climate_zone=str(row["climate_zone"]), soil_type=str(row.get("soil_type") or "lac"),
            maize_yield_kg_ha=maize, slope_pct=float(row["slope_pct"]),  # tree band by the design rule
        ))
        pools = [p for p in res.pools if p.name.startswith("tree_")]
        diff.append(res.total_t_c_ha - res.traditional_t_c_ha)
        tree.append(sum(p.stock_t_c_ha for p in pools))
        low.append(sum(p.low_t_c_ha for p in pools))
        high.append(sum(p.high_t_c_ha for p in pools))
    diff, tree, low, high = (np.asarray(x)[None, :] for x in (diff, tree, low, high))
    q = np.asarray(draws["carbon_tree_quantile"], dtype=float)[:, None]
    tree_d = np.where(q >= 0, tree + q * (high - tree), tree + q * (tree - low))
    co2e = (diff + survival[:, None] * tree_d - tree) * k_co2 * area
    return StratumFlows(f0=f0, f1=f1, soil_kept_t=soil, co2e_t=co2e, area_ha=area, n_trees=scenario.n_trees,
                        central_values=central_values)

