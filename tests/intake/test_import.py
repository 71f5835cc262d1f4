"""Importing ODK Central and KoboToolbox exports: good rows land, bad rows wait in quarantine with their
reasons, re-imports change nothing, edits update, every record keeps its provenance."""

from __future__ import annotations

from decimal import Decimal

import pytest

from miaf.web.intake.models import ImportBatch, ImportedSubmission, QuarantinedRow
from miaf.web.intake.services import ExportError, ImportRefused, import_files, reimport_row
from miaf.web.records.models import Harvest, HarvestDestination
from tests.intake import exportwriters as ew
from tests.intake.conftest import FIXTURES

pytestmark = pytest.mark.django_db

HARVEST_ZIP = FIXTURES / "odk_miaf_harvest.zip"
A1 = "a1b2c3d4-0001-4000-8000-000000000001"


def snapshot() -> tuple:
    return (
        list(Harvest.objects.order_by("id").values_list("id", "quantity_kg", "submission_id", "updated_at")),
        list(HarvestDestination.objects.order_by("id").values_list("id", "harvest_id", "kg", "price_mxn_per_kg")),
        list(QuarantinedRow.objects.order_by("id").values_list("id", "resolved")),
        list(ImportedSubmission.objects.order_by("id").values_list("id", "instance_id", "digest")),
    )


def reasons_of(report, field: str) -> list[str]:
    return [r["message_es"] for q in report.quarantine for r in q["reasons"] if r["field"] == field]


def test_odk_central_zip_imports_good_rows_and_quarantines_bad_ones(intake_world):
    report = import_files([HARVEST_ZIP], "harvest", user=intake_world.carla)
    # 6 submissions: 3 good; XXX-999, "mucho"/31-02 and the 2024 form version go to quarantine.
    assert (report.rows, report.imported, report.updated, report.duplicates, report.quarantined) == (6, 3, 0, 0, 3)
    assert report.export_format == "odk_central"
    first = Harvest.objects.get(submission_id=A1)
    assert first.quantity_kg == Decimal("850.00")
    # 500 kg eaten at home + 300 kg to the coyote at 7.50 MXN/kg = 800 kg of the 850 kg harvested.
    dests = {d.destination: d for d in first.destinations.all()}
    assert dests["self"].kg + dests["intermediary"].kg == Decimal("800")
    assert dests["intermediary"].price_mxn_per_kg == Decimal("7.50")
    assert dests["intermediary"].buyer == "Don Chepe"
    assert str(dests["intermediary"].paid_on) == "2025-02-10"
    assert QuarantinedRow.objects.filter(batch_id=report.batch_id).count() == 3


def test_every_imported_record_keeps_its_provenance(intake_world):
    report = import_files([HARVEST_ZIP], "harvest", user=intake_world.carla)
    h = Harvest.objects.get(submission_id=A1)
    assert h.origin == "import"
    assert h.source_file == "odk_miaf_harvest.zip"
    assert h.created_by == intake_world.carla
    assert h.imported_at is not None
    batch = ImportBatch.objects.get(pk=report.batch_id)
    assert batch.user == intake_world.carla and batch.status == "done"
    assert len(batch.sha256) == 64 and batch.form == "harvest" and batch.form_version == "2024010101, 2025061001"
    assert batch.counts() == {"rows": 6, "imported": 3, "updated": 0, "duplicates": 0, "quarantined": 3}


def test_importing_the_same_file_twice_changes_nothing(intake_world):
    import_files([HARVEST_ZIP], "harvest", user=intake_world.carla)
    before = snapshot()
    again = import_files([HARVEST_ZIP], "harvest", user=intake_world.carla)
    assert (again.imported, again.updated, again.duplicates, again.quarantined) == (0, 0, 3, 3)
    assert snapshot() == before  # not even a second copy of the quarantined rows


def test_an_edited_odk_central_submission_updates_its_records_and_the_old_version_is_ignored(intake_world):
    import_files([HARVEST_ZIP], "harvest", user=intake_world.carla)
    ids = set(Harvest.objects.values_list("id", flat=True))
    edited = import_files([FIXTURES / "odk_miaf_harvest_edited.zip"], "harvest", user=intake_world.carla)
    assert (edited.imported, edited.updated, edited.duplicates) == (0, 1, 2)
    assert set(Harvest.objects.values_list("id", flat=True)) == ids
    h = Harvest.objects.get(submission_id=A1)
    assert h.quantity_kg == Decimal("900.00") and h.destinations.count() == 2
    entry = ImportedSubmission.objects.get(form="harvest", submission_id=A1)
    assert entry.instance_id == "a1b2c3d4-0001-4000-8000-00000000e001"
    # The pre-edit export imported again is an older version: ignored, the edit stays.
    stale = import_files([HARVEST_ZIP], "harvest", user=intake_world.carla)
    assert (stale.updated, stale.duplicates) == (0, 3)
    assert Harvest.objects.get(submission_id=A1).quantity_kg == Decimal("900.00")


