"""The evidence report (domain service): indicators, methods, uncertainty and open data for a filter.

``build_report(user, filters)`` reads the records the user may aggregate (:func:`.extract.load_tables`),
computes the programme indicators, renders the charts and the map, lists every parameter with its source
and tag, runs the Monte Carlo of a representative MIAF-D plot and attaches the anonymised open data.

Reproducibility: the report carries ``data_version``, a SHA-256 over the filter, the extracted tables
(sorted), every parameter CSV and the miaf version. Nothing in it depends on the clock (the only date is
the latest record date), orderings are explicit and the Monte Carlo seed is fixed (``report.csv``), so
the same data and filter give byte-identical HTML.

No person or family name, code, locality or coordinate enters the report: the indicator tables hold ids
and numbers only, the annex is :mod:`miaf.web.exports.anonymise`, and the map draws grid cells holding
at least *k* families (:mod:`.svgmap`).
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

import miaf
from miaf.indicators import (
    PILLARS,
    REGISTRY,
    IndicatorFilters,
    IndicatorTables,
    compute_indicators,
    over_time,
)
from miaf.indicators.context import Context
from miaf.indicators.disclosure import ContextPool, protect_over_time
from miaf.params import load_parameters, species, table_path
from miaf.web.core import disclosure

from . import charts
from .format import TAG_ES, fmt_breakdown, fmt_num, fmt_value, pct

__all__ = ["SECTIONS", "Report", "build_report", "data_version", "maize_by_group"]

Progress = Callable[[int, str], None]

SECTIONS: tuple[tuple[str, str], ...] = (
    ("resumen", "Resumen"),
    ("programa", "Descripción del programa"),
    ("indicadores", "Indicadores por pilar"),
    ("metodos", "Métodos y parámetros"),
    ("incertidumbre", "Incertidumbre"),
    ("limitaciones", "Limitaciones"),
    ("diccionario", "Diccionario de datos"),
    ("anexo", "Anexo: datos anonimizados"),
)
STATUS_ES = {"ok": "calculado", "no_data": "sin datos", "not_computed": "no calculado", "suppressed": "oculto"}
SYSTEM_ES = {"traditional": "tradicional", "miaf": "MIAF", "miaf_d": "MIAF-D", "other": "otro"}
MONTHS_ES = ("ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic")
MC_OUTPUTS = (("npv_miaf_mxn", "VAN de la parcela MIAF-D", "MXN"),
              ("npv_incremental_mxn", "VAN incremental contra la milpa", "MXN"),
              ("npv_miaf_cash_mxn", "VAN de la parcela MIAF-D, vista de caja (jornales familiares sin pagar)", "MXN"),
              ("npv_incremental_cash_mxn", "VAN incremental, vista de caja (jornales familiares sin pagar)", "MXN"),
              ("irr_miaf", "TIR de la parcela MIAF-D", "fraction"),
              ("payback_miaf_years", "Periodo de recuperación", "yr"),
              ("benefit_cost_ratio_miaf", "Relación beneficio/costo", "ratio"),
              ("return_per_family_day_miaf_mxn", "Retorno por jornal familiar", "MXN/jornal"))  # fmt: skip


def _noop(_pct: int, _stage: str) -> None:
    return None


@dataclass
class Report:
    """Everything the template shows; ``annex_csv`` holds the full anonymised tables ({file name: text})."""

    filters: IndicatorFilters
    data_version: str
    miaf_version: str
    data_date: str
    scope: str
    sections: tuple = SECTIONS
    key_figures: list[dict] = field(default_factory=list)
    maize_groups: list[dict] = field(default_factory=list)
    programme: dict = field(default_factory=dict)
    pillars: list[dict] = field(default_factory=list)
    map: dict = field(default_factory=dict)
    parameters: list[dict] = field(default_factory=list)
    measured: list[dict] = field(default_factory=list)
    uncertainty: dict = field(default_factory=dict)
    soil: dict = field(default_factory=dict)
    limitations: list[str] = field(default_factory=list)
    dictionary: list[dict] = field(default_factory=list)
    annex: dict = field(default_factory=dict)
    annex_csv: dict[str, str] = field(default_factory=dict)
    disclosure: dict = field(default_factory=dict)
    side_selling: dict = field(default_factory=dict)  # miaf.web.trade.evidence.report_section

    @property
    def maize_groups_shown(self) -> list[dict]:
        """The groups of the maize table in the document: all of them up to ``maize_groups_max_rows``
        (``params/report.csv``), else the half of that with the largest change and the half with the
        smallest, in that order (the whole table goes to the annex as ``maiz_por_grupo.csv``)."""
        return extremes(self.maize_groups, "gain", "group", _max_rows("maize_groups_max_rows"))

    @property
    def maize_groups_summary(self) -> dict | None:
        """Distribution of the per-group change when the table is cut: groups, median, quartiles, share up."""
        if len(self.maize_groups_shown) == len(self.maize_groups):
            return None
        gains = np.array([g["gain"] for g in self.maize_groups])
        q1, med, q3 = np.quantile(gains, [0.25, 0.5, 0.75])
        return {"groups": len(gains), "shown": len(self.maize_groups_shown), "median": pct(med, signed=True),
                "q1": pct(q1, signed=True), "q3": pct(q3, signed=True), "share_up": pct(float((gains > 0).mean()))}

    @property
    def side_selling_groups(self) -> list[dict]:
        """The groups of the side-selling section with figures (groups under k families for a reader without
        personal-data rights carry none and are left out)."""
        return [g for g in self.side_selling.get("groups", []) if not g.get("suppressed")]

    @property
    def side_selling_groups_shown(self) -> list[dict]:
        """The side-selling groups in the document: all up to ``sidesell_groups_max_rows`` (``params/report.csv``),
        else the half of that selling the largest share outside the organisation and the half selling the
        smallest (the whole table goes to the annex as ``venta_por_fuera_por_grupo.csv``)."""
        return extremes(self.side_selling_groups, "share_outside", "name", _max_rows("sidesell_groups_max_rows"))

    @property
    def side_selling_groups_summary(self) -> dict | None:
        """Distribution of the groups' share sold outside when the table is cut: groups, median, quartiles."""
        rows = self.side_selling_groups
        if len(self.side_selling_groups_shown) == len(rows):
            return None
        q1, med, q3 = np.quantile(np.array([g["share_outside"] for g in rows], dtype=float), [0.25, 0.5, 0.75])
        return {"groups": len(rows), "shown": len(self.side_selling_groups_shown), "median": pct(med), "q1": pct(q1),
                "q3": pct(q3)}

    def filter_rows(self) -> list[tuple[str, str]]:
        labels = {"organisation": "Organización", "municipality": "Municipio", "group": "Grupo", "year": "Año",
                  "system": "Sistema", "head_sex": "Sexo de la jefatura"}  # fmt: skip
        return [(labels[k], SYSTEM_ES.get(str(v), str(v)) if k == "system" else str(v))
                for k, v in self.filters.to_dict().items()]  # fmt: skip

    def annex_links(self) -> list[tuple[str, str]]:
        """(file name, data: URI) of the full anonymised CSV tables, for the HTML report."""
        return [(name, "data:text/csv;charset=utf-8;base64," + base64.b64encode(text.encode("utf-8")).decode("ascii"))
                for name, text in sorted(self.annex_csv.items())]  # fmt: skip


