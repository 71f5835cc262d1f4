"""Domain services of the market: the scoped offer calendar, the track record, demand matching, and the
writes of the buyer directory (one function per write, each owning its transaction and checking scope).

Scope: the offer is an aggregate, computed over :func:`miaf.web.registry.queries.aggregate_families` of the
user (coordinators: their organisation; promoters: their groups; analysts: their organisation, but only
organisation and municipality totals are shown to them). The buyer directory belongs to an accompanying
organisation: coordinators (and administrators) write it, promoters read it, analysts do not see it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from miaf.economics.offer import (
    MONTHS,
    OfferForecast,
    income_calendar,
    month_window,
    offer_forecast,
    offer_parameters,
    track_record,
)
from miaf.web.accounts.models import Role
from miaf.web.accounts.scoping import require_in_scope, role_of
from miaf.web.market.models import Buyer, BuyerSharingConsent, Demand
from miaf.web.market.queries import OfferTable, offer_table

BY_CHOICES = ("total", "organisation", "municipality", "group", "plot")
ANALYST_BY = ("total", "organisation", "municipality")


# ---------------------------------------------------------------------------------------------- scope
def offer_families(user, organisation=None, municipality=None, group=None) -> QuerySet:  # noqa: ANN001
    """Families whose plots make the user's offer, with the page's filters (ids or objects). An organisation
    is a producer organisation (its groups) or an accompanying one (the groups of the producers it
    accompanies)."""
    from django.db.models import Q

    from miaf.web.registry.queries import aggregate_families

    qs = aggregate_families(user)
    if organisation:
        qs = qs.filter(Q(memberships__group__producer_organisation=organisation)
                       | Q(memberships__group__producer_organisation__accompanied_by=organisation),
                       memberships__left_on__isnull=True)
    if group:
        qs = qs.filter(memberships__group=group, memberships__left_on__isnull=True)
    if municipality:
        qs = qs.filter(locality__municipality=municipality)
    return qs.distinct()


def allowed_by(user, by: str) -> str:  # noqa: ANN001
    """The aggregation level the user may see: analysts never below municipality."""
    by = by if by in BY_CHOICES else "total"
    if role_of(user) == Role.ANALYST and by not in ANALYST_BY:
        return "municipality"
    return by


def directory_organisations(user) -> QuerySet:  # noqa: ANN001
    """Accompanying organisations whose buyer directory the user may read."""
    from miaf.web.registry.models import Organisation

    role = role_of(user)
    if role == Role.ADMINISTRATOR:
        return Organisation.objects.filter(kind="accompanying")
    if role in (Role.COORDINATOR, Role.PROMOTER) and user.profile.organisation_id:
        org = user.profile.organisation
        return Organisation.objects.filter(pk=org.accompanying.pk if org.accompanying else org.pk)
    return Organisation.objects.none()


def require_directory_reader(user) -> None:  # noqa: ANN001
    if role_of(user) not in (Role.ADMINISTRATOR, Role.COORDINATOR, Role.PROMOTER):
        raise PermissionDenied(_("Su rol no ve el directorio de compradores."))


def require_directory_writer(user, organisation=None) -> None:  # noqa: ANN001
    if role_of(user) not in (Role.ADMINISTRATOR, Role.COORDINATOR):
        raise PermissionDenied(_("Solo la coordinación registra compradores y demandas."))
    if organisation is not None and not directory_organisations(user).filter(pk=organisation.pk).exists():
        raise PermissionDenied(_("Ese directorio no está a su alcance."))


def buyers_for(user) -> QuerySet:  # noqa: ANN001
    if role_of(user) not in (Role.ADMINISTRATOR, Role.COORDINATOR, Role.PROMOTER):
        return Buyer.objects.none()
    return Buyer.objects.filter(organisation__in=directory_organisations(user)).select_related("organisation")


def demands_for(user) -> QuerySet:  # noqa: ANN001
    return Demand.objects.filter(buyer__in=buyers_for(user)).select_related("buyer", "product")


# ---------------------------------------------------------------------------------------------- offer
@dataclass
class Offer:
    """A scoped offer calendar ready for a page or an endpoint."""

    forecast: OfferForecast
    by: str
    unit_labels: list[str]
    unit_ids: list[int]
    table: OfferTable
    product_names: dict[str, str] = field(default_factory=dict)
    fragments: dict[tuple, str] = field(default_factory=dict, repr=False)  # rendered HTML (:func:`rendered`)

    @property
    def n_plots(self) -> int:
        return self.table.n_plots

    def totals(self) -> dict[str, np.ndarray]:
        """Per product and month over all units: central kg and the range of the sum over units."""
        f = self.forecast
        return {"kg": f.kg.sum(axis=0), "sale_kg": f.sale_kg.sum(axis=0), "value_mxn": f.value_mxn.sum(axis=0)}


def _pk(x) -> int | None:  # noqa: ANN001
    return getattr(x, "pk", x)


def _scope(user) -> str:  # noqa: ANN001
    """The user's aggregate scope (the dashboard's key: the groups they may aggregate)."""
    from miaf.web.dashboard.cache import scope_key

    return scope_key(user)


def _cached(key: tuple, build):  # noqa: ANN001, ANN202
    """``build()`` kept in process memory (:func:`miaf.web.core.memo.versioned`, never pickled) under the key,
    the active language (labels such as "Total") and the dashboard's data version: any change of plots,
    plantings, designs, phases, harvests or memberships makes a new entry, and ``offer_cache_s`` bounds its age."""
    from django.utils.translation import get_language

    from miaf.web.core.memo import versioned
    from miaf.web.dashboard.cache import data_version

    return versioned(("market", get_language(), *key), data_version(), build,
                     ttl=float(offer_parameters()["offer_cache_s"]))


def rendered(offer: Offer, name: str, render) -> str:  # noqa: ANN001
    """The HTML of a part of a page drawn from ``offer`` (the calendar table), rendered once per offer,
    fragment and language and kept with the cached offer: a warm request only pastes it."""
    from django.utils.translation import get_language

    key = (name, get_language())
    html = offer.fragments.get(key)
    if html is None:
        html = offer.fragments[key] = render()
    return html


def current_month(today: dt.date | None = None) -> tuple[int, int]:
    today = today or timezone.localdate()
    return today.year, today.month


def product_names() -> dict[str, str]:
    from miaf.web.catalogue.models import Species

    return dict(Species.objects.values_list("code", "name_es"))


def _units(table: OfferTable, by: str) -> tuple[np.ndarray, list[int], list[str]]:
    """Unit index per plot and the units' ids and labels for an aggregation level."""
    from miaf.web.plots.models import Plot
    from miaf.web.registry.models import Group, Municipality, Organisation

    if by == "total" or table.n_plots == 0:
        return np.zeros(table.n_plots, dtype=np.int64), [0], [_("Total")]
    ids = {"organisation": table.organisation_id, "municipality": table.municipality_id, "group": table.group_id,
           "plot": table.plot_id}[by]
    uniq, inv = np.unique(ids, return_inverse=True)
    model = {"organisation": Organisation, "municipality": Municipality, "group": Group, "plot": Plot}[by]
    names = {pk: str(getattr(o, "name", o)) for pk, o in model.objects.in_bulk([int(u) for u in uniq if u >= 0]).items()}
    labels = [names.get(int(u), _("sin grupo")) for u in uniq]
    return inv.astype(np.int64), [int(u) for u in uniq], labels


