"""Side-selling per family, group and organisation from the records, checked against a hand calculation."""

from __future__ import annotations

import math

import pytest

from tests.trade.conftest import add_family, hand_case

pytestmark = pytest.mark.django_db

# Payment 61 days after delivery: d = 61 / 30.4375 = 2.00411 months. In a deficit month the family's rate is
# the moneylender's 10 %/month: (1.10)^-2.00411 = exp(-2.00411 × 0.0953102) = 0.826117.
D_MONTHS = 61 / 30.4375
PV_DEFICIT = 1.10 ** -D_MONTHS


def test_share_outside_and_effective_values_of_each_channel_match_the_hand_calculation(world, offer):
    from miaf.web.trade.analysis import side_selling

    hand_case(world.plot_ojo, world.fam_ojo)
    r = side_selling([world.group_ojo.pk], personal=True)
    o = r["overall"]
    assert r["n_sales"] == 2 and r["n_families"] == 1
    # 60 kg of 100 kg sold to the intermediary
    assert o["share_outside"] == pytest.approx(0.60)
    channels = {c["channel"]: c for c in o["channels"]}
    # organisation sale: 10 × (1 − 0.10) × 0.826117 − 0.50 = 7.43505 − 0.50 = 6.93505 MXN/kg
    assert channels["organisation"]["effective_value_mxn_kg"] == pytest.approx(10 * 0.9 * PV_DEFICIT - 0.5)
    assert channels["organisation"]["effective_value_mxn_kg"] == pytest.approx(6.935, abs=1e-3)
    # intermediary sale: paid at once, no transport, no discount: 8.50 MXN/kg
    assert channels["intermediary"]["effective_value_mxn_kg"] == pytest.approx(8.50)
    assert channels["intermediary"]["price_mxn_kg"] == pytest.approx(8.50)


def test_the_intermediary_sale_in_a_deficit_month_is_explained_by_cash_need(world, offer):
    from miaf.web.trade.analysis import side_selling

    hand_case(world.plot_ojo, world.fam_ojo)
    r = side_selling([world.group_ojo.pk], personal=True)
    # the organisation's offer (published: 10 MXN/kg in 61 days) is worth 10 × 0.826117 = 8.26 MXN/kg today at
    # the moneylender's rate, less than the 8.50 paid at once; at the ordinary rate (0.797 %/month) it is worth
    # 10 × 1.00797^-2.00411 = 9.84 > 8.50. So cash need alone turns the choice: 60 of 60 kg explained.
    assert 10 * PV_DEFICIT < 8.5 < 10 * 1.00797 ** -D_MONTHS
    assert r["overall"]["share_explained_by_cash_need"] == pytest.approx(1.0)
    assert r["fills"] == {"recorded": 1, "offer": 1}
    assert r["families"][0]["share_outside"] == pytest.approx(0.6)


def test_without_a_deficit_month_the_same_sale_is_not_explained_by_cash_need(world, offer):
    from miaf.web.records.models import LedgerEntry
    from miaf.web.trade.analysis import side_selling

    hand_case(world.plot_ojo, world.fam_ojo)
    LedgerEntry.objects.filter(family=world.fam_ojo).update(kind="income", category="wages")
    r = side_selling([world.group_ojo.pk], personal=True)
    assert r["overall"]["share_outside"] == pytest.approx(0.6)
    assert r["overall"]["share_explained_by_cash_need"] == pytest.approx(0.0)


