"""The plot page's payback and NPV from records are the dashboard's per-plot numbers (issue 16, item 3)."""

from __future__ import annotations

import numpy as np
import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _rows(client, plot):  # noqa: ANN001, ANN202
    page = client.get(reverse("economy:plot", args=[plot.pk])).context["page"]
    return {k["key"]: k for k in page.key_results}


def test_plot_page_shows_the_same_records_payback_and_npv_as_the_dashboards_indicators(records, client_for):
    from miaf.indicators.context import Context
    from miaf.indicators.production import plot_record_economics
    from miaf.web.evidence.extract import load_tables

    shown = _rows(client_for(records.carla), records.plot_ojo)
    # the dashboard's path: every family's tables, the programme's indicator context, then this plot's row
    df = plot_record_economics(Context(load_tables(None, with_layers=False)))
    row = df.loc[records.plot_ojo.pk]
    assert shown["npv_records"]["value"] == pytest.approx(row["npv_mxn"], rel=1e-12)
    assert shown["npv_records_cash"]["value"] == pytest.approx(row["npv_cash_mxn"], rel=1e-12)
    pb = row["payback_years"]
    assert shown["payback_records"]["value"] == (None if np.isnan(pb) else pytest.approx(pb, rel=1e-12))
    if np.isnan(pb):
        assert shown["payback_records"]["reason"]
    assert "contra la milpa" in shown["payback_records"]["note"]


def test_plot_page_says_when_a_plot_has_no_cost_records(records, client_for):
    from miaf.web.records.models import InputPurchase

    InputPurchase.objects.filter(plot=records.plot_ojo).delete()
    note = _rows(client_for(records.carla), records.plot_ojo)["payback_records"]["note"]
    assert "no tiene compras de insumos registradas" in note and "no cero" in note


def test_a_traditional_plot_has_no_records_payback_row(world, client_for):
    shown = _rows(client_for(world.carla), world.plot_vergel)
    assert "payback_records" not in shown
