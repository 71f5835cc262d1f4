"""The data dictionary: generated from columns.py, complete, and served to every role."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.urls import reverse

from miaf.web.exports import dictionary
from miaf.web.exports.columns import ALL_TABLES, TABLES

DOC = Path(__file__).resolve().parents[2] / "docs" / "data-dictionary.md"


def test_docs_data_dictionary_is_up_to_date_with_columns_py():
    # regenerate with: python -m miaf.web.exports.dictionary > docs/data-dictionary.md
    assert DOC.read_text(encoding="utf-8") == dictionary.document()


def test_every_column_has_a_meaning_and_both_labels_and_names_are_unique_per_table():
    for t in ALL_TABLES:
        assert len(set(t.names)) == len(t.names), t.slug
        for c in t.columns:
            assert c.meaning and c.label_es and c.label_en, f"{t.slug}.{c.name}"


def test_money_columns_carry_a_unit_and_are_marked_personal_outside_open_data():
    money = [(t, c) for t in TABLES.values() for c in t.columns if "MXN" in c.unit]
    assert money and all(c.personal for _, c in money)


def test_choice_columns_list_their_codes():
    sex = TABLES["integrantes"].column("sex")
    assert dictionary.codes_text(sex, "es") == "F = mujer; M = hombre; X = otro / no dice"
    assert dictionary.codes_text(sex, "en") == "F = woman; M = man; X = other / not stated"
    assert "tzh = tseltal" in dictionary.codes_text(TABLES["integrantes"].column("languages"), "es")


def test_csv_has_one_row_per_column_of_every_table():
    rows = list(csv.reader(io.StringIO(dictionary.csv_text().lstrip("\ufeff"))))
    assert rows[0] == dictionary.CSV_HEADER
    assert len(rows) - 1 == sum(len(t.columns) for t in ALL_TABLES)


def test_the_markdown_notes_that_indicators_add_their_definitions_later():
    assert "indicators add their own definitions" in dictionary.document()


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["exports:dictionary", "exports:dictionary_csv", "exports:dictionary_md"])
def test_analysts_read_the_dictionary(world, client_for, name):
    response = client_for(world.diego).get(reverse(name))
    assert response.status_code == 200
    assert b"income_bin_mxn" in response.content


@pytest.mark.django_db
def test_dictionary_page_shows_english_labels_in_english(world, client_for):
    client = client_for(world.diego)
    client.cookies["django_language"] = "en"
    html = client.get(reverse("exports:dictionary"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "annual income (bin)" in html
