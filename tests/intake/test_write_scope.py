"""The import's update path checks the importing user's scope on the records it would change (issue 14, item 2),
and a KoboToolbox edit is recognised by Kobo's stable ``_id`` (issue 14, item 10).

One case per import handler: beto (promoter of El Vergel) imports a submission for his family or group; ana
(promoter of Ojo de Agua) then sends the same submission key with a new instance id and values of her own
group. Whatever the new version says, the stored records are beto's: the update goes to quarantine with a
clear reason and nothing changes in the database."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from miaf.web.fieldwork.models import Attendance, TrainingEvent, Visit
from miaf.web.intake.models import ImportedSubmission, QuarantinedRow
from miaf.web.intake.services import import_files
from miaf.web.intake.services.handlers import HANDLERS
from miaf.web.plots.models import Plot
from miaf.web.records.models import Harvest, InputPurchase, LabourLog, LedgerEntry, Planting
from miaf.web.registry.models import Family, Membership
from tests.intake import exportwriters as ew
from tests.intake.test_record_forms import INPUTS, LABOUR, PLANTING, VERSION

pytestmark = pytest.mark.django_db

ROOT = "5c0be000-0001-4000-8000-000000000001"
EDIT = "5c0be000-0001-4000-8000-0000000ed171"


def vergel_to_ojo(values: dict[str, str], vergel_group: str) -> dict[str, str]:
    """The same answers moved to ana's family, plot and group."""
    swap = {"VER-001": "OJO-001", ew.PLOT_VERGEL: ew.PLOT_OJO, vergel_group: ew.GROUP_OJO}
    return {k: swap.get(v, v) for k, v in values.items()}


def cases(world) -> dict[str, tuple]:  # noqa: ANN001
    """form → (layout, beto's answers, repeats, form version)."""
    vergel = str(world.group_vergel.pk)
    return {
        "harvest": (ew.HARVEST, {"family": "VER-001", "plot": ew.PLOT_VERGEL, "crop": "maiz",
                                 "harvested_on": "2025-01-20", "quantity_kg": "800", "sold_kg_total": "0"},
                    {"sales": []}, "2025061001"),
        "visit": (ew.VISIT, {"family": "VER-001", "plot": ew.PLOT_VERGEL, "visited_on": "2025-03-04", "step": "11",
                             "observations": "Brotaron", "tree_survival_pct": "90", "agreements": "Podar"},
                  {"trees": []}, "2025061001"),
        "economy": (ew.ECONOMY, {"family": "VER-001", "year": "2024"},
                    {"entries": [{"month": "1", "kind": "income", "category": "crop_sale", "crop": "cafe",
                                  "amount_mxn": "4200"}]}, "2025061001"),
        "event": (ew.EVENT, {"event_kind": "exchange", "title": "Intercambio de semillas", "topic": "Semillas",
                             "held_on": "2025-04-10", "group": vergel},
                  {"attendees": [{"att_family": "VER-001", "att_member": ""}]}, "2025061001"),
        "plot": (ew.PLOT, {"family": "VER-001", "plot_name": "La Loma", "boundary": ew.SQUARE, "soil_depth": "medium",
                           "altitude_m": "1500", "system": "traditional", "system_since": "2010-01-01"},
                 {"slope_readings": [{"slope_pct": "30"}]}, "2025061001"),
        "family": (ew.FAMILY, {"household/family_code": "VER-010", "household/family_name": "Familia Vázquez",
                               "household/municipality": "07052", "household/locality": ew.LOCALITY,
                               "household/group": vergel, "household/joined_on": "2024-02-01",
                               "migration/anyone_migrated": "no"},
                   {"members": [], "baseline_plots": []}, "2025061001"),
        "labour": (LABOUR, {"family": "VER-001", "year": "2024", "month": "6", "activity": "weeding",
                            "labour_kind": "hired", "person_days": "4", "wage_mxn_day": "250"}, {}, VERSION),
        "inputs": (INPUTS, {"family": "VER-001", "purchased_on": "2024-03-02", "item": "Abono", "quantity": "2",
                            "unit": "bultos", "cost_mxn": "380", "collective": "no"}, {}, VERSION),
        "planting": (PLANTING, {"family": "VER-001", "plot": ew.PLOT_VERGEL, "species": "maiz",
                                "planted_on": "2024-05-20", "quantity": "12", "unit": "kg_seed"}, {}, VERSION),
    }


