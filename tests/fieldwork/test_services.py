"""Use cases of the accompaniment (issue 11, items 3 and "bad input"), with the personas of ``world``."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from miaf.web.fieldwork import services
from miaf.web.fieldwork.models import (
    Attendance,
    StaffTraining,
    TrainingEvent,
    TreeMeasurement,
    Visit,
    VisitPlan,
)
from miaf.web.registry.models import Member

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def visit_for(family, day=None, **extra) -> Visit:  # noqa: ANN001
    return Visit(family=family, visited_on=day or TODAY, **extra)


def test_a_visit_dated_in_the_future_is_refused_and_nothing_is_saved(world, species):
    tomorrow = TODAY + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        services.record_visit(world.ana, visit_for(world.fam_ojo, tomorrow), [{"species": species}])
    assert "visited_on" in exc.value.message_dict
    assert tomorrow.isoformat() in exc.value.message_dict["visited_on"][0]
    assert not Visit.objects.exists() and not TreeMeasurement.objects.exists()


def test_a_promoter_recording_a_visit_for_another_group_is_refused(world):
    with pytest.raises(ValidationError) as exc:
        services.record_visit(world.ana, visit_for(world.fam_vergel))
    assert "no pertenece a sus grupos" in exc.value.message_dict["family"][0]
    assert not Visit.objects.exists()


def test_an_analyst_may_not_record_a_visit(world):
    with pytest.raises(PermissionDenied):
        services.record_visit(world.diego, visit_for(world.fam_ojo))


def test_a_promoter_is_the_promoter_of_her_visit_with_its_tree_measurements(world, species):
    visit = services.record_visit(world.ana, visit_for(world.fam_ojo, plot=world.plot_ojo), [
        {"species": species, "row_number": 1, "tree_number": 2, "diameter_cm": 4.5, "height_m": 1.8, "alive": True},
        {"species": species, "row_number": 1, "tree_number": 3, "alive": False},
    ])
    assert visit.promoter == world.ana and visit.created_by == world.ana
    assert sorted(visit.measurements.values_list("tree_number", "alive")) == [(2, True), (3, False)]


def test_a_bad_measurement_refuses_the_whole_visit(world, species):
    with pytest.raises(ValidationError) as exc:
        services.record_visit(world.ana, visit_for(world.fam_ojo), [{"species": species, "height_m": 99}])
    assert "measurements.0.height_m" in exc.value.message_dict
    assert not Visit.objects.exists()


def test_a_visit_closes_the_oldest_open_plan_due_by_its_date(world):
    old = services.plan_visit(world.ana, VisitPlan(family=world.fam_ojo, due_on=TODAY - dt.timedelta(days=10)))
    newer = services.plan_visit(world.ana, VisitPlan(family=world.fam_ojo, due_on=TODAY - dt.timedelta(days=2)))
    later = services.plan_visit(world.ana, VisitPlan(family=world.fam_ojo, due_on=TODAY + dt.timedelta(days=5)))
    visit = services.record_visit(world.ana, visit_for(world.fam_ojo))
    old.refresh_from_db(), newer.refresh_from_db(), later.refresh_from_db()
    assert (old.status, old.done_visit) == (VisitPlan.Status.DONE, visit)
    assert newer.status == later.status == VisitPlan.Status.PLANNED
    assert old.promoter == world.ana  # a promoter's plan is hers


def test_a_visit_closes_the_plan_it_was_recorded_from_even_if_not_yet_due(world):
    plan = services.plan_visit(world.carla, VisitPlan(family=world.fam_ojo, due_on=TODAY + dt.timedelta(days=3),
                                                      promoter=world.ana))
    services.record_visit(world.ana, visit_for(world.fam_ojo), plan=plan)
    plan.refresh_from_db()
    assert plan.status == VisitPlan.Status.DONE


def test_the_next_visit_date_plans_the_next_visit_with_the_next_steps_as_purpose(world):
    next_on = TODAY + dt.timedelta(days=30)
    visit = services.record_visit(world.ana, visit_for(world.fam_ojo, next_steps="Podar los duraznos\nLlevar tijeras",
                                                       next_visit_on=next_on))
    plan = VisitPlan.objects.get(status=VisitPlan.Status.PLANNED)
    assert (plan.family, plan.due_on, plan.promoter, plan.purpose) == (world.fam_ojo, next_on, world.ana,
                                                                        "Podar los duraznos")
    assert visit.closed_plans.count() == 0


def test_a_next_visit_before_the_visit_is_refused(world):
    with pytest.raises(ValidationError) as exc:
        services.record_visit(world.ana, visit_for(world.fam_ojo, next_visit_on=TODAY - dt.timedelta(days=1)))
    assert "next_visit_on" in exc.value.message_dict


def test_a_promoter_may_not_plan_for_another_groups_family(world):
    with pytest.raises(ValidationError):
        services.plan_visit(world.beto, VisitPlan(family=world.fam_ojo, due_on=TODAY))
    assert not VisitPlan.objects.exists()


def test_a_cancelled_plan_keeps_its_reason_and_cannot_be_cancelled_twice(world):
    plan = services.plan_visit(world.ana, VisitPlan(family=world.fam_ojo, due_on=TODAY))
    services.cancel_plan(world.ana, plan, "camino cerrado por lluvias")
    plan.refresh_from_db()
    assert (plan.status, plan.cancel_reason) == (VisitPlan.Status.CANCELLED, "camino cerrado por lluvias")
    with pytest.raises(ValidationError):
        services.cancel_plan(world.ana, plan)


def training(world, **extra) -> TrainingEvent:  # noqa: ANN001
    fields = {"organisation": world.org_coffee, "group": world.group_ojo, "kind": "training",
              "title": "Poda de frutales", "held_on": TODAY - dt.timedelta(days=1), **extra}
    return TrainingEvent(**fields)


def test_a_training_with_the_attendance_of_its_groups_members(world):
    head = world.fam_ojo.members.get()
    event = services.record_training(world.ana, training(world, facilitator="Doña Rosa", language="tzh",
                                                         place="Casa ejidal"),
                                     [services.Attendee(world.fam_ojo.pk, head.pk)])
    assert list(event.attendance.values_list("member__name", flat=True)) == [head.name]
    assert (event.facilitator, event.language, event.place) == ("Doña Rosa", "tzh", "Casa ejidal")


def test_attendance_of_a_person_outside_the_events_groups_is_refused_naming_her(world):
    event = services.record_training(world.carla, training(world))
    outsider = world.fam_vergel.members.get()
    with pytest.raises(ValidationError) as exc:
        services.set_attendance(world.carla, event, [services.Attendee(world.fam_vergel.pk, outsider.pk)])
    assert outsider.name in exc.value.messages[0]
    assert not Attendance.objects.exists()


def test_an_invited_groups_members_may_attend_an_exchange(world):
    event = services.record_training(world.carla, training(world, kind="exchange"), invited=[world.group_vergel])
    guest = world.fam_vergel.members.get()
    services.set_attendance(world.carla, event, [services.Attendee(world.fam_vergel.pk, guest.pk)])
    assert list(event.groups.all()) == [world.group_vergel]
    assert event.attendance.get().member == guest


def test_a_promoter_may_not_record_a_training_for_a_group_not_assigned_to_her(world):
    with pytest.raises(ValidationError) as exc:
        services.record_training(world.beto, training(world))
    assert "group" in exc.value.message_dict
    assert not TrainingEvent.objects.exists()


def test_a_training_in_the_future_is_refused(world):
    with pytest.raises(ValidationError) as exc:
        services.record_training(world.carla, training(world, held_on=TODAY + dt.timedelta(days=2)))
    assert "held_on" in exc.value.message_dict


def test_a_promoter_replacing_attendance_keeps_the_other_promoters_families(world):
    event = services.record_training(world.carla, training(world, group=None, kind="exchange"),
                                     invited=[world.group_ojo, world.group_vergel])
    ojo, vergel = world.fam_ojo.members.get(), world.fam_vergel.members.get()
    services.set_attendance(world.carla, event, [services.Attendee(world.fam_ojo.pk, ojo.pk),
                                                 services.Attendee(world.fam_vergel.pk, vergel.pk)])
    services.set_attendance(world.ana, event, [])
    assert list(event.attendance.values_list("member", flat=True)) == [vergel.pk]


def test_the_same_member_twice_is_refused(world):
    head = world.fam_ojo.members.get()
    event = services.record_training(world.ana, training(world))
    with pytest.raises(ValidationError):
        services.set_attendance(world.ana, event, [services.Attendee(world.fam_ojo.pk, head.pk)] * 2)


def test_staff_training_is_recorded_by_a_coordinator_with_her_organisations_staff(world):
    st = StaffTraining(organisation=world.proasus, title="Facilitación en tseltal", held_on=TODAY, hours=6)
    services.record_staff_training(world.carla, st, [world.ana.profile, world.beto.profile])
    assert sorted(p.user.username for p in st.attendees.all()) == ["ana", "beto"]
    other = StaffTraining(organisation=world.proasus, title="x", held_on=TODAY, hours=1)
    with pytest.raises(ValidationError):
        services.record_staff_training(world.carla, other, [world.olga.profile])
    with pytest.raises(PermissionDenied):
        services.record_staff_training(world.ana, other, [])


def test_a_member_of_a_family_that_left_the_group_before_the_event_may_not_attend(world):
    from miaf.web.registry.models import Membership

    m = Membership.objects.get(family=world.fam_vergel)
    m.left_on = dt.date(2015, 1, 1)
    m.save()
    Membership.objects.create(family=world.fam_vergel, group=world.group_ojo, joined_on=dt.date(2015, 1, 2))
    event = services.record_training(world.root, training(world, group=world.group_vergel, held_on=dt.date(2020, 5, 1)))
    person = Member.objects.get(family=world.fam_vergel)
    with pytest.raises(ValidationError):
        services.set_attendance(world.root, event, [services.Attendee(world.fam_vergel.pk, person.pk)])
