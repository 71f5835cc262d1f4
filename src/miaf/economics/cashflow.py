"""Year-by-year cash flow of a MIAF-D plot against the traditional milpa on the same land.

:class:`PlotModel` turns a :class:`~miaf.economics.scenario.PlotScenario` into yields, labour, costs and
benefits per year and month, for the MIAF-D plot and the baseline, and from them NPV, IRR, payback,
benefit/cost ratio, return per family person-day, the incremental results and the land equivalent
ratio. The same code evaluates one parameter set (the ex ante or ex post result, :meth:`PlotModel.evaluate`)
or thousands of Monte Carlo draws in one numpy pass (:meth:`PlotModel.monte_carlo`): every quantity
carries a leading "draw" axis.

Year ``t = 0`` is the planting year (undiscounted); "year after planting" ``k = t + 1`` indexes the yield
ramps (the species catalogue's ``years_to_first_harvest`` is a ``k``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from miaf.params import load_parameters, species

from . import finance
from .scenario import ParameterValue, PlotScenario, resolve_parameters
from .uncertainty import percentiles, sample_parameters, sensitivity

__all__ = ["PlotEconomics", "PlotModel", "SystemResult", "establishment_cost_mxn", "evaluate_plot",
           "miaf_labour_days", "milpa_counterfactual", "running_input_cost_mxn", "yield_ramp"]

MONTHS = 12


def _split(text: str) -> list[float]:
    return [float(x) for x in str(text).split(";") if x.strip()]


def yield_ramp(code: str, horizon: int) -> tuple[np.ndarray, str]:
    """Fraction of mature yield for cash-flow years 0..horizon-1 and where the ramp came from.

    Notes
    -----
    ``economics.csv`` row ``yield_ramp.<code>`` if present (its last value holds afterwards); otherwise
    linear from ``species.csv``: with first harvest year ``f`` and full-yield year ``F`` (years after
    planting, ``k = t + 1``), the fraction is 0 for ``k < f``, :math:`(k - f + 1)/(F - f + 1)` for
    ``f ≤ k ≤ F`` and 1 afterwards. Annual crops (``f = F = 0``) yield fully every year.
    """
    table = load_parameters("economics")
    row = table.get(f"yield_ramp.{code}")
    if row is not None:
        ramp = np.asarray(_split(row.value))
        out = np.concatenate([ramp, np.full(max(horizon - ramp.size, 0), ramp[-1])])[:horizon]
        return out, "default:economics.csv"
    s = species()[code]
    first = int(float(s["years_to_first_harvest"] or 0))
    full = max(int(float(s["years_to_full_yield"] or 0)), first)
    k = np.arange(1, horizon + 1, dtype=float)
    frac = np.clip((k - first + 1) / (full - first + 1), 0.0, 1.0)
    return np.where(k < first, 0.0, frac), "default:species.csv"


def _month_weights(code: str) -> np.ndarray:
    months = [int(m) for m in _split(species()[code].get("harvest_months") or "")]
    w = np.zeros(MONTHS)
    if not months:
        return np.full(MONTHS, 1.0 / MONTHS)
    w[np.asarray(months) - 1] = 1.0 / len(months)
    return w


def establishment_cost_mxn(n_trees, area_ha, v: Mapping[str, np.ndarray | float]):
    """Planting-year purchases of a MIAF-D plot without a priced bill of materials [MXN].

    :math:`N (1 + r_p) p_{plant} + N c_{hole} + A c_{tools}` with ``N`` trees, ``A`` [ha], the replanting share
    ``r_p`` (``replanting_share``, the design's row: :func:`miaf.design.replanting_share`, as the bill of
    materials) and the plant price, compost per hole and tools per ha of ``economics.csv``
    (``plant_price_mxn``, ``hole_compost_cost_mxn_tree``, ``tools_cost_mxn_ha``). ``n_trees``/``area_ha`` may
    be arrays (one value per plot); used by :class:`PlotModel` and by the records' payback and NPV.
    """
    return (n_trees * (1.0 + v["replanting_share"]) * v["plant_price_mxn"]
            + n_trees * v["hole_compost_cost_mxn_tree"] + area_ha * v["tools_cost_mxn_ha"])


def running_input_cost_mxn(area_ha, crop_share, n_trees, t, v: Mapping[str, np.ndarray | float]):
    """Yearly cash inputs of a MIAF-D plot in cash-flow year ``t`` [MXN]: milpa inputs on the crop strip
    (``milpa_running_cost_mxn_ha`` × A × crop share) plus tree upkeep from year 1
    (``tree_running_cost_mxn_tree_yr`` × N)."""
    return (v["milpa_running_cost_mxn_ha"] * area_ha * crop_share
            + v["tree_running_cost_mxn_tree_yr"] * n_trees * (np.asarray(t) >= 1))


def miaf_labour_days(area_ha, t, v: Mapping[str, np.ndarray | float], establishment_days=None):
    """Person-days a MIAF-D plot needs in cash-flow year ``t``: the milpa's ``L A`` times the MIAF-D factor
    ``φ`` (``miaf_labour_factor``) plus, in year 0, the establishment days (given, else
    ``establishment_days_ha`` × A). The yearly total of the monthly need in :meth:`PlotModel.simulate`."""
    est = v["establishment_days_ha"] * area_ha if establishment_days is None else establishment_days
    return v["milpa_labour_days_ha"] * area_ha * v["miaf_labour_factor"] + est * (np.asarray(t) == 0)


def milpa_counterfactual(area_ha) -> dict[str, np.ndarray]:
    """One year of the traditional milpa on each plot's area (central values of ``economics.csv`` and
    ``species.csv``), exactly as :class:`PlotModel` models the baseline (its yields, prices,
    self-consumption, labour calendar with the family's monthly capacity, and inputs do not change from year
    to year). Returns arrays of shape (plots,) [MXN or person-days]: ``benefits``, ``cash_costs``,
    ``family_value`` (family days × wage), ``family_days``.
    """
    area = np.asarray(area_ha, dtype=float).reshape(-1, 1)
    n = area.shape[0]
    model = PlotModel(PlotScenario(area_ha=1.0, horizon_years=1), sample_defaults=False)
    v = {k: np.full((n, 1), float(x)) for k, x in model.central_values().items()}
    prod, fam, hir, inputs = model._milpa(v, area, n)
    sales, self_value = prod[0][:, 0], prod[1][:, 0]
    wage = v["wage_mxn_day"][:, 0]
    family_days = fam.sum(-1)[:, 0]
    return {"benefits": sales + self_value, "cash_costs": inputs[:, 0] + hir.sum(-1)[:, 0] * wage,
            "family_value": family_days * wage, "family_days": family_days}


@dataclass
class _Flows:
    """One system's flows; arrays carry a leading draw axis (n, years[, months])."""

    sales: np.ndarray
    self_value: np.ndarray
    establishment: np.ndarray
    inputs: np.ndarray
    hired_cost: np.ndarray
    family_value: np.ndarray
    family_m: np.ndarray
    hired_m: np.ndarray
    sales_m: np.ndarray
    self_m: np.ndarray
    harvest_m: np.ndarray
    harvest_kg: dict[str, np.ndarray]
    value_family_labour: bool

    @property
    def benefits(self):
        return self.sales + self.self_value

    @property
    def cash_costs(self):
        return self.establishment + self.inputs + self.hired_cost

    @property
    def costs(self):
        return self.cash_costs + (self.family_value if self.value_family_labour else 0.0)

    @property
    def net(self):
        return self.benefits - self.costs

    @property
    def family_days(self):
        return self.family_m.sum(axis=-1)

    @property
    def hired_days(self):
        return self.hired_m.sum(axis=-1)


