"""Programme-scale dashboard: the page never computes, it shows progress, then the results, then stale
results while a background build replaces them; a failed build says so; the data version is read in the
background when reading it is slow.

``background_min_families`` is set to 1 so that the two-family test world behaves like 100,000 families. The
background threads are captured (``builds.spawn``) and run by the test, on the test's connection, so the
test sees exactly what a second request would see before and after the build.
"""

from __future__ import annotations

import datetime as dt
import html as htmllib
import re

import pytest

from miaf.indicators import compute_indicators
from miaf.web.dashboard import builds, cache
from miaf.web.evidence.extract import load_tables

from .test_dashboard import map_data, shown

pytestmark = pytest.mark.django_db

STATE = re.compile(r'id="dashboard-panel"[^>]*data-state="([a-z]+)"')


def run_all(jobs: list) -> int:
    n = 0
    while jobs:
        jobs.pop(0)()
        n += 1
    return n


def state_of(html: str) -> str:
    return STATE.search(html).group(1)


def test_the_first_visit_shows_progress_and_polls_then_the_figures_of_the_records(records, client_for, spawned):
    client = client_for(records.carla)
    first = client.get("/").content.decode()
    assert state_of(first) == "pending"
    assert "Calculando las cifras del programa" in first and "<progress" in first
    assert 'hx-trigger="every 2s"' in first and "X-Dashboard-Status" in first
    assert shown(first) == {}  # no figure before it has been computed
    assert len(spawned) == 1

    again = client.get("/").content.decode()  # a second visit while the build runs starts nothing new
    assert state_of(again) == "pending" and len(spawned) == 1
    status = client.get("/", HTTP_HX_REQUEST="true", HTTP_X_DASHBOARD_STATUS="pending")
    assert status.content.decode().lstrip().startswith('<p class="dash-status pending"')

    assert run_all(spawned) == 1
    done = client.get("/", HTTP_HX_REQUEST="true", HTTP_X_DASHBOARD_STATUS="pending")
    assert done["HX-Refresh"] == "true"  # first results: reload, which also fills the filter choices
    page = client.get("/").content.decode()
    assert state_of(page) == "fresh" and "dash-status" not in page
    expected = compute_indicators(load_tables(records.carla), {})
    got = shown(page)
    assert got["families"] == expected.value("families") == 2
    assert got["gross_income_per_family"] == pytest.approx(expected.value("gross_income_per_family"), rel=1e-12)
    assert spawned == []  # fresh results: nothing to build


def test_after_a_change_the_old_figures_are_shown_as_stale_until_the_new_ones_are_built(records, client_for, spawned):
    from miaf.web.registry.models import Family, Membership

    client = client_for(records.carla)
    client.get("/")
    run_all(spawned)
    assert shown(client.get("/").content.decode())["families"] == 2

    fam = Family.objects.create(code="OJO-002", name="Familia Nueva", locality=records.locality)
    Membership.objects.create(family=fam, group=records.group_ojo, joined_on=dt.date(2015, 1, 1))
    stale = client.get("/").content.decode()
    assert state_of(stale) == "stale"
    assert "antes de los últimos cambios; se están actualizando" in stale and 'hx-trigger="every 5s"' in stale
    assert shown(stale)["families"] == 2  # the figures of the previous data, labelled as such
    assert len(spawned) == 1

    status = client.get("/", HTTP_HX_REQUEST="true", HTTP_X_DASHBOARD_STATUS="stale")
    assert status.content.decode().lstrip().startswith('<p class="dash-status stale"')
    run_all(spawned)
    fresh = client.get("/", HTTP_HX_REQUEST="true", HTTP_X_DASHBOARD_STATUS="stale")
    assert fresh["HX-Retarget"] == "#dashboard-panel" and fresh["HX-Reswap"] == "outerHTML"
    assert shown(fresh.content.decode())["families"] == 3


