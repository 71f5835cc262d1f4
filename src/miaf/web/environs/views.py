"""Environmental evidence pages: thin views (scope, permission, one service call, render).

* plot and family pages: personal data (analysts 403; outside the user's reach 404); ``?partial=1`` returns
  only the panel, for the plot page to embed with ``hx-get``; ``?anio=`` picks the year;
* ``perdida.tif`` / ``perdida.png`` / ``perdida.json``: the per-cell soil-loss map (uniform-slope surface);
* programme page: aggregates of the user's scope, open to analysts, no names or coordinates;
* layers: list with the programme shares for everyone signed in; upload for coordinators and
  administrators only (403 otherwise).
"""

from __future__ import annotations

import numpy as np
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.vary import vary_on_headers

from miaf.web.accounts.models import Role
from miaf.web.accounts.scoping import families_for, plots_for, require_personal_data, role_of
from miaf.web.environs import services
from miaf.web.environs.forms import LayerUploadForm

UPLOADERS = (Role.ADMINISTRATOR, Role.COORDINATOR)


def _pool_labels() -> dict[str, str]:
    return {"tree_above_ground": _("Árboles, parte aérea"), "tree_below_ground": _("Árboles, raíces"),
            "crop_residues": _("Residuos de cultivo"), "soil_organic_carbon": _("Carbono orgánico del suelo (0–30 cm)")}


def _zone_labels() -> dict[str, str]:
    return {"tropical_wet": _("tropical húmeda"), "tropical_moist": _("tropical subhúmeda"),
            "tropical_dry": _("tropical seca"), "tropical_montane": _("tropical de montaña")}


def _tillage_labels() -> dict[str, str]:
    return {"full": _("labranza convencional"), "reduced": _("labranza reducida")}


def _label_pools(env: dict) -> dict:
    labels = _pool_labels()
    carbon = env.get("carbon") or {}
    for pool in carbon.get("pools", []):
        pool["label"] = labels.get(pool["name"], pool["name"])
    if carbon.get("climate_zone"):
        carbon["climate_zone_label"] = _zone_labels().get(carbon["climate_zone"], carbon["climate_zone"])
    if carbon.get("tillage"):
        carbon["tillage_label"] = _tillage_labels().get(carbon["tillage"], carbon["tillage"])
    return env


def _partial(request: HttpRequest) -> bool:
    return request.GET.get("partial") in ("1", "true")


def _year(request: HttpRequest) -> int:
    try:
        year = int(request.GET.get("anio", ""))
    except ValueError:
        return timezone.localdate().year
    return year if 1990 <= year <= timezone.localdate().year else timezone.localdate().year


def _plot(request: HttpRequest, pk: int):  # noqa: ANN202
    require_personal_data(request.user)
    return get_object_or_404(plots_for(request.user).select_related("family__locality__municipality"), pk=pk)


@login_required
@vary_on_headers("HX-Request")
def plot_environment(request: HttpRequest, pk: int) -> HttpResponse:
    plot = _plot(request, pk)
    year = _year(request)
    context = {"plot": plot, "env": _label_pools(services.plot_environment(plot, year)), "year": year,
               "years": services.year_choices(), "partial": _partial(request),
               "boundary_id": f"environs-boundary-{plot.pk}"}
    template = "environs/_plot_panel.html" if context["partial"] else "environs/plot.html"
    return render(request, template, context)


def _soil_map(request: HttpRequest, pk: int):  # noqa: ANN202
    from miaf.web.environs.raster import soil_loss_map
    from miaf.web.environs.records import load_records

    plot = _plot(request, pk)
    rec = load_records(plots_for(request.user).filter(pk=plot.pk))[plot.pk]
    try:
        return soil_loss_map(rec, _year(request), timezone.localdate())
    except ValueError as exc:
        raise Http404(str(exc)) from exc


@login_required
def plot_soil_loss_tif(request: HttpRequest, pk: int) -> HttpResponse:
    from miaf.web.environs.raster import geotiff_bytes

    res = _soil_map(request, pk)
    response = HttpResponse(geotiff_bytes(res), content_type="image/tiff")
    response["Content-Disposition"] = f'attachment; filename="perdida_suelo_parcela_{pk}.tif"'
    return response


