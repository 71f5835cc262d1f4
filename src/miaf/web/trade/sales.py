"""Bulk loader of sales for the side-selling model: every sold harvest destination of a set of working
groups as :class:`miaf.economics.sidesell.Sales` columns, with a fixed number of queries.

It computes nothing: :mod:`miaf.economics.sidesell` does. What it decides is how each sale is described:

* **channel**: the harvest destination. ``organisation`` stays the organisation; ``intermediary``,
  ``local_market`` and ``other`` are *outside* the organisation and enter the model as the outside offer
  (code 1), each with its own recorded price, delay, transport and quality discount.
* **the organisation's offer** for a sale: the sale's own price when it went to the organisation
  (``recorded``), else the organisation's purchase price for that product and month (``offer``,
  :class:`~miaf.web.trade.models.OrganisationPrice`), else the kg-weighted mean price the group's
  families got from the organisation that month (``group_month``) or year (``group_year``), else the
  catalogue price (``catalogue``). The same order as the family page
  (:func:`miaf.web.economy.services.family_sales_detail`) with the organisation's published offer added.
* **payment delay**: ``paid_on − harvested_on`` where the payment date was recorded; for the organisation's
  offer on an outside sale, the offer's ``payment_delay_days``; otherwise the model's default.
* **in deficit**: the family's household calendar (ledger income − expense, :mod:`miaf.household.calendar`)
  is negative in the month of the harvest; years without ledger lines count as not in deficit and are
  counted in ``in_deficit_known``.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from django.db.models import FloatField
from django.db.models.functions import Cast

from miaf.economics.sidesell import Sales
from miaf.household.calendar import HouseholdCalendar, Ledger, household_calendar
from miaf.params import load_parameters, species

OUTSIDE = ("intermediary", "local_market", "other")
CHANNELS = ("organisation", "intermediary", "other")  # as reported: local markets count with "other"


def channel_of(destination: str) -> str:
    """The reported channel of a harvest destination (``organisation``, ``intermediary`` or ``other``)."""
    return destination if destination in ("organisation", "intermediary") else "other"


@dataclass
class SalesTable:
    """Sales of the selected groups as model columns, plus how each was described."""

    sales: Sales
    species: list[str]
    year: list[int]
    channel: list[str]  # organisation | intermediary | other (per sale)
    org_price_source: list[str]  # recorded | offer | group_month | group_year | catalogue
    in_deficit_known: list[bool]
    organisation_id: dict[int, int]  # group id → producer organisation id
    excluded: int = 0  # sales left out: no organisation price for their product anywhere

    def __len__(self) -> int:
        return len(self.species)


def _f(x) -> float:  # noqa: ANN001
    return float(x) if x is not None else math.nan


def _memberships(group_ids: Iterable[int]) -> tuple[dict[int, int], dict[int, int]]:
    from miaf.web.registry.models import Membership

    fam_group: dict[int, int] = {}
    org: dict[int, int] = {}
    rows = (Membership.objects.filter(group_id__in=list(group_ids), left_on__isnull=True)
            .values_list("family_id", "group_id", "group__producer_organisation_id"))
    for fam, group, organisation in rows:
        fam_group[fam] = group
        org[group] = organisation
    return fam_group, org


def _ledger(family_ids: list[int]) -> Ledger:
    """Income and expense lines of the families (the cash that sets a deficit month)."""
    from miaf.web.economy.services import EXPENSE_DESTINATION, INCOME_SOURCE
    from miaf.web.records.models import LedgerEntry

    rows = list(LedgerEntry.objects.filter(family_id__in=family_ids)
                .annotate(amount_f=Cast("amount_mxn", FloatField()))  # floats for the science: no Decimal per row
                .values_list("family_id", "year", "month", "kind", "category", "species__code", "amount_f"))
    cats = []
    for _fam, _y, _m, kind, cat, code, _a in rows:
        if kind == "income":
            cats.append(code if cat == "crop_sale" and code else INCOME_SOURCE[cat])
        else:
            cats.append(EXPENSE_DESTINATION[cat])
    cols = list(zip(*rows, strict=True)) if rows else [()] * 7
    return Ledger(family_id=np.asarray(cols[0], dtype=np.int64), year=np.asarray(cols[1], dtype=np.int64),
                  month=np.asarray(cols[2], dtype=np.int64), kind=np.asarray(cols[3], dtype=object),
                  category=np.asarray(cats, dtype=object), amount=np.asarray([_f(a) for a in cols[6]], dtype=float))


def load_sales(group_ids: Iterable[int], year: int | None = None, families: Iterable[int] | None = None,  # noqa: C901, PLR0912, PLR0915
               calendar: HouseholdCalendar | None = None) -> SalesTable:
    """Every sale (harvest destination other than self-consumption) of the families now in ``group_ids``.

    ``families`` keeps only those families' sales (the family economy page: one family) while the group
    means of the organisation's price still come from every family of the groups; a family of ``families``
    with no current group in ``group_ids`` counts as group 0 (only its own sales fill its means).
    ``calendar`` replaces the families' household calendar built from their ledger lines (the family page
    passes the one it shows, with its own food)."""
    from miaf.web.records.models import HarvestDestination
    from miaf.web.trade.models import OrganisationPrice

    days = float(load_parameters("economy_pages")["days_per_month"])
    fam_group, org_of_group = _memberships(group_ids)
    only = None if families is None else {int(f) for f in families}
    for f in only or ():
        fam_group.setdefault(f, 0)
    families = list(fam_group)
    qs = (HarvestDestination.objects.filter(harvest__plot__family_id__in=families)
          .exclude(destination="self").exclude(price_mxn_per_kg__isnull=True).exclude(kg__lte=0))
    if year is not None:
        qs = qs.filter(harvest__harvested_on__year=year)
    real = {f"{name}_f": Cast(name, FloatField()) for name in (
        "kg", "price_mxn_per_kg", "transport_mxn_per_kg", "quality_discount_pct")}  # no Decimal per row
    rows = list(qs.order_by("harvest__harvested_on", "pk").annotate(**real).values_list(
        "harvest__plot__family_id", "harvest__species__code", "harvest__harvested_on", "destination", "kg_f",
        "price_mxn_per_kg_f", "paid_on", "transport_mxn_per_kg_f", "quality_discount_pct_f"))
    offers = {(o, c, y, m): (float(p), float(d)) for o, c, y, m, p, d in OrganisationPrice.objects.filter(
        organisation_id__in=set(org_of_group.values())).values_list(
        "organisation_id", "species__code", "year", "month", "price_mxn_per_kg", "payment_delay_days")}
    by_month: dict[tuple, list[float]] = defaultdict(lambda: [0.0, 0.0])
    by_year: dict[tuple, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for fam, code, when, dest, kg, price, *_ in rows:
        if dest == "organisation":
            g = fam_group[fam]
            for acc in (by_month[g, code, when.year, when.month], by_year[g, code, when.year]):
                acc[0] += float(kg)
                acc[1] += float(kg) * float(price)
    catalogue = species()
    if only is not None:  # the group means above came from every family; the sales are only these
        rows = [r for r in rows if r[0] in only]
    if calendar is None and families:
        ledger = _ledger(sorted(only) if only is not None else families)
        calendar = household_calendar(ledger) if len(ledger) else None
    cols: dict[str, list] = defaultdict(list)
    meta: dict[str, list] = defaultdict(list)
    excluded = 0
    for fam, code, when, dest, kg, price, paid_on, transport, quality in rows:
        g = fam_group[fam]
        outside = dest in OUTSIDE
        price = float(price)
        delay = (paid_on - when).days / days if paid_on and paid_on >= when else math.nan
        offer = offers.get((org_of_group.get(g), code, when.year, when.month))
        if not outside:
            org_price, source = price, "recorded"
        elif offer is not None:
            org_price, source = offer[0], "offer"
        elif (m := by_month.get((g, code, when.year, when.month))) and m[0] > 0:
            org_price, source = m[1] / m[0], "group_month"
        elif (y := by_year.get((g, code, when.year))) and y[0] > 0:
            org_price, source = y[1] / y[0], "group_year"
        else:
            org_price, source = float((catalogue.get(code) or {}).get("default_price_mxn_kg") or math.nan), "catalogue"
        if math.isnan(org_price):  # no price of the organisation anywhere (not even in the catalogue)
            excluded += 1
            continue
        org_delay = delay if not outside else (offer[1] / days if offer is not None else math.nan)
        if not outside and math.isnan(delay) and offer is not None:
            org_delay = offer[1] / days
        q = _f(quality) / 100.0
        cols["family_id"].append(fam)
        cols["group_id"].append(g)
        cols["month"].append(when.month)
        cols["kg"].append(float(kg))
        cols["channel"].append(1 if outside else 0)
        cols["org_price"].append(org_price)
        cols["int_price"].append(price if outside else math.nan)
        cols["org_delay_months"].append(org_delay)
        cols["int_delay_months"].append(delay if outside else math.nan)
        cols["org_transport_mxn_kg"].append(math.nan if outside else _f(transport))
        cols["int_transport_mxn_kg"].append(_f(transport) if outside else math.nan)
        cols["org_quality_discount"].append(math.nan if outside else q)
        cols["int_quality_discount"].append(q if outside else math.nan)
        meta["species"].append(code)
        meta["year"].append(when.year)
        meta["channel"].append(channel_of(dest))
        meta["source"].append(source)
    # the family's calendar row of each sale, looked up for all sales at once
    n = len(cols["kg"])
    deficit, known = np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
    if calendar is not None and len(calendar) and n:
        r = calendar.rows(np.asarray(cols["family_id"]), np.asarray(meta["year"]))
        known = r >= 0
        deficit[known] = calendar.deficit[r[known], np.asarray(cols["month"])[known] - 1]
    cols["in_deficit"] = list(deficit)
    meta["known"] = [bool(k) for k in known]
    ints = ("family_id", "group_id", "month")
    arrays = {k: np.asarray(cols[k], dtype=np.int64 if k in ints else float)
              for k in ("family_id", "group_id", "month", "kg", "org_price", "int_price", "org_delay_months",
                        "int_delay_months", "org_transport_mxn_kg", "int_transport_mxn_kg", "org_quality_discount",
                        "int_quality_discount")}
    sales = Sales(channel=np.asarray(cols["channel"], dtype=np.int8),
                  in_deficit=np.asarray(cols["in_deficit"], dtype=bool), **arrays)
    return SalesTable(sales=sales, species=meta["species"], year=meta["year"], channel=meta["channel"],
                      org_price_source=meta["source"], in_deficit_known=meta["known"],
                      organisation_id=org_of_group, excluded=excluded)
