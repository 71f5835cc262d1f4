"""``miaf economics`` (plot cash flow, Monte Carlo) and ``miaf calendar`` (household economy calendar).

``--plot ID`` needs the web app's database: the web layer (``miaf.web.cli`` when the ``miaf`` command
starts, ``miaf.web.economy`` inside a running app) sets :data:`PLOT_LOADER` to a callable
``loader(plot_id: str) -> PlotScenario`` (or a scenario JSON dict); this package never imports Django nor
names the web app.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

from .cashflow import PlotModel
from .scenario import PlotScenario

#: Set by the web layer: ``PLOT_LOADER(plot_id) -> PlotScenario | dict``. None outside the web app.
PLOT_LOADER: Callable[[str], object] | None = None


def _load_scenario(args) -> PlotScenario:
    if args.plot is not None:
        if args.scenario is not None:
            raise ValueError("give either --scenario or --plot, not both")
        if PLOT_LOADER is None:
            raise ValueError("--plot needs the web app database: run it as `miaf economics --plot ID` "
                             "(the web layer installs the plot loader)")
        loaded = PLOT_LOADER(args.plot)
        return loaded if isinstance(loaded, PlotScenario) else PlotScenario.from_dict(loaded)
    if args.scenario is None:
        raise ValueError("give --scenario scenario.json (or --plot ID inside the web app)")
    path = Path(args.scenario)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}: not valid JSON ({exc.msg} at line {exc.lineno})") from None
    return PlotScenario.from_dict(data)


def _fmt(x, pattern="{:,.0f}"):
    return "n/a" if x is None or x != x else pattern.format(x)


def run_economics(args) -> int:
    scenario = _load_scenario(args)
    if args.draws < 0:
        raise ValueError("--draws: must be >= 0")
    model = PlotModel(scenario, sample_defaults=not args.scenario_only)
    result = model.evaluate()
    out = {"result": result.to_dict()}
    if args.draws:
        out["monte_carlo"] = model.monte_carlo(args.draws, args.seed).to_dict()
    if args.json:
        json.dump(out, sys.stdout, indent=1, ensure_ascii=False)
        sys.stdout.write("\n")
        return 0
    m, inc = result.miaf.metrics, result.incremental
    print(f"{scenario.name or 'scenario'}: {scenario.area_ha:g} ha, {result.horizon_years} years, "
          f"discount rate {result.discount_rate:.0%}")
    for label, metrics in (("MIAF-D", m), ("baseline milpa", result.baseline.metrics), ("incremental", inc)):
        irr = _fmt(metrics["irr"], "{:.1%}") if metrics["irr"] is not None else f"none ({metrics['irr_reason']})"
        if metrics.get("irr_non_conventional"):
            roots = ", ".join(f"{x:.1%}" for x in metrics.get("irr_roots", [])) or "none in range"
            irr += f" [flows change sign {metrics['irr_sign_changes']} times; roots: {roots}]"
        print(f"  {label:15s} NPV {_fmt(metrics['npv_mxn'])} MXN (family cash view {_fmt(metrics['npv_cash_mxn'])})"
              f"  IRR {irr}  payback {_fmt(metrics['payback_years'], '{:.1f}')} yr"
              f"  B/C {_fmt(metrics['benefit_cost_ratio'], '{:.2f}')}")
    valued = "valued at the wage" if inc["family_labour_valued"] else "unpaid (cash view)"
    low, high = inc["wage_range_mxn_day"]
    print(f"  family labour {valued}: wage {_fmt(inc['wage_mxn_day'])} MXN/day ({_fmt(low)}-{_fmt(high)}); "
          f"incremental NPV {_fmt(inc['npv_mxn_at_wage_range'][0])} to {_fmt(inc['npv_mxn_at_wage_range'][1])} "
          f"over that range; return per extra family day {_fmt(inc['return_per_extra_family_day_mxn'])} MXN")
    print(f"  land equivalent ratio (mature years): {result.ler_mature:.2f}")
    if args.draws:
        mc = out["monte_carlo"]
        p = mc["percentiles"]["npv_incremental_mxn"]
        print(f"  Monte Carlo ({args.draws} draws, seed {args.seed}): incremental NPV p5 {_fmt(p['p5'])}, "
              f"p50 {_fmt(p['p50'])}, p95 {_fmt(p['p95'])}; P(NPV MIAF-D > 0) = "
              f"{mc['probability']['npv_miaf_positive']:.2f}")
        top = ", ".join(s["name"] for s in mc["sensitivity"]["npv_incremental_mxn"][:5])
        print(f"  most influential: {top}")
    return 0


def run_calendar(args) -> int:
    from miaf.household.calendar import Ledger, compare_years, household_calendar

    ledger = Ledger.from_csv(args.ledger)
    calendar = household_calendar(ledger)
    out = {"calendar": calendar.to_dict(limit=args.limit)}
    if (args.before is None) != (args.after is None):
        raise ValueError("give both --before and --after to compare two years")
    if args.before is not None:
        out["comparison"] = compare_years(calendar, args.before, args.after).to_dict()
    if args.json:
        json.dump(out, sys.stdout, indent=1, ensure_ascii=False, default=str)
        sys.stdout.write("\n")
        return 0
    print(f"{len(calendar)} family-years; income sources: {', '.join(calendar.income_sources)}")
    for row in out["calendar"]["rows"]:
        print(f"  family {row['family_id']} {row['year']}: deficit months {row['months_in_deficit']}, "
              f"longest run {row['longest_deficit_run_months']}, months with income {row['months_with_income']}, "
              f"Shannon {_fmt(row['shannon_index'], '{:.2f}')}, own food {_fmt(row['own_food_share'], '{:.0%}')}")
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "economics", help="cash flow, NPV/IRR/payback and Monte Carlo of a MIAF-D plot vs traditional milpa",
        description="Evaluate a plot scenario (JSON; see docs/methods/economics.md) against the traditional "
                    "milpa on the same land.",
    )
    p.add_argument("--scenario", help="scenario JSON file")
    p.add_argument("--plot", help="plot id (only inside the web app; see `miaf manage`)")
    p.add_argument("--json", action="store_true", help="print the full result as JSON")
    p.add_argument("--draws", type=int, default=0, help="Monte Carlo draws (0 = deterministic only)")
    p.add_argument("--seed", type=int, default=1, help="Monte Carlo seed (default 1)")
    p.add_argument("--scenario-only", action="store_true",
                   help="vary only the scenario's own distributions, not the table intervals")
    p.set_defaults(func=run_economics)

    c = subparsers.add_parser(
        "calendar", help="household economy calendar (income, expenses, deficit months) from a ledger CSV",
        description="Ledger CSV columns: family_id, year, month (1-12), kind (income/expense/own_food), "
                    "category, amount (MXN).",
    )
    c.add_argument("--ledger", required=True, help="ledger CSV file")
    c.add_argument("--json", action="store_true", help="print JSON")
    c.add_argument("--before", type=int, help="year before MIAF-D (with --after)")
    c.add_argument("--after", type=int, help="year after MIAF-D (with --before)")
    c.add_argument("--limit", type=int, default=None, help="print at most this many family-years")
    c.set_defaults(func=run_calendar)


def main(argv: list[str] | None = None) -> int:  # pragma: no cover - for `python -m`
    parser = argparse.ArgumentParser(prog="miaf")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except (ValueError, FileNotFoundError) as exc:
        print(f"miaf {args.command}: error: {' '.join(str(exc).split())}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
