"""The main journeys in Debian's Chromium, driven by Playwright, over a 40-family demo programme.

* the coordinator logs in through the form, reads the dashboard, filters it by municipality (htmx), finds a
  family in the list, opens its page and its printable sheet, prints it, and generates the evidence report;
* the analyst walks every page the role may see and never meets a name, a family code, a plot name or a
  precise coordinate.
"""

from __future__ import annotations

import html
import json
import re
import zipfile
from pathlib import Path

import pytest

from miaf.web.demo import DEMO_PASSWORD
from tests.browser.conftest import CHROMIUM

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium (make browsers installs it)"),
]

REPORT_HEADINGS = (
    "1. Resumen", "2. Descripción del programa", "3. Indicadores por pilar", "4. Métodos y parámetros",
    "5. Incertidumbre", "6. Limitaciones", "7. Diccionario de datos", "8. Anexo: datos anonimizados",
)  # fmt: skip


def log_in(page, base: str, username: str) -> None:  # noqa: ANN001
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(base + "/")


def figure_value(page, code: str) -> float:  # noqa: ANN001
    return float(page.get_attribute(f"#dashboard-panel [data-code='{code}']", "data-value"))


def screenshot(page, path: Path) -> None:  # noqa: ANN001
    page.screenshot(path=str(path), full_page=True)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size > 10_000


def generate_report(page) -> None:  # noqa: ANN001
    """Ask for an HTML report on /evidencia/ and wait for its job to end (htmx stops polling): it is done."""
    page.select_option("#id_format", "html")
    page.click("button:text('Generar informe')")
    page.wait_for_selector("#jobs .report-job:not([hx-get])", timeout=90_000)
    job = page.inner_text("#jobs .report-job")
    assert page.locator("#jobs .report-job a:text('Descargar informe')").count() == 1, job


def test_a_coordinator_filters_the_dashboard_prints_a_family_sheet_and_generates_the_report(
        browser_page, demo_site, tmp_path):  # noqa: ANN001
    from miaf.web.registry.models import Family, Municipality

    page, base = browser_page, demo_site.url
    page.add_init_script("window.print = () => { window.__printed = true; }")
    log_in(page, base, "coordinadora")

    # The dashboard: key figures for the whole programme.
    assert page.inner_text("h1") == "El programa en cifras"
    total = figure_value(page, "families")
    assert total == Family.objects.count() == 40
    screenshot(page, tmp_path / "dashboard.png")

    # Filter by a municipality chosen by its visible name; htmx swaps the panel and pushes the URL.
    with_families = Municipality.objects.filter(locality__family__isnull=False).distinct()
    municipality = with_families.order_by("name").first()
    in_municipality = Family.objects.filter(locality__municipality=municipality)
    version = page.get_attribute("#dashboard-panel", "data-version")
    before = page.get_attribute("#dashboard-panel [data-code=families]", "data-value")
    page.select_option("#id_municipality", label=municipality.name)
    page.wait_for_function("v => document.querySelector('#dashboard-panel [data-code=families]')"
                           ".dataset.value != v", arg=before)  # fmt: skip
    assert figure_value(page, "families") == in_municipality.count() < total
    assert f"municipality={municipality.state_code}{municipality.code}" in page.url
    assert page.get_attribute("#dashboard-panel", "data-version") == version  # same data, another filter
    assert "Cifras del filtro elegido." in page.inner_text("#dashboard-panel")

    # The families list: search by name (htmx), then open the family.
    family = in_municipality.order_by("code").first()
    page.click("nav.shortcuts >> text=Familias")
    page.wait_for_url("**/familias/")
    page.fill("input[type=search]", family.name)
    matching = Family.objects.filter(name__icontains=family.name).count()
    page.wait_for_function("n => document.querySelectorAll('#results tbody tr').length == n && "
                           "!document.querySelector('#results td.empty')", arg=matching)  # fmt: skip
    assert matching < total
    assert "q=" in page.url
    page.click(f"#results a:text-is('{family.code}')")
    page.wait_for_url(f"**/familias/{family.pk}/")
    assert family.name in page.inner_text("main")

    # Its printable sheet: the print button calls window.print().
    page.click("text=Hoja para imprimir")
    page.wait_for_url(f"**/tablero/familia/{family.pk}/hoja/")
    assert family.code in page.title()
    page.click("button:text('Imprimir')")
    assert page.evaluate("window.__printed === true")
    screenshot(page, tmp_path / "sheet.png")

    # The evidence report: a background job whose progress the page polls up to 100 %, then the download.
    polls = []
    page.on("response", lambda r: polls.append(r) if "/estado/" in r.url else None)
    page.goto(base + "/evidencia/")
    generate_report(page)
    progress = [int(re.search(r'<progress max="100" value="(\d+)"', r.text()).group(1)) for r in polls]
    assert progress and progress == sorted(progress) and progress[-1] == 100  # polled every second up to 100
    assert page.get_attribute("#jobs .report-job progress", "value") == "100"
    assert "100 %" in page.inner_text("#jobs .report-job")
    report = download(page, "#jobs .report-job a:text('Descargar informe')", tmp_path)
    text = report.read_text(encoding="utf-8")
    assert report.suffix == ".html"
    for heading in REPORT_HEADINGS:
        assert heading in text
    assert page.errors == []


