"""CSV and XLSX exports of every list: they parse back, hold the list's columns and honour its filters."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from miaf.web.exports.columns import TABLES
from tests.exports.helpers import body, csv_rows

pytestmark = pytest.mark.django_db


def url(table: str, fmt: str, query: str = "") -> str:
    return reverse("exports:table", args=[table, fmt]) + (f"?{query}" if query else "")


@pytest.mark.parametrize("table", list(TABLES))
def test_every_table_downloads_as_csv_with_bom_and_the_documented_header(records, client_for, table):
    response = client_for(records.root).get(url(table, "csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    rows = csv_rows(response)
    assert rows, f"{table}: the world has rows for every table"
    assert list(rows[0]) == TABLES[table].names


@pytest.mark.parametrize("table", list(TABLES))
def test_every_table_downloads_as_xlsx_with_the_same_rows_as_the_csv(records, client_for, table):
    client = client_for(records.root)
    rows = csv_rows(client.get(url(table, "csv")))
    wb = load_workbook(io.BytesIO(body(client.get(url(table, "xlsx")))), read_only=True)
    assert wb.sheetnames == [table[:31], "diccionario"]
    sheet = list(wb[table[:31]].iter_rows(values_only=True))
    assert list(sheet[0]) == TABLES[table].names
    assert len(sheet) - 1 == len(rows)
    dictionary = list(wb["diccionario"].iter_rows(values_only=True))
    assert [r[0] for r in dictionary[1:]] == TABLES[table].names
    assert list(dictionary[0][:5]) == ["column", "label_es", "label_en", "meaning_es", "meaning_en"]
    assert [(r[3], r[4]) for r in dictionary[1:]] == [(c.meaning_es, c.meaning) for c in TABLES[table].columns]


def test_families_csv_holds_the_list_aggregates(records, client_for):
    rows = {r["family_code"]: r for r in csv_rows(client_for(records.root).get(url("familias", "csv")))}
    ojo = rows["OJO-001"]
    assert ojo["family_name"] == "Familia Gómez Pérez"
    assert ojo["group"] == "Ojo de Agua"
    assert ojo["municipality_code"] == "07052"
    assert ojo["n_members"] == "1" and ojo["n_plots"] == "1"
    assert float(ojo["area_ha"]) == pytest.approx(records.plot_ojo.area_ha)
    assert ojo["anyone_migrated"] == "false"


def test_harvest_csv_splits_self_consumption_and_sales_without_extra_queries(records, client_for,
                                                                             django_assert_max_num_queries):
    client = client_for(records.root)
    with django_assert_max_num_queries(12):  # session, user, profile, scope and the one export query
        rows = csv_rows(client.get(url("cosechas", "csv")))
    coffee = [r for r in rows if r["family_code"] == "OJO-001" and r["species"] == "cafe"][0]
    # 100 kg harvested: 40 kg self-consumption, 60 kg sold at 50 MXN/kg = 3,000 MXN
    assert float(coffee["quantity_kg"]) == 100
    assert float(coffee["self_consumption_kg"]) == 40
    assert float(coffee["sold_kg"]) == 60
    assert float(coffee["sales_mxn"]) == 3000
    maize = [r for r in rows if r["family_code"] == "OJO-001" and r["species"] == "maiz"][0]
    assert float(maize["sold_kg"]) == 0 and float(maize["sales_mxn"]) == 0


def test_text_that_a_spreadsheet_would_run_as_a_formula_is_neutralised(records, client_for):
    client = client_for(records.root)
    notes = {r["notes"] for r in csv_rows(client.get(url("calendario", "csv"))) if r["notes"]}
    assert notes == {"'=cmd|' /C calc'!A0"}
    wb = load_workbook(io.BytesIO(body(client.get(url("calendario", "xlsx")))))
    cells = [c for row in wb["calendario"].iter_rows(min_row=2) for c in row if c.value == "=cmd|' /C calc'!A0"]
    assert cells and all(c.data_type == "s" for c in cells)


def test_members_languages_are_joined_with_semicolons(records, client_for):
    rows = csv_rows(client_for(records.root).get(url("integrantes", "csv")))
    assert {r["languages"] for r in rows} == {"es;tzh"}


# ---------------------------------------------------------------------------------------------- filters


def codes(client, table: str, query: str = "") -> set[str]:  # noqa: ANN001
    return {r["family_code"] for r in csv_rows(client.get(url(table, "csv", query)))}


def test_search_filter_is_honoured_like_on_the_list(records, client_for):
    client = client_for(records.carla)
    assert codes(client, "familias", "q=Gómez") == {"OJO-001"}
    assert codes(client, "parcelas", "q=Cerrito") == {"VER-001"}
    assert codes(client, "integrantes", "q=VER") == {"VER-001"}


def test_group_organisation_and_municipality_filters_are_honoured(records, client_for):
    client = client_for(records.carla)
    w = records
    assert codes(client, "familias", f"group={w.group_vergel.pk}") == {"VER-001"}
    assert codes(client, "cosechas", f"group={w.group_ojo.pk}") == {"OJO-001"}
    assert codes(client, "calendario", f"organisation={w.org_coffee.pk}") == {"OJO-001", "VER-001"}
    assert codes(client, "mano-de-obra", f"municipality={w.municipality.pk}") == {"OJO-001", "VER-001"}


def test_system_filter_is_honoured_for_plots_and_their_records(records, client_for):
    client = client_for(records.root)
    assert codes(client, "parcelas", "system=miaf_d") == {"OJO-001"}
    assert codes(client, "cosechas", "system=traditional") == {"VER-001", "OTR-001"}
    assert codes(client, "mano-de-obra", "system=miaf_d") == {"OJO-001"}


def test_an_out_of_scope_filter_is_ignored_and_never_widens_the_scope(records, client_for):
    # ana asking for beto's group: the filter fails validation (as on the list) and her own scope remains
    client = client_for(records.ana)
    assert codes(client, "familias", f"group={records.group_vergel.pk}") == {"OJO-001"}


def test_export_rows_match_the_list_page_for_the_same_query(records, client_for):
    client = client_for(records.carla)
    page = client.get(reverse("plots:list") + "?system=traditional")
    exported = csv_rows(client.get(url("parcelas", "csv", "system=traditional")))
    assert page.context["page"].paginator.count == len(exported) == 1


def test_groups_export_counts_families_of_open_memberships(records, client_for):
    rows = csv_rows(client_for(records.carla).get(url("grupos", "csv")))
    assert {r["group"]: r["n_families"] for r in rows} == {"El Vergel": "1", "Ojo de Agua": "1"}


@pytest.mark.parametrize("path", ["familias.pdf", "desconocida.csv"])
def test_unknown_table_or_format_is_404(records, client_for, path):
    table, fmt = path.split(".")
    assert client_for(records.root).get(url(table, fmt)).status_code == 404
