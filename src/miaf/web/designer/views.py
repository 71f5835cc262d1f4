"""MIAF-D designer pages: design a plot, preview the layout, save versions, download the files.

Thin views: scope the plot (analysts 403: plots are personal data; outside the user's reach 404), call one
function of :mod:`miaf.web.designer.services`, render. The preview answers htmx with a partial (result
panel plus out-of-band error slots next to each field) and a plain POST with the whole page.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.dates import MONTHS
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from miaf.design import DesignError, DesignResult
from miaf.params import species as species_catalogue
from miaf.web.accounts.scoping import can_edit, plots_for, require_personal_data, scoped
from miaf.web.designer.forms import DesignForm, initial_for
from miaf.web.designer.services import (
    DesignInputError,
    design_for_plot,
    save_design,
    stored_result,
    warning_messages,
)
from miaf.web.plots.models import PlotDesign
from miaf.web.registry.views import plot_features

#: (summary key, label, decimals) of the summary table, in display order.
SUMMARY_ROWS = (
    ("modality", _l("Modalidad"), None),
    ("area_ha", _l("Superficie [ha]"), 2),
    ("ground_area_ha", _l("Superficie sobre el terreno [ha]"), 2),
    ("mean_slope_pct", _l("Pendiente media [%]"), 1),
    ("mean_aspect_deg", _l("Orientación media [°]"), 0),
    ("row_spacing_ground_m", _l("Entre hileras, sobre el suelo [m]"), 2),
    ("row_spacing_horizontal_m", _l("Entre hileras, en horizontal [m]"), 2),
    ("vertical_interval_m", _l("Desnivel entre hileras [m]"), 2),
    ("tree_spacing_m", _l("Entre árboles [m]"), 2),
    ("n_tree_rows", _l("Hileras de árboles"), 0),
    ("n_partial_rows", _l("de ellas parciales"), 0),
    ("n_trees", _l("Árboles"), 0),
    ("trees_per_ha", _l("Árboles por hectárea"), 0),
    ("tree_row_length_m", _l("Longitud de hileras y filtro de escurrimientos [m]"), 0),
    ("crop_strip_area_ha", _l("Franjas de cultivo [ha]"), 2),
    ("maize_strip_area_ha", _l("de maíz este año [ha]"), 2),
    ("bean_strip_area_ha", _l("de frijol este año [ha]"), 2),
    ("furrows_per_strip", _l("Surcos por franja"), 0),
    ("maize_plants", _l("Plantas de maíz"), 0),
    ("bean_plants", _l("Plantas de frijol"), 0),
    ("maize_seed_kg", _l("Semilla de maíz [kg]"), 1),
    ("bean_seed_kg", _l("Semilla de frijol [kg]"), 1),
    ("establishment_person_days", _l("Jornales de establecimiento"), 1),
    ("elevation_min_m", _l("Altitud mínima [m]"), 0),
    ("elevation_max_m", _l("Altitud máxima [m]"), 0),
)


UNITS = {"plants": _l("plantas"), "stakes": _l("estacas")}


def _english() -> bool:
    return (get_language() or "es").startswith("en")


def _plot(request: HttpRequest, plot_id: int):  # noqa: ANN202
    require_personal_data(request.user)
    return get_object_or_404(plots_for(request.user).select_related("family__locality__municipality"), pk=plot_id)


def _design(request: HttpRequest, design_id: int) -> PlotDesign:
    require_personal_data(request.user)
    return get_object_or_404(scoped(request.user, PlotDesign).select_related("plot__family", "created_by"),
                             pk=design_id)


def result_context(result: DesignResult, plot: Any) -> dict[str, Any]:
    """Tables and map data of a result: summary rows, warnings, bill of materials, labour by month."""
    s = result.summary.to_dict()
    en = _english()
    rows = []
    for key, label, nd in SUMMARY_ROWS:
        value = s.get(key)
        if value is None:
            continue
        if key == "modality":
            shown = f"{s['modality_name_es']} ({value})"
        else:
            shown = value
        rows.append({"key": key, "label": label, "value": value, "shown": shown, "decimals": nd})
    catalogue = species_catalogue()

    def name(code: str) -> str:
        row = catalogue.get(code) or {}
        return (row.get("name_en") if en else row.get("name_es")) or code

    by_species = [{"code": c, "name": name(c), "n": n, "spacing": s["tree_spacing_by_species_m"].get(c)}
                  for c, n in s["trees_by_species"].items()]
    bom = [{"item": b.item if en else b.item_es, "quantity": b.quantity, "unit": UNITS.get(b.unit, b.unit),
            "source": b.source} for b in result.bill_of_materials]
    by_month = result.labour_by_month()
    labour = [{"month": MONTHS[m + 1], "days": d} for m, d in enumerate(by_month) if d > 0]
    activities = [{"activity": lab.activity if en else lab.activity_es, "month": MONTHS[lab.month],
                   "days": lab.person_days} for lab in result.labour]
    layout = dict(result.to_geojson())
    layout.pop("miaf_summary", None)
    return {
        "summary": s, "summary_rows": rows, "by_species": by_species, "warnings": warning_messages(result),
        "bom": bom, "labour": labour, "labour_total": round(sum(by_month), 2), "activities": activities,
        "design_map": {"plots": plot_features([plot]), "layout": layout},
    }


def _page(request: HttpRequest, plot: Any, form: DesignForm, result: DesignResult | None = None) -> HttpResponse:
    context = {"plot": plot, "form": form, "versions": plot.designs.select_related("created_by"),
               "can_save": can_edit(request.user)}
    if result is not None:
        context |= result_context(result, plot)
    template = "designer/_preview.html" if request.headers.get("HX-Request") else "designer/design_page.html"
    # errors answer 200 too: htmx swaps only 2xx responses, and the errors sit next to the fields
    return render(request, template, context)


def _run(form: DesignForm, plot: Any) -> DesignResult | None:
    """Design the plot from a bound form; errors go next to their fields and give ``None``."""
    if not form.is_valid():
        return None
    try:
        return design_for_plot(plot, form.design_params(), form.cleaned_data.get("dem"))
    except (DesignError, DesignInputError) as exc:
        form.add_design_error(exc)
        return None


@login_required
@require_GET
def design_page(request: HttpRequest, plot_id: int) -> HttpResponse:
    plot = _plot(request, plot_id)
    source_id = request.GET.get("desde", "")
    source = plot.designs.filter(pk=int(source_id)).first() if source_id.isdigit() else None
    inputs = (source.parameters or {}).get("inputs") if source is not None else None
    return _page(request, plot, DesignForm(initial=initial_for(plot, inputs)))


@login_required
@require_POST
@vary_on_headers("HX-Request")
def design_preview(request: HttpRequest, plot_id: int) -> HttpResponse:
    plot = _plot(request, plot_id)
    form = DesignForm(request.POST, request.FILES)
    result = _run(form, plot)
    return _page(request, plot, form, result)


@login_required
@require_POST
def design_save(request: HttpRequest, plot_id: int) -> HttpResponse:
    plot = _plot(request, plot_id)
    if not can_edit(request.user):
        raise PermissionDenied("This role may not save designs.")
    form = DesignForm(request.POST, request.FILES)
    result = _run(form, plot)
    if result is None:
        return _page(request, plot, form)
    design = save_design(plot, result, result.inputs, request.user)  # type: ignore[attr-defined]
    messages.success(request, _("Diseño guardado como versión %(v)d.") % {"v": design.version})
    url = reverse("designer:detail", args=[design.pk])
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


@login_required
@require_GET
def design_detail(request: HttpRequest, design_id: int) -> HttpResponse:
    design = _design(request, design_id)
    plot = design.plot
    result = stored_result(design)
    context = {"design": design, "plot": plot, "versions": plot.designs.select_related("created_by"),
               "inputs": (design.parameters or {}).get("inputs") or {}} | result_context(result, plot)
    return render(request, "designer/design_detail.html", context)


DOWNLOADS = {
    "geojson": ("diseno.geojson", "application/geo+json"),
    "gpx": ("estacas.gpx", "application/gpx+xml"),
    "svg": ("plano.svg", "image/svg+xml"),
    "pdf": ("plano.pdf", "application/pdf"),
}


@login_required
@require_GET
def design_download(request: HttpRequest, design_id: int, fmt: str) -> HttpResponse:
    design = _design(request, design_id)
    name, content_type = DOWNLOADS[fmt]
    if fmt == "geojson":
        body: str | bytes = json.dumps(design.geojson, ensure_ascii=False)
    else:
        result = stored_result(design)
        body = {"gpx": result.to_gpx, "svg": result.to_svg, "pdf": result.to_pdf}[fmt]()
    response = HttpResponse(body, content_type=content_type)
    stem = f"{design.plot.family.code}_{design.plot.pk}_v{design.version}"
    response["Content-Disposition"] = f'attachment; filename="{stem}_{name}"'
    return response
