"""What the dashboard shows, for a user and a filter: key figures by pillar, series over time, map layers.

Every number comes from :func:`miaf.indicators.compute_indicators` on the tables of
:func:`miaf.web.evidence.extract.load_tables` (the user's scope, aggregates only: no name of a person or a
family is in those tables). Each figure carries its registry definition for "¿Cómo se calculó?".

Caching (:mod:`miaf.web.dashboard.cache`): the tables once per (scope, data version); the figures, series
and map once per (scope, data version, filters, language). The series over time ignore the year filter, so
they are computed once per version for every choice of year.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from miaf.indicators import PILLARS, REGISTRY, IndicatorFilters, IndicatorTables, compute_indicators
from miaf.indicators.compute import record_years
from miaf.indicators.tables import SEXES, SYSTEMS
from miaf.params import species
from miaf.web.core.units import unit_label

from . import cache

__all__ = ["DashboardData", "DashboardFilters", "DashboardView", "dashboard_view", "family_count", "figure_rows",
           "filter_options", "scope_tables", "system_label"]

SYSTEM_LABELS = {"traditional": gettext_lazy("milpa tradicional"), "miaf": "MIAF", "miaf_d": "MIAF-D",
                 "other": gettext_lazy("otro")}
SEX_LABELS = {"F": gettext_lazy("mujer"), "M": gettext_lazy("hombre"), "X": gettext_lazy("otro / no dice")}
#: The two views of an NPV (issue 16): family days valued at the wage, and the family's cash view.
NPV_VIEW_LABELS = {"family_days_valued": gettext_lazy("jornales familiares al jornal"),
                   "cash_view": gettext_lazy("vista de caja (jornales familiares sin pagar)")}
#: Map colouring choices: per plot (roles with personal data) and per municipality (analysts).
PLOT_COLOURS = {"system": gettext_lazy("sistema"), "soil_loss": gettext_lazy("pérdida de suelo"),
                "maize_yield": gettext_lazy("rendimiento de maíz"), "carbon": gettext_lazy("carbono")}
MUNICIPALITY_COLOURS = {"families": gettext_lazy("familias por municipio"),
                        "area": gettext_lazy("hectáreas por municipio")}
_FILTER_FIELDS = ("organisation", "municipality", "group", "year", "system", "head_sex")


def system_label(code: str) -> str:
    return str(SYSTEM_LABELS.get(code, code))


def _english() -> bool:
    return (get_language() or "es").startswith("en")


@dataclass(frozen=True)
class DashboardFilters:
    """The dashboard's filter: the indicator filters plus the map colouring (all optional)."""

    organisation: int | None = None
    municipality: str | None = None
    group: int | None = None
    year: int | None = None
    system: str | None = None
    head_sex: str | None = None
    colour: str | None = None

    def indicator_filters(self, with_year: bool = True) -> IndicatorFilters:
        values = {k: getattr(self, k) for k in _FILTER_FIELDS}
        if not with_year:
            values["year"] = None
        return IndicatorFilters(**values)

    def key(self, with_year: bool = True) -> str:
        d = asdict(self)
        if not with_year:
            d["year"] = None
        return repr(sorted(d.items()))

    def is_empty(self) -> bool:
        return all(getattr(self, k) is None for k in _FILTER_FIELDS)


# ---------------------------------------------------------------------------------------------- tables


def scope_tables(user) -> tuple[str, str, Any]:  # noqa: ANN001
    """(scope, version, loader): ``loader()`` returns the user's IndicatorTables, cached per version."""
    from miaf.web.evidence.extract import load_tables

    scope, version = cache.scope_key(user), cache.data_version()

    def loader() -> IndicatorTables:
        return cache.local("tables", scope, version, "", lambda: load_tables(user))

    return scope, version, loader


def filter_options(tables: IndicatorTables) -> dict[str, list[tuple[str, str]]]:
    """Choices of every filter, from the families and records in the user's scope."""
    from miaf.web.registry.models import Municipality

    fam = tables.families
    orgs = fam[["organisation_id", "organisation"]].drop_duplicates().sort_values("organisation")
    groups = fam[["group_id", "group"]].drop_duplicates().sort_values("group")
    codes = sorted(c for c in fam["municipality"].astype(str).unique() if c)
    names = {f"{s}{c}": n for s, c, n in Municipality.objects.values_list("state_code", "code", "name")}
    return {
        "organisation": [(str(int(i)), str(n)) for i, n in orgs.itertuples(index=False)],
        "municipality": sorted(((c, names.get(c, c)) for c in codes), key=lambda t: t[1]),
        "group": [(str(int(i)), str(n)) for i, n in groups.itertuples(index=False)],
        "year": [(str(y), str(y)) for y in reversed(record_years(tables))],
        "system": [(s, system_label(s)) for s in SYSTEMS],
        "head_sex": [(s, str(SEX_LABELS[s])) for s in SEXES],
    }