def compute_offer(user, *, organisation=None, municipality=None, group=None, product: str | None = None,  # noqa: ANN001, PLR0913
                  start: tuple[int, int] | None = None, months: int | None = None, by: str = "total",
                  families: QuerySet | None = None, draws: int | None = None, as_of: dt.date | None = None,
                  table: OfferTable | None = None) -> Offer:
    """The offer calendar of the user's scope (filters optional) aggregated ``by`` a level (``table``: rows
    already loaded with the same scope and filters)."""
    by = allowed_by(user, by)
    months = int(months or float(offer_parameters()["offer_default_months"]))
    start = start or current_month()
    if table is None and families is None:
        key = ("offer", _scope(user), _pk(organisation), _pk(municipality), _pk(group), product or "", start, months,
               by, draws, as_of)
        return _cached(key, lambda: compute_offer(
            user, organisation=organisation, municipality=municipality, group=group, product=product, start=start,
            months=months, by=by, draws=draws, as_of=as_of,
            table=offer_table(offer_families(user, organisation, municipality, group), as_of=as_of,
                              product=product or None)))
    if table is None:
        table = offer_table(families, as_of=as_of, product=product or None)
    per_plot, ids, labels = _units(table, by)
    f = offer_forecast(table.rows, month_window(start[0], start[1], months), unit=table.row_unit(per_plot)
                       if len(table.rows) else None, n_units=len(ids), draws=draws)
    return Offer(f, by, labels, ids, table, product_names())


