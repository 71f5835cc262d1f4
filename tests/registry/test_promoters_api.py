"""Promoters' groups through the API: the same use case (``assign_promoter``) and the same rules as the page."""

from __future__ import annotations

import pytest

from miaf.web.registry import services

pytestmark = pytest.mark.django_db


def test_a_coordinator_lists_the_promoters_of_her_osc_with_their_groups(api_as, world):
    response = api_as("carla").get("/promoters")
    assert response.status_code == 200
    rows = {r["username"]: r["groups"] for r in response.json()["items"]}
    assert rows == {"ana": [world.group_ojo.pk], "beto": [world.group_vergel.pk]}


def test_replacing_a_promoters_groups_goes_through_assign_promoter(api_as, world, monkeypatch):
    calls = []
    real = services.assign_promoter
    monkeypatch.setattr(services, "assign_promoter", lambda actor, profile, groups: calls.append(profile.pk)
                        or real(actor, profile, groups))
    pk = world.beto.profile.pk
    response = api_as("carla").put(f"/promoters/{pk}/groups", {"groups": [world.group_ojo.pk, world.group_vergel.pk]})
    assert response.status_code == 200, response.content
    assert response.json()["groups"] == sorted([world.group_ojo.pk, world.group_vergel.pk])
    assert calls == [pk]


def test_a_group_of_another_osc_or_one_that_does_not_exist_is_a_422_on_groups(api_as, world):
    pk = world.beto.profile.pk
    for bad in ([world.group_other.pk], [999999]):
        response = api_as("carla").put(f"/promoters/{pk}/groups", {"groups": bad})
        assert response.status_code == 422
        assert response.json()["detail"][0]["field"] == "groups"
    assert list(world.beto.profile.groups.all()) == [world.group_vergel]


@pytest.mark.parametrize(("persona", "status"), [("root", 200), ("carla", 200), ("olga", 404), ("ana", 403),
                                                 ("beto", 403), ("diego", 403)])
def test_who_may_read_a_promoters_groups(api_as, world, persona, status):
    assert api_as(persona).get(f"/promoters/{world.ana.profile.pk}").status_code == status
