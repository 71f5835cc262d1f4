"""``miaf scaleup``: run a national scale-up scenario (see docs/scaleup.md)."""

from __future__ import annotations

import json
import sys

__all__ = ["register", "run_cli"]


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "scaleup", help="simulate a national MIAF-D programme (cohorts of families, Monte Carlo, Dask)",
        description="Run a programme scenario (TOML; see docs/scaleup.md and docs/examples/scaleup-chiapas.toml) "
                    "over a population of family farms and write Parquet results and a summary to --out.",
    )
    p.add_argument("scenario", help="scenario TOML file")
    p.add_argument("--units", type=int, default=None, help="simulated units (default: one per eligible family)")
    p.add_argument("--draws", type=int, default=100, help="Monte Carlo draws (default 100)")
    p.add_argument("--seed", type=int, default=1, help="seed (default 1)")
    p.add_argument("--central", action="store_true", help="one run with every parameter at its central value")
    p.add_argument("--population", help="population table (CSV or Parquet) replacing the scenario's")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--scheduler", help="address of an existing Dask scheduler, e.g. tcp://host:8786")
    where.add_argument("--workers", type=int, help="workers of a local Dask cluster (default: all cores)")
    where.add_argument("--in-process", action="store_true", help="run in this process, without Dask")
    p.add_argument("--chunk-units", type=int, default=None, help="units per task (whole blocks of 4096)")
    p.add_argument("--out", required=True, help="output folder")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.set_defaults(func=run_cli)


def run_cli(args) -> int:
    from .population import load_population
    from .run import DEFAULT_CHUNK_UNITS, run_scaleup, write_outputs
    from .scenario import load_scenario

    scenario = load_scenario(args.scenario)
    show = not args.json and sys.stderr.isatty()
    population = load_population(args.population) if args.population else None
    if args.workers is not None and args.workers < 1:
        raise ValueError("--workers: need at least 1")
    result = run_scaleup(
        scenario, population=population, units=args.units, draws=args.draws, seed=args.seed, central=args.central,
        scheduler=args.scheduler, workers=args.workers, in_process=True if args.in_process else None,
        chunk_units=args.chunk_units or DEFAULT_CHUNK_UNITS, progress_bar=show and not args.in_process,
        progress=_text_progress if show and args.in_process else None,
    )
    if show and args.in_process:
        print(file=sys.stderr)
    written = write_outputs(result, args.out)
    summary = result.summary()
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=2))
        return 0
    end = summary["horizon_end"]
    print(f"{summary['scenario'] or args.scenario}: {summary['units']:,} units x {summary['draws']} draws, "
          f"{summary['years']} years, {result.executor}, {result.seconds:.1f} s")
    for m in ("families_enrolled", "families_active", "hectares", "co2e_t", "public_cost_cumulative_mxn",
              "cost_per_t_co2e_mxn", "families_lifted", "promoters_needed"):
        q = end[m]
        print(f"  year {summary['years'] - 1} {m}: p50 {_fmt(q['p50'])} (p10 {_fmt(q['p10'])}, "
              f"p90 {_fmt(q['p90'])})")
    for w in summary["warnings"]:
        print(f"  warning: {w}", file=sys.stderr)
    print(f"  written: {', '.join(sorted(written))} in {args.out}")
    return 0


def _fmt(v: float | None) -> str:
    return "-" if v is None else f"{v:,.0f}"


def _text_progress(done: int, total: int) -> None:
    width = 40
    filled = int(width * done / max(total, 1))
    print(f"\r[{'#' * filled}{' ' * (width - filled)}] {100 * done / max(total, 1):5.1f}% chunks {done}/{total}",
          end="", file=sys.stderr, flush=True)
