"""The ODK/Kobo import of visits and events goes through the same use cases as the pages and the API."""

from __future__ import annotations

import datetime as dt

import pytest

from miaf.web.fieldwork.models import TrainingEvent, Visit, VisitPlan
from miaf.web.intake.services import import_files
from tests.intake.conftest import FIXTURES, intake_world  # noqa: F401  (the intake fixtures' world)

pytestmark = pytest.mark.django_db


def test_an_imported_visit_closes_the_familys_plan_due_by_its_date(intake_world):  # noqa: F811
    # The fixture's visit of OJO-001 is dated 2025-03-04: a plan due on 2025-03-01 is closed by it.
    due = VisitPlan.objects.create(family=intake_world.fam_ojo, due_on=dt.date(2025, 3, 1), promoter=intake_world.ana)
    later = VisitPlan.objects.create(family=intake_world.fam_ojo, due_on=dt.date(2025, 4, 1))
    report = import_files([FIXTURES / "odk_miaf_visit.zip"], "visit", user=intake_world.ana)
    assert report.imported == 1
    due.refresh_from_db(), later.refresh_from_db()
    assert (due.status, due.done_visit) == ("done", Visit.objects.get())
    assert later.status == "planned"


def test_an_imported_visit_for_a_family_outside_the_promoters_groups_is_quarantined(intake_world):  # noqa: F811
    report = import_files([FIXTURES / "odk_miaf_visit.zip"], "visit", user=intake_world.beto)
    assert report.imported == 0 and report.quarantined == 1
    assert not Visit.objects.exists()


def test_an_imported_exchange_invites_the_groups_of_its_listed_families(intake_world):  # noqa: F811
    report = import_files([FIXTURES / "odk_miaf_event.zip"], "event", user=intake_world.carla)
    assert report.imported == 1
    event = TrainingEvent.objects.get()
    assert intake_world.group_vergel in event.groups.all()
