"""What the economics pages show, computed from the services and the science functions (no HTTP here).

:func:`plot_page` evaluates the plot's scenario (:class:`miaf.economics.cashflow.PlotModel`) and one Monte
Carlo pass for the P10–P90 bands; :func:`family_page` builds the household calendar, the before/after
comparison and the side-selling analysis. Views render what these return.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from miaf.economics.cashflow import PlotEconomics, PlotModel, _incremental, _metrics
from miaf.economics.sidesell import analyse_side_selling, what_if
from miaf.economics.uncertainty import sample_parameters
from miaf.household.calendar import compare_years, household_calendar, monthly_by_category
from miaf.params import load_parameters, species

from . import charts
from .services import (
    PlotInputs,
    family_ledger,
    family_sales_detail,
    miaf_start_year,
    plot_inputs,
    plot_records_economics,
)

# a context of our own: Django's catalogue already translates "May" (English) to "mayo"
MONTH_LABELS = [pgettext_lazy("mes abreviado", m) for m in ("Ene", "Feb", "Mar", "Abr", "May", "Jun", "Jul",
                                                            "Ago", "Sep", "Oct", "Nov", "Dic")]
IRR_REASON_ES = {
    "all_zero": gettext_lazy("todos los flujos son cero"),
    "no_negative_flow": gettext_lazy("nunca hay un año con flujo negativo (sin inversión): la TIR sería infinita"),
    "no_positive_flow": gettext_lazy("ningún año deja un flujo positivo: nunca se recupera lo invertido"),
    "multiple": gettext_lazy("el VPN cruza cero más de una vez: la TIR no es única"),
    "no_root_in_range": gettext_lazy("el VPN no cruza cero entre −99 % y +1,000 % anual"),
    "non_finite": gettext_lazy("hay flujos no numéricos"),
}
SOURCE_LABELS = {
    "wages": gettext_lazy("jornales y salarios"), "remittances": gettext_lazy("remesas"),
    "transfers": gettext_lazy("programas de gobierno"), "other": gettext_lazy("otro ingreso"),
    "crop_sale": gettext_lazy("venta de cosecha"),
}
PARAM_LABELS = {
    "discount_rate": gettext_lazy("tasa de descuento"), "wage_mxn_day": gettext_lazy("jornal"),
    "milpa_labour_days_ha": gettext_lazy("jornales de la milpa por ha"),
    "miaf_labour_factor": gettext_lazy("factor de mano de obra MIAF-D"),
    "milpa_running_cost_mxn_ha": gettext_lazy("costo anual de insumos de la milpa por ha"),
    "tree_running_cost_mxn_tree_yr": gettext_lazy("costo anual por árbol"),
    "tree_yield_factor": gettext_lazy("factor de rendimiento de los árboles"),
    "tree_band_share": gettext_lazy("fracción de la franja de árboles"),
    "crop_share": gettext_lazy("fracción de la franja de cultivo"),
    "ler_reference_trees_ha": gettext_lazy("árboles por ha de la huerta de referencia (LER)"),
    "maize_yield_gain_miaf": gettext_lazy("ganancia de rendimiento del maíz en MIAF-D"),
    "maize_gain_start_year": gettext_lazy("año desde el que sube el maíz"),
    "replacement_price_factor": gettext_lazy("factor de precio de reposición del autoconsumo"),
    "family_labour_capacity_days_month": gettext_lazy("jornales familiares disponibles por mes"),
    "plant_price_mxn": gettext_lazy("precio de la planta"), "replanting_share": gettext_lazy("fracción de replante"),
    "hole_compost_cost_mxn_tree": gettext_lazy("abono en la cepa por árbol"),
    "tools_cost_mxn_ha": gettext_lazy("herramientas por ha"),
    "establishment_days_ha": gettext_lazy("jornales de establecimiento por ha"),
    "area_ha": gettext_lazy("superficie"), "labour_days": gettext_lazy("jornales familiares y contratados"),
    "input_cost_mxn": gettext_lazy("costo de insumos por año"), "bom": gettext_lazy("lista de materiales"),
    "establishment_labour_days": gettext_lazy("jornales de establecimiento"),
}
SPECIES_PARAM = {"price": gettext_lazy("precio de %s"), "yield": gettext_lazy("rendimiento de %s"),
                 "self_consumption_share": gettext_lazy("fracción de autoconsumo de %s"),
                 "alternate_bearing": gettext_lazy("vecería de %s"), "n_trees": gettext_lazy("árboles de %s"),
                 "harvest_kg": gettext_lazy("cosecha de %s")}


def species_name(code: str) -> str:
    return (species().get(code) or {}).get("name_es", code).lower()


def param_label(key: str) -> str:
    if key in PARAM_LABELS:
        return str(PARAM_LABELS[key])
    head, _sep, code = key.partition(".")
    if head in SPECIES_PARAM and code:
        return str(SPECIES_PARAM[head]) % species_name(code)
    return key


def source_label(code: str) -> str:
    return str(SOURCE_LABELS[code]) if code in SOURCE_LABELS else species_name(code)


def _num(x) -> float | None:  # noqa: ANN001
    if x is None:
        return None
    x = float(x)
    return x if math.isfinite(x) else None


def _band(values, lo: float, hi: float) -> tuple[float | None, float | None, float]:
    """(P_lo, P_hi) of the finite draws and the share of draws where the quantity does not exist."""
    a = np.asarray(values, dtype=float).reshape(-1)
    finite = a[np.isfinite(a)]
    if finite.size == 0:
        return None, None, 1.0
    p = np.percentile(finite, [lo, hi])
    return float(p[0]), float(p[1]), float(1 - finite.size / a.size)


# -- plot ----------------------------------------------------------------------------------------------
@dataclass
class PlotPage:
    inputs: PlotInputs
    result: PlotEconomics
    draws: int
    seed: int
    band_label: str
    key_results: list[dict]
    years: list[dict]
    months: list[dict]
    provenance: list[dict]
    notes: list[str]
    cashflow_spec: dict = field(repr=False, default_factory=dict)
    monthly_spec: dict = field(repr=False, default_factory=dict)
    draws_npv: np.ndarray = field(repr=False, default_factory=lambda: np.zeros(0))

    @property
    def mature_calendar_year(self) -> int:
        return self.inputs.calendar_year(self.result.mature_from_year)


def _grouped(x: float) -> str:
    return formats.number_format(round(x), 0, use_l10n=True, force_grouping=True)


def irr_note(metrics: dict) -> str | None:
    """Warning for an IRR whose flows change sign more than once, with every root found (or none)."""
    if not metrics.get("irr_non_conventional"):
        return None
    roots = metrics.get("irr_roots") or []
    found = ", ".join(formats.number_format(100 * x, 1, use_l10n=True) + " %" for x in roots)
    if found:
        return _("Los flujos cambian de signo %(n)s veces: puede haber varias TIR. Raíces encontradas entre "
                 "−99 %% y +1,000 %%: %(roots)s.") % {"n": metrics["irr_sign_changes"], "roots": found}
    return _("Los flujos cambian de signo %(n)s veces y el VPN no cruza cero entre −99 %% y +1,000 %% "
             "anual: no hay TIR.") % {"n": metrics["irr_sign_changes"]}


def records_rows(rec: dict | None) -> list[dict]:
    """The plot's payback and NPV from its records (incremental against the milpa), the same numbers the
    dashboard's indicators take their median and sum over (:func:`miaf.economics.records.record_economics`)."""
    if rec is None:
        return []
    years = int(rec["counted_years"])
    note = _("De los registros de %(n)s años (el año 0 y los años con cosechas registradas), contra la milpa "
             "tradicional en la misma superficie.") % {"n": years}
    if not rec["cost_records"]:
        note += " " + _("La parcela no tiene compras de insumos registradas: el establecimiento es la lista de "
                        "materiales con precios por defecto (%(bom)s MXN) y los insumos anuales los valores por "
                        "defecto, no cero.") % {"bom": _grouped(rec["bom_mxn"])}
    not_yet = _("todavía no se recupera en los años registrados")

    def r(key, label, value, unit, kind):  # noqa: ANN001, ANN202
        v = _num(value)
        return {"key": key, "label": label, "value": v, "low": None, "high": None, "unit": unit, "kind": kind,
                "undefined_share": 0.0, "reason": not_yet if v is None and kind == "years" else None, "note": None}

    rows = [
        r("payback_records", _("Recuperación de la inversión según los registros (incremental)"),
          rec["payback_years"], _("años"), "years"),
        r("payback_records_cash", _("Recuperación según los registros, vista de caja de la familia"),
          rec["payback_cash_years"], _("años"), "years"),
        r("npv_records", _("VPN incremental según los registros"), rec["npv_mxn"], "MXN", "money"),
        r("npv_records_cash", _("VPN incremental según los registros, vista de caja de la familia"),
          rec["npv_cash_mxn"], "MXN", "money"),
    ]
    rows[0]["note"] = note
    return rows


