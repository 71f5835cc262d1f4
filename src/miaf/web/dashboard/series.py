"""Series over time for the dashboard charts, and their Vega-Lite specs (altair; rendered by vega-embed).

One :func:`miaf.indicators.compute_indicators` per year with records, restricted to the four indicators
the charts draw (the year filter is ignored: every year is shown): area by system on 31 December, maize
yield by system, months with income, side-selling share. Computed once per (scope, data version, other
filters) and cached by :mod:`miaf.web.dashboard.services`.
"""

from __future__ import annotations

import altair as alt
import pandas as pd
from django.utils.translation import gettext as _

from miaf.indicators import IndicatorTables, compute_indicators
from miaf.indicators.compute import record_years
from miaf.web.economy.charts import AMBER, BLUE, GREEN, GREY, RED, SCHEMA

__all__ = ["SERIES_CODES", "series"]

SERIES_CODES = ("area_by_system", "yield_by_crop", "months_with_income", "side_selling_share")
SYSTEM_COLOURS = {"traditional": AMBER, "miaf": BLUE, "miaf_d": GREEN, "other": GREY}


def _spec(chart: alt.TopLevelMixin) -> dict:
    spec = chart.to_dict(validate=False)
    spec["$schema"] = SCHEMA  # the page vendors vega-lite 5 (altair writes v6; these marks are the same)
    spec.setdefault("config", {}).update({"locale": {"number": {"decimal": ".", "thousands": ",", "grouping": [3],
                                                                  "currency": ["$", ""]}},
                                             "title": {"anchor": "start", "fontSize": 12}})
    return spec


def series(tables: IndicatorTables, filters, protected: bool = False) -> dict:  # noqa: ANN001
    """``{"rows": {area, maize, income_months, side_selling}, "specs": {…}, "years": [...], "suppressed": n}``.

    ``protected`` (roles without personal data): each year's figures go through the disclosure rule
    (:mod:`miaf.web.core.disclosure`); a hidden point is left out of the chart and counted in ``suppressed``."""
    from miaf.indicators.disclosure import ContextPool
    from miaf.web.core import disclosure

    from .services import system_label

    base = filters.indicator_filters(with_year=False).to_dict()
    area, maize, months, side = [], [], [], []
    years = record_years(tables)
    pool, k, hidden = ContextPool(tables), disclosure.k_min(), 0
    for y in years:  # a handful of years, each computation vectorised
        res = compute_indicators(tables, {**base, "year": y}, codes=SERIES_CODES)
        if protected:
            res, info = disclosure.protect_results(tables, res, k, pool)
            hidden += len(info.suppressed) + sum(len(v) for v in info.breakdown_entries.values())
        for system, ha in (res["area_by_system"].breakdown or {}).items():
            if ha:
                area.append({"year": y, "system": system_label(system), "code": system, "ha": float(ha)})
        for key, kg_ha in (res["yield_by_crop"].breakdown or {}).items():
            crop, _sep, system = key.partition("|")
            if crop == "maiz" and kg_ha is not None:
                maize.append({"year": y, "system": system_label(system), "code": system, "kg_ha": float(kg_ha)})
        v = res["months_with_income"]
        if v.value is not None:
            months.append({"year": y, "months": float(v.value), "n": v.n})
        v = res["side_selling_share"]
        if v.value is not None:
            side.append({"year": y, "share": float(v.value), "n": v.n})
    rows = {"area": area, "maize": maize, "income_months": months, "side_selling": side}
    return {"rows": rows, "years": years, "suppressed": hidden,
            "suppressed_note": _("Algunos puntos se ocultan: %(why)s.") % {"why": disclosure.reason_text(
                disclosure.SMALL_CELL, k)} if hidden else "", "specs": {
        "area": area_chart(area), "maize": maize_chart(maize), "income_months": months_chart(months),
        "side_selling": side_chart(side)}}


def _systems_scale(rows: list[dict]) -> alt.Scale:
    codes = [c for c in SYSTEM_COLOURS if any(r["code"] == c for r in rows)]
    from .services import system_label

    return alt.Scale(domain=[system_label(c) for c in codes], range=[SYSTEM_COLOURS[c] for c in codes])


def _frame(rows: list[dict], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(rows) if rows else pd.DataFrame({c: [] for c in columns})


def area_chart(rows: list[dict]) -> dict:
    df = _frame(rows, ["year", "system", "code", "ha"])
    chart = alt.Chart(df).mark_bar().encode(
        x=alt.X("year:O", title=_("Año")),
        y=alt.Y("ha:Q", stack=True, title=_("Hectáreas"), axis=alt.Axis(format=",.0f")),
        color=alt.Color("system:N", title=_("Sistema"), scale=_systems_scale(rows), legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("year:O", title=_("Año")), alt.Tooltip("system:N", title=_("Sistema")),
                 alt.Tooltip("ha:Q", title="ha", format=",.1f")],
    ).properties(width="container", height=200, title=_("Hectáreas por sistema (31 de diciembre)"))
    return _spec(chart)


def maize_chart(rows: list[dict]) -> dict:
    df = _frame(rows, ["year", "system", "code", "kg_ha"])
    chart = alt.Chart(df).mark_line(point=True).encode(
        x=alt.X("year:O", title=_("Año")),
        y=alt.Y("kg_ha:Q", title="kg/ha", axis=alt.Axis(format=",.0f")),
        color=alt.Color("system:N", title=_("Sistema"), scale=_systems_scale(rows), legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("year:O", title=_("Año")), alt.Tooltip("system:N", title=_("Sistema")),
                 alt.Tooltip("kg_ha:Q", title="kg/ha", format=",.0f")],
    ).properties(width="container", height=200, title=_("Maíz: kg por hectárea"))
    return _spec(chart)


def months_chart(rows: list[dict]) -> dict:
    df = _frame(rows, ["year", "months", "n"])
    chart = alt.Chart(df).mark_bar(color=GREEN).encode(
        x=alt.X("year:O", title=_("Año")),
        y=alt.Y("months:Q", title=_("Meses con ingreso"), scale=alt.Scale(domain=[0, 12])),
        tooltip=[alt.Tooltip("year:O", title=_("Año")), alt.Tooltip("months:Q", title=_("Meses"), format=".1f"),
                 alt.Tooltip("n:Q", title=_("familia-años"))],
    ).properties(width="container", height=200, title=_("Meses con ingreso (promedio)"))
    return _spec(chart)


def side_chart(rows: list[dict]) -> dict:
    df = _frame(rows, ["year", "share", "n"])
    chart = alt.Chart(df).mark_line(point=True, color=RED).encode(
        x=alt.X("year:O", title=_("Año")),
        y=alt.Y("share:Q", title=_("Parte de lo vendido"), axis=alt.Axis(format=".0%")),
        tooltip=[alt.Tooltip("year:O", title=_("Año")), alt.Tooltip("share:Q", title=_("Venta a intermediarios"),
                                                                    format=".1%"),
                 alt.Tooltip("n:Q", title=_("ventas"))],
    ).properties(width="container", height=200, title=_("Venta a intermediarios"))
    return _spec(chart)
