"""Changing a family's group: one rule (``registry.services.move_family``) behind the form, the API and the import."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from miaf.web.intake.services.importer import import_files
from miaf.web.registry import services
from miaf.web.registry.models import Family, Membership
from tests.api.conftest import ApiClient
from tests.intake import exportwriters as ew

pytestmark = pytest.mark.django_db

MOVED_ON = dt.date(2025, 3, 1)


@pytest.fixture
def spy(monkeypatch):  # noqa: ANN001, ANN201
    """Every call of ``move_family`` (wrapping the real one) as ``(actor, family code, group id, date)``."""
    calls: list[tuple] = []
    real = services.move_family

    def recording(actor, family, group, on):  # noqa: ANN001, ANN202
        calls.append((actor.username, family.code, group.pk, on))
        return real(actor, family, group, on)

    monkeypatch.setattr(services, "move_family", recording)
    return calls


@pytest.fixture
def imported_family(intake_world, tmp_path):  # noqa: ANN001, ANN201
    """OJO-010, registered by ana's import in group 9101 from 2024-02-01 (so that the import may edit it)."""
    first = ew.family_subs()[0]
    report = import_files([ew.write_kobo_xlsx(tmp_path / "first.xlsx", ew.FAMILY, [first])], "family",
                          user=intake_world.ana)
    assert report.imported == 1
    return Family.objects.get(code="OJO-010"), first


def rows(family: Family) -> list[tuple]:
    return list(Membership.objects.filter(family=family).order_by("joined_on").values_list("group_id", "joined_on", "left_on"))


def move_by_form(world, family, client, tmp_path, first) -> None:  # noqa: ANN001
    response = client.post(reverse("registry:family_move", args=[family.pk]),
                           {"group": world.group_ojo.pk, "joined_on": MOVED_ON.isoformat()})
    assert response.status_code == 302


def move_by_api(world, family, client, tmp_path, first) -> None:  # noqa: ANN001
    from miaf.web.accounts.models import ApiToken

    api = ApiClient(client, ApiToken.issue(world.ana, "test")[1])
    response = api.patch(f"/families/{family.pk}", {"group": world.group_ojo.pk, "joined_on": MOVED_ON.isoformat()})
    assert response.status_code == 200, response.content


def move_by_import(world, family, client, tmp_path, first) -> None:  # noqa: ANN001
    edited = ew.Sub("f0000000-0001-4000-8000-00000000e001",
                    {**first.values, "household/group": str(world.group_ojo.pk),
                     "household/joined_on": MOVED_ON.isoformat()},
                    first.repeats, deprecated=first.uuid, root=first.uuid, submitted="2025-06-13T10:00:00.000Z")
    report = import_files([ew.write_kobo_xlsx(tmp_path / "edited.xlsx", ew.FAMILY, [edited])], "family", user=world.ana)
    assert (report.updated, report.quarantined) == (1, 0), report.quarantine


@pytest.mark.parametrize("door", [move_by_form, move_by_api, move_by_import], ids=["form", "api", "import"])
def test_the_form_the_api_and_the_import_all_move_a_family_through_the_one_rule_with_the_same_rows(
        intake_world, imported_family, client_for, tmp_path, spy, door):
    family, first = imported_family
    door(intake_world, family, client_for(intake_world.ana), tmp_path, first)
    assert spy == [("ana", "OJO-010", intake_world.group_ojo.pk, MOVED_ON)]
    assert rows(family) == [
        (int(ew.GROUP_OJO), dt.date(2024, 2, 1), MOVED_ON),
        (intake_world.group_ojo.pk, MOVED_ON, None),
    ]


