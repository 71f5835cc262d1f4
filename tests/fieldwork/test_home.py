"""A promoter's home page is "Mi día"; the other roles land on the dashboard."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_promoter_lands_on_her_day_with_the_dashboard_one_link_away(world, client_for):
    response = client_for(world.ana).get("/")
    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "fieldwork/my_day.html"
    assert f'href="{reverse("dashboard:dashboard")}"' in response.content.decode()


def test_the_promoters_weeks_filter_works_from_the_home_page(world, client_for):
    response = client_for(world.ana).get("/", {"semanas": "4"})
    assert response.context["weeks"] == 4


@pytest.mark.parametrize("persona", ["carla", "diego", "root"])
def test_coordinators_analysts_and_administrators_land_on_the_dashboard(world, client_for, persona):
    response = client_for(getattr(world, persona)).get("/")
    assert [t.name for t in response.templates][0] == "core/home.html"