@login_required
def plot_soil_loss_png(request: HttpRequest, pk: int) -> HttpResponse:
    png, _bounds = _soil_map(request, pk).map_overlay()
    return HttpResponse(png, content_type="image/png")


@login_required
def plot_soil_loss_bounds(request: HttpRequest, pk: int) -> JsonResponse:
    """Leaflet ``imageOverlay`` bounds of the PNG, its colour scale and the map's method."""
    from miaf.web.environs.raster import METHOD

    res = _soil_map(request, pk)
    _png, bounds = res.map_overlay()
    grid = res.soil_loss_grid
    year = _year(request)
    return JsonResponse({
        "bounds": bounds, "png": reverse("environs:plot_png", args=[pk]) + f"?anio={year}",
        "tif": reverse("environs:plot_tif", args=[pk]) + f"?anio={year}",
        "vmin": 0.0, "vmax": float(np.nanmax(grid)), "mean_t_ha_yr": res.soil_loss_t_ha_yr,
        "tolerable_t_ha_yr": res.tolerable_t_ha_yr, "cell_size_m": res.cell_size_m, "cells": res.cells,
        "method": METHOD, "unit": "t/ha/año",
    })


@login_required
@vary_on_headers("HX-Request")
def family_environment(request: HttpRequest, pk: int) -> HttpResponse:
    require_personal_data(request.user)
    family = get_object_or_404(families_for(request.user), pk=pk)
    year = _year(request)
    context = {"family": family, "env": services.family_environment(family, year), "year": year,
               "years": services.year_choices(), "partial": _partial(request)}
    template = "environs/_family_panel.html" if context["partial"] else "environs/family.html"
    return render(request, template, context)


@login_required
def programme_environment(request: HttpRequest) -> HttpResponse:
    """Programme aggregates, cached per data version; at programme scale built in the background (one
    closed-form RUSLE and carbon evaluation per plot: minutes for 100,000 plots) with the dashboard's
    mechanism (:func:`miaf.web.dashboard.builds.serve`): progress or the previous figures meanwhile."""
    from django.utils import timezone

    from miaf.web.accounts.scoping import role_of
    from miaf.web.dashboard import builds
    from miaf.web.dashboard import cache as dash_cache
    from miaf.web.dashboard.services import family_count
    from miaf.web.dashboard.views import STATUS_HEADER, status_reply

    year = _year(request)
    user = request.user
    scope, version = dash_cache.scope_key(user), dash_cache.data_version()
    large = family_count(user, scope, version) >= dash_cache.param("background_min_families")
    extra = f"{role_of(user)}:{year}:{timezone.localdate()}"
    served = builds.serve("environment", scope, extra, version, large,
                          lambda: services.programme_environment(user, year))
    context = {"env": served.value, "year": year, "years": services.year_choices(), "view": served,
               "status_url": request.get_full_path()}
    if request.headers.get(STATUS_HEADER):
        return status_reply(request, served.state, context)
    return render(request, "environs/programme.html", context)


@login_required
def layers(request: HttpRequest) -> HttpResponse:
    can_upload = role_of(request.user) in UPLOADERS
    form = LayerUploadForm()
    if request.method == "POST":
        if not can_upload:
            raise PermissionDenied(_("Sólo coordinación y administración pueden cargar capas."))
        form = LayerUploadForm(request.POST, request.FILES)
        if form.is_valid():
            d = form.cleaned_data
            try:
                layer = services.load_reference_layer(d["file"], d["name"], d["kind"], d["illustrative"], d["source"])
            except ValueError as exc:
                form.add_error("file", str(exc))
            else:
                messages.success(request, _("Capa «%(n)s» cargada.") % {"n": layer.name})
                return redirect("environs:layers")
    context = {"shares": services.layer_shares(request.user), "form": form, "can_upload": can_upload}
    return render(request, "environs/layers.html", context, status=400 if form.errors else 200)
