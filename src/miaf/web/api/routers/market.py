"""``/market``: the offer calendar (an aggregate: every role, analysts only organisation and municipality
totals), its track record, the buyer directory and demands (coordinators write, promoters read, analysts
403) and demand matching. Same services as the pages (:mod:`miaf.web.market.services`)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema
from ninja.responses import Status

from miaf.web.accounts.models import Role
from miaf.web.accounts.scoping import groups_for, plots_for, require_personal_data, role_of
from miaf.web.api.errors import FieldError
from miaf.web.api.schemas import MAX_ID, Payload, responses
from miaf.web.market import services
from miaf.web.market.models import Buyer, BuyerKind, Demand

router = Router(tags=["market"])


class OfferQuery(Schema):
    organisation: int | None = Field(None, ge=1, le=MAX_ID)
    municipality: int | None = Field(None, ge=1, le=MAX_ID)
    group: int | None = Field(None, ge=1, le=MAX_ID)
    product: str | None = Field(None, max_length=40)
    start: str | None = Field(None, alias="from", pattern=r"^\d{4}-\d{2}$", description="First month, YYYY-MM.")
    months: int = Field(12, ge=1, le=36)
    by: str = Field("total", pattern="^(total|organisation|municipality|group)$")


class OfferRow(Schema):
    unit: str
    product: str
    month: str
    kg_central: float
    kg_p10: float
    kg_p50: float
    kg_p90: float
    sale_kg_p10: float
    sale_kg_p50: float
    sale_kg_p90: float
    value_mxn: float


class OfferOut(Schema):
    by: str
    plots: int
    draws: int
    items: list[OfferRow]


def _start(text: str | None) -> tuple[int, int] | None:
    if not text:
        return None
    y, m = int(text[:4]), int(text[5:])
    if not 1 <= m <= 12 or not 2000 <= y <= 2100:
        raise FieldError("from", _("Mes fuera de rango: use AAAA-MM con mes 1–12."))
    return y, m


def _in_scope(user, organisation, municipality, group) -> None:  # noqa: ANN001
    """A filter outside the user's reach is refused (not silently ignored) in the API."""
    from miaf.web.registry.models import Organisation

    if group is not None:
        if role_of(user) == Role.ANALYST:
            raise PermissionDenied(_("Su rol ve solo totales por organización y municipio."))
        if not groups_for(user).filter(pk=group).exists():
            raise FieldError("group", _("Ese grupo no existe o no está a su alcance."))
    if organisation is not None and not Organisation.objects.filter(
            pk=organisation, groups__in=groups_for(user)).exists():
        raise FieldError("organisation", _("Esa organización no existe o no está a su alcance."))


@router.get("/market/offer", response=responses(200, OfferOut, 401, 403, 422), operation_id="market_offer",
            summary="Offer calendar: expected harvest by product and month with P10–P50–P90")
def offer(request: HttpRequest, q: Query[OfferQuery]):  # noqa: ANN201
    user = request.auth
    if role_of(user) is None:
        raise PermissionDenied(_("Su cuenta no tiene rol."))
    _in_scope(user, q.organisation, q.municipality, q.group)
    if role_of(user) == Role.ANALYST and q.by == "group":
        raise PermissionDenied(_("Su rol ve solo totales por organización y municipio."))
    o = services.compute_offer(user, organisation=q.organisation, municipality=q.municipality, group=q.group,
                               product=q.product, start=_start(q.start), months=q.months, by=q.by)
    return {"by": o.by, "plots": o.n_plots, "draws": o.forecast.draws,
            "items": o.forecast.records(unit_labels=o.unit_labels)}


@router.get("/market/offer/plots/{id}", response=responses(200, OfferOut, 401, 403, 404, 422),
            operation_id="market_plot_offer", summary="One plot's offer for the coming 12 months")
def plot_offer(request: HttpRequest, id: int = Path(..., ge=1, le=MAX_ID)):  # noqa: A002, ANN201
    require_personal_data(request.auth)
    plot = get_object_or_404(plots_for(request.auth), pk=id)
    data = services.plot_offer(plot)
    if not data["miaf"]:
        return {"by": "plot", "plots": 0, "draws": 0, "items": []}
    f = data["forecast"]
    return {"by": "plot", "plots": 1, "draws": f.draws, "items": f.records(unit_labels=[plot.name])}