def _metrics(benefits, costs, cash_costs, family_days, rate) -> dict[str, np.ndarray]:
    net = benefits - costs
    result = finance.irr(net)
    with np.errstate(divide="ignore", invalid="ignore"):
        fam = family_days.sum(axis=-1)
        per_day = np.where(fam > 0, (benefits - cash_costs).sum(axis=-1) / fam, np.nan)
    npv = finance.npv(rate, net)
    return {
        "npv_mxn": npv,
        "npv_cash_mxn": finance.npv(rate, benefits - cash_costs),
        "irr": result.rate,
        "irr_reason": result.reason,
        "irr_roots": result.roots,
        "irr_sign_changes": result.sign_changes,
        "payback_years": finance.payback_years(net),
        "discounted_payback_years": finance.payback_years(net, rate),
        "benefit_cost_ratio": finance.benefit_cost_ratio(benefits, costs, rate),
        "annuity_mxn_yr": finance.annuity(npv, rate, net.shape[-1]),
        "return_per_family_day_mxn": per_day,
    }


def _incremental(miaf: _Flows, base: _Flows, rate) -> dict[str, np.ndarray]:
    d_net = miaf.net - base.net
    result = finance.irr(d_net)
    pv_db = finance.npv(rate, miaf.benefits - base.benefits)
    pv_dc = finance.npv(rate, miaf.costs - base.costs)
    d_fam = (miaf.family_days - base.family_days).sum(axis=-1)
    d_value = ((miaf.benefits - miaf.cash_costs) - (base.benefits - base.cash_costs)).sum(axis=-1)
    npv = finance.npv(rate, d_net)
    d_cash = (miaf.benefits - miaf.cash_costs) - (base.benefits - base.cash_costs)
    with np.errstate(divide="ignore", invalid="ignore"):
        return {
            "npv_mxn": npv,
            "npv_cash_mxn": finance.npv(rate, d_cash),
            "irr": result.rate,
            "irr_reason": result.reason,
            "irr_roots": result.roots,
            "irr_sign_changes": result.sign_changes,
            "payback_years": finance.payback_years(d_net),
            "discounted_payback_years": finance.payback_years(d_net, rate),
            "benefit_cost_ratio": np.where(pv_dc > 0, pv_db / np.where(pv_dc > 0, pv_dc, 1), np.nan),
            "annuity_mxn_yr": finance.annuity(npv, rate, d_net.shape[-1]),
            "return_per_extra_family_day_mxn": np.where(d_fam > 0, d_value / d_fam, np.nan),
        }


