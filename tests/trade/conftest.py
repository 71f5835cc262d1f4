"""A small side-selling case computed by hand (tests/trade/test_sidesell.py) and helpers to build families."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

D = Decimal


def add_family(world, code: str, group):  # noqa: ANN001, ANN201
    """A family in ``group`` with one plot (the world's polygon of Ojo de Agua)."""
    from miaf.web.plots.models import Plot
    from miaf.web.plots.services import register_plot
    from miaf.web.registry.models import Family, Membership
    from tests.conftest import OJO_POLYGON

    fam = Family.objects.create(code=code, name=f"Familia {code}", locality=world.locality)
    Membership.objects.create(family=fam, group=group, joined_on=dt.date(2011, 3, 1))
    plot = register_plot(Plot(family=fam, name=f"Parcela {code}", boundary=OJO_POLYGON, mean_slope_pct=30,
                              soil_depth_class="deep"), since=dt.date(2005, 1, 1))
    return fam, plot


def hand_case(plot, family) -> None:  # noqa: ANN001
    """May 2020, a deficit month (1,000 MXN spent, nothing earned): 100 kg of mango, 60 kg to an intermediary at
    8.50 MXN/kg paid at once, 40 kg to the organisation at 10 MXN/kg paid 61 days later, with 0.50 MXN/kg of
    transport and a 10 % quality discount. Every harvest goes through the records service."""
    from miaf.web.catalogue.models import Species
    from miaf.web.records import services as records

    mango = Species.objects.get(code="mango")
    records.save_harvest(None, {"plot": plot, "species": mango, "harvested_on": dt.date(2020, 5, 1),
                                "quantity_kg": D("100")}, [
        {"destination": "intermediary", "kg": D("60"), "price_mxn_per_kg": D("8.50"), "buyer": "Coyote",
         "paid_on": dt.date(2020, 5, 1)},
        {"destination": "organisation", "kg": D("40"), "price_mxn_per_kg": D("10"), "buyer": "Cooperativa",
         "paid_on": dt.date(2020, 7, 1), "transport_mxn_per_kg": D("0.50"), "quality_discount_pct": D("10")},
    ])
    records.save_ledger_entry(None, {"family": family, "year": 2020, "month": 5, "kind": "expense",
                                     "category": "food", "amount_mxn": D("1000")})


@pytest.fixture
def offer(world):  # noqa: ANN001, ANN201
    """The organisation's published offer for mango in May 2020: 10 MXN/kg paid 61 days after delivery."""
    from miaf.web.catalogue.models import Species
    from miaf.web.trade import services

    return services.save_price(None, {"organisation": world.org_coffee, "species": Species.objects.get(code="mango"),
                                      "year": 2020, "month": 5, "price_mxn_per_kg": D("10"),
                                      "payment_delay_days": 61})


def add_trade(family) -> None:  # noqa: ANN001
    """One row of each trade export for ``family`` (used by tests/exports/conftest.py's ``records``): its
    organisation's price, an advance with a repayment and its part of a collective purchase."""
    from miaf.web.catalogue.models import Species
    from miaf.web.trade.models import Advance, CollectivePurchase, OrganisationPrice, PurchaseShare, Repayment

    group = family.memberships.get().group
    org = group.producer_organisation
    OrganisationPrice.objects.get_or_create(organisation=org, species=Species.objects.get(code="cafe"), year=2023,
                                            month=3, defaults={"price_mxn_per_kg": D("60"), "payment_delay_days": 45})
    adv = Advance.objects.create(family=family, organisation=org, given_on=dt.date(2023, 2, 1), amount_mxn=D("800"))
    Repayment.objects.create(advance=adv, paid_on=dt.date(2023, 4, 1), amount_mxn=D("300"))
    purchase = CollectivePurchase.objects.create(group=group, item="Abono", unit="kg", supplier="Compostera",
                                                 quantity=D("100"), unit_price_mxn=D("4"), total_mxn=D("400"),
                                                 purchased_on=dt.date(2023, 1, 20))
    PurchaseShare.objects.create(purchase=purchase, family=family, quantity=D("100"), cost_mxn=D("400"))
