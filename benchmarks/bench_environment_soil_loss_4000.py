"""Benchmark: RUSLE soil loss (Desmet & Govers LS with MFD routing) on a 4,000 x 4,000 cell DEM.

Run: .venv/bin/python benchmarks/bench_environment_soil_loss_4000.py [--size 4000] [--repeat 5] [--engines numba,numpy]
Prints markdown tables: numba first-call (JIT) cost, then per engine the median / best wall and CPU time of
flow accumulation alone and of the whole soil-loss grid (routing + LS + RUSLE), measured in one process on
the same DEM. Target (issue 5): under 5 s for the whole soil-loss grid.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

from miaf.environment.ls_factor import flow_accumulation, ls_desmet_govers
from miaf.environment.rusle import rusle
from miaf.environment.terrain import dem_from_array

_FIRST_CALL = """
import time
t0 = time.perf_counter()
import numpy as np
from miaf.environment.ls_factor import flow_accumulation
from miaf.environment.terrain import dem_from_array
t1 = time.perf_counter()
flow_accumulation(dem_from_array(np.array([[3.0, 2.0], [2.0, 0.0]]), 1.0), engine="numba")
t2 = time.perf_counter()
print(t1 - t0, t2 - t1)
"""


def synthetic_dem(n: int, cell: float = 10.0, seed: int = 0) -> np.ndarray:
    """Hillslopes falling southwards with two scales of ridges and valleys and 5 cm of noise."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:n, 0:n].astype(np.float64)
    return 2000.0 - (0.3 * y + 30 * np.sin(x / 150) * np.cos(y / 200) + 20 * np.sin(x / 37 + y / 53)) * cell / 10 \
        + rng.normal(0, 0.05, (n, n))


def first_call_seconds() -> list[tuple[str, float, float]]:
    """Import time and first-call time of the numba kernel in fresh processes: cold (empty cache), then cached."""
    rows = []
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, NUMBA_CACHE_DIR=cache)
        for label in ("cold: empty cache, JIT compile", "warm: loaded from the disk cache"):
            out = subprocess.run([sys.executable, "-c", _FIRST_CALL], env=env, capture_output=True, text=True,
                                 check=True)
            imp, call = (float(v) for v in out.stdout.split())
            rows.append((label, imp, call))
    return rows


def timed(func):
    t0, c0 = time.perf_counter(), time.process_time()
    out = func()
    return out, time.perf_counter() - t0, time.process_time() - c0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", type=int, default=4000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--engines", default="numba,numpy")
    args = ap.parse_args()
    engines = args.engines.split(",")
    n = args.size
    jit_rows = first_call_seconds() if "numba" in engines else []
    dem = dem_from_array(synthetic_dem(n), 10.0)
    if "numba" in engines:  # compile (or load) outside the timings
        flow_accumulation(dem_from_array(np.array([[3.0, 2.0], [2.0, 0.0]]), 1.0), engine="numba")
    results: dict[str, list] = {e: [] for e in engines}
    means: dict[str, float] = {}
    for _ in range(args.repeat):
        for engine in engines:  # interleaved, so that both engines see the same machine load
            fa, fa_s, fa_cpu = timed(lambda: flow_accumulation(dem, engine=engine))  # noqa: B023
            iterations = fa.iterations
            del fa

            def soil_loss():
                grid = ls_desmet_govers(dem, max_flow_length_m=122.0, engine=engine)  # noqa: B023
                return rusle(12_000.0, 0.025, grid.ls, 0.08, 1.0)

            a, sl_s, sl_cpu = timed(soil_loss)
            means[engine] = float(np.nanmean(a))
            del a
            results[engine].append((fa_s, fa_cpu, sl_s, sl_cpu, iterations, os.getloadavg()[0]))
    print(f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}, numpy {np.__version__}")
    if jit_rows:
        import numba

        print(f"\nnumba {numba.__version__}: first call of the kernel in a fresh process\n")
        print("| case | import miaf.environment [s] | first flow_accumulation call [s] |")
        print("|---|---|---|")
        for label, imp, call in jit_rows:
            print(f"| {label} | {imp:.2f} | {call:.2f} |")
    print(f"\n{n} x {n} cells, {args.repeat} runs per engine (interleaved)\n")
    print("| engine | flow accumulation, wall median / best [s] | flow accumulation CPU median [s] | soil-loss grid, "
          "wall median / best [s] | soil-loss grid CPU median [s] | wavefronts | mean A [t/ha/yr] | load avg |")
    print("|---|---|---|---|---|---|---|---|")
    for engine, rows in results.items():
        cols = list(zip(*rows, strict=True))
        med = [statistics.median(c) for c in cols[:4]]
        print(f"| {engine} | {med[0]:.2f} / {min(cols[0]):.2f} | {med[1]:.2f} | {med[2]:.2f} / {min(cols[2]):.2f} | "
              f"{med[3]:.2f} | {cols[4][0]} | {means[engine]:.4f} | {min(cols[5]):.1f}–{max(cols[5]):.1f} |")
    if len(results) == 2:
        a, b = (statistics.median(r[2] for r in results[e]) for e in engines)
        ac, bc = (statistics.median(r[3] for r in results[e]) for e in engines)
        print(f"\nSoil-loss grid, {engines[1]} / {engines[0]}: {b / a:.1f}x wall, {bc / ac:.1f}x CPU (medians)")
    for engine, rows in results.items():
        med = statistics.median(r[2] for r in rows)
        print(f"{engine}: median soil-loss time {med:.2f} s wall (target < 5 s): {'PASS' if med < 5 else 'FAIL'}")


if __name__ == "__main__":
    main()
