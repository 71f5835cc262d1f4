"""Create, read, update, delete through the API: nested payloads, GeoJSON, validation, transactions,
pagination and filters on real data."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from miaf.web.plots.models import Plot
from miaf.web.records.models import Harvest, LedgerEntry
from miaf.web.registry.models import Family

pytestmark = pytest.mark.django_db

NEW_POLYGON = {
    "type": "Polygon",
    "coordinates": [[[-91.97, 16.30], [-91.968, 16.30], [-91.968, 16.302], [-91.97, 16.302], [-91.97, 16.30]]],
}
BOWTIE = {
    "type": "Polygon",
    "coordinates": [[[-91.97, 16.30], [-91.968, 16.302], [-91.968, 16.30], [-91.97, 16.302], [-91.97, 16.30]]],
}


def family_body(world, **extra) -> dict:  # noqa: ANN001, ANN003
    body = {
        "code": "OJO-002", "name": "Familia Hernández", "locality": world.locality.pk,
        "group": world.group_ojo.pk, "joined_on": "2019-03-01",
        "members": [
            {"name": "María Hernández", "sex": "F", "birth_year": 1980, "role": "head", "languages": ["tzh", "es"]},
            {"name": "Juan Hernández", "sex": "M", "birth_year": 2005, "role": "child"},
        ],
    }
    return {**body, **extra}


def errors(response) -> dict[str, str]:  # noqa: ANN001
    assert response.status_code == 422, response.content
    return {e["field"]: e["code"] for e in response.json()["detail"]}


def test_promoter_creates_a_family_in_her_group_with_members_stamped_as_from_the_api(api_as, world):
    response = api_as("ana").post("/families", family_body(world))
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["group"] == world.group_ojo.pk
    assert [m["name"] for m in data["members"]] == ["María Hernández", "Juan Hernández"]
    assert data["memberships"][0]["joined_on"] == "2019-03-01" and data["origin"] == "api"
    family = Family.objects.get(code="OJO-002")
    assert family.created_by == world.ana and family.origin == "api"


def test_promoter_cannot_create_a_family_in_a_group_that_is_not_hers(api_as, world):
    response = api_as("ana").post("/families", family_body(world, group=world.group_vergel.pk))
    assert errors(response) == {"group": "not_found"}
    assert not Family.objects.filter(code="OJO-002").exists()


def test_an_invalid_member_leaves_nothing_half_saved(api_as, world):
    body = family_body(world)
    body["members"][1]["birth_year"] = dt.date.today().year + 1
    response = api_as("carla").post("/families", body)
    assert errors(response) == {"members.1.birth_year": "invalid"}
    assert not Family.objects.filter(code="OJO-002").exists()


def test_a_duplicate_family_code_is_a_422_on_code(api_as, world):
    assert errors(api_as("root").post("/families", family_body(world, code="OJO-001"))) == {"code": "unique"}


def test_put_updates_members_by_id_adds_new_ones_and_removes_the_rest(api_as, world):
    head = world.fam_ojo.members.get()
    body = family_body(world, code="OJO-001", members=[
        {"id": head.pk, "name": "Jefa renombrada", "sex": "F", "role": "head"},
        {"name": "Nuevo integrante", "sex": "M", "role": "spouse"},
    ])
    response = api_as("ana").put(f"/families/{world.fam_ojo.pk}", body)
    assert response.status_code == 200, response.content
    names = {m["id"]: m["name"] for m in response.json()["members"]}
    assert names[head.pk] == "Jefa renombrada" and len(names) == 2
    response = api_as("ana").patch(f"/families/{world.fam_ojo.pk}", {"members": [{"id": head.pk, "name": "Sola", "sex": "F", "role": "head"}]})
    assert [m["name"] for m in response.json()["members"]] == ["Sola"]


def test_patch_changes_only_the_fields_sent_and_refuses_null_for_required_text(api_as, world):
    response = api_as("carla").patch(f"/families/{world.fam_ojo.pk}", {"notes": "Buena cosecha de café"})
    assert response.status_code == 200
    assert response.json()["notes"] == "Buena cosecha de café" and response.json()["name"] == "Familia Gómez Pérez"
    assert errors(api_as("carla").patch(f"/families/{world.fam_ojo.pk}", {"notes": None})) == {"notes": "null"}


def test_moving_a_family_to_another_group_closes_the_open_membership(api_as, world):
    response = api_as("carla").patch(f"/families/{world.fam_ojo.pk}", {"group": world.group_vergel.pk, "joined_on": "2020-01-15"})
    assert response.status_code == 200, response.content
    memberships = sorted(response.json()["memberships"], key=lambda m: m["joined_on"])
    assert [(m["group"], m["left_on"]) for m in memberships] == [(world.group_ojo.pk, "2020-01-15"), (world.group_vergel.pk, None)]
    # Ana no longer reaches the family; Beto now does.
    assert api_as("ana").get(f"/families/{world.fam_ojo.pk}").status_code == 404
    assert api_as("beto").get(f"/families/{world.fam_ojo.pk}").status_code == 200


def test_deleting_a_family_answers_204(api_as, world):
    assert api_as("root").delete(f"/families/{world.fam_other.pk}").status_code == 204
    assert not Family.objects.filter(pk=world.fam_other.pk).exists()


# --- plots and GeoJSON -----------------------------------------------------------------------------


def test_a_plot_is_created_from_geojson_with_its_geodesic_area_and_first_phase(api_as, world):
    body = {"family": world.fam_ojo.pk, "name": "El Bajío", "boundary": NEW_POLYGON, "since": "2010-01-01"}
    response = api_as("ana").post("/plots", body)
    assert response.status_code == 201, response.content
    data = response.json()
    # 0.002° lon × 0.002° lat at 16.30° N ≈ 213.6 m × 221.3 m ≈ 4.73 ha on the WGS84 ellipsoid.
    assert data["area_ha"] == pytest.approx(4.73, rel=0.01)
    assert data["boundary"]["type"] == "Polygon" and data["system"] == "traditional"
    phases = api_as("ana").get(f"/plots/{data['id']}/phases").json()
    assert [(p["system"], p["started_on"], p["ended_on"]) for p in phases] == [("traditional", "2010-01-01", None)]


@pytest.mark.parametrize(
    ("boundary", "code"),
    [
        (BOWTIE, "self_intersects"),
        ({"type": "Polygon", "coordinates": [NEW_POLYGON["coordinates"][0][:-1]]}, "not_closed"),
        ({"type": "Point", "coordinates": [-91.97, 16.3]}, "not_polygon"),
        ({"type": "Polygon", "coordinates": [[[2.35, 48.85], [2.36, 48.85], [2.36, 48.86], [2.35, 48.85]]]}, "outside_mexico"),
        ({"type": "Polygon", "coordinates": [[{"x": 1}, {"y": 2}, {"z": 3}]]}, "bad_coordinates"),
    ],
)
def test_a_bad_boundary_is_a_422_on_boundary_with_the_geometry_message_and_code(api_as, world, boundary, code):
    body = {"family": world.fam_ojo.pk, "name": "Mala", "boundary": boundary}
    response = api_as("carla").post("/plots", body)
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["field"] == "boundary" and error["code"] == code and error["message"]
    assert not Plot.objects.filter(name="Mala").exists()


def test_the_geometry_message_follows_the_chosen_language(api_as, world, client):
    # Spanish by default; the language cookie of the switch (or Accept-Language, see test_validation_language.py)
    # chooses English.
    body = {"family": world.fam_ojo.pk, "name": "Mala", "boundary": BOWTIE}
    assert api_as("carla").post("/plots", body).json()["detail"][0]["message"].startswith("El polígono se cruza")
    client.cookies["django_language"] = "en"
    assert api_as("carla").post("/plots", body).json()["detail"][0]["message"].startswith("The polygon crosses itself")


def test_plots_as_geojson_are_a_feature_collection_of_the_users_plots(api_as, world):
    response = api_as("carla").get("/plots", format="geojson")
    assert response.status_code == 200
    data = response.json()
    assert data["type"] == "FeatureCollection" and data["count"] == 2
    feature = {f["id"]: f for f in data["features"]}[world.plot_ojo.pk]
    assert feature["geometry"] == world.plot_ojo.boundary
    assert feature["properties"]["system"] == "miaf_d" and feature["properties"]["family"] == world.fam_ojo.pk


def test_converting_a_plot_adds_a_phase_and_keeps_the_history(api_as, world):
    response = api_as("beto").post(f"/plots/{world.plot_vergel.pk}/phases", {"system": "miaf_d", "on": "2021-04-01"})
    assert response.status_code == 201, response.content
    plot = api_as("beto").get(f"/plots/{world.plot_vergel.pk}").json()
    assert plot["system"] == "miaf_d" and plot["established_on"] == "2021-04-01"
    again = api_as("beto").post(f"/plots/{world.plot_vergel.pk}/phases", {"system": "miaf_d", "on": "2022-01-01"})
    assert errors(again) == {"system": "invalid"}


def test_a_plot_update_revalidates_the_boundary(api_as, world):
    response = api_as("ana").patch(f"/plots/{world.plot_ojo.pk}", {"boundary": BOWTIE})
    assert errors(response) == {"boundary": "self_intersects"}
    response = api_as("ana").patch(f"/plots/{world.plot_ojo.pk}", {"boundary": NEW_POLYGON})
    assert response.json()["area_ha"] == pytest.approx(4.73, rel=0.01)


# --- harvests with destinations --------------------------------------------------------------------


def harvest_body(world, kg: str, splits: list[tuple[str, str, str | None]]) -> dict:  # noqa: ANN001
    return {
        "plot": world.plot_ojo.pk, "species": "mango", "harvested_on": "2023-05-10", "quantity_kg": kg,
        "destinations": [{"destination": d, "kg": k, "price_mxn_per_kg": p} for d, k, p in splits],
    }


def test_a_harvest_is_saved_with_its_destinations(api_as, world):
    body = harvest_body(world, "120", [("self", "20", None), ("organisation", "100", "14.50")])
    response = api_as("ana").post("/harvests", body)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["quantity_kg"] == "120.00" and data["species"] == "mango"
    assert sorted(d["kg"] for d in data["destinations"]) == ["100.00", "20.00"]


def test_destinations_adding_up_to_more_than_the_harvest_are_refused_and_nothing_is_saved(api_as, world):
    # 80 + 50 = 130 kg > 100 kg harvested.
    body = harvest_body(world, "100", [("self", "80", None), ("local_market", "50", "12")])
    response = api_as("ana").post("/harvests", body)
    assert errors(response) == {"destinations": "split_exceeds_harvest"}
    assert "130" in response.json()["detail"][0]["message"]
    assert not Harvest.objects.exists()


def test_a_sale_without_price_names_the_destination_item(api_as, world):
    body = harvest_body(world, "100", [("self", "10", None), ("intermediary", "20", None)])
    assert errors(api_as("ana").post("/harvests", body)) == {"destinations.1.price_mxn_per_kg": "invalid"}


def test_lowering_a_harvest_below_its_destinations_is_refused(api_as, world, records):
    # Stored destinations: 30 + 50 = 80 kg.
    response = api_as("carla").patch(f"/harvests/{records.harvest.pk}", {"quantity_kg": "60"})
    assert errors(response) == {"destinations": "split_exceeds_harvest"}


def test_a_labour_record_refuses_a_plot_of_another_family(api_as, world):
    body = {"family": world.fam_vergel.pk, "plot": world.plot_ojo.pk, "year": 2020, "month": 3,
            "activity": "weeding", "kind": "family", "person_days": "2"}
    assert errors(api_as("carla").post("/labour", body)) == {"plot": "other_family"}


def test_ledger_refuses_income_category_on_an_expense(api_as, world):
    body = {"family": world.fam_ojo.pk, "year": 2020, "month": 3, "kind": "expense", "category": "remittances",
            "amount_mxn": "1500"}
    assert errors(api_as("ana").post("/ledger", body)) == {"category": "invalid"}


def test_a_promoters_visit_records_her_as_the_promoter_with_measurements(api_as, world):
    body = {"family": world.fam_ojo.pk, "plot": world.plot_ojo.pk, "visited_on": "2023-02-01", "step": 11,
            "measurements": [{"species": "aguacate", "diameter_cm": 6.5, "height_m": 2.1}]}
    response = api_as("ana").post("/visits", body)
    assert response.status_code == 201, response.content
    assert response.json()["promoter"] == "ana" and response.json()["measurements"][0]["species"] == "aguacate"
    body["measurements"][0]["species"] = "baobab"
    assert errors(api_as("ana").post("/visits", body)) == {"measurements.0.species": "not_found"}


# --- pagination and filters ------------------------------------------------------------------------


def make_ledger(world, n: int) -> None:  # noqa: ANN001
    for i in range(n):
        LedgerEntry.objects.create(family=world.fam_ojo if i % 2 == 0 else world.fam_vergel, year=2015 + i % 3,
                                   month=1 + i, kind="expense", category="food", amount_mxn=Decimal(100 + i))


def test_limit_and_offset_page_through_all_rows_once(api_as, world):
    make_ledger(world, 7)
    pages = [api_as("root").get("/ledger", limit=3, offset=offset).json() for offset in (0, 3, 6)]
    assert [p["count"] for p in pages] == [7, 7, 7]
    ids = [item["id"] for p in pages for item in p["items"]]
    assert [len(p["items"]) for p in pages] == [3, 3, 1]
    assert sorted(ids) == sorted(LedgerEntry.objects.values_list("pk", flat=True))


def test_a_page_larger_than_500_is_refused(api_as, world):
    response = api_as("root").get("/ledger", limit=501)
    assert errors(response) == {"limit": "less_than_equal"}


def test_filters_by_family_year_and_group(api_as, world):
    make_ledger(world, 7)
    # i = 0..6: fam_ojo gets i = 0, 2, 4, 6; years 2015 + i % 3 → 2015, 2017, 2016, 2015.
    assert api_as("root").get("/ledger", family=world.fam_ojo.pk).json()["count"] == 4
    assert api_as("root").get("/ledger", family=world.fam_ojo.pk, year=2015).json()["count"] == 2
    assert api_as("root").get("/ledger", group=world.group_vergel.pk).json()["count"] == 3
    # Beto only reaches El Vergel's family even when asking for Ojo de Agua's.
    assert api_as("beto").get("/ledger", family=world.fam_ojo.pk).json()["count"] == 0


def test_families_and_plots_filter_by_system_municipality_organisation_and_text(api_as, world):
    root = api_as("root")
    assert [f["code"] for f in root.get("/families", system="miaf_d").json()["items"]] == ["OJO-001"]
    assert root.get("/families", municipality=world.municipality.pk).json()["count"] == 3
    assert root.get("/families", organisation=world.proasus.pk).json()["count"] == 2
    assert [f["code"] for f in root.get("/families", q="lópez").json()["items"]] == ["VER-001"]
    assert root.get("/plots", system="traditional").json()["count"] == 2
    assert root.get("/plots", organisation=world.other_osc.pk, format="geojson").json()["count"] == 1
    assert [g["name"] for g in root.get("/groups", organisation=world.proasus.pk).json()["items"]] == ["El Vergel", "Ojo de Agua"]


def test_catalogue_lists_species_and_finds_one_by_code(api_as, world):
    species = api_as("diego").get("/species", q="aguacate").json()
    assert [s["code"] for s in species["items"]] == ["aguacate"]
    assert api_as("diego").get("/species/no-existe").status_code == 404


def test_organisations_and_groups_are_written_by_coordinators_within_their_osc(api_as, world):
    carla = api_as("carla")
    org = carla.post("/organisations", {"name": "Mieleros del Sur", "kind": "producer", "accompanied_by": world.proasus.pk})
    assert org.status_code == 201, org.content
    group = carla.post("/groups", {"name": "Nuevo grupo", "locality": world.locality.pk, "producer_organisation": org.json()["id"]})
    assert group.status_code == 201, group.content
    other = carla.post("/organisations", {"name": "Ajena", "kind": "producer", "accompanied_by": world.other_osc.pk})
    assert errors(other) == {"accompanied_by": "not_found"}
    # The producer organisation has a group: deleting it is a conflict, not a server error.
    assert api_as("root").delete(f"/organisations/{world.org_coffee.pk}").status_code == 409
