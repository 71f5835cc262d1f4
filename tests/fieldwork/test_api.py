"""The API's visit, visit-plan, training and attendance operations go through the fieldwork use cases."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from miaf.web.fieldwork.models import TrainingEvent, Visit, VisitPlan

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def errors(response) -> dict[str, str]:  # noqa: ANN001
    assert response.status_code == 422, response.content
    return {e["field"]: e["code"] for e in response.json()["detail"]}


def test_a_visit_through_the_api_closes_the_due_plan_and_plans_the_next_one(api_as, world):
    plan = api_as("carla").post("/visit-plans", {"family": world.fam_ojo.pk, "due_on": TODAY.isoformat(),
                                                 "promoter": "ana", "purpose": "Revisar injertos"})
    assert plan.status_code == 201, plan.content
    assert plan.json()["promoter"] == "ana" and plan.json()["status"] == "planned"
    next_on = (TODAY + dt.timedelta(days=28)).isoformat()
    visit = api_as("ana").post("/visits", {"family": world.fam_ojo.pk, "visited_on": TODAY.isoformat(),
                                           "next_steps": "Abonar", "next_visit_on": next_on})
    assert visit.status_code == 201, visit.content
    assert visit.json()["next_visit_on"] == next_on and visit.json()["promoter"] == "ana"
    closed = api_as("ana").get(f"/visit-plans/{plan.json()['id']}").json()
    assert (closed["status"], closed["done_visit"]) == ("done", visit.json()["id"])
    open_plans = api_as("ana").get("/visit-plans", status="planned").json()["items"]
    assert [(p["due_on"], p["purpose"]) for p in open_plans] == [(next_on, "Abonar")]


def test_a_future_visit_is_a_422_on_its_date(api_as, world):
    body = {"family": world.fam_ojo.pk, "visited_on": (TODAY + dt.timedelta(days=1)).isoformat()}
    assert "visited_on" in errors(api_as("ana").post("/visits", body))
    assert not Visit.objects.exists()


def test_a_promoter_recording_for_another_group_is_a_422_and_its_rows_a_404(api_as, world):
    assert errors(api_as("ana").post("/visits", {"family": world.fam_vergel.pk, "visited_on": TODAY.isoformat()})) == {
        "family": "not_found"}
    assert errors(api_as("ana").post("/visit-plans", {"family": world.fam_vergel.pk, "due_on": TODAY.isoformat()})) == {
        "family": "not_found"}
    plan = api_as("beto").post("/visit-plans", {"family": world.fam_vergel.pk, "due_on": TODAY.isoformat()}).json()
    assert api_as("ana").get(f"/visit-plans/{plan['id']}").status_code == 404
    assert api_as("ana").post(f"/visit-plans/{plan['id']}/cancel", {"reason": "x"}).status_code == 404


def test_a_plan_is_cancelled_with_its_reason(api_as, world):
    plan = api_as("ana").post("/visit-plans", {"family": world.fam_ojo.pk, "due_on": TODAY.isoformat()}).json()
    response = api_as("ana").post(f"/visit-plans/{plan['id']}/cancel", {"reason": "Lluvias"})
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    assert VisitPlan.objects.get().cancel_reason == "Lluvias"
    assert "status" in errors(api_as("ana").post(f"/visit-plans/{plan['id']}/cancel", {"reason": ""}))


def test_a_training_with_invited_groups_facilitator_language_and_place(api_as, world):
    body = {"organisation": world.org_coffee.pk, "group": world.group_ojo.pk, "groups": [world.group_vergel.pk],
            "kind": "exchange", "title": "Intercambio de semillas", "held_on": TODAY.isoformat(),
            "facilitator": "Doña Rosa", "language": "tzh", "place": "Casa ejidal"}
    response = api_as("carla").post("/trainings", body)
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["groups"], data["language"], data["place"]) == ([world.group_vergel.pk], "tzh", "Casa ejidal")
    path = f"/trainings/{data['id']}/attendance"
    guest = world.fam_vergel.members.get()
    assert api_as("carla").post(path, {"family": world.fam_vergel.pk, "member": guest.pk}).status_code == 201
    assert errors(api_as("carla").post("/trainings", {**body, "groups": [world.group_other.pk]})) == {"groups.0": "not_found"}


def test_attendance_of_a_person_outside_the_events_groups_is_a_422_naming_her(api_as, world):
    event = TrainingEvent.objects.create(organisation=world.org_coffee, group=world.group_ojo, kind="training",
                                         title="Poda", held_on=TODAY)
    outsider = world.fam_vergel.members.get()
    response = api_as("carla").post(f"/trainings/{event.pk}/attendance", {"family": world.fam_vergel.pk,
                                                                          "member": outsider.pk})
    assert errors(response) == {"member": "outside_groups"}
    assert outsider.name in response.json()["detail"][0]["message"]


def test_a_promoter_sees_the_trainings_her_group_is_invited_to(api_as, world):
    event = TrainingEvent.objects.create(organisation=world.org_coffee, group=world.group_vergel, kind="exchange",
                                         title="Intercambio", held_on=TODAY)
    assert api_as("ana").get(f"/trainings/{event.pk}").status_code == 404
    event.groups.add(world.group_ojo)
    assert api_as("ana").get(f"/trainings/{event.pk}").status_code == 200
