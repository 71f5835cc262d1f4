"""The offer calendar as a table (CSV/XLSX through the exports writers) and the buyer directory's tables,
registered in :data:`miaf.web.exports.tables.EXPORTS` by :func:`register`. Their column specs live with every
other table's in :mod:`miaf.web.exports.columns` (the data dictionary reads them without Django)."""

from __future__ import annotations

from collections.abc import Iterator

from miaf.web.exports.columns import BUYERS, DEMANDS, OFFER

__all__ = ["BUYERS", "DEMANDS", "OFFER", "offer_rows", "register"]


def offer_rows(offer) -> Iterator[tuple]:  # noqa: ANN001
    for r in offer.forecast.records(unit_labels=offer.unit_labels):
        yield tuple(r[c.name] for c in OFFER.columns)


def register() -> None:
    """Add the buyer directory's tables to the exports page (:data:`miaf.web.exports.tables.EXPORTS`)."""
    from miaf.web.exports.tables import EXPORTS, Export
    from miaf.web.market.services import buyers_for, demands_for
    from miaf.web.registry.forms import ScopedFilterForm

    class DirectoryFilterForm(ScopedFilterForm):
        """The list filters do not apply to the directory (no family, locality or group): only ``q``."""

        def apply(self, qs):  # noqa: ANN001, ANN201
            if text := (self.value("q") or "").strip():
                qs = qs.filter(name__icontains=text) if qs.model.__name__ == "Buyer" else \
                    qs.filter(buyer__name__icontains=text)
            return qs

    EXPORTS.setdefault(BUYERS.slug, Export(BUYERS, lambda u: buyers_for(u).order_by("name", "pk"),
                                           DirectoryFilterForm))
    EXPORTS.setdefault(DEMANDS.slug, Export(DEMANDS, lambda u: demands_for(u).order_by("buyer__name", "pk"),
                                            DirectoryFilterForm))
