"""Side-selling: effective values by hand, cash-need explanation and what-if scenarios."""

from __future__ import annotations

import numpy as np
import pytest

from miaf.economics.sidesell import Sales, analyse_side_selling, effective_value, what_if


def test_effective_value_by_hand():
    # payment 10 x (1 - 0.05) = 9.5 MXN/kg in 2 months at 10 %/month is worth 9.5 / 1.1^2 = 9.5 / 1.21
    # = 7.8512 today; minus 0.5 transport paid at delivery = 7.3512
    assert effective_value(10.0, 0.5, 0.05, 2, 0.10) == pytest.approx(9.5 / 1.21 - 0.5)
    assert effective_value(10.0, 0.5, 0.05, 2, 0.10) == pytest.approx(7.3512, abs=1e-4)
    # 10 now = 10; 10 in one month = 10 / 1.1 = 9.0909
    np.testing.assert_allclose(effective_value(np.array([10.0, 10.0]), 0, 0, np.array([0, 1]), 0.10),
                               [10.0, 9.0909091])


def test_waiting_is_the_present_value_of_the_payment_not_a_future_value():
    # value today of p in d months: p (1 + r)^-d. 100 MXN in 12 months at 1 %/month: 100 / 1.01^12
    # = 100 / 1.126825 = 88.745 (the old future-value charge gave 100 - 12.6825 = 87.32)
    assert effective_value(100.0, 0.0, 0.0, 12, 0.01) == pytest.approx(88.7449, abs=1e-4)
    # never negative for a positive price, however long the wait (the old charge went below zero)
    # 10 / 1.1^24 = 10 / 9.8497 = 1.0153
    v = effective_value(10.0, 0.0, 0.0, 24, 0.10)
    assert v == pytest.approx(1.0153, abs=1e-4)
    assert v > 0


def test_at_the_defaults_the_organisation_wins_8_26_against_8_00():
    # economics.csv defaults: organisation paid after 2 months, moneylender rate 10 %/month in a deficit
    # month, intermediary pays 0.80 of the organisation's price in cash.
    # organisation: 10 / 1.1^2 = 10 / 1.21 = 8.2645 MXN/kg; intermediary: 10 x 0.80 = 8.00 MXN/kg
    # (issue 16: the future-value charge gave 10 - 10 x 0.21 = 7.90 and the wrong verdict)
    s = Sales(family_id=[1], group_id=[1], month=[10], kg=[100.0], channel=["intermediary"],
              in_deficit=[True], org_price=[10.0])
    r = analyse_side_selling(s)
    assert r.value_organisation[0] == pytest.approx(8.2645, abs=1e-4)
    assert r.value_intermediary[0] == pytest.approx(8.00)
    assert r.predicted_intermediary.tolist() == [False]
    # the organisation wins even for a family short of cash: this sale is not explained by cash need
    assert r.explained_by_cash_need.tolist() == [False]
    assert r.overall["share_explained_by_cash_need"] == 0.0


def sales(**overrides):
    # Family 1 sells to the intermediary in a deficit month; family 2 to the organisation with no deficit;
    # family 3 to the intermediary with no deficit (unexplained by cash need).
    base = dict(
        family_id=np.array([1, 2, 3]), group_id=np.array(["A", "A", "B"]), month=np.array([10, 10, 11]),
        kg=np.array([100.0, 100.0, 50.0]), channel=np.array(["intermediary", "organisation", "intermediary"]),
        in_deficit=np.array([True, False, False]), org_price=np.array([12.5, 12.5, 12.5]),
        int_price=np.array([11.0, 10.0, 13.0]), org_delay_months=np.array([2.0, 2.0, 2.0]),
    )
    base.update(overrides)
    return Sales(**base)


def test_cash_need_explains_the_deficit_month_sale_only():
    r = analyse_side_selling(sales(), deficit_rate=0.10, normal_rate=0.01)
    # family 1 at 10 %/month: org 12.5 / 1.1^2 = 12.5 / 1.21 = 10.3306 < 11 → intermediary predicted;
    # at 1 %/month org 12.5 / 1.01^2 = 12.5 / 1.0201 = 12.2537 > 11 → explained by cash need
    assert r.value_organisation[0] == pytest.approx(12.5 / 1.21)
    assert r.value_organisation[0] == pytest.approx(10.3306, abs=1e-4)
    # family 3: the intermediary's 13 beats the organisation's 12.25 even at 1 %/month → not cash need
    assert r.predicted_intermediary.tolist() == [True, False, True]
    assert r.explained_by_cash_need.tolist() == [True, False, False]
    # 150 of 250 kg to intermediaries = 0.6; 100 of those 150 kg explained = 2/3
    assert r.overall["share_intermediary"] == pytest.approx(0.6)
    assert r.overall["share_explained_by_cash_need"] == pytest.approx(2 / 3)
    # nominal gap: (100 x 1.5 + 100 x 2.5 - 50 x 0.5) / 250 = 375 / 250 = 1.5 MXN/kg
    assert r.overall["price_gap_mxn_kg"] == pytest.approx(1.5)
    groups = {g["group_id"]: g for g in r.by_group}
    assert groups["A"]["share_intermediary"] == pytest.approx(0.5)
    assert len(r.by_family) == 3


