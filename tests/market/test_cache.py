"""The offer results are kept in process memory per data version: a warm request reuses the
computed object; a new or changed plot, planting or harvest gives a new one (side-selling: tests/trade/test_cache.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tests.trade.conftest import add_family

pytestmark = pytest.mark.django_db

D = Decimal


def _avocado_kg(offer) -> float:  # noqa: ANN001
    f = offer.forecast
    return float(f.kg[0, f.products.index("aguacate")].sum()) if "aguacate" in f.products else 0.0


def test_a_warm_offer_is_the_cached_object_and_a_new_planting_recomputes_it(world, market):
    from miaf.web.market.services import compute_offer
    from miaf.web.records.models import Planting

    first = compute_offer(world.carla, start=(2026, 1))
    assert compute_offer(world.carla, start=(2026, 1)) is first  # warm: nothing recomputed
    # 120 more avocado trees of the same age on La Ladera (120 already): the plot's tree offer doubles
    Planting.objects.create(plot=world.plot_ojo, species=market.avocado, planted_on=dt.date(2012, 6, 1),
                            quantity=D("120"), unit="plants")
    second = compute_offer(world.carla, start=(2026, 1))
    assert second is not first
    assert _avocado_kg(second) > _avocado_kg(first)


def test_a_changed_plot_or_harvest_recomputes_the_offer(world, market):
    from miaf.web.market.services import compute_offer
    from miaf.web.plots.services import convert_plot
    from miaf.web.records import services as records

    first = compute_offer(world.carla, start=(2026, 1))
    records.save_harvest(None, {"plot": world.plot_ojo, "species": market.avocado,
                                "harvested_on": dt.date(2025, 10, 1), "quantity_kg": D("2000")}, [])
    after_harvest = compute_offer(world.carla, start=(2026, 1))
    assert after_harvest is not first
    # a recorded harvest far above the model calibrates La Ladera's avocado upward
    assert _avocado_kg(after_harvest) > _avocado_kg(first)
    # a new family's plot in Ojo de Agua becomes MIAF-D: it is forecast from now on
    _fam, extra = add_family(world, "OJO-900", world.group_ojo)
    assert compute_offer(world.carla, start=(2026, 1)).n_plots == after_harvest.n_plots
    convert_plot(extra, "miaf_d", dt.date(2015, 5, 1))
    assert compute_offer(world.carla, start=(2026, 1)).n_plots == after_harvest.n_plots + 1


def test_the_offer_page_shows_a_new_planting_at_the_next_request(world, market, client_for):
    from miaf.web.records.models import Planting

    client = client_for(world.carla)
    page = client.get("/mercado/oferta/?desde=2026-01&product=mango").content.decode()
    assert "Mango" not in page.split('id="offer-calendar"')[1]
    mango = __import__("miaf.web.catalogue.models", fromlist=["Species"]).Species.objects.get(code="mango")
    Planting.objects.create(plot=world.plot_ojo, species=mango, planted_on=dt.date(2012, 6, 1), quantity=D("40"),
                            unit="plants")
    page = client.get("/mercado/oferta/?desde=2026-01&product=mango").content.decode()
    assert "Mango" in page.split('id="offer-calendar"')[1]


def test_a_slow_offer_answers_with_the_previous_result_while_the_new_one_builds(world, market, monkeypatch):
    from miaf.web.core import memo
    from miaf.web.market.services import compute_offer
    from miaf.web.records.models import Planting

    queued = []
    monkeypatch.setattr(memo, "STALE_BUILD_S", -1.0)  # every build counts as slow (45 s at programme scale)
    monkeypatch.setattr("miaf.web.dashboard.builds.spawn", lambda name, fn: queued.append(fn))
    first = compute_offer(world.carla, start=(2026, 1))
    Planting.objects.create(plot=world.plot_ojo, species=market.avocado, planted_on=dt.date(2012, 6, 1),
                            quantity=D("120"), unit="plants")
    # the data changed: the page answers at once with the previous offer and one background build is queued
    assert compute_offer(world.carla, start=(2026, 1)) is first
    assert compute_offer(world.carla, start=(2026, 1)) is first and len(queued) == 1
    queued.pop()()  # the background thread's work
    fresh = compute_offer(world.carla, start=(2026, 1))
    assert fresh is not first and _avocado_kg(fresh) > _avocado_kg(first)
