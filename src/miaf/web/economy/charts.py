"""Vega-Lite specs (built with altair) for the economics pages; rendered in the page by the vendored vega-embed.

Each function takes plain rows (lists of dicts already computed by :mod:`miaf.web.economy.pages`) and
returns a JSON-ready spec. Specs declare the Vega-Lite 5 schema because the page vendors vega-lite 5
(altair writes v6 specs; the marks and encodings used here are the same in both).
"""

from __future__ import annotations

import altair as alt
import pandas as pd
from django.utils.translation import gettext as _

SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"
GREEN, GREY, RED, AMBER, BLUE = "#2f6b3a", "#8a8f8c", "#a0182a", "#c98a1b", "#3b6ea8"


def _spec(chart: alt.TopLevelMixin) -> dict:
    spec = chart.to_dict(validate=False)
    spec["$schema"] = SCHEMA
    spec.setdefault("config", {}).update({"locale": {"number": {"decimal": ".", "thousands": ",",
                                                                  "grouping": [3], "currency": ["$", ""]}}})
    return spec


def cashflow_chart(rows: list[dict], band_label: str) -> dict:
    """Net cash flow per year: MIAF-D bars (recorded years darker), P10–P90 rule, baseline milpa line.

    ``rows``: year (calendar), net (MIAF-D central), low, high, baseline, kind ("registrado"/"modelado").
    """
    df = pd.DataFrame(rows)
    x = alt.X("year:O", title=_("Año"))
    bars = alt.Chart(df).mark_bar(opacity=0.85).encode(
        x=x,
        y=alt.Y("net:Q", title=_("Flujo neto [MXN]"), axis=alt.Axis(format=",.0f")),
        color=alt.Color("kind:N", title=_("MIAF-D"),
                        scale=alt.Scale(domain=[_("registrado"), _("modelado")], range=[GREEN, "#86b48d"])),
        tooltip=[alt.Tooltip("year:O", title=_("Año")), alt.Tooltip("net:Q", title=_("MIAF-D"), format=",.0f"),
                 alt.Tooltip("low:Q", title="P10", format=",.0f"), alt.Tooltip("high:Q", title="P90", format=",.0f"),
                 alt.Tooltip("baseline:Q", title=_("milpa tradicional"), format=",.0f")],
    )
    band = alt.Chart(df).mark_rule(color="#1d1d1d", strokeWidth=2).encode(
        x=x, y="low:Q", y2="high:Q", tooltip=[alt.Tooltip("low:Q", title="P10", format=",.0f"),
                                              alt.Tooltip("high:Q", title="P90", format=",.0f")])
    base = alt.Chart(df.assign(series=_("milpa tradicional"))).mark_line(
        color=AMBER, point=alt.OverlayMarkDef(color=AMBER), strokeDash=[4, 3]).encode(
        x=x, y="baseline:Q", tooltip=[alt.Tooltip("baseline:Q", title=_("milpa tradicional"), format=",.0f")])
    zero = alt.Chart(pd.DataFrame({"y": [0]})).mark_rule(color=GREY).encode(y="y:Q")
    chart = alt.layer(bars, band, base, zero).properties(
        width="container", height=280, title=_("Flujo de caja anual de la parcela (%(band)s)") % {"band": band_label})
    return _spec(chart)


