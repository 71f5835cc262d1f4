"""The offer calendar by group is paged, and its page picker works on a 390 px phone: the next link and the
jump form keep the breakdown, the totals row stays on every page, nothing sticks out (issue 12)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import CHROMIUM, PHONE, fits_the_screen
from tests.browser.test_journeys import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium (make browsers installs it)"),
]


def test_the_offer_by_group_pages_on_a_phone(browser_page, demo_site, monkeypatch):  # noqa: ANN001
    from miaf.web.market import views

    monkeypatch.setattr(views, "OFFER_UNITS_PER_PAGE", 1)  # the 40-family demo's groups make several pages
    page, base = browser_page, demo_site.url
    page.set_viewport_size(PHONE)
    page.set_default_timeout(90_000)
    log_in(page, base, "coordinadora")

    page.goto(f"{base}/mercado/oferta/?by=group")
    page.wait_for_selector("#offer-calendar nav.picker")
    total = page.inner_text("#offer-totals")
    assert "Total" in total
    last = int(page.get_attribute("#offer-calendar nav.picker input[name=page]", "max"))
    assert last >= 2
    assert fits_the_screen(page)
    box = page.locator("#offer-calendar nav.picker").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 1

    page.click("#offer-calendar nav.picker a[rel=next]")
    page.wait_for_url("**page=2**")
    assert "by=group" in page.url and page.inner_text("#offer-totals") == total
    assert fits_the_screen(page)

    page.fill("#offer-calendar nav.picker input[name=page]", str(last))
    page.click("#offer-calendar nav.picker button[type=submit]")
    page.wait_for_url(f"**page={last}**")
    assert "by=group" in page.url
    assert page.get_attribute("#offer-calendar nav.picker input[name=page]", "value") == str(last)
    assert page.locator("#offer-calendar nav.picker a[rel=next]").count() == 0
    assert page.inner_text("#offer-totals") == total
    assert fits_the_screen(page)
    assert page.errors == []
