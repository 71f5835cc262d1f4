"""A ``kill -9`` in the middle of an import leaves the database as it was before the batch.

The import runs in a subprocess against a file-backed SQLite database (WAL, as in production). A test hook
(``MIAF_INTAKE_PAUSE_AFTER``) makes it stop after 1,000 of 3,000 rows — after those rows were written
inside the batch's transaction — and touch a file; the test then kills it with SIGKILL.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.intake import exportwriters as ew

ROOT = Path(__file__).resolve().parents[2]
SETUP = """
import datetime as dt, django
django.setup()
from miaf.web.registry.models import Family, Locality, Municipality
from miaf.web.plots.models import Plot
from miaf.web.plots.services import register_plot
mun = Municipality.objects.create(state_code="07", code="052", name="Las Margaritas")
loc = Locality.objects.create(name="Ojo de Agua", municipality=mun)
fam = Family.objects.create(code="KIL-001", name="Familia de prueba", locality=loc)
poly = {"type": "Polygon", "coordinates": [[[-91.98, 16.31], [-91.979, 16.31], [-91.979, 16.3109], [-91.98, 16.3109], [-91.98, 16.31]]]}
plot = register_plot(Plot(family=fam, name="P", boundary=poly), since=dt.date(2010, 1, 1))
print(plot.pk)
"""
CLI = """
import argparse, sys
from miaf.web.intake.cli import register
p = argparse.ArgumentParser(); register(p.add_subparsers(dest="command"))
a = p.parse_args(sys.argv[1:]); sys.exit(a.func(a))
"""


def subs(plot: str, n: int, offset: int = 0) -> list[ew.Sub]:
    return [
        ew.Sub(f"kill0000-0000-4000-8000-{i:012d}",
               {"family": "KIL-001", "plot": plot, "crop": "maiz", "harvested_on": "2024-10-01", "quantity_kg": "100"},
               {"sales": [{"destination": "self", "sale_kg": "60"}]})
        for i in range(offset, offset + n)
    ]


def counts(db: Path) -> tuple[int, int, int, int]:
    with sqlite3.connect(db) as con:
        return tuple(con.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in (
            "records_harvest", "records_harvestdestination", "intake_importbatch", "intake_importedsubmission"))


@pytest.mark.slow
def test_killing_an_import_half_way_leaves_nothing_partial(tmp_path):
    db = tmp_path / "miaf.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "MIAF_VAR_DIR": str(tmp_path),
           "DJANGO_SETTINGS_MODULE": "miaf.web.settings", "MIAF_TESTING": "true"}
    env.pop("MIAF_INTAKE_PAUSE_AFTER", None)
    py = sys.executable
    subprocess.run([py, "-m", "miaf.cli", "manage", "migrate", "-v", "0"], env=env, check=True, cwd=tmp_path)
    plot = subprocess.run([py, "-c", SETUP], env=env, check=True, cwd=tmp_path, capture_output=True,
                          text=True).stdout.strip()
    first = ew.write_odk_zip(tmp_path / "first.zip", ew.HARVEST, subs(plot, 10))
    subprocess.run([py, "-c", CLI, "import", str(first), "--form", "harvest"], env=env, check=True, cwd=tmp_path,
                   capture_output=True)
    before = counts(db)
    assert before == (10, 10, 1, 10)

    big = ew.write_odk_zip(tmp_path / "big.zip", ew.HARVEST, subs(plot, 3000, offset=10))
    marker = tmp_path / "paused"
    proc = subprocess.Popen([py, "-c", CLI, "import", str(big), "--form", "harvest"], cwd=tmp_path,
                            env={**env, "MIAF_INTAKE_PAUSE_AFTER": "1000", "MIAF_INTAKE_PAUSE_FILE": str(marker)},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while not marker.exists():
            assert proc.poll() is None, proc.stderr.read().decode()
            assert time.monotonic() < deadline, "the import never reached its pause point"
            time.sleep(0.1)
        assert int(marker.read_text()) >= 1000  # rows were written inside the open transaction …
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL
    assert counts(db) == before  # … and none of them survived the kill

    # The database is usable afterwards: the same file imports completely.
    done = subprocess.run([py, "-c", CLI, "import", str(big), "--form", "harvest", "--json"], env=env, cwd=tmp_path,
                          capture_output=True, text=True, check=True)
    assert '"imported": 3000' in done.stdout
    assert counts(db) == (3010, 3010, 2, 3010)
