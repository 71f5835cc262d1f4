"""A finished run's results for the page and the brief, read from the files the science layer wrote.

Nothing is recomputed: the per-year figures are ``summary.json``'s national percentiles, the state and
stratum table is ``strata.parquet``, the regions at the horizon are ``by_region_year.parquet``. Figures are
formatted once here (es-MX: comma thousands, decimal point), so the page and the PDF show the same text.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from miaf.web.evidence.format import fmt_num

from .tilegrid import TILES

__all__ = ["CHART_METRICS", "Results", "load_results", "translate_warning"]

#: The charted metrics: key in summary.json, label, unit.
CHART_METRICS = (
    ("families_enrolled", _("Familias inscritas (acumulado)"), _("familias")),
    ("hectares", _("Hectáreas en MIAF-D"), "ha"),
    ("public_cost_mxn", _("Costo público del año"), "MXN"),
    ("co2e_t", _("Carbono almacenado"), "t CO₂e"),
)
HORIZON_METRICS = CHART_METRICS + (
    ("families_active", _("Familias activas"), _("familias")),
    ("public_cost_cumulative_mxn", _("Costo público acumulado"), "MXN"),
    ("cost_per_t_co2e_mxn", _("Costo por t CO₂e"), "MXN"),
    ("families_lifted", _("Familias sobre la línea de pobreza"), _("familias")),
    ("promoters_needed", _("Promotores necesarios"), _("personas")),
)


@dataclass
class Results:
    summary: dict
    per_year: list[dict]  # year and, per charted metric, p10/p50/p90 (numbers) and their text
    horizon: list[dict]  # label, unit, p10/p50/p90 text at the last year
    strata: list[dict]  # stratum, state, region, eligible, units, enrolled (text and numbers)
    states: list[dict]  # state, eligible, enrolled (numbers and text), in the tile grid or not
    regions: list[dict]  # region, and p50 at the horizon of the charted metrics (text)
    warnings: list[str]


def translate_warning(text: str) -> str:
    """The science layer's warning in the user's language (its own English text when not recognised)."""
    m = re.fullmatch(r"enrolment capped by (.+) in year\(s\) (.+)", text)
    if m:
        why = {"the eligible families left": _t("las familias elegibles que quedan"),
               "promoter capacity": _t("la capacidad de promotores"),
               "the budget (earlier cohorts cost more than it)": _t("el presupuesto (las cohortes anteriores "
                                                                    "cuestan más que él)")}.get(m[1], m[1])
        return _t("Inscripción limitada por %(why)s en los años %(years)s.") % {"why": why, "years": m[2]}
    m = re.fullmatch(r"([\d,]+) eligible families are in strata without simulated units; raise --units", text)
    if m:
        return _t("%(n)s familias elegibles están en estratos sin unidades simuladas; aumente las unidades "
                  "simuladas.") % {"n": m[1]}
    return text


def _f(x) -> str:  # noqa: ANN001
    return fmt_num(x, 0)


def load_results(folder: str | Path) -> Results:
    import pyarrow.parquet as pq

    folder = Path(folder)
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    per_year = []
    for row in summary["per_year"]:
        item = {"year": row["year"]}
        for key, _label, _unit in CHART_METRICS:
            for q in ("p10", "p50", "p90"):
                item[f"{key}_{q}"] = row[f"{key}_{q}"]
                item[f"{key}_{q}_text"] = _f(row[f"{key}_{q}"])
        per_year.append(item)
    end = summary["horizon_end"]
    horizon = [{"key": k, "label": label, "unit": unit, **{q: _f(end[k][q]) for q in ("p10", "p50", "p90")}}
               for k, label, unit in HORIZON_METRICS]
    strata_tab = pq.read_table(folder / "strata.parquet").to_pylist()
    strata = [{"stratum": r["stratum"], "state": r["state"], "region": r["region"],
               "eligible": float(r["eligible_families"]), "units": int(r["simulated_units"]),
               "enrolled": float(r["families_enrolled"]), "eligible_text": _f(r["eligible_families"]),
               "units_text": _f(r["simulated_units"]), "enrolled_text": _f(r["families_enrolled"])}
              for r in strata_tab]
    by_state: dict[str, dict] = {}
    for r in strata:
        s = by_state.setdefault(r["state"], {"state": r["state"], "eligible": 0.0, "enrolled": 0.0})
        s["eligible"] += r["eligible"]
        s["enrolled"] += r["enrolled"]
    states = []
    for s in by_state.values():
        share = s["enrolled"] / s["eligible"] if s["eligible"] else 0.0
        states.append({**s, "share": share, "eligible_text": _f(s["eligible"]), "enrolled_text": _f(s["enrolled"]),
                       "share_text": fmt_num(100 * share, 1) + " %", "in_grid": s["state"] in TILES})
    last = summary["years"] - 1
    reg_tab = pq.read_table(folder / "by_region_year.parquet").to_pylist()
    wanted = {k for k, _l, _u in CHART_METRICS}
    regions: dict[str, dict] = {}
    for r in reg_tab:
        if r["year"] == last and r["metric"] in wanted:
            regions.setdefault(r["region"], {"region": r["region"]})[r["metric"]] = _f(r["p50"])
    return Results(summary=summary, per_year=per_year, horizon=horizon, strata=strata, states=states,
                   regions=list(regions.values()), warnings=[translate_warning(w) for w in summary.get("warnings") or []])