# --------------------------------------------------------------------------------------------- figures


def _fmt(value: float | None, unit: str) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    if unit in ("fraction",):
        return f"{100 * value:,.1f} %"
    if unit in ("families", "persons", "groups", "municipalities"):
        return f"{value:,.0f}"
    a = abs(value)
    if a >= 1000:
        return f"{value:,.0f}"
    if a >= 10:
        return f"{value:,.1f}"
    return f"{value:,.2f}"


def _unit_label(unit: str) -> str:
    """The unit beside a figure, in the user's language (none beside counts and percentages)."""
    return "" if unit in ("fraction", "families", "persons", "groups", "municipalities") else unit_label(unit)


def _part_label(part: str) -> str:
    if part in SYSTEM_LABELS:
        return system_label(part)
    if part in SEX_LABELS:
        return str(SEX_LABELS[part])
    if part in NPV_VIEW_LABELS:
        return str(NPV_VIEW_LABELS[part])
    row = species().get(part)
    if row:
        return str(row.get("name_en" if _english() and row.get("name_en") else "name_es") or part).lower()
    return part.replace("_", " ")


def _breakdown(breakdown: dict | None, unit: str) -> list[dict]:
    if not breakdown:
        return []
    rows = []
    for k, v in breakdown.items():
        v = None if v is None else float(v)
        shown = "" if "days" in str(k) else unit  # labour_by_kind breaks a fraction down into person-days
        rows.append({"key": str(k), "label": " · ".join(_part_label(p) for p in str(k).split("|")),
                     "value": v, "display": _fmt(v, shown)})
    return rows


def figure_rows(tables: IndicatorTables, filters: DashboardFilters, protected: bool = False) -> dict:
    """Key figures by pillar: ``{reference_year, pillars: [{pillar, name, figures: [{code, name, value,
    display, unit, status, n, reason, breakdown, suppressed, definition}]}], disclosure}``.

    ``protected`` (roles without personal data): figures over fewer than k families, or exposed by a
    broader filter, are hidden (:mod:`miaf.web.core.disclosure`); ``suppressed`` says why."""
    from miaf.web.core import disclosure

    res = compute_indicators(tables, filters.indicator_filters())
    info = None
    if protected:
        res, info = disclosure.protect_results(tables, res, disclosure.k_min())
    en = _english()
    out = []
    for pillar, (name_en, name_es) in PILLARS.items():
        items = []
        for v in res.by_pillar()[pillar]:
            ind = REGISTRY[v.code]
            hidden = info.suppressed.get(v.code, "") if info else ""
            cut = len(info.breakdown_entries.get(v.code, [])) if info else 0
            items.append({
                "code": v.code, "name": ind.name_en if en else ind.name_es, "value": None if v.value is None else float(v.value),
                "raw": repr(float(v.value)) if v.value is not None else "",
                "display": disclosure.hidden_text(hidden, info.k) if hidden else _fmt(v.value, v.unit),
                "unit": v.unit, "unit_label": _unit_label(v.unit), "status": v.status, "n": v.n,
                "reason": disclosure.reason_text(hidden, info.k) if hidden else v.reason,
                "breakdown": _breakdown(v.breakdown, v.unit), "suppressed": hidden,
                "breakdown_cut": disclosure.reason_text(disclosure.SMALL_CELL, info.k) if cut else "",
                "definition": {"formula": (ind.formula if en else ind.formula_es) or ind.formula,
                               "formula_en": ind.formula, "unit": ind.unit, "source_records": ind.source_records,
                               "missing_data": (ind.missing_data if en else ind.missing_data_es) or ind.missing_data},
            })
        out.append({"pillar": pillar, "name": name_en if en else name_es, "figures": items})
    summary = info.summary() if info else {}
    return {"reference_year": res.reference_year, "pillars": out, "disclosure": summary}


# ---------------------------------------------------------------------------------------------- bundle


@dataclass
class DashboardData:
    filters: DashboardFilters
    options: dict
    pillars: list[dict]
    series: dict
    map: dict
    reference_year: int | None = None
    version: str = ""
    notes: list[str] = field(default_factory=list)

    def figure(self, code: str) -> dict:
        for p in self.pillars:
            for f in p["figures"]:
                if f["code"] == code:
                    return f
        raise KeyError(code)


def family_count(user, scope: str, version: str) -> int:  # noqa: ANN001
    """Families with a membership in the user's groups (decides between computing now and in the background)."""
    from miaf.web.evidence.extract import scoped_groups
    from miaf.web.registry.models import Membership

    def count() -> int:
        return Membership.objects.filter(group__in=scoped_groups(user)).values("family_id").distinct().count()

    return cache.cached("families", scope, version, "", count)


