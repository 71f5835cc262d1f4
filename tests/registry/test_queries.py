"""One rule for "which families count in aggregates", shared by the home figures, /stats, the programme
environment and the analysts' open data; one family summary for the families page and its export."""

from __future__ import annotations

import datetime as dt

import pytest

from miaf.web.core.figures import key_figures
from miaf.web.environs.services import plots_in_scope
from miaf.web.exports.anonymise import open_data_families
from miaf.web.exports.tables import EXPORTS
from miaf.web.registry.models import Family
from miaf.web.registry.queries import aggregate_families, family_summary

pytestmark = pytest.mark.django_db


def codes(qs) -> set[str]:  # noqa: ANN001
    return set(Family.objects.filter(pk__in=qs.values("pk")).values_list("code", flat=True))


def test_a_family_that_moved_to_another_osc_leaves_every_aggregate_of_the_first_one(world, api_as):
    from miaf.web.registry.models import Membership

    # Moved by hand: no PROASUS persona may move a family into another OSC's group (the use case refuses it).
    current = world.fam_vergel.current_membership
    current.left_on = dt.date(2024, 1, 1)
    current.save()
    Membership.objects.create(family=world.fam_vergel, group=world.group_other, joined_on=dt.date(2024, 1, 1))

    assert codes(aggregate_families(world.diego)) == {"OJO-001"}
    assert codes(aggregate_families(world.olga)) == {"VER-001", "OTR-001"}
    assert codes(aggregate_families(world.root)) == {"OJO-001", "VER-001", "OTR-001"}
    # Every caller says the same.
    assert key_figures(world.diego)["families"] == 1
    # one family is fewer than k = 5: the analyst's API says so instead of the count (issue 14 item 1)
    stats = api_as("diego").get("/stats").json()
    assert stats["families"] is None and stats["disclosure"]
    assert api_as("carla").get("/stats").json()["families"] == 1
    assert codes(open_data_families(world.diego)) == {"OJO-001"}
    assert {p.family.code for p in plots_in_scope(world.diego).select_related("family")} == {"OJO-001"}


def test_the_families_page_and_the_families_export_use_the_same_summary(world, client_for):
    from django.urls import reverse

    summary = {f.code: (f.group_name, f.n_members, f.n_plots) for f in family_summary(Family.objects.all())}
    assert summary["OJO-001"] == ("Ojo de Agua", 1, 1)
    exported = {f.code: (f.group_name, f.n_members, f.n_plots) for f in EXPORTS["familias"].queryset(world.carla)}
    page = client_for(world.carla).get(reverse("registry:family_list"))
    listed = {f.code: (f.group_name, f.n_members, f.n_plots) for f in page.context["rows"]}
    assert exported == listed == {k: v for k, v in summary.items() if k in {"OJO-001", "VER-001"}}
