"""Economics pages: a plot's cash flow with uncertainty bands; a family's calendar and side-selling.

Thin views: scope the object to the user (analysts 403: incomes are personal data; outside the user's
reach 404), call :mod:`miaf.web.economy.pages`, render. ``?partial=1`` returns only the panel, for the
plot and family pages to embed with ``hx-get``.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.vary import vary_on_headers

from miaf.web.accounts.scoping import families_for, plots_for, require_personal_data
from miaf.web.economy.pages import family_page, plot_page


def _partial(request: HttpRequest) -> bool:
    return request.GET.get("partial") in ("1", "true")


def _number(request: HttpRequest, name: str, low: float, high: float) -> float | None:
    """An optional what-if number from the query string, ignored when not a number in [low, high]."""
    try:
        x = float(request.GET.get(name, ""))
    except ValueError:
        return None
    return x if low <= x <= high else None


@login_required
@vary_on_headers("HX-Request")
def plot_economics(request: HttpRequest, pk: int) -> HttpResponse:
    require_personal_data(request.user)
    plot = get_object_or_404(plots_for(request.user).select_related("family"), pk=pk)
    context = {"plot": plot, "page": plot_page(plot), "partial": _partial(request),
               "cashflow_id": f"econ-cashflow-{plot.pk}", "monthly_id": f"econ-monthly-{plot.pk}"}
    template = "economy/_plot_panel.html" if context["partial"] else "economy/plot.html"
    return render(request, template, context)


@login_required
@vary_on_headers("HX-Request")
def family_economics(request: HttpRequest, pk: int) -> HttpResponse:
    require_personal_data(request.user)
    family = get_object_or_404(families_for(request.user), pk=pk)
    try:
        year = int(request.GET.get("anio", ""))
    except ValueError:
        year = None
    advance = _number(request, "anticipo", 0, 100)
    page = family_page(family, year=year, advance_share=None if advance is None else advance / 100,
                       delay_months=_number(request, "plazo", 0, 24))
    context = {"family": family, "page": page, "partial": _partial(request),
               "calendar_id": f"econ-calendar-{family.pk}"}
    template = "economy/_family_panel.html" if context["partial"] else "economy/family.html"
    return render(request, template, context)