def scope_filter_options(user) -> dict[str, list[tuple[str, str]]]:  # noqa: ANN001
    """The filter choices of the user's scope (:func:`filter_options`), cached per data version and language,
    for the dashboard and the report form. Scopes of ``background_min_families`` families or more are never
    computed here: their last built choices (possibly of an older version), or ``{}`` before a first build."""
    scope, version, tables = scope_tables(user)
    lang = get_language() or ""
    opts = cache.get("options", scope, lang)
    if opts is not None and opts.version == version:
        return opts.value
    if family_count(user, scope, version) >= cache.param("background_min_families"):
        return opts.value if opts is not None else {}
    return cache.put("options", scope, lang, version, filter_options(tables()))


def _colour(filters: DashboardFilters, personal: bool) -> DashboardFilters:
    """The filters with the map colouring made valid for the role (plots or municipalities)."""
    from dataclasses import replace

    allowed = PLOT_COLOURS if personal else MUNICIPALITY_COLOURS
    return replace(filters, colour=filters.colour if filters.colour in allowed else next(iter(allowed)))


@dataclass
class DashboardView:
    """What the dashboard page shows: the filter form and either current results (``state`` "fresh"),
    the latest results of an older data version while current ones are computed ("stale"), or nothing
    yet ("pending"); ``progress`` is the background build, when one runs."""

    form: Any
    data: DashboardData | None
    state: str
    progress: Any = None
    built_at: float | None = None

    @property
    def age_min(self) -> int | None:
        from .builds import minutes_since

        return minutes_since(self.built_at)


def dashboard_view(user, query, personal: bool) -> DashboardView:  # noqa: ANN001
    """Form and results of the dashboard for ``user`` and the GET ``query`` (``personal``: may see plots).

    Scopes under ``background_min_families`` families are computed in the request (about a second for the
    demo's 400 families, cached afterwards). Larger ones never block the request: see
    :mod:`miaf.web.dashboard.builds`.
    """
    from miaf.web.core import disclosure

    from . import builds, maplayers, series
    from .forms import DashboardFilterForm

    scope, version, tables = scope_tables(user)
    lang = get_language() or ""
    large = family_count(user, scope, version) >= cache.param("background_min_families")

    opts = cache.get("options", scope, lang)
    if not large and (opts is None or opts.version != version):
        opts = cache.Entry(version, 0.0, cache.put("options", scope, lang, version, filter_options(tables())))
    form = DashboardFilterForm(query or None, opts.value if opts else {}, personal, user=user)
    filters = _colour(form.filters() if query else DashboardFilters(), personal)
    mode = "plots" if personal else "muni"
    protected = disclosure.applies(user)
    guard = "k" if protected else ""  # suppressed and full figures share a scope: never one cache entry
    pieces = {"options": lang, "figures": guard + lang + filters.key(),
              "series": guard + lang + filters.key(with_year=False), "map": f"{guard}{lang}{mode}{filters.key()}"}

    def build(what: str):  # noqa: ANN202
        if what == "options":
            return filter_options(tables())
        if what == "figures":
            return figure_rows(tables(), filters, protected)
        if what == "series":
            return series.series(tables(), filters, protected)
        if personal:
            return maplayers.plot_layer(user, scope, version, tables(), filters, filters.colour)
        return maplayers.municipality_layer(tables(), filters, filters.colour, protected)

    entries = {w: cache.get(w, scope, extra) for w, extra in pieces.items()}
    current = {w for w, e in entries.items() if e is not None and e.version == version}
    state, progress = "fresh", None
    if not large:
        values = {w: entries[w].value if w in current else cache.put(w, scope, pieces[w], version, build(w))
                  for w in pieces}  # fmt: skip
        built_at = None
    elif len(current) == len(pieces):
        values, built_at = {w: e.value for w, e in entries.items()}, min(e.built_at for e in entries.values())
    else:
        def step(what: str):  # noqa: ANN202
            def run() -> None:
                from django.utils import translation

                with translation.override(lang):
                    cache.put(what, scope, pieces[what], version, build(what))
            return run

        steps = [("tables", tables)] + [(w, step(w)) for w in pieces if w not in current]
        progress = builds.start(scope, repr(sorted(pieces.items())), version, steps)
        entries = {w: cache.get(w, scope, extra) for w, extra in pieces.items()}  # a build may have finished
        if all(e is not None for e in entries.values()):
            fresh = all(e.version == version for e in entries.values())
            state = "fresh" if fresh else "stale"
            values, built_at = {w: e.value for w, e in entries.items()}, min(e.built_at for e in entries.values())
        else:
            return DashboardView(form, None, "pending", progress)
    figures = values["figures"]
    ref = figures["reference_year"]
    notes = [] if filters.year else [_("Sin filtro de año: cada cifra usa el último año con registros (%(y)s) "
                                       "o todo el periodo, según su definición.") % {"y": ref}]
    data = DashboardData(filters, values["options"], figures["pillars"], values["series"], values["map"], ref,
                         version, notes)
    return DashboardView(form, data, state, progress if state != "fresh" else None, built_at)