@pytest.mark.parametrize(("change", "expected"), [
    # advance 50 %: 8.2612 + 0.5 × 10 × (1 − 0.826117) = 9.13 > 8.50: won back
    ({"advance_share": 0.5}, 1.0),
    # advance 10 %: 8.2612 + 0.1 × 10 × 0.173883 = 8.435 < 8.50: still outside
    ({"advance_share": 0.1}, 0.0),
    # paid at once: 10 > 8.50
    ({"delay_months": 0.0}, 1.0),
    # price +5 %: 10.5 × 0.826117 = 8.674 > 8.50
    ({"price_change": 0.05}, 1.0),
    # price +2 %: 10.2 × 0.826117 = 8.426 < 8.50
    ({"price_change": 0.02}, 0.0),
    # diversification removes a quarter of the deficit months: 0.25 × 60 kg expected back
    ({"deficit_relief": 0.25}, 0.25),
])
def test_a_what_if_changes_the_verdict_as_the_hand_calculation_says(world, offer, change, expected):
    from dataclasses import replace

    from miaf.web.trade.analysis import Assumptions, side_selling

    hand_case(world.plot_ojo, world.fam_ojo)
    base = Assumptions.defaults()
    # only the scenario under test differs from "no change"
    a = replace(base, **{"advance_share": 0.0, "delay_months": 10.0, "price_change": 0.0, "deficit_relief": 0.0,
                         **change})
    r = side_selling([world.group_ojo.pk], assumptions=a, personal=True)
    key = {"advance_share": "advance", "delay_months": "delay", "price_change": "price",
           "deficit_relief": "diversification"}[next(iter(change))]
    assert r["whatifs"][key]["share_prevented"] == pytest.approx(expected)


def test_the_price_what_if_costs_the_organisation_the_change_on_every_kg_it_buys(world, offer):
    from dataclasses import replace

    from miaf.web.trade.analysis import Assumptions, side_selling

    hand_case(world.plot_ojo, world.fam_ojo)
    a = replace(Assumptions.defaults(), price_change=0.05)
    r = side_selling([world.group_ojo.pk], assumptions=a, personal=True)
    # 40 kg already bought + 60 kg won back, each 0.05 × 10 = 0.50 MXN dearer: 50 MXN
    assert r["whatifs"]["price"]["organisation_cost_mxn"] == pytest.approx(50.0)


def test_an_aggregate_of_fewer_than_five_families_is_suppressed_without_personal_rights(world, offer):
    from miaf.web.trade.analysis import side_selling

    hand_case(world.plot_ojo, world.fam_ojo)
    r = side_selling([world.group_ojo.pk], personal=False)
    assert r["suppressed_all"] and r["overall"] is None and r["whatifs"] == {} and r["families"] == []
    assert r["groups"] == [{"group_id": world.group_ojo.pk, "n_families": 1, "suppressed": True}]


def test_a_group_of_five_families_is_shown_to_an_analyst_with_the_same_shares(world, offer):
    from miaf.web.trade.analysis import side_selling

    hand_case(world.plot_ojo, world.fam_ojo)
    for i in range(4):
        fam, plot = add_family(world, f"OJO-10{i}", world.group_ojo)
        hand_case(plot, fam)
    hand_case(world.plot_vergel, world.fam_vergel)  # El Vergel: one family only
    r = side_selling([world.group_ojo.pk, world.group_vergel.pk], personal=False)
    assert r["n_families"] == 6 and r["families"] == []
    groups = {g["group_id"]: g for g in r["groups"]}
    assert groups[world.group_ojo.pk]["share_outside"] == pytest.approx(0.6)
    assert groups[world.group_vergel.pk]["suppressed"] and "share_outside" not in groups[world.group_vergel.pk]
    assert [g["group_id"] for g in r["whatifs"]["advance"]["by_group"]] == [world.group_ojo.pk]
    assert r["overall"]["share_outside"] == pytest.approx(0.6)


def test_a_local_market_sale_counts_as_outside_under_other(world, offer):
    import datetime as dt
    from decimal import Decimal

    from miaf.web.catalogue.models import Species
    from miaf.web.records import services as records
    from miaf.web.trade.analysis import side_selling

    records.save_harvest(None, {"plot": world.plot_ojo, "species": Species.objects.get(code="mango"),
                                "harvested_on": dt.date(2020, 5, 3), "quantity_kg": Decimal("50")},
                         [{"destination": "local_market", "kg": Decimal("20"), "price_mxn_per_kg": Decimal("12")},
                          {"destination": "organisation", "kg": Decimal("30"), "price_mxn_per_kg": Decimal("10")}])
    r = side_selling([world.group_ojo.pk], personal=True)
    channels = {c["channel"]: c for c in r["overall"]["channels"]}
    assert set(channels) == {"organisation", "other"}
    assert r["overall"]["share_outside"] == pytest.approx(20 / 50)
    assert math.isclose(channels["other"]["price_mxn_kg"], 12.0)