def monte_carlo_pass(model: PlotModel, draws: int, seed: int) -> dict:
    """One vectorised pass over ``draws`` parameter sets, with the same draws as ``model.monte_carlo``.

    Returns the per-draw metrics of MIAF-D, baseline and the increment, the per-draw LER and flows; uses
    the model's own metric helpers so that a band is computed exactly like the Monte Carlo summary.
    """
    sampled = sample_parameters(model.distributions(), draws, seed)
    values = {**model.central_values(), **sampled}
    miaf, base = model.simulate(values)
    rate = np.asarray(values["discount_rate"])
    return {
        "miaf": _metrics(miaf.benefits, miaf.costs, miaf.cash_costs, miaf.family_days, rate),
        "baseline": _metrics(base.benefits, base.costs, base.cash_costs, base.family_days, rate),
        "incremental": _incremental(miaf, base, rate),
        "ler": model.land_equivalent_ratio(values, miaf, base),
        "miaf_flows": miaf, "baseline_flows": base,
    }


def plot_page(plot) -> PlotPage:  # noqa: ANN001
    """Everything the plot economics page shows."""
    cfg = load_parameters("economy_pages")
    draws, seed = int(float(cfg["page_draws"])), int(float(cfg["page_seed"]))
    lo, hi = float(cfg["band_low_pct"]), float(cfg["band_high_pct"])
    band_label = f"P{lo:g}–P{hi:g}"
    inputs = plot_inputs(plot)
    model = PlotModel(inputs.scenario)
    result = model.evaluate()
    mc = monte_carlo_pass(model, draws, seed)
    m, inc = result.miaf.metrics, result.incremental
    tm = result.mature_from_year

    def row(key, label, value, samples, unit, kind="money", reason=None, metrics=None):  # noqa: ANN001, ANN202
        low, high, undefined = _band(samples, lo, hi)
        return {"key": key, "label": label, "value": _num(value), "low": low, "high": high, "unit": unit,
                "kind": kind, "undefined_share": undefined,
                "reason": str(IRR_REASON_ES.get(reason, reason)) if reason else None,
                "note": irr_note(metrics) if metrics else None}

    key_results = [
        row("npv", _("Valor presente neto (VPN) MIAF-D"), m["npv_mxn"], mc["miaf"]["npv_mxn"], "MXN"),
        row("npv_cash", _("VPN MIAF-D, vista de caja de la familia (jornales familiares sin pagar)"),
            m["npv_cash_mxn"], mc["miaf"]["npv_cash_mxn"], "MXN"),
        row("irr", _("Tasa interna de retorno (TIR) MIAF-D"), m["irr"], mc["miaf"]["irr"], "%", "pct",
            m.get("irr_reason"), m),
        row("payback", _("Recuperación de la inversión (proyección del modelo)"), m["payback_years"],
            mc["miaf"]["payback_years"], _("años"), "years"),
        row("bc", _("Relación beneficio/costo"), m["benefit_cost_ratio"], mc["miaf"]["benefit_cost_ratio"], "",
            "ratio"),
        row("per_day", _("Retorno por jornal familiar"), m["return_per_family_day_mxn"],
            mc["miaf"]["return_per_family_day_mxn"], _("MXN/jornal")),
        row("npv_baseline", _("VPN de la milpa tradicional (línea base)"), result.baseline.metrics["npv_mxn"],
            mc["baseline"]["npv_mxn"], "MXN"),
        row("npv_baseline_cash", _("VPN de la milpa tradicional, vista de caja de la familia (jornales familiares "
                                   "sin pagar)"), result.baseline.metrics["npv_cash_mxn"],
            mc["baseline"]["npv_cash_mxn"], "MXN"),
        row("npv_inc", _("VPN incremental (MIAF-D − milpa)"), inc["npv_mxn"], mc["incremental"]["npv_mxn"], "MXN"),
        row("npv_inc_cash", _("VPN incremental, vista de caja de la familia (jornales familiares sin pagar)"),
            inc["npv_cash_mxn"], mc["incremental"]["npv_cash_mxn"], "MXN"),
        row("irr_inc", _("TIR incremental"), inc["irr"], mc["incremental"]["irr"], "%", "pct", inc.get("irr_reason"),
            inc),
        row("bc_inc", _("Beneficio/costo incremental"), inc["benefit_cost_ratio"],
            mc["incremental"]["benefit_cost_ratio"], "", "ratio"),
        row("per_day_inc", _("Retorno por jornal familiar adicional"), inc["return_per_extra_family_day_mxn"],
            mc["incremental"]["return_per_extra_family_day_mxn"], _("MXN/jornal")),
        {"key": "wage", "label": _("Jornal local (costo de oportunidad del jornal familiar)"),
         "value": inc["wage_mxn_day"], "low": None, "high": None,
         "unit": _("MXN/jornal"), "kind": "money", "undefined_share": 0.0, "reason": None,
         "note": _("Jornal entre %(w_low)s y %(w_high)s MXN; con ese rango el VPN incremental va de %(low)s a "
                   "%(high)s MXN.") % {k: _grouped(x) for k, x in (
                       ("w_low", inc["wage_range_mxn_day"][0]), ("w_high", inc["wage_range_mxn_day"][1]),
                       ("low", inc["npv_mxn_at_wage_range"][0]), ("high", inc["npv_mxn_at_wage_range"][1]))}},
        row("ler", _("Equivalencia de uso de la tierra (LER), años en producción"), result.ler_mature,
            mc["ler"][:, tm:].mean(axis=1), "", "ratio"),
    ]

    key_results += records_rows(plot_records_economics(plot))
    recorded = {r.year for r in inputs.scenario.records}
    net_lo, net_hi = np.percentile(mc["miaf_flows"].net, [lo, hi], axis=0)
    years = [
        {"t": t, "year": inputs.calendar_year(t), "net": float(result.miaf.net_mxn[t]), "low": float(net_lo[t]),
         "high": float(net_hi[t]), "baseline": float(result.baseline.net_mxn[t]),
         "benefits": float(result.miaf.benefits_mxn[t]), "costs": float(result.miaf.costs_mxn[t]),
         "kind": _("registrado") if t in recorded else _("modelado")}
        for t in range(result.horizon_years)
    ]
    f = mc["miaf_flows"]
    monthly = (f.sales_m[:, tm:] + f.self_m[:, tm:]).mean(axis=1)
    m_lo, m_hi = np.percentile(monthly, [lo, hi], axis=0)
    ty = result.typical_year
    months = [
        {"month": i + 1, "label": str(MONTH_LABELS[i]),
         "income": float(ty["miaf_sales_mxn"][i] + ty["miaf_self_consumption_mxn"][i]),
         "sales": float(ty["miaf_sales_mxn"][i]), "self": float(ty["miaf_self_consumption_mxn"][i]),
         "low": float(m_lo[i]), "high": float(m_hi[i]), "family_days": float(ty["miaf_family_days"][i]),
         "hired_days": float(ty["miaf_hired_days"][i])}
        for i in range(12)
    ]
    page = PlotPage(
        inputs=inputs, result=result, draws=draws, seed=seed, band_label=band_label, key_results=key_results,
        years=years, months=months, provenance=provenance_rows(inputs, result), notes=plot_notes(inputs, result),
        draws_npv=np.asarray(mc["miaf"]["npv_mxn"]),
    )
    page.cashflow_spec = charts.cashflow_chart(years, band_label)
    page.monthly_spec = charts.monthly_chart(months, band_label)
    return page


