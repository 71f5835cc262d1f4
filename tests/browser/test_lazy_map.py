"""Leaflet loads only where a map is shown (issue 15, item 5): on the family page (its map below the first screen
of a phone) after the page, once the map comes near the screen, so the page is usable before the map library
arrives; pages without a map never fetch it. The plot page (its map at the top) and the plot editor load Leaflet
with the page."""

from __future__ import annotations

import pytest

from tests.browser.conftest import PHONE
from tests.browser.test_journeys import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_leaflet_arrives_after_the_page_and_only_when_the_map_comes_near(browser_page, demo_site):  # noqa: ANN001
    from django.contrib.auth import get_user_model

    from miaf.web.accounts.scoping import plots_for

    page, base = browser_page, demo_site.url
    page.set_viewport_size(PHONE)
    log_in(page, base, "promotor")
    plot = plots_for(get_user_model().objects.get(username="promotor")).order_by("pk").first()
    fetched: list[str] = []
    page.on("request", lambda r: fetched.append(r.url) if "vendor/leaflet/" in r.url else None)
    at_load: list[str] = []
    page.on("load", lambda _: at_load.extend(fetched))

    page.goto(f"{base}/familias/{plot.family_id}/", wait_until="load")
    assert at_load == [], "Leaflet must not hold up the family page's load event"
    page.locator("#family-map").scroll_into_view_if_needed()
    page.wait_for_selector("#family-map path.leaflet-interactive", timeout=30_000)
    files = sorted(u.rsplit("/", 1)[1].split("?")[0] for u in fetched if not u.endswith(".png"))
    assert [f.split(".")[0] + "." + f.rsplit(".", 1)[1] for f in files] == ["leaflet.css", "leaflet.js"]
    assert page.evaluate("getComputedStyle(document.querySelector('#family-map .leaflet-pane')).position") == "absolute"

    fetched.clear()
    page.goto(f"{base}/parcelas/{plot.pk}/", wait_until="load")  # the map at the top, with the page
    page.wait_for_selector("#plot-map path.leaflet-interactive", timeout=30_000)
    assert page.errors == []

    fetched.clear()
    page.goto(f"{base}/familias/", wait_until="load")
    page.wait_for_load_state("networkidle")
    assert fetched == [], "a page without a map fetches no map library"

    page.goto(f"{base}/parcelas/{plot.pk}/editar/", wait_until="load")
    page.wait_for_selector(".leaflet-pm-toolbar", timeout=30_000)