def _jsonable(x):
    if isinstance(x, np.ndarray):
        return [_jsonable(v) for v in x.tolist()] if x.ndim else _jsonable(x.item())
    if isinstance(x, float | np.floating):
        return float(x) if np.isfinite(x) else None
    if isinstance(x, np.integer):
        return int(x)
    if isinstance(x, list):
        return [_jsonable(v) for v in x]
    if isinstance(x, dict):
        return {k: _jsonable(v) for k, v in x.items()}
    return x


def _scalar_metrics(m: Mapping[str, np.ndarray]) -> dict:
    out = {}
    irr_keys = ("irr_reason", "irr_roots", "irr_sign_changes")
    for k, v in m.items():
        if k in irr_keys:
            continue
        out[k] = float(np.asarray(v).reshape(-1)[0])
    roots = np.asarray(m["irr_roots"])
    irr_json = finance.irr_to_json(
        out.pop("irr"), int(np.asarray(m["irr_reason"]).reshape(-1)[0]),
        roots.reshape(-1, roots.shape[-1])[0], int(np.asarray(m["irr_sign_changes"]).reshape(-1)[0]))
    out.update(irr_json)
    return out


@dataclass
class SystemResult:
    """Deterministic flows and metrics of one system (MIAF-D plot or baseline milpa). Arrays per year [MXN]."""

    label: str
    sales_mxn: np.ndarray
    self_consumption_mxn: np.ndarray
    benefits_mxn: np.ndarray
    establishment_mxn: np.ndarray
    inputs_mxn: np.ndarray
    hired_labour_mxn: np.ndarray
    family_labour_value_mxn: np.ndarray
    costs_mxn: np.ndarray
    net_mxn: np.ndarray
    family_days: np.ndarray
    hired_days: np.ndarray
    harvest_kg: dict[str, np.ndarray]
    monthly_sales_mxn: np.ndarray  # (years, 12)
    monthly_self_consumption_mxn: np.ndarray
    monthly_harvest_kg: np.ndarray
    monthly_family_days: np.ndarray
    monthly_hired_days: np.ndarray
    metrics: dict

    def to_dict(self) -> dict:
        return _jsonable({k: getattr(self, k) for k in self.__dataclass_fields__})


@dataclass
class PlotEconomics:
    """Result of :meth:`PlotModel.evaluate`: both systems, incremental metrics, LER, months, provenance."""

    name: str
    horizon_years: int
    discount_rate: float
    miaf: SystemResult
    baseline: SystemResult
    incremental: dict
    land_equivalent_ratio: np.ndarray  # per year
    mature_from_year: int
    typical_year: dict  # monthly means over the mature years, 12 values each
    provenance: dict[str, str]
    parameters: dict[str, ParameterValue] = field(repr=False, default_factory=dict)

    @property
    def ler_mature(self) -> float:
        return float(np.mean(self.land_equivalent_ratio[self.mature_from_year :]))

    def to_dict(self) -> dict:
        return _jsonable(
            {
                "name": self.name,
                "horizon_years": self.horizon_years,
                "discount_rate": self.discount_rate,
                "timing": "year 0 = planting year, undiscounted; flows discounted by (1+r)^t",
                "miaf": self.miaf.to_dict(),
                "baseline": self.baseline.to_dict(),
                "incremental": self.incremental,
                "land_equivalent_ratio": self.land_equivalent_ratio,
                "land_equivalent_ratio_mature": self.ler_mature,
                "mature_from_year": self.mature_from_year,
                "typical_year": self.typical_year,
                "provenance": self.provenance,
                "parameters": {k: p.to_dict() for k, p in self.parameters.items()},
            }
        )


