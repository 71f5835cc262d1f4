"""National scale-up simulator: cohorts of families entering an accompanied MIAF-D programme.

Science layer (no Django). Modules: :mod:`.population` (strata tables, synthetic units), :mod:`.scenario`
(programme scenario TOML), :mod:`.plotflows` (per-stratum flows from the economics, erosion and carbon
models), :mod:`.kernel` (unit chunks → exact counts), :mod:`.model` (schedule, contraction, totals),
:mod:`.run` (in-process or Dask execution, Parquet output), :mod:`.cli` (``miaf scaleup``).
See docs/scaleup.md.

Names are imported lazily, so a Dask worker that only runs :func:`miaf.scaleup.kernel.unit_chunk` does not
import the plot models.
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    "Population": "population", "PopulationError": "population", "default_population": "population",
    "load_population": "population", "ScaleupResult": "run", "run_scaleup": "run", "write_outputs": "run",
    "Scenario": "scenario", "ScenarioError": "scenario", "load_scenario": "scenario", "parse_scenario": "scenario",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