class TrackRow(Schema):
    product: str
    recorded_kg: float
    p10: float
    p50: float
    p90: float
    ratio: float | None
    inside: bool


class TrackOut(Schema):
    as_of: dt.date
    plots: int
    recording_plots: int
    items: list[TrackRow]


@router.get("/market/track-record", response=responses(200, TrackOut, 401, 403, 422),
            operation_id="market_track_record", summary="Last year's forecast against the recorded harvests")
def track(request: HttpRequest, organisation: int | None = None, municipality: int | None = None):  # noqa: ANN201
    user = request.auth
    if role_of(user) is None:
        raise PermissionDenied(_("Su cuenta no tiene rol."))
    _in_scope(user, organisation, municipality, None)
    d = services.compute_track_record(user, organisation, municipality)
    return {"as_of": d["as_of"], "plots": d["n_plots"], "recording_plots": d["n_recording_plots"],
            "items": d["rows"]}


# ---------------------------------------------------------------------------------------------- buyers
class BuyerIn(Payload):
    name: str = Field(..., min_length=1, max_length=160)
    kind: BuyerKind
    contact_name: str = Field("", max_length=160)
    phone: str = Field("", max_length=40)
    email: str = Field("", max_length=254)
    place: str = Field("", max_length=160)
    products: list[str] = Field(default_factory=list, max_length=40)
    certifications_wanted: list[str] = Field(default_factory=list, max_length=10)
    quality_requirements: str = Field("", max_length=4000)
    payment_delay_days: int = Field(0, ge=0, le=365)
    advance_share: float = Field(0.0, ge=0, le=1)
    notes: str = Field("", max_length=4000)
    active: bool = True


class BuyerOut(BuyerIn):
    id: int
    organisation: int = Field(..., alias="organisation_id")


class DemandIn(Payload):
    product: str = Field(..., max_length=40, description="Species code.")
    quantity_kg: Decimal = Field(..., gt=0, max_digits=12, decimal_places=1)
    months: list[int] = Field(..., min_length=1, max_length=12)
    price_mxn_kg: Decimal = Field(..., gt=0, max_digits=10, decimal_places=2)
    quality: str = Field("", max_length=4000)
    certifications: list[str] = Field(default_factory=list, max_length=10)
    notes: str = Field("", max_length=4000)


class DemandOut(Schema):
    id: int
    buyer: int = Field(..., alias="buyer_id")
    product: str = Field(..., alias="product.code")
    quantity_kg: Decimal
    months: list[int]
    price_mxn_kg: Decimal
    quality: str
    certifications: list[str]
    notes: str


class DemandCreate(DemandIn):
    buyer: int = Field(..., ge=1, le=MAX_ID)


def _read(user) -> None:  # noqa: ANN001
    services.require_directory_reader(user)


@router.get("/market/buyers", response=responses(200, list[BuyerOut], 401, 403), operation_id="market_buyers",
            summary="The buyer directory")
def list_buyers(request: HttpRequest):  # noqa: ANN201
    _read(request.auth)
    return list(services.buyers_for(request.auth)[:500])


@router.post("/market/buyers", response=responses(201, BuyerOut), operation_id="market_buyers_create",
             summary="Add a buyer (coordinators)")
def create_buyer(request: HttpRequest, payload: BuyerIn):  # noqa: ANN201
    buyer = services.save_buyer(request.auth, payload.model_dump())
    return Status(201, buyer)


def _buyer(user, id: int) -> Buyer:  # noqa: A002, ANN001
    _read(user)
    return get_object_or_404(services.buyers_for(user), pk=id)


@router.get("/market/buyers/{id}", response=responses(200, BuyerOut, 401, 403, 404), operation_id="market_buyer")
def get_buyer(request: HttpRequest, id: int = Path(..., ge=1, le=MAX_ID)):  # noqa: A002, ANN201
    return _buyer(request.auth, id)


@router.put("/market/buyers/{id}", response=responses(200, BuyerOut), operation_id="market_buyer_update")
def update_buyer(request: HttpRequest, payload: BuyerIn, id: int = Path(..., ge=1, le=MAX_ID)):  # noqa: A002, ANN201
    services.require_directory_writer(request.auth)
    return services.save_buyer(request.auth, payload.model_dump(), instance=_buyer(request.auth, id))


