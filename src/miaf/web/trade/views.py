"""Trade pages: the organisation's prices, advances and credit, side-selling, collective purchases.

Thin views: scope, call one service or one computation, render. Refusals of a service are shown next to
their field (:func:`miaf.web.records.views.put_errors`); a write outside the user's reach answers 403.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from miaf.web.accounts.models import Role
from miaf.web.accounts.scoping import (
    can_edit,
    can_see_personal_data,
    families_for,
    groups_for,
    organisations_for,
    require_personal_data,
    role_of,
)
from miaf.web.core.memo import versioned
from miaf.web.core.paging import GROUPS_PER_PAGE, page_of, picker
from miaf.web.records.views import put_errors
from miaf.web.registry.models import Family, OrganisationKind

from . import needs, services
from .analysis import Assumptions, cache_key, cache_seconds, data_version, served_in_background, side_selling
from .forms import AdvanceForm, PriceForm, PurchaseForm, QuoteForm, RepaymentForm, SideSellForm
from .models import Advance, CollectivePurchase, OrganisationPrice, SupplierQuote

OFFICE = (Role.ADMINISTRATOR, Role.COORDINATOR)


# --------------------------------------------------------------------------- the organisation's prices


@login_required
def prices(request: HttpRequest) -> HttpResponse:
    """The purchase prices of the user's producer organisations by product and month; the office records them."""
    may_write = role_of(request.user) in OFFICE
    form = PriceForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if not may_write:
            raise PermissionDenied(_("Solo la coordinación registra los precios de compra de la organización."))
        if form.is_valid():
            data = dict(form.cleaned_data)
            existing = OrganisationPrice.objects.filter(
                organisation=data["organisation"], species=data["species"], year=data["year"],
                month=data["month"]).first()
            try:
                services.save_price(request.user, data, instance=existing)
            except ValidationError as exc:
                put_errors(exc, form)
            else:
                messages.success(request, _("Precio guardado."))
                return redirect("trade:prices")
    orgs = organisations_for(request.user).filter(kind=OrganisationKind.PRODUCER)
    rows = (OrganisationPrice.objects.filter(organisation__in=orgs).select_related("organisation", "species")
            .order_by("organisation__name", "species__name_es", "-year", "month")[:500])
    return render(request, "trade/prices.html", {"form": form, "rows": rows, "may_write": may_write})


# --------------------------------------------------------------------------- advances and credit


@login_required
def advances(request: HttpRequest) -> HttpResponse:
    """Balances of the families within reach and the form to record an advance or credit."""
    require_personal_data(request.user)
    form = AdvanceForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if not can_edit(request.user):
            raise PermissionDenied(_("Su rol no permite registrar datos."))
        if form.is_valid():
            try:
                advance = services.save_advance(request.user, dict(form.cleaned_data))
            except ValidationError as exc:
                put_errors(exc, form)
            else:
                messages.success(request, _("Anticipo registrado."))
                return redirect("trade:family_advances", pk=advance.family_id)
        elif "family" in form.errors and request.POST.get("family", "").strip().isdigit():
            raise PermissionDenied(_("Esta familia no pertenece a ningún grupo asignado a usted."))
    balances = services.family_balances(families_for(request.user))
    return render(request, "trade/advances.html", {"form": form, "balances": balances,
                                                   "may_write": can_edit(request.user)})


@login_required
def family_advances(request: HttpRequest, pk: int) -> HttpResponse:
    """A family's advances with their repayments, balance, and the form to record a repayment."""
    require_personal_data(request.user)
    family = get_object_or_404(families_for(request.user), pk=pk)
    form = RepaymentForm(request.POST or None)
    if request.method == "POST":
        if not can_edit(request.user):
            raise PermissionDenied(_("Su rol no permite registrar datos."))
        if form.is_valid():
            advance = get_object_or_404(Advance.objects.filter(family=family), pk=form.cleaned_data["advance"])
            try:
                services.add_repayment(request.user, advance, form.cleaned_data)
            except ValidationError as exc:
                put_errors(exc, form)
            else:
                messages.success(request, _("Pago registrado."))
                return redirect("trade:family_advances", pk=family.pk)
    rows = [{"advance": a, "repayments": list(a.repayments.all()), "balance": services.advance_balance(a)}
            for a in family.advances.select_related("organisation").prefetch_related("repayments")]
    return render(request, "trade/family_advances.html", {
        "family": family, "rows": rows, "form": form, "may_write": can_edit(request.user),
        "failed_advance": form.data.get("advance") if form.is_bound else None})


# --------------------------------------------------------------------------- side-selling


def _group_ids(form: SideSellForm, user: Any) -> list[int]:
    groups = groups_for(user)
    if org := form.value("organisation"):
        groups = groups.filter(producer_organisation=org)
    if group := form.value("group"):
        groups = groups.filter(pk=group.pk)
    return list(groups.values_list("pk", flat=True))


