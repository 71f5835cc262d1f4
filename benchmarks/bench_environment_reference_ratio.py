"""Benchmark: vectorised Desmet & Govers LS against the loop-based reference of the test suite.

Run: .venv/bin/python benchmarks/bench_environment_reference_ratio.py [--size 64]
Both run in the same process on the same synthetic hillside; prints a markdown table with the speed ratio
and the largest per-cell difference.
"""

from __future__ import annotations

import argparse
import importlib.util
import time
from pathlib import Path

import numpy as np

from miaf.environment.ls_factor import ls_desmet_govers
from miaf.environment.terrain import dem_from_array

TEST_FILE = Path(__file__).resolve().parents[1] / "tests" / "environment" / "test_ls_factor.py"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", type=int, default=64)
    args = ap.parse_args()
    spec = importlib.util.spec_from_file_location("ref", TEST_FILE)
    ref = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(ref)
    z = ref.synthetic_hillside(args.size)
    t0 = time.perf_counter()
    slow = ref.reference_ls(z, 2.0)
    t1 = time.perf_counter()
    fast = ls_desmet_govers(dem_from_array(z, 2.0), max_flow_length_m=None).ls
    t2 = time.perf_counter()
    rel = float(np.max(np.abs(fast - slow) / slow))
    print("| grid | loop reference [s] | vectorised [s] | speed ratio | max relative LS difference |")
    print("|---|---|---|---|---|")
    print(f"| {args.size} x {args.size} | {t1 - t0:.3f} | {t2 - t1:.4f} | {(t1 - t0) / (t2 - t1):.0f}x | {rel:.1e} |")


if __name__ == "__main__":
    main()