def _status(provenance: str) -> str:
    if provenance == "measured":
        return "measured"
    if provenance.startswith("measured in years"):
        return "partly_measured"
    return "default"


STATUS_LABELS = {"measured": gettext_lazy("medido"), "partly_measured": gettext_lazy("medido en parte"),
                 "design": gettext_lazy("diseño"), "default": gettext_lazy("por defecto")}


def provenance_rows(inputs: PlotInputs, result: PlotEconomics) -> list[dict]:
    """One row per number the result rests on: measured (records), design, or default (with its source)."""
    rows: list[dict] = [{"key": "area_ha", "label": param_label("area_ha"), "value": inputs.scenario.area_ha,
                         "unit": "ha", "status": "measured", "source": _("contorno registrado de la parcela")}]
    for key, mm in inputs.measured.items():
        if key in result.parameters:
            continue  # shown below with its value
        rows.append({"key": key, "label": param_label(key), "value": mm.total, "unit": mm.unit,
                     "status": "measured", "source": f"{mm.n_records} {mm.what}, {_years(mm.years)}"})
    for key, what in inputs.design_items.items():
        if key in result.parameters:
            continue
        value = inputs.scenario.establishment_labour_days if key == "establishment_labour_days" else None
        if key.startswith("n_trees."):
            value = next((t.n_trees for t in inputs.scenario.trees if f"n_trees.{t.species}" == key), None)
        rows.append({"key": key, "label": param_label(key), "value": value, "unit": "", "status": "design",
                     "source": what})
    for key, p in result.parameters.items():
        prov = result.provenance.get(key, p.provenance)
        status = _status(prov)
        source = p.source
        if key in inputs.measured:
            mm = inputs.measured[key]
            status = "measured" if p.provenance == "scenario" else "partly_measured"
            source = f"{mm.n_records} {mm.what}, {_years(mm.years)}"
            if status == "partly_measured":
                source += "; " + _("los demás años: %(src)s") % {"src": p.source}
        elif key in inputs.design_items:
            status, source = "design", inputs.design_items[key]
        rows.append({"key": key, "label": param_label(key), "value": p.value, "unit": p.unit, "status": status,
                     "source": source, "tag": p.tag})
    order = {"measured": 0, "partly_measured": 1, "design": 2, "default": 3}
    rows.sort(key=lambda r: order[r["status"]])
    for r in rows:
        r["status_label"] = str(STATUS_LABELS[r["status"]])
    return rows


