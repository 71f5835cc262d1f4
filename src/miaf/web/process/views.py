"""Process pages: the board, a group's 12 steps and timeline, the step, commitment and family forms.

Views are thin: scope from :mod:`miaf.web.accounts.scoping` (another group is a 404), analysts refused
(403: the board names groups and promoters and the group page shows families), one use case per POST.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from miaf.web.accounts.scoping import can_edit, families_for, groups_for, require_personal_data
from miaf.web.process import queries, services
from miaf.web.process.forms import (
    BoardFilterForm,
    CommitmentForm,
    EvidenceForm,
    IdeaForm,
    InventoryForm,
    StepForm,
    TickForm,
    apply_errors,
)
from miaf.web.process.models import CLOSED, Commitment, ProjectIdea, ResourceInventory, Scope, StepRecord
from miaf.web.registry.models import Member


def _group(request: HttpRequest, pk: int):  # noqa: ANN202
    require_personal_data(request.user)
    return get_object_or_404(groups_for(request.user), pk=pk)


def _stage(group, number: int):  # noqa: ANN001, ANN202
    try:
        return services.stage_of(group, number)
    except ValidationError:
        raise Http404 from None


def _int(value: str | None, default: int = 1) -> int:
    try:
        return max(1, int(value or default))
    except ValueError:
        return default


@login_required
def board(request: HttpRequest) -> HttpResponse:
    require_personal_data(request.user)
    form = BoardFilterForm(request.GET or None, request.user)
    result = queries.board_rows(
        request.user, organisation=form.value("organisation"), municipality=form.value("municipality"),
        promoter=form.value("promoter"), overdue_only=bool(form.value("overdue")), page=request.GET.get("page"),
    )
    names = queries.global_stage_names()
    per_step = [(n, names[n], result.per_step.get(n, 0)) for n in sorted(names)]
    return render(request, "process/board.html", {"form": form, "board": result, "page": result.page,
                                                   "per_step": per_step})


@login_required
def group_detail(request: HttpRequest, pk: int) -> HttpResponse:
    group = _group(request, pk)
    page = _int(request.GET.get("page"))
    timeline, has_next = queries.group_timeline(group, page=page)
    return render(request, "process/group.html", {
        "group": group, "steps": queries.group_steps(group), "timeline": timeline, "tl_page": page,
        "tl_next": has_next, "commitments": Commitment.objects.filter(group=group).prefetch_related("signatories"),
        "can_edit": can_edit(request.user), "today": timezone.localdate(),
    })


@login_required
def step(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    group = _group(request, pk)
    stage = _stage(group, number)
    record = StepRecord.objects.filter(group=group, family__isnull=True, stage=stage).first()
    families = families_for(request.user).filter(memberships__group=group, memberships__left_on__isnull=True)
    individual = stage.scope == Scope.FAMILY
    form = StepForm(request.POST or None, families=families, individual=individual)
    tick_form = TickForm(request.POST or None)
    evidence_form = EvidenceForm()
    if request.method == "POST":
        if not can_edit(request.user):
            raise PermissionDenied
        if form.is_valid():
            d = form.cleaned_data
            try:
                family = d.get("family")
                if d["action"] == "start":
                    services.start_step(request.user, group, number, d["on"], family=family, due_on=d["due_on"],
                                        notes=d["notes"])
                else:
                    services.complete_step(request.user, group, number, d["on"], family=family,
                                           reason=d["out_of_order_reason"], notes=d["notes"], skip=d["action"] == "skip")
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Paso %(n)s actualizado.") % {"n": number})
                return redirect("process:group", pk=group.pk)
    items = next((v.items for v in queries.group_steps(group) if v.stage.pk == stage.pk), [])
    return render(request, "process/step.html", {
        "group": group, "stage": stage, "record": record, "form": form, "tick_form": tick_form, "items": items,
        "closed": bool(record and record.status in CLOSED and not individual),
        "evidence_form": evidence_form, "can_edit": can_edit(request.user),
        "evidence": record.evidence.all() if record else [], "events": record.events.select_related("by") if record else [],
    })


@login_required
def tick(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    group = _group(request, pk)
    stage = _stage(group, number)
    form = TickForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        item = get_object_or_404(stage.checklist, pk=form.cleaned_data["item"])
        try:
            with_record = _record(request, group, number)
            services.tick_checklist(request.user, with_record, item, form.cleaned_data["done"], timezone.localdate())
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Lista de verificación actualizada."))
    return redirect("process:step", pk=group.pk, number=number)


def _record(request: HttpRequest, group, number: int) -> StepRecord:  # noqa: ANN001
    """The group's record of the step; a tick or evidence on a step not started yet starts it today."""
    record = StepRecord.objects.filter(group=group, family__isnull=True, stage__number=number,
                                       stage__in=services.stages_for(services.accompanying_id(group))).first()
    if record is None:
        record = services.start_step(request.user, group, number, timezone.localdate())
    return record


