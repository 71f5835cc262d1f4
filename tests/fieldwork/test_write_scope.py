"""Deleting or rewriting a training never touches rows outside the user's reach (issue 14, item 2): the event's
attendance of another group's families is a cascade the user may not cause."""

from __future__ import annotations

import pytest
from django.utils import timezone

from miaf.web.fieldwork.models import Attendance, TrainingEvent
from miaf.web.fieldwork.services import Attendee, record_training

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def shared_event(world):  # noqa: ANN001, ANN201
    """An exchange hosted by ana's group with beto's group invited, each family at it."""
    event = TrainingEvent.objects.create(organisation=world.org_coffee, group=world.group_ojo, kind="exchange",
                                         title="Intercambio de semillas", held_on=TODAY)
    event.groups.add(world.group_vergel)
    Attendance.objects.create(event=event, family=world.fam_ojo)
    Attendance.objects.create(event=event, family=world.fam_vergel)
    return event


def test_a_promoter_deleting_a_training_cannot_delete_the_attendance_of_another_groups_families(
        api_as, world, shared_event):
    response = api_as("ana").delete(f"/trainings/{shared_event.pk}")
    assert response.status_code == 403
    assert "fuera de su alcance" in response.json()["detail"]
    assert TrainingEvent.objects.filter(pk=shared_event.pk).exists()
    assert sorted(Attendance.objects.values_list("family__code", flat=True)) == ["OJO-001", "VER-001"]


def test_the_coordinator_of_both_groups_may_delete_the_same_training(api_as, world, shared_event):
    assert api_as("carla").delete(f"/trainings/{shared_event.pk}").status_code == 204
    assert not TrainingEvent.objects.exists() and not Attendance.objects.exists()


def test_a_promoter_may_delete_her_groups_training_when_all_its_attendance_is_hers(api_as, world):
    event = TrainingEvent.objects.create(organisation=world.org_coffee, group=world.group_ojo, kind="training",
                                         title="Poda", held_on=TODAY)
    Attendance.objects.create(event=event, family=world.fam_ojo)
    assert api_as("ana").delete(f"/trainings/{event.pk}").status_code == 204
    assert not TrainingEvent.objects.filter(pk=event.pk).exists()


def test_a_promoter_cannot_delete_an_event_of_the_whole_organisation(api_as, world):
    event = TrainingEvent.objects.create(organisation=world.org_coffee, kind="training", title="Asamblea",
                                         held_on=TODAY)
    assert api_as("ana").get(f"/trainings/{event.pk}").status_code == 200  # she sees it
    assert api_as("ana").delete(f"/trainings/{event.pk}").status_code == 403
    assert TrainingEvent.objects.filter(pk=event.pk).exists()


def test_a_promoter_cannot_delete_a_training_she_is_only_invited_to(api_as, world):
    event = TrainingEvent.objects.create(organisation=world.org_coffee, group=world.group_vergel, kind="exchange",
                                         title="Intercambio", held_on=TODAY)
    event.groups.add(world.group_ojo)
    assert api_as("ana").delete(f"/trainings/{event.pk}").status_code == 403
    assert TrainingEvent.objects.filter(pk=event.pk).exists()


def test_rewriting_the_attendance_of_a_shared_event_keeps_the_other_groups_rows(world, shared_event):
    member = world.fam_ojo.members.get()
    record_training(world.ana, shared_event, [Attendee(world.fam_ojo.pk, member.pk)])
    rows = sorted((a.family.code, a.member_id) for a in Attendance.objects.select_related("family"))
    assert rows == [("OJO-001", member.pk), ("VER-001", None)]
