"""Fieldwork pages: Mi día, the calendar, the visit, plan, training and promoters pages, through the client."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from miaf.web.fieldwork import services
from miaf.web.fieldwork.models import Attendance, StaffTraining, TrainingEvent, Visit, VisitPlan

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def plan(world, family, days: int, promoter=None) -> VisitPlan:  # noqa: ANN001
    return services.plan_visit(world.root, VisitPlan(family=family, due_on=TODAY + dt.timedelta(days=days),
                                                     promoter=promoter, purpose=f"plan {days:+d}"))


def test_my_day_shows_the_promoters_overdue_and_due_visits_and_her_families_not_visited(world, client_for):
    plan(world, world.fam_ojo, -5, world.ana)
    plan(world, world.fam_ojo, 0, world.ana)
    plan(world, world.fam_vergel, -3, world.beto)  # Beto's family: not in Ana's day
    page = client_for(world.ana).get(reverse("fieldwork:my_day"))
    assert page.status_code == 200
    day = page.context["day"]
    assert (day.counts["overdue"], day.counts["today"]) == (1, 1)
    assert [p.purpose for p in day.due] == ["plan -5", "plan +0"]
    assert [f.code for f in day.not_visited] == ["OJO-001"]  # never visited
    assert "OJO-001" in page.content.decode() and "VER-001" not in page.content.decode()


def test_a_recent_visit_takes_the_family_off_the_not_visited_list_for_the_chosen_weeks(world, client_for):
    services.record_visit(world.ana, Visit(family=world.fam_ojo, visited_on=TODAY - dt.timedelta(weeks=3)))
    client = client_for(world.ana)
    assert client.get(reverse("fieldwork:my_day")).context["day"].counts["not_visited"] == 0
    stale = client.get(reverse("fieldwork:my_day"), {"semanas": 2}).context["day"]
    assert [f.code for f in stale.not_visited] == ["OJO-001"]


def test_a_coordinator_picks_a_promoter_to_see_her_day(world, client_for):
    plan(world, world.fam_vergel, -1, world.beto)
    page = client_for(world.carla).get(reverse("fieldwork:my_day"), {"promotor": "beto"})
    assert page.context["chosen"] == world.beto
    assert [p.family for p in page.context["day"].due] == [world.fam_vergel]


def test_my_day_lists_this_weeks_trainings_and_quarantined_imports(world, client_for):
    from miaf.web.intake.models import ImportBatch, QuarantinedRow

    services.record_training(world.ana, TrainingEvent(organisation=world.org_coffee, group=world.group_ojo,
                                                      kind="training", title="Injertos", held_on=TODAY))
    batch = ImportBatch.objects.create(file_name="visitas.csv", sha256="0" * 64, form="visit", user=world.ana,
                                       started_at=timezone.now(), quarantined=2)
    QuarantinedRow.objects.create(batch=batch, row_number=3)
    QuarantinedRow.objects.create(batch=batch, row_number=4, resolved=True)
    day = client_for(world.ana).get(reverse("fieldwork:my_day")).context["day"]
    assert [e.title for e in day.trainings] == ["Injertos"]
    assert day.counts["quarantined"] == 1 and [b.waiting for b in day.batches] == [1]


def test_the_calendar_shows_planned_and_done_visits_and_trainings_of_the_month(world, client_for):
    first = TODAY.replace(day=1)
    services.record_visit(world.ana, Visit(family=world.fam_ojo, visited_on=first))
    services.plan_visit(world.ana, VisitPlan(family=world.fam_ojo, due_on=first + dt.timedelta(days=20)))
    services.plan_visit(world.beto, VisitPlan(family=world.fam_vergel, due_on=first + dt.timedelta(days=20)))
    ana = client_for(world.ana).get(reverse("fieldwork:calendar"), {"mes": first.strftime("%Y-%m")})
    assert ana.status_code == 200
    assert ana.context["month"].counts == {"plans": 1, "visits": 1, "trainings": 0}
    carla = client_for(world.carla).get(reverse("fieldwork:calendar"), {"mes": first.strftime("%Y-%m"),
                                                                          "grupo": world.group_vergel.pk})
    assert carla.context["month"].counts == {"plans": 1, "visits": 0, "trainings": 0}
    previous = (first - dt.timedelta(days=1)).strftime("%Y-%m")
    assert f"mes={previous}" in carla.content.decode()


def test_a_visit_recorded_from_a_plan_with_a_tree_measurement_closes_the_plan(world, client_for, species):
    p = plan(world, world.fam_ojo, -2, world.ana)
    url = reverse("fieldwork:visit_new", args=[world.fam_ojo.pk]) + f"?plan={p.pk}"
    client = client_for(world.ana)
    assert client.get(url).status_code == 200
    form = {"visited_on": TODAY.isoformat(), "step": "11", "agreements": "Podar en julio", "plan": p.pk,
            "arboles-TOTAL_FORMS": "1", "arboles-INITIAL_FORMS": "0", "arboles-MIN_NUM_FORMS": "0",
            "arboles-MAX_NUM_FORMS": "200", "arboles-0-species": species.pk, "arboles-0-diameter_cm": "3.5",
            "arboles-0-height_m": "1.2", "arboles-0-alive": "on"}
    response = client.post(url, form)
    visit = Visit.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("fieldwork:visit_detail", args=[visit.pk])
    p.refresh_from_db()
    assert p.status == VisitPlan.Status.DONE and visit.measurements.get().height_m == 1.2
    detail = client.get(response["Location"]).content.decode()
    assert "Podar en julio" in detail


def test_a_future_visit_on_the_form_is_an_error_on_its_date_and_saves_nothing(world, client_for):
    url = reverse("fieldwork:visit_new", args=[world.fam_ojo.pk])
    form = {"visited_on": (TODAY + dt.timedelta(days=3)).isoformat(), "step": "11", "arboles-TOTAL_FORMS": "0",
            "arboles-INITIAL_FORMS": "0"}
    response = client_for(world.ana).post(url, form)
    assert response.status_code == 200
    assert response.context["form"].errors["visited_on"]
    assert not Visit.objects.exists()


def test_a_promoter_opening_another_groups_visit_form_gets_a_404(world, client_for):
    assert client_for(world.ana).get(reverse("fieldwork:visit_new", args=[world.fam_vergel.pk])).status_code == 404
    assert client_for(world.ana).get(reverse("fieldwork:plan_new", args=[world.fam_vergel.pk])).status_code == 404


def test_a_plan_is_made_from_the_family_page_link(world, client_for):
    client = client_for(world.ana)
    family_page = client.get(reverse("registry:family_detail", args=[world.fam_ojo.pk])).content.decode()
    assert reverse("fieldwork:plan_new", args=[world.fam_ojo.pk]) in family_page
    assert reverse("fieldwork:visit_new", args=[world.fam_ojo.pk]) in family_page
    due = (TODAY + dt.timedelta(days=7)).isoformat()
    response = client.post(reverse("fieldwork:plan_new", args=[world.fam_ojo.pk]), {"due_on": due, "step": "11",
                                                                                    "purpose": "Revisar vivero"})
    assert response.status_code == 302
    assert VisitPlan.objects.get().promoter == world.ana


def test_a_training_is_recorded_and_its_attendance_marked_by_member(world, client_for):
    client = client_for(world.carla)
    response = client.post(reverse("fieldwork:training_new"), {
        "kind": "exchange", "title": "Intercambio de semillas", "held_on": TODAY.isoformat(),
        "organisation": world.org_coffee.pk, "group": world.group_ojo.pk, "groups": [world.group_vergel.pk],
        "facilitator": "Don Chema", "language": "tzh", "place": "Escuela", "step": "5"})
    event = TrainingEvent.objects.get()
    assert response.status_code == 302 and set(event.groups.all()) == {world.group_vergel}
    detail = client.get(reverse("fieldwork:training_detail", args=[event.pk]))
    names = [r["member"].name for r in detail.context["rows"]]
    assert sorted(names) == sorted([world.fam_ojo.members.get().name, world.fam_vergel.members.get().name])
    assert "mujer" in detail.content.decode()
    client.post(reverse("fieldwork:training_detail", args=[event.pk]), {"member": [world.fam_vergel.members.get().pk]})
    assert list(Attendance.objects.values_list("family", flat=True)) == [world.fam_vergel.pk]


def test_ticking_a_person_outside_the_events_groups_shows_an_error_naming_her(world, client_for):
    event = services.record_training(world.carla, TrainingEvent(organisation=world.org_coffee, group=world.group_ojo,
                                                                kind="training", title="Poda", held_on=TODAY))
    outsider = world.fam_vergel.members.get()
    page = client_for(world.carla).post(reverse("fieldwork:training_detail", args=[event.pk]), {"member": [outsider.pk]})
    assert page.status_code == 200 and outsider.name in page.context["error"]
    assert not Attendance.objects.exists()


def test_the_promoters_page_shows_caseload_languages_and_records_a_staff_training(world, client_for):
    world.ana.profile.languages = ["es"]
    world.ana.profile.save()
    client = client_for(world.carla)
    page = client.get(reverse("fieldwork:promoters"))
    ana = next(c for c in page.context["caseloads"] if c.user == world.ana)
    assert (ana.groups, ana.families, ana.member_languages, ana.missing_languages) == (["Ojo de Agua"], 1, ["es", "tzh"], ["tzh"])
    response = client.post(reverse("fieldwork:promoters"), {"title": "Primeros auxilios", "held_on": TODAY.isoformat(),
                                                            "hours": "4", "attendees": [world.ana.profile.pk]})
    assert response.status_code == 302
    assert StaffTraining.objects.get().attendees.get() == world.ana.profile


def test_a_coordinators_whole_organisation_calendar_shows_counts_per_day_and_lists_once_filtered(world, client_for):
    due = TODAY.replace(day=1) + dt.timedelta(days=10)
    services.plan_visit(world.ana, VisitPlan(family=world.fam_ojo, due_on=due))
    client = client_for(world.carla)
    whole = client.get(reverse("fieldwork:calendar"), {"mes": due.strftime("%Y-%m")})
    assert whole.context["lists"] is False and whole.context["month"].per_day[due]["plans"] == 1
    assert "OJO-001" not in whole.content.decode() and "1 planeada" in whole.content.decode()
    one = client.get(reverse("fieldwork:calendar"), {"mes": due.strftime("%Y-%m"), "promotor": "ana"})
    assert one.context["lists"] is True and "OJO-001" in one.content.decode()


def test_the_family_page_lists_its_latest_visits_and_open_plans(world, client_for):
    visit = services.record_visit(world.ana, Visit(family=world.fam_ojo, visited_on=TODAY, agreements="Abonar",
                                                   next_visit_on=TODAY + dt.timedelta(days=14)))
    page = client_for(world.ana).get(reverse("registry:family_detail", args=[world.fam_ojo.pk])).content.decode()
    assert reverse("fieldwork:visit_detail", args=[visit.pk]) in page and "Abonar" in page
    plan = VisitPlan.objects.get(status="planned")
    assert f"?plan={plan.pk}" in page


def test_a_training_is_edited_to_invite_another_group(world, client_for):
    event = services.record_training(world.carla, TrainingEvent(organisation=world.org_coffee, group=world.group_ojo,
                                                                kind="exchange", title="Semillas", held_on=TODAY))
    client = client_for(world.carla)
    url = reverse("fieldwork:training_edit", args=[event.pk])
    form = client.get(url).context["form"]
    data = {**{k: v for k, v in form.initial.items() if v is not None and k != "groups"},
            "held_on": TODAY.isoformat(), "groups": [world.group_vergel.pk]}
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    assert list(event.groups.all()) == [world.group_vergel]
    assert client_for(world.beto).get(url).status_code == 200  # an invited group's promoter sees the event
    assert client_for(world.olga).get(url).status_code == 404
