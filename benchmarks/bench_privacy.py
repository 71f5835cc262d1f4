"""Benchmark: the cost of small-cell suppression (issue 14 item 1) on top of the programme indicators.

Reuses the synthetic programme of ``bench_indicators.py`` and times, for the dashboard's three kinds of
query, ``compute_indicators`` alone and ``miaf.indicators.disclosure.protect_results`` on its result (what an
analyst's figures cost more than a coordinator's), the first time (nothing kept) and again (the contributor
arrays kept with the tables, as the dashboard keeps one tables object per scope and data version), and the
analyst's series over every year (``protect_over_time``) against ``over_time``. CPU seconds of the process
(the shared machine's load disturbs them least). Prints a markdown table with the ratios.

    .venv/bin/python benchmarks/bench_privacy.py [--families 20000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import platform
import time

import numpy as np
import pandas as pd
from bench_indicators import synthetic_tables

from miaf.indicators import compute_indicators, over_time
from miaf.indicators.disclosure import ContextPool, protect_over_time, protect_results

QUERIES = (("whole programme", None), ("year 2016, MIAF-D", {"year": 2016, "system": "miaf_d"}),
           ("organisation ORG1, female head, 2016", {"organisation": "ORG1", "head_sex": "F", "year": 2016}),
           ("group G7, female head, 2014", {"group": "G7", "head_sex": "F", "year": 2014}))


def cpu(fn) -> tuple[float, float, object]:  # noqa: ANN001
    """(CPU seconds of this process, wall seconds, result): CPU time is what the shared machine's load
    disturbs least."""
    c, t = time.process_time(), time.perf_counter()
    out = fn()
    return time.process_time() - c, time.perf_counter() - t, out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--families", type=int, default=20_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-series", action="store_true", help="skip over_time (every record year)")
    a = ap.parse_args()
    tables = synthetic_tables(a.families)
    print(f"Machine: {platform.machine()} {platform.python_implementation()} {platform.python_version()}, "
          f"pandas {pd.__version__}, numpy {np.__version__}; {a.families:,} families; CPU seconds, best of "
          f"{a.repeat}\n")
    print("| query | indicators [s CPU] | suppression, first call [s CPU] | suppression, cached [s CPU] | "
          "ratio first | ratio cached | hidden |")
    print("|---|---|---|---|---|---|---|")
    for label, filters in QUERIES:
        tables.__dict__.pop("_disclosure_kept", None)  # cold: nothing kept from an earlier query
        plain = min(cpu(lambda f=filters: compute_indicators(tables, f))[0] for _ in range(a.repeat))
        res = compute_indicators(tables, filters)
        first, _, (_, info) = cpu(lambda r=res: protect_results(tables, r))
        cached = min(cpu(lambda r=res: protect_results(tables, r))[0] for _ in range(a.repeat))
        print(f"| {label} | {plain:.2f} | {first:.2f} | {cached:.3f} | {(plain + first) / plain:.2f} | "
              f"{(plain + cached) / plain:.2f} | {len(info.suppressed)} |")
    if not a.no_series:
        tables.__dict__.pop("_disclosure_kept", None)
        plain, _, df = cpu(lambda: over_time(tables))
        guarded, _, (_, hidden) = cpu(lambda: protect_over_time(tables, None, None, ContextPool(tables)))
        print(f"| series, {df['year'].nunique()} years: over_time vs protect_over_time (first call) | {plain:.2f} | "
              f"{guarded - plain:.2f} | | {guarded / plain:.2f} | | {hidden} |")
    print(f"\nload average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
