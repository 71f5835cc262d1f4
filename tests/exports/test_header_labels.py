"""CSV/XLSX header rows: the stable codes by default (for machines), the labels in the user's language on request
(``?cabecera=etiquetas``, ``miaf export --headers labels --lang``); issue 15, item 3."""

from __future__ import annotations

import argparse
import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from miaf.web.exports.cli import register
from miaf.web.exports.columns import TABLES
from tests.exports.helpers import BOM, body

pytestmark = pytest.mark.django_db


def url(table: str, fmt: str, query: str = "") -> str:
    return reverse("exports:table", args=[table, fmt]) + (f"?{query}" if query else "")


def csv_table(response) -> list[list[str]]:  # noqa: ANN001
    assert response.status_code == 200, response.content
    data = body(response)
    assert data.startswith(BOM)
    return list(csv.reader(io.StringIO(data[len(BOM):].decode("utf-8"))))


def test_the_default_header_is_the_codes_and_labels_come_in_spanish_or_english(records, client_for):
    client = client_for(records.root)
    codes = csv_table(client.get(url("familias", "csv")))
    assert codes[0][:3] == ["family_code", "family_name", "locality"]
    assert csv_table(client.get(url("familias", "csv", "cabecera=codigos"))) == codes
    spanish = csv_table(client.get(url("familias", "csv", "cabecera=etiquetas")))
    assert spanish[0][:3] == ["código", "nombre de la familia", "localidad"]
    assert spanish[0] == [c.label_es for c in TABLES["familias"].columns]
    assert spanish[1:] == codes[1:]  # only the header changes
    client.cookies["django_language"] = "en"
    english = csv_table(client.get(url("familias", "csv", "cabecera=etiquetas")))
    assert english[0][:3] == ["code", "family name", "locality"]
    assert csv_table(client.get(url("familias", "csv")))[0] == codes[0]  # codes do not follow the language


def test_a_labelled_xlsx_keeps_the_codes_in_its_dictionary_sheet_and_filters_still_apply(records, client_for):
    client = client_for(records.root)
    response = client.get(url("familias", "xlsx", f"cabecera=etiquetas&q={records.fam_ojo.code}"))
    wb = load_workbook(io.BytesIO(body(response)), read_only=True)
    sheet = list(wb["familias"].iter_rows(values_only=True))
    assert list(sheet[0]) == [c.label_es for c in TABLES["familias"].columns]
    assert [r[0] for r in sheet[1:]] == [records.fam_ojo.code]
    dictionary = list(wb["diccionario"].iter_rows(values_only=True))
    assert dictionary[1][:3] == ("family_code", "código", "code")


def test_an_unknown_header_choice_is_a_400_that_names_the_choices(records, client_for):
    response = client_for(records.root).get(url("familias", "csv", "cabecera=bonitas"))
    assert response.status_code == 400


def test_the_export_page_offers_both_and_names_tables_in_the_users_language(records, client_for):
    client = client_for(records.root)
    page = client.get(reverse("exports:index")).content.decode()
    assert "familias.csv?cabecera=etiquetas" in page and ">Cosechas<" in page
    client.cookies["django_language"] = "en"
    page = client.get(reverse("exports:index")).content.decode()
    assert ">Harvests<" in page and ">Cosechas<" not in page


def test_the_analyst_still_gets_403_with_labels(records, client_for):
    assert client_for(records.users["diego"]).get(url("familias", "csv", "cabecera=etiquetas")).status_code == 403


def test_the_cli_writes_labels_in_the_chosen_language(records, tmp_path):
    parser = argparse.ArgumentParser(prog="miaf")
    register(parser.add_subparsers(dest="command", required=True))
    out = tmp_path / "f.csv"
    args = parser.parse_args(["export", "familias", "--out", str(out), "--headers", "labels", "--lang", "en"])
    assert args.func(args) == 0
    with out.open(encoding="utf-8-sig", newline="") as fh:
        assert next(csv.reader(fh)) == [c.label_en for c in TABLES["familias"].columns]
    args = parser.parse_args(["export", "familias", "--out", str(out)])
    args.func(args)
    with out.open(encoding="utf-8-sig", newline="") as fh:
        assert next(csv.reader(fh)) == TABLES["familias"].names
