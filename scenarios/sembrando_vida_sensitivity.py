"""How the Sembrando Vida preset's answers change with the accompaniment ratio and the drop-out rate.

    .venv/bin/python scenarios/sembrando_vida_sensitivity.py [--units 200000] [--draws 50]

Prints a Markdown table (docs/scaleup.md, "Sembrando Vida preset"): for each families-per-promoter ratio
and each annual drop-out rate, the p50 (p10–p90) at the horizon of the public cost per family enrolled,
per hectare-year in MIAF-D and per tonne of CO2e stored, and the promoters needed in year 0.
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent


def main(argv: list[str] | None = None) -> int:
    from miaf.scaleup.run import run_scaleup
    from miaf.scaleup.scenario import parse_scenario

    ap = argparse.ArgumentParser()
    ap.add_argument("--units", type=int, default=200_000)
    ap.add_argument("--draws", type=int, default=50)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    base = tomllib.loads((HERE / "sembrando-vida.toml").read_text(encoding="utf-8"))
    print(f"units {args.units:,}, draws {args.draws}, seed {args.seed}, horizon {base['horizon_years']} years")
    print("| families per promoter | drop-out per year | cost per family enrolled [MXN] | "
          "cost per ha-year in MIAF-D [MXN] | cost per t CO2e [MXN] | promoters, year 0 | families active, last year |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for fpp in (15, 25, 40):
        for drop in (0.02, 0.05, 0.15):
            data = {**base, "promoters": {**base["promoters"], "families_per_promoter": fpp},
                    "rates": {**base["rates"], "dropout_per_year": drop}}
            res = run_scaleup(parse_scenario(data), units=args.units, draws=args.draws, seed=args.seed,
                              in_process=True)
            t = res.totals["Nacional"]
            cost = t["public_cost_cumulative_mxn"][:, -1]
            per_family = cost / t["families_enrolled"][:, -1]
            per_ha_year = cost / t["hectares"].sum(axis=1)
            per_t = t["cost_per_t_co2e_mxn"][:, -1]

            def q(x):
                p10, p50, p90 = np.nanpercentile(x, [10, 50, 90])
                return f"{p50:,.0f} ({p10:,.0f}–{p90:,.0f})"

            print(f"| {fpp} | {drop:.2f} | {q(per_family)} | {q(per_ha_year)} | {q(per_t)} | "
                  f"{np.median(t['promoters_needed'][:, 0]):,.0f} | {q(t['families_active'][:, -1])} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
