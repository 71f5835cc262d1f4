"""The printable family sheet (HTML and PDF) and the role matrix of the dashboard's URLs."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from django.urls import reverse

from miaf.web.dashboard.maplayers import classify
from miaf.web.dashboard.svg import nice_number, plot_svg

pytestmark = pytest.mark.django_db

PERSONAS = ("root", "carla", "ana", "beto", "diego", "olga")
SEES = {"ojo": {"root", "carla", "ana"}, "vergel": {"root", "carla", "beto"}, "other": {"root", "olga"}}


def expected(which: str, persona: str) -> int:
    if persona == "diego":
        return 403
    return 200 if persona in SEES[which] else 404


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_dashboard_answers_every_role(world, client_for, persona):
    client = client_for(getattr(world, persona))
    assert client.get(reverse("dashboard:dashboard")).status_code == 200
    assert client.get("/").status_code == 200


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("which", sorted(SEES))
@pytest.mark.parametrize("name", ["dashboard:family_sheet", "dashboard:family_sheet_pdf"])
def test_the_family_sheet_answers_each_role_with_the_expected_status(world, client_for, name, which, persona):
    family = getattr(world, f"fam_{which}")
    response = client_for(getattr(world, persona)).get(reverse(name, args=[family.pk]))
    assert response.status_code == expected(which, persona)


def test_anonymous_visitors_are_sent_to_login_from_every_dashboard_url(world, client):
    urls = ["/", reverse("dashboard:dashboard"), reverse("dashboard:family_sheet", args=[world.fam_ojo.pk]),
            reverse("dashboard:family_sheet_pdf", args=[world.fam_ojo.pk])]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login") + "?next="), url


def test_the_family_sheet_shows_code_group_plot_drawing_harvests_calendar_and_changes(records, client_for):
    html = client_for(records.ana).get(reverse("dashboard:family_sheet", args=[records.fam_ojo.pk])).content.decode()
    assert "OJO-001" in html and "Ojo de Agua" in html
    assert '<button type="button" data-print>' in html and reverse("dashboard:family_sheet_pdf", args=[records.fam_ojo.pk]) in html
    svg = re.search(r'<svg[^>]*class="plot-svg".*?</svg>', html, re.S).group(0)
    assert svg.count('stroke="#3d8b3d"') == 2  # the design's two tree rows
    assert "Diseño versión 1: 2 hileras" in html
    # 2016 harvest: maize 1000 kg (300 home, 700 intermediary), bean 100 kg (organisation)
    assert "Lo que cosecharon en 2016" in html and "1,000" in html and "700" in html
    assert 'data-vega-spec="sheet-harvest-spec"' in html and 'data-vega-spec="sheet-calendar-spec"' in html
    assert "El dinero de la casa mes por mes (2016)" in html
    # baseline 2010 (before MIAF-D in 2012) against 2016
    assert "Comparamos 2010, antes de empezar con MIAF (2012), con 2016" in html
    changes = re.search(r'<table class="sheet-table changes">(.*?)</table>', html, re.S).group(1)
    months = re.search(r"Meses del año con algún ingreso.*?</tr>", changes, re.S).group(0)
    assert re.findall(r'<td class="num">([^<]*)</td>', months)[:2] == ["2", "5"]  # months with income 2 → 5
    deficit = re.search(r"Meses en que se gastó más.*?</tr>", changes, re.S).group(0)
    # 2010: income only in Nov and Dec (4000 > 1000): the other 10 months are in deficit; 2016: 12 − 5 = 7
    assert re.findall(r'<td class="num">([^<]*)</td>', deficit)[:2] == ["10", "7"]
    labour = re.search(r"Días de trabajo.*?</tr>", changes, re.S).group(0)
    assert re.findall(r'<td class="num">([^<]*)</td>', labour)[:3] == ["40", "60", "+20 (+50 %)"]


def test_the_family_sheet_pdf_is_one_a4_page_with_the_family_code(records, client_for):
    response = client_for(records.carla).get(reverse("dashboard:family_sheet_pdf", args=[records.fam_ojo.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = response.content
    assert pdf.startswith(b"%PDF")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed: the PDF text was not checked")
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert "OJO-001" in text and "Qué cambió desde el inicio" in text and "\f" not in text.rstrip("\f")  # one page


def test_the_family_page_links_to_the_printable_sheet(world, client_for):
    html = client_for(world.carla).get(reverse("registry:family_detail", args=[world.fam_ojo.pk])).content.decode()
    assert reverse("dashboard:family_sheet", args=[world.fam_ojo.pk]) in html and "Hoja para imprimir" in html


def test_a_family_without_records_still_gets_a_sheet(world, client_for):
    html = client_for(world.beto).get(reverse("dashboard:family_sheet", args=[world.fam_vergel.pk])).content.decode()
    assert "VER-001" in html and "Todavía no hay cosechas registradas." in html
    assert "Hacen falta registros de al menos dos años para comparar." in html


# --------------------------------------------------------------------------------------- helpers


def test_scale_bars_use_one_two_or_five_times_a_power_of_ten():
    assert nice_number(37) == 20 and nice_number(100) == 100 and nice_number(0.7) == 0.5 and nice_number(540) == 500
    assert nice_number(0) == 0


def test_a_square_plot_is_drawn_inside_the_drawing_with_its_north_and_scale():
    square = {"type": "Polygon", "coordinates": [[[-92, 16], [-91.999, 16], [-91.999, 16.001], [-92, 16.001], [-92, 16]]]}
    svg = plot_svg(square, size=200)
    path = re.search(r'<path d="M([^"]+) Z"', svg).group(1)
    xy = [tuple(map(float, p.strip().lstrip("L").split(","))) for p in path.split(" L")]
    assert all(0 <= x <= 200 and 0 <= y <= 200 for x, y in xy)
    # ~107 m wide: the scale bar is a third of the span rounded down to 1/2/5: 107/3 = 35.6 → 20 m
    assert ">20 m</text>" in svg and ">N</text>" in svg
    assert plot_svg(None) == ""


def test_quantile_classes_colour_low_and_high_values_apart_and_mark_missing_values():
    colours, legend = classify([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, float("nan")], ("#a", "#b", "#c", "#d", "#e"))
    assert colours[0] == "#a" and colours[9] == "#e" and colours[10] == "#cccccc"
    assert len(legend) == 6 and legend[-1]["label"] == "sin dato"  # five classes + "no value"
