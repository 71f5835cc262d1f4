"""The demo fills a realistic process history: groups at every step, some overdue, commitments past step 6."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):  # noqa: ANN001, ANN201
    from miaf.web.demo import load_demo

    return load_demo(families=400, seed=2011)


def test_the_demo_has_groups_at_every_step_and_some_overdue(demo):
    from django.utils import timezone

    from miaf.web.process.models import GroupProgress

    new = GroupProgress.objects.filter(group__name__startswith="Nuevo grupo")
    assert set(new.values_list("number", flat=True)) == set(range(1, 9))
    established = list(GroupProgress.objects.exclude(group__in=new.values("group")).values_list("number", flat=True))
    assert set(established) <= {9, 10, 11, 12}
    assert sum(n >= 11 for n in established) > len(established) / 2
    overdue = GroupProgress.objects.filter(status="in_progress", due_on__lt=timezone.localdate()).count()
    assert 0 < overdue < GroupProgress.objects.count()


def test_every_demo_group_past_step_six_has_a_signed_commitment(demo):
    from miaf.web.process.models import Commitment, GroupProgress

    past = set(GroupProgress.objects.filter(number__gt=6).values_list("group_id", flat=True))
    assert past and past == set(Commitment.objects.values_list("group_id", flat=True))
    signed = set(Commitment.objects.filter(signatories__isnull=False).values_list("group_id", flat=True))
    with_families = set(GroupProgress.objects.filter(number__gt=6, group__memberships__isnull=False).values_list("group_id", flat=True))
    assert with_families and with_families <= signed


def test_demo_rows_are_valid_models(demo):
    from miaf.web.process.models import Commitment, ProjectIdea, ResourceInventory, StepRecord

    for model in (StepRecord, Commitment, ResourceInventory, ProjectIdea):
        sample = model.objects.order_by("pk")[:20]
        assert sample
        for row in sample:
            row.full_clean()


def test_the_demo_is_deterministic_and_unloads(demo):
    from miaf.web.demo import load_demo
    from miaf.web.process.models import StepRecord

    first = list(StepRecord.objects.order_by("pk").values_list("group__name", "stage__number", "status", "started_on"))
    load_demo(families=400, seed=2011, reset=True)
    again = list(StepRecord.objects.order_by("pk").values_list("group__name", "stage__number", "status", "started_on"))
    assert first == again
