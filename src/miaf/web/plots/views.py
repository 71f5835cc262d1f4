"""Plot pages: list, page with its map and history, create/edit (Geoman drawing or file), conversion."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.vary import vary_on_headers

from miaf.web.accounts.scoping import families_for, plots_for, require_personal_data
from miaf.web.plots.forms import ConvertForm, PlotCreateForm, PlotFilterForm, PlotForm
from miaf.web.plots.services import convert_plot, register_plot
from miaf.web.registry.views import list_page, map_fallback_bounds, plot_features, require_editor


def _plot(request: HttpRequest, pk: int):  # noqa: ANN202
    """The plot if the user may see it (analysts: 403; outside the user's groups: 404)."""
    require_personal_data(request.user)
    return get_object_or_404(plots_for(request.user).select_related("family__locality__municipality"), pk=pk)


def _map_data(plot=None, family=None) -> dict:  # noqa: ANN001
    """The plot (editable on forms), with the family's other plots and its municipality for context."""
    family = family or (plot.family if plot is not None else None)
    locality = family.locality if family is not None else None
    others = family.plots.exclude(pk=plot.pk if plot is not None else None) if family is not None else []
    return {
        "plots": plot_features([plot] if plot is not None and plot.boundary else []),
        "neighbours": plot_features(others),
        "context": locality.municipality.boundary if locality is not None else None,
        "center": [locality.latitude, locality.longitude] if locality and locality.latitude is not None else None,
        "fallback": map_fallback_bounds(),
    }


@login_required
@vary_on_headers("HX-Request")
def plot_list(request: HttpRequest) -> HttpResponse:
    require_personal_data(request.user)
    form = PlotFilterForm(request.GET or None, user=request.user)
    plots = form.apply(plots_for(request.user)).select_related(None).order_by("family__code", "name", "pk")
    return list_page(request, plots, form, "plots/plot_list.html", "plots/_plot_table.html",
                     rows=lambda page: page.select_related("family__locality__municipality")
                     .defer("family__locality__municipality__boundary"))


@login_required
def plot_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plot = _plot(request, pk)
    context = {
        "plot": plot,
        "phases": plot.phases.order_by("started_on"),
        "plantings": plot.plantings.select_related("species").order_by("-planted_on"),
        "harvests": plot.harvests.select_related("species").prefetch_related("destinations").order_by("-harvested_on"),
        "map_data": _map_data(plot),
    }
    return render(request, "plots/plot_detail.html", context)


@login_required
def plot_create(request: HttpRequest) -> HttpResponse:
    require_personal_data(request.user)
    require_editor(request.user)
    family = families_for(request.user).filter(pk=request.GET.get("familia") or None).first()
    form = PlotCreateForm(request.POST or None, request.FILES or None, user=request.user,
                          initial={"family": family})
    if request.method == "POST" and form.is_valid():
        plot = form.save(commit=False)
        plot.created_by = request.user
        try:
            register_plot(plot, since=form.cleaned_data["since"], actor=request.user)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("Parcela registrada."))
            return redirect("plots:detail", pk=plot.pk)
    context = {"form": form, "plot": None, "map_data": _map_data(None, family)}
    return render(request, "plots/plot_form.html", context)


@login_required
def plot_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plot = _plot(request, pk)
    require_editor(request.user)
    form = PlotForm(request.POST or None, request.FILES or None, instance=plot, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Cambios guardados."))
        return redirect("plots:detail", pk=plot.pk)
    context = {"form": form, "plot": plot, "map_data": _map_data(plot)}
    return render(request, "plots/plot_form.html", context)


@login_required
def plot_convert(request: HttpRequest, pk: int) -> HttpResponse:
    plot = _plot(request, pk)
    require_editor(request.user)
    form = ConvertForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            convert_plot(plot, data["system"], data["on"], notes=data["notes"], actor=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Sistema de la parcela actualizado."))
            return redirect("plots:detail", pk=plot.pk)
    return render(request, "plots/plot_convert.html", {"form": form, "plot": plot})
