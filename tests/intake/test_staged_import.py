"""An import checks and prepares its rows before its write transaction, and still writes all or nothing.

The write transaction replays what staging prepared (docs/forms.md, "Imports and concurrent edits"); these
tests run with real transactions (``transaction=True``), as the import runs in production, so a rollback is
the import's own and not the test's. The flush after an earlier transactional test removes the species
catalogue the migrations load, so it is loaded again (idempotent) before each test, as the browser tests do.
"""

from __future__ import annotations

import pytest

from miaf.web.intake.models import ImportBatch, ImportedSubmission, QuarantinedRow
from miaf.web.intake.services import import_files, importer
from miaf.web.intake.services.handlers import HANDLERS
from miaf.web.records.models import Harvest, HarvestDestination
from tests.intake import exportwriters as ew

N = 1_600  # four chunks of the importer, the bulk path in each


@pytest.fixture(autouse=True)
def _species_catalogue(transactional_db):  # noqa: ANN001
    from miaf.web.catalogue.services import load_species_catalogue

    load_species_catalogue()


def subs(n: int, offset: int = 0, qty: str = "100", sales: bool = True) -> list[ew.Sub]:
    return [
        ew.Sub(f"stag0000-0000-4000-8000-{i:012d}",
               {"family": "OJO-001", "plot": ew.PLOT_OJO, "crop": "maiz", "harvested_on": "2024-10-01",
                "quantity_kg": qty},
               {"sales": [{"destination": "self", "sale_kg": "60"}]} if sales else {})
        for i in range(offset, offset + n)
    ]


def counts() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in (Harvest, HarvestDestination, ImportBatch, ImportedSubmission,
                                             QuarantinedRow))


@pytest.mark.django_db(transaction=True)
def test_a_batch_failing_in_its_third_chunk_leaves_no_rows(intake_world, tmp_path, monkeypatch):
    first = import_files([ew.write_odk_zip(tmp_path / "first.zip", ew.HARVEST, subs(5))], "harvest",
                         user=intake_world.carla)
    assert first.imported == 5
    before = counts()
    handler = HANDLERS["harvest"]
    original, calls = handler.bulk_create, []

    def failing(items, staged=None):  # noqa: ANN001, ANN202
        calls.append(len(items))
        if len(calls) == 3:
            raise RuntimeError("disk full")  # an error the importer does not expect: the batch fails
        return original(items, staged=staged)

    monkeypatch.setattr(handler, "bulk_create", failing)
    big = ew.write_odk_zip(tmp_path / "big.zip", ew.HARVEST, subs(N, offset=5))
    with pytest.raises(RuntimeError, match="disk full"):
        import_files([big], "harvest", user=intake_world.carla)
    assert calls[:2] == [importer.CHUNK, importer.CHUNK]  # two chunks were written inside the transaction …
    assert counts() == before  # … and rolled back with the third: no harvest, ledger row, batch or quarantine


@pytest.mark.django_db(transaction=True)
def test_what_changed_between_staging_and_writing_is_classified_again(intake_world, tmp_path, monkeypatch):
    """Another import brings three of the file's submissions (one with other values) while this one is being
    staged: the write transaction sees them, creates none twice, and updates the one that differs."""
    stage = importer.Runner.stage
    meanwhile = ew.write_odk_zip(tmp_path / "meanwhile.zip", ew.HARVEST,
                                 subs(2, offset=700) + subs(1, offset=702, qty="90"))
    reports = []

    def stage_then_someone_imports(self, rows, spool):  # noqa: ANN001, ANN202
        stage(self, rows, spool)
        if not reports:  # the first import only (the one made meanwhile is staged through here too)
            reports.append(None)
            reports[0] = import_files([meanwhile], "harvest", user=intake_world.carla)

    monkeypatch.setattr(importer.Runner, "stage", stage_then_someone_imports)
    report = import_files([ew.write_odk_zip(tmp_path / "big.zip", ew.HARVEST, subs(N))], "harvest",
                          user=intake_world.carla)
    assert reports[0].imported == 3
    # 702 came with 90 kg meanwhile: the file's values (100 kg) update it; 700 and 701 are duplicates.
    assert (report.rows, report.imported, report.updated, report.duplicates, report.quarantined) == (N, N - 3, 1, 2, 0)
    assert Harvest.objects.count() == N
    assert ImportedSubmission.objects.count() == N
    assert Harvest.objects.get(submission_id__endswith="000000000702").quantity_kg == 100


@pytest.mark.django_db(transaction=True)
def test_a_file_with_the_same_new_submission_in_two_chunks_creates_it_once(intake_world, tmp_path):
    rows = subs(importer.CHUNK + 300, sales=False)  # (the export's repeat table would join a repeated id twice)
    rows.append(rows[10])  # the same submission again, in the second chunk
    report = import_files([ew.write_odk_zip(tmp_path / "twice.zip", ew.HARVEST, rows)], "harvest",
                          user=intake_world.carla)
    assert (report.imported, report.duplicates) == (importer.CHUNK + 300, 1)
    assert Harvest.objects.count() == importer.CHUNK + 300
