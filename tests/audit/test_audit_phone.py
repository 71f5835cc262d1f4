"""A coordinator reads a family's history and a promoter's activity on a 390 px phone screen."""

from __future__ import annotations

import pytest

from tests.browser.conftest import CHROMIUM, PHONE, browser_page, demo_site, fits_the_screen  # noqa: F401
from tests.browser.test_journeys import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium (make browsers installs it)"),
]


def test_a_coordinator_follows_the_links_to_a_familys_history_and_a_promoters_activity_on_a_phone(
        browser_page, demo_site):  # noqa: ANN001, F811
    from django.contrib.auth import get_user_model

    from miaf.web.accounts.scoping import families_for
    from miaf.web.audit.history import WEB, acting

    page, base = browser_page, demo_site.url
    promoter = get_user_model().objects.get(username="promotor")
    family = families_for(promoter).order_by("pk").first()
    old_name = family.name
    with acting(promoter, WEB):  # the demo is bulk-loaded without history: one change to show
        family.name = f"{old_name} (corregido)"
        family.save()
    page.set_viewport_size(PHONE)
    log_in(page, base, "coordinadora")

    page.goto(f"{base}/familias/{family.pk}/")
    page.click("text=Historial de cambios")
    page.wait_for_selector(".audit-event")
    assert fits_the_screen(page)
    text = page.inner_text("main")
    assert old_name in text and f"{old_name} (corregido)" in text and "promotor" in text

    page.goto(f"{base}/promotores/")
    link = page.locator(f"a[href='/bitacora/usuarios/{promoter.pk}/']")
    assert link.bounding_box()["height"] >= 44
    link.click()
    page.wait_for_selector(".audit-event")
    assert fits_the_screen(page)
    assert f"{old_name} (corregido)" in page.inner_text("main")
