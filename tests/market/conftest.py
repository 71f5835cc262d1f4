"""Market fixtures: the shared ``world`` with avocado trees on both PROASUS plots, a buyer and a demand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest


@pytest.fixture
def market(world):  # noqa: ANN001, ANN201
    from miaf.web.catalogue.models import Species
    from miaf.web.market.models import Buyer, Demand
    from miaf.web.plots.services import convert_plot
    from miaf.web.records.models import Planting

    avocado = Species.objects.get(code="aguacate")
    Planting.objects.create(plot=world.plot_ojo, species=avocado, planted_on=dt.date(2012, 6, 1),
                            quantity=Decimal("120"), unit="plants")
    convert_plot(world.plot_vergel, "miaf_d", dt.date(2014, 5, 1))
    Planting.objects.create(plot=world.plot_vergel, species=avocado, planted_on=dt.date(2014, 6, 1),
                            quantity=Decimal("60"), unit="plants")
    Planting.objects.create(plot=world.plot_other, species=avocado, planted_on=dt.date(2014, 6, 1),
                            quantity=Decimal("500"), unit="plants")
    buyer = Buyer.objects.create(organisation=world.proasus, name="Tienda Verde", kind="retailer",
                                 products=["aguacate"], payment_delay_days=30, advance_share=0.2)
    demand = Demand.objects.create(buyer=buyer, product=avocado, quantity_kg=Decimal("500"), months=[10, 11, 12],
                                   price_mxn_kg=Decimal("15"))
    return SimpleNamespace(avocado=avocado, buyer=buyer, demand=demand)
