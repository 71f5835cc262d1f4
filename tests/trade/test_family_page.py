"""The family economy page prices a sale with the side-selling page's loader (trade/sales.load_sales): the
organisation's published price, the same channels, the same shares."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.trade.conftest import hand_case

pytestmark = pytest.mark.django_db


def test_the_family_page_uses_the_published_organisation_price_like_the_side_selling_page(world, offer, client_for):
    from miaf.web.trade.analysis import side_selling

    hand_case(world.plot_ojo, world.fam_ojo)
    page = client_for(world.carla).get(reverse("economy:family", args=[world.fam_ojo.pk])).context["page"]
    side = page.side
    # the intermediary sale of May 2020 is compared with the published offer (10 MXN/kg paid in 61 days), not
    # with a group mean: the family page had no published prices before
    inter = [s for s in side["sales"] if s["intermediary"]][0]
    assert inter["org_price"] == pytest.approx(10.0) and inter["org_price_source"] == "offer"
    assert inter["channel"] == "intermediary"
    # the same figures as the family's row of the side-selling page: 60 of 100 kg outside, all by cash need
    row = [f for f in side_selling([world.group_ojo.pk], personal=True)["families"]
           if f["family_id"] == world.fam_ojo.pk][0]
    assert side["overall"]["share_intermediary"] == pytest.approx(row["share_outside"]) == pytest.approx(0.6)
    assert side["overall"]["share_explained_by_cash_need"] == pytest.approx(row["share_explained_by_cash_need"])
    assert row["share_explained_by_cash_need"] == pytest.approx(1.0)


def test_a_local_market_sale_is_outside_on_the_family_page_too(world, offer, client_for):
    import datetime as dt
    from decimal import Decimal

    from miaf.web.catalogue.models import Species
    from miaf.web.records import services as records

    records.save_harvest(None, {"plot": world.plot_ojo, "species": Species.objects.get(code="mango"),
                                "harvested_on": dt.date(2020, 5, 2), "quantity_kg": Decimal("50")},
                         [{"destination": "local_market", "kg": Decimal("50"), "price_mxn_per_kg": Decimal("9")}])
    hand_case(world.plot_ojo, world.fam_ojo)
    response = client_for(world.carla).get(reverse("economy:family", args=[world.fam_ojo.pk]))
    side = response.context["page"].side
    # 60 kg intermediary + 50 kg local market of 150 kg sold
    assert side["overall"]["share_intermediary"] == pytest.approx(110 / 150)
    assert side["excluded"] == 0
    assert "mercado local y otros" in response.content.decode()