@router.delete("/market/buyers/{id}", response=responses(204, None, 401, 403, 404), operation_id="market_buyer_delete")
def delete_buyer(request: HttpRequest, id: int = Path(..., ge=1, le=MAX_ID)):  # noqa: A002, ANN201
    services.require_directory_writer(request.auth)
    services.delete_buyer(request.auth, _buyer(request.auth, id))
    return Status(204, None)


def _demand_data(payload: DemandIn) -> dict:
    from miaf.web.catalogue.models import Species

    data = payload.model_dump()
    data.pop("buyer", None)
    species = Species.objects.filter(code=data["product"]).first()
    if species is None:
        raise FieldError("product", _("Especie desconocida: %(code)s.") % {"code": data["product"]})
    bad = [m for m in data["months"] if not 1 <= m <= 12]
    if bad:
        raise FieldError("months", _("Los meses van del 1 al 12 (recibido: %(m)s).") % {"m": bad[0]})
    data["product"] = species
    return data


@router.get("/market/demands", response=responses(200, list[DemandOut], 401, 403), operation_id="market_demands")
def list_demands(request: HttpRequest):  # noqa: ANN201
    _read(request.auth)
    return list(services.demands_for(request.auth)[:500])


@router.post("/market/demands", response=responses(201, DemandOut), operation_id="market_demands_create",
             summary="Add a buyer's demand (coordinators)")
def create_demand(request: HttpRequest, payload: DemandCreate):  # noqa: ANN201
    services.require_directory_writer(request.auth)
    buyer = services.buyers_for(request.auth).filter(pk=payload.buyer).first()
    if buyer is None:
        raise FieldError("buyer", _("Ese comprador no existe o no está a su alcance."))
    return Status(201, services.save_demand(request.auth, buyer, _demand_data(payload)))


def _demand(user, id: int) -> Demand:  # noqa: A002, ANN001
    _read(user)
    demand = services.demands_for(user).filter(pk=id).first()
    if demand is None:
        raise Http404(_("La demanda %(id)s no existe o no está a su alcance.") % {"id": id})
    return demand


@router.get("/market/demands/{id}", response=responses(200, DemandOut, 401, 403, 404), operation_id="market_demand")
def get_demand(request: HttpRequest, id: int = Path(..., ge=1, le=MAX_ID)):  # noqa: A002, ANN201
    return _demand(request.auth, id)


@router.put("/market/demands/{id}", response=responses(200, DemandOut), operation_id="market_demand_update")
def update_demand(request: HttpRequest, payload: DemandIn, id: int = Path(..., ge=1, le=MAX_ID)):  # noqa: A002, ANN201
    services.require_directory_writer(request.auth)
    demand = _demand(request.auth, id)
    return services.save_demand(request.auth, demand.buyer, _demand_data(payload), instance=demand)


@router.delete("/market/demands/{id}", response=responses(204, None, 401, 403, 404),
               operation_id="market_demand_delete")
def delete_demand(request: HttpRequest, id: int = Path(..., ge=1, le=MAX_ID)):  # noqa: A002, ANN201
    services.require_directory_writer(request.auth)
    services.delete_demand(request.auth, _demand(request.auth, id))
    return Status(204, None)


class MatchUnit(Schema):
    id: int
    label: str
    p10: float
    p50: float
    p90: float


class MatchOut(Schema):
    demand: int
    by: str
    months: list[str]
    total_p10: float
    total_p50: float
    total_p90: float
    coverage: float
    units: list[MatchUnit]


@router.get("/market/demands/{id}/matches", response=responses(200, MatchOut, 401, 403, 404, 422),
            operation_id="market_demand_matches", summary="Which groups (or municipalities) can supply a demand")
def matches(request: HttpRequest, id: int = Path(..., ge=1, le=MAX_ID),  # noqa: A002, ANN201
            by: str = Query("group", pattern="^(group|municipality)$")):
    demand = _demand(request.auth, id)
    m = services.match_demand(request.auth, demand, by=by)
    months = [f"{y:04d}-{mo:02d}" for (y, mo), k in zip(m["window"], m["mask"], strict=True) if k]
    return {"demand": demand.pk, "by": m["by"], "months": months, "total_p10": m["total"]["p10"],
            "total_p50": m["total"]["p50"], "total_p90": m["total"]["p90"], "coverage": m["coverage"],
            "units": m["units"]}