def database() -> tuple:
    """Every row an update of these forms could change."""
    models = (Harvest, Visit, LedgerEntry, TrainingEvent, Attendance, Plot, Family, Membership, LabourLog,
              InputPurchase, Planting, ImportedSubmission)
    return tuple(sorted(map(str, m.objects.order_by("pk").values_list())) for m in models)


def test_every_import_handler_has_a_write_scope_case(intake_world):
    # The process form is left out on purpose: its history is append-only, so every update is refused.
    assert set(cases(intake_world)) == set(HANDLERS) - {"process"}


@pytest.mark.parametrize("form", sorted(set(HANDLERS) - {"process"}))
def test_an_update_of_another_groups_record_through_the_import_is_quarantined(intake_world, tmp_path, form):
    layout, values, repeats, version = cases(intake_world)[form]
    first = ew.Sub(ROOT, values, repeats, version=version)
    created = import_files([ew.write_odk_zip(tmp_path / "beto.zip", layout, [first])], form, user=intake_world.beto)
    assert (created.imported, created.quarantined) == (1, 0), created.quarantine
    before = database()

    # The same key (ODK Central's KEY), a new instance id, ana's family, plot and group.
    theirs = vergel_to_ojo(values, str(intake_world.group_vergel.pk))
    theirs = {**theirs, **({"household/family_name": "Familia de Ana"} if form == "family" else {})}
    edit = ew.Sub(EDIT, theirs, repeats and {
        name: [vergel_to_ojo(r, str(intake_world.group_vergel.pk)) for r in rows] for name, rows in repeats.items()
    }, root=ROOT, deprecated=ROOT, version=version)
    report = import_files([ew.write_odk_zip(tmp_path / "ana.zip", layout, [edit])], form, user=intake_world.ana)

    assert (report.updated, report.quarantined) == (0, 1)
    message = report.quarantine[0]["reasons"][0]["message_es"]
    assert "fuera de su alcance" in message and ROOT in message
    assert database() == before
    assert QuarantinedRow.objects.filter(submission_id=ROOT, resolved=False).exists()


def test_a_promoter_cannot_take_over_another_groups_family_by_resubmitting_its_key(intake_world, tmp_path):
    layout, values, repeats, version = cases(intake_world)["family"]
    import_files([ew.write_kobo_xlsx(tmp_path / "v1.xlsx", layout, [ew.Sub(ROOT, values, repeats)])], "family",
                 user=intake_world.beto)
    family = Family.objects.get(code="VER-010")
    taken = {**values, "household/group": ew.GROUP_OJO, "household/family_name": "Familia de Ana"}
    # Kobo: the same _uuid (the key), a new meta/instanceID.
    resent = ew.Sub(EDIT, taken, repeats, root=ROOT)
    report = import_files([ew.write_kobo_xlsx(tmp_path / "v2.xlsx", layout, [resent])], "family",
                          user=intake_world.ana)
    assert (report.updated, report.quarantined) == (0, 1)
    family.refresh_from_db()
    assert family.name == "Familia Vázquez"
    assert family.current_membership.group == intake_world.group_vergel
    # The coordinator of both groups may make the same change.
    ok = import_files([ew.write_kobo_xlsx(tmp_path / "v3.xlsx", layout, [resent])], "family", user=intake_world.carla)
    assert ok.updated == 1
    family.refresh_from_db()
    assert family.name == "Familia de Ana" and family.current_membership.group_id == int(ew.GROUP_OJO)


def kobo_harvest(uuid: str, kg: str, kobo_id: int) -> ew.Sub:
    return ew.Sub(uuid, {"family": "OJO-001", "plot": ew.PLOT_OJO, "crop": "maiz", "harvested_on": "2025-01-20",
                         "quantity_kg": kg, "sold_kg_total": "0"}, {"sales": []}, kobo_id=kobo_id)


