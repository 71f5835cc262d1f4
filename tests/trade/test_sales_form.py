"""The harvest XLSForm records sales with buyer, channel, price, payment date, transport and quality discount; it
converts with pyxform and its submissions go through the one harvest service."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest
from pyxform.xls2xform import convert

from tests.intake import exportwriters as ew
from tests.intake.conftest import intake_world  # noqa: F401  (fixture)

FORM = Path(__file__).resolve().parents[2] / "forms" / "miaf_harvest.xlsx"


def test_the_harvest_form_converts_with_pyxform_and_asks_for_channel_buyer_price_transport_and_discount():
    warnings: list[str] = []
    xform = convert(xlsform=str(FORM), warnings=warnings).xform
    assert warnings == []
    for name in ("destination", "buyer", "price_mxn_kg", "paid_on", "transport_mxn_kg", "quality_discount_pct"):
        assert f"/sales/{name}" in xform, name
    assert 'version="2026120501"' in xform
    assert ". &gt; 0 and . &lt;= 10000" in xform  # a sale price of zero is refused on the phone too


LAYOUT = ew.FormLayout(
    "miaf_harvest", "Cosecha y venta",
    ["family", "plot", "crop", "harvested_on", "quantity_kg", "@sales", "sold_kg_total", "harvest_notes"],
    {"sales": ["destination", "sale_kg", "price_mxn_kg", "buyer", "paid_on", "transport_mxn_kg",
               "quality_discount_pct"]},
)


@pytest.mark.django_db
def test_an_imported_sale_keeps_its_transport_and_discount_through_the_harvest_service(intake_world, tmp_path,  # noqa: F811
                                                                                      monkeypatch):
    from miaf.web.intake.services import import_files
    from miaf.web.records import services as records
    from miaf.web.records.models import HarvestDestination

    calls = []
    real = records.save_harvest
    monkeypatch.setattr(records, "save_harvest", lambda *a, **k: calls.append(a) or real(*a, **k))
    sub = ew.Sub("b1b2c3d4-0001-4000-8000-000000000001",
                 {"family": "OJO-001", "plot": ew.PLOT_OJO, "crop": "maiz", "harvested_on": "2025-01-20",
                  "quantity_kg": "100", "sold_kg_total": "100"},
                 {"sales": [{"destination": "intermediary", "sale_kg": "100", "price_mxn_kg": "7.50", "buyer": "Don Chepe",
                             "paid_on": "2025-01-20", "transport_mxn_kg": "0.40", "quality_discount_pct": "8"}]},
                 version="2026120501")
    zero = ew.Sub("b1b2c3d4-0002-4000-8000-000000000002",
                  {"family": "OJO-001", "plot": ew.PLOT_OJO, "crop": "maiz", "harvested_on": "2025-01-21",
                   "quantity_kg": "10", "sold_kg_total": "10"},
                  {"sales": [{"destination": "intermediary", "sale_kg": "10", "price_mxn_kg": "0"}]},
                  version="2026120501")
    report = import_files([ew.write_kobo_xlsx(tmp_path / "h.xlsx", LAYOUT, [sub, zero])], "harvest",
                          user=intake_world.carla)
    d = HarvestDestination.objects.get()
    assert (d.transport_mxn_per_kg, d.quality_discount_pct, d.buyer) == (D("0.40"), D("8.00"), "Don Chepe")
    assert len(calls) == 1  # the valid submission went through records.services.save_harvest
    assert report.quarantined == 1  # the sale at price 0 is refused with its reason