def test_a_promoter_cannot_move_a_family_into_a_group_not_assigned_to_her(world, client_for, spy):
    before = rows(world.fam_ojo)
    with pytest.raises(ValidationError) as refused:
        services.move_family(world.ana, world.fam_ojo, world.group_vergel, MOVED_ON)
    assert "group" in refused.value.message_dict
    response = client_for(world.ana).post(reverse("registry:family_move", args=[world.fam_ojo.pk]),
                                          {"group": world.group_vergel.pk, "joined_on": MOVED_ON.isoformat()})
    assert response.status_code == 200 and response.context["form"].errors["group"]
    assert rows(world.fam_ojo) == before


def test_a_promoter_cannot_move_a_family_out_of_another_promoters_group(world, client_for):
    before = rows(world.fam_vergel)
    with pytest.raises(ValidationError) as refused:
        services.move_family(world.ana, world.fam_vergel, world.group_ojo, MOVED_ON)
    assert "family" in refused.value.message_dict
    response = client_for(world.ana).post(reverse("registry:family_move", args=[world.fam_vergel.pk]),
                                          {"group": world.group_ojo.pk, "joined_on": MOVED_ON.isoformat()})
    assert response.status_code == 404
    assert rows(world.fam_vergel) == before


def test_a_coordinator_of_another_osc_cannot_move_a_family_of_proasus(world, client_for):
    with pytest.raises(ValidationError):
        services.move_family(world.olga, world.fam_ojo, world.group_other, MOVED_ON)
    response = client_for(world.olga).get(reverse("registry:family_move", args=[world.fam_ojo.pk]))
    assert response.status_code == 404


def test_a_move_dated_before_the_current_joining_names_the_date_field_and_changes_nothing(world, client_for):
    before = rows(world.fam_ojo)
    response = client_for(world.carla).post(reverse("registry:family_move", args=[world.fam_ojo.pk]),
                                            {"group": world.group_vergel.pk, "joined_on": "2010-01-01"})
    assert response.status_code == 200
    assert "antes del" in str(response.context["form"].errors["joined_on"])
    assert rows(world.fam_ojo) == before


def test_a_move_in_the_future_or_into_the_same_group_is_refused(world):
    tomorrow = dt.date.today() + dt.timedelta(days=2)
    with pytest.raises(ValidationError) as future:
        services.move_family(world.carla, world.fam_ojo, world.group_vergel, tomorrow)
    assert "joined_on" in future.value.message_dict
    with pytest.raises(ValidationError) as same:
        services.move_family(world.carla, world.fam_ojo, world.group_ojo, MOVED_ON)
    assert "group" in same.value.message_dict


def test_an_import_moving_a_family_before_its_current_joining_is_quarantined_with_the_same_reason(
        intake_world, imported_family, tmp_path):
    family, first = imported_family
    edited = ew.Sub("f0000000-0001-4000-8000-00000000e002",
                    {**first.values, "household/group": str(intake_world.group_ojo.pk),
                     "household/joined_on": "2020-01-01"},
                    first.repeats, deprecated=first.uuid, root=first.uuid, submitted="2025-06-13T10:00:00.000Z")
    before = rows(family)
    report = import_files([ew.write_kobo_xlsx(tmp_path / "bad.xlsx", ew.FAMILY, [edited])], "family",
                          user=intake_world.ana)
    assert report.quarantined == 1
    assert "antes del" in report.quarantine[0]["reasons"][0]["message_es"]
    assert rows(family) == before


def test_registering_a_family_from_the_page_opens_its_first_membership(world, client_for):
    response = client_for(world.ana).post(reverse("registry:family_create"), {
        "code": "OJO-050", "name": "Familia Nueva", "locality": world.locality.pk, "group": world.group_ojo.pk,
        "joined_on": "2024-05-01", "members-TOTAL_FORMS": "1", "members-INITIAL_FORMS": "0",
        "members-0-name": "Rosa", "members-0-sex": "F", "members-0-role": "head",
    })
    assert response.status_code == 302
    family = Family.objects.get(code="OJO-050")
    assert rows(family) == [(world.group_ojo.pk, dt.date(2024, 5, 1), None)]
    assert family.created_by == world.ana and family.members.count() == 1
