"""Demo buyers, demands and producer certifications (called from ``miaf demo`` with one line).

Deterministic (seeded): one buyer of each kind in the accompanying organisation's directory, each asking for
products the demo plots grow, in those products' harvest months, at the catalogue price × a factor by kind
(``params/market.csv``, rows ``demo_demand_price_factor.*``), for a share of the programme's expected offer
(``demo_demand_share_of_offer``) so that some demands are covered and some are not. Payment delays by kind
come from ``demo_payment_delay_days.*``. Nothing here is a real buyer: the names say "(demostración)".
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np

from miaf.economics.offer import month_window, offer_forecast, offer_parameters
from miaf.params import species

#: (name, kind, products, certifications wanted, advance share, quality requirement)
DEMO_BUYERS = (
    ("Intermediario de la cabecera (demostración)", "intermediary", ("aguacate", "mango", "platano"), (), 0.0,
     "Compra en la parcela, sin clasificar."),
    ("Agroindustria de pulpas (demostración)", "processor", ("mango", "durazno", "guayaba"), ("pgs",), 0.2,
     "Fruta madura sana; merma máxima 10 %."),
    ("Tiendas de la ciudad (demostración)", "retailer", ("aguacate", "limon"), ("organic", "pgs"), 0.0,
     "Calibre parejo, sin golpes, en cajas de 20 kg."),
    ("Desayunos escolares del municipio (demostración)", "institution", ("frijol", "platano"), (), 0.0,
     "Grano limpio y seco (humedad menor a 14 %)."),
    ("Cooperativa vecina (demostración)", "organisation", ("cafe", "aguacate"), ("fair_trade",), 0.3,
     "Café pergamino seco, humedad 10–12 %."),
)


def _harvest_months(code: str) -> list[int]:
    text = species()[code].get("harvest_months") or ""
    return sorted({int(x) for x in text.split(";") if x.strip()})


def load_market(org_id: dict[str, int], seed: int, today=None) -> dict[str, int]:  # noqa: ANN001
    """Create the demo directory of the accompanying organisation ``org_id["__osc__"]``; return counts."""
    from django.utils import timezone

    from miaf.web.catalogue.models import Species
    from miaf.web.market.models import Buyer, Demand, ProducerCertification
    from miaf.web.market.queries import offer_table
    from miaf.web.registry.models import Family, Organisation

    p = offer_parameters()
    rng = np.random.default_rng([int(seed), 12])
    osc = Organisation.objects.get(pk=org_id["__osc__"])
    today = today or timezone.localdate()
    producers = list(Organisation.objects.filter(accompanied_by=osc).order_by("pk"))
    table = offer_table(Family.objects.filter(memberships__group__producer_organisation__in=producers).distinct())
    window = month_window(today.year, today.month)
    forecast = offer_forecast(table.rows, window, draws=0) if len(table.rows) else None
    known = dict(Species.objects.values_list("code", "pk"))
    share = float(p["demo_demand_share_of_offer"])
    buyers = demands = 0
    for name, kind, products, certs, advance, quality in DEMO_BUYERS:
        buyer = Buyer.objects.create(
            organisation=osc, name=name, kind=kind, products=[c for c in products if c in known],
            certifications_wanted=list(certs), quality_requirements=quality,
            payment_delay_days=int(float(p[f"demo_payment_delay_days.{kind}"])), advance_share=advance,
            place="Chiapas", notes="Comprador ficticio del programa de demostración.")
        buyers += 1
        for code in products:
            months = _harvest_months(code) if code in known else []
            if not months:
                continue
            offered = 0.0
            if forecast is not None and code in forecast.products:
                j = forecast.products.index(code)
                mask = np.array([m in months for _y, m in window])
                offered = float(forecast.sale_kg[:, j][:, mask].sum())
            quantity = max(round(offered * share * float(rng.uniform(0.5, 1.5)), -1), 100.0)
            price = float(species()[code]["default_price_mxn_kg"]) * float(p[f"demo_demand_price_factor.{kind}"])
            Demand.objects.create(buyer=buyer, product_id=known[code], quantity_kg=Decimal(f"{quantity:.1f}"),
                                  months=months, price_mxn_kg=Decimal(f"{price:.2f}"), quality=quality,
                                  certifications=list(certs))
            demands += 1
    certs = 0
    if producers:
        ProducerCertification.objects.create(organisation=producers[0], kind="pgs",
                                             certifier="Comité SPG (demostración)")
        certs = 1
    return {"buyers": buyers, "demands": demands, "producer_certifications": certs}
