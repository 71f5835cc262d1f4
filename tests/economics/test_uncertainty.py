"""Distributions, reproducible Monte Carlo over the plot model, sensitivity ranking."""

from __future__ import annotations

import numpy as np
import pytest

from miaf.economics.cashflow import PlotModel
from miaf.economics.scenario import PlotScenario
from miaf.economics.uncertainty import Distribution, sample_parameters, sensitivity


def test_normal_from_a_90_percent_interval_puts_5_percent_in_each_tail():
    x = Distribution.from_spec({"dist": "normal", "low": 10, "high": 20}).sample(200_000, np.random.default_rng(0))
    # mean (10 + 20)/2 = 15; sd = 10 / (2 x 1.6449) = 3.04
    assert np.mean(x) == pytest.approx(15, abs=0.05)
    assert np.mean(x < 10) == pytest.approx(0.05, abs=0.003)
    assert np.mean(x > 20) == pytest.approx(0.05, abs=0.003)


def test_lognormal_interval_is_respected_in_log_space():
    d = Distribution.from_spec({"dist": "lognormal", "low": 5, "high": 20})
    x = d.sample(200_000, np.random.default_rng(1))
    assert d.central() == pytest.approx(10.0)  # sqrt(5 x 20)
    assert np.mean(x < 5) == pytest.approx(0.05, abs=0.003)
    assert x.min() > 0


def test_pert_stays_within_its_bounds_with_the_textbook_mean():
    d = Distribution.from_spec({"dist": "pert", "low": 6, "mode": 12.5, "high": 35})
    x = d.sample(200_000, np.random.default_rng(2))
    # PERT mean = (6 + 4 x 12.5 + 35) / 6 = 15.1667
    assert np.mean(x) == pytest.approx(15.1667, abs=0.05)
    assert x.min() >= 6 and x.max() <= 35
    assert d.central() == 12.5


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"dist": "normal", "low": 5, "high": 1}, "reversed"),
        ({"dist": "pert", "low": 1, "mode": 9, "high": 5}, "outside"),
        ({"dist": "lognormal", "low": 0, "high": 5}, "> 0"),
        ({"dist": "beta", "low": 0, "high": 1}, "unknown dist"),
        ({"dist": "normal", "low": 1}, "needs 'low' and 'high'"),
        ({"dist": "normal", "low": 1, "high": 2, "sd": 3}, "unknown distribution field"),
    ],
)
def test_bad_distributions_are_refused_with_a_clear_message(spec, message):
    with pytest.raises(ValueError, match=message):
        Distribution.from_spec(spec, "wage_mxn_day")


def test_a_plain_interval_is_a_normal_and_a_number_a_constant():
    assert Distribution.from_spec({"low": 1, "high": 3}).kind == "normal"
    assert Distribution.from_spec({"low": 1, "mode": 2, "high": 3}).kind == "pert"
    assert Distribution.from_spec(4).is_constant


def test_sampling_is_reproducible_and_independent_per_parameter():
    dists = {"a": Distribution("uniform", 0, 1), "b": Distribution("uniform", 0, 1)}
    s1 = sample_parameters(dists, 100, seed=7)
    s2 = sample_parameters({"a": dists["a"]}, 100, seed=7)
    np.testing.assert_array_equal(s1["a"], s2["a"])  # adding "b" does not change "a"
    assert not np.array_equal(s1["a"], sample_parameters(dists, 100, seed=8)["a"])


def test_sensitivity_ranks_the_input_that_drives_the_output_first():
    rng = np.random.default_rng(3)
    x = {"big": rng.normal(size=2000), "small": rng.normal(size=2000), "none": rng.normal(size=2000)}
    y = 10 * x["big"] + x["small"] + 0.1 * rng.normal(size=2000)
    ranking = sensitivity(x, y)
    assert [r["name"] for r in ranking] == ["big", "small", "none"]
    assert ranking[0]["prcc"] > 0.99
    assert abs(ranking[2]["prcc"]) < 0.1


AVOCADO = {"area_ha": 1.0, "trees": [{"species": "aguacate", "n_trees": 943}]}


def test_monte_carlo_is_reproducible_with_a_seed():
    model = PlotModel(PlotScenario.from_dict(AVOCADO))
    a = model.monte_carlo(300, seed=5).to_dict()
    b = model.monte_carlo(300, seed=5).to_dict()
    c = model.monte_carlo(300, seed=6).to_dict()
    assert a == b
    assert a["percentiles"]["npv_miaf_mxn"] != c["percentiles"]["npv_miaf_mxn"]


def test_vectorised_draws_equal_one_draw_at_a_time():
    model = PlotModel(PlotScenario.from_dict(AVOCADO))
    sampled = sample_parameters(model.distributions(), 5, seed=1)
    values = {**model.central_values(), **sampled}
    miaf, _ = model.simulate(values)
    for i in range(5):
        one = {**model.central_values(), **{k: v[i] for k, v in sampled.items()}}
        np.testing.assert_allclose(model.simulate(one)[0].net[0], miaf.net[i])


def test_monte_carlo_reports_percentiles_probability_monthly_income_and_ranking():
    scenario = dict(AVOCADO, parameters={"price.aguacate": {"dist": "pert", "low": 6, "mode": 12.5, "high": 35},
                                         "wage_mxn_day": {"dist": "pert", "low": 295, "mode": 300, "high": 305}})
    mc = PlotModel(PlotScenario.from_dict(scenario), sample_defaults=False).monte_carlo(500, seed=1).to_dict()
    p = mc["percentiles"]["npv_incremental_mxn"]
    assert p["p5"] < p["p50"] < p["p95"]
    assert 0 <= mc["probability"]["npv_miaf_positive"] <= 1
    assert len(mc["monthly_income_mxn"]["p50"]) == 12
    # avocado income arrives Oct-Feb; nothing in April
    assert mc["monthly_income_mxn"]["p50"][3] == 0
    ranking = mc["sensitivity"]["npv_incremental_mxn"]
    assert [r["name"] for r in ranking] == ["price.aguacate", "wage_mxn_day"]
