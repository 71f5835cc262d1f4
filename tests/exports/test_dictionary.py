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


def test_every_column_and_table_has_a_spanish_meaning_besides_the_english_one():
    for t in ALL_TABLES:
        assert t.description_es and t.description_es != t.description, t.slug
        for c in t.columns:
            assert c.meaning_es.strip() and c.meaning_es != c.meaning, f"{t.slug}.{c.name}"
    sex = TABLES["integrantes"].column("sex")
    assert (sex.meaning_in("es"), sex.meaning_in("en-us")) == ("Sexo según lo declarado.", "Sex as declared.")


def test_money_columns_carry_a_unit_and_are_marked_personal_outside_open_data():
    money = [(t, c) for t in TABLES.values() for c in t.columns if "MXN" in c.unit]
    assert money and all(c.personal for _, c in money)


def test_choice_columns_list_their_codes():
    sex = TABLES["integrantes"].column("sex")
    assert dictionary.codes_text(sex, "es") == "F = mujer; M = hombre; X = otro / no dice"
    assert dictionary.codes_text(sex, "en") == "F = woman; M = man; X = other / not stated"
    assert "tzh = tseltal" in dictionary.codes_text(TABLES["integrantes"].column("languages"), "es")


def test_csv_has_one_row_per_column_of_every_table_with_both_meanings():
    rows = list(csv.reader(io.StringIO(dictionary.csv_text().lstrip("\ufeff"))))
    assert rows[0] == dictionary.CSV_HEADER
    assert len(rows) - 1 == sum(len(t.columns) for t in ALL_TABLES)
    income = next(dict(zip(rows[0], r, strict=True)) for r in rows if r[:2] == ["familias_anio", "income_bin_mxn"])
    assert income["meaning_es"] == "Suma de los ingresos registrados en el año, en rangos."
    assert income["meaning_en"] == "Sum of the year's income entries, binned."


def test_rows_give_the_meaning_in_the_requested_language():
    (es,) = [r for r in dictionary.rows(lang="es") if r[:2] == ["integrantes", "sex"]]
    (en,) = [r for r in dictionary.rows(lang="en") if r[:2] == ["integrantes", "sex"]]
    assert (es[4], en[4]) == ("Sexo según lo declarado.", "Sex as declared.")


def test_the_markdown_shows_both_meanings():
    doc = dictionary.document()
    assert "| meaning (en) | meaning (es) |" in doc
    assert "Sex as declared. Codes: F = woman" in doc
    assert "Sexo según lo declarado. Códigos: F = mujer" in doc


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
    assert "Sum of the year&#x27;s income entries, binned." in html
    assert "Suma de los ingresos registrados" not in html
    assert "One row per household and year with economy calendar entries; anonymised." in html


@pytest.mark.django_db
def test_dictionary_page_is_in_spanish_by_default(world, client_for):
    html = client_for(world.diego).get(reverse("exports:dictionary")).content.decode()
    assert "ingreso anual (rango)" in html
    assert "Suma de los ingresos registrados en el año, en rangos." in html
    assert "Sum of the year" not in html
    assert "Una fila por familia y año con registros del calendario económico; anonimizada." in html


@pytest.mark.django_db
def test_dictionary_csv_keeps_both_meanings_and_labels_codes_in_the_chosen_language(world, client_for):
    client = client_for(world.diego)
    text = client.get(reverse("exports:dictionary_csv")).content.decode("utf-8-sig")
    header, *rows = list(csv.reader(io.StringIO(text)))
    assert header == dictionary.CSV_HEADER
    sex = dict(zip(header, next(r for r in rows if r[:2] == ["integrantes", "sex"]), strict=True))
    assert (sex["meaning_es"], sex["meaning_en"]) == ("Sexo según lo declarado.", "Sex as declared.")
    assert sex["codes"].startswith("F = mujer")
    client.cookies["django_language"] = "en"
    text = client.get(reverse("exports:dictionary_csv"), HTTP_ACCEPT_LANGUAGE="en").content.decode("utf-8-sig")
    assert "F = woman" in text