def _years(years) -> str:  # noqa: ANN001
    ys = sorted(set(years))
    return "" if not ys else (str(ys[0]) if len(ys) == 1 else f"{ys[0]}–{ys[-1]}")


def plot_notes(inputs: PlotInputs, result: PlotEconomics) -> list[str]:
    out = []
    if not inputs.ex_post:
        out.append(_("La parcela no tiene fecha de establecimiento MIAF-D: resultado ex ante (diseño o "
                     "plantaciones y valores por defecto); no se usan sus registros."))
    else:
        src = {"established_on": _("fecha de establecimiento"), "phase": _("inicio de la fase MIAF-D"),
               "planting": _("primera plantación de frutales")}[inputs.start_source]
        out.append(_("Año 0 = %(year)s (%(src)s); los años con registros usan lo medido, los demás lo modelado.")
                   % {"year": inputs.start_year, "src": src})
    if not inputs.scenario.trees:
        out.append(_("Sin árboles registrados ni diseño: el escenario MIAF-D no tiene frutales."))
    for note in inputs.notes:
        kind, _sep, arg = note.partition(":")
        if kind == "harvests_before_start":
            out.append(_("%(n)s cosechas anteriores al año 0 (milpa tradicional) no entran al flujo MIAF-D.")
                       % {"n": arg})
        elif kind == "tree_harvest_without_trees":
            out.append(_("Hay cosechas de %(sp)s sin plantación ni diseño que diga cuántos árboles hay: "
                         "solo cuentan los años registrados.") % {"sp": species_name(arg)})
        elif kind == "extra_crop_recorded_years_only":
            out.append(_("%(sp)s: cuenta solo en los años con cosecha registrada (la franja modelada es maíz "
                         "y frijol).") % {"sp": species_name(arg).capitalize()})
        elif kind == "species_without_yield":
            out.append(_("Especies sin rendimiento en el catálogo (no entran al flujo): %(sp)s.")
                       % {"sp": ", ".join(species_name(c) for c in arg.split(","))})
    return out


