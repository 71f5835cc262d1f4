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
    out = result.to_dict()
    assert (out["irr"], out["irr_reason"]) == (None, reason)


def test_irr_to_json_gives_null_with_the_reason_and_a_number_without():
    assert irr_to_json(float("nan"), IRR_REASONS.index("multiple")) == {"irr": None, "irr_reason": "multiple"}
    assert irr_to_json(0.1, 0) == {"irr": 0.1, "irr_reason": None}
    assert irr_to_json(0.1, 0, np.array([0.1, np.nan]), 1) == {
        "irr": 0.1, "irr_reason": None, "irr_roots": [0.1], "irr_sign_changes": 1, "irr_non_conventional": False}


def _flows_with_roots(*rates):
    # NPV(v) = -100 (1 - (1+r1) v)(1 - (1+r2) v)... is zero at v = 1/(1+r_i): the IRRs are exactly r_i
    coef = np.array([-100.0])
    for r in rates:
        coef = np.convolve(coef, [1.0, -(1.0 + r)])
    return coef  # c_0, c_1, ... (ascending powers of v)


def test_irr_roots_at_10_20_and_30_percent_are_all_reported_not_10_percent_ok():
    # -100 (1 - 1.1v)(1 - 1.2v)(1 - 1.3v) = -100 + 360 v - 431 v² + 171.6 v³: flows -100, 360, -431, 171.6
    flows = _flows_with_roots(0.10, 0.20, 0.30)
    np.testing.assert_allclose(flows, [-100, 360, -431, 171.6])
    result = irr(flows)
    # the roots lie closer together (0.087 and 0.080 in log(1+r)) than a cell of the 64-point grid (0.111):
    # that grid saw one crossing and returned 10 % as "ok" (issue 16)
    assert result.reasons() == "multiple"
    assert np.isnan(result.rate)
    np.testing.assert_allclose(result.roots, [0.10, 0.20, 0.30], atol=1e-12)
    assert int(result.sign_changes) == 3
    assert bool(result.non_conventional)
    out = result.to_dict()
    assert out["irr"] is None and out["irr_non_conventional"] is True
    np.testing.assert_allclose(out["irr_roots"], [0.10, 0.20, 0.30], atol=1e-12)


def test_two_roots_inside_one_cell_of_the_fine_grid_are_still_found():
    # roots at 10.0 % and 10.2 %: 0.0018 apart in log(1+r), an eighth of a fine-grid cell (7.0 / 511)
    result = irr(_flows_with_roots(0.100, 0.102))
    assert result.reasons() == "multiple"
    np.testing.assert_allclose(result.roots, [0.100, 0.102], atol=1e-9)


def test_a_bad_harvest_year_flags_the_series_but_the_cumulative_test_keeps_its_irr_unique():
    # invest 1000, earn 300 a year, lose 200 in year 6 (a bad harvest): flows change sign 3 times, but the
    # cumulative flow (-1000, -700, -400, -100, 200, 500, 300, 600, ...) changes sign once (Norstrøm 1972),
    # so there is one IRR with r > 0; the tail sums are all positive, so none with r < 0
    flows = np.array([-1000.0, 300, 300, 300, 300, 300, -200, 300, 300, 300, 300])
    result = irr(flows)
    assert int(result.sign_changes) == 3 and bool(result.non_conventional)
    assert result.reasons() == "ok"
    assert float(result.rate) == pytest.approx(npf.irr(flows), abs=1e-12)
    np.testing.assert_allclose(result.roots, [npf.irr(flows)], atol=1e-12)
    assert result.to_dict()["irr_non_conventional"] is True


def test_every_real_root_of_the_npv_polynomial_in_range_is_reported():
    # reference: the real roots v > 0 of sum c_t v^t from numpy's companion-matrix eigenvalues (np.roots,
    # what numpy-financial's irr uses), mapped to r = 1/v - 1 and kept inside the search range
    rng = np.random.default_rng(16)
    flows = rng.normal(0, 1000, (300, 8))
    result = irr(flows)
    for row, roots in zip(flows, result.roots, strict=True):
        eig = np.roots(row[::-1])
        v = eig.real[(np.abs(eig.imag) < 1e-9) & (eig.real > 0)]
        ref = np.sort(1.0 / v - 1.0)
        ref = ref[(ref > -0.99) & (ref < 10.0)]
        found = roots[np.isfinite(roots)]
        np.testing.assert_allclose(found, ref, rtol=1e-7, atol=1e-9)
    non_conv = result.sign_changes > 1
    assert non_conv.sum() > 200
    assert (result.reasons()[result.sign_changes <= 1] != "multiple").all()


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
    # ordinary annuity (years 1..n), 1000 over 2 years at 10 %: 1000 * 0.1 / (1 - 1.1^-2) = 100 / 0.173554 = 576.19
    assert annuity(1000, 0.10, 2, when="end") == pytest.approx(576.1904761904761)
    # annuity-due (years 0..n-1, the default): 576.19 / 1.1 = 523.81; check: 523.81 + 523.81 / 1.1 = 1000
    assert annuity(1000, 0.10, 2) == pytest.approx(523.8095238095238)
    assert annuity(1000, 0.0, 4) == pytest.approx(250.0)
    np.testing.assert_allclose(annuity(np.array([1000, 2000]), 0.10, 2), [523.80952381, 1047.61904762])
    with pytest.raises(ValueError):
        annuity(1000, 0.1, 0)
    with pytest.raises(ValueError, match="begin"):
        annuity(1000, 0.1, 2, when="middle")


def test_a_constant_100_a_year_from_year_0_comes_back_as_100_a_year():
    # 100 in each of years 0..19 at 10 %: NPV = 100 x (1 - 1.1^-20) / (1 - 1.1^-1) = 100 x 9.3649 = 936.49
    flows = np.full(20, 100.0)
    pv = npv(0.10, flows)
    assert pv == pytest.approx(936.4920092)
    assert annuity(pv, 0.10, 20) == pytest.approx(100.0)
    # the ordinary annuity gives 110: the 10 % excess of issue 16
    assert annuity(pv, 0.10, 20, when="end") == pytest.approx(110.0)
    # many series and rates at once
    rates = np.array([0.0, 0.05, 0.10, 0.30])
    flows = np.array([[100.0] * 20, [50.0] * 20, [100.0] * 20, [7.0] * 20])
    np.testing.assert_allclose(annuity(npv(rates, flows), rates, 20), [100.0, 50.0, 100.0, 7.0])


@pytest.mark.parametrize("when", ["begin", "end"])
def test_annuity_agrees_with_numpy_financial_pmt(when):
    rng = np.random.default_rng(16)
    pv = rng.uniform(-1e5, 1e6, 50)
    rate = rng.uniform(0.001, 0.4, 50)
    years = rng.integers(1, 40, 50)
    expected = [npf.pmt(r, n, -p, when=when) for p, r, n in zip(pv, rate, years, strict=True)]
    np.testing.assert_allclose(annuity(pv, rate, years, when=when), expected, rtol=1e-10)


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