def monthly_chart(rows: list[dict], band_label: str) -> dict:
    """Typical mature year by month: income bars with P10–P90 rules, and family/hired days stacked below.

    ``rows``: month (1..12), label, income, low, high, family_days, hired_days.
    """
    df = pd.DataFrame(rows)
    order = [r["label"] for r in rows]
    x = alt.X("label:O", sort=order, title=None)
    income = alt.layer(
        alt.Chart(df).mark_bar(color=GREEN).encode(
            x=x, y=alt.Y("income:Q", title=_("Ingreso [MXN]"), axis=alt.Axis(format=",.0f")),
            tooltip=[alt.Tooltip("label:O", title=_("Mes")), alt.Tooltip("income:Q", title=_("Ingreso"), format=",.0f"),
                     alt.Tooltip("low:Q", title="P10", format=",.0f"), alt.Tooltip("high:Q", title="P90", format=",.0f")]),
        alt.Chart(df).mark_rule(color="#1d1d1d", strokeWidth=2).encode(x=x, y="low:Q", y2="high:Q"),
    ).properties(width="container", height=170,
                 title=_("Año típico en producción: ingreso por mes (%(band)s)") % {"band": band_label})
    labour_rows = [{"label": r["label"], "kind": _("familiar"), "days": r["family_days"]} for r in rows]
    labour_rows += [{"label": r["label"], "kind": _("contratada"), "days": r["hired_days"]} for r in rows]
    labour = alt.Chart(pd.DataFrame(labour_rows)).mark_bar().encode(
        x=x, y=alt.Y("days:Q", title=_("Jornales"), stack=True),
        color=alt.Color("kind:N", title=_("Mano de obra"),
                        scale=alt.Scale(domain=[_("familiar"), _("contratada")], range=[BLUE, AMBER]),
                        legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("label:O", title=_("Mes")), alt.Tooltip("kind:N", title=_("Tipo")),
                 alt.Tooltip("days:Q", title=_("Jornales"), format=",.1f")],
    ).properties(width="container", height=120, title=_("Jornales por mes"))
    return _spec(alt.vconcat(income, labour).resolve_scale(color="independent"))


def calendar_chart(income_rows: list[dict], month_rows: list[dict], year: int) -> dict:
    """Twelve months: income by source stacked, expenses as a line, deficit months shaded red.

    ``income_rows``: label (month), source, amount. ``month_rows``: label, expense, income, net, deficit (bool).
    """
    order = [r["label"] for r in month_rows]
    months = pd.DataFrame(month_rows)
    x = alt.X("label:O", sort=order, title=None)
    top = max([r["expense"] for r in month_rows] + [r["income"] for r in month_rows] + [1.0])
    deficit = alt.Chart(months[months.deficit].assign(top=top) if months.deficit.any() else months.head(0).assign(top=top)
                        ).mark_bar(color=RED, opacity=0.12).encode(
        x=x, y=alt.Y("top:Q"), tooltip=[alt.Tooltip("label:O", title=_("Mes en déficit"))])
    income = alt.Chart(pd.DataFrame(income_rows) if income_rows else pd.DataFrame(
        {"label": [], "source": [], "amount": []})).mark_bar().encode(
        x=x, y=alt.Y("amount:Q", stack=True, title="MXN", axis=alt.Axis(format=",.0f")),
        color=alt.Color("source:N", title=_("Ingreso por fuente"), scale=alt.Scale(scheme="tableau20")),
        tooltip=[alt.Tooltip("label:O", title=_("Mes")), alt.Tooltip("source:N", title=_("Fuente")),
                 alt.Tooltip("amount:Q", title="MXN", format=",.0f")],
    )
    expense = alt.Chart(months.assign(series=_("gastos"))).mark_line(
        color="#1d1d1d", point=alt.OverlayMarkDef(color="#1d1d1d"), strokeWidth=2).encode(
        x=x, y="expense:Q",
        tooltip=[alt.Tooltip("label:O", title=_("Mes")), alt.Tooltip("expense:Q", title=_("Gastos"), format=",.0f"),
                 alt.Tooltip("net:Q", title=_("Saldo"), format=",.0f")])
    marks = alt.Chart(months[months.deficit] if months.deficit.any() else months.head(0)).mark_text(
        text="▼", color=RED, dy=-8, fontSize=13).encode(x=x, y="expense:Q")
    chart = alt.layer(deficit, income, expense, marks).properties(
        width="container", height=280,
        title=_("Calendario económico %(year)s: ingresos por fuente contra gastos (línea); meses en déficit en rojo")
        % {"year": year})
    return _spec(chart)
