"""API fixtures: a Bearer token per persona of the shared ``world`` and a JSON client that sends it."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest

API = "/api/v1"


@dataclass
class ApiClient:
    client: object
    token: str | None

    def _headers(self) -> dict:
        return {"HTTP_AUTHORIZATION": f"Bearer {self.token}"} if self.token else {}

    def get(self, path: str, **params):  # noqa: ANN003, ANN201
        return self.client.get(API + path, params, **self._headers())

    def _send(self, method: str, path: str, body):  # noqa: ANN001, ANN201
        send = getattr(self.client, method)
        return send(API + path, data=json.dumps(body), content_type="application/json", **self._headers())

    def post(self, path: str, body):  # noqa: ANN001, ANN201
        return self._send("post", path, body)

    def put(self, path: str, body):  # noqa: ANN001, ANN201
        return self._send("put", path, body)

    def patch(self, path: str, body):  # noqa: ANN001, ANN201
        return self._send("patch", path, body)

    def delete(self, path: str):  # noqa: ANN201
        return self.client.delete(API + path, **self._headers())


@pytest.fixture
def tokens(world) -> dict[str, str]:  # noqa: ANN001
    """``{persona: clear token}`` for carla, ana, beto, diego, root and olga."""
    from miaf.web.accounts.models import ApiToken

    return {name: ApiToken.issue(user, f"token of {name}")[1] for name, user in world.users.items()}


@pytest.fixture
def api_as(client, tokens):  # noqa: ANN001, ANN201
    """``api_as("ana")`` is a client authenticated with ana's token; ``api_as(None)`` sends none."""

    def make(name: str | None) -> ApiClient:
        return ApiClient(client, tokens[name] if name else None)

    return make


@pytest.fixture
def records(world):  # noqa: ANN001, ANN201
    """One record of each kind for fam_ojo / plot_ojo (a harvest with two destinations, 100 kg), an input
    purchase, the attendance of fam_ojo's head at the training, and version 1 of plot_ojo's design (a small
    stored version in the shape ``designer.services.save_design`` writes)."""
    import datetime as dt
    from decimal import Decimal
    from types import SimpleNamespace

    from miaf.web.catalogue.models import Species
    from miaf.web.fieldwork.models import Attendance, TrainingEvent, Visit
    from miaf.web.plots.models import PlotDesign
    from miaf.web.records.models import (
        Harvest,
        HarvestDestination,
        InputPurchase,
        LabourLog,
        LedgerEntry,
        Planting,
    )

    mango = Species.objects.get(code="mango")
    planting = Planting.objects.create(plot=world.plot_ojo, species=mango, planted_on=dt.date(2012, 6, 1),
                                       quantity=Decimal("40"), unit="plants")
    harvest = Harvest.objects.create(plot=world.plot_ojo, species=mango, harvested_on=dt.date(2020, 5, 20),
                                     quantity_kg=Decimal("100"))
    HarvestDestination.objects.create(harvest=harvest, destination="self", kg=Decimal("30"))
    HarvestDestination.objects.create(harvest=harvest, destination="local_market", kg=Decimal("50"),
                                      price_mxn_per_kg=Decimal("12.50"))
    labour = LabourLog.objects.create(family=world.fam_ojo, plot=world.plot_ojo, year=2020, month=5,
                                      activity="harvest", kind="family", person_days=Decimal("3"))
    ledger = LedgerEntry.objects.create(family=world.fam_ojo, year=2020, month=5, kind="income",
                                        category="crop_sale", species=mango, amount_mxn=Decimal("625"))
    visit = Visit.objects.create(family=world.fam_ojo, plot=world.plot_ojo, visited_on=dt.date(2020, 6, 1))
    training = TrainingEvent.objects.create(organisation=world.org_coffee, group=world.group_ojo, kind="training",
                                            title="Poda de frutales", held_on=dt.date(2020, 7, 1))
    input_purchase = InputPurchase.objects.create(
        family=world.fam_ojo, plot=world.plot_ojo, purchased_on=dt.date(2020, 4, 2), item="Composta",
        quantity=Decimal("10"), unit="bultos", cost_mxn=Decimal("850.50"), supplier="Vivero San Juan")
    attendance = Attendance.objects.create(event=training, family=world.fam_ojo, member=world.fam_ojo.members.get())
    design = PlotDesign.objects.create(
        plot=world.plot_ojo, version=1, created_by=world.carla,
        parameters={"inputs": {"species": ["mango"]}, "design_parameters": {}},
        summary={"summary": {"n_trees": 2, "modality": "TMV"}, "bill_of_materials": [{"item": "mango", "quantity": 2}],
                 "labour_by_month": [0.0] * 11 + [1.5],
                 "warnings": [{"code": "few_rows", "message": "Few rows.", "message_es": "Pocas hileras.", "params": {}}]},
        geojson={"type": "FeatureCollection", "features": [
            {"type": "Feature", "geometry": world.plot_ojo.boundary, "properties": {"kind": "plot"}},
            {"type": "Feature", "geometry": {"type": "Point", "coordinates": [-91.9795, 16.3104]},
             "properties": {"kind": "tree", "species": "mango"}},
        ]},
    )
    return SimpleNamespace(planting=planting, harvest=harvest, labour=labour, ledger=ledger, visit=visit,
                           training=training, input_purchase=input_purchase, attendance=attendance, design=design)