def test_an_edited_kobo_submission_is_found_through_its_deprecated_id(intake_world, tmp_path):
    subs = ew.harvest_subs()[:3]
    import_files([ew.write_kobo_xlsx(tmp_path / "v1.xlsx", ew.HARVEST, subs)], "harvest", user=intake_world.root)
    # Kobo without meta/rootUuid: _uuid is the new instance id; meta/deprecatedID points at the first one.
    edit = ew.Sub("a1b2c3d4-0001-4000-8000-0000000ed17", {**subs[0].values, "quantity_kg": "870"},
                  {"sales": [{"destination": "self", "sale_kg": "870"}]}, deprecated=subs[0].uuid)
    report = import_files([ew.write_kobo_xlsx(tmp_path / "v2.xlsx", ew.HARVEST, [edit, *subs[1:]])], "harvest",
                          user=intake_world.root)
    assert (report.imported, report.updated, report.duplicates) == (0, 1, 2)
    h = Harvest.objects.get(submission_id=A1)
    assert h.quantity_kg == Decimal("870.00")
    assert list(h.destinations.values_list("destination", "kg")) == [("self", Decimal("870.00"))]


def test_the_same_submissions_exported_by_odk_and_by_kobo_are_duplicates(intake_world):
    import_files([HARVEST_ZIP], "harvest", user=intake_world.carla)
    before = snapshot()
    report = import_files([FIXTURES / "kobo_miaf_harvest.xlsx"], "harvest", user=intake_world.carla)
    assert (report.export_format, report.imported, report.duplicates) == ("kobo_xlsx", 0, 3)
    assert snapshot() == before


def test_kobo_csv_has_no_repeat_groups_so_it_leaves_destinations_alone_and_says_so(intake_world):
    import_files([FIXTURES / "kobo_miaf_harvest.xlsx"], "harvest", user=intake_world.carla)
    before = snapshot()
    report = import_files([FIXTURES / "kobo_miaf_harvest.csv"], "harvest", user=intake_world.carla)
    assert (report.export_format, report.duplicates) == ("kobo_csv", 3)
    assert "XLSX" in report.warnings[0]["message_es"]
    assert snapshot() == before


def test_kobo_csv_alone_imports_the_main_questions(intake_world):
    report = import_files([FIXTURES / "kobo_miaf_harvest.csv"], "harvest", user=intake_world.carla)
    assert report.imported == 3
    assert HarvestDestination.objects.count() == 0


def test_a_dry_run_writes_nothing(intake_world):
    before = snapshot()
    report = import_files([HARVEST_ZIP], "harvest", user=intake_world.carla, dry_run=True)
    assert (report.imported, report.quarantined, report.batch_id) == (3, 3, None)
    assert snapshot() == before and ImportBatch.objects.count() == 0


# ------------------------------------------------------------------------------------------- bad input
def test_text_in_a_number_column_and_an_impossible_date_are_quarantined_with_clear_reasons(intake_world):
    report = import_files([HARVEST_ZIP], "harvest", user=intake_world.carla)
    assert reasons_of(report, "quantity_kg") == ["«mucho» no es un número."]
    assert reasons_of(report, "harvested_on") == ["«31/02/2025» no es una fecha que exista: febrero de 2025 no tiene día 31."]


def test_a_family_code_that_does_not_exist_is_quarantined(intake_world):
    report = import_files([HARVEST_ZIP], "harvest", user=intake_world.carla)
    assert reasons_of(report, "family") == [
        "No existe una familia con el código «XXX-999». Regístrela primero o corrija el código."]


def test_a_row_from_another_form_version_is_quarantined_and_the_rest_imported(intake_world):
    report = import_files([HARVEST_ZIP], "harvest", user=intake_world.carla)
    assert reasons_of(report, "form_version") == [
        "El envío es de la versión «2024010101» del formulario; se aceptan: 2025061001, 2026120501."]
    assert report.imported == 3


