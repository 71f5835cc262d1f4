"""A promoter opens "Mi día" on a 390 px phone screen and records a due visit with a tree measurement."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.browser.conftest import CHROMIUM, PHONE, fits_the_screen
from tests.browser.test_journeys import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium (make browsers installs it)"),
]


def test_a_promoter_records_a_due_visit_with_a_tree_measurement_from_my_day_on_a_phone(browser_page, demo_site):  # noqa: ANN001
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from miaf.web.accounts.scoping import families_for
    from miaf.web.fieldwork.models import Visit, VisitPlan

    page, base = browser_page, demo_site.url
    today = timezone.localdate()
    promoter = get_user_model().objects.get(username="promotor")
    family = families_for(promoter).order_by("code").first()
    VisitPlan.objects.filter(family=family).delete()
    plan = VisitPlan.objects.create(family=family, promoter=promoter, due_on=today - dt.timedelta(days=3),
                                    purpose="Medir los árboles")
    page.set_viewport_size(PHONE)
    log_in(page, base, "promotor")

    page.goto(f"{base}/campo/mi-dia/")
    assert fits_the_screen(page)
    row = page.locator("#pendientes li", has_text=family.code).first
    button = row.locator("a.button")
    assert button.bounding_box()["height"] >= 44
    button.click()
    assert fits_the_screen(page)
    page.fill("#id_agreements", "Podar en enero")
    page.select_option("#id_arboles-0-species", index=1)
    page.fill("#id_arboles-0-diameter_cm", "3.5")
    page.fill("#id_arboles-0-height_m", "1.4")
    page.fill("#id_next_visit_on", (today + dt.timedelta(days=30)).isoformat())
    page.locator("main form.card button[type=submit]").click()
    page.wait_for_selector(".messages li")
    assert fits_the_screen(page)

    visit = Visit.objects.get(family=family, visited_on=today)
    assert visit.promoter == promoter and visit.measurements.get().height_m == 1.4
    plan.refresh_from_db()
    assert plan.status == "done" and plan.done_visit == visit
    assert VisitPlan.objects.filter(family=family, status="planned", due_on=today + dt.timedelta(days=30)).exists()
    assert not page.errors
