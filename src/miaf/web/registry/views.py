"""Registry pages: working groups, families (list, page, create, edit).

Every view: log-in required; querysets from :mod:`miaf.web.accounts.scoping` (another group's family is a
404); personal-data pages refuse analysts with a 403; forms only for roles that may edit.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, FloatField, IntegerField, OuterRef, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _
from django.views.decorators.vary import vary_on_headers

from miaf.geo import MEXICO_BBOX
from miaf.web.accounts.scoping import can_edit, families_for, groups_for, require_personal_data, scoped
from miaf.web.core.paging import CountedPaginator
from miaf.web.plots.models import Plot
from miaf.web.records.models import Harvest, LedgerEntry
from miaf.web.registry.forms import (
    FamilyCreateForm,
    FamilyForm,
    GroupFilterForm,
    MemberFormSet,
    ScopedFilterForm,
    attach_errors,
    save_family,
)
from miaf.web.registry.models import Family, Language, Member
from miaf.web.registry.queries import family_summary, sum_by, with_family_count
from miaf.web.registry.services import manages

PAGE_SIZE = 50
#: How many of a family's most recent harvests its page lists.
RECENT_HARVESTS = 20


# ---------------------------------------------------------------------------------------------- helpers


def is_partial(request: HttpRequest) -> bool:
    """An htmx request for the table only (not a history restore, which needs the whole page)."""
    return request.headers.get("HX-Request") == "true" and not request.headers.get("HX-History-Restore-Request")


def list_page(request: HttpRequest, qs, form, template: str, partial: str, rows=None, **extra) -> HttpResponse:  # noqa: ANN001
    """Paginate ``qs`` and render the whole page, or only the table for an htmx refresh.

    ``rows``, if given, builds the page's rows from a queryset of the page's records only: ``qs`` then only
    needs to order and filter. At scale the columns (subqueries per row, outlines) must not be computed for
    the thousands of rows an OFFSET skips (page 200 of the family list: 5 s, docs/benchmarks/load.md).
    """
    page = CountedPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    shown = page.object_list
    if rows is not None:
        ids = list(shown.values_list("pk", flat=True))
        order = {pk: i for i, pk in enumerate(ids)}
        shown = sorted(rows(qs.model.objects.filter(pk__in=ids)), key=lambda r: order[r.pk])
    context = {"form": form, "page": page, "rows": shown, "partial": partial, **extra}
    return render(request, partial if is_partial(request) else template, context)


def require_editor(user) -> None:  # noqa: ANN001
    if not can_edit(user):
        raise PermissionDenied("This role may not edit records.")


def map_fallback_bounds() -> list[list[float]]:
    lon_min, lat_min, lon_max, lat_max = MEXICO_BBOX
    return [[lat_min, lon_min], [lat_max, lon_max]]


def plot_features(plots) -> dict:  # noqa: ANN001
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": p.boundary,
                "properties": {"name": p.name, "url": reverse("plots:detail", args=[p.pk]), "system": p.system},
            }
            for p in plots
        ],
    }


# ---------------------------------------------------------------------------------------------- groups


@login_required
@vary_on_headers("HX-Request")
def group_list(request: HttpRequest) -> HttpResponse:
    """Working groups in reach, with counts only (safe for analysts: no family is named)."""
    form = GroupFilterForm(request.GET or None, user=request.user)
    current = {"family__memberships__group": OuterRef("pk"), "family__memberships__left_on__isnull": True}
    plots = Plot.objects.filter(**current)
    groups = with_family_count(form.apply(groups_for(request.user))).annotate(
        n_members=sum_by(Member.objects.filter(**current), "family__memberships__group", Count("pk"), IntegerField()),
        n_plots=sum_by(plots, "family__memberships__group", Count("pk"), IntegerField()),
        area_ha=sum_by(plots, "family__memberships__group", Sum("area_ha"), FloatField()),
    ).order_by("name")
    return list_page(request, groups, form, "registry/group_list.html", "registry/_group_table.html",
                     manages=manages(request.user))


# ---------------------------------------------------------------------------------------------- families


@login_required
@vary_on_headers("HX-Request")
def family_list(request: HttpRequest) -> HttpResponse:
    require_personal_data(request.user)
    form = ScopedFilterForm(request.GET or None, user=request.user)
    families = form.apply(families_for(request.user)).select_related(None).order_by("code")
    return list_page(request, families, form, "registry/family_list.html", "registry/_family_table.html",
                     rows=lambda page: family_summary(
                         page.select_related("locality__municipality").defer("locality__municipality__boundary")))


def ledger_by_month(family: Family) -> dict:
    """Income, expense and balance by month of the family's latest recorded year [MXN]."""
    entries = LedgerEntry.objects.filter(family=family)
    year = entries.order_by("-year").values_list("year", flat=True).first()
    if year is None:
        return {"year": None, "months": []}
    totals = {
        (row["month"], row["kind"]): row["total"]
        for row in entries.filter(year=year).values("month", "kind").annotate(total=Sum("amount_mxn"))
    }
    months = []
    for m in range(1, 13):
        income = totals.get((m, LedgerEntry.Kind.INCOME))
        expense = totals.get((m, LedgerEntry.Kind.EXPENSE))
        if income is None and expense is None:
            continue
        months.append({"month": MONTHS[m], "income": income or 0, "expense": expense or 0,
                       "balance": (income or 0) - (expense or 0)})
    income = sum(r["income"] for r in months)
    expense = sum(r["expense"] for r in months)
    return {"year": year, "months": months, "income": income, "expense": expense, "balance": income - expense}


