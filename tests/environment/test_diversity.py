"""Diversity indices per plot, family and programme."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from miaf.environment.diversity import evaluate_diversity, shannon_index, simpson_index


def table():
    return pd.DataFrame({
        "plot_id": ["p1", "p1", "p1", "p2", "p2", "p3"],
        "family_id": ["f1", "f1", "f1", "f2", "f2", "f1"],
        "species": ["maiz", "frijol", "aguacate", "maiz", "durazno", "mango"],
        "weight": [0.5, 0.25, 0.25, 1.0, 1.0, 1.0],
    })


def test_indices_by_hand_for_a_three_species_plot():
    # p = 0.5, 0.25, 0.25: H' = −(0.5 ln 0.5 + 2·0.25 ln 0.25) = 0.3466 + 0.6931 = 1.0397; 1 − Σp² = 1 − 0.375 = 0.625
    res = evaluate_diversity(table())
    p1 = res.plots[0]
    assert p1.richness == 3
    assert p1.shannon == pytest.approx(-(0.5 * math.log(0.5) + 0.5 * math.log(0.25)))
    assert p1.simpson == pytest.approx(0.625)
    assert p1.family_id == "f1"


def test_native_share_and_food_calendar_come_from_the_species_catalogue():
    res = evaluate_diversity(table())
    p2 = res.plots[1]  # maize (native) + peach (not native)
    assert p2.native_species == 1 and p2.native_share == 0.5
    # maize harvest 10;11 and peach 6;7;8 → 5 months with a harvest
    assert p2.months_with_harvest == 5 and p2.food_products == 2
    assert p2.products_by_month[9] == 1 and p2.products_by_month[5] == 1


def test_programme_totals_pool_all_plots_and_families_are_reported():
    res = evaluate_diversity(table())
    assert res.programme.richness == 5
    # pooled weights: maiz 1.5, frijol .25, aguacate .25, durazno 1, mango 1 (total 4)
    w = np.array([1.5, 0.25, 0.25, 1.0, 1.0])
    assert res.programme.shannon == pytest.approx(shannon_index(w))
    assert {f.family_id: f.richness for f in res.families} == {"f1": 4, "f2": 2}
    assert res.mean_richness == pytest.approx((3 + 2 + 1) / 3)


def test_unknown_species_needs_a_native_column():
    t = pd.DataFrame({"plot_id": ["a"], "species": ["chayote"], "weight": [1]})
    with pytest.raises(ValueError, match="native"):
        evaluate_diversity(t)
    t["native"] = ["true"]
    assert evaluate_diversity(t).plots[0].native_share == 1.0


def test_bad_tables_are_refused():
    with pytest.raises(ValueError, match="column"):
        evaluate_diversity(pd.DataFrame({"plot": [1]}))
    with pytest.raises(ValueError, match="weight"):
        evaluate_diversity(pd.DataFrame({"plot_id": ["a"], "species": ["maiz"], "weight": [-1]}))


@given(st.lists(st.floats(0.01, 100), min_size=1, max_size=20))
def test_shannon_is_at_most_ln_richness_and_simpson_below_one(ws):
    h, s = shannon_index(ws), simpson_index(ws)
    assert -1e-12 <= h <= math.log(len(ws)) + 1e-9
    assert 0 <= s < 1
