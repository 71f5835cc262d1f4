"""The scale-up model: enrolment schedule, programme draws, per-stratum contraction and regional totals.

Pipeline (see docs/scaleup.md):

1. :func:`enrolment_schedule`: families enrolled per stratum and year from the targets (or the budget),
   capped by the eligible families left, by promoter capacity and by the budget; every cap is reported.
2. :func:`programme_draws`: the Monte Carlo draws of the programme rates (adoption, drop-out, survival,
   soil-loss and carbon uncertainty, poverty line).
3. Per stratum, :func:`miaf.scaleup.plotflows.stratum_flows` (plot models) and, per chunk of units,
   :func:`miaf.scaleup.kernel.unit_chunk` (exact integer counts).
4. :func:`contract_stratum`: counts × flows → the stratum's yearly totals per draw.
5. :func:`regional_totals`: sums by region, promoters (whole people per region), public cost and its
   components, cost per t CO₂e and per family above the poverty line.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from scipy.special import ndtr

from miaf.economics.uncertainty import Distribution, sample_parameters
from miaf.params import load_parameters

from .kernel import YIELD_SCALE
from .plotflows import ECON_METRICS, StratumFlows
from .population import Population
from .scenario import RATE_KEYS, Scenario

__all__ = ["METRICS", "Schedule", "contract_stratum", "enrolment_schedule", "programme_draws", "regional_totals"]

#: Outputs by draw, region and year (units in the names).
METRICS = (
    "families_enrolled", "families_active", "hectares", "maize_kg", "bean_kg", "maize_self_kg", "bean_self_kg",
    "maize_gain_kg", "bean_gain_kg", "net_income_mxn", "family_income_mxn", "person_days", "soil_loss_avoided_t",
    "co2e_t", "families_accompanied", "families_lifted", "promoters_needed", "promoters_bilingual_needed",
    "cost_training_mxn", "cost_promoters_mxn", "cost_other_accompaniment_mxn", "cost_subsidy_mxn",
    "cost_transfers_mxn", "public_cost_mxn", "public_cost_cumulative_mxn", "cost_per_t_co2e_mxn",
    "cost_per_family_lifted_mxn",
)
# summed per stratum (before the regional step)
STRATUM_METRICS = (
    "families_enrolled", "families_active", "hectares", *[m for m in ECON_METRICS if m != "establishment_mxn"],
    "soil_loss_avoided_t", "co2e_t", "families_accompanied", "families_accompanied_indigenous",
    "families_lifted", "families_new_enrolled", "families_transfer", "establishment_adopters_mxn",
)


@dataclass
class Schedule:
    """Families enrolled per stratum and year (real families), the simulated units enrolled, and caps."""

    new_real: np.ndarray  # (S, H) families enrolled in year y
    cum_synth: np.ndarray  # (S, H) simulated units enrolled by the end of year y
    warnings: list[str] = field(default_factory=list)
    capped_years: dict[str, list[int]] = field(default_factory=dict)


def _largest_remainder(total: int, weights: np.ndarray, caps: np.ndarray) -> np.ndarray:
    """Integers summing to ``total`` (≤ caps.sum()), proportional to ``weights``, each ≤ its cap."""
    out = np.zeros(weights.size, dtype=np.int64)
    left = int(min(total, caps.sum()))
    while left > 0:
        room = caps - out
        w = np.where(room > 0, weights, 0.0)
        if w.sum() <= 0:
            break
        quota = w / w.sum() * left
        add = np.minimum(np.floor(quota).astype(np.int64), room)
        rest = left - int(add.sum())
        if rest > 0:
            order = np.argsort(-(quota - np.floor(quota)), kind="stable")
            for i in order:
                if rest == 0:
                    break
                if add[i] < room[i] and w[i] > 0:
                    add[i] += 1
                    rest -= 1
        if add.sum() == 0:
            break
        out += add
        left -= int(add.sum())
    return out


def central_family_cost(scenario: Scenario, establishment_mxn: float, year_of_plot: int) -> float:
    """Planning cost [MXN] of one family in plot year ``a`` at central values (for budget-driven enrolment)."""
    cost = 0.0
    if year_of_plot == 0:
        cost += scenario.training_mxn_family + scenario.subsidy_share * establishment_mxn
    if year_of_plot < scenario.accompaniment_years:
        cost += scenario.promoter_cost_mxn_yr / scenario.families_per_promoter
        cost += scenario.other_accompaniment_mxn_family_yr
    if year_of_plot < scenario.transfer_years:
        cost += scenario.transfer_mxn_family_yr
    return cost


def enrolment_schedule(scenario: Scenario, population: Population, n_units: np.ndarray, weight: np.ndarray,
                       establishment_mxn: np.ndarray) -> Schedule:
    """Families enrolled per stratum and year, capped; simulated units enrolled.

    Notes
    -----
    Year ``y``: wanted = target(y), or ⌊(budget(y) − cost of earlier cohorts) / cost of a new family⌋ at
    central values. Enrolled = min(wanted, eligible families left, promoter capacity − families still in
    their accompaniment years). Families are shared among strata in proportion to the eligible families
    left (largest remainder), within ``regions`` when the scenario names them. Simulated units enrolled
    = round(real / weight), never more than the stratum's units.
    """
    h = scenario.horizon_years
    s_count = len(population)
    eligible = population.eligible.astype(np.int64).copy()
    warnings: list[str] = []
    capped: dict[str, list[int]] = {"population": [], "promoters": [], "budget": []}
    if scenario.regions is not None:
        known = set(population.regions)
        unknown = [r for r in scenario.regions if r not in known]
        if unknown:
            raise ValueError(f"enrolment.regions: unknown region(s) {unknown}; the population has {sorted(known)}")
        inside = np.isin(population["region"], scenario.regions)
        eligible = np.where(inside, eligible, 0)
    # simulated units represent eligible families; a stratum without units cannot enrol
    remaining = np.where(n_units > 0, eligible, 0)
    lost = int(eligible.sum() - remaining.sum())
    if lost:
        warnings.append(f"{lost:,} eligible families are in strata without simulated units; raise --units")
    mean_est = float(np.average(establishment_mxn, weights=np.maximum(eligible, 1)))
    new = np.zeros((s_count, h), dtype=np.int64)
    totals = np.zeros(h, dtype=np.int64)
    for y in range(h):
        if scenario.targets is not None:
            want = scenario.target(y)
        else:
            committed = sum(totals[e] * central_family_cost(scenario, mean_est, y - e) for e in range(y))
            per_new = central_family_cost(scenario, mean_est, 0)
            want = max(int(math.floor((scenario.budget(y) - committed) / per_new)), 0) if per_new > 0 else 10**12
            if committed > scenario.budget(y):
                capped["budget"].append(y)
        n = int(want)
        left = int(remaining.sum())
        if n > left:
            capped["population"].append(y)
            n = left
        cap = scenario.promoter_capacity(y) * scenario.families_per_promoter
        in_acc = int(totals[max(0, y - scenario.accompaniment_years + 1):y].sum())
        if math.isfinite(cap) and n > cap - in_acc:
            capped["promoters"].append(y)
            n = max(int(math.floor(cap - in_acc)), 0)
        alloc = _largest_remainder(n, remaining.astype(float), remaining)
        new[:, y] = alloc
        totals[y] = int(alloc.sum())
        remaining -= alloc
    for why, years in capped.items():
        if years:
            label = {"population": "the eligible families left", "promoters": "promoter capacity",
                     "budget": "the budget (earlier cohorts cost more than it)"}[why]
            warnings.append(f"enrolment capped by {label} in year(s) {', '.join(str(y) for y in years)}")
    cum_real = np.cumsum(new, axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        cum_synth = np.where(weight[:, None] > 0, np.rint(cum_real / np.where(weight > 0, weight, 1)[:, None]), 0)
    cum_synth = np.minimum(np.maximum.accumulate(cum_synth.astype(np.int64), axis=1), n_units[:, None])
    return Schedule(new_real=new, cum_synth=cum_synth, warnings=warnings,
                    capped_years={k: v for k, v in capped.items() if v})


def programme_draws(scenario: Scenario, draws: int, seed: int, central: bool) -> dict[str, np.ndarray]:
    """Draws (D,) of the programme rates; central: one draw at the central values."""
    dists: dict[str, Distribution] = {RATE_KEYS[k]: d for k, d in scenario.rates.items()}
    if central:
        return {k: np.full(1, d.central()) for k, d in dists.items()}
    out = sample_parameters(dists, draws, seed)
    bounds = {"adoption_rate": (0, 1), "dropout_rate_year": (0, 0.999), "tree_survival": (0, 1),
              "soil_loss_factor": (0, None), "carbon_tree_quantile": (-1, 1), "poverty_line_mxn_household_yr": (0, None)}
    return {k: np.clip(v, *bounds[k]) for k, v in out.items()}


def contract_stratum(counts: dict[str, np.ndarray], flows: StratumFlows, weight: float, cum_synth: np.ndarray,
                     scenario: Scenario, row: dict, poverty_line: np.ndarray) -> dict[str, np.ndarray]:
    """Yearly totals of one stratum per draw: Σ over enrolment years and plot ages of counts × flows.

    Returns ``{metric: (D, H)}`` for :data:`STRATUM_METRICS`, in real families (× ``weight``).
    """
    active = counts["active"].astype(float)  # (D, E, A)
    ysum = counts["yield_sum"].astype(float) / YIELD_SCALE
    d, h = active.shape[0], active.shape[1]
    out = {m: np.zeros((d, h)) for m in STRATUM_METRICS}
    f0, f1 = flows.f0, flows.f1  # (D, A, M)
    fam0 = f0[..., ECON_METRICS.index("family_income_mxn")] + f1[..., ECON_METRICS.index("family_income_mxn")]
    est = f0[..., ECON_METRICS.index("establishment_mxn")]  # (D, A): nonzero at a = 0 only
    ages = np.arange(h)
    gain = (fam0 + scenario.subsidy_share * est
            + scenario.transfer_mxn_family_yr * (ages < scenario.transfer_years)[None, :])
    lifted_share = _lifted_share(gain, float(row["household_income_mxn_yr"]),
                                 float(load_parameters("scaleup")["household_income_cv"]), poverty_line)
    acc = (ages < scenario.accompaniment_years)[None, :]
    tr = (ages < scenario.transfer_years)[None, :]
    ind = float(row["indigenous_share"])
    for e in range(h):
        n = h - e
        c = active[:, e, :n]  # (D, n) units of cohort e at ages 0..n-1 = years e..h-1
        ys = ysum[:, e, :n]
        sl = slice(e, h)
        out["families_active"][:, sl] += c
        for j, m in enumerate(ECON_METRICS):
            if m == "establishment_mxn":
                continue
            out[m][:, sl] += c * f0[:, :n, j] + ys * f1[:, :n, j]
        out["soil_loss_avoided_t"][:, sl] += c * flows.soil_kept_t[:, :n]
        out["co2e_t"][:, sl] += c * flows.co2e_t[:, :n]
        out["families_accompanied"][:, sl] += c * acc[:, :n]
        out["families_transfer"][:, sl] += c * tr[:, :n]
        out["families_lifted"][:, sl] += c * lifted_share[:, :n]
        out["establishment_adopters_mxn"][:, e] += c[:, 0] * est[:, 0]
    not_adopted = counts["not_adopted"].astype(float)
    out["families_accompanied"] += not_adopted  # accompanied in their enrolment year
    out["families_accompanied_indigenous"] = out["families_accompanied"] * ind
    out["hectares"] = out["families_active"] * flows.area_ha
    enrolled_by = cum_synth.astype(float)
    out["families_enrolled"] = np.broadcast_to(enrolled_by, (d, h)).copy()
    out["families_new_enrolled"] = np.broadcast_to(np.diff(enrolled_by, prepend=0.0), (d, h)).copy()
    return {m: v * weight for m, v in out.items()}


def _lifted_share(gain: np.ndarray, mean_income: float, cv: float, line: np.ndarray) -> np.ndarray:
    """Net share of a stratum's families moved above the poverty line by an income gain.

    Household income lognormal with mean ``mean_income`` and coefficient of variation ``cv``:
    share = P(L − g ≤ I < L) = F(L) − F(L − g) for a gain g > 0 (negative for a loss that pushes families
    below the line). ``gain`` (D, A) [MXN yr⁻¹], ``line`` (D,) [MXN yr⁻¹].
    """
    s2 = math.log1p(cv * cv)
    mu = math.log(mean_income) - 0.5 * s2
    s = math.sqrt(s2)
    line = np.asarray(line, dtype=float)[:, None]

    def cdf(x):
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(x > 0, ndtr((np.log(np.maximum(x, 1e-300)) - mu) / s), 0.0)

    return cdf(line) - cdf(line - gain)


def regional_totals(per_stratum: list[dict[str, np.ndarray]], population: Population, scenario: Scenario,
                    ) -> dict[str, dict[str, np.ndarray]]:
    """Totals by region and for the nation: ``{region: {metric: (D, H)}}`` (key ``"Nacional"`` for all).

    Promoters are whole people per region: ⌈families accompanied / families per promoter⌉; bilingual
    promoters ⌈indigenous families accompanied / families per promoter⌉. Public cost = training +
    promoters + other accompaniment + establishment subsidy + transfers; the national promoters are the
    sum of the regional ones.
    """
    regions = population.regions
    out: dict[str, dict[str, np.ndarray]] = {}
    for region in regions:
        idx = [i for i, r in enumerate(population["region"]) if r == region]
        acc: dict[str, np.ndarray] = {}
        for i in idx:  # fixed order: deterministic float sums
            for m, v in per_stratum[i].items():
                acc[m] = acc[m] + v if m in acc else v.copy()
        out[region] = _finish(acc, scenario)
    national: dict[str, np.ndarray] = {}
    for region in regions:
        for m in (*STRATUM_METRICS, "promoters_needed", "promoters_bilingual_needed"):
            v = out[region][m]
            national[m] = national[m] + v if m in national else v.copy()
    out["Nacional"] = _finish(national, scenario, promoters_given=True)
    return out


def _finish(acc: dict[str, np.ndarray], scenario: Scenario, promoters_given: bool = False) -> dict[str, np.ndarray]:
    r = dict(acc)
    if not promoters_given:
        eps = 1e-9  # counts × weights are not exact integers; do not hire for a rounding residue
        r["promoters_needed"] = np.ceil(np.maximum(r["families_accompanied"] / scenario.families_per_promoter - eps, 0))
        r["promoters_bilingual_needed"] = np.ceil(
            np.maximum(r["families_accompanied_indigenous"] / scenario.families_per_promoter - eps, 0))
    r["cost_training_mxn"] = r["families_new_enrolled"] * scenario.training_mxn_family
    r["cost_promoters_mxn"] = r["promoters_needed"] * scenario.promoter_cost_mxn_yr
    r["cost_other_accompaniment_mxn"] = r["families_accompanied"] * scenario.other_accompaniment_mxn_family_yr
    r["cost_subsidy_mxn"] = r["establishment_adopters_mxn"] * scenario.subsidy_share
    r["cost_transfers_mxn"] = r["families_transfer"] * scenario.transfer_mxn_family_yr
    r["public_cost_mxn"] = (r["cost_training_mxn"] + r["cost_promoters_mxn"] + r["cost_other_accompaniment_mxn"]
                            + r["cost_subsidy_mxn"] + r["cost_transfers_mxn"])
    r["public_cost_cumulative_mxn"] = np.cumsum(r["public_cost_mxn"], axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        r["cost_per_t_co2e_mxn"] = np.where(r["co2e_t"] > 0, r["public_cost_cumulative_mxn"] / r["co2e_t"], np.nan)
        r["cost_per_family_lifted_mxn"] = np.where(r["families_lifted"] > 0,
                                                   r["public_cost_cumulative_mxn"] / r["families_lifted"], np.nan)
    return r
