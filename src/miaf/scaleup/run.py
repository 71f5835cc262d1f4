"""Running a scale-up scenario: in-process, on a local Dask cluster or on an existing one; writing results.

:func:`run_scaleup` plans the run (population, units, schedule, draws), computes the plot flows of every
stratum, runs :func:`~miaf.scaleup.kernel.unit_chunk` over chunks of units (a plain loop in-process, or
Dask futures), sums the integer counts per stratum (exact, order-free), contracts them with the flows and
totals by region. The result is the same for the same seed whatever the executor, workers or chunk size.
:func:`write_outputs` writes Parquet tables and a summary only after the whole run succeeded.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .kernel import tune_malloc, unit_chunk
from .model import METRICS, Schedule, contract_stratum, enrolment_schedule, programme_draws, regional_totals
from .plotflows import ECON_METRICS, stratum_flows
from .population import BLOCK, Population, allocate_units, default_population, load_population
from .scenario import Scenario

__all__ = ["LOCAL_CLUSTER_THRESHOLD", "MAX_DRAWS", "ScaleupResult", "run_scaleup", "write_outputs"]

#: Runs with more unit-draws than this use a local Dask cluster unless told otherwise.
LOCAL_CLUSTER_THRESHOLD = 20_000_000
MAX_DRAWS = 10_000
DEFAULT_CHUNK_UNITS = 16 * BLOCK
SUMMARY_METRICS = ("families_enrolled", "families_active", "hectares", "maize_kg", "bean_kg", "maize_self_kg",
                   "bean_self_kg", "net_income_mxn", "person_days", "soil_loss_avoided_t", "co2e_t",
                   "families_lifted", "promoters_needed", "promoters_bilingual_needed", "public_cost_mxn",
                   "public_cost_cumulative_mxn", "cost_per_t_co2e_mxn", "cost_per_family_lifted_mxn")


@dataclass
class ScaleupResult:
    """Totals ``{region: {metric: (D, H)}}`` (``"Nacional"`` included) and the run's description."""

    totals: dict[str, dict[str, np.ndarray]]
    units: int
    draws: int
    years: int
    seed: int
    central: bool
    schedule: Schedule
    population: Population
    n_units: np.ndarray
    weight: np.ndarray
    scenario: Scenario
    executor: str
    seconds: float
    warnings: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

    def percentiles(self, region: str, metric: str) -> dict[str, np.ndarray]:
        v = self.totals[region][metric]
        with np.errstate(invalid="ignore"):
            import warnings

            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                return {"mean": np.nanmean(v, axis=0), "p10": np.nanpercentile(v, 10, axis=0),
                        "p50": np.nanpercentile(v, 50, axis=0), "p90": np.nanpercentile(v, 90, axis=0)}

    def accompaniment(self) -> dict:
        """Promoters by region and year (p50): needed, bilingual, to train before each year, and the
        languages spoken in the region's strata (population table)."""
        out = {}
        pop = self.population
        for region in pop.regions:
            need = self.percentiles(region, "promoters_needed")["p50"]
            bil = self.percentiles(region, "promoters_bilingual_needed")["p50"]
            langs = sorted({lang.strip() for i, r in enumerate(pop["region"]) if r == region
                            for lang in str(pop["languages"][i]).split(";") if lang.strip()})
            out[region] = {
                "languages": langs,
                "promoters_needed_p50": [float(x) for x in need],
                "promoters_bilingual_needed_p50": [float(x) for x in bil],
                "promoters_to_train_p50": [float(x) for x in np.maximum(np.diff(need, prepend=0.0), 0.0)],
            }
        return out

    def summary(self) -> dict:
        """JSON-ready summary: run description, national percentiles per year, warnings."""
        years = []
        pct = {m: self.percentiles("Nacional", m) for m in SUMMARY_METRICS}
        for y in range(self.years):
            row = {"year": y}
            for m in SUMMARY_METRICS:
                for q in ("p10", "p50", "p90"):
                    row[f"{m}_{q}"] = _num(pct[m][q][y])
            years.append(row)
        last = self.years - 1
        return {
            "scenario": self.scenario.name, "units": int(self.units), "draws": int(self.draws),
            "years": int(self.years), "seed": int(self.seed), "central": bool(self.central),
            "executor": self.executor, "seconds": round(self.seconds, 3),
            "timings_s": {k: round(v, 3) for k, v in self.timings.items()},
            "population": self.population.source, "strata": len(self.population),
            "farm_units": int(self.population["farm_units"].sum()),
            "eligible_families": int(self.population.eligible.sum()),
            "regions": self.population.regions,
            "horizon_end": {m: {q: _num(pct[m][q][last]) for q in ("p10", "p50", "p90")} for m in SUMMARY_METRICS},
            "per_year": years,
            "accompaniment": self.accompaniment(),
            "warnings": self.warnings,
            "capped_years": self.schedule.capped_years,
            "scenario_inputs": self.scenario.to_dict(),
        }