PERSONAL_PATHS = ("/familias/", "/parcelas/")
ANALYST_PATHS = ("/", "/grupos/", "/evidencia/", "/exportar/diccionario/", "/exportar/")
LAT_LON = re.compile(r"""\b(?:data-)?(?:lat|lon|lng|latitude|longitude)["']?\s*[:=]\s*["']?(-?\d+\.\d+)""",
                     re.IGNORECASE)  # fmt: skip
COORDINATE_PAIR = re.compile(r"\[\s*(-?\d+\.\d+)\s*,\s*(-?\d+\.\d+)\s*\]")


def personal_strings() -> set[str]:
    """Every family name, member name, family code and plot name in the database."""
    from miaf.web.plots.models import Plot
    from miaf.web.registry.models import Family, Member

    names = set(Family.objects.values_list("name", flat=True))
    names |= set(Family.objects.values_list("code", flat=True))
    names |= set(Member.objects.values_list("name", flat=True))
    return names | set(Plot.objects.values_list("name", flat=True))


def spellings(name: str) -> set[str]:
    """``name`` as text, HTML-escaped and inside a JSON string (json_script escapes non-ASCII)."""
    return {name, html.escape(name), json.dumps(name)[1:-1]}


def download(page, selector: str, folder: Path) -> Path:  # noqa: ANN001
    with page.expect_download() as info:
        page.click(selector)
    path = folder / info.value.suggested_filename
    info.value.save_as(path)
    return path


def test_an_analyst_sees_no_name_code_plot_name_or_precise_coordinate_on_any_page(
        browser_page, demo_site, tmp_path):  # noqa: ANN001
    from miaf.web.registry.models import Group, Locality, Municipality

    page, base = browser_page, demo_site.url
    log_in(page, base, "analista")
    seen: dict[str, str] = {}  # what the analyst met: page HTML and text, downloaded files

    def keep(label: str) -> None:
        seen[label] = page.content() + "\n" + page.inner_text("body")

    keep("/")
    page.select_option("#id_municipality", index=1)  # a filtered dashboard panel, swapped in by htmx
    page.wait_for_url("**/?*municipality=*")
    page.wait_for_load_state("networkidle")
    keep("/?municipality")
    for path in ANALYST_PATHS[1:]:
        response = page.goto(base + path)
        assert response.status == 200, path
        keep(path)
    # On /exportar/: the anonymised open-data ZIP, every file of it.
    with zipfile.ZipFile(download(page, "a:text('ZIP por municipio')", tmp_path)) as archive:
        for name in archive.namelist():
            seen[f"datos-abiertos.zip/{name}"] = archive.read(name).decode("utf-8", errors="replace")
    # The analyst's own evidence report (HTML), generated from the page like the coordinator's.
    page.goto(base + "/evidencia/")
    generate_report(page)
    keep("/evidencia/ (informe listo)")
    report = download(page, "#jobs .report-job a:text('Descargar informe')", tmp_path)
    seen["informe.html"] = report.read_text(encoding="utf-8")
    for path in PERSONAL_PATHS:
        response = page.goto(base + path)
        assert response.status == 403, path
        keep(path)
    assert page.errors == []
    assert len(seen) > 10

    # Place names an analyst may see are not personal data; a plot called like a place would not be a leak.
    places = set(Group.objects.values_list("name", flat=True))
    places |= set(Municipality.objects.values_list("name", flat=True))
    places |= set(Locality.objects.values_list("name", flat=True))
    secrets = personal_strings() - places
    assert len(secrets) > 100
    leaks = {(label, s) for label, text in seen.items() for name in secrets for s in spellings(name)
             if s in text}  # fmt: skip
    assert leaks == set()

    # Coordinates: only the public INEGI municipality boundaries of the analyst's choropleth carry more than
    # 3 decimals (their source precision, 5); any other pair, or a lat/lon value, has at most 3 (about 100 m).
    public = boundary_vertices(Municipality.objects.exclude(boundary=None).values_list("boundary", flat=True))
    assert public and COORDINATE_PAIR.search(seen["/"])  # the choropleth is on the page; the pattern sees it
    precise = {(label, pair) for label, text in seen.items() for pair in COORDINATE_PAIR.findall(text)
               if max(map(decimals, pair)) > 3 and tuple(map(float, pair)) not in public}  # fmt: skip
    precise |= {(label, value) for label, text in seen.items() for value in LAT_LON.findall(text)
                if decimals(value) > 3}  # fmt: skip
    assert precise == set()


def decimals(number: str) -> int:
    return len(number.partition(".")[2])


def boundary_vertices(geometries) -> set[tuple[float, float]]:  # noqa: ANN001
    """Every (lon, lat) vertex of the GeoJSON (Multi)Polygons ``geometries``."""
    out: set[tuple[float, float]] = set()

    def walk(coords) -> None:  # noqa: ANN001
        if coords and isinstance(coords[0], (int, float)):
            out.add((float(coords[0]), float(coords[1])))
        else:
            for c in coords:
                walk(c)

    for g in geometries:
        walk(g["coordinates"])
    return out
