"""Programme scenario of the scale-up simulator, read from TOML and validated.

A scenario says how many families a programme enrols each year (``[enrolment] targets``, or
``budget_mxn`` per year), where (``regions``), with how many promoters (``[promoters]``), at what cost
(``[costs]``), with what support to families (``[support]``), and with what adoption, drop-out and tree
survival (``[rates]``, each a number or a distribution ``{dist, low, mode, high}``). Defaults come from
``src/miaf/params/scaleup.csv``; see docs/scaleup.md for every key and docs/examples/scaleup-chiapas.toml.

:func:`load_scenario` collects every problem and raises one :class:`ScenarioError` listing them
(``key: message``), the way InVEST's ``validate()`` reports all inputs at once.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from miaf.economics.uncertainty import Distribution
from miaf.params import load_parameters

__all__ = ["MAX_HORIZON", "MAX_SCENARIO_BYTES", "Scenario", "ScenarioError", "load_scenario", "parse_scenario"]

MAX_HORIZON = 60
MAX_SCENARIO_BYTES = 256 * 1024

RATE_KEYS = {
    "adoption": "adoption_rate",
    "dropout_per_year": "dropout_rate_year",
    "tree_survival": "tree_survival",
    "soil_loss_factor": "soil_loss_factor",
    "carbon_tree_quantile": "carbon_tree_quantile",
    "poverty_line_mxn_household_yr": "poverty_line_mxn_household_yr",
}
SECTIONS = {
    "name": None, "description": None, "horizon_years": None, "population": None, "enrolment": None,
    "promoters": None, "costs": None, "support": None, "rates": None, "sources": None,
}


class ScenarioError(ValueError):
    """One or more scenario problems; ``problems`` lists ``(key, message)``."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__("; ".join(f"{k}: {m}" for k, m in problems))


@dataclass
class Scenario:
    """A validated programme scenario (money in MXN, rates as fractions)."""

    name: str
    horizon_years: int
    targets: list[int] | None  # families enrolled per year (the last value repeats)
    budget_mxn: list[float] | None  # public budget per year (the last value repeats)
    regions: list[str] | None  # None: all regions of the population
    population: str | None  # path of a population table, or None for the default
    families_per_promoter: float
    promoters_initial: float | None  # None: no promoter limit
    promoters_hired_per_year: float
    promoter_cost_mxn_yr: float
    training_mxn_family: float
    accompaniment_years: int
    other_accompaniment_mxn_family_yr: float
    subsidy_share: float
    transfer_mxn_family_yr: float
    transfer_years: int
    rates: dict[str, Distribution] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    base_dir: Path | None = None

    def target(self, year: int) -> int | None:
        if self.targets is None:
            return None
        return self.targets[min(year, len(self.targets) - 1)]

    def budget(self, year: int) -> float | None:
        if self.budget_mxn is None:
            return None
        return self.budget_mxn[min(year, len(self.budget_mxn) - 1)]

    def promoter_capacity(self, year: int) -> float:
        """Promoters available in ``year`` (initial + hired and trained each year) [promoters]."""
        if self.promoters_initial is None:
            return float("inf")
        return self.promoters_initial + self.promoters_hired_per_year * year

    def to_dict(self) -> dict:
        out = {k: v for k, v in self.__dict__.items() if k not in ("rates", "base_dir")}
        out["rates"] = {k: d.to_dict() for k, d in self.rates.items()}
        return out


def load_scenario(path: str | Path) -> Scenario:
    """Read a scenario TOML file (at most :data:`MAX_SCENARIO_BYTES`) and validate it."""
    path = Path(path)
    if not path.is_file():
        raise ScenarioError([("scenario", f"file {str(path)!r} does not exist")])
    if path.stat().st_size > MAX_SCENARIO_BYTES:
        raise ScenarioError([("scenario", f"file larger than {MAX_SCENARIO_BYTES:,} bytes")])
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ScenarioError([("scenario", f"not valid TOML: {exc}")]) from None
    return parse_scenario(data, base_dir=path.parent)


