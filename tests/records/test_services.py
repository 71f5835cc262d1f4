"""The records use cases, one function per write: rules, scope and nothing half-saved."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from miaf.web.core.models import Origin
from miaf.web.records import services
from miaf.web.records.models import (
    Harvest,
    HarvestDestination,
    InputPurchase,
    LabourLog,
    LedgerEntry,
    Planting,
)

pytestmark = pytest.mark.django_db

TOMORROW = timezone.localdate() + dt.timedelta(days=1)


def harvest_data(world, mango, **over):  # noqa: ANN001, ANN201
    return {"plot": world.plot_ojo, "species": mango, "harvested_on": dt.date(2024, 3, 1),
            "quantity_kg": Decimal("80"), **over}


def test_a_promoter_records_a_harvest_with_its_destinations_for_her_group(world, mango):
    h = services.save_harvest(world.ana, harvest_data(world, mango), [
        {"destination": "self", "kg": Decimal("20")},
        {"destination": "intermediary", "kg": Decimal("60"), "price_mxn_per_kg": Decimal("9"), "buyer": "Don Chepe"},
    ])
    assert h.created_by == world.ana and h.origin == Origin.MANUAL
    rows = list(h.destinations.order_by("kg").values_list("destination", "kg", "price_mxn_per_kg", "buyer"))
    assert rows == [("self", Decimal("20"), None, ""), ("intermediary", Decimal("60"), Decimal("9"), "Don Chepe")]


def test_a_harvest_dated_in_the_future_is_refused_and_nothing_is_saved(world, mango):
    with pytest.raises(ValidationError) as exc:
        services.save_harvest(world.ana, harvest_data(world, mango, harvested_on=TOMORROW),
                              [{"destination": "self", "kg": Decimal("1")}])
    assert "harvested_on" in exc.value.message_dict
    assert "futuro" in exc.value.message_dict["harvested_on"][0]
    assert not Harvest.objects.exists() and not HarvestDestination.objects.exists()


def test_destinations_adding_up_to_more_than_the_harvest_are_refused(world, mango):
    with pytest.raises(ValidationError) as exc:
        services.save_harvest(world.ana, harvest_data(world, mango), [
            {"destination": "self", "kg": Decimal("50")},
            {"destination": "local_market", "kg": Decimal("40"), "price_mxn_per_kg": Decimal("10")},
        ])
    # 50 + 40 = 90 kg > 80 kg harvested
    assert exc.value.error_dict["destinations"][0].code == "split_exceeds_harvest"
    assert "90" in exc.value.message_dict["destinations"][0]
    assert not Harvest.objects.exists()


def test_a_sale_without_price_is_refused_naming_the_destination_row(world, mango):
    with pytest.raises(ValidationError) as exc:
        services.save_harvest(world.ana, harvest_data(world, mango), [
            {"destination": "self", "kg": Decimal("10")}, {"destination": "organisation", "kg": Decimal("10")}])
    assert list(exc.value.message_dict) == ["destinations.1.price_mxn_per_kg"]
    assert not Harvest.objects.exists()


def test_a_promoter_cannot_record_a_harvest_on_another_groups_plot(world, mango):
    with pytest.raises(PermissionDenied, match="no pertenece a ningún grupo asignado"):
        services.save_harvest(world.ana, harvest_data(world, mango, plot=world.plot_vergel), [])
    assert not Harvest.objects.exists()


def test_a_promoter_cannot_move_another_groups_harvest_into_her_plot(world, mango, harvest_ojo):
    with pytest.raises(PermissionDenied):
        services.save_harvest(world.beto, {"plot": world.plot_vergel}, None, instance=harvest_ojo)
    harvest_ojo.refresh_from_db()
    assert harvest_ojo.plot_id == world.plot_ojo.pk


def test_an_analyst_records_nothing(world, mango):
    with pytest.raises(PermissionDenied):
        services.save_harvest(world.diego, harvest_data(world, mango), [])
    with pytest.raises(PermissionDenied):
        services.save_ledger_month(world.diego, world.fam_ojo, 2024, 1, [])


def test_editing_a_harvest_replaces_its_destinations_and_none_keeps_them(world, mango, harvest_ojo):
    services.save_harvest(world.ana, {"notes": "revisada"}, None, instance=harvest_ojo)
    assert harvest_ojo.destinations.count() == 2
    services.save_harvest(world.ana, {}, [{"destination": "self", "kg": Decimal("100")}], instance=harvest_ojo)
    assert list(harvest_ojo.destinations.values_list("destination", "kg")) == [("self", Decimal("100"))]


def test_lowering_a_harvest_below_its_stored_destinations_is_refused(world, mango, harvest_ojo):
    # stored destinations: 30 + 50 = 80 kg; the harvest may not drop to 70 kg
    with pytest.raises(ValidationError) as exc:
        services.save_harvest(world.ana, {"quantity_kg": Decimal("70")}, None, instance=harvest_ojo)
    assert "destinations" in exc.value.message_dict
    harvest_ojo.refresh_from_db()
    assert harvest_ojo.quantity_kg == Decimal("100")


def test_the_row_builder_writes_the_same_columns_as_the_service(world, mango, harvest_ojo):
    rows = services.harvest_destination_rows(harvest_ojo.pk, [
        {"destination": "self", "kg": Decimal("30"), "buyer": None},
        {"destination": "local_market", "kg": Decimal("50"), "price_mxn_per_kg": Decimal("12.50"), "buyer": "Tianguis"},
    ])
    stored = list(harvest_ojo.destinations.order_by("kg").values(
        "harvest_id", "destination", "kg", "price_mxn_per_kg", "buyer", "paid_on", "transport_mxn_per_kg",
        "quality_discount_pct"))
    assert rows == stored


# ----------------------------------------------------------------------------- the ledger


def test_an_expense_category_on_an_income_line_is_refused(world):
    with pytest.raises(ValidationError) as exc:
        services.save_ledger_entry(world.ana, {"family": world.fam_ojo, "year": 2024, "month": 2, "kind": "income",
                                               "category": "food", "amount_mxn": Decimal("100")})
    assert "category" in exc.value.message_dict
    assert not LedgerEntry.objects.exists()


def test_a_month_in_the_future_is_refused(world):
    nxt = timezone.localdate().replace(day=1) + dt.timedelta(days=32)
    with pytest.raises(ValidationError) as exc:
        services.save_ledger_month(world.ana, world.fam_ojo, nxt.year, nxt.month,
                                   [{"kind": "expense", "category": "food", "amount_mxn": Decimal("50")}])
    assert "entries.0.month" in exc.value.message_dict


def test_a_month_is_recorded_at_once_adding_changing_and_deleting_lines(world):
    first = services.save_ledger_month(world.ana, world.fam_ojo, 2024, 3, [
        {"kind": "income", "category": "wages", "amount_mxn": Decimal("1200")},
        {"kind": "expense", "category": "food", "amount_mxn": Decimal("800")},
    ])
    wages, _food = first
    services.save_ledger_month(world.ana, world.fam_ojo, 2024, 3, [
        {"id": wages.pk, "kind": "income", "category": "wages", "amount_mxn": Decimal("1500")},
        {"kind": "expense", "category": "health", "amount_mxn": Decimal("300")},
    ])
    lines = set(LedgerEntry.objects.filter(family=world.fam_ojo, year=2024, month=3)
                .values_list("pk", "category", "amount_mxn"))
    assert (wages.pk, "wages", Decimal("1500")) in lines
    assert {c for _, c, _ in lines} == {"wages", "health"}  # food was not listed: deleted


def test_a_refused_line_leaves_the_whole_month_as_it_was(world):
    services.save_ledger_month(world.ana, world.fam_ojo, 2024, 4, [
        {"kind": "expense", "category": "food", "amount_mxn": Decimal("500")}])
    with pytest.raises(ValidationError) as exc:
        services.save_ledger_month(world.ana, world.fam_ojo, 2024, 4, [
            {"kind": "income", "category": "remittances", "amount_mxn": Decimal("900")},
            {"kind": "expense", "category": "wages", "amount_mxn": Decimal("100")},
        ])
    assert "entries.1.category" in exc.value.message_dict
    assert list(LedgerEntry.objects.filter(family=world.fam_ojo, year=2024, month=4)
                .values_list("category", "amount_mxn")) == [("food", Decimal("500"))]


def test_a_line_of_another_family_cannot_be_changed_through_this_month(world):
    other = services.save_ledger_entry(None, {"family": world.fam_vergel, "year": 2024, "month": 4, "kind": "income",
                                              "category": "wages", "amount_mxn": Decimal("10")})
    with pytest.raises(ValidationError) as exc:
        services.save_ledger_month(world.ana, world.fam_ojo, 2024, 4, [
            {"id": other.pk, "kind": "income", "category": "wages", "amount_mxn": Decimal("99")}])
    assert "entries.0" in exc.value.message_dict
    other.refresh_from_db()
    assert other.amount_mxn == Decimal("10") and other.family_id == world.fam_vergel.pk


def test_a_promoter_cannot_record_the_month_of_another_groups_family(world):
    with pytest.raises(PermissionDenied):
        services.save_ledger_month(world.ana, world.fam_vergel, 2024, 1, [
            {"kind": "income", "category": "wages", "amount_mxn": Decimal("1")}])
    assert not LedgerEntry.objects.exists()


# ----------------------------------------------------------------------------- labour, purchases, plantings


def labour(world, **over):  # noqa: ANN001, ANN201
    return {"family": world.fam_ojo, "year": 2024, "month": 2, "activity": "weeding", "kind": "family",
            "person_days": Decimal("4"), **over}


def test_family_labour_is_recorded_by_member(world):
    head = world.fam_ojo.members.get()
    log = services.save_labour(world.ana, labour(world, member=head, plot=world.plot_ojo))
    assert LabourLog.objects.get(pk=log.pk).member == head


def test_labour_on_a_plot_of_another_family_is_refused(world):
    with pytest.raises(ValidationError) as exc:
        services.save_labour(world.carla, labour(world, plot=world.plot_vergel))
    assert exc.value.error_dict["plot"][0].code == "other_family"
    assert not LabourLog.objects.exists()


def test_labour_by_a_member_of_another_family_or_hired_labour_by_a_member_is_refused(world):
    with pytest.raises(ValidationError) as exc:
        services.save_labour(world.carla, labour(world, member=world.fam_vergel.members.get()))
    assert exc.value.error_dict["member"][0].code == "other_family"
    with pytest.raises(ValidationError) as exc:
        services.save_labour(world.carla, labour(world, kind="hired", member=world.fam_ojo.members.get(),
                                                 wage_mxn_per_day=Decimal("200")))
    assert exc.value.error_dict["member"][0].code == "hired_member"
    assert not LabourLog.objects.exists()


def test_labour_in_a_future_month_is_refused(world):
    nxt = timezone.localdate().replace(day=1) + dt.timedelta(days=32)
    with pytest.raises(ValidationError) as exc:
        services.save_labour(world.ana, labour(world, year=nxt.year, month=nxt.month))
    assert "month" in exc.value.message_dict


def test_a_collective_input_purchase_is_recorded_and_a_foreign_plot_refused(world):
    data = {"family": world.fam_ojo, "purchased_on": dt.date(2024, 2, 2), "item": "Plántulas de durazno",
            "quantity": Decimal("50"), "unit": "plantas", "cost_mxn": Decimal("1500"), "collective": True}
    purchase = services.save_input_purchase(world.ana, data)
    assert InputPurchase.objects.get(pk=purchase.pk).collective is True
    with pytest.raises(ValidationError) as exc:
        services.save_input_purchase(world.ana, {**data, "plot": world.plot_vergel})
    assert "plot" in exc.value.message_dict
    assert InputPurchase.objects.count() == 1


def purchase_rows(world):  # noqa: ANN001, ANN201
    return [{"family": world.fam_ojo, "plot": world.plot_ojo, "purchased_on": dt.date(2012, 5, 15),
             "item": "Plantas de durazno", "quantity": Decimal("66"), "unit": "plants", "cost_mxn": Decimal("990")},
            {"family_id": world.fam_ojo.pk, "purchased_on": dt.date(2012, 5, 15), "item": "Abono orgánico",
             "quantity": Decimal("60"), "unit": "cepas", "cost_mxn": Decimal("120.50")}]


def test_a_batch_of_purchases_is_written_at_once_with_its_history_and_the_same_rules(world):
    saved = services.save_input_purchases(world.ana, purchase_rows(world))
    assert [p.cost_mxn for p in InputPurchase.objects.order_by("cost_mxn")] == [Decimal("120.50"), Decimal("990")]
    assert {p.created_by for p in InputPurchase.objects.all()} == {world.ana}
    assert len(saved) == 2 and InputPurchase.history.filter(history_type="+").count() == 2


def test_a_batch_with_one_bad_row_saves_nothing_and_names_the_row(world):
    rows = purchase_rows(world)
    rows[1] = {**rows[1], "purchased_on": TOMORROW, "cost_mxn": Decimal("-1")}
    rows.append({**rows[0], "plot": world.plot_vergel})
    with pytest.raises(ValidationError) as exc:
        services.save_input_purchases(world.ana, rows)
    assert {"rows.1.purchased_on", "rows.1.cost_mxn", "rows.2.plot"} <= set(exc.value.message_dict)
    assert not InputPurchase.objects.exists()


def test_a_batch_for_a_family_out_of_reach_or_by_an_analyst_is_refused(world):
    with pytest.raises(PermissionDenied):
        services.save_input_purchases(world.beto, purchase_rows(world))
    with pytest.raises(PermissionDenied):
        services.save_input_purchases(world.diego, purchase_rows(world))
    assert not InputPurchase.objects.exists()


def test_a_planting_in_the_future_is_refused(world, mango):
    with pytest.raises(ValidationError) as exc:
        services.save_planting(world.ana, {"plot": world.plot_ojo, "species": mango, "planted_on": TOMORROW,
                                           "quantity": Decimal("10"), "unit": "plants"})
    assert "planted_on" in exc.value.message_dict
    assert not Planting.objects.exists()


# ----------------------------------------------------------------------------- deleting and provenance


def test_deleting_needs_edit_rights_and_scope(world, harvest_ojo):
    with pytest.raises(PermissionDenied):
        services.delete_record(world.beto, harvest_ojo)
    with pytest.raises(PermissionDenied):
        services.delete_record(world.diego, harvest_ojo)
    assert Harvest.objects.filter(pk=harvest_ojo.pk).exists()
    services.delete_record(world.ana, harvest_ojo)
    assert not Harvest.objects.filter(pk=harvest_ojo.pk).exists()
    assert not HarvestDestination.objects.exists()


def test_an_import_update_keeps_who_first_recorded_and_refreshes_the_file(world, mango):
    when = timezone.now()
    prov = {"origin": Origin.IMPORT, "submission_id": "uuid:1", "source_file": "a.zip", "created_by": world.carla,
            "imported_at": when}
    h = services.save_harvest(None, harvest_data(world, mango), [], provenance=prov)
    later = {**prov, "source_file": "b.zip", "created_by": world.root}
    services.save_harvest(None, {"quantity_kg": Decimal("90")}, None, instance=h, provenance=later)
    h.refresh_from_db()
    assert (h.origin, h.submission_id, h.created_by, h.source_file) == (Origin.IMPORT, "uuid:1", world.carla, "b.zip")
