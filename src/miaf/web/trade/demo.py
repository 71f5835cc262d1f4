"""Trade data of the demo programme, derived from the demo's own records (called after ``miaf demo`` loads).

* The organisation's purchase prices: for every producer organisation, product and month with sales to the
  organisation, the kg-weighted mean price its families got, and the median recorded payment delay.
* Advances: a share of the families with a deficit month in their latest ledger year get an advance of
  that month's deficit (rounded up to 100 MXN) from their organisation; some have repaid it (by harvest).
* Quotes and a collective purchase: in the first groups (by name) whose plots have designs, three supplier
  quotes for the item the group needs most, and the purchase of what remains at the cheapest quote, split
  by the families' needs (each part an input purchase ``collective=True``).

Nothing here sets a figure the pages then "find": shares, values and savings come out of the records.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from decimal import Decimal

import numpy as np
from django.db import transaction
from django.db.models import Q

#: Share of deficit families given an advance, and share of those who repaid it (demo choices, not findings).
ADVANCE_SHARE = 0.3
REPAID_SHARE = 0.5
QUOTE_GROUPS = 6
SUPPLIERS = ("Vivero comunitario", "Agroinsumos de la región", "Proveedor de la cabecera")


def _demo_families():  # noqa: ANN202
    from miaf.web.registry.models import Family

    return Family.objects.filter(origin="demo")


def unload_trade_demo() -> None:
    """Delete the trade rows of the demo (before the demo itself is reset)."""
    from miaf.web.records.models import InputPurchase
    from miaf.web.registry.models import Group
    from miaf.web.trade.models import (
        Advance,
        CollectivePurchase,
        OrganisationPrice,
        PurchaseShare,
        SupplierQuote,
    )

    fams = _demo_families()
    groups = Group.objects.filter(memberships__family__in=fams).distinct()
    with transaction.atomic():
        PurchaseShare.objects.filter(family__in=fams).delete()
        InputPurchase.objects.filter(family__in=fams, collective=True).delete()
        CollectivePurchase.objects.filter(group__in=groups).delete()
        SupplierQuote.objects.filter(group__in=groups).delete()
        Advance.objects.filter(family__in=fams).delete()
        OrganisationPrice.objects.filter(organisation__groups__in=groups).delete()


def _prices(days: float) -> int:
    from miaf.web.records.models import HarvestDestination
    from miaf.web.trade.models import OrganisationPrice

    acc: dict[tuple, list] = defaultdict(lambda: [0.0, 0.0, []])
    rows = (HarvestDestination.objects.filter(destination="organisation", price_mxn_per_kg__gt=0,
                                              harvest__plot__family__origin="demo",
                                              harvest__plot__family__memberships__left_on__isnull=True)
            .values_list("harvest__plot__family__memberships__group__producer_organisation_id",
                         "harvest__species_id", "harvest__harvested_on", "kg", "price_mxn_per_kg", "paid_on"))
    for org, species, when, kg, price, paid in rows.iterator(chunk_size=5000):
        a = acc[org, species, when.year, when.month]
        a[0] += float(kg)
        a[1] += float(kg) * float(price)
        if paid and paid >= when:
            a[2].append((paid - when).days)
    objs = [OrganisationPrice(organisation_id=o, species_id=s, year=y, month=m,
                              price_mxn_per_kg=Decimal(str(round(v / k, 2))),
                              payment_delay_days=int(np.median(d)) if d else int(round(2 * days)),
                              notes="demo: media de las ventas a la organización")
            for (o, s, y, m), (k, v, d) in acc.items() if k > 0]
    OrganisationPrice.objects.bulk_create(objs, batch_size=2000)
    return len(objs)


def _advances(rng: np.random.Generator) -> tuple[int, int]:
    from miaf.household.calendar import household_calendar
    from miaf.web.trade.models import Advance, Repayment
    from miaf.web.trade.sales import _ledger
    from miaf.web.trade.services import current_organisations

    fams = list(_demo_families().values_list("pk", flat=True))
    if not fams:
        return 0, 0
    ledger = _ledger(fams)
    if not len(ledger):
        return 0, 0
    cal = household_calendar(ledger)
    net = cal.net_month  # (G, 12), computed once: the property builds the whole matrix on every access
    deficit = net < 0
    latest: dict[int, tuple[int, int]] = {}
    for i, (f, y) in enumerate(zip(cal.family_id.tolist(), cal.year.tolist(), strict=True)):
        if f not in latest or y > latest[f][0]:
            latest[f] = (int(y), i)
    lender = current_organisations(_demo_families().values("pk"))  # one query, not one per family (100,000 at load-test scale)
    advances, repayments = [], []
    for f, (year, i) in sorted(latest.items()):
        months = np.flatnonzero(deficit[i])
        if not months.size or rng.random() >= ADVANCE_SHARE:
            continue
        if int(f) not in lender:
            continue
        m = int(months[0]) + 1
        amount = Decimal(100 * math.ceil(-float(net[i, m - 1]) / 100))
        given = dt.date(year, m, 1)
        adv = Advance(family_id=int(f), organisation_id=lender[int(f)], given_on=given,
                      amount_mxn=amount, origin="demo", notes="demo: déficit del mes")
        advances.append(adv)
    Advance.objects.bulk_create(advances, batch_size=2000)
    today = dt.date.today()
    for adv in Advance.objects.filter(family__origin="demo"):
        paid_on = min(adv.given_on + dt.timedelta(days=90), today)
        if rng.random() < REPAID_SHARE and paid_on >= adv.given_on:
            repayments.append(Repayment(advance=adv, paid_on=paid_on, amount_mxn=adv.amount_mxn, method="harvest"))
    Repayment.objects.bulk_create(repayments, batch_size=2000)
    return len(advances), len(repayments)


def _purchases(rng: np.random.Generator) -> tuple[int, int]:
    from miaf.web.registry.models import Group
    from miaf.web.trade.needs import group_needs

    groups = (Group.objects.filter(memberships__family__origin="demo", memberships__left_on__isnull=True)
              .filter(Q(memberships__family__plots__designs__isnull=False)).distinct().order_by("name"))
    n_quotes = n_purchases = 0
    for group in groups[:QUOTE_GROUPS]:
        needs = [n for n in group_needs(group) if n.remaining > 0]
        if not needs:
            continue
        need = max(needs, key=lambda n: (n.n_families, n.quantity))
        n_quotes, n_purchases = _quote_and_buy(rng, group, need.item, need.unit, need.remaining, "needs",
                                               n_quotes, n_purchases)
    if n_purchases:
        return n_quotes, n_purchases
    # The demo draws no plot designs: buy instead the replanting seedlings of the tree the group planted most
    # (recorded plantings × the replanting share, miaf.design.replanting_share), split equally.
    from django.db.models import Sum

    from miaf.design import replanting_share
    from miaf.web.records.models import Planting

    replace = float(replanting_share())
    groups = (Group.objects.filter(memberships__family__origin="demo", memberships__left_on__isnull=True)
              .distinct().order_by("name"))
    for group in groups[:QUOTE_GROUPS]:
        top = (Planting.objects.filter(unit="plants", plot__family__memberships__group=group,
                                       plot__family__memberships__left_on__isnull=True)
               .values("species__name_es").annotate(n=Sum("quantity")).order_by("-n").first())
        if not top or not top["n"]:
            continue
        item = f"Plantas de {top['species__name_es'].split(' (')[0]}"
        n_quotes, n_purchases = _quote_and_buy(rng, group, item, "plants", float(top["n"]) * replace, "equal",
                                               n_quotes, n_purchases)
    return n_quotes, n_purchases


def _quote_and_buy(rng: np.random.Generator, group, item: str, unit: str, quantity: float, split: str,  # noqa: ANN001, PLR0913
                   n_quotes: int, n_purchases: int) -> tuple[int, int]:
    from miaf.web.trade import services
    from miaf.web.trade.needs import individual_price

    if quantity <= 0:
        return n_quotes, n_purchases
    ref, _source, _n = individual_price(group.producer_organisation_id, item, unit)
    if ref is None:
        return n_quotes, n_purchases
    quotes = []
    for supplier, factor in zip(SUPPLIERS, rng.uniform(0.7, 1.0, size=3), strict=True):
        quotes.append(services.save_quote(None, {
            "group": group, "item": item, "unit": unit, "supplier": supplier,
            "unit_price": (ref * Decimal(str(round(factor, 2)))).quantize(Decimal("0.01")),
            "quality": str(rng.choice(["high", "standard", "standard"])),
            "delivery_days": int(rng.integers(3, 30)), "quoted_on": dt.date.today() - dt.timedelta(days=30)}))
    best = min(quotes, key=lambda q: (q.unit_price_mxn, q.delivery_days))
    services.record_collective_purchase(None, group, {
        "quantity": Decimal(str(math.ceil(quantity))), "purchased_on": dt.date.today() - dt.timedelta(days=20),
        "split": split, "notes": "demo"}, quote=best)
    return n_quotes + len(quotes), n_purchases + 1


def load_trade_demo(summary=None, seed: int = 2011) -> dict[str, int]:  # noqa: ANN001
    """Write the trade demo rows (replacing earlier ones) and return their counts (added to ``summary.counts``)."""
    from miaf.params import load_parameters

    if summary is not None and getattr(summary, "skipped", False):
        return {}
    rng = np.random.default_rng(seed)
    days = float(load_parameters("economy_pages")["days_per_month"])
    unload_trade_demo()
    with transaction.atomic():
        prices = _prices(days)
        advances, repayments = _advances(rng)
        quotes, purchases = _purchases(rng)
    counts = {"precios de la organización": prices, "anticipos": advances, "pagos de anticipos": repayments,
              "cotizaciones": quotes, "compras colectivas": purchases}
    if summary is not None and hasattr(summary, "counts"):
        summary.counts.update(counts)
    return counts
