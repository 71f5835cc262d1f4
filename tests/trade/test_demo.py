"""The trade demo is derived from the demo's records and makes every trade page show something."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_trade_demo_fills_prices_advances_quotes_and_purchases_and_the_pages_show_them(client):
    from miaf.web.catalogue.services import load_species_catalogue
    from miaf.web.demo import load_demo
    from miaf.web.registry.models import Group
    from miaf.web.trade.analysis import side_selling
    from miaf.web.trade.demo import load_trade_demo
    from miaf.web.trade.models import CollectivePurchase, OrganisationPrice

    load_species_catalogue()
    summary = load_demo(families=20, seed=7)
    counts = load_trade_demo(summary, seed=7)
    assert counts["precios de la organización"] > 0 and summary.counts["anticipos"] == counts["anticipos"]
    assert OrganisationPrice.objects.filter(price_mxn_per_kg__gt=0).count() == counts["precios de la organización"]
    again = load_trade_demo(seed=7)  # idempotent: the earlier rows are replaced
    assert again == counts
    r = side_selling(list(Group.objects.values_list("pk", flat=True)), personal=True)
    assert r["n_sales"] > 0 and r["overall"]["share_outside"] is not None
    assert "offer" in r["fills"]  # the organisation's published prices are used for outside sales
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("trade-admin", password="x")
    client.force_login(admin)
    html = client.get(reverse("trade:sidesell")).content.decode()
    assert 'data-key="share_outside"' in html
    assert counts["compras colectivas"] > 0 and counts["cotizaciones"] == 3 * counts["compras colectivas"]
    p = CollectivePurchase.objects.first()
    page = client.get(reverse("trade:group_purchases", args=[p.group_id])).content.decode()
    assert p.supplier in page and sum(s.cost_mxn for s in p.shares.all()) == p.total_mxn
    assert 'data-key="saving"' in page  # plants: the individual price is params/economics.csv plant_price_mxn