#: Bytes of multipart framing and form fields allowed beyond the file itself.
UPLOAD_SLACK = 64 * 1024


@login_required
def evidence(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    group = _group(request, pk)
    _stage(group, number)
    if request.method != "POST":
        return redirect("process:step", pk=group.pk, number=number)
    limit = services.evidence_max_bytes()
    # Refuse an oversize upload from its declared length, before Django reads the body.
    if int(request.META.get("CONTENT_LENGTH") or 0) > limit + UPLOAD_SLACK:
        messages.error(request, _("El archivo pesa más de %(max).1f MB, el máximo permitido.") % {"max": limit / 1e6})
        return redirect("process:step", pk=group.pk, number=number)
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_evidence(request.user, _record(request, group, number), form.cleaned_data["kind"],
                                  form.cleaned_data["note"], form.cleaned_data.get("file"))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Evidencia guardada."))
    else:
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect("process:step", pk=group.pk, number=number)


@login_required
def commitment(request: HttpRequest, pk: int) -> HttpResponse:
    group = _group(request, pk)
    members = Member.objects.filter(family__in=families_for(request.user), family__memberships__group=group,
                                    family__memberships__left_on__isnull=True).select_related("family").order_by("family__code", "pk")
    form = CommitmentForm(request.POST or None, members=members)
    if request.method == "POST":
        if not can_edit(request.user):
            raise PermissionDenied
        if form.is_valid():
            d = form.cleaned_data
            try:
                if d["advance"]:
                    services.advance_group(request.user, group, 6, d["signed_on"], reason=d["out_of_order_reason"],
                                           commitment={"terms": d["terms"], "signatories": list(d["signatories"]),
                                                       "signed_on": d["signed_on"]})
                else:
                    services.record_commitment(request.user, group, d["signed_on"], d["terms"], list(d["signatories"]))
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Compromiso registrado."))
                return redirect("process:group", pk=group.pk)
    return render(request, "process/commitment.html", {"group": group, "form": form})


@login_required
def family(request: HttpRequest, pk: int) -> HttpResponse:
    require_personal_data(request.user)
    fam = get_object_or_404(families_for(request.user), pk=pk)
    which = request.POST.get("form") if request.method == "POST" else None
    inv_form = InventoryForm(request.POST if which == "inventory" else None, prefix="inv")
    idea_form = IdeaForm(request.POST if which == "idea" else None, prefix="idea")
    if which and not can_edit(request.user):
        raise PermissionDenied
    for name, form, use_case in (("inventory", inv_form, services.record_inventory), ("idea", idea_form, services.record_idea)):
        if which == name and form.is_valid():
            try:
                use_case(request.user, fam, dict(form.cleaned_data))
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Guardado."))
                return redirect("process:family", pk=fam.pk)
    return render(request, "process/family.html", {
        "family": fam, "inv_form": inv_form, "idea_form": idea_form, "can_edit": can_edit(request.user),
        "inventories": ResourceInventory.objects.filter(family=fam).order_by("-surveyed_on", "-pk"),
        "ideas": ProjectIdea.objects.filter(family=fam).select_related("species").order_by("-chosen", "rank"),
        "resources": queries.family_resources(fam),
        "steps": StepRecord.objects.filter(family=fam).select_related("stage").order_by("stage__order"),
    })