@login_required
def sidesell(request: HttpRequest) -> HttpResponse:
    """Side-selling of the groups within reach, with the what-ifs and the assumptions as a form."""
    form = SideSellForm(request.GET or None, user=request.user)
    defaults = Assumptions.defaults()
    assumptions = form.assumptions(defaults)
    personal = can_see_personal_data(request.user)
    ids = _group_ids(form, request.user)
    year = form.value("year")
    shown = {k: (round(v * 100, 3) if k != "delay_months" else v) for k, v in assumptions.to_dict().items()}
    served = served_in_background(request.user, ids, year, assumptions, personal)
    if served is not None and served.state == "pending":
        return render(request, "trade/sidesell.html", {"form": form, "r": None, "a": shown, "personal": personal,
                                                       "building": served})
    result = served.value if served is not None else side_selling(ids, year=year, assumptions=assumptions,
                                                                   personal=personal)

    def detail() -> dict:
        """The per-group and per-family rows with their names (thousands for a programme), once per result."""
        names = dict(groups_for(request.user).filter(pk__in=ids).values_list("pk", "name"))
        codes = dict(Family.objects.filter(pk__in=[f["family_id"] for f in result["families"]])
                     .values_list("pk", "code"))
        return {"groups": [g | {"name": names.get(g["group_id"], "")} for g in result["groups"]],
                "families": [f | {"code": codes.get(f["family_id"], "")} for f in result["families"]]}

    detail_html = ""
    if result["n_sales"] and not result.get("suppressed_all"):
        # keyed by the version the result was computed at (an older one while a background build runs)
        result_version = served.entry.version if served is not None else data_version()
        rows = versioned(("sidesell-rows", cache_key(ids, year, assumptions, personal)), result_version, detail,
                         ttl=cache_seconds())
        # one page of each table (groups: ?page=, families: ?fpage=), the other table's page and the filters kept
        groups, families = page_of(request, rows["groups"], GROUPS_PER_PAGE), page_of(
            request, rows["families"], GROUPS_PER_PAGE, "fpage")
        detail_html = render_to_string("trade/_sidesell_detail.html", {
            "r": result, "personal": personal, "groups": groups.object_list, "families": families.object_list,
            "group_pager": picker(request, groups, anchor="#groups"),
            "family_pager": picker(request, families, "fpage", anchor="#families")})
    return render(request, "trade/sidesell.html", {"form": form, "r": result, "a": shown, "personal": personal,
                                                   "detail_html": detail_html,
                                                   "building": served if served is not None and served.state == "stale" else None})


# --------------------------------------------------------------------------- collective purchases


@login_required
def purchases(request: HttpRequest) -> HttpResponse:
    """The groups within reach, each with its quotes and collective purchases."""
    require_personal_data(request.user)
    groups = groups_for(request.user).order_by("name")
    rows = [{"group": g, "quotes": g.supplier_quotes.count(), "purchases": g.collective_purchases.count()}
            for g in groups[:300]]
    return render(request, "trade/purchases.html", {"rows": rows})


def _purchase_row(p: CollectivePurchase) -> dict:
    return {"purchase": p, "saving": needs.saving(p), "shares": list(p.shares.select_related("family"))}


@login_required
def group_purchases(request: HttpRequest, pk: int) -> HttpResponse:
    """A group's needs from its designs, the quotes compared, and its collective purchases split per family."""
    require_personal_data(request.user)
    group = get_object_or_404(groups_for(request.user), pk=pk)
    quote_form = QuoteForm(request.POST if request.POST.get("action") == "quote" else None,
                           prefix="q")
    purchase_form = PurchaseForm(request.POST if request.POST.get("action") == "purchase" else None, prefix="p")
    if request.method == "POST":
        services._check_group(request.user, group)
        try:
            if request.POST.get("action") == "quote" and quote_form.is_valid():
                services.save_quote(request.user, {"group": group, **quote_form.cleaned_data})
                messages.success(request, _("Cotización guardada."))
                return redirect("trade:group_purchases", pk=group.pk)
            if request.POST.get("action") == "purchase" and purchase_form.is_valid():
                data = dict(purchase_form.cleaned_data)
                quote_id = data.pop("quote", None)
                quote = get_object_or_404(group.supplier_quotes, pk=quote_id) if quote_id else None
                if quote is None and data.get("unit_price_mxn") is None:
                    raise ValidationError({"unit_price_mxn": _("Indique el precio o elija una cotización.")})
                services.record_collective_purchase(request.user, group, data, quote=quote)
                messages.success(request, _("Compra colectiva registrada y repartida entre las familias."))
                return redirect("trade:group_purchases", pk=group.pk)
        except ValidationError as exc:
            put_errors(exc, quote_form if request.POST.get("action") == "quote" else purchase_form)
    quotes = list(SupplierQuote.objects.filter(group=group))
    context = {
        "group": group, "needs": needs.group_needs(group), "comparison": needs.compare_quotes(quotes),
        "purchases": [_purchase_row(p) for p in group.collective_purchases.all()[:50]],
        "quote_form": quote_form, "purchase_form": purchase_form, "may_write": can_edit(request.user),
    }
    return render(request, "trade/group_purchases.html", context)