def plot_offer(plot, start: tuple[int, int] | None = None, years: int | None = None) -> dict:  # noqa: ANN001
    """One plot's offer for the coming months and its income calendar by year after establishment."""
    from miaf.web.registry.models import Family

    table = offer_table(Family.objects.filter(pk=plot.family_id))
    mask = table.plot_id == plot.pk
    start = start or current_month()
    years = int(years or float(offer_parameters()["income_calendar_years"]))
    if not mask.any():
        return {"miaf": False}
    i = int(np.flatnonzero(mask)[0])
    sel = np.asarray(table.rows.plot) == i
    from miaf.economics.offer import OfferRows

    r = table.rows
    rows = OfferRows(np.asarray(r.species)[sel], np.asarray(r.quantity)[sel], np.asarray(r.start_year)[sel],
                     None if r.calibration is None else np.asarray(r.calibration)[sel], np.zeros(int(sel.sum()), int))
    y0 = int(table.start_year[i])
    f = offer_forecast(rows, month_window(start[0], start[1], offer_default_months()))
    cal = income_calendar(rows, [y0 + k for k in range(years)])
    return {"miaf": True, "start_year": y0, "forecast": f, "calendar": cal,
            "calibration": dict(zip(rows.species.tolist(), (rows.calibration if rows.calibration is not None
                                                            else np.ones(len(rows))).tolist(), strict=True))}


def offer_default_months() -> int:
    return int(float(offer_parameters()["offer_default_months"]))


def group_calendar(group, years: int | None = None) -> dict:  # noqa: ANN001
    """A group's offer (coming months) and its income calendar for the coming calendar years."""

    start = current_month()
    years = int(years or float(offer_parameters()["income_calendar_years"]))
    return _cached(("group", group.pk, start, years), lambda: _group_calendar(group, start, years))


def _group_calendar(group, start: tuple[int, int], years: int) -> dict:  # noqa: ANN001
    from miaf.web.registry.models import Family

    fam = Family.objects.filter(memberships__group=group, memberships__left_on__isnull=True).distinct()
    table = offer_table(fam)
    f = offer_forecast(table.rows, month_window(start[0], start[1], offer_default_months()))
    cal = income_calendar(table.rows, [start[0] + k for k in range(years)])
    return {"forecast": f, "calendar": cal, "n_plots": table.n_plots}


# ---------------------------------------------------------------------------------------------- track record
def one_year_ago(today: dt.date | None = None) -> dt.date:
    today = today or timezone.localdate()
    return dt.date(today.year - 1, today.month, 1)


def compute_track_record(user, organisation=None, municipality=None, group=None,  # noqa: ANN001
                         today: dt.date | None = None, draws: int | None = None) -> dict:
    """Last year's forecast, computed as of one year ago from the data dated before then, against the
    harvests recorded in those 12 months, per product. Compared on the plots that recorded any harvest in
    the window (the others are not evidence of zero)."""
    as_of = one_year_ago(today)
    window = month_window(as_of.year, as_of.month, MONTHS)
    end = dt.date(window[-1][0] + (window[-1][1] == 12), window[-1][1] % 12 + 1, 1)
    fam = offer_families(user, organisation, municipality, group)
    before = dt.date.fromordinal(as_of.toordinal() - 1)
    table = offer_table(fam, as_of=before)
    from miaf.web.records.models import Harvest

    recorded_rows = list(Harvest.objects.filter(plot_id__in=table.plot_id.tolist(), harvested_on__gte=as_of,
                                                harvested_on__lt=end)
                         .values_list("plot_id", "species__code", "harvested_on", "quantity_kg"))
    recording = sorted({pid for pid, *_ in recorded_rows})
    per_plot = np.where(np.isin(table.plot_id, recording), 0, 1)
    f = offer_forecast(table.rows, window, unit=table.row_unit(per_plot) if len(table.rows) else None, n_units=2,
                       draws=draws)
    rng = f.window_range(np.ones(len(window), bool), sale=False)
    products = list(f.products)
    rec = {p: 0.0 for p in products}
    rec_month = {p: np.zeros(len(window)) for p in products}
    index = {ym: k for k, ym in enumerate(window)}
    extra: dict[str, float] = {}
    for _pid, code, on, kg in recorded_rows:
        if code in rec:
            rec[code] += float(kg)
            rec_month[code][index[(on.year, on.month)]] += float(kg)
        else:
            extra[code] = extra.get(code, 0.0) + float(kg)
    cmp = track_record({k: v[0] for k, v in rng.items()}, f.kg[0].sum(axis=-1), np.array([rec[p] for p in products]))
    names = product_names()
    rows = []
    for j, p in enumerate(products):
        rows.append({"product": p, "name": names.get(p, p), "recorded_kg": cmp["recorded"][j],
                     "p10": cmp["p10"][j], "p50": cmp["p50"][j], "p90": cmp["p90"][j], "central": cmp["central"][j],
                     "error_kg": cmp["error_kg"][j], "ratio": cmp["ratio"][j], "inside": cmp["inside"][j],
                     "all_plots_p50": float(f.kg_q["p50"][:, j].sum()),
                     "monthly_p50": f.kg_q["p50"][0, j].tolist(), "monthly_recorded": rec_month[p].tolist()})
    return {"as_of": as_of, "window": window, "rows": rows, "n_plots": table.n_plots,
            "n_recording_plots": len(recording), "unforecast_kg": extra}


