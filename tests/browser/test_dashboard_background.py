"""The programme-scale dashboard in Debian's Chromium: the progress panel polls until the figures are built
in the background, the page reloads itself with them, and after a change the stale figures are replaced
in place (htmx ``HX-Refresh`` and ``HX-Retarget``) without a click.

``background_min_families`` is 1, so the 40-family demo takes the path of a 100,000-family programme; the
build runs in a real thread of the live server.
"""

from __future__ import annotations

import threading

import pytest

from tests.browser.conftest import CHROMIUM
from tests.browser.test_journeys import figure_value, log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium (make browsers installs it)"),
]


@pytest.fixture
def background(demo_site, settings, monkeypatch):  # noqa: ANN001, ANN201
    """Dashboard builds in threads of the live server (SQLite: on its shared in-memory connection)."""
    from django.db import connections

    from miaf.web.dashboard import builds

    settings.MIAF_DASHBOARD_BACKGROUND_MIN_FAMILIES = 1
    shared = connections["default"].vendor == "sqlite"
    threads: list[threading.Thread] = []

    def spawn(name: str, fn) -> None:  # noqa: ANN001
        conn = connections["default"] if shared else None

        def run() -> None:
            if conn is not None:
                connections["default"] = conn
            try:
                fn()
            finally:
                if conn is None:
                    connections.close_all()

        thread = threading.Thread(target=run, name=f"dashboard-{name}", daemon=True)
        thread.start()
        threads.append(thread)

    monkeypatch.setattr(builds, "spawn", spawn)
    yield demo_site
    for thread in threads:
        thread.join(timeout=120)


def test_the_dashboard_builds_in_the_background_then_refreshes_itself(background, browser_page):
    from miaf.web.registry.models import Family, Group, Locality, Membership

    page, base = browser_page, background.url
    log_in(page, base, "coordinadora")
    assert page.locator("#dashboard-panel[data-state='pending'] .dash-status progress").count() == 1
    # the status line polls; when the build is done the page reloads with the figures and the filter choices
    page.wait_for_selector("#dashboard-panel[data-state='fresh'] [data-code='families']", timeout=60_000)
    families = figure_value(page, "families")
    assert families == 40
    assert page.locator("#id_municipality option").count() > 1

    group = Group.objects.order_by("pk").first()
    fam = Family.objects.create(code="NUEVA-001", name="Familia Nueva", locality=Locality.objects.first())
    Membership.objects.create(family=fam, group=group, joined_on="2015-01-01")
    page.reload()
    page.wait_for_selector("#dashboard-panel[data-state='stale'] .dash-status", timeout=20_000)
    assert figure_value(page, "families") == 40  # the previous figures, labelled as such
    assert "antes de los últimos cambios" in page.inner_text(".dash-status")
    # swapped in place once rebuilt: no reload, no click
    page.wait_for_selector("#dashboard-panel[data-state='fresh']", timeout=60_000)
    assert figure_value(page, "families") == 41
    assert page.errors == []
