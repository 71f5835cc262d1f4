"""Health check and the home page, which is the dashboard (:mod:`miaf.web.dashboard`)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.db.utils import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """``{"status": "ok", "database": "ok"}``, or 503 with the database error when it is unreachable."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        return JsonResponse({"status": "error", "database": "unreachable", "detail": str(exc)[:200]}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@login_required
@vary_on_headers("HX-Request")
def home(request: HttpRequest) -> HttpResponse:
    """A promoter's home is "Mi día" (her visits due, families not visited, trainings, quarantine); every other
    role's is the dashboard (coordinators: their organisation; analysts: aggregates, no personal data). The
    promoter's dashboard stays one menu entry away (``dashboard:dashboard``)."""
    from miaf.web.accounts.models import Role
    from miaf.web.accounts.scoping import role_of

    if role_of(request.user) == Role.PROMOTER and not request.headers.get("HX-Request"):
        from miaf.web.fieldwork.views import my_day

        return my_day(request)
    from miaf.web.dashboard.views import render_dashboard

    return render_dashboard(request, "core/home.html")
