"""Pages to record production and household data from a phone: thin views over the records services.

Each view loads the family or record within the user's scope (another group's family is a 404), refuses
roles without personal data (analysts: 403) or edit rights, calls one use case and renders. A refusal of
the service is shown next to the field it names.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db.models import Count, Model
from django.forms import BaseForm, BaseFormSet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from miaf.web.accounts.scoping import can_edit, families_for, require_personal_data, scoped
from miaf.web.records import services
from miaf.web.records.forms import (
    DestinationFormSet,
    HarvestForm,
    InputPurchaseForm,
    LabourForm,
    LedgerLineFormSet,
    MonthForm,
    PlantingForm,
)
from miaf.web.records.models import Harvest, InputPurchase, LabourLog, LedgerEntry, Planting

RECENT = 10


def _family(request: HttpRequest, pk: int, write: bool = False) -> Any:
    require_personal_data(request.user)
    family = get_object_or_404(families_for(request.user), pk=pk)
    if write and not can_edit(request.user):
        raise PermissionDenied(_("Su rol no permite registrar datos."))
    return family


def _record(request: HttpRequest, model: type[Model], pk: int) -> Any:
    require_personal_data(request.user)
    obj = get_object_or_404(scoped(request.user, model), pk=pk)
    if not can_edit(request.user):
        raise PermissionDenied(_("Su rol no permite cambiar registros."))
    return obj


def _family_of(obj: Model) -> Any:
    return obj.family if hasattr(obj, "family_id") else obj.plot.family


def put_errors(exc: ValidationError, form: BaseForm | None, formsets: dict[str, BaseFormSet] | None = None) -> list[str]:
    """Show a service refusal next to its field: ``kg`` on the form, ``destinations.1.price_mxn_per_kg`` on
    the second form of the ``destinations`` formset, anything else at the top of the form. Returns the
    messages that found no place (when there is no ``form``)."""
    errors = exc.error_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.error_list}
    leftovers: list[str] = []
    for key, errs in errors.items():
        texts = [m for e in errs for m in e.messages]
        head, _sep, rest = key.partition(".")
        if formsets and head in formsets and rest:
            index, _sep, field = rest.partition(".")
            forms = formsets[head].forms
            if index.isdigit() and int(index) < len(forms):
                sub = forms[int(index)]
                sub.add_error(field if field in sub.fields else None, texts)
                continue
        if form is None:
            leftovers.extend(texts)
        else:
            form.add_error(key if key in form.fields else None, texts)
    return leftovers


# --------------------------------------------------------------------------- the family's records index


@login_required
def family_records(request: HttpRequest, pk: int) -> HttpResponse:
    family = _family(request, pk)
    harvests = (scoped(request.user, Harvest).filter(plot__family=family)
                .select_related("species", "plot").prefetch_related("destinations")[:RECENT])
    months = (LedgerEntry.objects.filter(family=family).values("year", "month").order_by("-year", "-month")
              .annotate(lines=Count("pk"))[:RECENT])
    context = {
        "family": family,
        "harvests": harvests,
        "months": [{**m, "name": MONTHS[m["month"]]} for m in months],
        "plantings": Planting.objects.filter(plot__family=family).select_related("species", "plot")[:RECENT],
        "labour": LabourLog.objects.filter(family=family).select_related("member", "plot")[:RECENT],
        "inputs": InputPurchase.objects.filter(family=family).select_related("plot")[:RECENT],
        "kinds": KINDS,
    }
    return render(request, "records/family_records.html", context)


# --------------------------------------------------------------------------- harvests


def _destination_initial(harvest: Harvest | None) -> list[dict[str, Any]]:
    if harvest is None or harvest.pk is None:
        return []
    return [{k: getattr(d, k) for k in services.DESTINATION_FIELDS} for d in harvest.destinations.all()]


def _harvest_page(request: HttpRequest, family: Any, harvest: Harvest | None) -> HttpResponse:
    initial = {}
    plot_pk = request.GET.get("parcela")
    if harvest is None and plot_pk and plot_pk.isdigit():
        initial["plot"] = family.plots.filter(pk=int(plot_pk)).values_list("pk", flat=True).first()
    post = request.POST if request.method == "POST" else None
    form = HarvestForm(post, instance=harvest, family=family, initial=initial)
    # On a POST the rows are read as sent (no initial): an unchanged stored row must still count.
    formset = DestinationFormSet(post, prefix="destinations",
                                 initial=_destination_initial(harvest) if post is None else None)
    if post is not None and form.is_valid() and formset.is_valid():
        harvested_on = form.cleaned_data.get("harvested_on")
        forms_used = [f for f in formset.forms if not f.is_empty()]
        rows = [f.row(harvested_on) for f in forms_used]
        try:
            saved = services.save_harvest(request.user, form.data_for_service(), rows, instance=harvest)
        except ValidationError as exc:
            # Destination errors name the row in ``rows``: map it back to the form it came from.
            put_errors(_renumber(exc, "destinations", [formset.forms.index(f) for f in forms_used]), form,
                       {"destinations": formset})
        else:
            messages.success(request, _("Cosecha guardada: %(what)s.") % {"what": saved})
            return redirect(_next(request, reverse("records:harvest_create", args=[family.pk])))
    recent = (Harvest.objects.filter(plot__family=family).select_related("species", "plot")
              .prefetch_related("destinations")[:RECENT])
    return render(request, "records/harvest_form.html", {
        "family": family, "form": form, "formset": formset, "record": harvest, "recent": recent,
        "title": _("Editar cosecha") if harvest is not None else _("Registrar cosecha"),
        "next": request.GET.get("next", ""),
    })


def _renumber(exc: ValidationError, prefix: str, positions: list[int]) -> ValidationError:
    """Rename ``prefix.<i>.field`` (i = position among the filled rows) to the formset's form index."""
    if not hasattr(exc, "error_dict"):
        return exc
    out: dict[str, list] = {}
    for key, errs in exc.error_dict.items():
        parts = key.split(".")
        if len(parts) >= 2 and parts[0] == prefix and parts[1].isdigit() and int(parts[1]) < len(positions):
            parts[1] = str(positions[int(parts[1])])
        out.setdefault(".".join(parts), []).extend(errs)
    return ValidationError(out)


