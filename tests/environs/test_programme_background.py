"""The programme environment page at programme scale: built in the background like the dashboard, with
progress first, the figures of the records after, and the previous figures (labelled) after a change."""

from __future__ import annotations

import re

import pytest

from miaf.web.environs.services import programme_environment

pytestmark = pytest.mark.django_db

STATE = re.compile(r'id="environment-panel" data-state="([a-z]+)"')


def test_progress_then_the_figures_then_stale_figures_after_a_change(client_for, world, env_records, spawned):
    client = client_for(world.carla)
    url = "/ambiente/programa/?anio=2020"
    pending = client.get(url).content.decode()
    assert STATE.search(pending).group(1) == "pending" and "<progress" in pending
    assert 'data-section="erosion"' not in pending and len(spawned) == 1
    status = client.get(url, HTTP_HX_REQUEST="true", HTTP_X_DASHBOARD_STATUS="pending")
    assert status.content.decode().lstrip().startswith('<p class="dash-status pending"')

    spawned.pop()()
    assert client.get(url, HTTP_HX_REQUEST="true", HTTP_X_DASHBOARD_STATUS="pending")["HX-Refresh"] == "true"
    page = client.get(url).content.decode()
    assert STATE.search(page).group(1) == "fresh" and 'data-section="erosion"' in page
    expected = programme_environment(world.carla, 2020)
    assert int(re.search(r"2020 · (\d+) parcelas", page).group(1)) == expected["plots"] > 0

    world.plot_ojo.mean_slope_pct = 45
    world.plot_ojo.save()
    stale = client.get(url).content.decode()
    assert STATE.search(stale).group(1) == "stale" and "antes de los últimos cambios" in stale
    assert 'data-section="erosion"' in stale and len(spawned) == 1
    spawned.pop()()
    assert STATE.search(client.get(url).content.decode()).group(1) == "fresh"


def test_small_scopes_are_computed_in_the_request_and_cached(client_for, world, env_records, settings):
    client = client_for(world.carla)
    first = client.get("/ambiente/programa/?anio=2020").content.decode()
    assert STATE.search(first).group(1) == "fresh" and "dash-status" not in first
    assert client.get("/ambiente/programa/?anio=2020").content.decode().count('data-section="erosion"') == 1


def test_the_api_answers_202_with_progress_then_the_figures_at_programme_scale(client, world, env_records,
                                                                                 spawned):
    from miaf.web.accounts.models import ApiToken

    token = ApiToken.issue(world.carla, "api")[1]

    def get():  # noqa: ANN202
        return client.get("/api/v1/environment/programme", {"year": 2020}, HTTP_AUTHORIZATION=f"Bearer {token}")

    first = get()
    assert first.status_code == 202 and first.json()["state"] == "pending" and len(spawned) == 1
    spawned.pop()()
    body = get().json()
    assert body["state"] == "fresh" and body["plots"] == programme_environment(world.carla, 2020)["plots"] > 0
