"""Under the Content-Security-Policy the pages still work in Chromium on a phone-sized screen: the menu, the
language switch, the year selector, maps and Vega charts, with no policy violation in the console."""

from __future__ import annotations

import pytest

from miaf.web.demo.summary import DEMO_PASSWORD
from tests.browser.conftest import CHROMIUM, browser_page, demo_site  # noqa: F401  (fixtures)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium (make browsers installs it)"),
]


def test_menu_language_switch_year_selector_and_charts_work_under_the_policy(browser_page, demo_site):  # noqa: F811
    from miaf.web.plots.models import Plot

    page, base = browser_page, demo_site.url
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(base + "/accounts/login/")
    assert "script-src 'self'" in page.evaluate("() => fetch(location.href).then(r => r.headers.get('content-security-policy'))")
    page.fill("#id_username", "coordinadora")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(base + "/")

    toggle = page.locator("button[data-menu-toggle]")
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    assert "open" in page.get_attribute("#mainnav", "class")
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "false"

    family = Plot.objects.filter(family__isnull=False).values_list("family_id", flat=True).first()
    page.goto(f"{base}/economia/familia/{family}/")
    page.wait_for_selector(".vega-chart[data-rendered='1'] svg", timeout=30_000)
    years = page.locator("select[name=anio][data-autosubmit]")
    if years.count() and len(years.first.locator("option").all()) > 1:
        other = years.first.locator("option:not([selected])").first.get_attribute("value")
        years.first.select_option(other)
        page.wait_for_function(f"() => document.querySelector('select[name=anio]').value === '{other}'")

    page.locator("button[data-menu-toggle]").click()  # on a phone the language switch is in the open menu
    page.select_option("select[name=language]", "en")
    page.wait_for_function("() => document.documentElement.lang.startsWith('en')")
    assert violations == []
    assert page.errors == []
