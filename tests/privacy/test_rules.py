"""The disclosure rules themselves (miaf.indicators.disclosure, pure pandas): threshold, differencing and
complementary suppression of tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from miaf.indicators import IndicatorTables, compute_indicators
from miaf.indicators.disclosure import (
    COMPLEMENTARY,
    DIFFERENCING,
    SMALL_CELL,
    SUPPRESSED,
    default_k,
    protect_results,
    suppress_counts,
    suppress_table,
)


def test_k_is_the_open_data_threshold():
    from miaf.params import load_parameters

    assert default_k() == int(float(load_parameters("open_data")["k_min_families"])) == 5


def test_group_by_sex_table_one_small_cell_gets_a_complement_in_its_row_and_column():
    counts = pd.DataFrame([[1, 8, 0], [6, 7, 0], [8, 9, 2]], index=["g1", "g2", "g3"], columns=["F", "M", "X"])
    reason, row_hidden, col_hidden, grand = suppress_table(counts, 5)
    assert reason.loc["g1", "F"] == SMALL_CELL and reason.loc["g3", "X"] == SMALL_CELL
    assert reason.loc["g2", "X"] == "" and reason.loc["g1", "X"] == ""  # zeros reveal nobody
    _assert_protected(counts.to_numpy(), reason.to_numpy(), row_hidden.to_numpy(), col_hidden.to_numpy(), grand, 5)
    # g1's row: 1 hidden alone would be 9 − 8; its complement is the smallest other cell of the row
    assert reason.loc["g1", "M"] == COMPLEMENTARY


def test_a_one_dimensional_table_hides_its_smallest_neighbour_and_pools_at_least_k():
    assert suppress_counts({"a": 1, "b": 10, "c": 12}, 5)[0] == {"a": SMALL_CELL, "b": COMPLEMENTARY, "c": ""}
    # two small cells together still hold fewer than k families: a third cell joins them
    assert suppress_counts({"a": 1, "b": 2, "c": 12}, 5)[0] == {"a": SMALL_CELL, "b": SMALL_CELL, "c": COMPLEMENTARY}
    assert suppress_counts({"a": 6, "b": 7}, 5)[0] == {"a": "", "b": ""}


def _assert_protected(n, reason, row_hidden, col_hidden, grand, k):  # noqa: ANN001, ANN202
    """Every line with a hidden cell has >= 2 hidden entries (its total counts) holding >= k families."""
    hidden = reason != ""
    assert not (hidden & (n == 0)).any()
    assert ((n > 0) & (n < k) <= hidden).all()
    rows, cols = n.shape
    lines = [(n[i, :], hidden[i, :], row_hidden[i], n[i, :].sum()) for i in range(rows)] if cols > 1 else []
    lines += [(n[:, j], hidden[:, j], col_hidden[j], n[:, j].sum()) for j in range(cols)] if rows > 1 else []
    if rows == 1:  # a single line: its total is the grand total
        lines = [(n[0, :], hidden[0, :], grand, n.sum())]
    elif cols == 1:
        lines = [(n[:, 0], hidden[:, 0], grand, n.sum())]
    for cells, hid, total_hidden, total in lines:
        if hid.any():
            count = int(hid.sum()) + int(total_hidden)
            mass = int(cells[hid].sum()) + (int(total) if total_hidden else 0)
            # a line holding fewer than k families in all is safe once its total is hidden too
            assert count >= 2 and (mass >= k or (total_hidden and total < k)), (cells, hid, total_hidden)


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 5).flatmap(lambda r: st.integers(1, 5).flatmap(
    lambda c: st.lists(st.integers(0, 12), min_size=r * c, max_size=r * c).map(lambda v: np.array(v).reshape(r, c)))))
def test_no_hidden_cell_of_any_table_can_be_recovered_from_its_line(n):
    reason, row_hidden, col_hidden, grand = suppress_table(pd.DataFrame(n), 5)
    _assert_protected(n, reason.to_numpy(), row_hidden.to_numpy(), col_hidden.to_numpy(), grand, 5)


# ------------------------------------------------------------------------------ indicators, pure pandas

def _tables() -> IndicatorTables:
    """Group 1: 1 woman-headed + 6 man-headed families; group 2: 7 woman-headed. One sale each in 2014."""
    heads = ["F"] + ["M"] * 6 + ["F"] * 7
    fam = pd.DataFrame({"family_id": range(1, 15), "group_id": [1] * 7 + [2] * 7, "group": ["a"] * 7 + ["b"] * 7,
                        "organisation_id": 1, "organisation": "o", "municipality": "07052", "head_sex": heads,
                        "anyone_migrated": False})
    plots = pd.DataFrame({"plot_id": range(101, 115), "family_id": range(1, 15), "area_ha": 1.0,
                          "system": "miaf_d", "established_on": pd.Timestamp("2012-01-01"),
                          "mean_slope_pct": 20.0, "soil_depth_class": "deep", "rainfall_mm": 1900.0})
    harvests = pd.DataFrame({"harvest_id": range(1, 15), "plot_id": range(101, 115), "species": "maiz",
                             "harvested_on": pd.Timestamp("2014-11-10"), "quantity_kg": 1000.0})
    dest = pd.DataFrame({"harvest_id": range(1, 15), "destination": "intermediary", "kg": 1000.0,
                         "price_mxn_per_kg": [12.34567] + [5.0] * 13})
    return IndicatorTables(families=fam, plots=plots, harvests=harvests, destinations=dest)


def test_a_one_family_query_is_hidden_and_a_differencing_neighbour_too():
    t = _tables()
    one, info = protect_results(t, compute_indicators(t, {"group": 1, "head_sex": "F", "year": 2014}), 5)
    assert one["families"].value is None and one["families"].status == SUPPRESSED
    assert one["gross_income_per_family"].value is None and info.suppressed["gross_income_per_family"] == SMALL_CELL
    men, info = protect_results(t, compute_indicators(t, {"group": 1, "head_sex": "M", "year": 2014}), 5)
    assert info.suppressed["families"] == DIFFERENCING and men["gross_income_per_family"].value is None
    women, info = protect_results(t, compute_indicators(t, {"head_sex": "F", "year": 2014}), 5)
    # 8 woman-headed families, 6 more in the programme: shown
    assert women["families"].value == 8 and "families" not in info.suppressed
    whole = compute_indicators(t, {"group": 1, "year": 2014})
    assert protect_results(t, whole, 5)[0]["gross_income_per_family"].value == pytest.approx(
        whole["gross_income_per_family"].value)
