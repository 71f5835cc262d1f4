"""Role matrix of the fieldwork pages and API operations, for every persona, with the exact status code.

Analysts never reach these pages (they show names): 403. A promoter opening another group's family, visit or
training gets a 404. The promoters page is for coordinators and administrators only.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from miaf.web.fieldwork import services
from miaf.web.fieldwork.models import StaffTraining, TrainingEvent, Visit, VisitPlan

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
PERSONAS = ("root", "carla", "ana", "beto", "diego", "olga")
FIELD_PAGES = ["fieldwork:my_day", "fieldwork:calendar", "fieldwork:training_list", "fieldwork:training_new"]
OFFICE_PAGES = ["fieldwork:promoters"]
#: Who sees the records of Ojo de Agua's family (everybody else with personal-data access: 404).
SEES_OJO = {"root", "carla", "ana"}


@pytest.fixture
def rows(world):  # noqa: ANN001, ANN201
    visit = services.record_visit(world.ana, Visit(family=world.fam_ojo, visited_on=TODAY))
    plan = services.plan_visit(world.ana, VisitPlan(family=world.fam_ojo, due_on=TODAY))
    event = services.record_training(world.ana, TrainingEvent(organisation=world.org_coffee, group=world.group_ojo,
                                                              kind="training", title="Poda", held_on=TODAY))
    staff = services.record_staff_training(world.carla, StaffTraining(organisation=world.proasus, title="Radio",
                                                                      held_on=TODAY, hours=2), [world.ana.profile])
    return {"visit": visit, "plan": plan, "event": event, "staff": staff}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", FIELD_PAGES + OFFICE_PAGES)
def test_list_pages_follow_the_role_rules(world, client_for, persona, name):
    status = client_for(getattr(world, persona)).get(reverse(name)).status_code
    if persona == "diego":
        assert status == 403
    elif name in OFFICE_PAGES:
        assert status == (200 if persona in ("root", "carla", "olga") else 403)
    else:
        assert status == 200


@pytest.mark.parametrize("persona", PERSONAS)
def test_object_pages_of_ojo_de_agua_are_404_outside_its_reach(world, client_for, rows, persona):
    client = client_for(getattr(world, persona))
    pages = [reverse("fieldwork:visit_detail", args=[rows["visit"].pk]),
             reverse("fieldwork:visit_new", args=[world.fam_ojo.pk]),
             reverse("fieldwork:plan_new", args=[world.fam_ojo.pk]),
             reverse("fieldwork:training_detail", args=[rows["event"].pk])]
    expected = 403 if persona == "diego" else (200 if persona in SEES_OJO else 404)
    assert [client.get(p).status_code for p in pages] == [expected] * 4


@pytest.mark.parametrize("persona", PERSONAS)
def test_cancelling_a_plan_follows_the_family_scope(world, client_for, rows, persona):
    response = client_for(getattr(world, persona)).post(reverse("fieldwork:plan_cancel", args=[rows["plan"].pk]))
    expected = 403 if persona == "diego" else (302 if persona in SEES_OJO else 404)
    assert response.status_code == expected


def test_the_menu_reaches_every_fieldwork_page_of_each_role(world, client_for):
    from miaf.web.accounts.scoping import role_of
    from miaf.web.core.menu import menu_for

    for persona in PERSONAS:
        user = getattr(world, persona)
        links = {link["name"] for section in menu_for(role_of(user)) for link in section["links"]}
        wanted = set() if persona == "diego" else {"fieldwork:my_day", "fieldwork:calendar", "fieldwork:training_list"}
        if persona in ("root", "carla", "olga"):
            wanted.add("fieldwork:promoters")
        assert wanted <= links and not ({"fieldwork:promoters"} & links and persona in ("ana", "beto", "diego"))


# --- API ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_visit_plans_api_follows_the_family_scope(api_as, world, rows, persona):
    response = api_as(persona).get(f"/visit-plans/{rows['plan'].pk}")
    expected = 403 if persona == "diego" else (200 if persona in SEES_OJO else 404)
    assert response.status_code == expected


@pytest.mark.parametrize("persona", PERSONAS)
def test_staff_trainings_api_is_for_the_organisations_staff(api_as, world, rows, persona):
    response = api_as(persona).get(f"/staff-trainings/{rows['staff'].pk}")
    expected = {"root": 200, "carla": 200, "ana": 200, "beto": 200, "diego": 403, "olga": 404}[persona]
    assert response.status_code == expected


@pytest.mark.parametrize("persona", PERSONAS)
def test_creating_a_staff_training_is_for_coordinators_and_administrators(api_as, world, persona):
    body = {"organisation": world.proasus.pk, "title": "Radio", "held_on": TODAY.isoformat(), "hours": "2",
            "attendees": ["ana"]}
    expected = {"root": 201, "carla": 201, "ana": 403, "beto": 403, "diego": 403, "olga": 422}[persona]
    assert api_as(persona).post("/staff-trainings", body).status_code == expected