# -- family --------------------------------------------------------------------------------------------
@dataclass
class FamilyPage:
    has_ledger: bool
    years: list[int] = field(default_factory=list)
    year: int | None = None
    months: list[dict] = field(default_factory=list)
    income_rows: list[dict] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    indicators: dict = field(default_factory=dict)
    comparison: dict | None = None
    calendar_spec: dict = field(repr=False, default_factory=dict)
    side: dict | None = None
    notes: list[str] = field(default_factory=list)


def _family_miaf_year(family) -> int | None:  # noqa: ANN001
    years = [miaf_start_year(p)[0] for p in family.plots.all()]
    years = [y for y in years if y is not None]
    return min(years) if years else None


def family_page(family, year: int | None = None, advance_share: float | None = None,  # noqa: ANN001
                delay_months: float | None = None) -> FamilyPage:
    """Everything the family economics page shows (calendar of ``year``, default the latest)."""
    ledger = family_ledger(family)
    page = FamilyPage(has_ledger=len(ledger) > 0)
    calendar = household_calendar(ledger) if len(ledger) else None
    if calendar is not None:
        page.years = sorted(int(y) for y in calendar.year)
        page.year = year if year in page.years else page.years[-1]
        row = int(calendar.rows(family.pk, page.year)[0])
        by_cat = monthly_by_category(ledger, family.pk, page.year)
        rec = calendar.record(row)
        page.sources = [source_label(s) for s in by_cat["income"]]
        for src, values in by_cat["income"].items():
            for i, v in enumerate(values):
                if v:
                    page.income_rows.append({"label": str(MONTH_LABELS[i]), "source": source_label(src),
                                             "amount": float(v)})
        deficit = calendar.deficit[row]
        page.months = [
            {"month": i + 1, "label": str(MONTH_LABELS[i]), "income": float(calendar.income_month[row, i]),
             "expense": float(calendar.expense_month[row, i]), "net": float(calendar.net_month[row, i]),
             "deficit": bool(deficit[i]),
             "by_source": [float(by_cat["income"][s][i]) for s in by_cat["income"]]}
            for i in range(12)
        ]
        page.indicators = {
            "months_in_deficit": rec["months_in_deficit"], "longest_run": rec["longest_deficit_run_months"],
            "months_with_income": rec["months_with_income"], "shannon": rec["shannon_index"],
            "own_food_share": rec["own_food_share"], "income": float(calendar.income_month[row].sum()),
            "expense": float(calendar.expense_month[row].sum()), "own_food": rec["own_food_mxn"],
        }
        page.calendar_spec = charts.calendar_chart(page.income_rows, page.months, page.year)
        page.comparison = _comparison(family, calendar, page.years)
    page.side = _side_selling(family, calendar, advance_share, delay_months)
    return page


