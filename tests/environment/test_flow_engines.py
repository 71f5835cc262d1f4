"""Flow routing engines: the compiled (numba) traversal and the numpy wavefronts give the same areas."""

from __future__ import annotations

import math
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from miaf.environment.ls_factor import flow_accumulation, ls_desmet_govers
from miaf.environment.terrain import dem_from_array, read_dem

from .test_ls_factor import reference_ls, synthetic_hillside


def assert_same_flow(dem, **kwargs):
    fast = flow_accumulation(dem, engine="numba", **kwargs)
    slow = flow_accumulation(dem, engine="numpy", **kwargs)
    np.testing.assert_array_equal(np.isnan(fast.inlet_area_m2), np.isnan(slow.inlet_area_m2))
    np.testing.assert_allclose(fast.inlet_area_m2, slow.inlet_area_m2, rtol=1e-9, atol=1e-9 * dem.cell_size_m**2)
    assert fast.sink_cells == slow.sink_cells
    assert fast.iterations == slow.iterations
    assert fast.cell_area_m2 == slow.cell_area_m2
    return fast, slow


def test_both_engines_route_a_2_by_2_grid_as_calculated_by_hand():
    # z = [[3, 2], [2, 0]], D = 1 m, Quinn p = 1. The top-left cell drains to east (drop 1, weight 1 · 0.5),
    # south (1 · 0.5) and south-east (3/√2 · 0.354 = 0.75094); Σ = 1.75094. East and south cells each get
    # 1 m² · 0.5 / 1.75094 = 0.28556 m² and drain wholly to the bottom-right cell, whose inlet area is then all
    # three upslope cells: 3 m² (area is conserved). The bottom-right cell is the only sink.
    dem = dem_from_array(np.array([[3.0, 2.0], [2.0, 0.0]]), 1.0)
    diagonal = 3 / math.sqrt(2) * 0.354
    side = 0.5 / (1.0 + diagonal)
    for engine in ("numba", "numpy"):
        flow = flow_accumulation(dem, engine=engine)
        np.testing.assert_allclose(flow.inlet_area_m2, [[0.0, side], [side, 3.0]], rtol=1e-12)
        assert flow.sink_cells == 1
        assert flow.iterations == 3  # top-left → east/south → bottom-right


def test_wavefront_count_is_the_number_of_cells_on_the_longest_flow_path_of_a_plane():
    # A plane of 40 rows falling south: every flow path runs from the top row to the bottom row, 40 cells.
    y = np.arange(40, dtype=float)[:, None] * np.ones((1, 25))
    fast, _ = assert_same_flow(dem_from_array(100.0 - 0.2 * y, 2.0))
    assert fast.iterations == 40
    assert fast.sink_cells == 25  # the bottom row


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 100_000),
    shape=st.tuples(st.integers(2, 30), st.integers(2, 30)),
    cell=st.sampled_from([0.5, 1.0, 10.0]),
    weighting=st.sampled_from(["quinn", "freeman"]),
    exponent=st.sampled_from([1.0, 1.1, 4.0]),
    nodata_share=st.sampled_from([0.0, 0.1, 0.4]),
    efficiency=st.sampled_from([None, 0.0, 0.6, 1.0]),
)
def test_numba_and_numpy_engines_agree_on_random_dems(seed, shape, cell, weighting, exponent, nodata_share, efficiency):
    rng = np.random.default_rng(seed)
    # Random relief on a tilt, rounded to 5 cm so that flats (sinks) and ties occur.
    z = np.round(rng.normal(0, 1.0, shape) - 0.3 * cell * np.arange(shape[0])[:, None], 1) * 0.5
    z[rng.random(shape) < nodata_share] = np.nan
    if not np.isfinite(z).any():
        z[0, 0] = 1.0
    kwargs = {"exponent": exponent, "weighting": weighting}
    if efficiency is not None:
        kwargs |= {"barriers": rng.random(shape) < 0.2, "barrier_efficiency": efficiency}
    fast, _ = assert_same_flow(dem_from_array(z, cell), **kwargs)
    # Routing only moves area downslope: no inlet area is negative or exceeds the whole valid area.
    valid = np.isfinite(z)
    assert np.all(fast.inlet_area_m2[valid] <= valid.sum() * cell * cell * (1 + 1e-9))
    assert np.all(fast.inlet_area_m2[valid] >= 0)


def test_engines_agree_on_the_real_jacksboro_dem_reprojected_with_nodata_edges(jacksboro_geotiff):
    path, _, _ = jacksboro_geotiff
    dem = read_dem(path)
    assert dem.nodata_cells > 0  # the reprojected grid has NaN corners
    fast, slow = assert_same_flow(dem)
    assert fast.iterations > 50
    barriers = np.zeros(dem.shape, dtype=bool)
    barriers[::7] = True
    assert_same_flow(dem, barriers=barriers, barrier_efficiency=0.8)
    ls_fast = ls_desmet_govers(dem, max_flow_length_m=122.0, engine="numba")
    ls_slow = ls_desmet_govers(dem, max_flow_length_m=122.0, engine="numpy")
    np.testing.assert_allclose(ls_fast.ls, ls_slow.ls, rtol=1e-9)
    assert ls_fast.sink_cells == ls_slow.sink_cells and ls_fast.nodata_cells == ls_slow.nodata_cells


@pytest.mark.parametrize("engine", ["numba", "numpy"])
def test_each_engine_matches_the_loop_reference_cell_by_cell(engine):
    z = synthetic_hillside()
    ls = ls_desmet_govers(dem_from_array(z, 2.0), max_flow_length_m=None, engine=engine).ls
    np.testing.assert_allclose(ls, reference_ls(z, 2.0), rtol=1e-9)


def test_unknown_engine_is_refused_with_the_valid_choices():
    dem = dem_from_array(np.array([[3.0, 2.0], [2.0, 0.0]]), 1.0)
    with pytest.raises(ValueError, match="engine must be one of 'numba', 'numpy'"):
        flow_accumulation(dem, engine="cuda")
    with pytest.raises(ValueError, match="engine"):
        ls_desmet_govers(dem, engine="fortran")


def test_numba_engine_works_when_no_cache_directory_is_writable():
    # Simulate a read-only install and home: numba's cache locators all fail to write (PermissionError);
    # the kernel must then compile in memory rather than fail at import.
    code = textwrap.dedent(
        """
        import numba.core.caching as caching
        def deny(self):
            raise PermissionError(13, "Permission denied", self.get_cache_path())
        caching._CacheLocator.ensure_cache_path = deny
        import numpy as np
        from miaf.environment import _flow_numba
        from miaf.environment.ls_factor import flow_accumulation
        from miaf.environment.terrain import dem_from_array
        flow = flow_accumulation(dem_from_array(np.array([[3.0, 2.0], [2.0, 0.0]]), 1.0))
        print(type(_flow_numba.route_mfd._cache).__name__, round(float(flow.inlet_area_m2[1, 1]), 9))
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["NullCache", "3.0"]
