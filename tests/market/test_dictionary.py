"""The market's exports are in the data dictionary: the offer calendar, buyers and demands (advances, prices and
collective purchases are in it with the trade tables)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from miaf.web.exports import dictionary
from miaf.web.exports.columns import ALL_TABLES
from miaf.web.market.exports import BUYERS, DEMANDS, OFFER


def test_the_market_tables_are_documented_with_the_exported_columns():
    slugs = {t.slug for t in ALL_TABLES}
    assert {"oferta", "compradores", "demandas", "anticipos", "precios_organizacion", "compras_colectivas"} <= slugs
    doc = dictionary.document()
    for spec in (OFFER, BUYERS, DEMANDS):
        assert f"## `{spec.slug}`" in doc
        for c in spec.columns:
            assert f"| `{c.name}` |" in doc


def test_personal_data_rules_a_buyers_contact_is_personal_an_advance_is_a_familys():
    personal = {c.name for c in BUYERS.columns if c.personal}
    assert personal == {"contact_name", "phone", "email"}  # a person's data, though not a family's
    assert not any(c.personal for c in (*OFFER.columns, *DEMANDS.columns))  # aggregates and what a buyer asks
    assert all(not c.name.startswith("family") for c in (*OFFER.columns, *BUYERS.columns, *DEMANDS.columns))
    advances = next(t for t in ALL_TABLES if t.slug == "anticipos")
    assert advances.column("family_code") and advances.column("amount_mxn").personal
    assert "intermediary = " in dictionary.codes_text(BUYERS.column("kind"), "en")


@pytest.mark.django_db
def test_the_dictionary_page_lists_the_buyer_directory(world, client_for):
    html = client_for(world.diego).get(reverse("exports:dictionary")).content.decode()
    assert "compradores" in html and "demandas" in html and "oferta" in html
