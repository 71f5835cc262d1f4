"""Benchmark: RUSLE soil loss (Desmet & Govers LS with MFD routing) on a 4,000 x 4,000 cell DEM.

Run: .venv/bin/python benchmarks/bench_environment_soil_loss_4000.py [--size 4000] [--repeat 3]
Prints a markdown table. Target (issue 5): under 5 s for the whole soil-loss grid.
"""

from __future__ import annotations

import argparse
import os
import platform
import time

import numpy as np

from miaf.environment.ls_factor import flow_accumulation, ls_desmet_govers
from miaf.environment.rusle import rusle
from miaf.environment.terrain import dem_from_array


def synthetic_dem(n: int, cell: float = 10.0, seed: int = 0) -> np.ndarray:
    """Hillslopes falling southwards with two scales of ridges and valleys and 5 cm of noise."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:n, 0:n].astype(np.float64)
    return 2000.0 - (0.3 * y + 30 * np.sin(x / 150) * np.cos(y / 200) + 20 * np.sin(x / 37 + y / 53)) * cell / 10 \
        + rng.normal(0, 0.05, (n, n))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", type=int, default=4000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    n = args.size
    dem = dem_from_array(synthetic_dem(n), 10.0)
    rows = []
    for _ in range(args.repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        fa = flow_accumulation(dem)
        t1, c1 = time.perf_counter(), time.process_time()
        grid = ls_desmet_govers(dem, max_flow_length_m=122.0)
        a = rusle(12_000.0, 0.025, grid.ls, 0.08, 1.0)
        t2, c2 = time.perf_counter(), time.process_time()
        rows.append((t1 - t0, c1 - c0, t2 - t1, c2 - c1, fa.iterations, float(np.nanmean(a)), os.getloadavg()[0]))
        del fa, grid, a
    print(f"Machine: {platform.processor() or platform.machine()}, Python {platform.python_version()}, "
          f"numpy {np.__version__}")
    print()
    print("| grid | run | flow accumulation alone, wall / CPU [s] | soil loss grid (routing + LS + RUSLE), "
          "wall / CPU [s] | wavefronts | mean A [t/ha/yr] | load avg |")
    print("|---|---|---|---|---|---|---|")
    for i, (fa_s, fa_cpu, sl_s, sl_cpu, it, mean_a, load) in enumerate(rows, start=1):
        print(f"| {n} x {n} | {i} | {fa_s:.2f} / {fa_cpu:.2f} | {sl_s:.2f} / {sl_cpu:.2f} | {it} | {mean_a:.1f} "
              f"| {load:.1f} |")
    best = min(r[2] for r in rows)
    print(f"\nBest soil-loss time: {best:.2f} s (target < 5 s): {'PASS' if best < 5 else 'FAIL'}")


if __name__ == "__main__":
    main()
