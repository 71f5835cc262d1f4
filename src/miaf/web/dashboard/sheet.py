"""The family sheet: a one-page printable profile for the promoter and the family, in plain Spanish.

What it shows, all from the family's records: its code and group; each plot drawn from its polygon (a
static SVG, no map tiles) with the tree rows of the plot's latest design; what was harvested in the latest
harvest year and where it went; the 12-month income calendar of the latest calendar year
(:func:`miaf.web.economy.services.family_ledger` + :func:`miaf.household.calendar.household_calendar`);
and what changed between the baseline year (the last year with records before the family's first MIAF
plot, else its first year with records) and the latest year.

:func:`sheet_pdf` renders the same content to PDF with WeasyPrint; its charts are turned into SVG with
``vl_convert.vegalite_to_svg`` (no browser needed).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import altair as alt
import pandas as pd
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from miaf.household.calendar import household_calendar
from miaf.params import load_parameters, species
from miaf.web.economy.charts import AMBER, BLUE, GREEN, GREY, RED
from miaf.web.economy.pages import MONTH_LABELS
from miaf.web.economy.services import family_ledger, miaf_start_year

from .series import _spec
from .svg import plot_svg

__all__ = ["DESTINATION_LABELS", "family_sheet", "sheet_pdf"]

DESTINATION_LABELS = {"self": gettext_lazy("comida de la casa"), "organisation": gettext_lazy("organización"),
                      "intermediary": gettext_lazy("intermediario (coyote)"),
                      "local_market": gettext_lazy("mercado local"), "other": gettext_lazy("otro")}
DESTINATION_SHORT = {"self": gettext_lazy("casa"), "organisation": gettext_lazy("organización"),
                     "intermediary": gettext_lazy("coyote"), "local_market": gettext_lazy("mercado"),
                     "other": gettext_lazy("otro")}
DESTINATION_COLOURS = {"self": AMBER, "organisation": GREEN, "intermediary": RED, "local_market": BLUE, "other": GREY}


def _f(x: Any) -> float:
    return float(x) if x is not None else 0.0


def _crop(code: str) -> str:
    return str((species().get(code) or {}).get("name_es", code)).lower()


def _current_group(family):  # noqa: ANN001, ANN202
    m = family.memberships.select_related("group__producer_organisation").filter(left_on__isnull=True)
    m = m.order_by("-joined_on").first() or family.memberships.order_by("-joined_on").first()
    return m.group if m is not None else None


def _plots(family) -> list[dict]:  # noqa: ANN001
    size = int(float(load_parameters("dashboard")["sheet_map_size_px"]))
    out = []
    for p in family.plots.order_by("name", "pk").prefetch_related("designs"):
        design = max(p.designs.all(), key=lambda d: d.version, default=None)
        feats = ((design.geojson or {}).get("features") or []) if design is not None else []
        rows = [f["geometry"] for f in feats if (f.get("properties") or {}).get("kind") == "tree_row"]
        trees = [f["geometry"] for f in feats if (f.get("properties") or {}).get("kind") == "tree"]
        summary = ((design.summary or {}).get("summary") or {}) if design is not None else {}
        out.append({"plot": p, "system": p.get_system_display(), "area_ha": p.area_ha,
                    "svg": plot_svg(p.boundary, rows, trees, size),
                    "design_version": design.version if design is not None else None,
                    "rows": len(rows), "trees": summary.get("n_trees") or len(trees) or None})
    return out


def _harvests(family) -> dict:  # noqa: ANN001
    from miaf.web.records.models import Harvest

    hs = list(Harvest.objects.filter(plot__family=family).select_related("species").prefetch_related("destinations"))
    if not hs:
        return {"year": None, "rows": [], "spec": None}
    year = max(h.harvested_on.year for h in hs)
    kg: dict[str, float] = defaultdict(float)
    dest: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for h in hs:
        if h.harvested_on.year != year:
            continue
        kg[h.species.code] += _f(h.quantity_kg)
        for d in h.destinations.all():
            dest[h.species.code][d.destination] += _f(d.kg)
    present = [k for k in DESTINATION_LABELS if any(dest[c].get(k) for c in dest)]  # columns with any kg
    rows = []
    for code in sorted(kg, key=lambda c: -kg[c]):
        split = dest[code]
        rows.append({"code": code, "crop": _crop(code), "kg": kg[code],
                     "by_destination": [split.get(k, 0.0) for k in present],
                     "without_destination": max(kg[code] - sum(split.values()), 0.0)})
    chart_rows = [{"crop": r["crop"], "destination": str(DESTINATION_LABELS[k]), "kg": v}
                  for r in rows for k, v in zip(present, r["by_destination"], strict=True) if v > 0]
    return {"year": year, "rows": rows, "spec": _harvest_chart(chart_rows) if chart_rows else None,
            "destinations": [str(DESTINATION_SHORT[k]) for k in present]}


def _harvest_chart(rows: list[dict]) -> dict:
    present = [k for k in DESTINATION_LABELS if any(r["destination"] == str(DESTINATION_LABELS[k]) for r in rows)]
    chart = alt.Chart(pd.DataFrame(rows)).mark_bar().encode(
        y=alt.Y("crop:N", title=None, sort="-x"),
        x=alt.X("kg:Q", stack=True, title="kg", axis=alt.Axis(format=",.0f")),
        color=alt.Color("destination:N", title=_("A dónde fue"), legend=alt.Legend(orient="bottom", columns=2, labelLimit=0),
                        scale=alt.Scale(domain=[str(DESTINATION_LABELS[k]) for k in present],
                                        range=[DESTINATION_COLOURS[k] for k in present])),
        tooltip=[alt.Tooltip("crop:N", title=_("Cultivo")), alt.Tooltip("destination:N", title=_("Destino")),
                 alt.Tooltip("kg:Q", format=",.0f")],
    ).properties(width=230, height=max(40, 11 * len({r["crop"] for r in rows})))
    return _spec(chart)


def _calendar(family) -> tuple[dict, Any]:  # noqa: ANN001
    ledger = family_ledger(family)
    if not len(ledger):
        return {"year": None, "months": [], "spec": None}, None
    cal = household_calendar(ledger)
    year = int(max(cal.year))
    i = int(cal.rows(family.pk, year)[0])
    months = [{"label": str(MONTH_LABELS[m]), "income": float(cal.income_month[i, m]),
               "expense": float(cal.expense_month[i, m]), "net": float(cal.net_month[i, m]),
               "deficit": bool(cal.deficit[i, m])} for m in range(12)]
    rec = cal.record(i)
    return {"year": year, "months": months, "spec": _calendar_chart(months),
            "months_with_income": rec["months_with_income"], "months_in_deficit": rec["months_in_deficit"],
            "income": float(cal.income_month[i].sum()), "expense": float(cal.expense_month[i].sum())}, cal


def _calendar_chart(months: list[dict]) -> dict:
    df = pd.DataFrame(months)
    order = [m["label"] for m in months]
    x = alt.X("label:O", sort=order, title=None, axis=alt.Axis(labelAngle=0))
    bars = alt.Chart(df).mark_bar().encode(
        x=x, y=alt.Y("income:Q", title="MXN", axis=alt.Axis(format=",.0f")),
        color=alt.condition("datum.deficit", alt.value(RED), alt.value(GREEN)),
        tooltip=[alt.Tooltip("label:O", title=_("Mes")), alt.Tooltip("income:Q", title=_("Ingreso"), format=",.0f"),
                 alt.Tooltip("expense:Q", title=_("Gasto"), format=",.0f")])
    line = alt.Chart(df).mark_line(color="#1d1d1d", point=True).encode(x=x, y="expense:Q")
    return _spec(alt.layer(bars, line).properties(width=330, height=110))


def _record_years(family) -> dict[str, dict[int, float]]:  # noqa: ANN001
    """Per year: maize kg and the area of the plots that harvested it; labour person-days."""
    from miaf.web.records.models import Harvest, LabourLog

    maize_kg: dict[int, float] = defaultdict(float)
    maize_plots: dict[int, dict[int, float]] = defaultdict(dict)
    years: set[int] = set()
    for on, code, kg, pid, area in Harvest.objects.filter(plot__family=family).values_list(
            "harvested_on", "species__code", "quantity_kg", "plot_id", "plot__area_ha"):
        years.add(on.year)
        if code == "maiz":
            maize_kg[on.year] += _f(kg)
            maize_plots[on.year][pid] = float(area)
    labour: dict[int, float] = defaultdict(float)
    for year, days in LabourLog.objects.filter(family=family).values_list("year", "person_days"):
        labour[int(year)] += _f(days)
        years.add(int(year))
    years |= set(family.ledger.values_list("year", flat=True).distinct())
    yields = {y: maize_kg[y] / sum(maize_plots[y].values()) for y in maize_kg if sum(maize_plots[y].values()) > 0}
    return {"years": sorted(years), "maize_kg_ha": yields, "labour_days": dict(labour)}


def _changes(family, cal) -> dict | None:  # noqa: ANN001
    rec = _record_years(family)
    years = rec["years"]
    if len(years) < 2:
        return None
    starts = [y for y in (miaf_start_year(p)[0] for p in family.plots.all()) if y is not None]
    start = min(starts) if starts else None
    before = [y for y in years if start is not None and y < start]
    base, latest = (before[-1] if before else years[0]), years[-1]
    if base == latest:
        return None

    def calendar_value(key: str, year: int) -> float | None:
        if cal is None:
            return None
        i = int(cal.rows(family.pk, year)[0])
        return None if i < 0 else float(getattr(cal, key)[i])

    def row(label: str, b: float | None, a: float | None, unit: str, digits: int) -> dict:
        diff = None if b is None or a is None else a - b
        pct = None if diff is None or not b else diff / b
        return {"label": label, "before": b, "after": a, "difference": diff, "relative": pct, "unit": unit,
                "digits": digits}

    rows = [
        row(_("Maíz cosechado por hectárea"), rec["maize_kg_ha"].get(base), rec["maize_kg_ha"].get(latest), "kg/ha", 0),
        row(_("Meses del año con algún ingreso"), calendar_value("months_with_income", base),
            calendar_value("months_with_income", latest), _("meses"), 0),
        row(_("Meses en que se gastó más de lo que entró"), calendar_value("months_in_deficit", base),
            calendar_value("months_in_deficit", latest), _("meses"), 0),
        row(_("Días de trabajo en las parcelas (familia y contratados)"), rec["labour_days"].get(base),
            rec["labour_days"].get(latest), _("jornales"), 0),
    ]
    return {"baseline_year": base, "latest_year": latest, "miaf_year": start,
            "baseline_is_before_miaf": bool(before), "rows": rows}


def family_sheet(family, svg: bool = False) -> dict:  # noqa: ANN001
    """Everything the sheet shows (``svg=True``: charts also rendered to SVG strings, for the PDF)."""
    calendar, cal = _calendar(family)
    sheet = {"group": _current_group(family), "plots": _plots(family), "harvest": _harvests(family),
             "calendar": calendar, "changes": _changes(family, cal)}
    if svg:
        sheet["harvest"]["svg"] = _to_svg(sheet["harvest"].get("spec"))
        sheet["calendar"]["svg"] = _to_svg(sheet["calendar"].get("spec"))
    return sheet


def _to_svg(spec: dict | None) -> str | None:
    if not spec:
        return None
    import vl_convert as vlc

    return vlc.vegalite_to_svg(spec)


def sheet_pdf(request, family, sheet: dict) -> bytes:  # noqa: ANN001
    """The sheet as a one-page A4 PDF (WeasyPrint; CSS read from ``dashboard/sheet.css``)."""
    import weasyprint
    from django.contrib.staticfiles import finders
    from django.template.loader import render_to_string

    css_path = finders.find("dashboard/sheet.css")
    css = open(css_path, encoding="utf-8").read() if css_path else ""  # noqa: SIM115, PTH123
    html = render_to_string("dashboard/family_sheet_pdf.html", {"family": family, "sheet": sheet, "pdf": True,
                                                                "css": css}, request=request)
    return weasyprint.HTML(string=html).write_pdf()  # everything is inline: nothing to fetch

