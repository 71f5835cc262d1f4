"""Side-selling on a 390 px phone: a coordinator changes an assumption and the what-ifs are recomputed."""

from __future__ import annotations

import pytest

from tests.browser.conftest import CHROMIUM, PHONE, fits_the_screen
from tests.browser.test_journeys import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium (make browsers installs it)"),
]


def test_a_coordinator_reads_side_selling_and_recomputes_a_what_if_on_a_phone(browser_page, demo_site):  # noqa: ANN001
    from miaf.web.trade.demo import load_trade_demo

    load_trade_demo(seed=7)
    page, base = browser_page, demo_site.url
    page.set_viewport_size(PHONE)
    log_in(page, base, "coordinadora")
    page.goto(f"{base}/comercializacion/venta-por-fuera/")
    page.wait_for_selector("#overall [data-key=share_outside]")
    assert fits_the_screen(page)
    before = page.inner_text("#whatifs tr[data-key=advance] td:first-child")
    page.fill("#id_advance_pct", "100")
    page.locator("#assumptions button[type=submit]").click()
    page.wait_for_url("**advance_pct=100**")
    assert "100" in page.inner_text("#whatifs tr[data-key=advance] td:first-child") != before
    assert fits_the_screen(page)

    page.goto(f"{base}/comercializacion/compras/")
    assert fits_the_screen(page)
