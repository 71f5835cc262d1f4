"""Records fixtures: the shared persona world plus species and a few recorded rows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest


@pytest.fixture
def mango(db):  # noqa: ANN001, ANN201
    from miaf.web.catalogue.models import Species

    return Species.objects.get(code="mango")


@pytest.fixture
def harvest_ojo(world, mango):  # noqa: ANN001, ANN201
    """100 kg of mango from plot_ojo: 30 kg eaten at home, 50 kg sold at the local market at 12.50 MXN/kg."""
    from miaf.web.records import services

    return services.save_harvest(
        None, {"plot": world.plot_ojo, "species": mango, "harvested_on": dt.date(2024, 5, 20),
               "quantity_kg": Decimal("100")},
        [{"destination": "self", "kg": Decimal("30")},
         {"destination": "local_market", "kg": Decimal("50"), "price_mxn_per_kg": Decimal("12.50"), "buyer": "Tianguis"}],
    )
