"""The records API writes through the records services: labour by member, deletes through ``delete_record``."""

from __future__ import annotations

import json

import pytest

from miaf.web.records import services
from miaf.web.records.models import Harvest, LabourLog

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client, world):  # noqa: ANN001, ANN201
    from miaf.web.accounts.models import ApiToken

    def send(user, method: str, path: str, body=None):  # noqa: ANN001, ANN202
        token = ApiToken.issue(user, "records")[1]
        kwargs = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
        if body is not None:
            kwargs.update(data=json.dumps(body), content_type="application/json")
        return getattr(client, method)("/api/v1" + path, **kwargs)

    return send


def labour_body(world, **over) -> dict:  # noqa: ANN001
    return {"family": world.fam_ojo.pk, "year": 2024, "month": 3, "activity": "pruning", "kind": "family",
            "person_days": "2", **over}


def test_labour_is_recorded_by_member_through_the_api(world, api):
    head = world.fam_ojo.members.get()
    response = api(world.ana, "post", "/labour", labour_body(world, member=head.pk))
    assert response.status_code == 201, response.content
    assert response.json()["member"] == head.pk
    assert LabourLog.objects.get().member == head


def test_the_api_refuses_a_member_of_another_family_naming_the_field(world, api):
    other = world.fam_vergel.members.get()
    response = api(world.carla, "post", "/labour", labour_body(world, member=other.pk))
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"field": "member", "message": "Esta persona no es de esta familia.", "code": "other_family"}]
    # a promoter does not even reach the other group's member
    response = api(world.ana, "post", "/labour", labour_body(world, member=other.pk))
    assert response.status_code == 422 and response.json()["detail"][0]["code"] == "not_found"
    assert not LabourLog.objects.exists()


def test_an_api_delete_goes_through_the_delete_use_case(world, api, harvest_ojo, monkeypatch):
    calls = []
    real = services.delete_record
    monkeypatch.setattr(services, "delete_record", lambda actor, obj: calls.append(obj.pk) or real(actor, obj))
    assert api(world.beto, "delete", f"/harvests/{harvest_ojo.pk}").status_code == 404
    assert api(world.ana, "delete", f"/harvests/{harvest_ojo.pk}").status_code == 204
    assert calls == [harvest_ojo.pk]
    assert not Harvest.objects.filter(pk=harvest_ojo.pk).exists()
