"""Office pages of the registry: organisations, groups, localities, promoters' groups, moving a family.

Thin views: load within the user's reach (404 outside it), check the role (403), call one use case of
:mod:`miaf.web.registry.services`, show its refusal on the form.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from miaf.web.accounts.scoping import families_for, groups_for, organisations_for, require_personal_data
from miaf.web.registry import services
from miaf.web.registry.forms import attach_errors
from miaf.web.registry.forms_office import (
    GroupForm,
    LocalityForm,
    MoveFamilyForm,
    OrganisationForm,
    PromoterGroupsForm,
)
from miaf.web.registry.models import Locality
from miaf.web.registry.views import PAGE_SIZE, require_editor


def require_manager(user) -> None:  # noqa: ANN001
    if not services.manages(user):
        raise PermissionDenied("Coordinators and administrators only.")


def save_form(request: HttpRequest, form, use_case, success: str):  # noqa: ANN001, ANN201
    """Run ``use_case(user, instance)`` on a valid POSTed model form; the saved row, or None."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        obj = use_case(request.user, form.save(commit=False))
    except ValidationError as exc:
        attach_errors(form, exc)
        return None
    messages.success(request, success)
    return obj


# ---------------------------------------------------------------------------------------------- organisations


@login_required
def organisation_list(request: HttpRequest) -> HttpResponse:
    require_manager(request.user)
    rows = organisations_for(request.user).select_related("accompanied_by").annotate(
        n_groups=Count("groups", distinct=True)).order_by("kind", "name")
    for org in rows:
        org.editable = services.can_change_organisation(request.user, org)
    return render(request, "registry/organisation_list.html", {"rows": rows})


@login_required
def organisation_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    require_manager(request.user)
    org = None
    if pk is not None:
        org = get_object_or_404(organisations_for(request.user), pk=pk)
        if not services.can_change_organisation(request.user, org):
            raise PermissionDenied("Not an organisation this user accompanies.")
    form = OrganisationForm(request.POST or None, instance=org, user=request.user)
    if save_form(request, form, services.save_organisation, _("Organización guardada.")):
        return redirect("registry:organisation_list")
    return render(request, "registry/office_form.html", {
        "form": form, "title": _("Editar organización") if org else _("Registrar organización"),
        "back": "registry:organisation_list", "back_label": _("Organizaciones")})


# ---------------------------------------------------------------------------------------------- groups


@login_required
def group_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    require_manager(request.user)
    group = None
    if pk is not None:
        group = get_object_or_404(groups_for(request.user), pk=pk)
        if not services.can_change_group(request.user, group):
            raise PermissionDenied("Not a group of an organisation this user accompanies.")
    form = GroupForm(request.POST or None, instance=group, user=request.user)
    if save_form(request, form, services.save_group, _("Grupo guardado.")):
        return redirect("registry:group_list")
    return render(request, "registry/office_form.html", {
        "form": form, "title": _("Editar grupo") if group else _("Registrar grupo"),
        "back": "registry:group_list", "back_label": _("Grupos")})


# ---------------------------------------------------------------------------------------------- localities


@login_required
def locality_list(request: HttpRequest) -> HttpResponse:
    require_editor(request.user)
    text = (request.GET.get("q") or "").strip()
    rows = Locality.objects.select_related("municipality").order_by("municipality__name", "name")
    if text:
        rows = rows.filter(Q(name__icontains=text) | Q(municipality__name__icontains=text))
    return render(request, "registry/locality_list.html", {
        "rows": rows[:PAGE_SIZE], "q": text, "more": rows.count() > PAGE_SIZE,
        "can_change": services.can_change_locality(request.user)})


@login_required
def locality_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    require_editor(request.user)
    locality = None
    if pk is not None:
        locality = get_object_or_404(Locality, pk=pk)
        if not services.can_change_locality(request.user):
            raise PermissionDenied("Only coordinators and administrators change a locality.")
    form = LocalityForm(request.POST or None, instance=locality, user=request.user)
    if save_form(request, form, services.save_locality, _("Localidad guardada.")):
        return redirect("registry:locality_list")
    return render(request, "registry/office_form.html", {
        "form": form, "title": _("Editar localidad") if locality else _("Registrar localidad"),
        "back": "registry:locality_list", "back_label": _("Localidades")})


# ---------------------------------------------------------------------------------------------- promoters


@login_required
def promoter_list(request: HttpRequest) -> HttpResponse:
    require_manager(request.user)
    rows = services.promoters_for(request.user).order_by("user__username")
    return render(request, "registry/promoter_list.html", {"rows": rows})


@login_required
def promoter_groups(request: HttpRequest, pk: int) -> HttpResponse:
    require_manager(request.user)
    profile = get_object_or_404(services.promoters_for(request.user), pk=pk)
    form = PromoterGroupsForm(request.POST or None, user=request.user, profile=profile)
    if request.method == "POST" and form.is_valid():
        try:
            services.assign_promoter(request.user, profile, form.cleaned_data["groups"])
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Grupos de %(name)s guardados.") % {"name": profile.user.get_username()})
            return redirect("registry:promoter_list")
    return render(request, "registry/office_form.html", {
        "form": form, "title": _("Grupos de %(name)s") % {"name": profile.user.get_full_name() or profile.user.get_username()},
        "back": "registry:promoter_list", "back_label": _("Promotoras y promotores")})


# ---------------------------------------------------------------------------------------------- families


@login_required
def family_move(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a family's working group (through :func:`services.move_family`, the one rule)."""
    require_personal_data(request.user)
    family = get_object_or_404(families_for(request.user), pk=pk)
    require_editor(request.user)
    current = family.current_membership
    form = MoveFamilyForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.move_family(request.user, family, form.cleaned_data["group"], form.cleaned_data["joined_on"])
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("La familia %(code)s pasó al grupo %(group)s.") % {
                "code": family.code, "group": form.cleaned_data["group"].name})
            if families_for(request.user).filter(pk=family.pk).exists():
                return redirect("registry:family_detail", pk=family.pk)
            return redirect("registry:family_list")
    return render(request, "registry/office_form.html", {
        "form": form, "title": _("Cambiar de grupo: %(code)s") % {"code": family.code},
        "intro": _("Grupo actual: %(group)s, desde el %(since)s.") % {
            "group": current.group.name, "since": date_format(current.joined_on)} if current else "",
        "back_url": family.pk, "back": "registry:family_detail", "back_label": family.code})
