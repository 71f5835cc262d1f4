"""The role rules of the pages, through the API: every endpoint × every persona.

* administrator (root): everything;
* coordinator (carla, PROASUS): everything within her accompanying organisation; olga (another OSC)
  sees none of PROASUS's rows (404);
* promoters (ana: Ojo de Agua, beto: El Vergel): only their groups; another group's family, plot or
  record is a 404 (not a 403 that would confirm it exists);
* analyst (diego): catalogue, organisations, groups and /stats only; families, plots and records are 403.

The rows asked for belong to Ojo de Agua's family (fam_ojo, plot_ojo and the ``records`` fixture: records,
input purchase, the training of Ojo de Agua with its attendance, plot_ojo's design version 1).
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

PERSONAS = ("root", "carla", "ana", "beto", "diego", "olga")
EVERYONE = dict.fromkeys(PERSONAS, 200)
PERSONAL_LIST = {**EVERYONE, "diego": 403}
OJO_ROW = {"root": 200, "carla": 200, "ana": 200, "beto": 404, "diego": 403, "olga": 404}

PERSONAL = ("families", "plots", "plantings", "harvests", "inputs", "labour", "ledger", "visits", "trainings")
PATCHES = {
    "families": {"notes": "visita de junio"}, "plots": {"name": "La Ladera Alta"}, "plantings": {"notes": "riego"},
    "harvests": {"notes": "buena"}, "inputs": {"supplier": "Vivero Comitán"}, "labour": {"person_days": "4"}, "ledger": {"notes": "venta en Comitán"},
    "visits": {"agreements": "podar en julio"}, "trainings": {"topic": "poda"},
}


def row_id(name: str, world, records) -> int:  # noqa: ANN001
    return {
        "families": world.fam_ojo.pk, "plots": world.plot_ojo.pk, "plantings": records.planting.pk,
        "harvests": records.harvest.pk, "inputs": records.input_purchase.pk, "labour": records.labour.pk, "ledger": records.ledger.pk,
        "visits": records.visit.pk, "trainings": records.training.pk,
    }[name]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("path", ["/stats", "/species", "/species/mango", "/municipalities", "/localities",
                                  "/organisations", "/groups"])
def test_catalogue_places_organisations_groups_and_stats_are_open_to_every_role(api_as, world, persona, path):
    assert api_as(persona).get(path).status_code == 200


@pytest.mark.parametrize("persona", PERSONAS)
def test_single_municipality_and_locality_are_open_to_every_role(api_as, world, persona):
    assert api_as(persona).get(f"/municipalities/{world.municipality.pk}").status_code == 200
    assert api_as(persona).get(f"/localities/{world.locality.pk}").status_code == 200


@pytest.mark.parametrize(("persona", "expected"), {**OJO_ROW, "diego": 200}.items())
def test_a_group_is_visible_within_scope_only(api_as, world, persona, expected):
    assert api_as(persona).get(f"/groups/{world.group_ojo.pk}").status_code == expected


@pytest.mark.parametrize(("persona", "expected"), {**EVERYONE, "olga": 404}.items())
def test_a_producer_organisation_is_visible_within_scope_only(api_as, world, persona, expected):
    assert api_as(persona).get(f"/organisations/{world.org_coffee.pk}").status_code == expected


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("resource", PERSONAL)
def test_personal_lists_are_forbidden_to_the_analyst_only(api_as, world, records, resource, persona):
    response = api_as(persona).get(f"/{resource}")
    assert response.status_code == PERSONAL_LIST[persona]
    if response.status_code == 403:
        assert response.json()["detail"]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("resource", PERSONAL)
def test_personal_rows_are_404_outside_scope_and_403_for_the_analyst(api_as, world, records, resource, persona):
    response = api_as(persona).get(f"/{resource}/{row_id(resource, world, records)}")
    assert response.status_code == OJO_ROW[persona], response.content


@pytest.mark.parametrize(("persona", "expected"), OJO_ROW.items())
def test_plot_history_follows_the_plot_scope(api_as, world, persona, expected):
    assert api_as(persona).get(f"/plots/{world.plot_ojo.pk}/phases").status_code == expected


@pytest.mark.parametrize(("persona", "expected"), OJO_ROW.items())
def test_plot_designs_follow_the_plot_scope(api_as, world, records, persona, expected):
    assert api_as(persona).get(f"/plots/{world.plot_ojo.pk}/designs").status_code == expected
    assert api_as(persona).get(f"/plots/{world.plot_ojo.pk}/designs/1").status_code == expected


@pytest.mark.parametrize(("persona", "expected"), OJO_ROW.items())
def test_training_attendance_follows_the_training_scope(api_as, world, records, persona, expected):
    assert api_as(persona).get(f"/trainings/{records.training.pk}/attendance").status_code == expected


@pytest.mark.parametrize(("persona", "expected"), {**OJO_ROW, "root": 201, "carla": 201, "ana": 201}.items())
def test_adding_attendance_follows_the_training_scope(api_as, world, records, persona, expected):
    body = {"family": world.fam_ojo.pk}
    response = api_as(persona).post(f"/trainings/{records.training.pk}/attendance", body)
    assert response.status_code == expected, response.content


@pytest.mark.parametrize(("persona", "expected"), {**OJO_ROW, "root": 204, "carla": 204, "ana": 204}.items())
def test_removing_attendance_follows_the_training_scope(api_as, world, records, persona, expected):
    response = api_as(persona).delete(f"/trainings/{records.training.pk}/attendance/{records.attendance.pk}")
    assert response.status_code == expected, response.content


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("resource", PERSONAL)
def test_updates_follow_the_same_scope(api_as, world, records, resource, persona):
    response = api_as(persona).patch(f"/{resource}/{row_id(resource, world, records)}", PATCHES[resource])
    assert response.status_code == OJO_ROW[persona], response.content


@pytest.mark.parametrize(("persona", "expected"), {**OJO_ROW, "root": 204, "carla": 204, "ana": 204}.items())
@pytest.mark.parametrize("resource", PERSONAL)
def test_deletes_follow_the_same_scope(api_as, world, records, resource, persona, expected):
    response = api_as(persona).delete(f"/{resource}/{row_id(resource, world, records)}")
    assert response.status_code == expected, response.content


@pytest.mark.parametrize("resource", PERSONAL)
def test_the_analyst_cannot_create_personal_records(api_as, world, resource):
    assert api_as("diego").post(f"/{resource}", {}).status_code in (403, 422)
    # With a well-formed body the answer is the role's refusal, not a validation error.
    body = {"families": {"code": "X", "name": "X", "locality": world.locality.pk, "group": world.group_ojo.pk, "joined_on": "2020-01-01"}}
    if resource in body:
        assert api_as("diego").post(f"/{resource}", body[resource]).status_code == 403


@pytest.mark.parametrize(("persona", "expected"), {"root": 200, "carla": 200, "ana": 403, "beto": 403, "diego": 403, "olga": 404}.items())
def test_organisations_and_groups_are_changed_by_administrators_and_their_coordinators(api_as, world, persona, expected):
    assert api_as(persona).patch(f"/organisations/{world.org_coffee.pk}", {"short_name": "CAFE"}).status_code == expected
    group_expected = {"beto": 404}.get(persona, expected)
    assert api_as(persona).patch(f"/groups/{world.group_ojo.pk}", {"formed_on": "2010-02-01"}).status_code == group_expected


@pytest.mark.parametrize(("persona", "expected"), {"root": 201, "carla": 201, "ana": 403, "beto": 403, "diego": 403, "olga": 422}.items())
def test_only_coordinators_and_administrators_create_groups(api_as, world, persona, expected):
    body = {"name": f"Grupo de {persona}", "locality": world.locality.pk, "producer_organisation": world.org_coffee.pk}
    assert api_as(persona).post("/groups", body).status_code == expected


@pytest.mark.parametrize(("persona", "create", "change"), [
    ("root", 201, 200), ("carla", 201, 200), ("ana", 201, 403), ("beto", 201, 403), ("diego", 403, 403), ("olga", 201, 200),
])
def test_localities_are_added_by_field_staff_and_changed_by_coordinators(api_as, world, persona, create, change):
    body = {"name": "San Caralampio", "municipality": world.municipality.pk}
    assert api_as(persona).post("/localities", body).status_code == create
    assert api_as(persona).patch(f"/localities/{world.locality.pk}", {"altitude_m": 1500}).status_code == change


def test_the_catalogue_has_no_write_operations(api_as, world):
    assert api_as("root").post("/species", {}).status_code == 405
    assert api_as("root").delete(f"/municipalities/{world.municipality.pk}").status_code == 405


def test_stats_are_scoped_and_carry_no_names_or_coordinates(api_as, world, records):
    stats = {name: api_as(name).get("/stats").json() for name in PERSONAS}
    # the analyst's 2 families are under k = 5 (issue 14): hidden for diego, shown to carla (same scope)
    assert {name: s["families"] for name, s in stats.items()} == {
        "root": 3, "carla": 2, "ana": 1, "beto": 1, "diego": None, "olga": 1,
    }
    carla, diego = stats["carla"], stats["diego"]
    # PROASUS: plot_ojo 1.064 ha (MIAF-D) + plot_vergel 1.60 ha (traditional).
    assert carla["by_system"]["miaf_d"]["plots"] == 1 and carla["by_system"]["traditional"]["plots"] == 1
    assert carla["by_municipality"] == [{"municipality": world.municipality.pk, "name": "Las Margaritas",
                                         "families": 2, "plots": 2, "area_ha": pytest.approx(carla["area_ha"]),
                                         "suppressed": ""}]
    assert diego["by_system"]["miaf_d"] == {"plots": None, "area_ha": None, "suppressed": "small_cell"}
    assert diego["by_municipality"][0]["families"] is None and diego["area_ha"] is None
    assert diego["disclosure"] == {"applied": True, "k": 5, "rows_suppressed": 3}
    text = str(diego)
    for secret in ("Gómez", "López", "Jefa", "OJO-001", "16.31", "-91.98", "La Ladera"):
        assert secret not in text
