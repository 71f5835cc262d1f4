"""List totals (the family list's "N familias", the API's ``count``) are kept per query and data version when
counting is slow (issue 14, load at 100,000 families), and are never late for a small scope."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from miaf.web.accounts.scoping import families_for
from miaf.web.core.paging import cached_count
from miaf.web.registry.models import Family
from miaf.web.registry.services import register_family

pytestmark = pytest.mark.django_db


def count_queries(ctx) -> int:  # noqa: ANN001
    """Django's ``.count()`` queries (``AS "__count"``), not the data version's fingerprint."""
    return sum('"__count"' in q["sql"] for q in ctx.captured_queries)


def new_family(world, code: str) -> Family:  # noqa: ANN001
    return register_family(world.carla, Family(code=code, name=f"Familia {code}", locality=world.locality),
                           group=world.group_vergel, joined_on=dt.date(2024, 1, 1))


def test_a_slow_count_is_kept_until_the_data_change(world, settings):
    settings.MIAF_DASHBOARD_COUNT_CACHE_MIN_S = 0  # every count counts as slow here
    qs = families_for(world.carla)
    assert cached_count(qs) == 2
    with CaptureQueriesContext(connection) as ctx:
        assert cached_count(families_for(world.carla)) == 2
    assert count_queries(ctx) == 0
    new_family(world, "VER-002")  # a new row: a new data version (tests read it on every call)
    assert cached_count(families_for(world.carla)) == 3


def test_two_scopes_never_share_a_kept_count(world, settings):
    settings.MIAF_DASHBOARD_COUNT_CACHE_MIN_S = 0
    assert cached_count(families_for(world.ana)) == 1
    assert cached_count(families_for(world.beto)) == 1
    assert cached_count(families_for(world.carla)) == 2
    assert cached_count(families_for(world.carla).filter(code__startswith="OJO")) == 1


def test_a_fast_count_is_never_kept(world, settings):
    settings.MIAF_DASHBOARD_COUNT_CACHE_MIN_S = 10
    settings.MIAF_DASHBOARD_VERSION_TTL_S = 3600  # even with a data version reused for an hour
    assert cached_count(families_for(world.carla)) == 2
    new_family(world, "VER-003")
    with CaptureQueriesContext(connection) as ctx:
        assert cached_count(families_for(world.carla)) == 3
    assert count_queries(ctx) == 1


def test_the_family_list_shows_the_kept_total_and_a_new_family_at_once(world, client_for, settings):
    settings.MIAF_DASHBOARD_COUNT_CACHE_MIN_S = 0
    page = client_for(world.carla).get("/familias/")
    assert page.context["page"].paginator.count == 2
    new_family(world, "VER-004")
    assert client_for(world.carla).get("/familias/").context["page"].paginator.count == 3


def test_the_list_filters_municipality_choices_are_kept_and_follow_a_new_locality(world, client_for, settings):
    from miaf.web.registry.models import Locality, Municipality

    settings.MIAF_DASHBOARD_COUNT_CACHE_MIN_S = 0  # every choice list is kept
    form = client_for(world.carla).get("/familias/").context["form"]
    assert list(form.fields["municipality"].queryset) == [world.municipality]
    other = Municipality.objects.create(state_code="07", code="099", name="Otro municipio", rainfall_normal_mm=1900)
    fam = world.fam_vergel
    fam.locality = Locality.objects.create(name="Nueva", municipality=other)
    fam.save()  # a saved family: a new data version
    form = client_for(world.carla).get("/familias/").context["form"]
    assert set(form.fields["municipality"].queryset) == {world.municipality, other}
