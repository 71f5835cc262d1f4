"""Role matrix of every export URL × persona, and what each persona's files contain.

Rules: administrators, coordinators and promoters download the personal-data exports of their own scope
(a promoter: only their groups); analysts get 403 on everything but the anonymised open data and the data
dictionary; anonymous visitors are sent to the log-in page.
"""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from miaf.web.exports.anonymise import pseudonym
from miaf.web.exports.columns import TABLES
from tests.exports.helpers import body, csv_rows

pytestmark = pytest.mark.django_db

PERSONAS = ("root", "carla", "ana", "beto", "diego", "olga")
PERSONAL_URLS = [("exports:table", (t, f)) for t in TABLES for f in ("csv", "xlsx")] + [
    ("exports:plots_geojson", ()), ("exports:plots_gpkg", ()),
    ("exports:designs_geojson", ()), ("exports:designs_gpkg", ()),
]
OPEN_URLS = [("exports:open_data", ()), ("exports:dictionary", ()), ("exports:dictionary_csv", ()),
             ("exports:dictionary_md", ()), ("exports:index", ())]
# Family codes in each persona's personal-data exports (the world of tests/conftest.py).
SEES = {
    "root": {"OJO-001", "VER-001", "OTR-001"},
    "carla": {"OJO-001", "VER-001"},
    "ana": {"OJO-001"},
    "beto": {"VER-001"},
    "olga": {"OTR-001"},
}


def expected(name: str, persona: str) -> int:
    if persona == "diego" and (name, ()) not in OPEN_URLS:
        return 403
    return 200


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_export_url_answers_each_persona_with_the_expected_status(records, client_for, persona):
    # one test per persona over the 23 URLs (the world fixture is the slow part, so it is built 6 times, not 138)
    client = client_for(getattr(records, persona))
    got = {(name, args): client.get(reverse(name, args=args)).status_code for name, args in PERSONAL_URLS + OPEN_URLS}
    want = {(name, args): expected(name, persona) for name, args in PERSONAL_URLS + OPEN_URLS}
    assert got == want


def test_anonymous_visitors_are_sent_to_log_in(records, client):
    for name, args in PERSONAL_URLS + OPEN_URLS:
        response = client.get(reverse(name, args=args))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], name


@pytest.mark.parametrize("persona", sorted(SEES))
def test_each_table_holds_exactly_the_families_the_persona_may_see(records, client_for, persona):
    client = client_for(getattr(records, persona))
    for table in (t for t, spec in TABLES.items() if "family_code" in spec.names):
        rows = csv_rows(client.get(reverse("exports:table", args=[table, "csv"])))
        assert {r["family_code"] for r in rows} == SEES[persona], table


@pytest.mark.parametrize("persona", sorted(SEES))
def test_plots_geojson_holds_only_the_persona_plots(records, client_for, persona):
    fc = json.loads(body(client_for(getattr(records, persona)).get(reverse("exports:plots_geojson"))))
    assert {f["properties"]["family_code"] for f in fc["features"]} == SEES[persona]


def test_promoter_groups_export_lists_only_their_group(records, client_for):
    rows = csv_rows(client_for(records.ana).get(reverse("exports:table", args=["grupos", "csv"])))
    assert [r["group"] for r in rows] == ["Ojo de Agua"]


def test_analyst_open_data_covers_their_organisation_and_nothing_else(programme, client_for):
    import io
    import zipfile

    from miaf.web.exports.anonymise import open_data_families

    w = programme.world
    assert set(open_data_families(w.diego).values_list("code", flat=True)) == {
        "OJO-001", "VER-001", *programme.families}
    data = body(client_for(w.diego).get(reverse("exports:open_data")))
    zf = zipfile.ZipFile(io.BytesIO(data))
    text = "".join(zf.read(n).decode("utf-8") for n in zf.namelist())
    assert pseudonym("family", programme.families["CMT-001"].pk) in text
    assert pseudonym("family", w.fam_other.pk) not in text


def test_list_pages_carry_the_download_line_with_the_current_filters(records, client_for):
    client = client_for(records.carla)
    html = client.get(reverse("plots:list") + "?system=miaf_d").content.decode()
    assert reverse("exports:plots_gpkg") + "?system=miaf_d" in html
    assert reverse("exports:table", args=["parcelas", "xlsx"]) + "?system=miaf_d" in html
    html = client.get(reverse("registry:family_list") + "?q=G").content.decode()
    assert reverse("exports:table", args=["familias", "csv"]) + "?q=G" in html
    assert reverse("exports:table", args=["integrantes", "csv"]) + "?q=G" in html


def test_analyst_group_list_offers_only_open_data_and_the_dictionary(records, client_for):
    html = client_for(records.diego).get(reverse("registry:group_list")).content.decode()
    assert reverse("exports:open_data") in html and reverse("exports:dictionary") in html
    assert reverse("exports:table", args=["grupos", "csv"]) not in html
