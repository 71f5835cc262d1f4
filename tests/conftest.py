"""Shared test world with named personas (in the style of healthchecks' hc/test.py).

* ``carla``: coordinator of PROASUS (sees everything in PROASUS);
* ``ana``: promoter assigned to group "Ojo de Agua" only;
* ``beto``: promoter assigned to group "El Vergel" only;
* ``diego``: analyst at PROASUS (aggregates only, never personal data);
* ``root``: administrator;
* ``olga``: coordinator of another organisation (sees none of PROASUS's families).

Families: ``fam_ojo`` (group Ojo de Agua, with a MIAF-D plot) and ``fam_vergel`` (group El Vergel, with a
traditional plot).
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass

import pytest

os.environ.setdefault("MIAF_TESTING", "true")

PASSWORD = "milpa-con-frutales-2011"

OJO_POLYGON = {
    "type": "Polygon",
    "coordinates": [[[-91.9800, 16.3100], [-91.9790, 16.3100], [-91.9790, 16.3109], [-91.9800, 16.3109], [-91.9800, 16.3100]]],
}
VERGEL_POLYGON = {
    "type": "Polygon",
    "coordinates": [[[-92.1000, 16.2000], [-92.0985, 16.2000], [-92.0985, 16.2010], [-92.1000, 16.2010], [-92.1000, 16.2000]]],
}


@dataclass
class World:
    carla: object
    ana: object
    beto: object
    diego: object
    root: object
    olga: object
    proasus: object
    org_coffee: object
    other_osc: object
    group_ojo: object
    group_vergel: object
    group_other: object
    fam_ojo: object
    fam_vergel: object
    fam_other: object
    plot_ojo: object
    plot_vergel: object
    plot_other: object
    municipality: object
    locality: object

    @property
    def users(self) -> dict[str, object]:
        return {n: getattr(self, n) for n in ("carla", "ana", "beto", "diego", "root", "olga")}


@pytest.fixture
def world(db) -> World:  # noqa: ANN001
    from miaf.web.accounts.services import create_user
    from miaf.web.plots.models import Plot, System
    from miaf.web.plots.services import convert_plot, register_plot
    from miaf.web.registry.models import (
        Family,
        Group,
        Locality,
        Member,
        Membership,
        Municipality,
        Organisation,
    )

    mun = Municipality.objects.create(state_code="07", code="052", name="Las Margaritas", rainfall_normal_mm=1900)
    loc = Locality.objects.create(name="Ojo de Agua", municipality=mun, latitude=16.31, longitude=-91.98)
    proasus = Organisation.objects.create(name="Promotores del Autodesarrollo Sustentable de Chiapas",
                                          short_name="PROASUS", kind="accompanying")
    other_osc = Organisation.objects.create(name="Otra OSC", short_name="OTRA", kind="accompanying")
    coffee = Organisation.objects.create(name="Cafetaleros Orgánicos", kind="producer", accompanied_by=proasus)
    other_prod = Organisation.objects.create(name="Productores de Otra", kind="producer", accompanied_by=other_osc)
    g_ojo = Group.objects.create(name="Ojo de Agua", locality=loc, producer_organisation=coffee)
    g_vergel = Group.objects.create(name="El Vergel", locality=loc, producer_organisation=coffee)
    g_other = Group.objects.create(name="Grupo ajeno", locality=loc, producer_organisation=other_prod)

    def family(code: str, name: str, group) -> Family:  # noqa: ANN001
        f = Family.objects.create(code=code, name=name, locality=loc)
        Membership.objects.create(family=f, group=group, joined_on=dt.date(2011, 3, 1))
        Member.objects.create(family=f, name=f"Jefa {name}", sex="F", birth_year=1975, role="head", languages=["es", "tzh"])
        return f

    fam_ojo = family("OJO-001", "Familia Gómez Pérez", g_ojo)
    fam_vergel = family("VER-001", "Familia López Díaz", g_vergel)
    fam_other = family("OTR-001", "Familia Ajena", g_other)

    def plot(fam, poly, name) -> Plot:  # noqa: ANN001
        p = Plot(family=fam, name=name, boundary=poly, mean_slope_pct=30, soil_depth_class="deep")
        return register_plot(p, since=dt.date(2005, 1, 1))

    plot_ojo = plot(fam_ojo, OJO_POLYGON, "La Ladera")
    convert_plot(plot_ojo, System.MIAF_D, dt.date(2012, 5, 15))
    plot_vergel = plot(fam_vergel, VERGEL_POLYGON, "El Cerrito")
    plot_other = plot(fam_other, VERGEL_POLYGON, "Ajena")

    users = dict(
        carla=create_user("carla", PASSWORD, "coordinator", organisation="PROASUS"),
        ana=create_user("ana", PASSWORD, "promoter", organisation="PROASUS", groups=["Ojo de Agua"]),
        beto=create_user("beto", PASSWORD, "promoter", organisation="PROASUS", groups=["El Vergel"]),
        diego=create_user("diego", PASSWORD, "analyst", organisation="PROASUS"),
        root=create_user("root", PASSWORD, "administrator"),
        olga=create_user("olga", PASSWORD, "coordinator", organisation="OTRA"),
    )
    return World(
        **users, proasus=proasus, org_coffee=coffee, other_osc=other_osc, group_ojo=g_ojo, group_vergel=g_vergel,
        group_other=g_other, fam_ojo=fam_ojo, fam_vergel=fam_vergel, fam_other=fam_other, plot_ojo=plot_ojo,
        plot_vergel=plot_vergel, plot_other=plot_other, municipality=mun, locality=loc,
    )


@pytest.fixture
def client_for(client):  # noqa: ANN001, ANN201
    """``client_for(user)`` returns the test client logged in as that user."""

    def login(user):  # noqa: ANN001, ANN202
        client.force_login(user)
        return client

    return login


@pytest.fixture(autouse=True)
def _fresh_dashboard_store():
    """Every test starts without cached dashboard or environment results (they are keyed by a data version
    that two tests' worlds could in principle share)."""
    from django.core.cache import caches

    from miaf.web.dashboard.cache import clear_local

    caches["dashboard"].clear()
    caches["throttle"].clear()  # failed-login counters: one test's wrong passwords never lock out the next
    clear_local()
    from miaf.web.core import memo

    memo.clear()  # the market and trade results kept in process memory
    yield


@pytest.fixture
def spawned(settings, monkeypatch):  # noqa: ANN001, ANN201
    """Programme-scale mode (``background_min_families`` = 1) with the background work the pages start
    captured, not run: the list of functions the test runs when it wants the build to happen."""
    from miaf.web.dashboard import builds

    settings.MIAF_DASHBOARD_BACKGROUND_MIN_FAMILIES = 1
    jobs: list = []
    monkeypatch.setattr(builds, "spawn", lambda name, fn: jobs.append(fn))
    return jobs


# Fixtures through which a test reaches a database (pytest-django's, and the projects' own that build a database
# outside the test transaction). Under MIAF_DATABASE_TESTS_ONLY=true (CI's PostgreSQL pass) only the tests that
# reach a database run: the rest (science, forms, CLI on files) never touch one and already ran on SQLite.
_DATABASE_FIXTURES = {"django_db_setup", "fault_db", "two_postgres_databases"}


def pytest_collection_modifyitems(config, items):  # noqa: ANN001, ANN201
    # Never reorder here: pytest-django runs the tests that flush the database (transactional, live server) after
    # the others, and xdist's default "load" scheduling keeps that order on each worker.
    if os.environ.get("MIAF_DATABASE_TESTS_ONLY", "").lower() not in {"1", "true", "yes"}:
        return
    keep, drop = [], []
    for item in items:
        reaches = bool(_DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))) or item.get_closest_marker("django_db")
        (keep if reaches else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(autouse=True)
def _no_language_left_active():  # noqa: ANN202
    """A request in English leaves English active in the thread; each test starts from the default language."""
    yield
    from django.utils import translation

    translation.deactivate()
