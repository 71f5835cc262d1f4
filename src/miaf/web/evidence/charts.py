"""Static charts of the evidence report: Vega-Lite specs built with altair, rendered to SVG by vl-convert.

The same specs could be embedded in a page with vega-embed; the report needs them static (WeasyPrint runs
no JavaScript), so :func:`to_svg` renders them server-side. vl-convert is deterministic: the same spec
gives the same SVG bytes, which keeps the report reproducible.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

__all__ = ["monthly_band_chart", "over_time_chart", "to_svg"]

GREEN, GREY, LIGHT, DARK = "#2f6b3a", "#8a8f8c", "#b9d4bd", "#1d1d1d"
FONT = "DejaVu Sans"


def to_svg(spec: dict) -> str:
    """SVG text of a Vega-Lite spec (vl-convert; no browser, no network)."""
    import vl_convert as vlc

    svg = vlc.vegalite_to_svg(spec)
    # the XML prolog is not allowed inside an HTML document
    return svg.split("?>", 1)[1] if svg.startswith("<?xml") else svg


def _config(chart: alt.TopLevelMixin) -> dict:
    spec = chart.configure(font=FONT).configure_view(stroke=GREY).to_dict(validate=False)
    spec["config"]["locale"] = {"number": {"decimal": ".", "thousands": ",", "grouping": [3], "currency": ["$", ""]}}
    return spec


def over_time_chart(rows: list[dict], title: str, columns: int = 3) -> dict:
    """Small multiples: one line per indicator over the years, each with its own y scale.

    ``rows``: year, label (indicator name and unit), value.
    """
    df = pd.DataFrame(rows)
    base = alt.Chart(df).mark_line(color=GREEN, point=alt.OverlayMarkDef(color=GREEN, size=30)).encode(
        x=alt.X("year:O", title=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("value:Q", title=None, axis=alt.Axis(format=",.3~r", tickCount=4)),
    ).properties(width=150, height=90)
    chart = base.facet(facet=alt.Facet("label:N", title=None, header=alt.Header(labelFontSize=9, labelLimit=200)),
                       columns=columns).resolve_scale(y="independent").properties(title=title)
    return _config(chart)


def monthly_band_chart(rows: list[dict], title: str, y_title: str) -> dict:
    """Typical mature year by month: P5–P95 and P25–P75 bands and the median line.

    ``rows``: month (1..12), label (short month name), p5, p25, p50, p75, p95.
    """
    df = pd.DataFrame(rows)
    x = alt.X("label:N", sort=[r["label"] for r in rows], title=None, axis=alt.Axis(labelAngle=0))
    outer = alt.Chart(df).mark_area(color=LIGHT, opacity=0.6).encode(
        x=x, y=alt.Y("p5:Q", title=y_title, axis=alt.Axis(format=",.0f")), y2="p95:Q")
    inner = alt.Chart(df).mark_area(color=GREEN, opacity=0.35).encode(x=x, y="p25:Q", y2="p75:Q")
    line = alt.Chart(df).mark_line(color=DARK, point=True).encode(x=x, y="p50:Q")
    chart = alt.layer(outer, inner, line).properties(width=520, height=200, title=title)
    return _config(chart)
