"""A coordinator opens the offer calendar on a 390 px phone, matches an offer to a buyer's demand, prints the
product sheet, and sees no family name on it (issue 12)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import CHROMIUM, PHONE, fits_the_screen
from tests.browser.test_journeys import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium (make browsers installs it)"),
]


def test_a_coordinator_matches_a_demand_and_prints_a_product_sheet_without_names(browser_page, demo_site):  # noqa: ANN001
    from miaf.web.market.models import Demand
    from miaf.web.registry.models import Family

    page, base = browser_page, demo_site.url
    page.set_viewport_size(PHONE)
    page.set_default_timeout(90_000)  # the shared 2-core machine is slow under load
    log_in(page, base, "coordinadora")

    page.goto(f"{base}/mercado/oferta/")
    page.wait_for_selector("#offer-calendar table")
    assert page.locator("#offer-calendar tbody tr td.cell").count() > 0  # the demo plots offer something
    assert fits_the_screen(page)

    page.goto(f"{base}/mercado/compradores/")
    assert fits_the_screen(page)
    demand = Demand.objects.filter(product__code="aguacate").order_by("pk").first()
    page.click(f"a[href='/mercado/demandas/{demand.pk}/']")
    page.wait_for_selector("#match-units")
    assert page.locator("#match-units tbody tr").count() >= 1
    assert "kg" in page.inner_text("#match-total")
    assert fits_the_screen(page)

    page.click("#product-sheet")
    page.wait_for_selector("#sheet")
    sheet = page.inner_text("#sheet")
    assert "Aguacate" in sheet
    names = list(Family.objects.values_list("name", flat=True))
    assert names and not any(name in sheet for name in names)  # no family agreed: no name
    assert fits_the_screen(page)
    with page.expect_download() as download:
        page.click("#sheet-pdf")
    path = download.value.path()
    assert open(path, "rb").read(5) == b"%PDF-"
    assert page.errors == []