def test_missing_columns_refuse_the_file_naming_them_and_write_nothing(intake_world, tmp_path):
    layout = ew.FormLayout("miaf_harvest", "Cosecha", ["family", "plot", "crop", "@sales"], ew.HARVEST.repeats)
    path = ew.write_odk_zip(tmp_path / "short.zip", layout, ew.harvest_subs()[:1])
    with pytest.raises(ImportRefused) as exc:
        import_files([path], "harvest", user=intake_world.carla)
    assert "faltan las columnas harvest_notes, harvested_on, quantity_kg" in exc.value.message("es")
    assert "columns harvest_notes, harvested_on, quantity_kg are missing" in exc.value.message("en")
    assert ImportBatch.objects.count() == 0


def test_the_export_of_another_form_is_refused(intake_world):
    with pytest.raises(ImportRefused, match="not an export of form miaf_visit"):
        import_files([HARVEST_ZIP], "visit", user=intake_world.carla)


def test_a_missing_repeat_table_refuses_the_file(intake_world, tmp_path):
    paths = ew.write_odk_csvs(tmp_path, ew.HARVEST, ew.harvest_subs()[:1])
    main = [p for p in paths if p.name == "miaf_harvest.csv"]
    with pytest.raises(ImportRefused, match="repeat group “sales” is missing"):
        import_files(main, "harvest", user=intake_world.carla)


@pytest.mark.parametrize("content", [b"%PDF-1.4 binary\x00\x01", b"\x89PNG\r\n\x1a\n\x00\x00", b"just some words\nno columns"])
def test_a_file_that_is_not_csv_or_xlsx_gets_a_clear_message(intake_world, tmp_path, content):
    path = tmp_path / "foto.csv"
    path.write_bytes(content)
    with pytest.raises(ExportError) as exc:
        import_files([path], "harvest", user=intake_world.carla)
    assert "foto.csv" in exc.value.message("es")
    assert "CSV" in exc.value.message("en")


def test_a_damaged_zip_gets_a_clear_message(intake_world, tmp_path):
    path = tmp_path / "cortado.zip"
    path.write_bytes(HARVEST_ZIP.read_bytes()[:200])
    with pytest.raises(ExportError, match="damaged|CSV"):
        import_files([path], "harvest", user=intake_world.carla)


def test_destinations_adding_up_to_more_than_the_harvest_are_quarantined(intake_world, tmp_path):
    sub = ew.Sub("a1b2c3d4-0009-4000-8000-000000000009",
                 {"family": "OJO-001", "plot": ew.PLOT_OJO, "crop": "maiz", "harvested_on": "2025-01-02",
                  "quantity_kg": "100"},
                 {"sales": [{"destination": "self", "sale_kg": "80"},
                            {"destination": "local_market", "sale_kg": "40", "price_mxn_kg": "9"}]})
    report = import_files([ew.write_odk_zip(tmp_path / "x.zip", ew.HARVEST, [sub])], "harvest", user=intake_world.root)
    # 80 + 40 = 120 kg > 100 kg harvested.
    assert reasons_of(report, "sales") == ["Los destinos suman 120.00 kg, más que los 100.00 kg cosechados."]


def test_a_sale_without_price_and_a_plot_of_another_family_are_quarantined(intake_world, tmp_path):
    sub = ew.Sub("a1b2c3d4-0010-4000-8000-000000000010",
                 {"family": "OJO-001", "plot": ew.PLOT_VERGEL, "crop": "maiz", "harvested_on": "2025-01-02",
                  "quantity_kg": "100"}, {"sales": [{"destination": "organisation", "sale_kg": "50"}]})
    report = import_files([ew.write_odk_zip(tmp_path / "x.zip", ew.HARVEST, [sub])], "harvest", user=intake_world.root)
    assert reasons_of(report, "plot") == ["La parcela «9002» no es de la familia OJO-001."]
    assert reasons_of(report, "sales[1]/price_mxn_kg") == ["Una venta necesita su precio por kg."]


def test_a_geoshape_with_two_points_is_quarantined_and_the_good_plot_imported(intake_world):
    from miaf.web.plots.models import Plot

    report = import_files([FIXTURES / "kobo_miaf_plot.xlsx"], "plot", user=intake_world.carla)
    assert (report.imported, report.quarantined) == (1, 1)
    assert reasons_of(report, "boundary") == ["El polígono tiene 2 puntos distintos; se necesitan al menos 3."]
    plot = Plot.objects.get(name="La Loma")
    # Two A-frame readings, 30 % and 36 %: mean (30 + 36) / 2 = 33 %.
    assert plot.mean_slope_pct == 33.0
    # ~0.001° lon × 0.0009° lat at 16.3° N: 106.8 m × 99.6 m ≈ 1.06 ha.
    assert plot.area_ha == pytest.approx(1.06, abs=0.02)
    assert plot.phases.get().system == "traditional" and plot.origin == "import"