def test_a_filter_is_built_in_the_background_too_and_keeps_its_own_results(records, client_for, spawned):
    client = client_for(records.carla)
    client.get("/")
    run_all(spawned)
    url = f"/?group={records.group_ojo.pk}"
    assert state_of(client.get(url).content.decode()) == "pending"  # this filter was never computed
    run_all(spawned)
    assert shown(client.get(url).content.decode())["families"] == 1
    assert shown(client.get("/").content.decode())["families"] == 2


def test_a_failed_build_is_reported_on_the_page_and_retried(records, client_for, spawned, monkeypatch):
    from miaf.web.dashboard import services

    def broken(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise ValueError("tabla inconsistente")

    client = client_for(records.carla)
    client.get("/")
    real = services.figure_rows
    monkeypatch.setattr(services, "figure_rows", broken)
    run_all(spawned)
    page = client.get("/").content.decode()
    assert "El cálculo de las cifras falló; se intenta de nuevo" in page and "tabla inconsistente" in page
    assert len(spawned) == 1  # the visit started the build again
    monkeypatch.setattr(services, "figure_rows", real)
    run_all(spawned)
    assert shown(client_for(records.carla).get("/").content.decode())["families"] == 2


def test_the_analyst_never_sees_personal_data_while_pending_or_stale(records, client_for, spawned):
    from miaf.web.plots.models import Plot
    from miaf.web.registry.models import Family, Member

    client = client_for(records.diego)
    pending = client.get("/").content.decode()
    run_all(spawned)
    page = client.get("/").content.decode()
    Family.objects.create(code="OJO-002", name="Familia Nueva", locality=records.locality)
    stale = client.get("/").content.decode()
    status = client.get("/", HTTP_HX_REQUEST="true", HTTP_X_DASHBOARD_STATUS="stale").content.decode()
    assert [state_of(h) for h in (pending, page, stale)] == ["pending", "fresh", "stale"]
    assert map_data(page)["mode"] == map_data(stale)["mode"] == "municipalities"
    secrets = [*Family.objects.values_list("name", flat=True), *Family.objects.values_list("code", flat=True),
               *Member.objects.values_list("name", flat=True), *Plot.objects.values_list("name", flat=True)]
    coordinates = [f"{x:.4f}" for pair in Plot.objects.values_list("centroid_lat", "centroid_lon") for x in pair]
    for html in (pending, page, stale, status):
        text = htmllib.unescape(html)
        for secret in [*secrets, *coordinates]:
            assert secret not in text, secret


def test_a_slow_data_version_is_kept_and_read_again_in_the_background(records, settings, spawned):
    from miaf.web.registry.models import Family

    settings.MIAF_DASHBOARD_VERSION_TTL_S = 15
    settings.MIAF_DASHBOARD_VERSION_SYNC_MAX_S = 0.5
    before = cache.read_version()
    cache.store().set("dash:data-version", (before, 0.0, 2.5), None)  # read long ago, and it took 2.5 s
    Family.objects.create(code="OJO-099", name="Familia Nueva", locality=records.locality)
    assert cache.data_version() == before and len(spawned) == 1  # the page does not wait for the count
    assert cache.data_version() == before and len(spawned) == 1  # one refresh at a time
    run_all(spawned)
    assert cache.data_version() == cache.read_version() != before


def test_a_build_left_by_a_stopped_server_is_started_again_at_once(records, client_for, spawned):
    import subprocess

    client = client_for(records.carla)
    client.get("/")
    assert len(spawned) == 1
    spawned.clear()  # the build never runs: the server "stopped" in the middle of it
    builds._RUNNING.clear()
    gone = subprocess.Popen(["true"])
    gone.wait()  # a process id that no longer exists
    store = cache.store()  # LocMemCache in tests: its keys are ":1:<key>"
    keys = [k.split(":", 2)[2] for k in store._cache if k.startswith(":1:dash:build:")]
    assert len(keys) == 1
    progress = store.get(keys[0])
    progress.pid = gone.pid
    store.set(keys[0], progress, 60)
    assert state_of(client.get("/").content.decode()) == "pending"
    assert len(spawned) == 1  # started again, not waiting build_timeout_s
    run_all(spawned)
    assert shown(client.get("/").content.decode())["families"] == 2