class PlotModel:
    """The plot cash-flow chain: yields by age → harvest and sales by month → labour → costs → metrics.

    Parameters
    ----------
    scenario : PlotScenario
    sample_defaults : bool
        Whether table defaults with an interval vary in Monte Carlo (scenario distributions always do).

    Notes
    -----
    Per year ``t`` and draw (all in MXN unless stated; ``A`` area [ha], ``s_c`` crop share, ``N_i``
    trees of species ``i``):

    * trees: :math:`kg_{i,t} = N_i \\cdot Y_i \\cdot f_Y \\cdot ramp_i(t) \\cdot (1 \\pm a_i)`
      (alternate bearing ``a`` flips sign each year from the first bearing year);
    * crops of the MIAF strip: :math:`kg_{c,t} = a_c Y_c (1 + g [c = maize, k \\ge k_g])` with
      :math:`a_c` = :func:`miaf.design.crop_area_ha` (A s_c / 2 for maize and bean, which alternate strips);
      baseline milpa: :math:`A Y_c`;
    * sales :math:`kg (1 - s) p`; self-consumption valued at the replacement price :math:`kg\\,s\\,p\\,\\rho`;
    * labour: baseline :math:`L A` in the milpa calendar; MIAF-D :math:`L A` (milpa calendar) +
      :math:`(\\phi - 1) L A` (trees calendar) + establishment days in year 0. Each month the family
      supplies up to its capacity, the rest is hired at the wage ``w``;
    * costs: year-0 establishment (the bill of materials, or plants × (1 + replanting) × price + compost
      per tree + tools per ha), milpa inputs per ha cropped, tree upkeep from year 1, hired labour;
      family labour is costed at ``w`` only when ``value_family_labour`` is set.

    Records (ex post) replace the modelled harvest, prices, self-consumption, labour and costs of the
    years they cover, for the MIAF-D plot only; the baseline is always modelled.
    """

    def __init__(self, scenario: PlotScenario, sample_defaults: bool = True) -> None:
        scenario.validate()
        self.scenario = scenario
        self.horizon = scenario.horizon()
        self.params = resolve_parameters(scenario, sample_defaults)
        table = load_parameters("economics")
        catalogue = species()
        self.provenance: dict[str, str] = {k: p.provenance for k, p in self.params.items()}
        self.tree_codes = [t.species for t in scenario.trees]
        self.n_trees = {t.species: float(t.n_trees) for t in scenario.trees}
        self.ramps: dict[str, np.ndarray] = {}
        self.bearing: dict[str, np.ndarray] = {}
        for code in self.tree_codes:
            ramp, prov = yield_ramp(code, self.horizon)
            self.ramps[code] = ramp
            self.provenance[f"yield_ramp.{code}"] = prov
            bearing = np.zeros(self.horizon)
            if ramp.any():
                first = int(np.argmax(ramp > 0))
                idx = np.arange(self.horizon) - first
                bearing = np.where(idx >= 0, np.where(idx % 2 == 0, 1.0, -1.0), 0.0)
            self.bearing[code] = bearing
        self.weights = {code: _month_weights(code) for code in scenario.species_codes()}
        self.calendar = {
            name: np.asarray(_split(table[f"labour_calendar.{name}"].value))
            for name in ("milpa", "trees", "establishment")
        }
        for name in self.calendar:
            self.provenance[f"labour_calendar.{name}"] = "default:economics.csv"
        self.is_maize = {code: catalogue[code]["stratum"] == "maize" for code in scenario.species_codes()}
        self.records = {r.year: r for r in scenario.records}
        for r in scenario.records:
            for code, kg in r.self_consumed_kg.items():
                if code in r.harvest_kg and kg > r.harvest_kg[code]:
                    raise ValueError(f"records year {r.year}: self_consumed_kg[{code}] exceeds harvest_kg[{code}]")
        self._record_provenance()
        ramp_years = [int(np.argmax(r >= 1.0)) if (r >= 1.0).any() else self.horizon - 1 for r in self.ramps.values()]
        self.mature_from_year = min(max(ramp_years, default=0), self.horizon - 1)

    # -- provenance ---------------------------------------------------------------------------------
    def _record_provenance(self) -> None:
        measured: dict[str, list[int]] = {}
        for year, r in sorted(self.records.items()):
            for code in r.harvest_kg:
                measured.setdefault(f"harvest_kg.{code}", []).append(year)
            for code in r.price_mxn_kg:
                measured.setdefault(f"price.{code}", []).append(year)
            for code in r.self_consumed_kg:
                measured.setdefault(f"self_consumption_share.{code}", []).append(year)
            for what in ("family_days", "hired_days", "input_cost_mxn", "establishment_cost_mxn"):
                if getattr(r, what) is not None:
                    measured.setdefault(what, []).append(year)
        for key, years in measured.items():
            for y in years:
                self.provenance[f"{key}@year{y}"] = "measured"
            base = key if key in self.provenance else None
            if base and len(years) < self.horizon:
                self.provenance[base] = f"measured in years {years}; {self.provenance[base]} otherwise"
            elif base:
                self.provenance[base] = "measured"

    # -- parameters ---------------------------------------------------------------------------------
    def central_values(self) -> dict[str, float]:
        return {k: p.value for k, p in self.params.items()}

    def distributions(self) -> dict:
        return {k: p.distribution for k, p in self.params.items() if not p.distribution.is_constant}

    # -- the model, vectorised over draws -----------------------------------------------------------
    def _products(self, v, codes, kg_fn, with_records: bool, n: int):
        H, rf = self.horizon, v["replacement_price_factor"]
        sales = np.zeros((n, H))
        self_value = np.zeros((n, H))
        sales_m = np.zeros((n, H, MONTHS))
        self_m = np.zeros((n, H, MONTHS))
        harvest_m = np.zeros((n, H, MONTHS))
        harvest = {}
        for code in codes:
            kg = np.broadcast_to(kg_fn(code), (n, H)).copy()
            price = np.broadcast_to(v[f"price.{code}"], (n, H)).copy()
            share = v[f"self_consumption_share.{code}"]
            own = np.broadcast_to(kg * share, (n, H)).copy()
            if with_records:
                for year, r in self.records.items():
                    if code in r.harvest_kg:
                        kg[:, year] = r.harvest_kg[code]
                        own[:, year] = kg[:, year] * (share[:, 0] if np.ndim(share) else share)
                    if code in r.price_mxn_kg:
                        price[:, year] = r.price_mxn_kg[code]
                    if code in r.self_consumed_kg:
                        own[:, year] = np.minimum(r.self_consumed_kg[code], kg[:, year])
            sold = (kg - own) * price
            eaten = own * price * rf
            w = self.weights[code]
            sales += sold
            self_value += eaten
            sales_m += sold[..., None] * w
            self_m += eaten[..., None] * w
            harvest_m += kg[..., None] * w
            harvest[code] = kg
        return sales, self_value, sales_m, self_m, harvest_m, harvest

    def _labour(self, v, need_m, with_records: bool):
        family_m = np.minimum(need_m, v["family_labour_capacity_days_month"][..., None])
        hired_m = need_m - family_m
        if with_records:
            for year, r in self.records.items():
                for arr, total in ((family_m, r.family_days), (hired_m, r.hired_days)):
                    if total is None:
                        continue
                    prof = arr[:, year, :]
                    s = prof.sum(axis=-1, keepdims=True)
                    need = need_m[:, year, :]
                    shape = np.where(s > 0, prof / np.where(s > 0, s, 1), need / need.sum(axis=-1, keepdims=True))
                    arr[:, year, :] = shape * total
        return family_m, hired_m

    def simulate(self, values: Mapping[str, np.ndarray | float]) -> tuple[_Flows, _Flows]:
        """Flows of (MIAF-D, baseline) for ``n`` parameter sets at once (arrays of shape (n,) or scalars)."""
        n = max((np.size(x) for x in values.values()), default=1)
        v = {k: np.asarray(values[k], dtype=float).reshape(-1, 1) * np.ones((n, 1)) for k in self.params}
        for k in v:  # sampled quantities that cannot be negative are truncated at 0
            if not k.startswith("discount_rate"):
                np.maximum(v[k], 0.0, out=v[k])
        sc = self.scenario
        H, A = self.horizon, sc.area_ha
        t = np.arange(H)
        k_year = t + 1
        crop_share = v["crop_share"]
        gain_on = (k_year >= v["maize_gain_start_year"]).astype(float)

        def tree_kg(code):
            a = v.get(f"alternate_bearing.{code}", 0.0)
            bearing = 1.0 + a * self.bearing[code]
            return self.n_trees[code] * v[f"yield.{code}"] * v["tree_yield_factor"] * self.ramps[code] * bearing

        from miaf.design import crop_area_ha  # the one rule for a strip crop's area (alternating strips)

        strip_codes = [c.species for c in sc.crops if c.species not in self.n_trees]

        def crop_kg(code):
            gain = v["maize_yield_gain_miaf"] * gain_on if self.is_maize[code] else 0.0
            return crop_area_ha(A, crop_share, code, strip_codes) * v[f"yield.{code}"] * (1.0 + gain)

        def miaf_kg(code):
            return tree_kg(code) if code in self.n_trees else crop_kg(code)

        miaf_codes = self.tree_codes + [c.species for c in sc.crops if c.species not in self.n_trees]
        prod_m = self._products(v, miaf_codes, miaf_kg, True, n)

        base_days = v["milpa_labour_days_ha"] * A
        year0 = (t == 0).astype(float)
        est_days = (sc.establishment_labour_days if sc.establishment_labour_days is not None
                    else v["establishment_days_ha"] * A)
        need_m = (
            (base_days * np.ones(H))[..., None] * self.calendar["milpa"]
            + ((v["miaf_labour_factor"] - 1.0) * base_days * np.ones(H))[..., None] * self.calendar["trees"]
            + (est_days * year0)[..., None] * self.calendar["establishment"]
        )
        fam_m, hir_m = self._labour(v, need_m, True)

        n_trees = sc.n_trees
        if sc.bom is not None:
            est_cost = sum(b.total_mxn for b in sc.bom) * np.ones((n, 1))
        else:
            est_cost = establishment_cost_mxn(n_trees, A, v)
        establishment = est_cost * year0
        inputs = running_input_cost_mxn(A, crop_share, n_trees, t, v) * np.ones((n, H))
        for year, r in self.records.items():
            if r.establishment_cost_mxn is not None:
                establishment[:, year] = r.establishment_cost_mxn
            if r.input_cost_mxn is not None:
                inputs[:, year] = r.input_cost_mxn
        wage = v["wage_mxn_day"]

        def flows(prod, est, inp, fam, hir):
            sales, self_value, sales_m, self_m, harvest_m, harvest = prod
            return _Flows(
                sales=sales, self_value=self_value, establishment=np.broadcast_to(est, (n, H)),
                inputs=np.broadcast_to(inp, (n, H)), hired_cost=hir.sum(-1) * wage,
                family_value=fam.sum(-1) * wage, family_m=fam, hired_m=hir, sales_m=sales_m, self_m=self_m,
                harvest_m=harvest_m, harvest_kg=harvest, value_family_labour=sc.value_family_labour,
            )

        prod_b, fam_b, hir_b, base_inputs = self._milpa(v, A, n)
        return (flows(prod_m, establishment, inputs, fam_m, hir_m),
                flows(prod_b, np.zeros((n, H)), base_inputs, fam_b, hir_b))

    def _milpa(self, v, area_ha, n: int):
        """The traditional-milpa counterfactual on ``area_ha`` [ha] (a number, or one row per plot): products,
        family and hired days by month, and input costs per year. The baseline of :meth:`simulate` and of the
        records' incremental flows (:func:`milpa_counterfactual`): one formula."""
        H = self.horizon
        A = area_ha
        base_codes = [c.species for c in self.scenario.baseline_crops]
        prod_b = self._products(v, base_codes, lambda c: A * v[f"yield.{c}"], False, n)
        base_days = v["milpa_labour_days_ha"] * A
        need_b = (base_days * np.ones(H))[..., None] * self.calendar["milpa"] * np.ones((n, 1, 1))
        fam_b, hir_b = self._labour(v, need_b, False)
        base_inputs = v["milpa_running_cost_mxn_ha"] * A * np.ones((n, H))
        return prod_b, fam_b, hir_b, base_inputs

    def land_equivalent_ratio(self, values, miaf: _Flows, base: _Flows) -> np.ndarray:
        """LER per year and draw (n, years).

        Notes
        -----
        :math:`LER = \\sum_i kg_i / (A \\cdot S_i) + V_{milpa,MIAF} / V_{milpa,baseline}`: each fruit species
        against a sole orchard of the same age, :math:`S_i = Y_i f_Y ramp_i (1 \\pm a_i) \\cdot
        N_{ref} / s_{tree}` per ha (inverting the species.csv derivation of the per-tree yield), and the
        milpa strip as one crop measured by its gross value at the same prices against the baseline milpa.
        Years in which a sole orchard would not yet bear add nothing for that species.
        """
        n = miaf.sales.shape[0]
        v = {k: np.asarray(values[k], dtype=float).reshape(-1, 1) * np.ones((n, 1)) for k in self.params}
        A = self.scenario.area_ha
        ler = np.zeros((n, self.horizon))
        for code in self.tree_codes:
            a = v.get(f"alternate_bearing.{code}", 0.0)
            sole = (v[f"yield.{code}"] * v["tree_yield_factor"] * self.ramps[code] * (1 + a * self.bearing[code])
                    * v["ler_reference_trees_ha"] / v["tree_band_share"] * A)
            with np.errstate(divide="ignore", invalid="ignore"):
                ler += np.where(sole > 0, miaf.harvest_kg[code] / np.where(sole > 0, sole, 1), 0.0)

        def milpa_value(flows: _Flows, codes):
            return sum(flows.harvest_kg[c] * v[f"price.{c}"] for c in codes if c in flows.harvest_kg)

        crop_codes = [c.species for c in self.scenario.crops if c.species not in self.n_trees]
        vm = milpa_value(miaf, crop_codes)
        vb = milpa_value(base, [c.species for c in self.scenario.baseline_crops])
        with np.errstate(divide="ignore", invalid="ignore"):
            ler += np.where(np.asarray(vb) > 0, vm / np.where(np.asarray(vb) > 0, vb, 1), 0.0)
        return ler

    # -- deterministic run --------------------------------------------------------------------------
    def evaluate(self) -> PlotEconomics:
        """Ex ante / ex post result with the central value of every parameter."""
        values = self.central_values()
        miaf, base = self.simulate(values)
        rate = values["discount_rate"]
        m_miaf = _metrics(miaf.benefits, miaf.costs, miaf.cash_costs, miaf.family_days, rate)
        m_base = _metrics(base.benefits, base.costs, base.cash_costs, base.family_days, rate)
        inc = _incremental(miaf, base, rate)
        ler = self.land_equivalent_ratio(values, miaf, base)[0]
        tm = self.mature_from_year
        typical = {
            "months": list(range(1, MONTHS + 1)),
            "miaf_sales_mxn": miaf.sales_m[0, tm:].mean(axis=0),
            "miaf_self_consumption_mxn": miaf.self_m[0, tm:].mean(axis=0),
            "miaf_harvest_kg": miaf.harvest_m[0, tm:].mean(axis=0),
            "miaf_family_days": miaf.family_m[0, tm:].mean(axis=0),
            "miaf_hired_days": miaf.hired_m[0, tm:].mean(axis=0),
            "baseline_sales_mxn": base.sales_m[0, tm:].mean(axis=0),
            "baseline_self_consumption_mxn": base.self_m[0, tm:].mean(axis=0),
            "baseline_harvest_kg": base.harvest_m[0, tm:].mean(axis=0),
            "baseline_family_days": base.family_m[0, tm:].mean(axis=0),
            "baseline_hired_days": base.hired_m[0, tm:].mean(axis=0),
        }
        return PlotEconomics(
            name=self.scenario.name,
            horizon_years=self.horizon,
            discount_rate=float(rate),
            miaf=self._system("miaf", miaf, m_miaf),
            baseline=self._system("baseline_milpa", base, m_base),
            incremental={**_scalar_metrics(inc), **self._family_labour_view(values, inc)},
            land_equivalent_ratio=ler,
            mature_from_year=tm,
            typical_year=typical,
            provenance=dict(sorted(self.provenance.items())),
            parameters=self.params,
        )

    def wage_range(self) -> tuple[float, float]:
        """Low and high wage [MXN person-day⁻¹]: the scenario's interval if it gives one, otherwise the
        table's (economics.csv, 250-350) widened to include the value used (e.g. a recorded wage)."""
        p = self.params["wage_mxn_day"]
        d = p.distribution
        if not d.is_constant and d.low is not None and d.high is not None:
            return float(d.low), float(d.high)
        row = load_parameters("economics")["wage_mxn_day"]
        low = row.low if row.low is not None else p.value
        high = row.high if row.high is not None else p.value
        return float(min(low, p.value)), float(max(high, p.value))

    def _family_labour_view(self, values: Mapping[str, float], inc: Mapping[str, np.ndarray]) -> dict:
        """The family-labour side of the incremental result: the wage and its range, the NPV at both ends
        of the range (family days and hired days at that wage) and the return per extra family day."""
        low, high = self.wage_range()
        at = {**values, "wage_mxn_day": np.array([low, high])}
        miaf, base = self.simulate(at)
        rate = values["discount_rate"]
        npv_range = _incremental(miaf, base, rate)["npv_mxn"]
        wage = float(values["wage_mxn_day"])
        per_day = float(np.asarray(inc["return_per_extra_family_day_mxn"]).reshape(-1)[0])
        return {
            "family_labour_valued": bool(self.scenario.value_family_labour),
            "wage_mxn_day": wage,
            "wage_range_mxn_day": [low, high],
            "npv_mxn_at_wage_range": [float(x) for x in npv_range],
            "return_per_extra_family_day_to_wage": per_day / wage if wage > 0 and np.isfinite(per_day) else None,
        }

    @staticmethod
    def _system(label: str, f: _Flows, metrics) -> SystemResult:
        return SystemResult(
            label=label, sales_mxn=f.sales[0], self_consumption_mxn=f.self_value[0], benefits_mxn=f.benefits[0],
            establishment_mxn=f.establishment[0], inputs_mxn=f.inputs[0], hired_labour_mxn=f.hired_cost[0],
            family_labour_value_mxn=f.family_value[0], costs_mxn=f.costs[0], net_mxn=f.net[0],
            family_days=f.family_days[0], hired_days=f.hired_days[0],
            harvest_kg={k: v[0] for k, v in f.harvest_kg.items()}, monthly_sales_mxn=f.sales_m[0],
            monthly_self_consumption_mxn=f.self_m[0], monthly_harvest_kg=f.harvest_m[0],
            monthly_family_days=f.family_m[0], monthly_hired_days=f.hired_m[0],
            metrics=_scalar_metrics(metrics),
        )

    # -- Monte Carlo --------------------------------------------------------------------------------
    def monte_carlo(self, draws: int = 1000, seed: int = 1) -> MonteCarloResult:
        """Evaluate ``draws`` parameter sets in one vectorised pass; percentiles, P(NPV > 0), sensitivity."""
        dists = self.distributions()
        sampled = sample_parameters(dists, draws, seed)
        values = {**self.central_values(), **sampled}
        miaf, base = self.simulate(values)
        rate = np.asarray(values["discount_rate"])
        m = _metrics(miaf.benefits, miaf.costs, miaf.cash_costs, miaf.family_days, rate)
        b = _metrics(base.benefits, base.costs, base.cash_costs, base.family_days, rate)
        inc = _incremental(miaf, base, rate)
        tm = self.mature_from_year
        monthly = (miaf.sales_m[:, tm:] + miaf.self_m[:, tm:]).mean(axis=1)  # (draws, 12)
        outputs = {
            "npv_miaf_mxn": m["npv_mxn"], "npv_baseline_mxn": b["npv_mxn"], "npv_incremental_mxn": inc["npv_mxn"],
            "npv_miaf_cash_mxn": m["npv_cash_mxn"], "npv_incremental_cash_mxn": inc["npv_cash_mxn"],
            "irr_miaf": m["irr"], "payback_miaf_years": m["payback_years"],
            "discounted_payback_miaf_years": m["discounted_payback_years"],
            "benefit_cost_ratio_miaf": m["benefit_cost_ratio"],
            "return_per_family_day_miaf_mxn": m["return_per_family_day_mxn"],
        }
        return MonteCarloResult(
            draws=int(draws), seed=int(seed),
            percentiles={k: percentiles(x) for k, x in outputs.items()},
            share_undefined={
                "irr_miaf": float(np.mean(m["irr_reason"] != 0)),
                "payback_miaf_years": float(np.mean(np.isnan(m["payback_years"]))),
                "discounted_payback_miaf_years": float(np.mean(np.isnan(m["discounted_payback_years"]))),
            },
            probability={
                "npv_miaf_positive": float(np.mean(m["npv_mxn"] > 0)),
                "npv_incremental_positive": float(np.mean(inc["npv_mxn"] > 0)),
                "npv_incremental_cash_positive": float(np.mean(inc["npv_cash_mxn"] > 0)),
            },
            monthly_income_mxn={f"p{p}": np.percentile(monthly, p, axis=0) for p in (5, 25, 50, 75, 95)},
            sensitivity={
                "npv_incremental_mxn": sensitivity(sampled, inc["npv_mxn"]),
                "npv_miaf_mxn": sensitivity(sampled, m["npv_mxn"]),
            },
            distributions={k: d.to_dict() for k, d in dists.items()},
            samples={**sampled, **{k: np.asarray(x) for k, x in outputs.items()}},
        )


@dataclass
class MonteCarloResult:
    """Monte Carlo summary of a plot; ``samples`` keeps the raw draws (not in ``to_dict``)."""

    draws: int
    seed: int
    percentiles: dict
    share_undefined: dict
    probability: dict
    monthly_income_mxn: dict  # percentile → 12 values (sales + self-consumption, typical mature year)
    sensitivity: dict
    distributions: dict
    samples: dict = field(repr=False, default_factory=dict)

    def to_dict(self) -> dict:
        out = {k: getattr(self, k) for k in self.__dataclass_fields__ if k != "samples"}
        out["sensitivity_method"] = "partial rank correlation (PRCC) and standardised rank regression (SRRC)"
        return _jsonable(out)


def evaluate_plot(scenario: PlotScenario | Mapping) -> PlotEconomics:
    """Convenience: deterministic result of a scenario (a PlotScenario or its JSON dict)."""
    if not isinstance(scenario, PlotScenario):
        scenario = PlotScenario.from_dict(scenario)
    return PlotModel(scenario).evaluate()
