"""Map layers of the dashboard, as GeoJSON with a colour per feature and a legend.

* :func:`plot_layer` (administrators, coordinators, promoters): the filtered plots, coloured by system or
  by a per-plot indicator (soil loss and carbon from the same chains as the programme indicators, maize
  yield in the reference year). Polygons when the scope has at most ``map_polygon_max_plots`` plots,
  centroids up to ``map_point_max_plots``, and above that (programme scale) one point per cell of a
  ``map_grid_deg`` grid with the number of plots and the dominant system or the mean value
  (``params/dashboard.csv``).
* :func:`municipality_layer` (analysts and everyone else without personal data): a choropleth of the
  municipalities' simplified INEGI boundaries (``Municipality.boundary``) by families or hectares. It
  carries no plot coordinate, family or person.

Classes are quantiles of the values (``map_classes``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from miaf.indicators import IndicatorTables
from miaf.indicators import environment as env_indicators
from miaf.indicators.context import Context, Outcome
from miaf.params import load_parameters

from . import cache

__all__ = ["classify", "municipality_layer", "plot_layer"]

#: ColorBrewer sequential palettes (Brewer, www.ColorBrewer.org), 5 classes, light to dark.
GREENS = ("#edf8e9", "#bae4b3", "#74c476", "#31a354", "#006d2c")
REDS = ("#fee5d9", "#fcae91", "#fb6a4a", "#de2d26", "#a50f15")
BLUES = ("#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c")
SYSTEM_COLOURS = {"traditional": "#c98a1b", "miaf": "#3b6ea8", "miaf_d": "#2f6b3a", "other": "#8a8f8c"}
NO_VALUE = "#cccccc"


def _palette(colours: tuple[str, ...], k: int) -> list[str]:
    idx = np.linspace(0, len(colours) - 1, k).round().astype(int)
    return [colours[i] for i in idx]


def classify(values: np.ndarray, colours: tuple[str, ...], fmt: str = "{:,.1f}") -> tuple[list[str], list[dict]]:
    """Quantile classes of ``values`` (NaN = no value): the colour of each value and the legend."""
    values = np.asarray(values, dtype=float)
    k = int(float(load_parameters("dashboard")["map_classes"]))
    finite = values[np.isfinite(values)]
    out = [NO_VALUE] * len(values)
    legend: list[dict] = []
    if finite.size:
        edges = np.unique(np.quantile(finite, np.linspace(0, 1, k + 1)))
        if edges.size < 2:
            edges = np.array([edges[0], edges[0]])
        n = edges.size - 1
        pal = _palette(colours, n)
        cls = np.clip(np.searchsorted(edges, values, side="right") - 1, 0, n - 1)
        out = [pal[c] if np.isfinite(v) else NO_VALUE for c, v in zip(cls, values, strict=True)]
        legend = [{"color": pal[i], "label": f"{fmt.format(edges[i])} – {fmt.format(edges[i + 1])}"} for i in range(n)]
    if finite.size < values.size:
        legend.append({"color": NO_VALUE, "label": _("sin dato")})
    return out, legend


def _plot_geometries(user, boundaries: bool) -> dict[int, tuple]:  # noqa: ANN001
    """{plot id: (boundary GeoJSON or None, centroid lat, centroid lon, name)} of the plots the user may see
    (``boundaries``: read the polygons too; at programme scale only the centroids are needed)."""
    from miaf.web.accounts.scoping import plots_for

    if not boundaries:
        rows = plots_for(user).values_list("pk", "centroid_lat", "centroid_lon", "name")
        return {pk: (None, lat, lon, name) for pk, lat, lon, name in rows}
    rows = plots_for(user).values_list("pk", "boundary", "centroid_lat", "centroid_lon", "name")
    return {pk: (b, lat, lon, name) for pk, b, lat, lon, name in rows}


def _grid(pids: np.ndarray, systems: np.ndarray, values: np.ndarray, geoms: dict, colour: str, unit: str,
          palette: tuple[str, ...]) -> tuple[list[dict], list[dict]]:
    """Plots binned on a grid of ``map_grid_deg`` cells: one point per cell at the mean centroid, with the
    number of plots and the dominant system (``colour == "system"``) or the mean value of the indicator."""
    from .services import system_label

    g = cache.param("map_grid_deg")
    lat = np.array([geoms[int(p)][1] for p in pids], dtype=float)
    lon = np.array([geoms[int(p)][2] for p in pids], dtype=float)
    df = pd.DataFrame({"cell_y": np.floor(lat / g), "cell_x": np.floor(lon / g), "lat": lat, "lon": lon,
                       "system": systems, "value": values})
    df = df[np.isfinite(df["lat"]) & np.isfinite(df["lon"])]
    cells = df.groupby(["cell_y", "cell_x"], sort=True)
    agg = cells.agg(lat=("lat", "mean"), lon=("lon", "mean"), count=("lat", "size"), value=("value", "mean"))
    dominant = cells["system"].agg(lambda s: s.value_counts().index[0])
    if colour == "system":
        colours = [SYSTEM_COLOURS.get(s, NO_VALUE) for s in dominant]
        present = [s for s in SYSTEM_COLOURS if s in set(dominant)]
        legend = [{"color": SYSTEM_COLOURS[s], "label": _("mayoría %(s)s") % {"s": system_label(s)}} for s in present]
        shown = [None] * len(agg)
    else:
        colours, legend = classify(agg["value"].to_numpy(dtype=float), palette)
        shown = [None if not np.isfinite(v) else round(float(v), 2) for v in agg["value"]]
    feats = []
    for (lat_c, lon_c, n, system), col, val in zip(
            zip(agg["lat"], agg["lon"], agg["count"], dominant, strict=True), colours, shown, strict=True):
        name = ngettext("%(n)s parcela", "%(n)s parcelas", int(n)) % {"n": f"{int(n):,}"}
        feats.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [round(lon_c, 5), round(lat_c, 5)]},
                      "properties": {"name": name, "count": int(n), "system": system_label(system), "color": col,
                                     "value": val, "unit": unit, "lat": round(lat_c, 5), "lon": round(lon_c, 5)}})
    return feats, legend


def _per_plot(ctx: Context, colour: str) -> tuple[pd.Series, str, str, tuple[str, ...]]:
    """(values by plot id, unit, title, palette) of a per-plot indicator."""
    if colour == "soil_loss":
        res = ctx.memo("soil_loss", env_indicators._soil_loss)
        s = pd.Series(dtype=float) if isinstance(res, Outcome) else res[0].set_index("plot_id")["soil_loss"]
        return s, "t/ha/año", _("Pérdida de suelo (RUSLE, año %(y)s)") % {"y": ctx.ref_year}, REDS
    if colour == "carbon":
        res = ctx.memo("carbon", env_indicators._carbon)
        s = pd.Series(dtype=float) if isinstance(res, Outcome) else res[0].set_index("plot_id")["stock"]
        return s, "t C/ha", _("Carbono almacenado (IPCC Tier 1, año %(y)s)") % {"y": ctx.ref_year}, GREENS
    h = ctx.all_harvests
    h = h[(h["species"].astype(str) == "maiz") & (h["year"] == ctx.ref_year)]
    kg = h.groupby("plot_id")["quantity_kg"].sum()
    area = ctx.plots.set_index("plot_id")["area_ha"].reindex(kg.index)
    return kg / area, "kg/ha", _("Rendimiento de maíz en %(y)s") % {"y": ctx.ref_year}, BLUES


def plot_layer(user, scope: str, version: str, tables: IndicatorTables, filters, colour: str) -> dict:  # noqa: ANN001
    """GeoJSON of the filtered plots the user may see, coloured by ``colour`` (see ``PLOT_COLOURS``)."""
    from miaf.web.accounts.scoping import role_of

    from .services import system_label

    ctx = Context(tables, filters.indicator_filters())
    plots = ctx.plots
    polygons = len(plots) <= cache.param("map_polygon_max_plots")
    grid = len(plots) > cache.param("map_point_max_plots")
    geoms = cache.local("geoms", scope, version, f"{role_of(user)}:{polygons}",
                        lambda: _plot_geometries(user, polygons))
    plots = plots[plots["plot_id"].isin(list(geoms))]
    pids = plots["plot_id"].to_numpy()
    systems = plots["system_ref"].astype(str).to_numpy()
    if colour == "system":
        values = np.full(len(pids), np.nan)
        title, unit, pal = _("Sistema de la parcela"), "", GREENS
    else:
        series, unit, title, pal = _per_plot(ctx, colour)
        values = series.reindex(pids).to_numpy(dtype=float)
    if grid:
        feats, legend = _grid(pids, systems, values, geoms, colour, unit, pal)
        return {"mode": "plots", "colour": colour, "title": title, "unit": unit, "legend": legend,
                "polygons": False, "grid": cache.param("map_grid_deg"), "count": len(pids),
                "cells": len(feats), "features": {"type": "FeatureCollection", "features": feats}}
    if colour == "system":
        colours = [SYSTEM_COLOURS.get(s, NO_VALUE) for s in systems]
        shown = [None] * len(pids)
        present = [s for s in SYSTEM_COLOURS if s in set(systems)]
        legend = [{"color": SYSTEM_COLOURS[s], "label": system_label(s)} for s in present]
    else:
        colours, legend = classify(values, pal)
        shown = [None if not np.isfinite(x) else round(float(x), 2) for x in values]
    feats = []
    for pid, system, col, val in zip(pids, systems, colours, shown, strict=True):
        boundary, lat, lon, name = geoms[int(pid)]
        geometry = boundary if polygons and boundary else {"type": "Point", "coordinates": [lon, lat]}
        feats.append({"type": "Feature", "geometry": geometry, "properties": {
            "id": int(pid), "name": name, "system": system_label(system), "color": col, "value": val, "unit": unit,
            "lat": lat, "lon": lon, "url": reverse("plots:detail", args=[int(pid)])}})
    return {"mode": "plots", "colour": colour, "title": title, "unit": unit, "legend": legend,
            "polygons": polygons, "grid": None, "count": len(feats),
            "features": {"type": "FeatureCollection", "features": feats}}


def municipality_layer(tables: IndicatorTables, filters, colour: str, protected: bool = False) -> dict:  # noqa: ANN001
    """Choropleth of the municipalities of the filtered families: families or hectares per municipality.

    ``protected`` (roles without personal data): a municipality with fewer than k families, and its
    complementary cell (:func:`miaf.indicators.disclosure.suppress_table`), is drawn grey with no value;
    every municipality is hidden when the filter itself holds fewer than k families."""
    from miaf.web.core import disclosure
    from miaf.web.registry.models import Municipality

    ctx = Context(tables, filters.indicator_filters())
    fam = ctx.families
    hidden: dict[str, str] = {}
    if protected:
        counts = fam.groupby(fam["municipality"].astype(str), observed=True).size()
        hidden, _total = disclosure.protect_counts({c: int(n) for c, n in counts.items() if c}, disclosure.k_min())
    if colour == "area":
        muni = fam.set_index("family_id")["municipality"].astype(str)
        p = ctx.plots
        values = p.groupby(muni.reindex(p["family_id"]).to_numpy())["area_ha"].sum()
        title, unit, fmt = _("Hectáreas por municipio"), "ha", "{:,.1f}"
    else:
        values = fam.groupby(fam["municipality"].astype(str)).size().astype(float)
        title, unit, fmt = _("Familias por municipio"), _("familias"), "{:,.0f}"
    values = values[[bool(c) for c in values.index]]
    rows = []
    for s, c, name, boundary in Municipality.objects.values_list("state_code", "code", "name", "boundary"):
        code = f"{s}{c}"
        if code in values.index:
            rows.append((code, name, boundary, float(values[code])))
    rows.sort(key=lambda r: r[1])
    rows = [(code, name, b, np.nan if hidden.get(code) else v) for code, name, b, v in rows]
    colours, legend = classify(np.array([r[3] for r in rows]), GREENS if colour == "area" else BLUES, fmt)

    def display(code: str, v: float) -> str:
        return disclosure.hidden_text(hidden[code]) if hidden.get(code) else fmt.format(v)

    feats = [{"type": "Feature", "geometry": b, "properties": {
        "code": code, "name": name, "value": None if hidden.get(code) else round(v, 2), "display": display(code, v),
        "color": col, "unit": unit, "suppressed": hidden.get(code, "")}}
        for (code, name, b, v), col in zip(rows, colours, strict=True) if b]
    table = [{"code": code, "name": name, "display": display(code, v), "suppressed": hidden.get(code, "")}
             for code, name, _b, v in rows]
    n_hidden = sum(1 for r in table if r["suppressed"])
    note = (ngettext("%(n)s municipio sin cifra: %(why)s.", "%(n)s municipios sin cifra: %(why)s.", n_hidden)
            % {"n": n_hidden, "why": disclosure.reason_text(disclosure.SMALL_CELL)}) if n_hidden else ""
    return {"mode": "municipalities", "colour": colour, "title": title, "unit": unit, "legend": legend,
            "count": len(feats), "table": table, "suppressed": n_hidden, "suppressed_note": note,
            "features": {"type": "FeatureCollection", "features": feats}}
