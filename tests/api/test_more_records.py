"""Input purchases (CRUD), attendance of trainings (list, add, remove) and saved plot designs (read-only)
through the API, on the shared world and the ``records`` fixture."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from miaf.web.fieldwork.models import Attendance, TrainingEvent
from miaf.web.records.models import InputPurchase
from miaf.web.registry.models import Member

pytestmark = pytest.mark.django_db


def errors(response) -> dict[str, str]:  # noqa: ANN001
    assert response.status_code == 422, response.content
    return {e["field"]: e["code"] for e in response.json()["detail"]}


def input_body(world, **extra) -> dict:  # noqa: ANN001, ANN003
    body = {"family": world.fam_ojo.pk, "plot": world.plot_ojo.pk, "purchased_on": "2023-03-15",
            "item": "Planta de aguacate Hass", "quantity": "25", "unit": "plantas", "cost_mxn": 1562.5,
            "supplier": "Vivero Comitán", "collective": True}
    return {**body, **extra}


# --- input purchases ---------------------------------------------------------------------------------


def test_a_promoter_records_an_input_purchase_with_money_as_a_decimal_string_stamped_as_from_the_api(api_as, world):
    response = api_as("ana").post("/inputs", input_body(world))
    assert response.status_code == 201, response.content
    data = response.json()
    # 1562.5 sent as a number comes back with its two decimals, as a string: no cent lost to floats.
    assert data["cost_mxn"] == "1562.50" and data["quantity"] == "25.00"
    assert (data["family"], data["plot"], data["collective"], data["origin"]) == (world.fam_ojo.pk, world.plot_ojo.pk, True, "api")
    row = InputPurchase.objects.get(pk=data["id"])
    assert row.created_by == world.ana and row.cost_mxn == Decimal("1562.50")


def test_an_input_purchase_may_name_no_plot(api_as, world):
    response = api_as("carla").post("/inputs", input_body(world, plot=None, collective=False))
    assert response.status_code == 201, response.content
    assert response.json()["plot"] is None and response.json()["collective"] is False


def test_an_input_purchase_refuses_a_plot_of_another_family_and_a_family_out_of_reach(api_as, world):
    assert errors(api_as("carla").post("/inputs", input_body(world, plot=world.plot_vergel.pk))) == {"plot": "other_family"}
    assert errors(api_as("ana").post("/inputs", input_body(world, family=world.fam_vergel.pk, plot=None))) == {"family": "not_found"}
    assert not InputPurchase.objects.exists()


def test_an_input_purchase_refuses_a_future_date_a_negative_cost_and_an_empty_item(api_as, world):
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    assert errors(api_as("ana").post("/inputs", input_body(world, purchased_on=tomorrow))) == {"purchased_on": "future_date"}
    assert errors(api_as("ana").post("/inputs", input_body(world, cost_mxn="-1"))) == {"cost_mxn": "greater_than_equal"}
    assert errors(api_as("ana").post("/inputs", input_body(world, item=""))) == {"item": "string_too_short"}
    assert errors(api_as("ana").post("/inputs", input_body(world, cost_mxn="12.345"))) == {"cost_mxn": "decimal_max_places"}
    assert not InputPurchase.objects.exists()


def test_an_input_purchase_is_replaced_patched_and_deleted(api_as, world, records):
    path = f"/inputs/{records.input_purchase.pk}"
    replaced = api_as("ana").put(path, input_body(world, item="Composta de lombriz", cost_mxn="900"))
    assert replaced.status_code == 200, replaced.content
    assert replaced.json()["item"] == "Composta de lombriz" and replaced.json()["cost_mxn"] == "900.00"
    patched = api_as("ana").patch(path, {"cost_mxn": "875.25", "plot": None})
    assert patched.status_code == 200, patched.content
    assert patched.json()["cost_mxn"] == "875.25" and patched.json()["plot"] is None
    assert patched.json()["item"] == "Composta de lombriz"
    # An update keeps the original provenance (the fixture's row was typed in: origin "manual").
    assert patched.json()["origin"] == "manual"
    assert errors(api_as("ana").patch(path, {"item": None})) == {"item": "null"}
    assert api_as("ana").delete(path).status_code == 204
    assert not InputPurchase.objects.filter(pk=records.input_purchase.pk).exists()


def make_inputs(world) -> None:  # noqa: ANN001
    rows = [  # family, plot, year, collective
        (world.fam_ojo, world.plot_ojo, 2019, True), (world.fam_ojo, None, 2019, False),
        (world.fam_ojo, world.plot_ojo, 2021, False), (world.fam_vergel, world.plot_vergel, 2019, True),
        (world.fam_other, None, 2019, True),
    ]
    for family, plot, year, collective in rows:
        InputPurchase.objects.create(family=family, plot=plot, purchased_on=dt.date(year, 2, 1), item="Semilla de frijol",
                                     quantity=Decimal("5"), unit="kg", cost_mxn=Decimal("250"), collective=collective)


def test_input_purchases_filter_by_family_plot_year_collective_and_text_within_scope(api_as, world):
    make_inputs(world)
    root = api_as("root")
    assert root.get("/inputs").json()["count"] == 5
    assert root.get("/inputs", family=world.fam_ojo.pk).json()["count"] == 3
    assert root.get("/inputs", plot=world.plot_ojo.pk).json()["count"] == 2
    assert root.get("/inputs", year=2019).json()["count"] == 4
    # Collective: fam_ojo 2019, fam_vergel 2019, fam_other 2019 → 3; individual: the other 2.
    assert root.get("/inputs", collective="true").json()["count"] == 3
    assert root.get("/inputs", collective="false").json()["count"] == 2
    assert root.get("/inputs", family=world.fam_ojo.pk, year=2019, collective="true").json()["count"] == 1
    assert root.get("/inputs", q="frijol").json()["count"] == 5
    assert root.get("/inputs", group=world.group_vergel.pk).json()["count"] == 1
    # Carla reaches PROASUS's two families (4 rows), Beto only El Vergel's, even when asking for Ojo de Agua.
    assert api_as("carla").get("/inputs").json()["count"] == 4
    assert api_as("beto").get("/inputs").json()["count"] == 1
    assert api_as("beto").get("/inputs", family=world.fam_ojo.pk).json()["count"] == 0


def test_input_purchases_page_in_date_order_without_overlap(api_as, world):
    make_inputs(world)
    pages = [api_as("root").get("/inputs", limit=2, offset=offset).json() for offset in (0, 2, 4)]
    assert [len(p["items"]) for p in pages] == [2, 2, 1]
    dates = [item["purchased_on"] for p in pages for item in p["items"]]
    assert dates == sorted(dates, reverse=True) and dates[0] == "2021-02-01"
    assert len({item["id"] for p in pages for item in p["items"]}) == 5


# --- attendance of trainings -------------------------------------------------------------------------


def test_attendance_lists_the_families_and_members_who_came(api_as, world, records):
    response = api_as("ana").get(f"/trainings/{records.training.pk}/attendance")
    assert response.status_code == 200, response.content
    head = world.fam_ojo.members.get()
    assert response.json() == {"items": [{"id": records.attendance.pk, "event": records.training.pk,
                                          "family": world.fam_ojo.pk, "member": head.pk}], "count": 1}


def test_adding_a_member_twice_to_the_same_event_is_a_422_on_member(api_as, world, records):
    head = world.fam_ojo.members.get()
    path = f"/trainings/{records.training.pk}/attendance"
    response = api_as("ana").post(path, {"family": world.fam_ojo.pk, "member": head.pk})
    assert errors(response) == {"member": "unique"}
    assert Attendance.objects.filter(event=records.training).count() == 1


def test_a_new_member_and_a_family_without_a_named_member_are_added(api_as, world, records):
    son = Member.objects.create(family=world.fam_ojo, name="Pedro Gómez", sex="M", birth_year=2001, role="child")
    path = f"/trainings/{records.training.pk}/attendance"
    added = api_as("ana").post(path, {"family": world.fam_ojo.pk, "member": son.pk})
    assert added.status_code == 201, added.content
    assert added.json()["member"] == son.pk and added.json()["event"] == records.training.pk
    records.training.groups.add(world.group_vergel)  # only families of the event's groups may attend
    family_only = api_as("carla").post(path, {"family": world.fam_vergel.pk})
    assert family_only.status_code == 201, family_only.content
    assert family_only.json()["member"] is None
    assert api_as("root").get(path).json()["count"] == 3


def test_attendance_refuses_a_member_of_another_family_and_a_family_out_of_reach(api_as, world, records):
    path = f"/trainings/{records.training.pk}/attendance"
    other_head = world.fam_vergel.members.get()
    assert errors(api_as("carla").post(path, {"family": world.fam_ojo.pk, "member": other_head.pk})) == {"member": "not_found"}
    # Ana may add attendance to her group's training, but not a family of El Vergel.
    assert errors(api_as("ana").post(path, {"family": world.fam_vergel.pk})) == {"family": "not_found"}
    assert errors(api_as("ana").post(path, {"family": world.fam_ojo.pk, "extra": 1})) == {"extra": "extra_forbidden"}
    assert Attendance.objects.filter(event=records.training).count() == 1


def test_each_promoter_sees_and_removes_only_the_attendance_of_her_families_at_a_shared_event(api_as, world):
    # A group-less exchange of the producer organisation: both promoters see the event, not each other's families.
    event = TrainingEvent.objects.create(organisation=world.org_coffee, kind="exchange", title="Intercambio de semillas",
                                         held_on=dt.date(2021, 9, 10))
    ojo = Attendance.objects.create(event=event, family=world.fam_ojo)
    vergel = Attendance.objects.create(event=event, family=world.fam_vergel)
    path = f"/trainings/{event.pk}/attendance"
    assert [a["family"] for a in api_as("ana").get(path).json()["items"]] == [world.fam_ojo.pk]
    assert [a["family"] for a in api_as("beto").get(path).json()["items"]] == [world.fam_vergel.pk]
    assert api_as("carla").get(path).json()["count"] == 2
    assert api_as("ana").delete(f"{path}/{vergel.pk}").status_code == 404
    assert api_as("ana").delete(f"{path}/{ojo.pk}").status_code == 204
    assert list(event.attendance.values_list("pk", flat=True)) == [vergel.pk]


def test_an_attendance_row_is_removed_only_through_its_own_event(api_as, world, records):
    other = TrainingEvent.objects.create(organisation=world.org_coffee, group=world.group_ojo, kind="training",
                                         title="Injertos", held_on=dt.date(2021, 2, 1))
    assert api_as("root").delete(f"/trainings/{other.pk}/attendance/{records.attendance.pk}").status_code == 404
    assert Attendance.objects.filter(pk=records.attendance.pk).exists()
    assert api_as("root").delete(f"/trainings/{records.training.pk}/attendance/{records.attendance.pk}").status_code == 204


def test_deleting_a_training_takes_its_attendance_with_it(api_as, world, records):
    assert api_as("carla").delete(f"/trainings/{records.training.pk}").status_code == 204
    assert not Attendance.objects.filter(pk=records.attendance.pk).exists()


# --- saved plot designs ------------------------------------------------------------------------------


def test_designs_saved_by_the_designer_are_listed_newest_first_and_read_with_their_geojson(api_as, world):
    from miaf.web.designer.services import design_for_plot, save_design

    first = save_design(world.plot_ojo, design_for_plot(world.plot_ojo, {"species": ["aguacate"], "aspect_deg": 180}),
                        None, world.carla)
    second = save_design(world.plot_ojo, design_for_plot(world.plot_ojo, {"species": ["mango"], "aspect_deg": 180}),
                         None, world.ana)
    listed = api_as("ana").get(f"/plots/{world.plot_ojo.pk}/designs")
    assert listed.status_code == 200, listed.content
    items = listed.json()
    assert [(d["version"], d["created_by"]) for d in items] == [(2, "ana"), (1, "carla")]
    assert items[1]["summary"]["n_trees"] == first.summary["summary"]["n_trees"] > 0
    assert "geojson" not in items[0] and "parameters" not in items[0]

    detail = api_as("carla").get(f"/plots/{world.plot_ojo.pk}/designs/2")
    assert detail.status_code == 200, detail.content
    data = detail.json()
    assert data["geojson"] == second.geojson and data["geojson"]["type"] == "FeatureCollection"
    kinds = {f["properties"]["kind"] for f in data["geojson"]["features"]}
    assert {"plot", "tree"} <= kinds
    assert data["parameters"]["inputs"]["species"] == ["mango"]
    assert len(data["labour_by_month"]) == 12 and data["bill_of_materials"]
    assert data["summary"] == second.summary["summary"]


def test_a_design_version_that_does_not_exist_is_a_404_and_an_absurd_one_a_422(api_as, world, records):
    assert api_as("carla").get(f"/plots/{world.plot_ojo.pk}/designs/2").status_code == 404
    assert api_as("carla").get(f"/plots/{world.plot_vergel.pk}/designs/1").status_code == 404
    assert errors(api_as("carla").get(f"/plots/{world.plot_ojo.pk}/designs/{2**31}")) == {"version": "less_than_equal"}
    assert api_as("carla").get(f"/plots/{world.plot_vergel.pk}/designs").json() == []


def test_design_warnings_follow_the_chosen_language(api_as, world, records, client):
    path = f"/plots/{world.plot_ojo.pk}/designs/1"
    assert api_as("ana").get(path).json()["warnings"] == [{"code": "few_rows", "message": "Pocas hileras."}]
    client.cookies["django_language"] = "en"
    assert api_as("ana").get(path).json()["warnings"] == [{"code": "few_rows", "message": "Few rows."}]


def test_designs_are_read_only_through_the_api(api_as, world, records):
    base = f"/plots/{world.plot_ojo.pk}/designs"
    assert api_as("root").post(base, {}).status_code == 405
    assert api_as("root").delete(f"{base}/1").status_code == 405
