"""Use cases of the trade app: one function per write, one transaction each, called by the pages and the API.

* :func:`save_price`: the organisation's purchase price of a product in a month, with its payment delay
  (coordinators and administrators: it is the organisation's decision, not a family's record);
* :func:`save_advance`, :func:`add_repayment`: an advance or credit to a family and its repayments (a
  repayment larger than the balance, e.g. the same payment entered twice, is refused);
* :func:`save_quote`: a supplier's quote for a group (another currency needs its exchange rate);
* :func:`record_collective_purchase`: the group's purchase, split per family; each family's part is written
  as an input purchase (``collective=True``) through :func:`miaf.web.records.services.save_input_purchase`.

Refusals are :class:`~django.core.exceptions.PermissionDenied` and field-keyed
:class:`~django.core.exceptions.ValidationError`; nothing is half-saved.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from miaf.web.accounts.models import Role
from miaf.web.accounts.scoping import organisations_for, require_in_scope, role_of
from miaf.web.records import services as records
from miaf.web.registry.models import Family, Group, Membership, OrganisationKind

from .models import (
    Advance,
    CollectivePurchase,
    Currency,
    OrganisationPrice,
    PurchaseShare,
    Repayment,
    SupplierQuote,
)

User = Any
CENT = Decimal("0.01")


def _assign(obj, data: dict) -> None:  # noqa: ANN001
    for key, value in data.items():
        setattr(obj, key, value)


def _not_future(field: str, value) -> None:  # noqa: ANN001
    if value and value > timezone.localdate():
        raise ValidationError({field: _("La fecha no puede estar en el futuro.")})


# --------------------------------------------------------------------------- the organisation's prices


def check_can_set_prices(actor: User, organisation_id: int | None) -> None:
    """Only the coordination (or an administrator) sets an organisation's prices, within its organisations."""
    if actor is None:
        return
    if role_of(actor) not in (Role.ADMINISTRATOR, Role.COORDINATOR):
        raise PermissionDenied(_("Solo la coordinación registra los precios de compra de la organización."))
    if organisation_id is not None and not organisations_for(actor).filter(pk=organisation_id).exists():
        raise PermissionDenied(_("Esa organización no está a su alcance."))


@transaction.atomic
def save_price(actor: User, data: dict, instance: OrganisationPrice | None = None) -> OrganisationPrice:
    """Record (or change) the organisation's purchase price of a product in a month [MXN/kg] and its delay."""
    price = instance or OrganisationPrice()
    if price.pk:
        check_can_set_prices(actor, price.organisation_id)
    _assign(price, data)
    check_can_set_prices(actor, price.organisation_id)
    if price.created_by_id is None and getattr(actor, "pk", None):
        price.created_by = actor
    price.full_clean()
    if price.organisation.kind != OrganisationKind.PRODUCER:
        raise ValidationError({"organisation": _("El precio de compra es de una organización de productores.")})
    if price.price_mxn_per_kg <= 0:
        raise ValidationError({"price_mxn_per_kg": _("El precio debe ser mayor que cero.")})
    price.save()
    return price


# --------------------------------------------------------------------------- advances and credit


def open_memberships(family_ids) -> QuerySet:  # noqa: ANN001
    """The open memberships of the families (ids or an id subquery), each family's latest joined first: the
    rule of "the family's current group" for one family (:func:`current_group`) or many."""
    return Membership.objects.filter(family_id__in=family_ids, left_on__isnull=True).order_by("family_id", "-joined_on")


def current_group(family_id: int) -> Group | None:
    m = open_memberships([family_id]).select_related("group__producer_organisation").first()
    return m.group if m is not None else None


def current_organisations(family_ids) -> dict[int, int]:  # noqa: ANN001
    """{family id: producer organisation id of its current group} for many families, in one query."""
    out: dict[int, int] = {}
    for family_id, org_id in open_memberships(family_ids).values_list("family_id", "group__producer_organisation_id"):
        out.setdefault(family_id, org_id)
    return out


