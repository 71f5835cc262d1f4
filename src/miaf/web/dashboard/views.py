"""Dashboard and family sheet views: load, check the role, call one service, render.

The dashboard answers every role (analysts see aggregates and a municipality map only). A request from
htmx (``HX-Request``) gets the panel alone (figures, charts and map swapped together); without
JavaScript the filter form is a plain GET and the whole page comes back.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.vary import vary_on_headers

from miaf.web.accounts.scoping import can_see_personal_data, families_for, require_personal_data

from .services import dashboard_view


def _is_htmx(request: HttpRequest) -> bool:
    return bool(request.headers.get("HX-Request")) and not request.headers.get("HX-History-Restore-Request")


STATUS_HEADER = "X-Dashboard-Status"


def render_dashboard(request: HttpRequest, template: str) -> HttpResponse:
    """The dashboard page (``template``) or, for htmx, its panel.

    At programme scale the results may be stale or not there yet (:mod:`miaf.web.dashboard.builds`): the
    panel then carries a status line that polls with ``X-Dashboard-Status``; that request gets the status
    line again while the build runs, and the fresh panel (or, after a first build, a full reload that also
    fills the filter choices) once it is done.
    """
    personal = can_see_personal_data(request.user)
    view = dashboard_view(request.user, request.GET, personal)
    context = {"form": view.form, "data": view.data, "view": view, "personal": personal, "action": request.path,
               "status_url": request.get_full_path()}
    if request.headers.get(STATUS_HEADER):
        return status_reply(request, view.state, context, "dashboard/_panel.html")
    return render(request, "dashboard/_panel.html" if _is_htmx(request) else template, context)


def status_reply(request: HttpRequest, state: str, context: dict, panel: str | None = None) -> HttpResponse:
    """Answer to the status line's poll (``X-Dashboard-Status``) of a page built in the background: the
    status line again while ``state`` is not "fresh"; then the fresh ``panel`` swapped in place of
    ``#dashboard-panel`` (stale before), or a full reload (pending before, or no ``panel``)."""
    if state != "fresh":
        return render(request, "dashboard/_status.html", context)
    if panel is None or request.headers.get(STATUS_HEADER) == "pending":
        response = HttpResponse("")  # htmx reads HX-Refresh before swapping anything
        response["HX-Refresh"] = "true"
        return response
    response = render(request, panel, context)
    response["HX-Retarget"] = "#dashboard-panel"
    response["HX-Reswap"] = "outerHTML"
    return response


@login_required
@vary_on_headers("HX-Request", STATUS_HEADER)
def dashboard(request: HttpRequest) -> HttpResponse:
    return render_dashboard(request, "dashboard/page.html")


@login_required
def family_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    from .sheet import family_sheet as build

    require_personal_data(request.user)
    family = get_object_or_404(families_for(request.user), pk=pk)
    return render(request, "dashboard/family_sheet.html", {"family": family, "sheet": build(family), "pdf": False})


@login_required
def family_sheet_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    from .sheet import family_sheet as build
    from .sheet import sheet_pdf

    require_personal_data(request.user)
    family = get_object_or_404(families_for(request.user), pk=pk)
    pdf = sheet_pdf(request, family, build(family, svg=True))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="hoja-{family.code}.pdf"'
    return response