COMPARED = [("income_mxn", gettext_lazy("ingreso anual [MXN]"), "money"),
            ("expense_mxn", gettext_lazy("gasto anual [MXN]"), "money"),
            ("net_mxn", gettext_lazy("saldo anual [MXN]"), "money"),
            ("months_in_deficit", gettext_lazy("meses en déficit"), "int"),
            ("longest_deficit_run", gettext_lazy("racha más larga de déficit [meses]"), "int"),
            ("months_with_income", gettext_lazy("meses con ingreso"), "int"),
            ("shannon_index", gettext_lazy("diversidad de fuentes (Shannon)"), "ratio"),
            ("own_food_share", gettext_lazy("alimento de producción propia"), "share")]


def _comparison(family, calendar, years: list[int]) -> dict | None:  # noqa: ANN001
    if len(years) < 2:
        return None
    start = _family_miaf_year(family)
    before = max((y for y in years if start is not None and y < start), default=years[0])
    after = years[-1]
    if before == after:
        return None
    c = compare_years(calendar, before, after, family_id=np.asarray([family.pk]))
    rows = [{"key": k, "label": str(label), "kind": kind, "before": _num(c.before[k][0]),
             "after": _num(c.after[k][0]), "difference": _num(c.difference[k][0])} for k, label, kind in COMPARED]
    return {"before_year": before, "after_year": after, "rows": rows,
            "before_is_baseline": start is not None and before < start, "miaf_year": start}


