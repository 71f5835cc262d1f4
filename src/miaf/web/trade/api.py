"""API of the trade app under ``/api/v1/trade/``: the organisation's prices, advances and repayments, side-selling,
a group's needs and quotes, collective purchases. Every write goes through :mod:`miaf.web.trade.services`.

Scope: prices are the organisation's (everyone in it reads them, the coordination writes them); advances,
quotes and purchases are personal data (analysts 403, promoters their groups); side-selling answers every
role, analysts only with aggregates of at least k families.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from miaf.web.accounts.scoping import (
    can_see_personal_data,
    families_for,
    groups_for,
    organisations_for,
    require_personal_data,
)
from miaf.web.api.schemas import Amount, Id, Payload, SpeciesCode, Text, choice, responses
from miaf.web.catalogue.models import Species

from . import needs, services
from .analysis import Assumptions, served_in_background, side_selling
from .models import (
    Advance,
    CollectivePurchase,
    Currency,
    OrganisationPrice,
    Quality,
    Repayment,
    SupplierQuote,
)

router = Router(tags=["trade"])

Month = Field(ge=1, le=12)
Pct = Field(ge=0, le=100, max_digits=5, decimal_places=2, allow_inf_nan=False)


class PriceIn(Payload):
    organisation: Id
    species: SpeciesCode
    year: int = Field(ge=1990, le=2100)
    month: int = Month
    price_mxn_per_kg: Amount(10)
    payment_delay_days: int = Field(ge=0, le=3650)
    notes: Text(255) = ""


class PriceOut(Schema):
    id: int
    organisation: int = Field(validation_alias="organisation_id")
    species: str = Field(validation_alias="species.code")
    year: int
    month: int
    price_mxn_per_kg: Decimal
    payment_delay_days: int
    notes: str


class AdvanceIn(Payload):
    family: Id
    kind: choice(Advance.Kind.values) = "advance"
    given_on: dt.date
    amount_mxn: Amount()
    monthly_rate_pct: Decimal | None = Field(None, ge=0, le=100, max_digits=5, decimal_places=2)
    notes: Text(255) = ""


class AdvanceOut(Schema):
    id: int
    family: int = Field(validation_alias="family_id")
    organisation: int = Field(validation_alias="organisation_id")
    kind: str
    given_on: dt.date
    amount_mxn: Decimal
    balance_mxn: Decimal


class RepaymentIn(Payload):
    advance: Id
    paid_on: dt.date
    amount_mxn: Amount()
    method: choice(Repayment.Method.values) = "cash"


class BalanceOut(Schema):
    family: int
    family_code: str
    advanced_mxn: Decimal
    repaid_mxn: Decimal
    balance_mxn: Decimal


class QuoteIn(Payload):
    group: Id
    item: Text(160, 1)
    unit: Text(20, 1)
    supplier: Text(160, 1)
    unit_price: Amount()
    currency: choice(Currency.values) = "MXN"
    exchange_rate_mxn: Decimal | None = Field(None, gt=0, max_digits=10, decimal_places=4)
    quality: choice(Quality.values) = "standard"
    delivery_days: int = Field(ge=0, le=3650)
    quoted_on: dt.date
    notes: Text(255) = ""


class QuoteOut(Schema):
    id: int
    group: int = Field(validation_alias="group_id")
    item: str
    unit: str
    supplier: str
    unit_price: Decimal
    currency: str
    unit_price_mxn: Decimal
    quality: str
    delivery_days: int
    quoted_on: dt.date


class PurchaseIn(Payload):
    group: Id
    quote: Id | None = None
    item: Text(160) = ""
    unit: Text(20) = ""
    quantity: Amount()
    supplier: Text(160) = ""
    unit_price_mxn: Amount() | None = None
    individual_unit_price_mxn: Amount() | None = None
    split: choice(CollectivePurchase.Split.values) = "needs"
    purchased_on: dt.date
    notes: Text(255) = ""


class ShareOut(Schema):
    family: int
    quantity: Decimal
    cost_mxn: Decimal
    input_purchase: int | None


class PurchaseOut(Schema):
    id: int
    group: int
    item: str
    unit: str
    supplier: str
    quantity: Decimal
    unit_price_mxn: Decimal
    total_mxn: Decimal
    split: str
    purchased_on: dt.date
    individual_unit_price_mxn: Decimal | None
    individual_price_source: str
    saving_mxn: Decimal | None
    shares: list[ShareOut]


class NeedOut(Schema):
    item: str
    unit: str
    quantity: float
    n_families: int
    bought: float
    remaining: float


def _advance_out(a: Advance) -> dict:
    cent = Decimal("0.01")
    return {"id": a.pk, "family_id": a.family_id, "organisation_id": a.organisation_id, "kind": a.kind,
            "given_on": a.given_on, "amount_mxn": Decimal(a.amount_mxn).quantize(cent),
            "balance_mxn": Decimal(services.advance_balance(a)).quantize(cent)}


def _quote_out(q: SupplierQuote) -> dict:
    fields = ("id", "group_id", "item", "unit", "supplier", "unit_price", "currency", "quality", "delivery_days",
              "quoted_on")
    return {**{f: getattr(q, f) for f in fields}, "unit_price_mxn": q.unit_price_mxn}


def _purchase_out(p: CollectivePurchase) -> dict:
    s = needs.saving(p)
    return {"id": p.pk, "group": p.group_id, "item": p.item, "unit": p.unit, "supplier": p.supplier,
            "quantity": p.quantity, "unit_price_mxn": p.unit_price_mxn, "total_mxn": p.total_mxn, "split": p.split,
            "purchased_on": p.purchased_on, "individual_unit_price_mxn": s["individual_unit_price_mxn"],
            "individual_price_source": s["source"], "saving_mxn": s["saving_mxn"],
            "shares": [{"family": sh.family_id, "quantity": sh.quantity, "cost_mxn": sh.cost_mxn,
                        "input_purchase": sh.input_purchase_id} for sh in p.shares.all()]}


# --------------------------------------------------------------------------- prices


@router.get("/trade/prices", response=responses(200, list[PriceOut], 401), operation_id="trade_prices",
            summary="The organisation's purchase prices by product and month, with the payment delay")
def list_prices(request: HttpRequest, organisation: int | None = None, year: int | None = None):  # noqa: ANN201
    qs = OrganisationPrice.objects.filter(organisation__in=organisations_for(request.auth)).select_related("species")
    if organisation is not None:
        qs = qs.filter(organisation_id=organisation)
    if year is not None:
        qs = qs.filter(year=year)
    return list(qs.order_by("organisation_id", "species__code", "year", "month")[:2000])


@router.post("/trade/prices", response=responses(201, PriceOut), operation_id="trade_price_save",
             summary="Record (or replace) the price of a product in a month (coordinators)")
def save_price(request: HttpRequest, payload: PriceIn):  # noqa: ANN201
    services.check_can_set_prices(request.auth, payload.organisation)
    org = get_object_or_404(organisations_for(request.auth), pk=payload.organisation)
    species = get_object_or_404(Species, code=payload.species)
    data = payload.dict() | {"organisation": org, "species": species}
    existing = OrganisationPrice.objects.filter(organisation=org, species=species, year=payload.year,
                                                month=payload.month).first()
    return Status(201, services.save_price(request.auth, data, instance=existing))


# --------------------------------------------------------------------------- advances


@router.get("/trade/advances", response=responses(200, list[BalanceOut], 401, 403), operation_id="trade_balances",
            summary="Advances and credit: advanced, repaid and balance per family")
def list_balances(request: HttpRequest):  # noqa: ANN201
    require_personal_data(request.auth)
    return [{"family": r["family"].pk, "family_code": r["family"].code, "advanced_mxn": r["advanced_mxn"],
             "repaid_mxn": r["repaid_mxn"], "balance_mxn": r["balance_mxn"]}
            for r in services.family_balances(families_for(request.auth))]


@router.post("/trade/advances", response=responses(201, AdvanceOut), operation_id="trade_advance_create",
             summary="Record an advance or credit to a family")
def create_advance(request: HttpRequest, payload: AdvanceIn):  # noqa: ANN201
    require_personal_data(request.auth)
    family = get_object_or_404(families_for(request.auth), pk=payload.family)
    advance = services.save_advance(request.auth, payload.dict() | {"family": family}, provenance={"origin": "api"})
    return Status(201, _advance_out(advance))


@router.post("/trade/repayments", response=responses(201, AdvanceOut), operation_id="trade_repayment_create",
             summary="Record a repayment; one larger than the balance (a double entry) answers 422")
def create_repayment(request: HttpRequest, payload: RepaymentIn):  # noqa: ANN201
    require_personal_data(request.auth)
    advance = get_object_or_404(Advance.objects.filter(family__in=families_for(request.auth)), pk=payload.advance)
    services.add_repayment(request.auth, advance, payload.dict())
    return Status(201, _advance_out(advance))


# --------------------------------------------------------------------------- side-selling


@router.get("/trade/sidesell", response=responses(200, dict[str, Any], 401) | {202: dict[str, Any]},
            operation_id="trade_sidesell",
            summary="Side-selling: share sold outside, effective value per channel, cash need, what-ifs")
def sidesell(request: HttpRequest, group: int | None = None, organisation: int | None = None,  # noqa: ANN201, PLR0913
             year: int | None = None, advance_share: float | None = None, delay_months: float | None = None,
             price_change: float | None = None, deficit_relief: float | None = None,
             deficit_rate: float | None = None, normal_rate: float | None = None,
             advance_rate: float | None = None):
    """Shares are fractions (0.6 = 60 %), rates fractions per month, values MXN/kg. Without personal-data
    rights only aggregates of at least k families are returned. For a programme-scale scope the analysis is
    built in the background, like ``/indicators``: ``202`` with ``"state": "pending"`` and its progress until
    the first result exists, then ``200`` with ``"state": "stale"`` (the previous data's result) while a newer
    one is built."""
    from dataclasses import replace

    groups = groups_for(request.auth)
    if organisation is not None:
        groups = groups.filter(producer_organisation_id=organisation)
    if group is not None:
        groups = groups.filter(pk=group)
    given = {"advance_share": advance_share, "delay_months": delay_months, "price_change": price_change,
             "deficit_relief": deficit_relief, "deficit_rate": deficit_rate, "normal_rate": normal_rate,
             "advance_rate": advance_rate}
    for name, value in given.items():
        if value is not None and not (-1 < value <= 100):
            raise ValidationError({name: _("Fuera de rango.")})
    a = replace(Assumptions.defaults(), **{k: v for k, v in given.items() if v is not None})
    ids, personal = list(groups.values_list("pk", flat=True)), can_see_personal_data(request.auth)
    served = served_in_background(request.auth, ids, year, a, personal)
    if served is None:
        return side_selling(ids, year=year, assumptions=a, personal=personal)
    if served.state == "pending":
        p = served.progress
        return Status(202, {"state": "pending", "elapsed_s": p.elapsed_s if p else None,
                            "error": (p.error or p.last_error) if p else ""})
    return Status(200, {**served.value, "state": served.state})


# --------------------------------------------------------------------------- needs, quotes, purchases


def _group(request: HttpRequest, pk: int):  # noqa: ANN202
    require_personal_data(request.auth)
    return get_object_or_404(groups_for(request.auth), pk=pk)


@router.get("/trade/groups/{id}/needs", response=responses(200, list[NeedOut], 401, 403, 404),
            operation_id="trade_group_needs", summary="A group's input needs from its plots' designs")
def group_needs(request: HttpRequest, id: int):  # noqa: A002, ANN201
    return [{"item": n.item, "unit": n.unit, "quantity": n.quantity, "n_families": n.n_families, "bought": n.bought,
             "remaining": n.remaining} for n in needs.group_needs(_group(request, id))]


@router.get("/trade/quotes", response=responses(200, list[QuoteOut], 401, 403), operation_id="trade_quotes",
            summary="Supplier quotes of the groups within reach, cheapest (in MXN) first per item")
def list_quotes(request: HttpRequest, group: int | None = None):  # noqa: ANN201
    require_personal_data(request.auth)
    qs = SupplierQuote.objects.filter(group__in=groups_for(request.auth))
    if group is not None:
        qs = qs.filter(group_id=group)
    return [_quote_out(x["quote"]) for c in needs.compare_quotes(list(qs[:2000])) for x in c["quotes"]]


@router.post("/trade/quotes", response=responses(201, QuoteOut), operation_id="trade_quote_create",
             summary="Record a supplier's quote; another currency needs exchange_rate_mxn")
def create_quote(request: HttpRequest, payload: QuoteIn):  # noqa: ANN201
    group = _group(request, payload.group)
    q = services.save_quote(request.auth, payload.dict() | {"group": group})
    return Status(201, _quote_out(q))


@router.post("/trade/purchases", response=responses(201, PurchaseOut), operation_id="trade_purchase_create",
             summary="Record a group's collective purchase, split per family, with the saving")
def create_purchase(request: HttpRequest, payload: PurchaseIn):  # noqa: ANN201
    group = _group(request, payload.group)
    data = payload.dict()
    quote_id = data.pop("quote")
    data.pop("group")
    quote = get_object_or_404(group.supplier_quotes, pk=quote_id) if quote_id else None
    if quote is None and data.get("unit_price_mxn") is None:
        raise ValidationError({"unit_price_mxn": _("Indique el precio o elija una cotización.")})
    return Status(201, _purchase_out(services.record_collective_purchase(request.auth, group, data, quote=quote)))
