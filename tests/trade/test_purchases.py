"""Collective input purchases: needs from the designs, quotes compared, the split per family and the saving."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.trade.conftest import add_family

pytestmark = pytest.mark.django_db


def _design(plot, seedlings: float, compost: float) -> None:  # noqa: ANN001
    """A stored design whose bill of materials (miaf.design.materials) asks for seedlings and compost."""
    from miaf.web.plots.models import PlotDesign

    PlotDesign.objects.create(plot=plot, version=1, parameters={}, geojson={"type": "FeatureCollection",
                                                                           "features": []}, summary={
        "bill_of_materials": [
            {"item": "aguacate seedlings", "item_es": "Plantas de Aguacate", "quantity": seedlings, "unit": "plants",
             "source": "test"},
            {"item": "organic fertiliser", "item_es": "Abono orgánico", "quantity": compost, "unit": "kg",
             "source": "test"}]})


@pytest.fixture
def group(world):  # noqa: ANN001, ANN201
    """Ojo de Agua with three families: designs ask for 100, 50 and 0 seedlings (the third has no design)."""
    _design(world.plot_ojo, 100, 400)
    fam2, plot2 = add_family(world, "OJO-002", world.group_ojo)
    _design(plot2, 50, 200)
    add_family(world, "OJO-003", world.group_ojo)
    return world.group_ojo


def test_group_needs_add_up_the_latest_design_of_every_plot(world, group):
    from miaf.web.plots.models import PlotDesign
    from miaf.web.trade.needs import group_needs

    # a newer version of the first plot's design replaces the old one: 120 + 50 seedlings
    PlotDesign.objects.create(plot=world.plot_ojo, version=2, parameters={}, geojson={}, summary={"bill_of_materials": [
        {"item": "aguacate seedlings", "item_es": "Plantas de Aguacate", "quantity": 120, "unit": "plants"}]})
    needs = {(n.item, n.unit): n for n in group_needs(group)}
    assert needs["Plantas de Aguacate", "plants"].quantity == 170
    assert needs["Plantas de Aguacate", "plants"].n_families == 2
    assert needs["Abono orgánico", "kg"].quantity == 200  # only the second family's design still lists compost


def test_quotes_are_compared_in_pesos_and_another_currency_needs_its_rate(world, group):
    from miaf.web.trade import services
    from miaf.web.trade.needs import compare_quotes

    base = {"group": group, "item": "Plantas de Aguacate", "unit": "plants", "quality": "high",
            "quoted_on": dt.date(2020, 3, 1)}
    a = services.save_quote(world.ana, {**base, "supplier": "Vivero A", "unit_price": D("38"), "delivery_days": 20})
    b = services.save_quote(world.ana, {**base, "supplier": "Vivero B", "unit_price": D("2"), "currency": "USD",
                                        "exchange_rate_mxn": D("17.50"), "delivery_days": 7})
    with pytest.raises(ValidationError) as exc:
        services.save_quote(world.ana, {**base, "supplier": "Vivero C", "unit_price": D("2"), "currency": "USD",
                                        "delivery_days": 7})
    assert "exchange_rate_mxn" in exc.value.message_dict
    [item] = compare_quotes([a, b])
    # B: 2 USD × 17.50 = 35.00 MXN < 38.00 MXN; B is also the fastest (7 < 20 days)
    assert [q["quote"].supplier for q in item["quotes"]] == ["Vivero B", "Vivero A"]
    assert item["quotes"][0]["unit_price_mxn"] == D("35.00")
    assert item["quotes"][0]["cheapest"] and item["quotes"][0]["fastest"]
    assert item["quotes"][1]["over_cheapest_share"] == pytest.approx(38 / 35 - 1)


def test_the_purchase_is_split_by_need_and_the_parts_add_up_to_the_total(world, group):
    from miaf.web.records.models import InputPurchase
    from miaf.web.trade import services

    quote = services.save_quote(world.ana, {"group": group, "item": "Plantas de Aguacate", "unit": "plants",
                                            "supplier": "Vivero A", "unit_price": D("33.33"), "delivery_days": 10,
                                            "quoted_on": dt.date(2020, 3, 1)})
    p = services.record_collective_purchase(world.ana, group, {"quantity": D("150"), "purchased_on": dt.date(2020, 4, 1),
                                                               "split": "needs"}, quote=quote)
    # total 150 × 33.33 = 4,999.50 MXN; needs 100 : 50 : 0 → 3,333.00 + 1,666.50 (the third family gets nothing)
    assert p.total_mxn == D("4999.50")
    shares = {s.family.code: (s.quantity, s.cost_mxn) for s in p.shares.select_related("family")}
    assert shares == {"OJO-001": (D("100.00"), D("3333.00")), "OJO-002": (D("50.00"), D("1666.50"))}
    assert sum(c for _q, c in shares.values()) == p.total_mxn
    rows = InputPurchase.objects.filter(collective=True).order_by("family__code")
    assert [(r.family.code, r.cost_mxn, r.supplier) for r in rows] == [
        ("OJO-001", D("3333.00"), "Vivero A"), ("OJO-002", D("1666.50"), "Vivero A")]


def test_an_equal_split_with_cents_left_over_still_adds_up(world, group):
    from miaf.web.trade import services

    p = services.record_collective_purchase(world.ana, group, {
        "item": "Machetes", "unit": "pieces", "quantity": D("1"), "unit_price_mxn": D("100"), "supplier": "Ferretería",
        "purchased_on": dt.date(2020, 4, 1), "split": "equal"})
    costs = sorted(s.cost_mxn for s in p.shares.all())
    # 100 / 3 = 33.333…: 33.33 + 33.33 + 33.34 = 100.00
    assert costs == [D("33.33"), D("33.33"), D("33.34")] and sum(costs) == D("100.00")


def test_the_saving_uses_the_recorded_individual_purchases(world, group):
    from miaf.web.records import services as records
    from miaf.web.trade import services
    from miaf.web.trade.needs import saving

    # two families bought compost alone: 10 kg for 60 MXN (6.00/kg) and 10 kg for 70 MXN (7.00/kg); median 6.50
    for fam, cost in ((world.fam_ojo, "60"), (world.fam_vergel, "70")):
        records.save_input_purchase(None, {"family": fam, "purchased_on": dt.date(2019, 5, 1), "item": "Abono orgánico",
                                           "quantity": D("10"), "unit": "kg", "cost_mxn": D(cost)})
    p = services.record_collective_purchase(world.carla, group, {
        "item": "Abono orgánico", "unit": "kg", "quantity": D("600"), "unit_price_mxn": D("5"), "supplier": "Compostera",
        "purchased_on": dt.date(2020, 4, 1)})
    s = saving(p)
    # 600 kg × 6.50 = 3,900 MXN alone vs 600 × 5 = 3,000 MXN together: 900 MXN saved (23.1 %)
    assert (s["source"], s["n_purchases"], s["individual_unit_price_mxn"]) == ("recorded", 2, D("6.50"))
    assert s["saving_mxn"] == D("900.00")
    assert s["saving_share"] == pytest.approx(900 / 3900)


def test_without_any_individual_price_the_saving_is_not_invented(world, group):
    from miaf.web.trade import services
    from miaf.web.trade.needs import saving

    p = services.record_collective_purchase(world.carla, group, {
        "item": "Estacas", "unit": "stakes", "quantity": D("10"), "unit_price_mxn": D("3"), "supplier": "Aserradero",
        "purchased_on": dt.date(2020, 4, 1)})
    assert saving(p)["saving_mxn"] is None


def test_a_promoter_cannot_quote_or_buy_for_another_group_and_nothing_is_half_saved(world, group):
    from miaf.web.records.models import InputPurchase
    from miaf.web.trade import services
    from miaf.web.trade.models import CollectivePurchase, SupplierQuote

    with pytest.raises(PermissionDenied):
        services.save_quote(world.beto, {"group": group, "item": "X", "unit": "kg", "supplier": "S",
                                         "unit_price": D("1"), "delivery_days": 1, "quoted_on": dt.date(2020, 1, 1)})
    with pytest.raises(PermissionDenied):
        services.record_collective_purchase(world.beto, group, {
            "item": "X", "unit": "kg", "quantity": D("1"), "unit_price_mxn": D("1"), "supplier": "S",
            "purchased_on": dt.date(2020, 1, 1)})
    with pytest.raises(ValidationError):
        services.record_collective_purchase(world.ana, group, {
            "item": "X", "unit": "kg", "quantity": D("0"), "unit_price_mxn": D("1"), "supplier": "S",
            "purchased_on": dt.date(2020, 1, 1)})
    assert not SupplierQuote.objects.exists() and not CollectivePurchase.objects.exists()
    assert not InputPurchase.objects.exists()
