"""The scale-up simulator on a phone (390 px), in Spanish and English: the coordinator fills in the form, the
run goes to the background, the status page polls until the results arrive; nothing is wider than the screen
and every chart (four band charts and the state map) is drawn with a non-zero size."""

from __future__ import annotations

import os
import threading

import pytest

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, PHONE, fits_the_screen, thread_starter
from tests.browser.test_charts_render import drawn_charts

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium (make browsers installs it)"),
]

PASSWORD = "una-clave-larga-2011"


@pytest.fixture
def site(transactional_db, live_server, settings, tmp_path, monkeypatch):  # noqa: ANN001, ANN201
    """The live server with one coordinator; started scale-up jobs run in a thread on the test connection
    (the in-memory SQLite database is not visible to a child process; tests/scaleup_web runs the real one)."""
    from miaf.web.accounts.services import create_user
    from miaf.web.registry.models import Organisation
    from miaf.web.scaleup import jobs, views

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    settings.MEDIA_ROOT = tmp_path / "media"
    Organisation.objects.create(name="Organización de prueba", short_name="OP", kind="accompanying")
    create_user("coordina", PASSWORD, "coordinator", organisation="OP")
    threads: list[threading.Thread] = []

    def record_pid(job) -> None:  # noqa: ANN001
        from miaf.web.scaleup.models import ScaleupJob

        ScaleupJob.objects.filter(pk=job.pk).update(pid=os.getpid())

    start_in_thread = thread_starter(jobs.run_job, threads, "scaleup-job", record_pid)

    monkeypatch.setattr(views, "start_job", start_in_thread)
    yield live_server
    for thread in threads:
        thread.join(timeout=120)


@pytest.mark.parametrize("locale", ["es-MX", "en-US"])
def test_the_simulator_fits_a_phone_and_draws_its_charts(site, locale):  # noqa: ANN001
    from playwright.sync_api import sync_playwright

    base = site.url
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(locale=locale, viewport=PHONE)
        context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base)
                      else route.abort())  # fmt: skip
        page = context.new_page()
        page.set_default_timeout(30_000)
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        try:
            page.goto(base + "/accounts/login/")
            page.fill("#id_username", "coordina")
            page.fill("#id_password", PASSWORD)
            page.click("main button[type=submit]")
            page.wait_for_url(base + "/")
            page.goto(base + "/escalamiento/?preset=scaleup-chiapas")
            assert fits_the_screen(page)
            page.fill("#id_dropout_pct", "-3")
            page.click("form.scaleup-form button[type=submit]")
            page.locator(".errorlist[role=alert]").first.wait_for()  # the click returns before the answer
            assert page.locator(".errorlist[role=alert]").count() >= 1
            assert fits_the_screen(page)
            page.fill("#id_dropout_pct", "5")
            page.fill("#id_units", "5000")
            page.fill("#id_draws", "5")
            page.fill("#id_horizon_years", "6")
            page.click("form.scaleup-form button[type=submit]")
            page.wait_for_url(base + "/escalamiento/corridas/*/")
            page.wait_for_selector(".scaleup-chart", timeout=120_000)  # after the status page reloads itself
            sizes = drawn_charts(page)
            assert len(sizes) == 5, sizes
            for s in sizes:
                assert s["width"] > 50 and s["height"] > 50, s
                assert s["width"] <= PHONE["width"], s
            assert fits_the_screen(page)
            assert not errors, errors
        finally:
            context.close()
            browser.close()
