"""The offer calendar as a table (CSV/XLSX through the exports writers) and the buyer directory's tables,
registered in :data:`miaf.web.exports.tables.EXPORTS` by :func:`register`."""

from __future__ import annotations

from collections.abc import Iterator

from miaf.web.exports.columns import Column as C
from miaf.web.exports.columns import TableSpec

OFFER = TableSpec(
    "oferta", "offer_calendar", "calendario de oferta", "offer calendar",
    "Expected harvest of the MIAF-D plots in scope by unit (total, organisation, municipality or group), product "
    "and month for the coming months, with its Monte Carlo range (miaf.economics.offer). Aggregates only.",
    (
        C("unit", "unidad", "unit", "Aggregation unit: Total, an organisation, a municipality or a group."),
        C("product", "producto", "product", "Species code (species.csv)."),
        C("month", "mes", "month", "Calendar month, YYYY-MM."),
        C("kg_central", "kg esperados (valores centrales)", "expected kg (central values)",
          "Harvest with the central value of every parameter.", "kg", dtype="real"),
        C("kg_p10", "kg P10", "kg P10", "10th percentile of the harvest over the Monte Carlo draws.", "kg", dtype="real"),
        C("kg_p50", "kg P50", "kg P50", "Median harvest.", "kg", dtype="real"),
        C("kg_p90", "kg P90", "kg P90", "90th percentile of the harvest.", "kg", dtype="real"),
        C("sale_kg_p10", "kg para venta P10", "sale kg P10", "Harvest minus self-consumption, 10th percentile.", "kg",
          dtype="real"),
        C("sale_kg_p50", "kg para venta P50", "sale kg P50", "Harvest minus self-consumption, median.", "kg", dtype="real"),
        C("sale_kg_p90", "kg para venta P90", "sale kg P90", "Harvest minus self-consumption, 90th percentile.", "kg",
          dtype="real"),
        C("value_mxn", "valor esperado [MXN]", "expected value [MXN]", "Sale kg (central) at the central price.", "MXN",
          dtype="real"),
    ),
)


def offer_rows(offer) -> Iterator[tuple]:  # noqa: ANN001
    for r in offer.forecast.records(unit_labels=offer.unit_labels):
        yield tuple(r[c.name] for c in OFFER.columns)


BUYERS = TableSpec(
    "compradores", "buyers", "compradores", "buyers",
    "The buyer directory of the user's accompanying organisation (market app). Contacts are a person's data.",
    (
        C("name", "comprador", "buyer", "Buyer name."),
        C("kind", "tipo", "kind", "intermediary, organisation, processor, retailer, institution, exporter, other.",
          choices="intermediary;organisation;processor;retailer;institution;exporter;other"),
        C("organisation", "directorio de", "directory of", "Accompanying organisation whose directory holds it.",
          source="organisation__name"),
        C("contact_name", "persona de contacto", "contact person", "Contact at the buyer.", personal=True),
        C("phone", "teléfono", "phone", "Contact phone.", personal=True),
        C("email", "correo", "email", "Contact email.", personal=True),
        C("place", "lugar", "place", "Town or municipality of the buyer."),
        C("products", "productos", "products", "Species codes the buyer buys, separated by ';'."),
        C("certifications_wanted", "certificaciones que pide", "certifications wanted",
          "organic, pgs, fair_trade, gap, none; separated by ';'."),
        C("payment_delay_days", "plazo de pago", "payment delay", "Days from delivery to payment.", "days",
          dtype="integer"),
        C("advance_share", "anticipo", "advance share", "Share of the value paid in advance.", "fraction",
          dtype="real"),
        C("active", "activo", "active", "Whether the buyer is still in business with the organisation.",
          dtype="boolean"),
    ),
)

DEMANDS = TableSpec(
    "demandas", "demands", "demandas de compradores", "buyer demands",
    "What each buyer of the directory asks for: product, kg, months, price, quality, certifications.",
    (
        C("buyer", "comprador", "buyer", "Buyer name.", source="buyer__name"),
        C("product", "producto", "product", "Species code.", source="product__code"),
        C("quantity_kg", "cantidad", "quantity", "Kilograms asked for over the months.", "kg", dtype="real"),
        C("months", "meses", "months", "Months 1–12 separated by ';'."),
        C("price_mxn_kg", "precio", "price", "Price offered.", "MXN/kg", dtype="real"),
        C("quality", "calidad", "quality", "Quality asked for."),
        C("certifications", "certificaciones", "certifications", "Certifications asked for, separated by ';'."),
    ),
)


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
