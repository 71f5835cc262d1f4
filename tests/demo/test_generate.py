"""The generator alone (no database): determinism and invariants of the numpy columns."""

from __future__ import annotations

import numpy as np
import pytest

from miaf.web.demo.generate import calibrate_share, generate_chunk
from miaf.web.demo.places import plan_programme


@pytest.fixture(scope="module")
def structure():
    return plan_programme(400, 2011)


def test_same_seed_generates_identical_columns(structure):
    a, b = generate_chunk(structure, 0, 2011), generate_chunk(plan_programme(400, 2011), 0, 2011)
    for table in a.TABLES:
        for key, col in getattr(a, table).items():
            other = getattr(b, table)[key]
            if isinstance(col, np.ndarray) and col.dtype.kind in "fM":
                np.testing.assert_array_equal(col, other)
            else:
                assert list(col) == list(other), (table, key)


def test_another_seed_generates_another_programme(structure):
    a, b = generate_chunk(structure, 0, 2011), generate_chunk(plan_programme(400, 12), 0, 12)
    assert not np.array_equal(a.plots["area_ha"][:50], b.plots["area_ha"][:50])


def test_calibrated_share_hits_the_target_weighted_mean():
    # shares 0.2 and 0.6 with weights 1 and 3: mean (0.2 + 1.8) / 4 = 0.5 → scaled by 0.3 / 0.5 = 0.6
    s = calibrate_share(np.array([0.2, 0.6]), np.array([1.0, 3.0]), 0.3)
    assert np.sum(s * [1, 3]) / 4 == pytest.approx(0.3)
    np.testing.assert_allclose(s, [0.12, 0.36])


def test_group_sizes_add_up_to_the_families_asked_for():
    s = plan_programme(1234, 3)
    assert s.group_size.sum() == 1234
    assert len(set(s.group_municipality())) == 14
    assert s.group_name[s.ojo_group] == "Ojo de Agua"
