"""Small helpers shared by the benchmark scripts (run as ``python benchmarks/bench_….py``, so this folder is on
``sys.path``)."""

from __future__ import annotations


def percentile(xs: list[float], q: float) -> float:
    """The ``q`` quantile (0–1) of ``xs`` with linear interpolation (numpy's default method)."""
    xs = sorted(xs)
    k = (len(xs) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)