# ---------------------------------------------------------------------------------------------- matching
def next_occurrences(months: list[int], start: tuple[int, int]) -> list[bool]:
    """Mask over the 12-month window starting at ``start`` of the demand's months."""
    window = month_window(start[0], start[1], MONTHS)
    return [m in set(months) for _y, m in window]


def match_demand(user, demand: Demand, by: str = "group", start: tuple[int, int] | None = None,  # noqa: ANN001
                 draws: int | None = None) -> dict:
    """Which units (groups, municipalities …) can supply the demand in its months, with the P10–P90 range of
    their sale kilograms (harvest minus self-consumption) over those months, largest first."""
    start = start or current_month()
    key = ("match", _scope(user), role_of(user), demand.pk, demand.updated_at, by, start, draws)
    return _cached(key, lambda: _match_demand(user, demand, by, start, draws))


def _match_demand(user, demand: Demand, by: str, start: tuple[int, int], draws: int | None) -> dict:  # noqa: ANN001
    table = offer_table(offer_families(user), product=demand.product.code)
    offer = compute_offer(user, start=start, months=MONTHS, by=by, draws=draws, table=table)
    total = compute_offer(user, start=start, months=MONTHS, by="total", draws=draws, table=table)
    mask = next_occurrences(list(demand.months), start)
    f = offer.forecast
    out = {"demand": demand, "by": offer.by, "window": f.months, "mask": mask, "units": [], "n_plots": offer.n_plots,
           "total_offer": total}
    if demand.product.code not in f.products:
        out.update(total={"p10": 0.0, "p50": 0.0, "p90": 0.0}, coverage=0.0)
        return out
    j = f.products.index(demand.product.code)
    per_unit = f.window_range(mask, sale=True)
    units = []
    for u, label in enumerate(offer.unit_labels):
        p50 = float(per_unit["p50"][u, j])
        if p50 <= 0 and float(per_unit["p90"][u, j]) <= 0:
            continue
        units.append({"id": offer.unit_ids[u], "label": label, "p10": float(per_unit["p10"][u, j]), "p50": p50,
                      "p90": float(per_unit["p90"][u, j]),
                      "monthly_p50": [float(x) for x, m in zip(f.sale_kg_q["p50"][u, j], mask, strict=True) if m]})
    units.sort(key=lambda r: -r["p50"])
    # the range of the total comes from the draws of the total (a one-unit forecast), not from summing ranges
    tot = total.forecast.window_range(mask, sale=True)
    jt = total.forecast.products.index(demand.product.code)
    t = {k: float(v[0, jt]) for k, v in tot.items()}
    out.update(units=units, total=t, coverage=t["p50"] / float(demand.quantity_kg) if demand.quantity_kg else 0.0)
    return out