@transaction.atomic
def save_advance(actor: User, data: dict, instance: Advance | None = None, provenance: dict | None = None) -> Advance:
    """Record (or change) an advance or credit to a family; the lender is the family's organisation."""
    advance = instance or Advance()
    if advance.pk:
        records.check_family_scope(actor, advance.family_id)
    _assign(advance, data)
    if advance.family_id is None:
        raise ValidationError({"family": _("Elija la familia.")})
    records.check_family_scope(actor, advance.family_id)
    if advance.organisation_id is None:
        group = current_group(advance.family_id)
        if group is None:
            raise ValidationError({"family": _("La familia no pertenece a ningún grupo: no hay organización que "
                                               "le dé el anticipo.")})
        advance.organisation = group.producer_organisation
    if not advance.pk:
        for key, value in (provenance or {}).items():
            setattr(advance, key, value)
        if advance.created_by_id is None and getattr(actor, "pk", None):
            advance.created_by = actor
    advance.full_clean()
    _not_future("given_on", advance.given_on)
    if advance.amount_mxn <= 0:
        raise ValidationError({"amount_mxn": _("El monto debe ser mayor que cero.")})
    if advance.pk:
        repaid = advance.repayments.aggregate(s=Sum("amount_mxn"))["s"] or Decimal("0")
        if advance.amount_mxn < repaid:
            raise ValidationError({"amount_mxn": _("Ya se pagaron %(repaid)s MXN: el monto no puede ser menor.")
                                   % {"repaid": repaid}})
    advance.save()
    return advance


def advance_balance(advance: Advance) -> Decimal:
    """Amount still owed [MXN]: the advance less its repayments (interest is not accrued here)."""
    repaid = advance.repayments.aggregate(s=Sum("amount_mxn"))["s"] or Decimal("0")
    return advance.amount_mxn - repaid


@transaction.atomic
def add_repayment(actor: User, advance: Advance, data: dict) -> Repayment:
    """Record a repayment; refuse one larger than the balance (an advance repaid twice) or before the advance."""
    records.check_family_scope(actor, advance.family_id)
    advance = Advance.objects.select_for_update().get(pk=advance.pk)
    payment = Repayment(advance=advance)
    _assign(payment, {k: v for k, v in data.items() if k in ("paid_on", "amount_mxn", "method")})
    if getattr(actor, "pk", None):
        payment.created_by = actor
    payment.full_clean()
    _not_future("paid_on", payment.paid_on)
    if payment.paid_on < advance.given_on:
        raise ValidationError({"paid_on": _("El pago no puede ser anterior al anticipo.")})
    if payment.amount_mxn <= 0:
        raise ValidationError({"amount_mxn": _("El monto debe ser mayor que cero.")})
    balance = advance_balance(advance)
    if payment.amount_mxn > balance:
        raise ValidationError({"amount_mxn": _(
            "El pago de %(amount)s MXN es mayor que el saldo de %(balance)s MXN (¿ya se registró este pago?).")
            % {"amount": payment.amount_mxn, "balance": balance}})
    payment.save()
    return payment


def family_balances(families) -> list[dict]:  # noqa: ANN001
    """Per family with advances: advanced, repaid and balance [MXN] (two queries)."""
    given = {f: (a or Decimal("0")) for f, a in Advance.objects.filter(family__in=families).values("family_id")
             .annotate(s=Sum("amount_mxn")).values_list("family_id", "s")}
    repaid = {f: (a or Decimal("0")) for f, a in Repayment.objects.filter(advance__family__in=families)
              .values("advance__family_id").annotate(s=Sum("amount_mxn")).values_list("advance__family_id", "s")}
    fams = Family.objects.filter(pk__in=list(given)).order_by("code")
    out = []
    for f in fams:
        a, r = Decimal(given[f.pk]).quantize(CENT), Decimal(repaid.get(f.pk, 0)).quantize(CENT)
        out.append({"family": f, "advanced_mxn": a, "repaid_mxn": r, "balance_mxn": a - r})
    return out


# --------------------------------------------------------------------------- quotes and collective purchases


def _check_group(actor: User, group: Group) -> None:
    if actor is None:
        return
    records.check_can_record(actor)
    require_in_scope(actor, group)


@transaction.atomic
def save_quote(actor: User, data: dict, instance: SupplierQuote | None = None) -> SupplierQuote:
    """Record (or change) a supplier's quote for a group's collective purchase."""
    quote = instance or SupplierQuote()
    if quote.pk:
        _check_group(actor, quote.group)
    _assign(quote, data)
    if quote.group_id is None:
        raise ValidationError({"group": _("Elija el grupo.")})
    _check_group(actor, quote.group)
    if quote.created_by_id is None and getattr(actor, "pk", None):
        quote.created_by = actor
    quote.full_clean()
    _not_future("quoted_on", quote.quoted_on)
    if quote.unit_price <= 0:
        raise ValidationError({"unit_price": _("El precio debe ser mayor que cero.")})
    if quote.currency != Currency.MXN and not quote.exchange_rate_mxn:
        raise ValidationError({"exchange_rate_mxn": _(
            "La cotización está en %(currency)s: indique el tipo de cambio a pesos.") % {"currency": quote.currency}})
    if quote.currency == Currency.MXN:
        quote.exchange_rate_mxn = None
    quote.save()
    return quote