def _num(x) -> float | None:
    x = float(x)
    return None if not np.isfinite(x) else x


def _chunks(n_units: np.ndarray, cum_synth: np.ndarray, chunk_units: int) -> list[tuple[int, int, int]]:
    """(stratum, r0, r1) for the enrolled units of each stratum, cut every ``chunk_units`` (whole blocks)."""
    out = []
    for s, n in enumerate(n_units):
        last = int(min(n, cum_synth[s, -1])) if cum_synth.shape[1] else 0
        for r0 in range(0, last, chunk_units):
            out.append((s, r0, min(r0 + chunk_units, last)))
    return out


def _add(acc: dict, part: dict) -> None:
    for k, v in part.items():
        if k in acc:
            acc[k] += v
        else:
            acc[k] = v.copy()


def run_scaleup(scenario: Scenario, *, population: Population | None = None, units: int | None = None,
                draws: int = 100, seed: int = 1, central: bool = False, scheduler: str | None = None,
                workers: int | None = None, in_process: bool | None = None, chunk_units: int = DEFAULT_CHUNK_UNITS,
                progress: Callable | None = None, progress_bar: bool = False, yield_cv: float | None = None,
                processes: bool = True) -> ScaleupResult:
    """Run a scenario and return its totals (nothing is written).

    Parameters
    ----------
    scenario : Scenario
    population : Population or None (the scenario's ``population`` file, else the default table).
    units : int or None, simulated units (None: one per eligible family).
    draws : int, Monte Carlo draws (ignored when ``central``).
    seed : int.
    central : bool, one draw with every parameter at its central value.
    scheduler : str or None, address of an existing Dask scheduler (``tcp://host:8786``).
    workers : int or None, workers of a local Dask cluster (default: all cores).
    in_process : bool or None, force (True) or forbid (False) the in-process loop; None: in-process below
        :data:`LOCAL_CLUSTER_THRESHOLD` unit-draws unless ``scheduler``/``workers`` is given.
    chunk_units : int, units per task (rounded up to whole blocks of :data:`~miaf.scaleup.population.BLOCK`).
    progress : callable(done, total) or None, called after each chunk (in-process and futures).
    progress_bar : bool, show Dask's progress bar (CLI).
    yield_cv : float or None, spread of unit yields (None: ``unit_yield_cv`` of scaleup.csv; 0: every unit at
        its stratum's yields).
    processes : bool, local cluster workers as processes (True) or threads of this process (False).
    """
    started = time.perf_counter()
    if scheduler and workers:
        raise ValueError("give either --scheduler or --workers, not both")
    draws = 1 if central else int(draws)
    if not 1 <= draws <= MAX_DRAWS:
        raise ValueError(f"--draws: between 1 and {MAX_DRAWS:,}")
    if population is None:
        population = load_population(scenario.population) if scenario.population else default_population()
    n_units, weight = allocate_units(population, units)
    chunk_units = max(BLOCK, -(-int(chunk_units) // BLOCK) * BLOCK)
    d = programme_draws(scenario, draws, seed, central)
    warnings: list[str] = []
    n_strata = len(population)
    rows = [population.row(i) for i in range(n_strata)]
    flows = [stratum_flows(rows[i], scenario.horizon_years, d, seed, central) for i in range(n_strata)]
    est = np.array([float(f.f0[:, 0, ECON_METRICS.index("establishment_mxn")].mean()) for f in flows])
    schedule = enrolment_schedule(scenario, population, n_units, weight, est)
    warnings += schedule.warnings
    chunks = _chunks(n_units, schedule.cum_synth, chunk_units)
    args = dict(adoption=d["adoption_rate"], dropout=d["dropout_rate_year"],
                yield_cv=float(_yield_cv() if yield_cv is None else yield_cv), seed=int(seed))
    total_unit_draws = int(n_units.sum()) * draws
    use_dask = bool(scheduler or workers) if in_process is None else not in_process
    if in_process is None and not use_dask and total_unit_draws > LOCAL_CLUSTER_THRESHOLD:
        use_dask = True
    counts: list[dict] = [{} for _ in range(n_strata)]
    executor = "in-process"
    t_kernel = time.perf_counter()
    if not use_dask:
        for i, (s, r0, r1) in enumerate(chunks):
            _add(counts[s], unit_chunk(s, r0, r1, schedule.cum_synth[s], **args))
            if progress:
                progress(i + 1, len(chunks))
    else:
        executor = _run_dask(chunks, schedule, args, counts, scheduler, workers, progress, progress_bar, processes)
    t_contract = time.perf_counter()
    h = scenario.horizon_years
    empty = {"active": np.zeros((draws, h, h), np.int64), "yield_sum": np.zeros((draws, h, h), np.int64),
             "not_adopted": np.zeros((draws, h), np.int64)}
    per_stratum = [
        contract_stratum(counts[s] or empty, flows[s], float(weight[s]), schedule.cum_synth[s], scenario, rows[s],
                         d["poverty_line_mxn_household_yr"])
        for s in range(n_strata)
    ]
    totals = regional_totals(per_stratum, population, scenario)
    return ScaleupResult(totals=totals, units=int(n_units.sum()), draws=draws, years=h, seed=int(seed),
                         central=central, schedule=schedule, population=population, n_units=n_units, weight=weight,
                         scenario=scenario, executor=executor, seconds=time.perf_counter() - started,
                         warnings=warnings,
                         timings={"plan_and_plot_models_s": t_kernel - started, "unit_kernel_s": t_contract - t_kernel,
                                  "contraction_s": time.perf_counter() - t_contract})


def _yield_cv() -> float:
    from miaf.params import load_parameters

    return float(load_parameters("scaleup")["unit_yield_cv"])


def _run_dask(chunks, schedule, args, counts, scheduler, workers, progress, progress_bar, processes) -> str:
    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError as exc:  # pragma: no cover - distributed is a dependency
        raise ValueError("Dask 'distributed' is not installed; run in-process (--in-process)") from exc
    cluster = None
    if scheduler:
        try:
            client = Client(scheduler, timeout="5s")
        except (OSError, TimeoutError) as exc:
            raise ValueError(f"cannot reach the Dask scheduler at {scheduler}: {exc}; nothing was written") from None
        label = f"dask scheduler {scheduler}"
    else:
        n = int(workers or os.cpu_count() or 1)
        cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=processes, dashboard_address=None)
        client = Client(cluster)
        label = f"local dask cluster, {n} worker(s)"
    try:
        client.register_worker_callbacks(setup=tune_malloc)
        futures = [client.submit(unit_chunk, s, r0, r1, schedule.cum_synth[s], pure=False, **args)
                   for s, r0, r1 in chunks]
        owner = {f.key: s for f, (s, _, _) in zip(futures, chunks, strict=True)}
        if progress_bar:
            from distributed import progress as dask_progress

            dask_progress(futures)
        for i, fut in enumerate(as_completed(futures)):
            _add(counts[owner[fut.key]], fut.result())
            fut.release()
            if progress:
                progress(i + 1, len(futures))
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    return label


def write_outputs(result: ScaleupResult, out_dir: str | Path) -> dict[str, str]:
    """Write ``by_region_year.parquet`` (percentiles), ``national_draws.parquet`` (every draw),
    ``strata.parquet`` (units, weights, enrolment), ``summary.json`` and ``summary.csv`` to ``out_dir``.

    Files are written to a temporary folder next to ``out_dir`` and moved in at the end, so a failure
    leaves no half-written result.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".scaleup-", dir=out_dir.parent))
    try:
        rows = {"region": [], "year": [], "metric": [], "mean": [], "p10": [], "p50": [], "p90": []}
        for region in result.totals:
            for m in METRICS:
                p = result.percentiles(region, m)
                for y in range(result.years):
                    rows["region"].append(region)
                    rows["year"].append(y)
                    rows["metric"].append(m)
                    for q in ("mean", "p10", "p50", "p90"):
                        rows[q].append(float(p[q][y]))
        pq.write_table(pa.table(rows), tmp / "by_region_year.parquet")
        nat = result.totals["Nacional"]
        d, h = result.draws, result.years
        draw_tab = {"draw": np.repeat(np.arange(d), h), "year": np.tile(np.arange(h), d)}
        for m in METRICS:
            draw_tab[m] = nat[m].reshape(-1)
        pq.write_table(pa.table(draw_tab), tmp / "national_draws.parquet")
        pop = result.population
        strata = {"stratum": list(pop["stratum"]), "state": list(pop["state"]), "region": list(pop["region"]),
                  "eligible_families": pop.eligible, "simulated_units": result.n_units,
                  "families_per_unit": result.weight,
                  "families_enrolled": result.schedule.new_real.sum(axis=1)}
        pq.write_table(pa.table(strata), tmp / "strata.parquet")
        summary = result.summary()
        (tmp / "summary.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False), encoding="utf-8")
        keys = list(summary["per_year"][0])
        lines = [",".join(keys)] + [",".join("" if r[k] is None else f"{r[k]:.6g}" for k in keys)
                                    for r in summary["per_year"]]
        (tmp / "summary.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
        out_dir.mkdir(parents=True, exist_ok=True)
        written = {}
        for f in sorted(tmp.iterdir()):
            target = out_dir / f.name
            os.replace(f, target)
            written[f.name] = str(target)
        return written
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