def parse_scenario(data: Mapping, base_dir: Path | None = None) -> Scenario:
    """Validate a scenario mapping (the parsed TOML) and fill in defaults."""
    problems: list[tuple[str, str]] = []
    table = load_parameters("scaleup")
    if not isinstance(data, Mapping):
        raise ScenarioError([("scenario", "expected a TOML table")])
    for key in sorted(set(data) - set(SECTIONS)):
        problems.append((key, "unknown key"))

    def section(name: str) -> Mapping:
        sec = data.get(name, {})
        if not isinstance(sec, Mapping):
            problems.append((name, "must be a table ([" + name + "])"))
            return {}
        return sec

    def check_keys(name: str, sec: Mapping, allowed: set[str]) -> None:
        for key in sorted(set(sec) - allowed):
            problems.append((f"{name}.{key}", "unknown key"))

    def number(name: str, value, lo: float | None = 0.0, hi: float | None = None, whole: bool = False):
        if isinstance(value, bool) or not isinstance(value, int | float):
            problems.append((name, f"must be a number, got {value!r}"))
            return None
        v = float(value)
        if v != v or v in (float("inf"), float("-inf")):
            problems.append((name, "must be a finite number"))
            return None
        if lo is not None and v < lo:
            problems.append((name, f"must be >= {lo:g}, got {v:g}"))
            return None
        if hi is not None and v > hi:
            problems.append((name, f"must be <= {hi:g}, got {v:g}"))
            return None
        if whole and v != int(v):
            problems.append((name, f"must be a whole number, got {v:g}"))
            return None
        return v

    def get(sec: Mapping, name: str, key: str, default, **kw):
        if key not in sec:
            return default
        v = number(f"{name}.{key}", sec[key], **kw)
        return default if v is None else v

    horizon = data.get("horizon_years", 25)
    horizon = number("horizon_years", horizon, lo=1, hi=MAX_HORIZON, whole=True) or 25

    enr = section("enrolment")
    check_keys("enrolment", enr, {"targets", "budget_mxn", "regions"})
    targets = budget = None
    if ("targets" in enr) == ("budget_mxn" in enr):
        problems.append(("enrolment", "give exactly one of 'targets' (families per year) or 'budget_mxn' (per year)"))
    for key in ("targets", "budget_mxn"):
        if key not in enr:
            continue
        raw = enr[key]
        raw = [raw] if isinstance(raw, int | float) and not isinstance(raw, bool) else raw
        if not isinstance(raw, list) or not raw:
            problems.append((f"enrolment.{key}", "must be a number or a non-empty list of numbers"))
            continue
        if len(raw) > MAX_HORIZON:
            problems.append((f"enrolment.{key}", f"at most {MAX_HORIZON} values"))
            continue
        vals = [number(f"enrolment.{key}[{i}]", v, lo=0, whole=key == "targets") for i, v in enumerate(raw)]
        if all(v is not None for v in vals):
            if key == "targets":
                targets = [int(v) for v in vals]
            else:
                budget = [float(v) for v in vals]
    regions = enr.get("regions")
    if regions is not None and (not isinstance(regions, list) or not all(isinstance(r, str) for r in regions)
                                or not regions):
        problems.append(("enrolment.regions", "must be a non-empty list of region names"))
        regions = None

    prom = section("promoters")
    check_keys("promoters", prom, {"families_per_promoter", "initial", "hired_per_year", "cost_mxn_year"})
    fpp = get(prom, "promoters", "families_per_promoter", float(table["families_per_promoter"]), lo=1)
    initial = get(prom, "promoters", "initial", None, lo=0, whole=True)
    hired = get(prom, "promoters", "hired_per_year", 0.0, lo=0, whole=True)
    if "hired_per_year" in prom and "initial" not in prom:
        initial = 0.0
    pcost = get(prom, "promoters", "cost_mxn_year", float(table["promoter_cost_mxn_yr"]))

    costs = section("costs")
    check_keys("costs", costs, {"training_mxn_family", "accompaniment_years", "other_accompaniment_mxn_family_year"})
    training = get(costs, "costs", "training_mxn_family", float(table["training_mxn_family"]))
    acc_years = get(costs, "costs", "accompaniment_years", float(table["accompaniment_years"]), lo=1,
                    hi=MAX_HORIZON, whole=True)
    other = get(costs, "costs", "other_accompaniment_mxn_family_year", 0.0)

    sup = section("support")
    check_keys("support", sup, {"subsidy_share", "transfer_mxn_family_year", "transfer_years"})
    subsidy = get(sup, "support", "subsidy_share", float(table["subsidy_share"]), lo=0, hi=1)
    transfer = get(sup, "support", "transfer_mxn_family_year", 0.0)
    transfer_years = get(sup, "support", "transfer_years", float(horizon), lo=0, hi=MAX_HORIZON, whole=True)

    rates_sec = section("rates")
    check_keys("rates", rates_sec, set(RATE_KEYS))
    rates: dict[str, Distribution] = {}
    bounds = {"adoption": (0, 1), "dropout_per_year": (0, 0.999), "tree_survival": (0, 1),
              "soil_loss_factor": (0, 10), "carbon_tree_quantile": (-1, 1),
              "poverty_line_mxn_household_yr": (0, 1e8)}
    for key, pkey in RATE_KEYS.items():
        p = table[pkey]
        try:
            dist = (Distribution.from_spec(rates_sec[key], f"rates.{key}") if key in rates_sec
                    else Distribution.from_table(float(p), p.low, p.high))
        except ValueError as exc:
            problems.append((f"rates.{key}", str(exc)))
            continue
        lo, hi = bounds[key]
        ends = [dist.value] if dist.kind == "const" else [dist.low, dist.high]
        if dist.kind in ("normal",) and key != "carbon_tree_quantile":
            problems.append((f"rates.{key}", "use 'pert', 'uniform' or a number: a normal can leave the valid range"))
            continue
        if any(e is None or e < lo or e > hi for e in ends):
            problems.append((f"rates.{key}", f"must lie in [{lo:g}, {hi:g}] (got {ends})"))
            continue
        rates[key] = dist

    pop = data.get("population")
    if pop is not None and not isinstance(pop, str):
        problems.append(("population", "must be a file path (CSV or Parquet) or omitted for the default table"))
        pop = None
    if pop is not None and base_dir is not None and not Path(pop).is_absolute():
        pop = str(Path(base_dir) / pop)
    name = data.get("name", "")
    if not isinstance(name, str):
        problems.append(("name", "must be text"))
        name = ""
    sources = data.get("sources", {})
    if not isinstance(sources, Mapping) or not all(isinstance(v, str) for v in sources.values()):
        problems.append(("sources", "must be a table of text (key = \"where the number comes from\")"))
        sources = {}
    if problems:
        raise ScenarioError(problems)
    return Scenario(
        name=name, horizon_years=int(horizon), targets=targets, budget_mxn=budget, regions=regions, population=pop,
        families_per_promoter=float(fpp), promoters_initial=initial, promoters_hired_per_year=float(hired),
        promoter_cost_mxn_yr=float(pcost), training_mxn_family=float(training), accompaniment_years=int(acc_years),
        other_accompaniment_mxn_family_yr=float(other), subsidy_share=float(subsidy),
        transfer_mxn_family_yr=float(transfer), transfer_years=int(transfer_years), rates=rates,
        sources=dict(sources), base_dir=base_dir,
    )