def _next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    return target if target.startswith("/") and not target.startswith("//") else default


@login_required
def harvest_create(request: HttpRequest, pk: int) -> HttpResponse:
    return _harvest_page(request, _family(request, pk, write=True), None)


@login_required
def harvest_edit(request: HttpRequest, pk: int) -> HttpResponse:
    harvest = _record(request, Harvest, pk)
    return _harvest_page(request, harvest.plot.family, harvest)


# --------------------------------------------------------------------------- plantings, labour, purchases


@dataclass(frozen=True)
class Kind:
    slug: str
    model: type[Model]
    form: type
    save: Any
    title: Any
    plural: Any
    template: str


KINDS: dict[str, Kind] = {
    "siembra": Kind("siembra", Planting, PlantingForm, services.save_planting, _l("Registrar siembra o plantación"),
                    _l("Siembras y plantaciones"), "records/_plantings.html"),
    "mano-de-obra": Kind("mano-de-obra", LabourLog, LabourForm, services.save_labour, _l("Registrar mano de obra"),
                         _l("Mano de obra"), "records/_labour.html"),
    "insumo": Kind("insumo", InputPurchase, InputPurchaseForm, services.save_input_purchase,
                   _l("Registrar compra de insumos"), _l("Compras de insumos"), "records/_inputs.html"),
}


def _recent(kind: Kind, family: Any) -> Any:
    if kind.model is Planting:
        return Planting.objects.filter(plot__family=family).select_related("species", "plot")[:RECENT]
    qs = kind.model.objects.filter(family=family).select_related("plot")
    if kind.model is LabourLog:
        qs = qs.select_related("member")
    return qs[:RECENT]


def _record_page(request: HttpRequest, kind: Kind, family: Any, record: Model | None) -> HttpResponse:
    initial = {}
    plot_pk = request.GET.get("parcela")
    if record is None and plot_pk and plot_pk.isdigit():
        initial["plot"] = family.plots.filter(pk=int(plot_pk)).values_list("pk", flat=True).first()
    post = request.POST if request.method == "POST" else None
    form = kind.form(post, instance=record, family=family, initial=initial)
    if post is not None and form.is_valid():
        data = form.data_for_service()
        if kind.model is not Planting:
            data["family"] = family
        try:
            saved = kind.save(request.user, data, instance=record)
        except ValidationError as exc:
            put_errors(exc, form)
        else:
            messages.success(request, _("Guardado: %(what)s.") % {"what": saved})
            return redirect(_next(request, reverse("records:create", args=[family.pk, kind.slug])))
    return render(request, "records/record_form.html", {
        "family": family, "form": form, "record": record, "kind": kind, "recent": _recent(kind, family),
        "title": _("Editar registro") if record is not None else kind.title,
        "next": request.GET.get("next", ""),
    })


