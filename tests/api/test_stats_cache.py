"""``/stats`` is cached per scope and data version (issue 14, load): a repeated call does not recompute the
aggregates, a write shows at once, and two scopes or roles never share an answer."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from miaf.web.plots.models import Plot

pytestmark = pytest.mark.django_db


def test_a_second_call_is_served_from_the_cache_and_a_new_plot_shows_at_once(world, api_as):
    carla = api_as("carla")
    first = carla.get("/stats").json()
    with CaptureQueriesContext(connection) as warm:
        again = carla.get("/stats").json()
    assert again == first
    # the warm call reads the token, the user, the scope and the data version, never the aggregates
    assert not any("SUM(" in q["sql"].upper() for q in warm.captured_queries), [q["sql"] for q in warm.captured_queries]
    Plot.objects.filter(pk=world.plot_vergel.pk).update(area_ha=world.plot_vergel.area_ha + 1.0)
    world.plot_vergel.refresh_from_db()
    world.plot_vergel.save()  # a save through the ORM stamps updated_at: a new data version
    after = carla.get("/stats").json()
    assert after["area_ha"] == pytest.approx(first["area_ha"] + 1.0)


def test_two_roles_with_the_same_groups_never_share_a_cached_answer(world, api_as):
    # carla (coordinator) and diego (analyst) aggregate the same PROASUS groups: 2 families
    assert api_as("carla").get("/stats").json()["families"] == 2
    hidden = api_as("diego").get("/stats").json()
    assert hidden["families"] is None and hidden["disclosure"]["applied"] is True
    # asked again after the analyst's call, the coordinator's answer is still the unprotected one
    again = api_as("carla").get("/stats").json()
    assert again["families"] == 2 and not (again.get("disclosure") or {}).get("applied")


def test_the_api_list_total_is_kept_per_scope_and_follows_a_new_family(world, api_as, settings):
    import datetime as dt

    from miaf.web.registry.models import Family
    from miaf.web.registry.services import register_family

    settings.MIAF_DASHBOARD_COUNT_CACHE_MIN_S = 0  # every count is kept
    assert api_as("carla").get("/families").json()["count"] == 2
    assert api_as("ana").get("/families").json()["count"] == 1
    register_family(world.carla, Family(code="VER-009", name="Familia nueva", locality=world.locality),
                    group=world.group_vergel, joined_on=dt.date(2024, 1, 1))
    assert api_as("carla").get("/families").json()["count"] == 3
    assert api_as("ana").get("/families").json()["count"] == 1