@login_required
def family_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_personal_data(request.user)
    family = get_object_or_404(families_for(request.user), pk=pk)
    plots = list(family.plots.order_by("name"))
    harvests = (
        scoped(request.user, Harvest).filter(plot__family=family)
        .select_related("species", "plot").prefetch_related("destinations")[:RECENT_HARVESTS]
    )
    municipality = family.locality.municipality
    context = {
        "family": family,
        "members": family.members.order_by("id"),
        "memberships": family.memberships.select_related("group__producer_organisation", "group__locality")
        .order_by("-joined_on"),
        "plots": plots,
        "total_area_ha": sum(p.area_ha for p in plots),
        "harvests": harvests,
        "ledger": ledger_by_month(family),
        "language_choices": Language.choices,
        "map_data": {
            "plots": plot_features(plots),
            "context": municipality.boundary,
            "fallback": map_fallback_bounds(),
        },
    }
    return render(request, "registry/family_detail.html", context)


@login_required
def family_create(request: HttpRequest) -> HttpResponse:
    require_personal_data(request.user)
    require_editor(request.user)
    form = FamilyCreateForm(request.POST or None, user=request.user)
    members = MemberFormSet(request.POST or None, instance=form.instance, prefix="members")
    if request.method == "POST" and form.is_valid() and members.is_valid():
        try:
            family = save_family(form, members, request.user)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Familia %(code)s registrada.") % {"code": family.code})
            return redirect("registry:family_detail", pk=family.pk)
    return render(request, "registry/family_form.html", {"form": form, "members": members, "family": None})


@login_required
def family_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require_personal_data(request.user)
    family = get_object_or_404(families_for(request.user), pk=pk)
    require_editor(request.user)
    form = FamilyForm(request.POST or None, instance=family, user=request.user)
    members = MemberFormSet(request.POST or None, instance=family, prefix="members")
    if request.method == "POST" and form.is_valid() and members.is_valid():
        try:
            save_family(form, members, request.user)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Cambios guardados."))
            return redirect("registry:family_detail", pk=family.pk)
    return render(request, "registry/family_form.html", {"form": form, "members": members, "family": family})



# ---------------------------------------------------------------------------------------------- pickers


@login_required
def picker_options(request: HttpRequest, source: str) -> HttpResponse:
    """A picker's suggestions (registry/pickers.py): ``<option>``s of at most 20 rows of the user's scope
    matching ``q`` (or the picker's own parameter, its field's name)."""
    from miaf.web.registry.pickers import SOURCES, suggestions

    picker = SOURCES.get(source)
    if picker is None:
        raise Http404
    text = request.GET.get("q") or next((v for v in request.GET.values() if v), "")
    options = suggestions(picker, picker.scope(request.user), text[:160])
    return render(request, "registry/_picker_options.html", {"options": options})


@login_required
def group_options(request: HttpRequest) -> HttpResponse:
    """The group picker's suggestions at their first address (group names only, as every role's filters
    already show them)."""
    return picker_options(request, "grupos")
