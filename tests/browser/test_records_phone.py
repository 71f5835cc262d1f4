"""A promoter records a harvest with a sale and the month's income and expense on a 390 px phone screen."""

from __future__ import annotations

import pytest

from tests.browser.conftest import CHROMIUM, PHONE, fits_the_screen
from tests.browser.test_journeys import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium (make browsers installs it)"),
]


def test_a_promoter_records_a_harvest_with_a_sale_and_a_month_on_a_phone(browser_page, demo_site):  # noqa: ANN001
    from django.contrib.auth import get_user_model

    from miaf.web.accounts.scoping import plots_for
    from miaf.web.records.models import Harvest, LedgerEntry

    page, base = browser_page, demo_site.url
    promoter = get_user_model().objects.get(username="promotor")
    plot = plots_for(promoter).order_by("pk").first()
    page.set_viewport_size(PHONE)
    log_in(page, base, "promotor")

    page.goto(f"{base}/parcelas/{plot.pk}/")
    page.click("#registros a:text('Cosecha y venta')")
    assert page.input_value("#id_plot") == str(plot.pk)  # opened from the plot: preselected
    assert fits_the_screen(page)
    save = page.locator("main form.records-form button[type=submit]")
    assert save.bounding_box()["height"] >= 44
    page.select_option("#id_species", label="Mango (Mangifera indica)")
    page.fill("#id_harvested_on", "2024-09-10")
    page.fill("#id_quantity_kg", "120")
    page.select_option("#id_destinations-0-destination", "self")
    page.fill("#id_destinations-0-kg", "20")
    page.select_option("#id_destinations-1-destination", "organisation")
    page.fill("#id_destinations-1-kg", "100")
    page.fill("#id_destinations-1-buyer", "Cooperativa")
    page.fill("#id_destinations-1-payment_delay_days", "21")
    save.click()  # no price for a sale: refused, next to the field
    page.wait_for_selector("#id_destinations-1-price_mxn_per_kg_errors")
    assert not Harvest.objects.filter(plot=plot, harvested_on="2024-09-10").exists()
    page.fill("#id_destinations-1-price_mxn_per_kg", "14.50")
    page.locator("main form.records-form button[type=submit]").click()
    page.wait_for_selector(".messages li")
    harvest = Harvest.objects.get(plot=plot, harvested_on="2024-09-10")
    assert harvest.destinations.get(destination="organisation").paid_on.isoformat() == "2024-10-01"
    assert fits_the_screen(page)

    page.goto(f"{base}/registros/familia/{plot.family_id}/mes/2024/9/")
    assert fits_the_screen(page)
    page.select_option("#id_entries-0-kind", "income")
    page.select_option("#id_entries-0-category", "crop_sale")
    page.fill("#id_entries-0-amount_mxn", "1450")
    page.click("main form.records-form button[type=submit]")
    page.wait_for_selector(".messages li")
    assert LedgerEntry.objects.filter(family_id=plot.family_id, year=2024, month=9, amount_mxn=1450).exists()
    assert page.errors == []