def test_a_kobo_edit_with_a_new_uuid_and_no_deprecated_id_updates_the_harvest_through_kobos_id(intake_world, tmp_path):
    first = kobo_harvest(ROOT, "800", kobo_id=48213)
    import_files([ew.write_kobo_xlsx(tmp_path / "v1.xlsx", ew.HARVEST, [first])], "harvest", user=intake_world.ana)
    # Kobo's formpack export of the edit: a new _uuid and meta/instanceID, no deprecatedID, no rootUuid.
    edited = kobo_harvest(EDIT, "850", kobo_id=48213)
    path = ew.write_kobo_xlsx(tmp_path / "v2.xlsx", ew.HARVEST, [edited])

    preview = import_files([path], "harvest", user=intake_world.ana, dry_run=True)
    assert (preview.imported, preview.updated) == (0, 1)
    # Row 2: the first data row under the header.
    assert preview.updates == [{"row": 2, "submission_id": ROOT, "record": str(Harvest.objects.get()),
                                "matched_by": "kobo:48213"}]
    assert "800" in preview.updates[0]["record"]

    report = import_files([path], "harvest", user=intake_world.ana)
    assert (report.imported, report.updated, report.duplicates) == (0, 1, 0)
    assert list(Harvest.objects.values_list("quantity_kg", "submission_id")) == [(Decimal("850.00"), ROOT)]
    # The pre-edit file imported again is the older version: ignored.
    stale = import_files([tmp_path / "v1.xlsx"], "harvest", user=intake_world.ana)
    assert (stale.imported, stale.updated, stale.duplicates) == (0, 0, 1)
    assert Harvest.objects.get().quantity_kg == Decimal("850.00")


def test_a_submission_imported_before_kobo_ids_were_kept_learns_its_id_on_the_next_import(intake_world, tmp_path):
    first = kobo_harvest(ROOT, "800", kobo_id=48213)
    path = ew.write_kobo_xlsx(tmp_path / "v1.xlsx", ew.HARVEST, [first])
    import_files([path], "harvest", user=intake_world.ana)
    ImportedSubmission.objects.update(source_id="")  # as imported before the column existed
    import_files([path], "harvest", user=intake_world.ana)
    assert ImportedSubmission.objects.get().source_id == "kobo:48213"
    edited = kobo_harvest(EDIT, "850", kobo_id=48213)
    report = import_files([ew.write_kobo_xlsx(tmp_path / "v2.xlsx", ew.HARVEST, [edited])], "harvest",
                          user=intake_world.ana)
    assert (report.imported, report.updated) == (0, 1)
    assert Harvest.objects.count() == 1


def test_two_different_kobo_submissions_stay_two_records(intake_world, tmp_path):
    subs = [kobo_harvest(ROOT, "800", kobo_id=48213), kobo_harvest(EDIT, "850", kobo_id=48214)]
    report = import_files([ew.write_kobo_xlsx(tmp_path / "v.xlsx", ew.HARVEST, subs)], "harvest", user=intake_world.ana)
    assert report.imported == 2
    assert sorted(Harvest.objects.values_list("quantity_kg", flat=True)) == [Decimal("800.00"), Decimal("850.00")]


def test_the_import_preview_page_lists_the_records_that_will_be_updated(intake_world, tmp_path, client_for):
    import_files([ew.write_kobo_xlsx(tmp_path / "v1.xlsx", ew.HARVEST, [kobo_harvest(ROOT, "800", 48213)])],
                 "harvest", user=intake_world.ana)
    path = ew.write_kobo_xlsx(tmp_path / "v2.xlsx", ew.HARVEST, [kobo_harvest(EDIT, "850", 48213)])
    client = client_for(intake_world.ana)
    data = {"form": "harvest", "files": SimpleUploadedFile(path.name, path.read_bytes())}
    response = client.post(reverse("intake:upload"), data, follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Registros que se actualizarán" in page and "kobo:48213" in page and ROOT in page
    assert Harvest.objects.get().quantity_kg == Decimal("800.00")  # a preview writes nothing