# ------------------------------------------------------------------------------------------- roles
def test_a_promoters_rows_for_families_outside_their_groups_are_quarantined(intake_world):
    report = import_files([HARVEST_ZIP], "harvest", user=intake_world.beto)
    # beto (El Vergel) may import VER-001's harvest, not the four rows of OJO-001 (two of them bad anyway).
    assert report.imported == 1
    assert Harvest.objects.get(submission_id="a1b2c3d4-0003-4000-8000-000000000003")
    family_reasons = reasons_of(report, "family")
    assert family_reasons.count("La familia «OJO-001» no está en sus grupos (family not in your groups).") == 4


def test_a_coordinator_of_another_organisation_cannot_import_our_families(intake_world):
    report = import_files([HARVEST_ZIP], "harvest", user=intake_world.olga)
    assert report.imported == 0
    assert "no pertenece a las organizaciones que usted acompaña" in reasons_of(report, "family")[0]


def test_an_analyst_may_not_import(intake_world):
    with pytest.raises(ImportRefused, match="may not import"):
        import_files([HARVEST_ZIP], "harvest", user=intake_world.diego)


# ------------------------------------------------------------------------------------------- quarantine
def test_a_quarantined_row_fixed_by_hand_is_imported_and_resolved(intake_world):
    import_files([HARVEST_ZIP], "harvest", user=intake_world.carla)
    row = QuarantinedRow.objects.get(submission_id="a1b2c3d4-0005-4000-8000-000000000005")
    raw = row.raw
    raw["fields"].update(quantity_kg="45", harvested_on="2025-02-28")
    report = reimport_row(row, intake_world.carla, raw)
    assert report.imported == 1
    row.refresh_from_db()
    assert row.resolved and row.raw["fields"]["quantity_kg"] == "45"
    h = Harvest.objects.get(submission_id="a1b2c3d4-0005-4000-8000-000000000005")
    assert h.quantity_kg == Decimal("45.00")
    # The original file again: that version of the submission was fixed by hand, so it is a duplicate and
    # does not go back to quarantine; the hand-fixed values stay.
    count = QuarantinedRow.objects.count()
    again = import_files([HARVEST_ZIP], "harvest", user=intake_world.carla)
    assert (again.duplicates, again.quarantined) == (4, 2)
    assert QuarantinedRow.objects.count() == count
    assert Harvest.objects.get(submission_id="a1b2c3d4-0005-4000-8000-000000000005").quantity_kg == Decimal("45.00")


def test_a_quarantined_row_still_wrong_keeps_its_new_reasons(intake_world):
    import_files([HARVEST_ZIP], "harvest", user=intake_world.carla)
    row = QuarantinedRow.objects.get(submission_id="a1b2c3d4-0005-4000-8000-000000000005")
    raw = row.raw
    raw["fields"]["quantity_kg"] = "-3"
    report = reimport_row(row, intake_world.carla, raw)
    assert report.quarantined == 1
    row.refresh_from_db()
    assert not row.resolved
    assert {r["field"] for r in row.reasons} == {"harvested_on", "quantity_kg"}


# ------------------------------------------------------------------------------------------- other forms
def test_family_registration_from_odk_csv_files_creates_family_members_and_membership(intake_world):
    from miaf.web.registry.models import Family

    paths = sorted((FIXTURES / "odk_miaf_family").glob("*.csv"))
    report = import_files(paths, "family", user=intake_world.ana)
    assert (report.imported, report.quarantined) == (1, 1)
    assert reasons_of(report, "members[1]/birth_year") == ["«setenta» no es un número entero."]
    fam = Family.objects.get(code="OJO-010")
    assert fam.current_membership.group_id == int(ew.GROUP_OJO)
    assert sorted(fam.members.values_list("name", "languages")) == [
        ("María Hernández", ["es", "tzh"]), ("Pedro Hernández", ["es"])]
    assert fam.anyone_migrated and "Cancún" in fam.migration_notes
    assert "El Pozo (0.75 ha, traditional)" in fam.notes
    # The same families from Kobo's XLSX (select_multiple expanded into one column per language): duplicates.
    again = import_files([FIXTURES / "kobo_miaf_family.xlsx"], "family", user=intake_world.ana)
    assert (again.imported, again.duplicates, again.quarantined) == (0, 1, 1)


