"""The audit trail: every write path (form, API, import, admin) leaves who, when, which path and the old and
new values; coordinators and administrators read it per family and per user, promoters and analysts do not."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.urls import reverse

from miaf.web.audit import queries
from miaf.web.records.models import Harvest
from miaf.web.registry.models import Family, Member
from tests.intake.conftest import FIXTURES, intake_world  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

API = "/api/v1"


def management(total: int, initial: int) -> dict:
    return {"members-TOTAL_FORMS": str(total), "members-INITIAL_FORMS": str(initial),
            "members-MIN_NUM_FORMS": "0", "members-MAX_NUM_FORMS": "1000"}


def edit_family_through_the_form(client, fam: Family, name: str):  # noqa: ANN001, ANN201
    head = fam.members.get()
    data = {"code": fam.code, "name": name, "locality": fam.locality_id, "notes": "", "migration_notes": "",
            **management(1, 1), "members-0-id": head.pk, "members-0-family": fam.pk, "members-0-name": head.name,
            "members-0-sex": "F", "members-0-role": "head", "members-0-birth_year": "1975",
            "members-0-languages": ["es", "tzh"]}
    return client.post(reverse("registry:family_edit", args=[fam.pk]), data)


def bearer(user) -> dict:  # noqa: ANN001
    from miaf.web.accounts.models import ApiToken

    return {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(user, 'audit test')[1]}"}


def post_harvest(client, user, kg: str):  # noqa: ANN001, ANN201
    from miaf.web.plots.models import Plot

    plot = Plot.objects.get(family__code="OJO-001", name="La Ladera")
    body = {"plot": plot.pk, "species": "mango", "harvested_on": "2023-05-10", "quantity_kg": kg,
            "destinations": [{"destination": "self", "kg": kg, "price_mxn_per_kg": None}]}
    return client.post(f"{API}/harvests", data=json.dumps(body), content_type="application/json", **bearer(user))


def change_of(event: queries.Event, model, field: str) -> tuple[str, str]:  # noqa: ANN001
    label = str(model._meta.get_field(field).verbose_name)
    return next((c.old, c.new) for c in event.changes if c.label == label)


# ------------------------------------------------------------------------------------------- write paths


def test_a_family_renamed_through_the_form_keeps_who_renamed_it_and_the_old_and_new_name(world, client_for):
    response = edit_family_through_the_form(client_for(world.ana), world.fam_ojo, "Familia Gómez Ruiz")
    assert response.status_code == 302
    row = world.fam_ojo.history.latest()
    assert (row.history_type, row.history_user, row.history_change_reason) == ("~", world.ana, "web")
    event = next(e for e in queries.family_history(world.fam_ojo.pk) if e.model == Family._meta.verbose_name and e.kind == "~")
    assert change_of(event, Family, "name") == ("Familia Gómez Pérez", "Familia Gómez Ruiz")
    assert event.user == "ana" and event.via == "web"


def test_a_harvest_saved_through_the_api_with_a_token_names_the_token_user_and_the_api_path(world, client):
    response = post_harvest(client, world.ana, "120")
    assert response.status_code == 201, response.content
    harvest = Harvest.objects.get(pk=response.json()["id"])
    row = harvest.history.get()
    assert (row.history_type, row.history_user, row.history_change_reason) == ("+", world.ana, "api")
    destinations = harvest.destinations.get().history.get()
    assert (destinations.history_user, destinations.kg) == (world.ana, Decimal("120.00"))


def test_a_harvest_deleted_through_the_api_keeps_its_last_values_and_who_deleted_it(world, client):
    harvest_id = post_harvest(client, world.ana, "75").json()["id"]
    response = client.delete(f"{API}/harvests/{harvest_id}", **bearer(world.carla))
    assert response.status_code == 204
    assert not Harvest.objects.filter(pk=harvest_id).exists()
    gone = Harvest.history.filter(id=harvest_id).latest()
    assert (gone.history_type, gone.history_user, gone.quantity_kg) == ("-", world.carla, Decimal("75.00"))
    deleted = [e for e in queries.family_history(world.fam_ojo.pk) if e.kind == "-" and e.model == Harvest._meta.verbose_name]
    assert len(deleted) == 1 and deleted[0].user == "carla"
    assert change_of(deleted[0], Harvest, "quantity_kg")[0] == "75.00"


def test_an_edit_brought_by_an_import_names_the_batch_user_and_the_import_path(intake_world):  # noqa: F811
    from miaf.web.intake.services import import_files

    import_files([FIXTURES / "odk_miaf_harvest.zip"], "harvest", user=intake_world.carla)
    report = import_files([FIXTURES / "odk_miaf_harvest_edited.zip"], "harvest", user=intake_world.carla)
    assert report.updated == 1
    changed = Harvest.history.filter(history_type="~").get()
    assert (changed.history_user, changed.history_change_reason) == (intake_world.carla, "import")
    assert changed.quantity_kg == Decimal("900.00")
    before = changed.prev_record
    assert before is not None and before.quantity_kg != changed.quantity_kg


def test_a_deletion_in_the_admin_site_names_the_administrator_and_the_admin_path(world, client_for):
    member = Member.objects.create(family=world.fam_vergel, name="Por borrar", sex="M", birth_year=1990, role="child")
    response = client_for(world.root).post(reverse("admin:registry_member_delete", args=[member.pk]), {"post": "yes"})
    assert response.status_code == 302
    gone = Member.history.filter(id=member.pk).latest()
    assert (gone.history_type, gone.history_user, gone.history_change_reason) == ("-", world.root, "admin")
    assert gone.name == "Por borrar"


def test_a_change_made_outside_any_request_is_attributed_to_whoever_the_caller_names(world):
    from miaf.web.audit.history import acting

    with acting(world.carla, "command"):
        Family.objects.filter(pk=world.fam_ojo.pk).get().save()
    row = world.fam_ojo.history.latest()
    assert (row.history_user, row.history_change_reason) == (world.carla, "command")
    world.fam_ojo.save()
    assert world.fam_ojo.history.latest().history_user is None


# ----------------------------------------------------------------------------------------------- pages

FAMILY_PAGE = {"root": 200, "carla": 200, "olga": 404, "ana": 403, "beto": 403, "diego": 403}
ACTIVITY_PAGE = {"root": 200, "carla": 200, "olga": 404, "ana": 403, "beto": 403, "diego": 403}


@pytest.mark.parametrize("persona", sorted(FAMILY_PAGE))
def test_a_familys_history_opens_for_its_coordinator_and_administrators_only(world, client_for, persona):
    response = client_for(getattr(world, persona)).get(reverse("audit:family_history", args=[world.fam_ojo.pk]))
    assert response.status_code == FAMILY_PAGE[persona]


@pytest.mark.parametrize("persona", sorted(ACTIVITY_PAGE))
def test_a_promoters_activity_opens_for_her_organisations_coordinator_and_administrators_only(
        world, client_for, persona):
    response = client_for(getattr(world, persona)).get(reverse("audit:user_activity", args=[world.ana.pk]))
    assert response.status_code == ACTIVITY_PAGE[persona]


def test_the_family_history_page_shows_member_plot_and_record_changes_with_old_and_new_values(world, client_for):
    edit_family_through_the_form(client_for(world.ana), world.fam_ojo, "Familia Gómez Ruiz")
    harvest_id = post_harvest(client_for(world.ana), world.ana, "33").json()["id"]
    html = client_for(world.carla).get(reverse("audit:family_history", args=[world.fam_ojo.pk])).content.decode()
    assert "Familia Gómez Pérez" in html and "Familia Gómez Ruiz" in html
    assert f"#{harvest_id}" in html and "33.00" in html
    assert "La Ladera" in html  # the plot's creation, from the shared world
    assert 'class="table-scroll"' in html
    assert "Familia Ajena" not in html  # another family's rows stay out


def test_a_users_activity_lists_her_changes_and_nobody_elses(world, client_for):
    edit_family_through_the_form(client_for(world.ana), world.fam_ojo, "Familia Gómez Ruiz")
    edit_family_through_the_form(client_for(world.beto), world.fam_vergel, "Familia López Ruiz")
    events = queries.user_activity(world.ana.pk)
    assert events and all(e.user == "ana" for e in events)
    assert {e.title for e in events} == {"Familia Gómez Ruiz"}
    html = client_for(world.carla).get(reverse("audit:user_activity", args=[world.ana.pk])).content.decode()
    assert "Familia Gómez Ruiz" in html and "Familia López Ruiz" not in html


def test_the_family_page_and_the_promoters_page_link_to_the_trail_for_coordinators_only(world, client_for):
    history = reverse("audit:family_history", args=[world.fam_ojo.pk])
    family_page = reverse("registry:family_detail", args=[world.fam_ojo.pk])
    assert history in client_for(world.carla).get(family_page).content.decode()
    assert history not in client_for(world.ana).get(family_page).content.decode()
    promoters = client_for(world.carla).get(reverse("registry:promoter_list")).content.decode()
    assert reverse("audit:user_activity", args=[world.ana.pk]) in promoters


def test_changes_under_a_plot_loaded_without_history_still_reach_the_familys_history(world, client):
    from miaf.web.plots.models import Plot

    # The demo and the import's fast path insert in bulk: the plot itself has no historical row.
    copy = Plot.objects.get(pk=world.plot_ojo.pk)
    copy.pk, copy.name = None, "Cargada en bloque"
    bulk = Plot.objects.bulk_create([copy])[0]
    assert not Plot.history.filter(id=bulk.pk).exists()
    body = {"plot": bulk.pk, "species": "mango", "harvested_on": "2023-05-10", "quantity_kg": "41",
            "destinations": [{"destination": "self", "kg": "41", "price_mxn_per_kg": None}]}
    response = client.post(f"{API}/harvests", data=json.dumps(body), content_type="application/json",
                           **bearer(world.ana))
    assert response.status_code == 201, response.content
    models = {e.model for e in queries.family_history(world.fam_ojo.pk) if e.object_id == response.json()["id"]}
    assert str(Harvest._meta.verbose_name) in models


def test_a_long_history_shows_the_newest_changes_first_and_a_link_to_see_more(world, client_for):
    from miaf.web.audit.history import WEB, acting

    family = Family.objects.get(pk=world.fam_ojo.pk)
    with acting(world.carla, WEB):
        for i in range(queries.PAGE + 5):
            family.notes = f"nota {i}"
            family.save()
    url = reverse("audit:family_history", args=[family.pk])
    first = client_for(world.carla).get(url)
    assert len(first.context["events"]) == queries.PAGE
    assert first.context["events"][0].changes[0].new == f"nota {queries.PAGE + 4}"
    assert f'href="?n={2 * queries.PAGE}"' in first.content.decode()
    everything = client_for(world.carla).get(url, {"n": 2 * queries.PAGE}).context["events"]
    assert queries.PAGE < len(everything) < 2 * queries.PAGE  # the lot fits: no further link
    assert client_for(world.carla).get(url, {"n": "mucho"}).status_code == 200


def test_members_replaced_by_an_imported_family_edit_leave_history_rows_naming_the_import(intake_world, tmp_path):  # noqa: F811
    from tests.intake import exportwriters as ew

    answers = {"household/family_code": "VER-010", "household/family_name": "Familia Vázquez",
               "household/municipality": "07052", "household/locality": ew.LOCALITY,
               "household/group": str(intake_world.group_vergel.pk), "household/joined_on": "2024-02-01",
               "migration/anyone_migrated": "no"}

    def members(name: str) -> dict:
        return {"members": [{"member_name": name, "sex": "F", "birth_year": "1980", "relation": "head",
                             "member_languages": "es", "member_migrated": "no"}], "baseline_plots": []}

    root, edit = "5c0be000-0002-4000-8000-000000000001", "5c0be000-0002-4000-8000-0000000ed172"
    first = ew.Sub(root, answers, members("Rosa Vázquez"), version="2025061001")
    created = import_files_as(intake_world.beto, ew.write_odk_zip(tmp_path / "v1.zip", ew.FAMILY, [first]))
    assert created.imported == 1, created.quarantine
    second = ew.Sub(edit, answers, members("Rosa Vázquez López"), root=root, deprecated=root, version="2025061001")
    updated = import_files_as(intake_world.beto, ew.write_odk_zip(tmp_path / "v2.zip", ew.FAMILY, [second]))
    assert updated.updated == 1, updated.quarantine
    family = Family.objects.get(code="VER-010")
    added = Member.history.filter(family_id=family.pk, history_type="+", name="Rosa Vázquez López").get()
    assert (added.history_user, added.history_change_reason) == (intake_world.beto, "import")
    removed = Member.history.filter(family_id=family.pk, history_type="-").get()
    assert removed.name == "Rosa Vázquez" and removed.history_user == intake_world.beto


def import_files_as(user, path):  # noqa: ANN001, ANN201
    from miaf.web.intake.services import import_files

    return import_files([path], "family", user=user)
