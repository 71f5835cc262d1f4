"""Scale-up simulator: wall time and peak memory in-process and on a local Dask cluster (issue 13).

Usage::

    .venv/bin/python benchmarks/bench_scaleup.py --scenario docs/examples/scaleup-national.toml \
        --units 200000 --draws 100 --modes inprocess,1,2

Each mode runs the same scenario, seed and units; the script checks that every mode gives identical totals
and prints one Markdown row per mode: planning + plot models (driver), unit kernel, total wall time, peak
RSS of the driver and of each worker. Worker clusters are started before the clock starts (start-up is
reported separately), so the kernel time is comparable between modes.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time

import numpy as np


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def main(argv: list[str] | None = None) -> int:
    from miaf.scaleup.run import run_scaleup
    from miaf.scaleup.scenario import load_scenario

    ap = argparse.ArgumentParser()
    ap.add_argument("--scenario", default="docs/examples/scaleup-national.toml")
    ap.add_argument("--units", type=int, default=200_000)
    ap.add_argument("--draws", type=int, default=100)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--modes", default="inprocess,1,2", help="comma list: inprocess and/or worker counts")
    ap.add_argument("--chunk-units", type=int, default=16 * 4096)
    args = ap.parse_args(argv)
    scenario = load_scenario(args.scenario)
    reference = None
    print(f"scenario {args.scenario}, units {args.units:,}, draws {args.draws}, seed {args.seed}")
    print("| mode | cluster start [s] | run [s] | plan + plot models [s] | unit kernel [s] | driver peak RSS [MB] "
          "| worker peak RSS [MB] | identical |")
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    for mode in args.modes.split(","):
        start_s, worker_mb = 0.0, "-"
        if mode == "inprocess":
            t0 = time.perf_counter()
            res = run_scaleup(scenario, units=args.units, draws=args.draws, seed=args.seed, in_process=True,
                              chunk_units=args.chunk_units)
            wall = time.perf_counter() - t0
        else:
            from distributed import Client, LocalCluster

            t0 = time.perf_counter()
            cluster = LocalCluster(n_workers=int(mode), threads_per_worker=1, processes=True, dashboard_address=None)
            client = Client(cluster)
            start_s = time.perf_counter() - t0
            t0 = time.perf_counter()
            res = run_scaleup(scenario, units=args.units, draws=args.draws, seed=args.seed,
                              scheduler=cluster.scheduler_address, chunk_units=args.chunk_units)
            wall = time.perf_counter() - t0
            rss = client.run(_peak_rss_mb)
            worker_mb = " / ".join(f"{v:.0f}" for v in rss.values())
            client.close()
            cluster.close()
        same = "reference"
        if reference is None:
            reference = res
        else:
            same = "yes" if all(np.array_equal(v, reference.totals[r][m], equal_nan=True)
                                for r in res.totals for m, v in res.totals[r].items()) else "NO"
        label = "in-process" if mode == "inprocess" else f"local cluster, {mode} worker(s)"
        t = res.timings
        print(f"| {label} | {start_s:.1f} | {wall:.1f} | {t['plan_and_plot_models_s']:.1f} | {t['unit_kernel_s']:.1f} "
              f"| {_peak_rss_mb():.0f} | {worker_mb} | {same} |", flush=True)
    s = reference.summary()["horizon_end"]
    print(f"year {reference.years - 1}: families active p50 {s['families_active']['p50']:,.0f}, "
          f"CO2e p50 {s['co2e_t']['p50']:,.0f} t, units simulated {reference.units:,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