def test_two_submissions_registering_the_same_family_code_keep_the_first(intake_world, tmp_path):
    first, _ = ew.family_subs()
    twin = ew.Sub("f0000000-0003-4000-8000-000000000003", dict(first.values), first.repeats)
    report = import_files([ew.write_kobo_xlsx(tmp_path / "f.xlsx", ew.FAMILY, [first, twin])], "family",
                          user=intake_world.root)
    # The chunk fails on the second one, is rolled back to its savepoint and written row by row.
    assert (report.imported, report.quarantined) == (1, 1)
    assert "OJO-010" in report.quarantine[0]["reasons"][0]["message_es"]


def test_a_family_in_a_group_of_another_promoter_is_refused_to_ana(intake_world, tmp_path):
    sub = ew.family_subs()[0]
    sub.values["household/group"] = str(intake_world.group_vergel.pk)
    report = import_files([ew.write_kobo_xlsx(tmp_path / "f.xlsx", ew.FAMILY, [sub])], "family", user=intake_world.ana)
    assert reasons_of(report, "group")[0].startswith("El grupo")


def test_economy_calendar_from_kobo_xlsx_creates_one_ledger_line_per_month_entry(intake_world, tmp_path):
    from miaf.web.records.models import LedgerEntry

    report = import_files([FIXTURES / "kobo_miaf_economy.xlsx"], "economy", user=intake_world.carla)
    assert report.imported == 1
    lines = LedgerEntry.objects.filter(family=intake_world.fam_ojo).order_by("month", "kind")
    assert [(e.month, e.kind, e.category, e.amount_mxn) for e in lines] == [
        (1, "expense", "food", Decimal("1800.50")), (1, "income", "crop_sale", Decimal("4200.00")),
        (2, "income", "remittances", Decimal("3000.00"))]
    # Edited on the phone: February's remittance corrected; the lines are replaced, not added.
    sub = ew.economy_subs()[0]
    edit = ew.Sub("e0000000-0001-4000-8000-0000000000e2", sub.values,
                  {"entries": [*sub.repeats["entries"][:2],
                               {"month": "2", "kind": "income", "category": "remittances", "amount_mxn": "2500"}]},
                  deprecated=sub.uuid)
    report = import_files([ew.write_kobo_xlsx(tmp_path / "e.xlsx", ew.ECONOMY, [edit])], "economy",
                          user=intake_world.carla)
    assert report.updated == 1
    assert LedgerEntry.objects.filter(family=intake_world.fam_ojo).count() == 3
    assert LedgerEntry.objects.get(month=2).amount_mxn == Decimal("2500.00")


def test_an_income_category_filed_as_expense_is_quarantined(intake_world, tmp_path):
    sub = ew.Sub("e0000000-0009-4000-8000-000000000009", {"family": "OJO-001", "year": "2024"},
                 {"entries": [{"month": "3", "kind": "expense", "category": "wages", "amount_mxn": "100"}]})
    report = import_files([ew.write_kobo_xlsx(tmp_path / "e.xlsx", ew.ECONOMY, [sub])], "economy", user=intake_world.root)
    assert report.quarantined == 1 and reasons_of(report, "entries[1]/category")


def test_follow_up_visit_with_tree_measurements(intake_world):
    from miaf.web.fieldwork.models import Visit

    report = import_files([FIXTURES / "odk_miaf_visit.zip"], "visit", user=intake_world.ana)
    assert report.imported == 1
    visit = Visit.objects.get()
    assert (visit.tree_survival_pct, visit.agreements, visit.promoter) == (92.0, "Podar en mayo", intake_world.ana)
    trees = sorted(visit.measurements.values_list("species__code", "alive", "diameter_cm", "height_m"))
    assert trees == [("aguacate", False, None, None), ("durazno", True, 4.2, 1.6)]


def test_training_event_attendance_matches_members_by_name(intake_world):
    from miaf.web.fieldwork.models import TrainingEvent

    report = import_files([FIXTURES / "odk_miaf_event.zip"], "event", user=intake_world.carla)
    assert report.imported == 1
    event = TrainingEvent.objects.get()
    assert event.organisation == intake_world.proasus and event.kind == "exchange"
    attendance = {a.family.code: a.member for a in event.attendance.select_related("family", "member")}
    assert attendance["OJO-001"].name == "Jefa Familia Gómez Pérez"
    assert attendance["VER-001"] is None  # "Don Lupe" is not a registered member: the family still counts
