"""A throw-away database for the fault tests, file-backed, reachable from child processes.

SQLite (default): a file migrated once per session and copied for each test. With ``DATABASE_URL`` naming a
PostgreSQL server, a database migrated once per session (``miaf_faults_tpl_<pid>``) and cloned for each
test with ``CREATE DATABASE … TEMPLATE``; both are dropped at the end. The tests never touch pytest-django's
test database: every write happens in a child process, which is what gets killed.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

PY = sys.executable
SETUP = """
import datetime as dt, json, django
django.setup()
from miaf.web.accounts.services import create_user
from miaf.web.catalogue.models import Species
from miaf.web.plots.models import Plot
from miaf.web.plots.services import register_plot
from miaf.web.registry.models import Family, Group, Locality, Membership, Municipality, Organisation
mun = Municipality.objects.create(state_code="07", code="052", name="Las Margaritas")
loc = Locality.objects.create(name="Ojo de Agua", municipality=mun)
osc = Organisation.objects.create(name="Promotores del Autodesarrollo", short_name="PROASUS", kind="accompanying")
coop = Organisation.objects.create(name="Cafetaleros", kind="producer", accompanied_by=osc)
group = Group.objects.create(name="Ojo de Agua", locality=loc, producer_organisation=coop)
fam = Family.objects.create(code="KIL-001", name="Familia de prueba", locality=loc)
Membership.objects.create(family=fam, group=group, joined_on=dt.date(2011, 3, 1))
poly = {"type": "Polygon", "coordinates": [[[-91.98, 16.31], [-91.979, 16.31], [-91.979, 16.3109], [-91.98, 16.3109], [-91.98, 16.31]]]}
plot = register_plot(Plot(family=fam, name="P", boundary=poly), since=dt.date(2010, 1, 1))
carla = create_user("carla", "una clave larga 2011", "coordinator", organisation="PROASUS", validate=False)
print(json.dumps({"plot": plot.pk, "family": fam.pk, "user": carla.pk,
                  "maize": Species.objects.get(code="maiz").pk}))
"""


@dataclass
class FaultDB:
    env: dict[str, str]
    url: str
    cwd: Path

    def run(self, code: str, *args: str, **kw: Any) -> subprocess.CompletedProcess:
        return subprocess.run([PY, "-c", code, *args], env={**self.env, **kw.pop("env", {})}, cwd=self.cwd,
                              capture_output=True, text=True, check=True, **kw)

    def popen(self, code: str, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen:
        return subprocess.Popen([PY, "-c", code, *args], env={**self.env, **(env or {})}, cwd=self.cwd,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def scalar(self, sql: str) -> Any:
        if self.url.startswith("sqlite"):
            with sqlite3.connect(self.url.removeprefix("sqlite:///")) as con:
                return con.execute(sql).fetchone()[0]
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as con:
            return con.execute(sql).fetchone()[0]

    def counts(self, *tables: str) -> tuple[int, ...]:
        return tuple(int(self.scalar(f"SELECT COUNT(*) FROM {t}")) for t in tables)


def _env(url: str, var: Path) -> dict[str, str]:
    env = {**os.environ, "DATABASE_URL": url, "MIAF_VAR_DIR": str(var), "DJANGO_SETTINGS_MODULE": "miaf.web.settings",
           "MIAF_TESTING": "true"}
    for name in ("MIAF_INTAKE_PAUSE_AFTER", "MIAF_INTAKE_PAUSE_FILE"):
        env.pop(name, None)
    return env


def _psql(server: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as con:
        con.execute(sql)


@pytest.fixture(scope="session")
def fault_template(tmp_path_factory) -> Iterator[tuple[str, str]]:  # noqa: ANN001
    url = os.environ.get("DATABASE_URL", "")
    folder = tmp_path_factory.mktemp("faults")
    if url.startswith("postgres"):
        server = url.rsplit("/", 1)[0]
        name = f"miaf_faults_tpl_{os.getpid()}"
        _psql(server, f'DROP DATABASE IF EXISTS "{name}"')
        _psql(server, f'CREATE DATABASE "{name}"')
        try:
            subprocess.run([PY, "-m", "miaf.cli", "manage", "migrate", "-v", "0"], env=_env(f"{server}/{name}", folder),
                           check=True, cwd=folder)
            yield "postgres", f"{server}/{name}"
        finally:
            _psql(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        db = folder / "template.sqlite3"
        subprocess.run([PY, "-m", "miaf.cli", "manage", "migrate", "-v", "0"], env=_env(f"sqlite:///{db}", folder),
                       check=True, cwd=folder)
        yield "sqlite", f"sqlite:///{db}"


@pytest.fixture
def fault_db(fault_template, tmp_path) -> Iterator[FaultDB]:  # noqa: ANN001
    kind, template = fault_template
    if kind == "postgres":
        server, tpl = template.rsplit("/", 1)
        name = f"miaf_faults_{os.getpid()}_{abs(hash(tmp_path.name)) % 10**8}"
        _psql(server, f'CREATE DATABASE "{name}" TEMPLATE "{tpl}"')
        url = f"{server}/{name}"
    else:
        shutil.copy(template.removeprefix("sqlite:///"), tmp_path / "miaf.sqlite3")
        url = f"sqlite:///{tmp_path / 'miaf.sqlite3'}"
        name = ""
    try:
        yield FaultDB(_env(url, tmp_path), url, tmp_path)
    finally:
        if kind == "postgres":
            _psql(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
