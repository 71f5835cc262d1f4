"""An ODK submission of the process-step form goes through the process use cases (same rules as the web
form and the API): the step moves, the checklist is ticked, bad rows go to quarantine."""

from __future__ import annotations

import datetime as dt

import pytest

from miaf.web.intake.services.importer import import_files
from miaf.web.process.models import ChecklistTick, Evidence, Status, StepRecord
from tests.intake import exportwriters as ew
from tests.intake.conftest import intake_world  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db
LAYOUT = ew.FormLayout("miaf_process", "Evidencia de un paso del proceso",
                       ["group", "stage", "status", "on", "out_of_order_reason", "checklist", "notes", "photo"], {})
TODAY = dt.date.today()


def sub(n: int, values: dict) -> ew.Sub:
    return ew.Sub(f"80000000-{n:04d}-4000-8000-{n:012d}", values, version="2026120401")


def test_a_process_submission_starts_the_step_ticks_the_checklist_and_keeps_the_notes(intake_world, tmp_path):  # noqa: F811
    group = str(intake_world.group_ojo.pk)
    subs = [
        sub(1, {"group": group, "stage": "5", "status": "in_progress", "on": (TODAY - dt.timedelta(days=3)).isoformat(),
                "checklist": "s5_1 s5_6", "notes": "Intercambio con el grupo de Comitán"}),
        # Closed before step 4 is done, without a reason: refused by the use case.
        sub(2, {"group": group, "stage": "5", "status": "done", "on": TODAY.isoformat()}),
        # A group that is not ana's.
        sub(3, {"group": str(intake_world.group_vergel.pk), "stage": "1", "status": "in_progress", "on": TODAY.isoformat()}),
        # A date in the future.
        sub(4, {"group": group, "stage": "1", "status": "in_progress", "on": (TODAY + dt.timedelta(days=5)).isoformat()}),
    ]
    report = import_files([ew.write_odk_zip(tmp_path / "process.zip", LAYOUT, subs)], "process", user=intake_world.ana)
    assert (report.imported, report.quarantined) == (1, 3)
    record = StepRecord.objects.get(group=intake_world.group_ojo, stage__number=5)
    assert record.status == Status.IN_PROGRESS and record.responsible == intake_world.ana
    assert ChecklistTick.objects.filter(record=record, done=True).count() == 2
    assert Evidence.objects.get(record=record).note == "Intercambio con el grupo de Comitán"
    messages = " ".join(r["message_es"] for q in report.quarantine for r in q["reasons"])
    assert "motivo" in messages