def _kind(slug: str) -> Kind:
    if slug not in KINDS:
        raise Http404(_("No existe ese tipo de registro."))
    return KINDS[slug]


@login_required
def record_create(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    return _record_page(request, _kind(kind), _family(request, pk, write=True), None)


@login_required
def record_edit(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    k = _kind(kind)
    record = _record(request, k.model, pk)
    return _record_page(request, k, _family_of(record), record)


# --------------------------------------------------------------------------- deleting (with confirmation)

DELETABLE: dict[str, type[Model]] = {"cosecha": Harvest, **{k.slug: k.model for k in KINDS.values()}}


@login_required
def record_delete(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    if kind not in DELETABLE:
        raise Http404(_("No existe ese tipo de registro."))
    record = _record(request, DELETABLE[kind], pk)
    family = _family_of(record)
    back = reverse("records:harvest_create", args=[family.pk]) if kind == "cosecha" else reverse(
        "records:create", args=[family.pk, kind])
    if request.method == "POST":
        label = str(record)
        services.delete_record(request.user, record)
        messages.success(request, _("Borrado: %(what)s.") % {"what": label})
        return redirect(_next(request, back))
    return render(request, "records/confirm_delete.html", {"family": family, "record": record, "back": back,
                                                           "kind": kind})


# --------------------------------------------------------------------------- the month's income and expense


@login_required
def ledger_month(request: HttpRequest, pk: int, year: int | None = None, month: int | None = None) -> HttpResponse:
    family = _family(request, pk, write=True)
    today = timezone.localdate()
    if year is None or month is None:
        picked = MonthForm(request.GET or None)
        if picked.is_bound and picked.is_valid():
            return redirect("records:ledger_month", family.pk, picked.cleaned_data["year"], picked.cleaned_data["month"])
        return redirect("records:ledger_month", family.pk, today.year, today.month)
    if not 1 <= month <= 12 or not 1990 <= year <= 2100:
        raise Http404(_("Mes no válido."))
    lines = list(LedgerEntry.objects.filter(family=family, year=year, month=month).select_related("species")
                 .order_by("kind", "pk"))
    initial = [{"id": e.pk, "kind": e.kind, "category": e.category, "amount_mxn": e.amount_mxn,
                "species": e.species_id, "notes": e.notes} for e in lines]
    post = request.POST if request.method == "POST" else None
    formset = LedgerLineFormSet(post, prefix="entries", initial=initial if post is None else None)
    top_errors: list[str] = []
    if post is not None and formset.is_valid():
        used = [f for f in formset.forms if not f.cleaned_data.get("delete") and not f.is_blank()]
        try:
            services.save_ledger_month(request.user, family, year, month, [f.line() for f in used])
        except ValidationError as exc:
            renumbered = _renumber(exc, "entries", [formset.forms.index(f) for f in used])
            top_errors = put_errors(renumbered, None, {"entries": formset})
        else:
            messages.success(request, _("Mes guardado: %(month)s %(year)s.") % {"month": MONTHS[month], "year": year})
            return redirect("records:ledger_month", family.pk, year, month)
    first = dt.date(year, month, 1)
    prev = (first - dt.timedelta(days=1)).replace(day=1)
    nxt = (first + dt.timedelta(days=32)).replace(day=1)
    income = sum((e.amount_mxn for e in lines if e.kind == LedgerEntry.Kind.INCOME), start=0)
    expense = sum((e.amount_mxn for e in lines if e.kind == LedgerEntry.Kind.EXPENSE), start=0)
    return render(request, "records/ledger_month.html", {
        "family": family, "formset": formset, "year": year, "month": month, "month_name": MONTHS[month],
        "prev": prev, "next_month": nxt if (nxt.year, nxt.month) <= (today.year, today.month) else None,
        "picker": MonthForm(initial={"year": year, "month": month}), "income": income, "expense": expense,
        "balance": income - expense, "top_errors": top_errors, "future": (year, month) > (today.year, today.month),
    })
