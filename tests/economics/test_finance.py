"""Finance kernels: hand-checked values, numpy-financial agreement and invariants."""

from __future__ import annotations

import numpy as np
import numpy_financial as npf
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from miaf.economics.finance import (
    IRR_REASONS,
    annuity,
    benefit_cost_ratio,
    irr,
    irr_to_json,
    npv,
    payback_years,
)


def test_npv_of_a_hand_calculated_series_leaves_year_zero_undiscounted():
    # -100 + 60/1.1 + 60/1.21 = -100 + 54.5454545 + 49.5867769 = 4.1322314
    assert npv(0.10, [-100, 60, 60]) == pytest.approx(4.132231404958677, abs=1e-12)


def test_npv_of_many_series_equals_one_at_a_time_and_accepts_a_rate_per_series():
    flows = np.array([[-100, 60, 60], [-50, 0, 121.0]])
    # second row: -50 + 121/1.21 = 50
    assert npv(0.10, flows) == pytest.approx([4.132231404958677, 50.0])
    # per-row rates: row 0 at 0 % → 20; row 1 at 10 % → 50
    assert npv(np.array([0.0, 0.10]), flows) == pytest.approx([20.0, 50.0])


def test_npv_refuses_a_rate_of_minus_100_percent():
    with pytest.raises(ValueError, match="greater than -1"):
        npv(-1.0, [1, 2])


def test_irr_of_the_numpy_financial_textbook_example_is_28_percent():
    # Gitman: -100, 39, 59, 55, 20 → 0.28095 (numpy-financial docstring)
    result = irr([-100, 39, 59, 55, 20])
    assert float(result.rate) == pytest.approx(0.2809484211599611, abs=1e-12)
    assert int(result.reason) == 0


def test_irr_of_a_two_year_doubling_is_ten_percent():
    # -100 + 121/(1+r)^2 = 0 → (1+r)^2 = 1.21 → r = 0.10
    assert float(irr([-100, 0, 121]).rate) == pytest.approx(0.10, abs=1e-12)


def test_irr_hits_a_root_exactly_zero():
    # -100 + 100/(1+r) = 0 → r = 0
    assert float(irr([-100, 100]).rate) == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize(
    ("flows", "reason"),
    [
        ([0, 0, 0], "all_zero"),
        ([5, 1, 2], "no_negative_flow"),
        ([-5, -1, -2], "no_positive_flow"),
        ([-100, 230, -132], "multiple"),  # roots at 10 % and 20 %
        ([-1, 3, -2.0], "multiple"),  # roots at 0 % and 100 %
        ([np.nan, 1, 2], "non_finite"),
        ([-100, 250, -200], "no_root_in_range"),  # NPV(v) = -100 + 250v - 200v² < 0 for every v
    ],
)
def test_irr_returns_nan_and_a_reason_where_no_unique_irr_exists(flows, reason):
    result = irr(flows)
    assert np.isnan(result.rate)
    assert result.reasons() == reason
    assert result.to_dict() == {"irr": None, "irr_reason": reason}


def test_irr_to_json_gives_null_with_the_reason_and_a_number_without():
    assert irr_to_json(float("nan"), IRR_REASONS.index("multiple")) == {"irr": None, "irr_reason": "multiple"}
    assert irr_to_json(0.1, 0) == {"irr": 0.1, "irr_reason": None}


def test_irr_agrees_with_numpy_financial_to_1e_9_on_random_conventional_investments():
    rng = np.random.default_rng(42)
    flows = rng.uniform(0, 3000, (500, 25))
    flows[:, 0] = -rng.uniform(2000, 30000, 500)  # one sign change → exactly one IRR (Descartes)
    ours = irr(flows)
    ref = np.array([npf.irr(row) for row in flows])
    ok = np.isfinite(ref) & (ref > -0.99) & (ref < 10)
    assert ok.sum() > 450
    assert np.all(ours.reason[ok] == 0)
    np.testing.assert_allclose(ours.rate[ok], ref[ok], atol=1e-9, rtol=0)


