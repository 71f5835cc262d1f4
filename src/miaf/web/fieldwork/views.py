"""Fieldwork pages: "Mi día", the calendar, visits and planned visits, trainings with attendance, promoters.

Every view: log-in required; rows from :mod:`miaf.web.accounts.scoping` (another group's family is a 404);
analysts get a 403 (these pages show personal data); writes go through one use case of :mod:`.services`.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from miaf.web.accounts.models import Role
from miaf.web.accounts.scoping import (
    can_edit,
    families_for,
    groups_for,
    require_personal_data,
    role_of,
    scoped,
)
from miaf.web.fieldwork import queries, services
from miaf.web.fieldwork.forms import (
    MeasurementFormSet,
    PlanForm,
    StaffTrainingForm,
    TrainingForm,
    VisitForm,
    apply_errors,
)
from miaf.web.fieldwork.models import StaffTraining, TrainingEvent, Visit, VisitPlan
from miaf.web.registry.models import Member

#: The attendance form lists at most this many members (an event should invite groups, not a whole programme).
ATTENDANCE_LIMIT = 600
#: Items a calendar day lists before "and n more".
PER_DAY = 8


def _editor(user) -> None:  # noqa: ANN001
    if not can_edit(user):
        raise PermissionDenied(_("Su rol no permite registrar trabajo de campo."))


def _office(user) -> None:  # noqa: ANN001
    require_personal_data(user)
    if role_of(user) not in (Role.ADMINISTRATOR, Role.COORDINATOR):
        raise PermissionDenied(_("Solo coordinación y administración ven esta página."))


def _int(value: str | None, default: int, low: int, high: int) -> int:
    try:
        return min(max(int(value or default), low), high)
    except (TypeError, ValueError):
        return default


def _subject(request: HttpRequest):  # noqa: ANN202
    """Whose day or calendar: a promoter sees her own; coordinators and admins may pick a promoter."""
    user = request.user
    if role_of(user) == Role.PROMOTER:
        return user, []
    promoters = list(queries.promoters_for(user))
    name = request.GET.get("promotor")
    chosen = next((p for p in promoters if p.username == name), None)
    return chosen, promoters


# ---------------------------------------------------------------------------------------------- Mi día


@login_required
def my_day(request: HttpRequest) -> HttpResponse:
    require_personal_data(request.user)
    subject, promoters = _subject(request)
    weeks = _int(request.GET.get("semanas"), 8, 1, 104)
    day = queries.my_day(request.user, subject or request.user, weeks=weeks)
    return render(request, "fieldwork/my_day.html", {
        "day": day, "promoters": promoters, "chosen": subject, "weeks": weeks, "limits": {
            "due": queries.DUE_LIMIT, "not_visited": queries.NOT_VISITED_LIMIT}})


# ---------------------------------------------------------------------------------------------- calendar


@login_required
def calendar(request: HttpRequest) -> HttpResponse:
    require_personal_data(request.user)
    today = timezone.localdate()
    try:
        first = dt.date.fromisoformat((request.GET.get("mes") or "") + "-01")
    except ValueError:
        first = today.replace(day=1)
    subject, promoters = _subject(request)
    if role_of(request.user) == Role.PROMOTER and request.GET.get("todos") == "1":
        subject = None
    # Names only: a group row selects its municipality, whose boundary is a large JSON document.
    groups = list(groups_for(request.user).order_by("name").values("pk", "name"))
    group = next((g["pk"] for g in groups if str(g["pk"]) == request.GET.get("grupo")), None)
    # A whole organisation's month (tens of thousands of plans at programme scale) is shown as counts per day;
    # the families are listed once a promoter or a group is chosen.
    lists = role_of(request.user) == Role.PROMOTER or subject is not None or group is not None
    month = queries.month_calendar(request.user, first, promoter=subject, group=group, lists=lists)
    rows = []
    for week in month.weeks:
        cells = []
        for day in week:
            if day is None:
                cells.append({"day": None})
                continue
            found = month.days.get(day, {})
            items, room = {}, PER_DAY
            for kind in ("plans", "visits", "trainings"):
                items[kind] = found.get(kind, [])[:room]
                room -= len(items[kind])
            counts = month.per_day.get(day, {})
            hidden = sum(counts.values()) - sum(len(v) for v in items.values())
            cells.append({"day": day, "items": items if any(items.values()) else None, "counts": sum(counts.values()),
                          "per": counts, "hidden": hidden})
        rows.append(cells)
    weekdays = [date_format(dt.date(2024, 1, 1) + dt.timedelta(days=i), "D") for i in range(7)]
    return render(request, "fieldwork/calendar.html", {
        "month": month, "today": today, "rows": rows, "weekdays": weekdays, "promoters": promoters, "chosen": subject, "groups": groups,
        "group": group, "limit": queries.CALENDAR_LIMIT, "lists": lists,
        "filters": "&".join(f"{k}={v}" for k, v in (("promotor", getattr(subject, "username", "")),
                                                    ("grupo", group or "")) if v),
    })


# ---------------------------------------------------------------------------------------------- visits


@login_required
def visit_new(request: HttpRequest, family_pk: int) -> HttpResponse:
    require_personal_data(request.user)
    _editor(request.user)
    family = get_object_or_404(families_for(request.user), pk=family_pk)
    plan = None
    if request.GET.get("plan") or request.POST.get("plan"):
        plan = get_object_or_404(scoped(request.user, VisitPlan).filter(family=family, status=VisitPlan.Status.PLANNED),
                                 pk=_int(request.GET.get("plan") or request.POST.get("plan"), 0, 0, 2**62))
    initial = {"visited_on": timezone.localdate()}
    if plan is not None:
        initial.update(plot=plan.plot_id, step=plan.step)
    form = VisitForm(request.POST or None, family=family, initial=initial)
    trees = MeasurementFormSet(request.POST or None, prefix="arboles")
    if request.method == "POST" and form.is_valid() and trees.is_valid():
        visit = form.save(commit=False)
        visit.family = family
        items = [{k: v for k, v in f.cleaned_data.items()} for f in trees if f.cleaned_data.get("species")]
        try:
            visit = services.record_visit(request.user, visit, items, plan=plan)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Visita registrada."))
            return redirect("fieldwork:visit_detail", visit.pk)
    return render(request, "fieldwork/visit_form.html", {"form": form, "trees": trees, "family": family, "plan": plan})


@login_required
def visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_personal_data(request.user)
    qs = scoped(request.user, Visit).select_related("family", "plot", "promoter")
    visit = get_object_or_404(qs, pk=pk)
    return render(request, "fieldwork/visit_detail.html", {
        "visit": visit, "measurements": visit.measurements.select_related("species"),
        "closed_plans": visit.closed_plans.all(),
        "next_plans": VisitPlan.objects.filter(family=visit.family, status=VisitPlan.Status.PLANNED).order_by("due_on")[:5],
    })


@login_required
def plan_new(request: HttpRequest, family_pk: int) -> HttpResponse:
    require_personal_data(request.user)
    _editor(request.user)
    family = get_object_or_404(families_for(request.user), pk=family_pk)
    form = PlanForm(request.POST or None, family=family, user=request.user)
    if request.method == "POST" and form.is_valid():
        plan = form.save(commit=False)
        plan.family = family
        try:
            services.plan_visit(request.user, plan)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Visita agendada para el %(day)s.") % {"day": plan.due_on.strftime("%d/%m/%Y")})
            return redirect("fieldwork:my_day")
    return render(request, "fieldwork/plan_form.html", {"form": form, "family": family})


@login_required
@require_POST
def plan_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    require_personal_data(request.user)
    _editor(request.user)
    plan = get_object_or_404(scoped(request.user, VisitPlan), pk=pk)
    try:
        services.cancel_plan(request.user, plan, request.POST.get("reason", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Visita planeada cancelada."))
    return redirect("fieldwork:my_day")


# ---------------------------------------------------------------------------------------------- trainings


@login_required
def training_list(request: HttpRequest) -> HttpResponse:
    require_personal_data(request.user)
    qs = queries.trainings_for(request.user).select_related("group", "organisation").order_by("-held_on", "-pk")
    kind = request.GET.get("tipo")
    if kind in TrainingEvent.Kind.values:
        qs = qs.filter(kind=kind)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "fieldwork/training_list.html", {"page": page, "kind": kind, "kinds": TrainingEvent.Kind.choices})


@login_required
def training_new(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    require_personal_data(request.user)
    _editor(request.user)
    event = None
    if pk is not None:  # editing: only an event within reach
        event = get_object_or_404(queries.trainings_for(request.user), pk=pk)
    initial = {"held_on": timezone.localdate(), "kind": request.GET.get("tipo") or TrainingEvent.Kind.TRAINING}
    form = TrainingForm(request.POST or None, user=request.user, instance=event, initial=None if event else initial)
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        try:
            services.record_training(request.user, saved, invited=form.cleaned_data["groups"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Evento guardado.") if event else _("Evento registrado. Ahora marque la asistencia."))
            return redirect("fieldwork:training_detail", saved.pk)
    return render(request, "fieldwork/training_form.html", {"form": form, "event": event})


@login_required
def training_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_personal_data(request.user)
    event = get_object_or_404(queries.trainings_for(request.user).select_related("group", "organisation", "locality"), pk=pk)
    eligible = services.eligible_families(event).filter(pk__in=families_for(request.user).values("pk"))
    members = list(Member.objects.filter(family__in=eligible).select_related("family")
                   .order_by("family__code", "pk")[: ATTENDANCE_LIMIT + 1])
    truncated = len(members) > ATTENDANCE_LIMIT
    members = members[:ATTENDANCE_LIMIT]
    attending = set(event.attendance.exclude(member=None).values_list("member_id", flat=True))
    error = None
    if request.method == "POST":
        _editor(request.user)
        chosen = {int(x) for x in request.POST.getlist("member") if x.isdigit()}
        # Every ticked person goes to the use case, also one the page did not offer: it names whom it refuses.
        people = Member.objects.filter(pk__in=chosen).values_list("family_id", "pk")
        try:
            services.set_attendance(request.user, event, [services.Attendee(f, m) for f, m in people])
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("Asistencia guardada: %(n)s personas.") % {"n": len(chosen)})
            return redirect("fieldwork:training_detail", event.pk)
    year = timezone.localdate().year
    rows = [{"member": m, "age": (year - m.birth_year) if m.birth_year else None, "checked": m.pk in attending}
            for m in members]
    return render(request, "fieldwork/training_detail.html", {
        "event": event, "rows": rows, "truncated": truncated, "error": error, "invited": event.groups.all(),
        "attendance_count": event.attendance.count(), "can_edit": can_edit(request.user),
    })


# ---------------------------------------------------------------------------------------------- promoters


@login_required
def promoters(request: HttpRequest) -> HttpResponse:
    _office(request.user)
    org_id = request.user.profile.organisation_id if role_of(request.user) == Role.COORDINATOR else None
    if org_id is None and role_of(request.user) == Role.ADMINISTRATOR:
        org_id = getattr(getattr(request.user, "profile", None), "organisation_id", None)
    form = StaffTrainingForm(request.POST or None, organisation_id=org_id)
    if request.method == "POST":
        if org_id is None:
            form.add_error(None, _("Su cuenta no tiene organización acompañante: no puede registrar capacitaciones del equipo."))
        elif form.is_valid():
            training = StaffTraining(organisation_id=org_id, **{k: v for k, v in form.cleaned_data.items()
                                                                if k != "attendees"})
            try:
                services.record_staff_training(request.user, training, form.cleaned_data["attendees"])
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Capacitación del equipo registrada."))
                return redirect("fieldwork:promoters")
    trainings, n_trainings = queries.staff_trainings(request.user)
    return render(request, "fieldwork/promoters.html", {
        "caseloads": queries.caseloads(request.user), "trainings": trainings, "n_trainings": n_trainings,
        "form": form, "can_record": org_id is not None,
    })