def test_a_deficit_month_sale_the_organisation_would_win_anyway_is_not_explained_by_cash_need():
    # intermediary 10: at 10 %/month the organisation's 12.5 / 1.21 = 10.33 still beats 10, so the
    # cash shortage does not explain this sale (the old future-value charge, 9.875, said it did)
    r = analyse_side_selling(sales(int_price=np.array([10.0, 10.0, 13.0])), deficit_rate=0.10, normal_rate=0.01)
    assert r.predicted_intermediary.tolist() == [False, False, True]
    assert r.explained_by_cash_need.tolist() == [False, False, False]
    assert r.overall["share_explained_by_cash_need"] == 0.0


def test_an_advance_payment_prevents_the_cash_need_sale_at_a_cost():
    w = what_if(sales(), advance_share=0.5, deficit_rate=0.10, normal_rate=0.01, organisation_rate=0.01)
    # family 1 with half paid at delivery: 6.25 + 6.25 / 1.21 = 6.25 + 5.1653 = 11.4153 > 11 → switches (100 kg)
    assert w.kg_prevented == pytest.approx(100.0)
    assert w.share_prevented == pytest.approx(100 / 150)
    # cost: interest on the advance of 6.25 MXN/kg financed 2 months at 1 % = 6.25 x 0.0201 = 0.125625
    # MXN/kg on 200 kg bought afterwards (family 2's 100 + family 1's 100) = 25.125 MXN
    assert w.organisation_cost_mxn == pytest.approx(25.125)
    assert w.cost_per_kg_prevented_mxn == pytest.approx(0.25125)


def test_immediate_payment_and_a_diversified_calendar_also_prevent_it():
    w = what_if(sales(), delay_months=0, deficit_rate=0.10, normal_rate=0.01, organisation_rate=0.01)
    assert w.kg_prevented == pytest.approx(100.0)
    # paying 2 months earlier costs 12.5 x 0.0201 = 0.25125 MXN/kg on 200 kg = 50.25
    assert w.organisation_cost_mxn == pytest.approx(50.25)
    d = what_if(sales(), deficit_relief=0.5, deficit_rate=0.10, normal_rate=0.01)
    assert d.kg_prevented == pytest.approx(50.0)  # half of the 100 kg deficit-month sale
    assert d.organisation_cost_mxn is None


def test_unrecorded_intermediary_price_uses_the_price_factor():
    r = analyse_side_selling(sales(int_price=np.array([np.nan, np.nan, np.nan])))
    assert r.rates == {"deficit": 0.10, "no_deficit": 0.00797}
    # 12.5 x 0.80 = 10 MXN/kg; no delay
    np.testing.assert_allclose(r.value_intermediary, 10.0)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"month": np.array([0, 10, 11])}, "month"),
        ({"channel": np.array(["coyote", "organisation", "organisation"])}, "channel"),
        ({"org_price": np.array([-1.0, 12.5, 12.5])}, "negative"),
    ],
)
def test_bad_sales_raise_value_error(overrides, message):
    with pytest.raises(ValueError, match=message):
        analyse_side_selling(sales(**overrides))


def test_an_intermediary_sale_in_a_month_without_deficit_is_never_explained_by_cash_need():
    from miaf.economics.sidesell import Sales, analyse_side_selling

    # Organisation 12.5 MXN/kg paid 1 month later, intermediary 10 MXN/kg cash: at the normal rate the
    # organisation's offer wins (12.5 × (1 − 0.0201) ≈ 12.25 > 10), but the family was not in deficit,
    # so the sale is side-selling for another reason, not cash need.
    sales = Sales(
        family_id=[1], group_id=[1], month=[10], kg=[100.0], channel=["intermediary"], in_deficit=[False],
        org_price=[12.5], int_price=[10.0], org_delay_months=[1.0], int_delay_months=[0.0],
    )
    r = analyse_side_selling(sales, normal_rate=0.01)
    assert r.explained_by_cash_need.tolist() == [False]
    assert r.overall["share_explained_by_cash_need"] == 0.0
