"""Benchmark the demo generator alone (no database): families generated per second.

Usage::

    .venv/bin/python benchmarks/bench_demo_generate.py [--families 20000] [--repeat 3]

Times :func:`miaf.web.demo.generate.generate_chunk` over every chunk of a programme of ``--families``
families (the numpy part of ``miaf demo``; the database insert is measured by bench_demo_scale.py).
"""

from __future__ import annotations

import argparse
import time

from miaf.web.demo.generate import generate_chunk
from miaf.web.demo.places import plan_programme


def run(families: int, seed: int = 2011) -> tuple[float, int]:
    structure = plan_programme(families, seed)
    t = time.perf_counter()
    rows = 0
    for k in range(len(structure.chunks)):
        rows += sum(generate_chunk(structure, k, seed).counts().values())
    return time.perf_counter() - t, rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--families", type=int, default=20_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    times = []
    for _ in range(args.repeat):
        s, rows = run(args.families)
        times.append(s)
    best = min(times)
    print(f"| families | rows | best of {args.repeat} [s] | families/s |")
    print("|---|---|---|---|")
    print(f"| {args.families:,} | {rows:,} | {best:.2f} | {args.families / best:,.0f} |")


if __name__ == "__main__":
    main()
