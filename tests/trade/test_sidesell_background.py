"""Programme-scale side-selling is built in the background (issue 14: a whole programme of 100,000 families took
71 s and 5.7 GB inside a page request): the page shows progress and refreshes itself, then the figures the
analysis gives, then, after a change of the data, the previous figures marked as older while the new ones
are built. ``spawned`` sets ``background_min_families`` to 1 and captures the background work."""

from __future__ import annotations

import pytest

from tests.trade.conftest import add_family, hand_case

pytestmark = pytest.mark.django_db


def run_all(jobs: list) -> None:
    while jobs:
        jobs.pop(0)()


def test_the_whole_programme_is_built_in_the_background_then_shown(world, offer, client_for, spawned):
    from miaf.web.trade.analysis import side_selling

    hand_case(world.plot_ojo, world.fam_ojo)
    client = client_for(world.carla)
    first = client.get("/comercializacion/venta-por-fuera/").content.decode()
    assert 'id="sidesell-status"' in first and "Calculando el análisis de todo el programa" in first
    assert '<meta http-equiv="refresh" content="5">' in first
    assert 'id="overall"' not in first and len(spawned) == 1
    client.get("/comercializacion/venta-por-fuera/")
    assert len(spawned) == 1  # a second visit while the build runs starts nothing new

    run_all(spawned)
    page = client.get("/comercializacion/venta-por-fuera/")
    html = page.content.decode()
    assert 'id="sidesell-status"' not in html and 'http-equiv="refresh"' not in html
    expected = side_selling([world.group_ojo.pk, world.group_vergel.pk], personal=True)
    assert page.context["r"]["overall"]["share_outside"] == pytest.approx(expected["overall"]["share_outside"])
    assert page.context["r"]["n_sales"] == expected["n_sales"] == 2

    fam, plot = add_family(world, "OJO-300", world.group_ojo)  # new data: a new version
    hand_case(plot, fam)
    stale = client.get("/comercializacion/venta-por-fuera/")
    assert "antes de los últimos cambios" in stale.content.decode() and stale.context["r"]["n_sales"] == 2
    run_all(spawned)
    fresh = client.get("/comercializacion/venta-por-fuera/")
    assert fresh.context["r"]["n_sales"] == 4 and "antes de los últimos cambios" not in fresh.content.decode()


def test_a_small_scope_is_still_computed_in_the_request(world, offer, client_for):
    hand_case(world.plot_ojo, world.fam_ojo)
    page = client_for(world.carla).get("/comercializacion/venta-por-fuera/")
    assert page.context["r"]["n_sales"] == 2 and 'id="sidesell-status"' not in page.content.decode()


def test_the_api_answers_202_while_building_then_the_analysis(world, offer, client_for, spawned):
    hand_case(world.plot_ojo, world.fam_ojo)
    client = client_for(world.carla)  # the API also accepts the session of a logged-in user
    first = client.get("/api/v1/trade/sidesell")
    assert first.status_code == 202 and first.json()["state"] == "pending" and len(spawned) == 1
    run_all(spawned)
    done = client.get("/api/v1/trade/sidesell")
    assert done.status_code == 200 and done.json()["state"] == "fresh" and done.json()["n_sales"] == 2
