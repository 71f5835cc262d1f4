"""The side-selling results are kept in process memory per data version: a warm request reuses the computed
object; a new sale, family or organisation price gives a new one."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tests.trade.conftest import add_family, hand_case

pytestmark = pytest.mark.django_db

D = Decimal


def test_a_warm_side_selling_is_cached_and_a_new_sale_or_price_recomputes_it(world, offer):
    from miaf.web.catalogue.models import Species
    from miaf.web.records import services as records
    from miaf.web.trade import services as trade
    from miaf.web.trade.analysis import side_selling

    hand_case(world.plot_ojo, world.fam_ojo)
    first = side_selling([world.group_ojo.pk], personal=True)
    assert side_selling([world.group_ojo.pk], personal=True) is first
    assert first["overall"]["share_outside"] == pytest.approx(0.60)
    # a new sale of 100 kg to the organisation: 60 of 200 kg sold outside
    records.save_harvest(None, {"plot": world.plot_ojo, "species": Species.objects.get(code="mango"),
                                "harvested_on": dt.date(2020, 6, 1), "quantity_kg": D("100")},
                         [{"destination": "organisation", "kg": D("100"), "price_mxn_per_kg": D("10")}])
    second = side_selling([world.group_ojo.pk], personal=True)
    assert second is not first and second["overall"]["share_outside"] == pytest.approx(0.30)
    # the organisation's published price for May 2020 falls to 8 MXN/kg: worth less than the 8.50 paid at once
    # even without a deficit (8 × 1.00797^-2.004 = 7.87), so the May sale is no longer explained by cash need
    trade.save_price(None, {"organisation": world.org_coffee, "species": Species.objects.get(code="mango"),
                            "year": 2020, "month": 5, "price_mxn_per_kg": D("8"), "payment_delay_days": 61},
                     instance=offer)
    third = side_selling([world.group_ojo.pk], personal=True)
    assert third is not second
    assert second["overall"]["share_explained_by_cash_need"] == pytest.approx(1.0)
    assert third["overall"]["share_explained_by_cash_need"] == pytest.approx(0.0)


def test_the_side_selling_page_shows_a_new_family_at_the_next_request(world, offer, client_for):
    hand_case(world.plot_ojo, world.fam_ojo)
    client = client_for(world.carla)
    page = client.get(f"/comercializacion/venta-por-fuera/?group={world.group_ojo.pk}").content.decode()
    assert "OJO-001" in page and "OJO-777" not in page
    fam, plot = add_family(world, "OJO-777", world.group_ojo)
    hand_case(plot, fam)
    page = client.get(f"/comercializacion/venta-por-fuera/?group={world.group_ojo.pk}").content.decode()
    assert "OJO-001" in page and "OJO-777" in page
