"""A working group's input needs and the saving of buying together.

Needs come from the bill of materials of each plot's latest design (:func:`miaf.design.materials.bill_of_materials`,
stored in the design's summary by the designer): seedlings per species, maize and bean seed, stakes, organic
fertiliser (compost). They are summed per item and unit over the plots of the families now in the group.

The individual price of an input (what a family pays buying alone) is, in this order: the reference price
entered on the purchase; the median unit price of the recorded individual purchases (``collective=False``)
of the same item and unit by families of the same producer organisation; for plants, the catalogue's
``plant_price_mxn`` (``params/economics.csv``). Without any of them the saving is not computed.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

from miaf.params import load_parameters


def _group_families(group) -> list[int]:  # noqa: ANN001
    from miaf.web.registry.models import Membership

    return list(Membership.objects.filter(group=group, left_on__isnull=True).values_list("family_id", flat=True))


def _bom_rows(family_ids: list[int]) -> list[tuple[int, dict]]:
    """(family id, bill-of-materials line) of the latest design of every plot of the families."""
    from miaf.web.plots.models import PlotDesign

    seen: set[int] = set()
    out = []
    for plot_id, family_id, summary in (PlotDesign.objects.filter(plot__family_id__in=family_ids)
                                        .order_by("plot_id", "-version")
                                        .values_list("plot_id", "plot__family_id", "summary")):
        if plot_id in seen:
            continue
        seen.add(plot_id)
        summary = summary or {}
        items = summary.get("bill_of_materials") or (summary.get("summary") or {}).get("bill_of_materials") or []
        out.extend((family_id, i) for i in items if isinstance(i, dict) and i.get("quantity") is not None)
    return out


def _label(line: dict) -> str:
    return str(line.get("item_es") or line.get("item") or "")


@dataclass
class Need:
    item: str
    unit: str
    quantity: float
    n_families: int
    bought: float  # already bought collectively by the group [unit]

    @property
    def remaining(self) -> float:
        return max(self.quantity - self.bought, 0.0)


def group_needs(group) -> list[Need]:  # noqa: ANN001
    """The group's needs per item and unit, summed over its families' latest plot designs."""
    from .models import CollectivePurchase

    families = _group_families(group)
    qty: dict[tuple[str, str], float] = defaultdict(float)
    fams: dict[tuple[str, str], set[int]] = defaultdict(set)
    for fam, line in _bom_rows(families):
        key = (_label(line), str(line.get("unit", "")))
        qty[key] += float(line["quantity"])
        fams[key].add(fam)
    bought = {(i, u): float(q) for i, u, q in CollectivePurchase.objects.filter(group=group)
              .values("item", "unit").annotate(q=Sum("quantity")).values_list("item", "unit", "q")}
    return [Need(item=i, unit=u, quantity=q, n_families=len(fams[i, u]), bought=bought.get((i, u), 0.0))
            for (i, u), q in sorted(qty.items())]


def family_needs(group, item: str, unit: str) -> dict[int, float]:  # noqa: ANN001
    """Quantity of ``item`` (Spanish label, as on the needs list) in ``unit`` each family's designs ask for."""
    out: dict[int, float] = defaultdict(float)
    for fam, line in _bom_rows(_group_families(group)):
        if _label(line).casefold() == item.casefold() and str(line.get("unit", "")).casefold() == unit.casefold():
            out[fam] += float(line["quantity"])
    return dict(out)


def individual_price(organisation_id: int, item: str, unit: str) -> tuple[Decimal | None, str, int]:
    """(unit price [MXN/unit], source, number of purchases) a family pays buying ``item`` alone."""
    from miaf.web.records.models import InputPurchase

    rows = (InputPurchase.objects.filter(collective=False, item__iexact=item, unit__iexact=unit, quantity__gt=0,
                                         family__memberships__group__producer_organisation_id=organisation_id)
            .distinct().values_list("cost_mxn", "quantity"))
    prices = [Decimal(c) / Decimal(q) for c, q in rows]
    need = int(float(load_parameters("trade")["individual_price_min_purchases"]))
    if len(prices) >= need and prices:
        return Decimal(statistics.median(prices)).quantize(Decimal("0.01")), "recorded", len(prices)
    if unit.casefold() in ("plants", "plantas"):
        return Decimal(str(float(load_parameters("economics")["plant_price_mxn"]))), "params", 0
    return None, "none", 0


def saving(purchase) -> dict:  # noqa: ANN001
    """The saving of a collective purchase against buying individually [MXN], with where the price came from."""
    if purchase.individual_unit_price_mxn is not None:
        price, source, n = purchase.individual_unit_price_mxn, "entered", 0
    else:
        price, source, n = individual_price(purchase.group.producer_organisation_id, purchase.item, purchase.unit)
    if price is None:
        return {"individual_unit_price_mxn": None, "source": source, "n_purchases": n, "saving_mxn": None,
                "saving_share": None}
    individual_total = Decimal(price) * purchase.quantity
    save = (individual_total - purchase.total_mxn).quantize(Decimal("0.01"))
    return {"individual_unit_price_mxn": Decimal(price), "source": source, "n_purchases": n, "saving_mxn": save,
            "saving_share": float(save / individual_total) if individual_total else None}


def compare_quotes(quotes) -> list[dict]:  # noqa: ANN001
    """Quotes per item, cheapest (in MXN) first, flagging the cheapest and the fastest of each item and unit."""
    by_item: dict[tuple[str, str], list] = defaultdict(list)
    for q in quotes:
        by_item[q.item.casefold(), q.unit.casefold()].append(q)
    out = []
    for (_item, _unit), qs in sorted(by_item.items()):
        qs.sort(key=lambda q: (q.unit_price_mxn, q.delivery_days, q.pk))
        fastest = min(q.delivery_days for q in qs)
        cheapest = qs[0].unit_price_mxn
        out.append({"item": qs[0].item, "unit": qs[0].unit, "quotes": [
            {"quote": q, "unit_price_mxn": q.unit_price_mxn, "cheapest": q.unit_price_mxn == cheapest,
             "fastest": q.delivery_days == fastest,
             "over_cheapest_share": float(q.unit_price_mxn / cheapest - 1) if cheapest else None} for q in qs]})
    return out