def test_npv_agrees_with_numpy_financial_to_1e_9():
    rng = np.random.default_rng(7)
    flows = rng.normal(0, 5000, (200, 25))
    for rate in (0.0, 0.05, 0.10, 0.3):
        ref = np.array([npf.npv(rate, row) for row in flows])
        np.testing.assert_allclose(npv(rate, flows), ref, atol=1e-9 * np.abs(ref).max(), rtol=1e-12)


def test_irr_keeps_the_leading_shape_of_the_input():
    flows = np.tile(np.array([-100.0, 0, 121]), (2, 3, 1))
    result = irr(flows)
    assert result.rate.shape == (2, 3)
    np.testing.assert_allclose(result.rate, 0.10, atol=1e-12)


def test_simple_payback_interpolates_inside_the_year():
    # cumulative: -100, -40, +20 → paid back in year 2: 1 + 40/60 = 1.6667
    assert payback_years([-100, 60, 60]) == pytest.approx(1 + 40 / 60)


def test_discounted_payback_is_later_than_simple_payback():
    # discounted at 10 %: -100, 54.545, 49.587 → cumulative -100, -45.455, +4.132
    # → 1 + 45.4545/49.5868 = 1.91667
    assert payback_years([-100, 60, 60], 0.10) == pytest.approx(1 + 45.45454545 / 49.58677686, rel=1e-9)


def test_payback_is_zero_without_investment_and_nan_when_never_reached():
    assert payback_years([10, 5]) == 0.0
    assert np.isnan(payback_years([-100, 10, 10]))


def test_benefit_cost_ratio_by_hand():
    # PV benefits = 0 + 110/1.1 = 100; PV costs = 50 + 0 = 50 → 2
    assert benefit_cost_ratio([0, 110], [50, 0], 0.10) == pytest.approx(2.0)
    assert np.isnan(benefit_cost_ratio([1, 1], [0, 0], 0.10))
    with pytest.raises(ValueError, match="positive magnitudes"):
        benefit_cost_ratio([1, 1], [-1, 0], 0.1)


def test_annuity_by_hand_and_at_zero_rate():
    # 1000 over 2 years at 10 %: 1000 * 0.1 / (1 - 1.1^-2) = 100 / 0.173554 = 576.19
    assert annuity(1000, 0.10, 2) == pytest.approx(576.1904761904761)
    assert annuity(1000, 0.0, 4) == pytest.approx(250.0)
    np.testing.assert_allclose(annuity(np.array([1000, 2000]), 0.10, 2), [576.19047619, 1152.38095238])
    with pytest.raises(ValueError):
        annuity(1000, 0.1, 0)


flows_strategy = st.lists(st.floats(-1e5, 1e5, allow_nan=False), min_size=2, max_size=25)


@settings(max_examples=200, deadline=None)
@given(flows=flows_strategy, r1=st.floats(0.0, 0.5), dr=st.floats(0.001, 0.5))
def test_npv_of_an_investment_falls_as_the_discount_rate_rises(flows, r1, dr):
    # an investment: cost in year 0, then non-negative returns
    flows = [-abs(flows[0]) - 1.0] + [abs(x) for x in flows[1:]]
    assert npv(r1 + dr, flows) <= npv(r1, flows) + 1e-9


@settings(max_examples=200, deadline=None)
@given(flows=flows_strategy, rate=st.sampled_from([None, 0.05, 0.10]))
def test_payback_is_never_before_the_first_non_negative_cumulative_flow(flows, rate):
    p = float(payback_years(flows, rate))
    disc = np.asarray(flows) * (1.0 if rate is None else (1 + rate) ** -np.arange(len(flows)))
    cum = np.cumsum(disc)
    if not (cum >= 0).any():
        assert np.isnan(p)
    else:
        k = int(np.argmax(cum >= 0))
        assert max(k - 1, 0) <= p <= k


@settings(max_examples=100, deadline=None)
@given(flows=flows_strategy)
def test_a_reported_irr_zeroes_the_npv(flows):
    result = irr(flows)
    if result.reason == 0:
        # relative to the size of the discounted terms (at r near -1 they grow like (1+r)^-t)
        scale = max(1.0, float(npv(float(result.rate), np.abs(flows))))
        assert abs(npv(float(result.rate), flows)) <= 1e-9 * scale
    else:
        assert np.isnan(result.rate)
