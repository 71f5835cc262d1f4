"""Audit pages: a family's history and a user's activity, for coordinators (their organisation) and
administrators. Promoters and analysts get 403: the trail shows other people's actions and deleted data."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from miaf.web.accounts.scoping import families_for
from miaf.web.audit import queries
from miaf.web.registry.services import is_admin, manages, own_osc


def _require_auditor(user) -> None:  # noqa: ANN001
    if not manages(user):
        raise PermissionDenied("Coordinators and administrators only.")


def _limit(request: HttpRequest) -> int:
    """How many events to show: ``?n=`` (from the "ver más" link), PAGE by default, MAX_EVENTS at most."""
    raw = request.GET.get("n", "")
    n = int(raw) if raw.isdigit() else queries.PAGE
    return max(queries.PAGE, min(n, queries.MAX_EVENTS))


@login_required
def family_history(request: HttpRequest, pk: int) -> HttpResponse:
    _require_auditor(request.user)
    family = get_object_or_404(families_for(request.user), pk=pk)
    limit = _limit(request)
    events = queries.family_history(family.pk, limit)
    return render(request, "audit/family_history.html", {
        "family": family, "events": events, "more": limit + queries.PAGE if len(events) == limit and
        limit < queries.MAX_EVENTS else None})


def users_for(actor):  # noqa: ANN001, ANN201
    """Users whose activity ``actor`` may read: everyone for administrators, their organisation's staff for
    coordinators."""
    users = get_user_model().objects.select_related("profile")
    if is_admin(actor):
        return users
    osc = own_osc(actor)
    return users.filter(profile__organisation_id=osc) if osc else users.none()


@login_required
def user_activity(request: HttpRequest, pk: int) -> HttpResponse:
    _require_auditor(request.user)
    person = get_object_or_404(users_for(request.user), pk=pk)
    limit = _limit(request)
    events = queries.user_activity(person.pk, limit)
    return render(request, "audit/user_activity.html", {
        "person": person, "events": events, "limit": limit,
        "more": limit + queries.PAGE if len(events) == limit and limit < queries.MAX_EVENTS else None})
