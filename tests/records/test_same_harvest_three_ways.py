"""The HTML form, the API and the import of the same harvest write the same rows through the same service.

Each path records 120 kg of mango from plot_ojo on 10 September 2024: 20 kg eaten at home and 100 kg sold
to the producers' organisation at 14.50 MXN/kg, paid on 1 October 2024. A spy wrapped around
``records.services.save_harvest`` proves each path calls it; the stored rows are compared without ids,
origin, provenance and timestamps.
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.urls import reverse

from miaf.web.records import services
from miaf.web.records.models import Harvest, HarvestDestination
from tests.intake import exportwriters as ew

pytestmark = pytest.mark.django_db

HARVEST_COLUMNS = ("plot_id", "species_id", "harvested_on", "quantity_kg", "notes", "created_by_id")
DESTINATION_COLUMNS = ("destination", "kg", "price_mxn_per_kg", "buyer", "paid_on")


@pytest.fixture
def spy(monkeypatch):  # noqa: ANN001, ANN201
    calls: list[str] = []
    real = services.save_harvest

    def save_harvest(actor, data, destinations, instance=None, provenance=None):  # noqa: ANN001, ANN202
        harvest = real(actor, data, destinations, instance=instance, provenance=provenance)
        calls.append(harvest.origin)
        return harvest

    monkeypatch.setattr(services, "save_harvest", save_harvest)
    return calls


def rows_of(harvest: Harvest) -> tuple:
    head = tuple(getattr(harvest, c) for c in HARVEST_COLUMNS)
    dest = sorted(tuple(d[c] for c in DESTINATION_COLUMNS)
                  for d in HarvestDestination.objects.filter(harvest=harvest).values(*DESTINATION_COLUMNS))
    return head, dest


def through_the_form(world, client_for, mango) -> Harvest:  # noqa: ANN001
    response = client_for(world.ana).post(reverse("records:harvest_create", args=[world.fam_ojo.pk]), {
        "plot": world.plot_ojo.pk, "species": mango.pk, "harvested_on": "2024-09-10", "quantity_kg": "120",
        "notes": "", "destinations-TOTAL_FORMS": "2", "destinations-INITIAL_FORMS": "0",
        "destinations-0-destination": "self", "destinations-0-kg": "20",
        "destinations-1-destination": "organisation", "destinations-1-kg": "100",
        "destinations-1-price_mxn_per_kg": "14.50", "destinations-1-buyer": "Cooperativa",
        "destinations-1-paid_on": "2024-10-01"})
    assert response.status_code == 302
    return Harvest.objects.get(origin="manual")


def through_the_api(world, client) -> Harvest:  # noqa: ANN001
    from miaf.web.accounts.models import ApiToken

    token = ApiToken.issue(world.ana, "three ways")[1]
    body = {"plot": world.plot_ojo.pk, "species": "mango", "harvested_on": "2024-09-10", "quantity_kg": "120",
            "destinations": [{"destination": "self", "kg": "20"},
                             {"destination": "organisation", "kg": "100", "price_mxn_per_kg": "14.50",
                              "buyer": "Cooperativa", "paid_on": "2024-10-01"}]}
    response = client.post("/api/v1/harvests", data=json.dumps(body), content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 201, response.content
    return Harvest.objects.get(pk=response.json()["id"])


def through_the_import(world, tmp_path, origin_sid: str) -> Harvest:  # noqa: ANN001
    from miaf.web.intake.services.importer import import_files

    sub = ew.Sub(origin_sid, {"family": "OJO-001", "plot": str(world.plot_ojo.pk), "crop": "mango",
                              "harvested_on": "2024-09-10", "quantity_kg": "120", "sold_kg_total": "100"},
                 {"sales": [{"destination": "self", "sale_kg": "20"},
                            {"destination": "organisation", "sale_kg": "100", "price_mxn_kg": "14.50",
                             "buyer": "Cooperativa", "paid_on": "2024-10-01"}]})
    report = import_files([ew.write_odk_zip(tmp_path / f"{origin_sid[-4:]}.zip", ew.HARVEST, [sub])], "harvest",
                          user=world.ana)
    assert report.imported == 1, report
    return Harvest.objects.get(submission_id=origin_sid)


def test_the_form_the_api_and_the_import_write_the_same_harvest_through_the_same_service(
        world, client_for, client, mango, spy, tmp_path):
    by_form = through_the_form(world, client_for, mango)
    by_api = through_the_api(world, client)
    by_import = through_the_import(world, tmp_path, "uuid:3a3b3c3d-0001-4000-8000-000000000001")
    assert spy == ["manual", "api", "import"]
    assert rows_of(by_form) == rows_of(by_api) == rows_of(by_import)
    head, destinations = rows_of(by_form)
    assert head[3] == Decimal("120") and len(destinations) == 2


def test_the_bulk_import_path_writes_the_same_rows_with_the_services_row_builder(
        world, client_for, mango, tmp_path, monkeypatch):
    from miaf.web.intake.services.handlers import HarvestHandler

    built = []
    real = services.harvest_destination_rows
    monkeypatch.setattr(services, "harvest_destination_rows", lambda *a: built.append(a) or real(*a))
    monkeypatch.setattr(HarvestHandler, "bulk_threshold", 0)
    by_form = through_the_form(world, client_for, mango)
    by_import = through_the_import(world, tmp_path, "uuid:3a3b3c3d-0002-4000-8000-000000000002")
    assert len(built) == 1
    assert rows_of(by_form) == rows_of(by_import)
