"""Supplier quotes as an export (CSV and XLSX) with their dictionary entry: scoped to the user's groups, with
how many collective purchases chose each quote; analysts get 403 like every table."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from miaf.web.exports.columns import SUPPLIER_QUOTES
from miaf.web.exports.dictionary import csv_text
from miaf.web.trade import services
from tests.exports.helpers import csv_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def quotes(world):  # noqa: ANN001, ANN201
    def quote(group, supplier, price, **extra):  # noqa: ANN001, ANN003, ANN202
        return services.save_quote(None, {"group": group, "item": "Plantas de durazno", "unit": "plants",
                                          "supplier": supplier, "unit_price": Decimal(price), "quality": "high",
                                          "delivery_days": 10, "quoted_on": dt.date(2024, 2, 1), **extra})
    chosen = quote(world.group_ojo, "Vivero Los Altos", "14.50")
    quote(world.group_ojo, "Agroinsumos Comitán", "1.10", currency="USD", exchange_rate_mxn=Decimal("17.25"))
    quote(world.group_vergel, "Vivero del Vergel", "15.00")
    services.record_collective_purchase(None, world.group_ojo, {
        "quantity": Decimal("40"), "purchased_on": dt.date(2024, 2, 20), "split": "equal"}, quote=chosen)
    return chosen


def test_the_promoter_downloads_the_quotes_of_her_group_with_the_purchases_that_chose_them(world, quotes, client_for):
    rows = csv_rows(client_for(world.ana).get(reverse("exports:table", args=["cotizaciones", "csv"])))
    assert {r["group"] for r in rows} == {"Ojo de Agua"}
    by_supplier = {r["supplier"]: r for r in rows}
    assert by_supplier["Vivero Los Altos"]["unit_price"] == "14.50"
    assert by_supplier["Vivero Los Altos"]["n_purchases"] == "1"
    usd = by_supplier["Agroinsumos Comitán"]
    assert (usd["currency"], usd["exchange_rate_mxn"], usd["n_purchases"]) == ("USD", "17.2500", "0")


def test_the_coordinator_sees_every_group_and_filters_by_group(world, quotes, client_for):
    client = client_for(world.carla)
    url = reverse("exports:table", args=["cotizaciones", "csv"])
    assert len(csv_rows(client.get(url))) == 3
    assert {r["group"] for r in csv_rows(client.get(url, {"group": world.group_vergel.pk}))} == {"El Vergel"}


def test_the_analyst_gets_403_and_the_dictionary_lists_every_quote_column(world, quotes, client_for):
    assert client_for(world.diego).get(reverse("exports:table", args=["cotizaciones", "xlsx"])).status_code == 403
    text = csv_text([SUPPLIER_QUOTES])
    for column in SUPPLIER_QUOTES.columns:
        assert column.name in text and column.meaning_es
