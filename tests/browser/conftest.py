"""A small demo programme served by the live server, and a Chromium page that cannot reach outside.

The live server of pytest-django shares the test's in-memory SQLite connection with its request threads, so a
report job started as a child process (``python -m miaf.cli report --job ID``, see miaf.web.evidence.jobs)
would not see the test database. ``demo_site`` therefore runs a started job in a thread of this process on the
same connection; the page still polls the job's progress to 100 % exactly as it does in production. The
child-process path itself is tested in tests/evidence/test_jobs_and_pages.py.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]  # fmt: skip
#: A promoter's phone: the width every page must fit (issue 11, "Field first").
PHONE = {"width": 390, "height": 844}
#: Elements sticking out of the screen, outside a box that scrolls on its own.
WIDEST = """() => {
  const out = [];
  document.querySelectorAll("body *").forEach(e => {
    const r = e.getBoundingClientRect();
    if (r.right > window.innerWidth + 1 && !e.closest(".table-scroll")) out.push(`${e.tagName}.${e.className} ${Math.round(r.right)}px`);
  });
  return [document.documentElement.scrollWidth, window.innerWidth, ...out.slice(0, 8)];
}"""
DEMO_FAMILIES = 40  # the demo's minimum is 20 (one group per municipality); 40 gives several municipalities
DEMO_SEED = 7


def thread_starter(run_job, threads: list[threading.Thread], name: str, before=None):  # noqa: ANN001, ANN201
    """A ``start_job`` for the live server's tests: the job runs ``run_job(job.pk)`` in a thread of this process
    (appended to ``threads``, to be joined before the database is flushed) instead of a child process.

    SQLite: the request thread's connection is the live server's shared in-memory database. On PostgreSQL the
    data are committed (transactional_db), so the job opens its own connection: the request thread closes its
    own at the end of the request. ``before(job)`` runs first, in the request thread.
    """
    from django.db import connections

    shared = connections["default"].vendor == "sqlite"

    def start_in_thread(job) -> int:  # noqa: ANN001
        conn = connections["default"] if shared else None

        def run() -> None:
            if conn is not None:
                connections["default"] = conn
            try:
                run_job(job.pk)
            finally:
                if conn is None:
                    connections.close_all()

        if before is not None:
            before(job)
        thread = threading.Thread(target=run, name=f"{name}-{job.pk}", daemon=True)
        thread.start()
        threads.append(thread)
        return os.getpid()

    return start_in_thread


@pytest.fixture
def demo_site(transactional_db, live_server, settings, tmp_path, monkeypatch):  # noqa: ANN001, ANN201
    """The live server over a 40-family demo (seed 7); report jobs run in a thread on the test connection.

    An earlier transactional test flushes every table, among them the species catalogue that a migration
    loaded; the demo needs it, so it is loaded again (idempotent). Serialized rollback would restore it too,
    but it fails on the content types that a plain transactional test's flush re-creates.
    """
    from miaf.web.catalogue.services import load_species_catalogue
    from miaf.web.demo import load_demo
    from miaf.web.evidence import jobs, views

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
    settings.MEDIA_ROOT = tmp_path / "media"
    _clear_dashboard_caches()  # the dashboard caches per data version; start from nothing
    load_species_catalogue()
    load_demo(families=DEMO_FAMILIES, seed=DEMO_SEED)

    threads: list[threading.Thread] = []

    def before(job) -> None:  # noqa: ANN001
        jobs.reports_dir().mkdir(parents=True, exist_ok=True)

    start_in_thread = thread_starter(jobs.run_job, threads, "report-job", before)

    monkeypatch.setattr(views, "start_job", start_in_thread)
    yield live_server
    for thread in threads:  # never flush the database under a running job
        thread.join(timeout=120)
    _clear_dashboard_caches()


@pytest.fixture
def browser_page(demo_site):  # noqa: ANN001, ANN201
    """``page`` of a fresh Chromium context (es-MX); every request outside the live server is aborted.

    ``page.errors`` collects uncaught JavaScript errors.
    """
    if not CHROMIUM.exists():
        pytest.skip("needs Debian's Chromium at /usr/bin/chromium (make browsers installs it)")
    from playwright.sync_api import sync_playwright

    origin = demo_site.url
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(locale="es-MX", viewport={"width": 1280, "height": 900},
                                      accept_downloads=True)  # fmt: skip
        context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(origin)
                      else route.abort())  # fmt: skip
        page = context.new_page()
        page.set_default_timeout(20_000)
        page.errors = []
        page.on("pageerror", lambda e: page.errors.append(str(e)))
        try:
            yield page
        finally:
            context.close()
            browser.close()


def _clear_dashboard_caches() -> None:
    """Results (default and dashboard caches) and the process-local extracted tables."""
    from django.core.cache import caches

    from miaf.web.dashboard.cache import clear_local

    caches["default"].clear()
    caches["dashboard"].clear()
    clear_local()


def fits_the_screen(page) -> bool:  # noqa: ANN001
    """No sideways scrolling once the page has loaded; when there is, the output names what sticks out."""
    page.wait_for_load_state("load")  # a click's navigation may still be under way
    fits = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    if not fits:  # a layout still settling (a chart or a panel just drawn): look once more
        page.wait_for_timeout(400)
        fits = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    if not fits:
        print("wider than the screen on", page.url, page.evaluate(WIDEST))  # noqa: T201
    return fits
