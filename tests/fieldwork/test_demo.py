"""The demo's fieldwork: planned visits around today, event details, invited groups, staff trainings."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tests.demo.conftest import demo  # noqa: F401  (the module-scoped demo programme)

pytestmark = pytest.mark.django_db


def test_the_demo_promoter_has_overdue_and_upcoming_visits_and_stale_families(demo, client):  # noqa: F811
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from miaf.web.fieldwork.models import VisitPlan

    today = timezone.localdate()
    promoter = get_user_model().objects.get(username="promotor")
    mine = VisitPlan.objects.filter(promoter=promoter, status="planned")
    assert mine.filter(due_on__lt=today).exists() and mine.filter(due_on__gt=today).exists()
    assert VisitPlan.objects.filter(status="cancelled").exclude(cancel_reason="").exists()
    client.force_login(promoter)
    day = client.get(reverse("fieldwork:my_day")).context["day"]
    assert day.counts["overdue"] > 0 and day.counts["upcoming"] > 0 and day.due


def test_demo_events_have_facilitator_language_and_place_and_exchanges_invite_a_group(demo):  # noqa: F811
    from miaf.web.fieldwork.models import TrainingEvent

    events = TrainingEvent.objects.filter(origin="demo")
    assert not events.filter(facilitator="").exists() and not events.filter(place="").exists()
    assert set(events.values_list("language", flat=True)) <= {"es", "tzh", "tzo", "toj"}
    assert events.filter(kind="exchange", groups__isnull=False).exists()


def test_demo_staff_trainings_have_the_osc_staff_and_every_row_passes_full_clean(demo):  # noqa: F811
    from miaf.web.fieldwork.models import StaffTraining, VisitPlan

    trainings = StaffTraining.objects.all()
    assert trainings.count() == 6 and all(t.attendees.exists() for t in trainings)
    for obj in [*trainings, *VisitPlan.objects.order_by("?")[:50]]:
        obj.full_clean()


def test_unloading_the_demo_removes_its_fieldwork(demo):  # noqa: F811
    from miaf.web.demo.load import unload_demo
    from miaf.web.fieldwork.models import StaffTraining, TrainingEvent, VisitPlan

    unload_demo()
    assert not VisitPlan.objects.exists() and not StaffTraining.objects.exists()
    assert not TrainingEvent.groups.through.objects.exists()
