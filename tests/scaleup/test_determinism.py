"""The same seed gives identical results in-process and on a local Dask cluster with 1 or 2 workers, whatever
the chunk size; a different seed gives different results."""

from __future__ import annotations

import numpy as np
import pytest

from miaf.scaleup.population import BLOCK, default_population
from miaf.scaleup.run import run_scaleup
from miaf.scaleup.scenario import parse_scenario

SCENARIO = {
    "name": "determinism", "horizon_years": 12,
    "enrolment": {"targets": [20000, 40000, 60000]},
    "promoters": {"initial": 1000, "hired_per_year": 1000},
}


def _same(a, b):
    assert a.totals.keys() == b.totals.keys()
    for region in a.totals:
        for m, v in a.totals[region].items():
            np.testing.assert_array_equal(v, b.totals[region][m], err_msg=f"{region} {m}")


@pytest.fixture(scope="module")
def reference():
    scenario = parse_scenario(SCENARIO)
    pop = default_population()
    return scenario, pop, run_scaleup(scenario, population=pop, units=60_000, draws=8, seed=7, in_process=True,
                                      chunk_units=BLOCK)


def test_in_process_results_do_not_depend_on_the_chunk_size(reference):
    scenario, pop, ref = reference
    other = run_scaleup(scenario, population=pop, units=60_000, draws=8, seed=7, in_process=True,
                        chunk_units=5 * BLOCK)
    _same(ref, other)
    assert ref.totals["Nacional"]["families_active"].max() > 0


@pytest.mark.parametrize("workers,chunk,processes", [
    (1, 2 * BLOCK, False),
    (2, 3 * BLOCK, False),
    pytest.param(2, 7 * BLOCK, True, marks=pytest.mark.slow),  # worker processes: start-up dominates
])
def test_local_cluster_gives_the_in_process_result(reference, workers, chunk, processes):
    scenario, pop, ref = reference
    res = run_scaleup(scenario, population=pop, units=60_000, draws=8, seed=7, workers=workers, chunk_units=chunk,
                      processes=processes)
    assert res.executor == f"local dask cluster, {workers} worker(s)"
    _same(ref, res)


def test_another_seed_gives_other_draws(reference):
    scenario, pop, ref = reference
    other = run_scaleup(scenario, population=pop, units=60_000, draws=8, seed=8, in_process=True)
    assert not np.array_equal(ref.totals["Nacional"]["co2e_t"], other.totals["Nacional"]["co2e_t"])
    # the programme decision (families enrolled) does not depend on the seed
    np.testing.assert_array_equal(ref.totals["Nacional"]["families_enrolled"],
                                  other.totals["Nacional"]["families_enrolled"])


def test_an_unreachable_scheduler_is_a_clear_error(reference, tmp_path):
    scenario, pop, _ = reference
    with pytest.raises(ValueError, match="cannot reach the Dask scheduler at tcp://127.0.0.1:9"):
        run_scaleup(scenario, population=pop, units=5000, draws=2, scheduler="tcp://127.0.0.1:9")
