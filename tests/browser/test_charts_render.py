"""Every chart on the family and plot pages is drawn with a non-zero size that fits a phone, also the ones in
panels swapped in by htmx after the page (issue 15: "Flujo de caja" and the monthly calendar came out blank)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import PHONE, fits_the_screen
from tests.browser.test_journeys import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def drawn_charts(page) -> list[dict]:  # noqa: ANN001
    """Scroll to each chart (they are drawn when they come near the screen) and measure its SVG."""
    page.wait_for_load_state("networkidle")
    sizes = []
    charts = page.locator(".vega-chart")
    for i in range(charts.count()):
        chart = charts.nth(i)
        chart.scroll_into_view_if_needed()
        chart.locator("svg").first.wait_for(state="attached", timeout=30_000)
        box = chart.locator("svg").first.bounding_box()
        sizes.append({"spec": chart.get_attribute("data-vega-spec"), "width": box["width"], "height": box["height"],
                      "name": chart.get_attribute("aria-label"), "role": chart.get_attribute("role")})
    return sizes


def test_family_and_plot_charts_are_drawn_on_a_phone(browser_page, demo_site):  # noqa: ANN001
    from miaf.web.plots.models import System

    page, base = browser_page, demo_site.url
    page.set_viewport_size(PHONE)
    log_in(page, base, "promotor")
    from django.contrib.auth import get_user_model

    from miaf.web.accounts.scoping import plots_for

    promoter = get_user_model().objects.get(username="promotor")
    plot = plots_for(promoter).filter(system=System.MIAF_D).order_by("pk").first()
    seen = []
    for path in (f"/familias/{plot.family_id}/", f"/parcelas/{plot.pk}/", f"/economia/familia/{plot.family_id}/",
                 f"/economia/parcela/{plot.pk}/"):
        page.goto(base + path)
        sizes = drawn_charts(page)
        for s in sizes:
            assert s["width"] > 50 and s["height"] > 50, (path, s)
            assert s["width"] <= PHONE["width"], (path, s)
        assert fits_the_screen(page), path
        seen += sizes
    assert len(seen) >= 3, seen  # the family calendar, the plot's cash flow and its monthly chart at least
    assert not page.errors, page.errors