def _side_selling(family, calendar, advance_share, delay_months) -> dict | None:  # noqa: ANN001
    fs = family_sales_detail(family, calendar)
    if not len(fs):
        return None
    cfg = load_parameters("economy_pages")
    econ = load_parameters("economics")
    advance = float(cfg["whatif_advance_share"]) if advance_share is None else advance_share
    delay = float(cfg["whatif_delay_months"]) if delay_months is None else delay_months
    result = analyse_side_selling(fs.sales)
    a = fs.sales.arrays()
    sales = []
    for i in range(len(fs)):
        sales.append({
            "year": fs.year[i], "month": str(MONTH_LABELS[int(a["month"][i]) - 1]), "species": species_name(fs.species[i]),
            "kg": float(a["kg"][i]), "intermediary": bool(a["intermediary"][i]), "channel": fs.channel[i],
            "in_deficit": bool(a["in_deficit"][i]),
            "deficit_known": fs.in_deficit_known[i], "org_price": float(a["org_price"][i]),
            "int_price": float(a["int_price"][i]), "org_value": float(result.value_organisation[i]),
            "int_value": float(result.value_intermediary[i]),
            "explained": bool(result.explained_by_cash_need[i]), "org_price_source": fs.org_price_source[i],
        })
    whatifs = [
        {"label": _("Anticipo de %(share)s %% del precio al entregar") % {"share": f"{100 * advance:g}"},
         "result": what_if(fs.sales, advance_share=advance)},
        {"label": _("Pago en %(d)s meses en vez de %(usual)s") % {
            "d": f"{delay:g}", "usual": f"{float(econ['organisation_payment_delay_months']):g}"},
         "result": what_if(fs.sales, delay_months=delay)},
    ]
    return {"overall": result.overall, "rates": result.rates, "sales": sales, "whatifs": whatifs,
            "advance_share": advance, "delay_months": delay, "excluded": fs.excluded,
            "unknown_deficit": sum(1 for k in fs.in_deficit_known if not k),
            "filled_org_price": sum(1 for s in fs.org_price_source if s != "recorded")}
