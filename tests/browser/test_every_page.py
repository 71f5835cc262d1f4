"""Every page of every role on a phone (390 px) and a desktop (1366 px): no sideways scrolling, no console
error, no serious or critical accessibility violation (axe-core, run in Debian's Chromium), no leaked string
of the other language (issue 15, "Done when").

The pages are found as a user finds them: from the home page, every same-site link is followed (breadth first)
once per URL pattern (numbers in paths stand for any record; a query string counts once per path), skipping
downloads, the API, the admin site and logging out. The crawl is bounded in pages and time.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, fits_the_screen

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).with_name("vendor") / "axe-4.14.1.min.js"
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
MAX_PAGES = 160
MAX_SECONDS = 420
SKIP = re.compile(
    r"/(api/|admin/|accounts/logout|i18n/|static/|media/|exportar/)"
    r"|\.(csv|xlsx|zip|geojson|gpkg|pdf|tif|gpx|svg|png|json|md|kml)(\?|$)|/descargar|/download|/pdf/?(\?|$)"
)
#: English that must not show on a Spanish page (units, chart menus, Django's bare pages).
ENGLISH_LEAKS = re.compile(r"Click to view actions|MXN/family/yr|\bper year\b|\bfraction\b|Not Found|Forbidden"
                           r"|Page not found|\bSave as (PNG|SVG)\b")
#: Spanish that must not show on an English page (the menu, buttons and common words).
SPANISH_LEAKS = re.compile(r"\b(Guardar|Familias|Cosechas|Parcelas|Salir|Volver al inicio|Menú del gráfico)\b")
AXE_RUN = """async () => {
  const r = await axe.run(document, {resultTypes: ['violations']});
  return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => `${v.id} (${v.impact}) ×${v.nodes.length}: ${v.nodes.slice(0, 2).map(n => n.target.join(' ')).join(' | ')}`);
}"""


def pattern(path: str) -> str:
    base, _, query = path.partition("?")
    return re.sub(r"/\d+(?=/|$)", "/N", base) + ("?" if query else "")


def crawl(page, base: str, lang: str) -> dict[str, list[str]]:  # noqa: ANN001
    """Visit every page reachable from the home page; return {url: [problems]} for the pages with problems."""
    axe = AXE.read_text()
    problems: dict[str, list[str]] = {}
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: console.append(str(e)))
    queue, seen, visited, start = [base + "/"], set(), 0, time.monotonic()
    leaks = ENGLISH_LEAKS if lang == "es" else SPANISH_LEAKS
    while queue and visited < MAX_PAGES and time.monotonic() - start < MAX_SECONDS:
        url = queue.pop(0)
        key = pattern(url.removeprefix(base))
        if key in seen:
            continue
        seen.add(key)
        console.clear()
        page.set_viewport_size(PHONE)
        response = page.goto(url, wait_until="load")
        visited += 1
        page.wait_for_timeout(250)  # charts and panels loaded after the page
        found: list[str] = []
        if response is None or response.status >= 400:
            found.append(f"HTTP {response.status if response else '?'}")
        if not fits_the_screen(page):
            found.append(f"wider than 390 px: {page.evaluate('document.documentElement.scrollWidth')} px")
        page.set_viewport_size(DESKTOP)
        page.wait_for_timeout(100)
        if not fits_the_screen(page):
            found.append(f"wider than 1366 px: {page.evaluate('document.documentElement.scrollWidth')} px")
        page.set_viewport_size(PHONE)
        page.evaluate(axe)  # axe-core from the npm registry (tests/browser/vendor/README.md)
        found += page.evaluate(AXE_RUN)
        text = page.inner_text("body")
        found += [f"other language: {m.group(0)!r}" for m in leaks.finditer(text)][:3]
        found += [f"console: {c[:160]}" for c in console]
        if found:
            problems[url.removeprefix(base)] = found
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
            if href.startswith(base) and "#" not in href and not SKIP.search(href):
                if pattern(href.removeprefix(base)) not in seen:
                    queue.append(href)
    assert visited >= 5, f"the crawl found only {visited} pages"
    return problems


@pytest.mark.parametrize(("username", "lang"), [
    ("promotor", "es"), ("coordinadora", "es"), ("analista", "es"), ("admin", "es"), ("coordinadora", "en"),
])
def test_every_page_fits_has_no_error_and_no_serious_accessibility_violation(demo_site, username, lang):  # noqa: ANN001
    if not CHROMIUM.exists():
        pytest.skip("needs Debian's Chromium at /usr/bin/chromium (make browsers installs it)")
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("the pages are the same on every database: the crawl runs in the SQLite pass of CI only")
    from playwright.sync_api import sync_playwright

    from miaf.web.demo import DEMO_PASSWORD

    base = demo_site.url
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        # bypass_csp lets the test inject axe-core; the pages' own scripts still run under the site's CSP
        # checks in tests/deploy/test_csp_in_the_browser.py.
        context = browser.new_context(locale="es-MX" if lang == "es" else "en-US", viewport=PHONE, bypass_csp=True)
        context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base)
                      else route.abort())  # fmt: skip
        if lang == "en":
            context.add_cookies([{"name": "django_language", "value": "en", "url": base}])
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.goto(base + "/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", DEMO_PASSWORD)
        page.click("main button[type=submit]")
        page.wait_for_url(base + "/")
        try:
            problems = crawl(page, base, lang)
        finally:
            context.close()
            browser.close()
    report = "\n".join(f"{url}: " + "; ".join(found) for url, found in sorted(problems.items()))
    assert not problems, f"{len(problems)} pages with problems for {username} ({lang}):\n{report}"
