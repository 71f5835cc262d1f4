"""Imports of the record forms added in December 2026 (labour, input purchases, plantings): ODK Central and
Kobo exports go through the records use cases, with quarantine for bad rows, like the other forms."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from miaf.web.core.models import Origin
from miaf.web.intake.services.importer import import_files
from miaf.web.records import services as records
from miaf.web.records.models import InputPurchase, LabourLog, Planting
from tests.intake import exportwriters as ew

pytestmark = pytest.mark.django_db

LABOUR = ew.FormLayout("miaf_labour", "Mano de obra", [
    "family", "plot", "year", "month", "activity", "labour_kind", "member", "worker_sex", "person_days", "wage_mxn_day",
], {})
INPUTS = ew.FormLayout("miaf_inputs", "Compra de insumos", [
    "family", "plot", "purchased_on", "item", "quantity", "unit", "cost_mxn", "supplier", "collective",
], {})
PLANTING = ew.FormLayout("miaf_planting", "Siembra o plantación", [
    "family", "plot", "species", "planted_on", "quantity", "unit", "row_number", "planting_notes",
], {})
VERSION = "2026120401"


def sub(n: int, values: dict, **kw) -> ew.Sub:  # noqa: ANN003
    return ew.Sub(f"70000000-{n:04d}-4000-8000-{n:012d}", values, version=VERSION, **kw)


def reasons(report) -> dict[str, str]:  # noqa: ANN001
    return {r["field"]: r["message_es"] for q in report.quarantine for r in q["reasons"]}


@pytest.fixture
def spy(monkeypatch):  # noqa: ANN001, ANN201
    """Names of the records use cases called (the real ones still run)."""
    calls: list[str] = []
    for name in ("save_labour", "save_input_purchase", "save_planting"):
        real = getattr(records, name)

        def recording(*args, _real=real, _name=name, **kwargs):  # noqa: ANN002, ANN003, ANN202
            calls.append(_name)
            return _real(*args, **kwargs)

        monkeypatch.setattr(records, name, recording)
    from miaf.web.intake.services import handlers

    monkeypatch.setattr(handlers.LabourHandler, "save", staticmethod(records.save_labour))
    monkeypatch.setattr(handlers.InputPurchaseHandler, "save", staticmethod(records.save_input_purchase))
    monkeypatch.setattr(handlers.PlantingHandler, "save", staticmethod(records.save_planting))
    return calls


def test_labour_from_odk_central_is_written_by_the_records_use_case_and_bad_rows_are_quarantined(
        intake_world, tmp_path, spy):
    subs = [
        sub(1, {"family": "OJO-001", "plot": ew.PLOT_OJO, "year": "2024", "month": "5", "activity": "planting",
                "labour_kind": "family", "member": "jefa familia gómez pérez", "worker_sex": "F", "person_days": "3.5"}),
        sub(2, {"family": "OJO-001", "year": "2024", "month": "6", "activity": "weeding", "labour_kind": "hired",
                "person_days": "4", "wage_mxn_day": "250"}),
        # A person who is not a member of the family.
        sub(3, {"family": "OJO-001", "year": "2024", "month": "7", "activity": "weeding", "labour_kind": "family",
                "member": "Nadie", "person_days": "1"}),
        # A month in the future.
        sub(4, {"family": "OJO-001", "year": "2099", "month": "1", "activity": "pruning", "labour_kind": "family",
                "person_days": "1"}),
    ]
    report = import_files([ew.write_odk_zip(tmp_path / "labour.zip", LABOUR, subs)], "labour", user=intake_world.ana)
    assert (report.imported, report.quarantined) == (2, 2)
    assert spy.count("save_labour") >= 2
    assert "Nadie" in reasons(report)[""] and "month" in reasons(report)
    family_day, hired = LabourLog.objects.order_by("month")
    assert family_day.member.name == "Jefa Familia Gómez Pérez" and family_day.plot_id == int(ew.PLOT_OJO)
    assert family_day.person_days == Decimal("3.5") and family_day.origin == Origin.IMPORT
    assert hired.kind == "hired" and hired.member is None and hired.wage_mxn_per_day == Decimal("250")
    assert hired.created_by == intake_world.ana


def test_an_edited_labour_submission_updates_its_row(intake_world, tmp_path):
    first = sub(1, {"family": "OJO-001", "year": "2024", "month": "5", "activity": "weeding",
                    "labour_kind": "family", "person_days": "2"})
    import_files([ew.write_kobo_xlsx(tmp_path / "a.xlsx", LABOUR, [first])], "labour", user=intake_world.ana)
    edited = ew.Sub("70000000-0001-4000-8000-00000000e001", {**first.values, "person_days": "5"},
                    deprecated=first.uuid, root=first.uuid, version=VERSION)
    report = import_files([ew.write_kobo_xlsx(tmp_path / "b.xlsx", LABOUR, [edited])], "labour", user=intake_world.ana)
    assert report.updated == 1
    assert list(LabourLog.objects.values_list("person_days", flat=True)) == [Decimal("5")]


def test_input_purchases_from_kobo_individual_and_collective(intake_world, tmp_path, spy):
    subs = [
        sub(1, {"family": "OJO-001", "purchased_on": "2024-03-02", "item": "Planta de durazno", "quantity": "40",
                "unit": "plantas", "cost_mxn": "1200", "supplier": "Vivero San Cristóbal", "collective": "yes"}),
        sub(2, {"family": "OJO-001", "plot": ew.PLOT_OJO, "purchased_on": "2024-03-09", "item": "Abono",
                "quantity": "2", "unit": "bultos", "cost_mxn": "380", "collective": "no"}),
        # The plot of another family.
        sub(3, {"family": "OJO-001", "plot": ew.PLOT_VERGEL, "purchased_on": "2024-03-09", "item": "Alambre",
                "quantity": "1", "unit": "rollo", "cost_mxn": "900", "collective": "no"}),
    ]
    report = import_files([ew.write_kobo_xlsx(tmp_path / "inputs.xlsx", INPUTS, subs)], "inputs", user=intake_world.ana)
    assert (report.imported, report.quarantined) == (2, 1)
    assert "plot" in reasons(report) and "save_input_purchase" in spy
    rows = list(InputPurchase.objects.order_by("purchased_on").values_list("item", "collective", "cost_mxn"))
    assert rows == [("Planta de durazno", True, Decimal("1200")), ("Abono", False, Decimal("380"))]


def test_plantings_from_a_kobo_csv_and_a_family_outside_the_promoters_groups_is_quarantined(
        intake_world, tmp_path, spy):
    subs = [
        sub(1, {"family": "OJO-001", "plot": ew.PLOT_OJO, "species": "durazno", "planted_on": "2024-06-15",
                "quantity": "60", "unit": "plants", "row_number": "2", "planting_notes": "Entre la milpa"}),
        sub(2, {"family": "VER-001", "plot": ew.PLOT_VERGEL, "species": "maiz", "planted_on": "2024-05-20",
                "quantity": "12", "unit": "kg_seed"}),
    ]
    report = import_files([ew.write_kobo_csv(tmp_path / "planting.csv", PLANTING, subs)], "planting",
                          user=intake_world.ana)
    assert (report.imported, report.quarantined) == (1, 1)
    assert "family" in reasons(report) and spy == ["save_planting"]
    (planting,) = Planting.objects.all()
    assert (planting.species.code, planting.quantity, planting.unit, planting.row_number) == ("durazno", Decimal("60"), "plants", 2)
    assert planting.planted_on == dt.date(2024, 6, 15) and planting.notes == "Entre la milpa"
