"""The workspace's own tables: input purchases (individual or collective) and plantings, as CSV and XLSX."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.exports.helpers import csv_rows

pytestmark = pytest.mark.django_db


def test_the_coordinator_downloads_every_input_purchase_with_its_cost_and_collective_flag(records, client_for):
    rows = csv_rows(client_for(records.carla).get(reverse("exports:table", args=["compras", "csv"])))
    assert {r["family_code"] for r in rows} == {"OJO-001", "VER-001"}
    ojo = next(r for r in rows if r["family_code"] == "OJO-001")
    assert (ojo["item"], ojo["quantity"], ojo["unit"], ojo["cost_mxn"], ojo["collective"]) == (
        "planta de café", "200.00", "plantas", "1600.00", "true")
    assert ojo["plot_id"] == str(records.plot_ojo.pk) and ojo["purchased_on"] == "2023-01-20"


def test_plantings_export_names_the_species_and_the_row(records, client_for):
    rows = csv_rows(client_for(records.ana).get(reverse("exports:table", args=["siembras", "csv"])))
    assert [(r["family_code"], r["species"], r["unit"], r["row_number"]) for r in rows] == [
        ("OJO-001", "cafe", "plants", "2")]


def test_the_analyst_may_not_download_purchases(records, client_for):
    assert client_for(records.diego).get(reverse("exports:table", args=["compras", "xlsx"])).status_code == 403


def test_the_purchases_xlsx_has_the_dictionary_header(records, client_for):
    response = client_for(records.carla).get(reverse("exports:table", args=["compras", "xlsx"]))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content) if response.streaming else
                                     response.content)).worksheets[0]
    header = [c.value for c in next(sheet.iter_rows(max_row=1))]
    assert header[:4] == ["family_code", "plot_id", "purchased_on", "item"]
    assert sheet.max_row == 3  # header + one purchase per family
