"""``kill -9`` in the middle of an import, a form save and a report job leaves a consistent database
(issue 14, item 9), on SQLite and on the database ``DATABASE_URL`` names (see ``conftest.py``).

Each write runs in a child process that stops at a known point *inside* its transaction (a test hook or a
signal receiver installed by the child's own script), touches a marker file and sleeps; the test then sends
SIGKILL and looks at the rows: nothing half-saved, and the database takes the same write again.
"""

from __future__ import annotations

import json
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.intake import exportwriters as ew

pytestmark = pytest.mark.slow

IMPORT = """
import argparse, sys
from miaf.web.intake.cli import register
p = argparse.ArgumentParser(); register(p.add_subparsers(dest="command"))
a = p.parse_args(sys.argv[1:]); sys.exit(a.func(a))
"""
#: The harvest form's use case (records.services.save_harvest, which the form view and the API call); with a
#: marker argument it stops after the harvest row is inserted, before its destinations, inside the transaction.
SAVE = """
import datetime as dt, json, sys, time, django
django.setup()
from django.contrib.auth import get_user_model
from django.db.models.signals import post_save
from miaf.web.records.models import Harvest
from miaf.web.records.services import save_harvest
ids, marker = json.loads(sys.argv[1]), sys.argv[2] if len(sys.argv) > 2 else ""
def stop(sender, instance, **kw):
    open(marker, "w").write(str(instance.pk))
    time.sleep(3600)
if marker:
    post_save.connect(stop, sender=Harvest)
user = get_user_model().objects.get(pk=ids["user"])
h = save_harvest(user, {"plot_id": ids["plot"], "species_id": ids["maize"], "harvested_on": dt.date(2024, 10, 1),
                        "quantity_kg": 100}, [{"destination": "self", "kg": 60}])
print(h.pk)
"""
#: A report job run as ``miaf report --job`` runs it (evidence.jobs.run_job), its pid recorded as start_job
#: does; it stops once the job is running (the first progress step).
REPORT = """
import json, os, sys, time, django
django.setup()
from django.contrib.auth import get_user_model
from miaf.web.evidence import jobs
from miaf.web.evidence.models import ReportJob
ids, marker = json.loads(sys.argv[1]), sys.argv[2]
job = jobs.create_job(get_user_model().objects.get(pk=ids["user"]), {}, "html")
ReportJob.objects.filter(pk=job.pk).update(pid=os.getpid())
def stop(job_id, echo):
    def update(pct, stage):
        open(marker, "w").write(str(job_id))
        time.sleep(3600)
    return update
jobs._updater = stop
jobs.run_job(job.pk)
"""
AFTER_REPORT = """
import json, sys, django
django.setup()
from django.contrib.auth import get_user_model
from miaf.web.evidence import jobs
from miaf.web.evidence.models import ReportJob
job = ReportJob.objects.get(pk=int(sys.argv[1]))
before = job.status
reaped = jobs.reap_interrupted([job])
job.refresh_from_db()
again = jobs.create_job(job.user, {}, "html")  # the user may start the report again
print(json.dumps({"before": before, "reaped": reaped, "status": job.status, "message": job.message,
                  "output": job.output, "finished": job.finished is not None, "again": again.status}))
"""


def setup_world(db) -> dict:  # noqa: ANN001
    from tests.faults.conftest import SETUP

    return json.loads(db.run(SETUP).stdout.strip().splitlines()[-1])


def kill_at_marker(proc: subprocess.Popen, marker: Path, timeout: float = 120) -> str:
    deadline = time.monotonic() + timeout
    try:
        while not marker.exists() or not marker.read_text():
            assert proc.poll() is None, proc.stderr.read().decode()
            assert time.monotonic() < deadline, "the child never reached its stopping point"
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL
    return marker.read_text()


def harvests(ids: dict, n: int, offset: int = 0) -> list[ew.Sub]:
    return [
        ew.Sub(f"kill0000-0000-4000-8000-{i:012d}",
               {"family": "KIL-001", "plot": str(ids["plot"]), "crop": "maiz", "harvested_on": "2024-10-01",
                "quantity_kg": "100"},
               {"sales": [{"destination": "self", "sale_kg": "60"}]})
        for i in range(offset, offset + n)
    ]


TABLES = ("records_harvest", "records_harvestdestination", "intake_importbatch", "intake_importedsubmission")


def test_kill_during_an_import_leaves_no_part_of_the_batch(fault_db, tmp_path):
    ids = setup_world(fault_db)
    small = ew.write_odk_zip(tmp_path / "small.zip", ew.HARVEST, harvests(ids, 5))
    fault_db.run(IMPORT, "import", str(small), "--form", "harvest")
    before = fault_db.counts(*TABLES)
    assert before == (5, 5, 1, 5)
    big = ew.write_odk_zip(tmp_path / "big.zip", ew.HARVEST, harvests(ids, 1500, offset=5))
    marker = tmp_path / "paused"
    proc = fault_db.popen(IMPORT, "import", str(big), "--form", "harvest",
                          env={"MIAF_INTAKE_PAUSE_AFTER": "1000", "MIAF_INTAKE_PAUSE_FILE": str(marker)})
    assert int(kill_at_marker(proc, marker)) >= 1000  # 1,000 rows written inside the batch's transaction …
    assert fault_db.counts(*TABLES) == before  # … none survived, nor the batch row
    done = fault_db.run(IMPORT, "import", str(big), "--form", "harvest", "--json")
    assert json.loads(done.stdout)["imported"] == 1500  # the same file imports whole afterwards
    assert fault_db.counts(*TABLES) == (1505, 1505, 2, 1505)


def test_kill_during_a_form_save_leaves_neither_the_harvest_nor_its_destinations(fault_db, tmp_path):
    ids = setup_world(fault_db)
    history = "records_historicalharvest"
    before = fault_db.counts("records_harvest", "records_harvestdestination", history)
    marker = tmp_path / "saving"
    harvest_id = kill_at_marker(fault_db.popen(SAVE, json.dumps(ids), str(marker)), marker)
    assert int(harvest_id) > 0  # the harvest row had been inserted in the open transaction …
    assert fault_db.counts("records_harvest", "records_harvestdestination", history) == before  # … and is gone
    fault_db.run(SAVE, json.dumps(ids))  # the database takes the same save afterwards
    assert fault_db.counts("records_harvest", "records_harvestdestination") == (before[0] + 1, before[1] + 1)


def test_kill_during_a_report_job_marks_it_failed_and_the_user_can_start_it_again(fault_db, tmp_path):
    ids = setup_world(fault_db)
    marker = tmp_path / "reporting"
    job_id = kill_at_marker(fault_db.popen(REPORT, json.dumps(ids), str(marker)), marker)
    after = json.loads(fault_db.run(AFTER_REPORT, job_id).stdout.strip().splitlines()[-1])
    assert after["before"] == "running"  # the job showed "en proceso" when its process died …
    assert (after["reaped"], after["status"], after["finished"]) == (1, "failed", True)  # … now failed,
    assert after["message"].startswith("interrumpido") and after["output"] == ""  # with no file to download
    assert after["again"] == "queued"  # and a new job can be started (the dead one does not count as active)
