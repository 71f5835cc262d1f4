"""Vega-Lite specs (altair) of the scale-up results: one band chart per metric and the tile-grid map of states.

In the page they are drawn by the vendored vega-embed (``static/economy/charts.js``); in the PDF brief the
same specs are rendered to SVG by vl-convert (:func:`miaf.web.evidence.charts.to_svg`) at a fixed width.
"""

from __future__ import annotations

import copy

import altair as alt
import pandas as pd
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from miaf.web.economy.charts import GREEN, SCHEMA

from .tilegrid import tile_rows

__all__ = ["band_chart", "chart_specs", "fixed_width", "state_map"]

LIGHT, DARK = "#b9d4bd", "#1d1d1d"


def _spec(chart: alt.TopLevelMixin) -> dict:
    spec = chart.to_dict(validate=False)
    spec["$schema"] = SCHEMA
    spec.setdefault("config", {}).update({"locale": {"number": {"decimal": ".", "thousands": ",",
                                                                  "grouping": [3], "currency": ["$", ""]}}})
    return spec


def band_chart(per_year: list[dict], key: str, title: str, unit: str) -> dict:
    """Median line by year with its P10–P90 band. ``per_year``: year, ``<key>_p10``, ``_p50``, ``_p90``."""
    df = pd.DataFrame([{"year": r["year"], "p10": r[f"{key}_p10"], "p50": r[f"{key}_p50"], "p90": r[f"{key}_p90"]}
                       for r in per_year])
    x = alt.X("year:Q", title=_("Año del programa"), axis=alt.Axis(format="d", tickMinStep=1))
    tips = [alt.Tooltip("year:Q", title=_("Año")), alt.Tooltip("p10:Q", title="P10", format=",.0f"),
            alt.Tooltip("p50:Q", title="P50", format=",.0f"), alt.Tooltip("p90:Q", title="P90", format=",.0f")]
    band = alt.Chart(df).mark_area(color=LIGHT, opacity=0.8).encode(
        x=x, y=alt.Y("p10:Q", title=unit, axis=alt.Axis(format="~s")), y2="p90:Q", tooltip=tips)
    line = alt.Chart(df).mark_line(color=GREEN, strokeWidth=2).encode(x=x, y="p50:Q", tooltip=tips)
    chart = alt.layer(band, line).properties(width="container", height=200)
    return _spec(chart)


def state_map(states: list[dict], rest_label: str = "Resto del país") -> dict:
    """Tile grid of the 32 states coloured by families enrolled over the horizon (see :mod:`.tilegrid`).

    ``states``: state, enrolled (from the results' state table). States with no enrolment are grey; states
    the population table groups into ``rest_label`` are a lighter grey, their group's total in the tooltip.
    """
    values = {s["state"]: s["enrolled"] for s in states}
    rest = values.pop(rest_label, None)
    rows = tile_rows(values, rest_label if rest is not None else None, rest)
    label_value, label_state = _("Familias inscritas"), pgettext("entidad federativa", "Estado")
    none, grouped = _("sin inscripción"), _("agrupado en «%(g)s»") % {"g": rest_label}
    data = []
    for r in rows:
        if r.get("grouped"):
            kind, shown = grouped, r["group_value"]
        else:
            kind, shown = (none if not r["value"] else "ok"), r["value"] or 0.0
        data.append({"state": r["state"], "abbr": r["abbr"], "row": r["row"], "col": r["col"], "shown": shown,
                     "kind": kind})
    df = pd.DataFrame(data)
    top = max([d["shown"] for d in data if d["kind"] == "ok"] or [0.0])
    x = alt.X("col:O", axis=None)
    y = alt.Y("row:O", axis=None)
    tips = [alt.Tooltip("state:N", title=label_state), alt.Tooltip("shown:Q", title=label_value, format=",.0f")]
    coloured = alt.Chart(df).transform_filter("datum.kind == 'ok'").mark_rect(
        stroke="white", strokeWidth=2, cornerRadius=3).encode(
        x=x, y=y, tooltip=tips,
        # five classes (quantize) rather than a gradient: the legend reads as ranges, and WeasyPrint draws
        # no SVG gradient, so the PDF keeps its legend
        color=alt.Color("shown:Q", title=label_value,
                        scale=alt.Scale(type="quantize", scheme="greens", domainMin=0, nice=True),
                        legend=alt.Legend(format=",.0f", orient="top", direction="horizontal", gradientLength=200)))
    grey = alt.Chart(df).transform_filter("datum.kind != 'ok'").mark_rect(
        stroke="white", strokeWidth=2, cornerRadius=3).encode(
        x=x, y=y, tooltip=[tips[0], alt.Tooltip("kind:N", title=label_value)],
        fill=alt.Fill("kind:N", title=None, scale=alt.Scale(domain=[none, grouped], range=["#c9cdcb", "#eceeed"]),
                      legend=alt.Legend(orient="bottom", direction="vertical", columns=1)))
    text = alt.Chart(df).mark_text(fontSize=9, fontWeight="bold").encode(
        x=x, y=y, text="abbr:N",
        color=alt.condition(f"datum.kind == 'ok' && datum.shown > {0.62 * top!r}", alt.value("white"), alt.value(DARK)))
    chart = alt.layer(coloured, grey, text).resolve_scale(color="independent").properties(width="container",
                                                                                          height=240)
    spec = _spec(chart)
    spec["config"]["view"] = {"stroke": None}
    return spec


def fixed_width(spec: dict, width: int) -> dict:
    """A copy of ``spec`` with ``width: "container"`` replaced by ``width`` pixels (for vl-convert)."""
    out = copy.deepcopy(spec)

    def fix(node) -> None:  # noqa: ANN001
        if isinstance(node, dict):
            if node.get("width") == "container":
                node["width"] = width
            for v in node.values():
                fix(v)
        elif isinstance(node, list):
            for v in node:
                fix(v)

    fix(out)
    return out


def chart_specs(results) -> list[tuple[str, dict]]:  # noqa: ANN001
    """(title, spec) of the four band charts and the state map of a run's :class:`~.results.Results`."""
    from .results import CHART_METRICS

    out = [(str(title), band_chart(results.per_year, key, str(title), str(unit))) for key, title, unit in CHART_METRICS]
    out.append((_("Familias inscritas por estado (mapa de mosaicos)"), state_map(results.states)))
    return out