def product_sheet(user, demand: Demand, start: tuple[int, int] | None = None, draws: int | None = None) -> dict:  # noqa: ANN001
    """What a buyer may receive: product, how much and when (P10–P50–P90 by month), where (municipalities),
    certifications of the supplying producer organisations, and the names of the families that agreed to
    share theirs (:class:`BuyerSharingConsent`); no other personal data."""
    from miaf.web.market.models import ProducerCertification
    from miaf.web.registry.models import Family, Organisation

    start = start or current_month()
    match = match_demand(user, demand, by="municipality", start=start, draws=draws)
    offer = match["total_offer"]
    f = offer.forecast
    months = []
    if demand.product.code in f.products:
        j = f.products.index(demand.product.code)
        for k, (y, m) in enumerate(f.months):
            if match["mask"][k]:
                months.append({"year": y, "month": m, "p10": float(f.sale_kg_q["p10"][0, j, k]),
                               "p50": float(f.sale_kg_q["p50"][0, j, k]), "p90": float(f.sale_kg_q["p90"][0, j, k])})
    table = offer.table
    supplying = np.unique(table.rows.plot[np.asarray(table.rows.quantity) > 0]) if len(table.rows) else np.array([], int)
    fam_ids = sorted({int(table.family_id[i]) for i in supplying})
    org_ids = sorted({int(table.organisation_id[i]) for i in supplying if table.organisation_id[i] >= 0})
    consent = set(BuyerSharingConsent.objects.filter(family_id__in=fam_ids, share_name=True)
                  .values_list("family_id", flat=True))
    names = sorted(Family.objects.filter(pk__in=consent).values_list("name", flat=True))
    certs = list(ProducerCertification.objects.filter(organisation_id__in=org_ids).select_related("organisation"))
    return {"demand": demand, "match": match, "months": months, "n_families": len(fam_ids),
            "named_families": names, "n_named": len(names),
            "organisations": list(Organisation.objects.filter(pk__in=org_ids).values_list("name", flat=True)),
            "certifications": certs, "generated_on": timezone.localdate()}


# ---------------------------------------------------------------------------------------------- writes
BUYER_FIELDS = ("name", "kind", "contact_name", "phone", "email", "place", "products", "certifications_wanted",
                "quality_requirements", "payment_delay_days", "advance_share", "notes", "active")
DEMAND_FIELDS = ("product", "quantity_kg", "months", "price_mxn_kg", "quality", "certifications", "notes")


def _check_numbers(data: dict) -> None:
    errors = {}
    if "quantity_kg" in data and data["quantity_kg"] is not None and Decimal(str(data["quantity_kg"])) <= 0:
        errors["quantity_kg"] = _("La cantidad debe ser mayor que cero.")
    if "price_mxn_kg" in data and data["price_mxn_kg"] is not None and Decimal(str(data["price_mxn_kg"])) <= 0:
        errors["price_mxn_kg"] = _("El precio debe ser mayor que cero.")
    if errors:
        raise ValidationError(errors)


def save_buyer(actor, data: dict[str, Any], instance: Buyer | None = None, organisation=None) -> Buyer:  # noqa: ANN001
    """Create or change a buyer of the actor's directory (coordinators and administrators)."""
    if instance is None:
        if organisation is None:
            organisation = directory_organisations(actor).first()
        if organisation is None:
            raise PermissionDenied(_("Su cuenta no tiene organización: no hay directorio donde registrar."))
        instance = Buyer(organisation=organisation)
    require_directory_writer(actor, instance.organisation)
    for k in BUYER_FIELDS:
        if k in data:
            setattr(instance, k, data[k])
    with transaction.atomic():
        instance.full_clean()
        instance.save()
    return instance


def delete_buyer(actor, buyer: Buyer) -> None:  # noqa: ANN001
    require_directory_writer(actor, buyer.organisation)
    with transaction.atomic():
        buyer.delete()


def save_demand(actor, buyer: Buyer, data: dict[str, Any], instance: Demand | None = None) -> Demand:  # noqa: ANN001
    """Create or change a demand of a buyer (coordinators and administrators of its directory)."""
    require_directory_writer(actor, buyer.organisation)
    if instance is not None and instance.buyer_id != buyer.pk:
        raise PermissionDenied(_("Esa demanda es de otro comprador."))
    _check_numbers(data)
    instance = instance or Demand(buyer=buyer)
    for k in DEMAND_FIELDS:
        if k in data:
            setattr(instance, k, data[k])
    if isinstance(instance.months, list):
        instance.months = sorted(instance.months) if all(isinstance(m, int) and not isinstance(m, bool)
                                                         for m in instance.months) else instance.months
    with transaction.atomic():
        instance.full_clean()
        instance.save()
    return instance


def delete_demand(actor, demand: Demand) -> None:  # noqa: ANN001
    require_directory_writer(actor, demand.buyer.organisation)
    with transaction.atomic():
        demand.delete()


def set_sharing_consent(actor, family, share_name: bool, agreed_on: dt.date | None = None,  # noqa: ANN001
                        notes: str = "") -> BuyerSharingConsent:
    """Record whether a family agrees to show its name to buyers (anyone who may edit the family)."""
    require_in_scope(actor, family)
    with transaction.atomic():
        consent, _created = BuyerSharingConsent.objects.update_or_create(
            family=family, defaults={"share_name": bool(share_name), "agreed_on": agreed_on or timezone.localdate(),
                                     "recorded_by": actor, "notes": notes})
    return consent
