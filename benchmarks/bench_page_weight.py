"""Page weight and load time on a rural connection: bytes transferred (compressed, as on the wire) and time to
the load event of the promoter's home page (Mi día), a family page and a plot page, on a first visit (empty
cache) and a later visit (cache kept), with Chromium's network emulation at 400 kbit/s down and up and 400 ms
latency (issue 15: "every page usable within 3 s at 400 kbps / 400 ms").

Needs a running miaf (``miaf serve``, production static files) with the demo users, e.g.::

    MIAF_VAR_DIR=/tmp/pw DATABASE_URL=sqlite:////tmp/pw/demo.sqlite3 MIAF_DEMO_DATABASE=true \\
      .venv/bin/miaf manage migrate && ... .venv/bin/miaf demo --families 40 --seed 7
    ... MIAF_SECRET_KEY=... MIAF_ALLOWED_HOSTS=127.0.0.1 PORT=8765 .venv/bin/miaf serve --no-migrate &
    .venv/bin/python benchmarks/bench_page_weight.py http://127.0.0.1:8765

Prints a Markdown table (docs/benchmarks/page-weight.md keeps the figures with the machine and the command).
"""

from __future__ import annotations

import re
import sys
import time

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
#: 400 kbit/s = 50,000 bytes/s each way; 400 ms round-trip latency.
NETWORK = {"offline": False, "latency": 400, "downloadThroughput": 50_000, "uploadThroughput": 50_000}
BUDGET_FIRST_BYTES = 150_000
BUDGET_LATER_BYTES = 50_000
BUDGET_SECONDS = 3.0


FIRST_PAINT = "(performance.getEntriesByName('first-contentful-paint')[0] || {startTime: NaN}).startTime / 1000"


def measure(page, cdp, url: str) -> tuple[int, float, float | None, float]:  # noqa: ANN001
    """(bytes on the wire, seconds to the load event, seconds until the map is drawn or None, seconds to the first
    contentful paint) of one visit.

    A page's map is scrolled to and waited for (its library may load only then), so that its bytes count too.
    """
    sizes: dict[str, int] = {}

    def finished(event: dict) -> None:
        sizes[event["requestId"]] = int(event.get("encodedDataLength", 0))

    cdp.on("Network.loadingFinished", finished)
    start = time.perf_counter()
    page.goto(url, wait_until="load", timeout=120_000)
    elapsed = time.perf_counter() - start
    paint = page.evaluate(FIRST_PAINT)
    map_s = None
    if page.locator("[data-miaf-map]").count():
        page.locator("[data-miaf-map]").first.scroll_into_view_if_needed()
        page.wait_for_selector("[data-miaf-map] path.leaflet-interactive", timeout=120_000)
        map_s = time.perf_counter() - start
    page.wait_for_load_state("networkidle", timeout=120_000)  # htmx panels and charts near the screen count too
    cdp.remove_listener("Network.loadingFinished", finished)
    return sum(sizes.values()), elapsed, map_s, paint


def main(base: str) -> None:
    rows = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        context = browser.new_context(locale="es-MX", viewport={"width": 390, "height": 844})
        page = context.new_page()
        page.goto(base + "/accounts/login/")
        page.fill("#id_username", "promotor")
        page.fill("#id_password", "milpa2011")
        page.click("main button[type=submit]")
        page.wait_for_url(base + "/")
        page.goto(base + "/familias/")
        links = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
        family = next(h for h in links if re.fullmatch(r"/familias/\d+/", h))
        page.goto(base + "/parcelas/")
        links = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
        plot = next(h for h in links if re.fullmatch(r"/parcelas/\d+/", h))
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", NETWORK)
        for name, path in (("home (Mi día)", "/"), ("family", family), ("plot", plot)):
            cdp.send("Network.clearBrowserCache")
            first_bytes, first_s, first_map, first_paint = measure(page, cdp, base + path)
            later_bytes, later_s, later_map, _ = measure(page, cdp, base + path)
            rows.append((name, path, first_bytes, first_paint, first_s, first_map, later_bytes, later_s, later_map))
        browser.close()

    def seconds(value: float | None) -> str:
        return "—" if value is None else f"{value:.1f}"

    print("| page | path | first visit: KB on the wire | s to first paint | s to load | s to map | later visit: KB "
          "| s to load | s to map |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, path, fb, fp, fs, fm, lb, ls, lm in rows:
        shown = re.sub(r"/\d+/", "/N/", path)
        print(f"| {name} | `{shown}` | {fb / 1000:.0f} | {fp:.1f} | {fs:.1f} | {seconds(fm)} | {lb / 1000:.0f} | "
              f"{ls:.1f} | {seconds(lm)} |")
    print(f"\nBudgets: first visit < {BUDGET_FIRST_BYTES / 1000:.0f} KB, later < {BUDGET_LATER_BYTES / 1000:.0f} KB, "
          f"load < {BUDGET_SECONDS:.0f} s.")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8765")