# ------------------------------------------------------------------------------------------------ version


def _table_bytes(df: pd.DataFrame) -> bytes:
    text = df.astype(str)
    if len(text):
        text = text.sort_values(list(text.columns), kind="stable")
    return text.to_csv(index=False, lineterminator="\n").encode("utf-8")


def params_files() -> list[Path]:
    return sorted(table_path("report").parent.glob("*.csv"))


def data_version(tables: IndicatorTables, filters: IndicatorFilters) -> str:
    """SHA-256 (hex) over the miaf version, the filter, the extracted tables and every parameter CSV."""
    h = hashlib.sha256()
    h.update(f"miaf {miaf.__version__}\n".encode())
    h.update(json.dumps(filters.to_dict(), sort_keys=True, default=str).encode())
    for name, n in sorted(tables.counts().items()):
        h.update(f"\ntable {name} {n}\n".encode())
        h.update(_table_bytes(getattr(tables, name)))
    for path in params_files():
        h.update(f"\nparams {path.name}\n".encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def _data_date(tables: IndicatorTables) -> str:
    dates = [tables.harvests["harvested_on"].max(), tables.plots["established_on"].max(),
             tables.attendance["held_on"].max()]  # fmt: skip
    dates = [d for d in dates if pd.notna(d)]
    months = [(int(df["year"].max()), int(df.loc[df["year"] == df["year"].max(), "month"].max()))
              for df in (tables.labour, tables.ledger) if len(df)]  # fmt: skip
    best = max([d.strftime("%Y-%m-%d") for d in dates] + [f"{y}-{m:02d}" for y, m in months], default="")
    return best


# ------------------------------------------------------------------------------------------------ figures


def maize_by_group(ctx: Context, k: int | None = None) -> list[dict]:
    """Maize yield per hectare of each group's plots: first record year against the reference year.

    kg/ha = Σ kg of maize harvested on the group's plots in the year / Σ ha of those plots (the same plots
    and area in both years, so the gain is the ratio of the kilograms). The first year is the earliest
    year with a maize harvest in the filtered records; the reference year is the filter year, else the
    latest year with records. With ``k`` (roles without personal data) a group whose maize in the two
    years comes from fewer than ``k`` families is left out (:mod:`miaf.indicators.disclosure`).
    """
    h = ctx.all_harvests
    h = h[h["species"] == "maiz"]
    if not len(h):
        return []
    base_year, ref_year = int(h["year"].min()), int(ctx.ref_year)
    if base_year >= ref_year:
        return []
    fam = ctx.families[["family_id", "group"]].astype({"group": str})
    plots = ctx.family_plots[["plot_id", "family_id", "area_ha"]].merge(fam, on="family_id")
    area = plots.groupby("group")["area_ha"].sum()
    hh = h.merge(plots[["plot_id", "group"]], on="plot_id")
    both = hh[hh["year"].isin([base_year, ref_year])]
    kg = both.groupby(["group", "year"])["quantity_kg"].sum().unstack(fill_value=0)
    n_fam = both.groupby("group")["family_id"].nunique()
    rows = []
    for group in sorted(kg.index):
        if k is not None and int(n_fam.get(group, 0)) < k:
            continue
        k0 = float(kg.loc[group].get(base_year, 0.0))
        k1 = float(kg.loc[group].get(ref_year, 0.0))
        a = float(area.get(group, 0.0))
        if not a or not k0 or not k1:
            continue
        rows.append({"group": group, "base_year": str(base_year), "ref_year": str(ref_year), "base_kg_ha": k0 / a,
                     "ref_kg_ha": k1 / a, "gain": k1 / k0 - 1, "gain_text": pct(k1 / k0 - 1, signed=True),
                     "n_plots": int((plots["group"] == group).sum())})  # fmt: skip
    return rows


def _max_rows(key: str) -> int:
    return int(float(load_parameters("report")[key]))


def extremes(rows: list[dict], value: str, name: str, limit: int) -> list[dict]:
    """All ``rows`` when there are at most ``limit``, else the half of ``limit`` with the largest ``value`` and
    the half with the smallest, in that order (ties by ``name``): a per-group table cut to one page."""
    if len(rows) <= limit:
        return rows
    ranked = sorted(rows, key=lambda g: (-g[value], g[name]))
    half = max(1, limit // 2)
    return ranked[:half] + ranked[max(half, len(ranked) - half):]


def add_cut_tables_annex(report: Report) -> None:
    """When the document shows only part of a per-group table (maize, side-selling), the whole table joins
    the annex."""
    if report.maize_groups_summary is not None:
        cols = ["group", "n_plots", "base_year", "base_kg_ha", "ref_year", "ref_kg_ha", "gain"]
        report.annex_csv["maiz_por_grupo.csv"] = pd.DataFrame(report.maize_groups)[cols].to_csv(index=False)
    if report.side_selling_groups_summary is not None:
        cols = ["name", "n_families", "share_outside", "share_explained_by_cash_need"]
        table = pd.DataFrame(report.side_selling_groups)[cols].rename(columns={"name": "group"})
        report.annex_csv["venta_por_fuera_por_grupo.csv"] = table.to_csv(index=False)


def _key_figures(res, split, tables) -> list[dict]:  # noqa: ANN001
    from miaf.indicators.disclosure import SUPPRESSED

    out: list[dict] = []

    def add(label: str, text: str, note: str = "") -> None:
        out.append({"label": label, "value": text, "note": note})

    v = res.values
    add("Familias", fmt_num(v["families"].value, 0), v["families"].reason if v["families"].status == SUPPRESSED
        else "familias en el alcance y el filtro")
    add("Grupos de trabajo", fmt_num(v["groups"].value, 0))
    add("Municipios", fmt_num(v["municipalities"].value, 0), "municipios distintos de las familias")
    for code, label in (("area_by_system", "Superficie"), ("area_share_in_layers", "Superficie MIAF/MIAF-D dentro "
                        "del corredor"), ("maize_yield_gain", "Aumento del rendimiento de maíz"),
                        ("labour_ratio", "Jornales por hectárea MIAF-D / tradicional")):  # fmt: skip
        if v[code].status == SUPPRESSED:  # hidden for this role: say so instead of leaving the line out
            add(label, "—", v[code].reason)
    area = v["area_by_system"]
    for system, ha in (area.breakdown or {}).items():
        add(f"Superficie {SYSTEM_ES.get(system, system)}", f"{fmt_num(ha, 1)} ha", "Σ superficie de las parcelas")
    layers = v["area_share_in_layers"]
    if layers.value is not None:
        add("Superficie MIAF/MIAF-D dentro del corredor", pct(layers.value),
            "capa de corredor registrada (si es ilustrativa, la cifra también lo es)")
    gain = v["maize_yield_gain"]
    if gain.value is not None:
        add("Aumento del rendimiento de maíz (parcelas MIAF-D contra su año base)", pct(gain.value, signed=True),
            f"año {res.reference_year}; n = {gain.n}")
    for code, name in (("maiz", "maíz"), ("frijol", "frijol")):
        share = (split or {}).get(code)
        if share is not None:
            add(f"Autoconsumo/mercado del {name} en cosechas MIAF-D", f"{round(100 * share)}/{100 - round(100 * share)}",
                f"{pct(share)} autoconsumo")
    ratio = v["labour_ratio"]
    if ratio.value is not None:
        add("Jornales por hectárea MIAF-D / tradicional", fmt_value(ratio.value, "ratio"),
            {"baseline": "contra la línea base tradicional", "comparison": "contra parcelas tradicionales del mismo año"}
            .get(str((ratio.details or {}).get("traditional_set", "")), ""))
    return out


# ------------------------------------------------------------------------------------------------ sections


def _pillars(res, ot: pd.DataFrame, progress: Progress) -> list[dict]:  # noqa: ANN001
    out = []
    by = res.by_pillar()
    for i, (pillar, (_, name_es)) in enumerate(PILLARS.items()):
        progress(30 + 8 * i, f"gráficas: {name_es}")
        rows = []
        for v in by[pillar]:
            ind = REGISTRY[v.code]
            rows.append({"code": v.code, "name": v.name_es, "value": fmt_value(v.value, v.unit), "unit": v.unit,
                         "n": v.n, "status": STATUS_ES.get(v.status, v.status), "ok": v.status == "ok",
                         "reason": v.reason, "formula": ind.formula_es or ind.formula,
                         "missing": ind.missing_data_es or ind.missing_data,
                         "breakdown": fmt_breakdown(v.breakdown, v.unit)})  # fmt: skip
        chart = ""
        sub = ot[(ot["pillar"] == pillar) & ot["value"].notna()] if len(ot) else ot
        if len(sub):
            names = {c: REGISTRY[c].name_es for c in sub["code"].unique()}
            # fractions are drawn as percentages
            data = [{"year": int(r.year), "label": f"{names[r.code]} [{'%' if r.unit == 'fraction' else r.unit}]",
                     "value": float(r.value) * (100 if r.unit == "fraction" else 1)}
                    for r in sub.sort_values(["code", "year"]).itertuples()]  # fmt: skip
            chart = charts.to_svg(charts.over_time_chart(data, f"{name_es}: indicadores por año"))
        out.append({"key": pillar, "name": name_es, "indicators": rows, "chart": chart})
    return out


def _programme(res, ctx: Context, tables: IndicatorTables, hide_counts: bool = False) -> dict:  # noqa: ANN001
    from miaf.indicators.compute import record_years

    years = record_years(tables)
    counts = {"parcelas": len(ctx.plots), "cosechas": len(ctx.all_harvests), "destinos de cosecha":
              len(tables.destinations), "mano de obra": len(ctx.all_labour), "calendario económico": len(tables.ledger),
              "asistencias a capacitaciones": len(tables.attendance), "siembras": len(tables.plantings)}  # fmt: skip
    est = res["area_by_establishment_year"].breakdown or {}
    return {
        "years": f"{years[0]}–{years[-1]}" if years else "—",
        "counts": [(k, "—" if hide_counts else fmt_num(n, 0)) for k, n in counts.items()],
        "organisations": sorted(set(ctx.families["organisation"].astype(str)) - {""}),
        "establishment": [(str(y), f"{fmt_num(ha, 1)} ha") for y, ha in est.items()],
        "reference_year": str(res.reference_year),
    }


def _map(ctx: Context, tables: IndicatorTables) -> dict:
    from miaf.web.plots.models import Plot
    from miaf.web.registry.models import Municipality, ReferenceLayer

    from .svgmap import MapLayer, programme_map

    od = load_parameters("open_data")
    plots = ctx.plots[ctx.plots["system_ref"].isin(["miaf", "miaf_d"])] if len(ctx.plots) else ctx.plots
    ids = sorted(int(p) for p in plots["plot_id"])
    rows = list(Plot.objects.filter(pk__in=ids).order_by("pk").values_list("pk", "family_id", "centroid_lon", "centroid_lat"))
    mun_of = ctx.families.set_index("family_id")["municipality"].astype(str)
    names = {f"{s}{c}": n for s, c, n in Municipality.objects.values_list("state_code", "code", "name")}
    layers = [MapLayer(n, k, bool(i), g) for n, k, i, g in
              ReferenceLayer.objects.order_by("name").values_list("name", "kind", "illustrative", "geometry")]  # fmt: skip
    result = programme_map(
        np.array([r[2] for r in rows], float), np.array([r[3] for r in rows], float), np.array([r[1] for r in rows]),
        [mun_of.get(r[1], "") for r in rows], names, layers, disclosure.k_min(),
        float(od["grid_cell_m"]), int(float(od["grid_epsg"])))  # fmt: skip
    return {"svg": result.svg, "cells": result.cells_drawn, "plots_drawn": result.plots_drawn,
            "plots_hidden": result.plots_hidden, "cell_km": f"{result.cell_m / 1000:g}", "layers": result.layers,
            "k": disclosure.k_min()}  # fmt: skip


def _parameter_rows(measured_keys: set[tuple[str, str]]) -> list[dict]:
    """Every row of every parameter CSV: scalar tables by key, row tables by their first column."""
    tables = []
    for path in params_files():
        with path.open(newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            fields = reader.fieldnames or []
            rows = []
            for r in reader:
                scalar = "key" in fields
                key = r["key"] if scalar else r[fields[0]]
                interval = f"{r.get('low', '')}–{r.get('high', '')}" if (r.get("low") or r.get("high")) else ""
                rows.append({"key": key, "value": r["value"] if scalar else "(fila del catálogo)",
                             "unit": r.get("unit", "") if scalar else "", "interval": interval,
                             "tag": TAG_ES.get(r.get("tag", ""), r.get("tag", "")), "source": r.get("source", ""),
                             "measured": (path.stem, key) in measured_keys})  # fmt: skip
        n_est = sum(1 for r in rows if r["tag"] == TAG_ES["estimate"])
        tables.append({"name": path.name, "rows": rows, "n": len(rows), "n_estimate": n_est})
    return tables


def _measured(res, ctx: Context, k: int | None = None) -> list[dict]:  # noqa: ANN001
    """Values the records measure next to the default the models would otherwise use (with ``k``, roles
    without personal data: only values measured on at least ``k`` families)."""

    def few(df: pd.DataFrame) -> bool:
        return k is not None and df["family_id"].nunique() < k

    econ, cat = load_parameters("economics"), species()
    out: list[dict] = []

    def add(what: str, table: str, key: str, default: float | None, value: float | None, unit: str, n: int,
            tag: str, source: str) -> None:  # fmt: skip
        if value is None or not np.isfinite(value):
            return
        out.append({"what": what, "table": table, "key": key, "default": fmt_num(default, 2) if default is not None
                    else "—", "measured": fmt_num(value, 2), "unit": unit, "n": n, "tag": TAG_ES.get(tag, tag),
                    "source": source})  # fmt: skip

    d = ctx.destinations
    sold = d[(d["destination"].astype(str) != "self") & d["price_mxn_per_kg"].notna()]
    for code, g in sorted(sold.groupby(sold["species"].astype(str)), key=lambda kv: kv[0]):
        kg = float(g["kg"].sum())
        if code in cat and kg > 0 and not few(g):
            row = cat[code]
            add(f"Precio de venta de {row['name_es'].lower()}", "species", code, float(row["default_price_mxn_kg"] or 0),
                float((g["kg"] * g["price_mxn_per_kg"]).sum()) / kg, "MXN/kg", len(g), row["tag"], row["source"][:160])
    lab = ctx.labour
    hired = lab[(lab["kind"].astype(str) == "hired") & lab["wage_mxn_per_day"].notna()]
    if len(hired) and hired["person_days"].sum() > 0 and not few(hired):
        p = econ["wage_mxn_day"]
        add("Jornal pagado", "economics", "wage_mxn_day", float(p), float((hired["person_days"] * hired["wage_mxn_per_day"]).sum()
            / hired["person_days"].sum()), p.unit, len(hired), p.tag, p.source)  # fmt: skip
    py = ctx.labour_plot_years
    trad = py[py["system_year"] == "traditional"]
    trad_lab = lab[(lab["plot_key"] >= 0) & (lab["system_year"] == "traditional")]
    if len(trad) and trad["area_ha"].sum() > 0 and not few(trad_lab):
        p = econ["milpa_labour_days_ha"]
        add("Jornales por ha en milpa tradicional", "economics", "milpa_labour_days_ha", float(p),
            float(trad["person_days"].sum() / trad["area_ha"].sum()), p.unit, len(trad), p.tag, p.source)
    for code, pkey in (("labour_ratio", "miaf_labour_factor"), ("maize_yield_gain", "maize_yield_gain_miaf")):
        v = res[code]
        p = econ[pkey]
        add(REGISTRY[code].name_es, "economics", pkey, float(p), v.value, p.unit, v.n, p.tag, p.source)
    yb = res["yield_by_crop"].breakdown or {}
    if yb.get("maiz|traditional") is not None and "maiz" in cat:
        row = cat["maiz"]
        add("Rendimiento de maíz en milpa tradicional", "species", "maiz", float(row["default_yield_kg_ha"] or 0),
            yb["maiz|traditional"], "kg/ha", res["yield_by_crop"].n, row["tag"], row["source"][:160])
    return out


def _representative_plot(ctx: Context):  # noqa: ANN202
    """The MIAF-D plot with records whose area is closest to the median MIAF-D area (ties: lowest id)."""
    from miaf.web.economy.services import plot_inputs
    from miaf.web.plots.models import Plot

    p = ctx.plots[ctx.plots["system_ref"] == "miaf_d"]
    if not len(p):
        return None, None
    median = float(p["area_ha"].median())
    order = p.assign(_d=(p["area_ha"] - median).abs()).sort_values(["_d", "plot_id"])
    for pid in order["plot_id"].head(20):
        plot = Plot.objects.get(pk=int(pid))
        inputs = plot_inputs(plot)
        if inputs.ex_post:
            return plot, inputs
    return None, None


def _uncertainty(ctx: Context) -> dict:
    from miaf.economics.cashflow import PlotModel
    from miaf.web.exports.anonymise import pseudonym

    plot, inputs = _representative_plot(ctx)
    if plot is None:
        return {"available": False}
    rp = load_parameters("report")
    model = PlotModel(inputs.scenario)
    mc = model.monte_carlo(int(float(rp["mc_draws"])), int(float(rp["mc_seed"])))
    rows = []
    for key, label, unit in MC_OUTPUTS:
        q = mc.percentiles[key]
        rows.append({"label": label, "unit": unit, **{p: fmt_value(q[p], unit) for p in ("p5", "p25", "p50", "p75", "p95")}})
    monthly = [{"month": m + 1, "label": MONTHS_ES[m], **{p: float(mc.monthly_income_mxn[p][m])
                for p in ("p5", "p25", "p50", "p75", "p95")}} for m in range(12)]  # fmt: skip
    chart = charts.to_svg(charts.monthly_band_chart(
        monthly, "Ingreso mensual de un año maduro (ventas + autoconsumo): P5–P95, P25–P75 y mediana", "MXN/mes"))
    prov = sorted(model.provenance.items())
    measured = [(k, v) for k, v in prov if v.startswith("measured")]
    sens = [{"name": s["name"], "prcc": fmt_num(s["prcc"], 2)} for s in mc.sensitivity["npv_incremental_mxn"][:6]]
    return {
        "available": True, "plot": pseudonym("plot", plot.pk), "area": fmt_num(plot.area_ha, 2),
        "start_year": str(inputs.start_year), "draws": mc.draws, "seed": mc.seed, "rows": rows, "chart": chart,
        "p_npv_positive": pct(mc.probability["npv_miaf_positive"]),
        "p_incremental_positive": pct(mc.probability["npv_incremental_positive"]),
        "measured": [(k, v.replace("measured in years", "medido en los años").replace("measured", "medido")
                      .replace("otherwise", "en los demás")) for k, v in measured],
        "n_default": len(prov) - len(measured), "sensitivity": sens,
    }


SOIL_ROWS = (("miaf", "MIAF/MIAF-D"), ("traditional", "milpa tradicional"),
             ("miaf_as_traditional", "las parcelas MIAF-D si siguieran como milpa tradicional"))


def soil_kept(res) -> dict:  # noqa: ANN001
    """Soil loss of MIAF-D and traditional plots against the tolerable rate, and what it means for the seed.

    Every figure comes from the ``soil_loss`` indicator (its per-plot distribution and its Monte Carlo
    interval, :func:`miaf.environment.erosion.soil_loss_uncertainty`); the sentence about the seed's claim
    ("MIAF-D keeps soil loss within the tolerable rate") is chosen by the interval, not written by hand.
    """
    loss, within = res.values["soil_loss"], res.values["soil_loss_within_tolerable"]
    if loss.status != "ok" or within.status != "ok" or "uncertainty" not in (loss.details or {}):
        return {"available": False, "reason": loss.reason or within.reason}
    d = loss.details
    unc, dist = d["uncertainty"], d.get("distribution") or {}
    rows = []
    for key, label in SOIL_ROWS:
        u = unc.get(key) or {}
        if not u.get("plots"):
            continue
        q = dist.get(key) or {}
        rows.append({
            "label": label, "plots": u["plots"], "area": fmt_num(u["area_ha"], 1),
            "mean": fmt_num(u["soil_loss"], 1), "mean_band": f"{fmt_num(u['soil_loss_p05'], 1)}–{fmt_num(u['soil_loss_p95'], 1)}",
            "p10": fmt_num(q.get("p10"), 1), "p50": fmt_num(q.get("p50"), 1), "p90": fmt_num(q.get("p90"), 1),
            "within": pct(u["share_within"]), "within_band": f"{pct(u['share_within_p05'])}–{pct(u['share_within_p95'])}",
        })  # fmt: skip
    m, t, base = unc.get("miaf") or {}, unc.get("traditional") or {}, unc.get("miaf_as_traditional") or {}
    text = []
    if m.get("plots"):
        line = (f"{pct(m['share_within'])} de la superficie MIAF/MIAF-D queda dentro de la pérdida tolerable "
                f"(intervalo de 90 %: {pct(m['share_within_p05'])}–{pct(m['share_within_p95'])})")
        if t.get("plots"):
            line += (f", contra {pct(t['share_within'])} de la milpa tradicional "
                     f"({pct(t['share_within_p05'])}–{pct(t['share_within_p95'])})")
        text.append(line + ".")
        if base.get("soil_loss"):
            cut = 1.0 - m["soil_loss"] / base["soil_loss"]
            text.append(f"En la misma tierra como milpa tradicional perderían {fmt_num(base['soil_loss'], 1)} t/ha/año "
                        f"en promedio; con MIAF-D pierden {fmt_num(m['soil_loss'], 1)} t/ha/año "
                        f"({pct(cut, signed=False)} menos).")
        if m["share_within_p05"] >= 0.5:
            verdict = ("Con estos datos el modelo respalda la afirmación de la semilla: la mayor parte de la superficie "
                       "MIAF-D queda dentro de lo tolerable aun en el extremo desfavorable del intervalo.")
        elif m["share_within_p95"] < 0.5:
            verdict = ("Con estos datos el modelo no respalda la afirmación de la semilla de que MIAF-D mantiene la "
                       "pérdida de suelo dentro de lo tolerable: la mayor parte de la superficie MIAF-D pierde más, aun "
                       "en el extremo favorable del intervalo. Lo que sí muestra es cuánto suelo conserva frente a la "
                       "milpa en la misma tierra.")
        else:
            verdict = ("El intervalo cruza la mitad de la superficie: con estos datos no se puede afirmar ni descartar "
                       "que MIAF-D mantenga la pérdida dentro de lo tolerable.")
        text.append(verdict)
    beyond = d.get("miaf_area_share_beyond_contouring_table")
    r, lam = d.get("r_factor") or {}, d.get("slope_length_m") or {}
    inputs = [f"R de Cortés (1991, región por omisión) con la lluvia CHIRPS de cada parcela: {fmt_num(r.get('min'), 0)}–"
              f"{fmt_num(r.get('max'), 0)} (mediana {fmt_num(r.get('median'), 0)}) MJ mm/(ha h año)",
              f"longitud de pendiente del área de cada parcela: {fmt_num(lam.get('min'), 0)}–{fmt_num(lam.get('max'), 0)} m",
              f"intervalo de {unc['draws']} sorteos de K, C de la milpa, de las franjas y de la banda, de la eficacia de "
              "las barreras y de los años a la madurez (triangulares en el intervalo de las tablas; mismo sorteo para "
              "todas las parcelas)"]  # fmt: skip
    if beyond is not None:
        inputs.append(f"{pct(beyond)} de la superficie MIAF-D está sobre 25 % de pendiente, donde el P de siembra en "
                      "contorno no está definido: ahí P = 1 y las hileras cuentan solo por la longitud de pendiente")
    return {"available": True, "rows": rows, "text": text, "inputs": inputs,
            "unknown_start": d.get("miaf_plots_without_start_date_counted_at_age_0", 0)}


def _limitations(res, parameters: list[dict], mapinfo: dict, unc: dict) -> list[str]:  # noqa: ANN001
    out = []
    for t in parameters:
        if t["n_estimate"]:
            out.append(f"{t['name']}: {t['n_estimate']} de {t['n']} valores son estimaciones (etiqueta «estimación»), "
                       "no cifras publicadas.")
    for v in res.values.values():
        if v.status != "ok":
            out.append(f"Indicador «{v.name_es}» ({v.code}): {STATUS_ES[v.status]}. {v.reason}".strip())
    if mapinfo.get("plots_hidden"):
        out.append(f"Mapa: {mapinfo['plots_hidden']} parcelas están en celdas de {mapinfo['cell_km']} km con menos de "
                   f"{mapinfo['k']} familias y no se dibujan (anonimato).")
    if any("ilustrativa" in name for name in mapinfo.get("layers", [])):
        out.append("La capa de corredor es ilustrativa: la proporción de superficie dentro de ella no es una cifra "
                   "oficial.")
    if unc.get("withheld"):
        out.append("Las bandas de incertidumbre usan los registros de una sola parcela: no se muestran a un rol sin "
                   "acceso a datos personales.")
    elif unc.get("available"):
        out.append(f"La incertidumbre se calcula para una sola parcela representativa ({unc['plot']}), no para todo el "
                   "programa; los años sin registros usan los valores predeterminados de los modelos.")
    else:
        out.append("No hay parcela MIAF-D con registros en el filtro: no se calculan bandas de incertidumbre.")
    out.append("El anonimato (k-anonimato) se aplica a la ubicación; combinaciones raras de otros atributos aún "
               "podrían señalar a un hogar para quien lo conoce.")
    return out


def _dictionary() -> list[dict]:
    from miaf.web.exports.columns import OPEN_DATA_TABLES
    from miaf.web.exports.dictionary import rows

    return [{"table": r[0], "column": r[1], "label": r[2], "meaning": r[4], "unit": r[5], "type": r[6], "codes": r[8]}
            for r in rows(OPEN_DATA_TABLES)]  # fmt: skip


def _annex(ctx: Context, filters: IndicatorFilters, data_date: str, withhold: bool = False) -> tuple[dict, dict[str, str]]:
    import datetime as dt

    from miaf.web.exports.anonymise import build_open_data
    from miaf.web.exports.tables import csv_chunks
    from miaf.web.registry.models import Family

    ids = sorted(int(f) for f in ctx.families["family_id"])
    today = dt.date.fromisoformat((data_date + "-01")[:10]) if data_date else dt.date(1970, 1, 1)
    data = build_open_data(Family.objects.filter(pk__in=ids).order_by("pk"), "municipality", today=today)
    n = int(float(load_parameters("report")["annex_rows"]))
    tables, files = [], {}
    for t in data.tables:
        rows = [] if withhold else t.rows  # a filter of fewer than k families: no row-level annex at all
        if filters.year is not None:
            rows = [r for r in rows if r[t.spec.names.index("year")] == filters.year]
        files[f"{t.spec.slug}.csv"] = "".join(csv_chunks(t.spec.names, rows))
        tables.append({"slug": t.spec.slug, "title": t.spec.title_en, "description": t.spec.description,
                       "columns": t.spec.names, "rows": [["" if c is None else str(c) for c in r] for r in rows[:n]],
                       "n_rows": len(rows), "suppression": data.suppression.get(t.spec.slug, {})})  # fmt: skip
    return {"tables": tables, "k": data.settings.k, "shown": n}, files


# ------------------------------------------------------------------------------------------------ build


def _scope(user) -> str:  # noqa: ANN001
    if user is None:
        return "todo el programa (operador de la base de datos)"
    from miaf.web.accounts.scoping import role_of

    return f"grupos al alcance del rol {role_of(user)}"


def build_report(user, filters: IndicatorFilters | dict | None = None, progress: Progress | None = None) -> Report:  # noqa: ANN001
    """Build the evidence report for ``filters`` within ``user``'s scope (None = every group).

    ``progress(pct, stage)`` is called at each stage (0–100) for the job's progress bar.
    """
    from .extract import load_tables

    progress = progress or _noop
    if not isinstance(filters, IndicatorFilters):
        filters = IndicatorFilters(**{k: v for k, v in (filters or {}).items() if v not in (None, "")})
    progress(2, "leyendo los registros")
    tables = load_tables(user, filters)
    version = data_version(tables, filters)
    progress(15, "calculando indicadores")
    res = compute_indicators(tables, filters)
    ctx = Context(tables, filters)
    protected, k, pool, info = disclosure.applies(user), disclosure.k_min(), ContextPool(tables), None
    if protected:  # roles without personal data: small cells and differencing hidden (docs/privacy.md)
        res, info = disclosure.protect_results(tables, res, k, pool)
        for code, why in info.suppressed.items():
            res.values[code].reason = disclosure.reason_text(why, k)
    split = None
    if filters.system in (None, "miaf_d"):
        f2 = IndicatorFilters(**{**filters.to_dict(), "system": "miaf_d"})
        one = compute_indicators(tables, f2, codes=["self_consumption_share"])
        if protected:
            one = disclosure.protect_results(tables, one, k, pool)[0]
        split = one["self_consumption_share"].breakdown
    progress(22, "indicadores por año")
    ot = protect_over_time(tables, filters, k, pool)[0] if protected else over_time(tables, filters)
    date = _data_date(tables)
    report = Report(filters=filters, data_version=version, miaf_version=miaf.__version__, data_date=date,
                    scope=_scope(user))  # fmt: skip
    report.key_figures = _key_figures(res, split, tables)
    report.maize_groups = maize_by_group(ctx, k if protected else None)
    few_families = bool(info and "families" in info.suppressed)
    report.programme = _programme(res, ctx, tables, hide_counts=few_families)
    report.pillars = _pillars(res, ot, progress)
    report.soil = soil_kept(res)
    from miaf.web.trade.evidence import report_section  # issue 12: side-selling, groups of >= k families

    report.side_selling = report_section(user, filters)
    progress(64, "mapa")
    report.map = _map(ctx, tables)
    progress(70, "parámetros")
    report.measured = _measured(res, ctx, k if protected else None)
    report.parameters = _parameter_rows({(m["table"], m["key"]) for m in report.measured})
    progress(76, "incertidumbre (Monte Carlo)")
    report.uncertainty = {"available": False, "withheld": True} if protected else _uncertainty(ctx)
    report.limitations = _limitations(res, report.parameters, report.map, report.uncertainty)
    progress(86, "diccionario y anexo anonimizado")
    report.dictionary = _dictionary()
    report.annex, report.annex_csv = _annex(ctx, filters, date, withhold=few_families)
    add_cut_tables_annex(report)
    if info is not None:
        report.disclosure = {**info.summary(), "text": disclosure.hidden_text(disclosure.SMALL_CELL, k)}
    progress(90, "informe listo para dar formato")
    return report


def annex_zip_bytes(report: Report) -> bytes:
    """The full anonymised tables of the report as a ZIP (fixed timestamps: reproducible bytes)."""
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, text in sorted(report.annex_csv.items()):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, text)
    return buf.getvalue()
