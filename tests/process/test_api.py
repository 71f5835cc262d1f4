"""The process API: role matrix of every endpoint, actions through the same use cases, bad input."""

from __future__ import annotations

import datetime as dt

import pytest

from miaf.web.process import services
from miaf.web.process.models import Commitment, GroupProgress, Status, StepRecord
from tests.api.conftest import ApiClient

pytestmark = pytest.mark.django_db
PERSONAS = ("root", "carla", "ana", "beto", "diego", "olga")
PERSONAL = {"root": 200, "carla": 200, "ana": 200, "beto": 200, "diego": 403, "olga": 200}
OJO_ROW = {"root": 200, "carla": 200, "ana": 200, "beto": 404, "diego": 403, "olga": 404}
TODAY = dt.date.today()


@pytest.fixture
def api_as(client, tokens):  # noqa: ANN001, ANN201
    return lambda name: ApiClient(client, tokens[name])


@pytest.fixture
def tokens(world):  # noqa: ANN001, ANN201
    from miaf.web.accounts.models import ApiToken

    return {name: ApiToken.issue(user, name)[1] for name, user in world.users.items()}


@pytest.fixture
def rows(world):  # noqa: ANN001, ANN201
    rec = services.start_step(world.carla, world.group_ojo, 5, TODAY - dt.timedelta(days=9))
    commitment = services.record_commitment(world.carla, world.group_ojo, TODAY, "Confianza", [world.fam_ojo.members.get().pk])
    return rec, commitment


@pytest.mark.parametrize("persona", PERSONAS)
def test_stages_are_open_to_every_role(api_as, world, persona):
    r = api_as(persona).get("/process/stages")
    assert r.status_code == 200
    assert [s["number"] for s in r.json()][:12] == list(range(1, 13))


@pytest.mark.parametrize("path", ["/process/steps", "/process/commitments", "/process/inventories", "/process/ideas", "/process/board"])
@pytest.mark.parametrize(("persona", "expected"), PERSONAL.items())
def test_lists_are_refused_to_analysts_only(api_as, world, rows, path, persona, expected):
    assert api_as(persona).get(path).status_code == expected


@pytest.mark.parametrize(("persona", "expected"), OJO_ROW.items())
def test_one_step_record_and_commitment_follow_the_group_scope(api_as, world, rows, persona, expected):
    rec, commitment = rows
    assert api_as(persona).get(f"/process/steps/{rec.pk}").status_code == expected
    assert api_as(persona).get(f"/process/commitments/{commitment.pk}").status_code == expected


@pytest.mark.parametrize(("persona", "expected"), {**OJO_ROW, "root": 200}.items())
def test_starting_a_step_follows_the_group_scope(api_as, world, persona, expected):
    r = api_as(persona).post("/process/start", {"group": world.group_ojo.pk, "step": 1, "on": TODAY.isoformat()})
    assert r.status_code == expected
    assert StepRecord.objects.exists() == (expected == 200)


def test_the_board_lists_only_the_promoters_groups(api_as, world, rows):
    body = api_as("beto").get("/process/board").json()
    assert [r["group"] for r in body["items"]] == ["El Vergel"]
    body = api_as("carla").get("/process/board").json()
    ojo = next(r for r in body["items"] if r["group"] == "Ojo de Agua")
    assert (ojo["step"], ojo["days_in_step"]) == (5, 9)


def test_out_of_order_close_without_reason_is_a_422_naming_the_field(api_as, world):
    r = api_as("ana").post("/process/complete", {"group": world.group_ojo.pk, "step": 4, "on": TODAY.isoformat()})
    assert r.status_code == 422
    assert r.json()["detail"][0]["field"] == "out_of_order_reason"
    r = api_as("ana").post("/process/complete", {"group": world.group_ojo.pk, "step": 4, "on": TODAY.isoformat(),
                                                       "out_of_order_reason": "registro en papel"})
    assert r.status_code == 200 and r.json()["out_of_order_reason"] == "registro en papel"


def test_a_future_date_is_refused(api_as, world):
    future = (TODAY + dt.timedelta(days=1)).isoformat()
    r = api_as("ana").post("/process/start", {"group": world.group_ojo.pk, "step": 1, "on": future})
    assert r.status_code == 422
    assert r.json()["detail"][0]["field"] == "started_on"


def test_advancing_to_six_with_a_commitment(api_as, world):
    services.start_step(world.ana, world.group_ojo, 5, TODAY - dt.timedelta(days=30))
    member = world.fam_ojo.members.get().pk
    r = api_as("ana").post("/process/advance", {
        "group": world.group_ojo.pk, "to_step": 6, "on": TODAY.isoformat(), "out_of_order_reason": "en papel",
        "commitment": {"terms": "Confianza y trabajo", "signatories": [member]}})
    assert r.status_code == 200, r.json()
    assert r.json()["step"] == 6
    assert GroupProgress.objects.get(group=world.group_ojo).number == 6
    assert Commitment.objects.get().signatories.get().pk == member


def test_ticking_through_the_api(api_as, world, rows):
    rec, _ = rows
    item = rec.stage.checklist.first()
    r = api_as("ana").post(f"/process/steps/{rec.pk}/ticks", {"item": item.pk, "on": TODAY.isoformat()})
    assert r.status_code == 200 and r.json()["done"] is True


def test_inventory_and_idea_through_the_api(api_as, world):
    r = api_as("ana").post("/process/inventories", {
        "family": world.fam_ojo.pk, "surveyed_on": TODAY.isoformat(), "land_ha": "2", "sloping_land_ha": "1.5",
        "labour_persons": 3, "labour_person_days_month": "36"})
    assert r.status_code == 201, r.json()
    r = api_as("ana").post("/process/ideas", {"family": world.fam_ojo.pk, "recorded_on": TODAY.isoformat(), "rank": 1,
                                              "title": "Mango", "species": "mango", "chosen": True})
    assert r.status_code == 201 and r.json()["species"] == "mango"
    assert StepRecord.objects.get(family=world.fam_ojo, stage__number=4).status == Status.DONE
    r = api_as("beto").post("/process/inventories", {
        "family": world.fam_ojo.pk, "surveyed_on": TODAY.isoformat(), "land_ha": "2", "sloping_land_ha": "1",
        "labour_persons": 3, "labour_person_days_month": "36"})
    assert r.status_code == 404