def split_amounts(total: Decimal, weights: list[float]) -> list[Decimal]:
    """Split ``total`` (to the cent) in proportion to ``weights`` so that the parts add up exactly.

    Each part is rounded down to the cent and the cents left over go to the largest remainders
    (Hamilton's method), so Σ parts = total.
    """
    total = Decimal(total).quantize(CENT)
    w = [max(float(x), 0.0) for x in weights]
    s = sum(w)
    if s <= 0:
        raise ValueError("split_amounts: weights must add up to more than zero")
    exact = [total * Decimal(repr(x / s)) for x in w]
    parts = [e.quantize(CENT, rounding=ROUND_DOWN) for e in exact]
    left = int(((total - sum(parts)) / CENT).to_integral_value())
    order = sorted(range(len(w)), key=lambda i: (-(exact[i] - parts[i]), i))
    for i in order[:left]:
        parts[i] += CENT
    return parts


@transaction.atomic
def record_collective_purchase(actor: User, group: Group, data: dict,
                               quote: SupplierQuote | None = None) -> CollectivePurchase:
    """Record a group's collective purchase and split it per family (by design needs, or equally).

    ``data``: ``item``, ``unit``, ``quantity``, ``purchased_on``, optionally ``supplier``,
    ``unit_price_mxn`` (taken from ``quote`` when given), ``individual_unit_price_mxn``, ``split``, ``notes``.
    Each family's part becomes an :class:`~miaf.web.records.models.InputPurchase` with ``collective=True``.
    """
    from .needs import family_needs

    _check_group(actor, group)
    if quote is not None:
        if quote.group_id != group.pk:
            raise ValidationError({"quote": _("La cotización es de otro grupo.")})
        data = {**data, "supplier": quote.supplier, "unit_price_mxn": quote.unit_price_mxn,
                "item": data.get("item") or quote.item, "unit": data.get("unit") or quote.unit}
    purchase = CollectivePurchase(group=group, quote=quote)
    _assign(purchase, {k: v for k, v in data.items() if k in (
        "item", "unit", "quantity", "purchased_on", "supplier", "unit_price_mxn", "individual_unit_price_mxn",
        "split", "notes")})
    if purchase.quantity is not None and purchase.unit_price_mxn is not None:
        purchase.total_mxn = (Decimal(purchase.quantity) * Decimal(purchase.unit_price_mxn)).quantize(CENT)
    if getattr(actor, "pk", None):
        purchase.created_by = actor
    purchase.full_clean()
    _not_future("purchased_on", purchase.purchased_on)
    for field in ("quantity", "unit_price_mxn"):
        if getattr(purchase, field) <= 0:
            raise ValidationError({field: _("Debe ser mayor que cero.")})
    families = list(Membership.objects.filter(group=group, left_on__isnull=True)
                    .order_by("family__code").values_list("family_id", flat=True))
    if not families:
        raise ValidationError({"group": _("El grupo no tiene familias entre quienes repartir la compra.")})
    weights = [1.0] * len(families)
    if purchase.split == CollectivePurchase.Split.NEEDS:
        need = family_needs(group, purchase.item, purchase.unit)
        if sum(need.get(f, 0.0) for f in families) > 0:
            weights = [need.get(f, 0.0) for f in families]
        else:
            purchase.split = CollectivePurchase.Split.EQUAL  # no design asks for this item: equal parts, said so
    purchase.save()
    quantities = split_amounts(purchase.quantity, weights)
    costs = split_amounts(purchase.total_mxn, weights)
    for fam, qty, cost in zip(families, quantities, costs, strict=True):
        if qty <= 0 and cost <= 0:
            continue
        record = records.save_input_purchase(actor, {
            "family_id": fam, "purchased_on": purchase.purchased_on, "item": purchase.item, "quantity": qty,
            "unit": purchase.unit, "cost_mxn": cost, "supplier": purchase.supplier, "collective": True})
        PurchaseShare.objects.create(purchase=purchase, family_id=fam, quantity=qty, cost_mxn=cost,
                                     input_purchase=record)
    return purchase
