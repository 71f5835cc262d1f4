"""The organisation's offer to its members: prices by product and month, advances and their repayments."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.api.conftest import api_as, tokens  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


def _mango():  # noqa: ANN202
    from miaf.web.catalogue.models import Species

    return Species.objects.get(code="mango")


def test_a_coordinator_records_a_price_and_a_promoter_cannot(world):
    from miaf.web.trade import services
    from miaf.web.trade.models import OrganisationPrice

    data = {"organisation": world.org_coffee, "species": _mango(), "year": 2020, "month": 6,
            "price_mxn_per_kg": D("9.50"), "payment_delay_days": 30}
    services.save_price(world.carla, dict(data))
    assert OrganisationPrice.objects.get().price_mxn_per_kg == D("9.50")
    with pytest.raises(PermissionDenied):
        services.save_price(world.ana, {**data, "month": 7})
    with pytest.raises(PermissionDenied):  # another organisation's coordinator
        services.save_price(world.olga, {**data, "month": 7})
    assert OrganisationPrice.objects.count() == 1


@pytest.mark.parametrize(("change", "field"), [({"month": 13}, "month"), ({"price_mxn_per_kg": D("0")}, "price_mxn_per_kg"),
                                               ({"payment_delay_days": -1}, "payment_delay_days")])
def test_a_bad_price_is_refused_with_a_clear_error_and_nothing_saved(world, change, field):
    from miaf.web.trade import services
    from miaf.web.trade.models import OrganisationPrice

    data = {"organisation": world.org_coffee, "species": _mango(), "year": 2020, "month": 6,
            "price_mxn_per_kg": D("9.50"), "payment_delay_days": 30, **change}
    with pytest.raises(ValidationError) as exc:
        services.save_price(world.carla, data)
    assert field in exc.value.message_dict
    assert not OrganisationPrice.objects.exists()


def test_advance_balance_is_the_amount_less_its_repayments(world):
    from miaf.web.trade import services

    adv = services.save_advance(world.ana, {"family": world.fam_ojo, "given_on": dt.date(2020, 4, 1),
                                            "amount_mxn": D("1500"), "kind": "advance"})
    assert adv.organisation == world.org_coffee  # the family's organisation lends
    services.add_repayment(world.ana, adv, {"paid_on": dt.date(2020, 6, 1), "amount_mxn": D("600"), "method": "harvest"})
    services.add_repayment(world.ana, adv, {"paid_on": dt.date(2020, 7, 1), "amount_mxn": D("400"), "method": "cash"})
    # 1,500 − 600 − 400 = 500 MXN
    assert services.advance_balance(adv) == D("500")
    rows = services.family_balances(world.fam_ojo.__class__.objects.all())
    assert [(r["family"].code, r["advanced_mxn"], r["repaid_mxn"], r["balance_mxn"]) for r in rows] == [
        ("OJO-001", D("1500"), D("1000"), D("500"))]


def test_an_advance_repaid_twice_is_refused(world):
    from miaf.web.trade import services

    adv = services.save_advance(world.carla, {"family": world.fam_ojo, "given_on": dt.date(2020, 4, 1),
                                              "amount_mxn": D("800")})
    services.add_repayment(world.carla, adv, {"paid_on": dt.date(2020, 6, 1), "amount_mxn": D("800")})
    with pytest.raises(ValidationError) as exc:
        services.add_repayment(world.carla, adv, {"paid_on": dt.date(2020, 6, 1), "amount_mxn": D("800")})
    assert "saldo de 0.00 MXN" in exc.value.message_dict["amount_mxn"][0]
    assert adv.repayments.count() == 1


def test_a_promoter_cannot_give_or_repay_an_advance_of_another_groups_family(world):
    from miaf.web.trade import services
    from miaf.web.trade.models import Advance

    with pytest.raises(PermissionDenied):
        services.save_advance(world.ana, {"family": world.fam_vergel, "given_on": dt.date(2020, 4, 1),
                                          "amount_mxn": D("100")})
    adv = services.save_advance(world.beto, {"family": world.fam_vergel, "given_on": dt.date(2020, 4, 1),
                                             "amount_mxn": D("100")})
    with pytest.raises(PermissionDenied):
        services.add_repayment(world.ana, adv, {"paid_on": dt.date(2020, 5, 1), "amount_mxn": D("10")})
    with pytest.raises(PermissionDenied):
        services.save_advance(world.diego, {"family": world.fam_ojo, "given_on": dt.date(2020, 4, 1),
                                           "amount_mxn": D("100")})
    assert Advance.objects.count() == 1 and not adv.repayments.exists()


def test_a_sale_price_of_zero_is_refused_by_the_harvest_service(world):
    from miaf.web.records import services as records
    from miaf.web.records.models import Harvest

    with pytest.raises(ValidationError) as exc:
        records.save_harvest(world.ana, {"plot": world.plot_ojo, "species": _mango(),
                                         "harvested_on": dt.date(2020, 5, 1), "quantity_kg": D("10")},
                             [{"destination": "intermediary", "kg": D("10"), "price_mxn_per_kg": D("0")}])
    assert "destinations.0.price_mxn_per_kg" in exc.value.message_dict
    assert not Harvest.objects.exists()


def test_transport_and_quality_discount_are_saved_through_the_one_harvest_service(world, monkeypatch):
    """The web form, the API and the import all reach records.services.save_harvest; its row builder carries the
    new columns."""
    from miaf.web.records import services as records
    from miaf.web.records.models import HarvestDestination

    calls = []
    real = records.save_harvest

    def spy(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(records, "save_harvest", spy)
    client_post = _post_harvest_form(world, monkeypatch)
    assert client_post.status_code == 302
    assert len(calls) == 1
    d = HarvestDestination.objects.get()
    assert (d.transport_mxn_per_kg, d.quality_discount_pct, d.buyer) == (D("0.75"), D("5.00"), "Coyote")
    assert (d.paid_on - d.harvest.harvested_on).days == 15


def _post_harvest_form(world, monkeypatch):  # noqa: ANN001, ANN202
    from django.test import Client
    from django.urls import reverse

    client = Client()
    client.force_login(world.ana)
    return client.post(reverse("records:harvest_create", args=[world.fam_ojo.pk]), {
        "plot": world.plot_ojo.pk, "species": _mango().pk, "harvested_on": "2020-05-01", "quantity_kg": "10",
        "notes": "", "destinations-TOTAL_FORMS": "1", "destinations-INITIAL_FORMS": "0",
        "destinations-0-destination": "intermediary", "destinations-0-kg": "10",
        "destinations-0-price_mxn_per_kg": "8", "destinations-0-buyer": "Coyote",
        "destinations-0-payment_delay_days": "15", "destinations-0-transport_mxn_per_kg": "0.75",
        "destinations-0-quality_discount_pct": "5",
    })


def test_the_api_records_transport_and_quality_discount_through_the_harvest_service(world, api_as, monkeypatch):  # noqa: F811
    from miaf.web.records import services as records
    from miaf.web.records.models import HarvestDestination

    calls = []
    real = records.save_harvest
    monkeypatch.setattr(records, "save_harvest", lambda *a, **k: calls.append(a) or real(*a, **k))
    response = api_as("ana").post("/harvests", {
        "plot": world.plot_ojo.pk, "species": "mango", "harvested_on": "2020-05-01", "quantity_kg": "10",
        "destinations": [{"destination": "intermediary", "kg": "10", "price_mxn_per_kg": "8", "buyer": "Coyote",
                          "transport_mxn_per_kg": "0.30", "quality_discount_pct": "12.5"}]})
    assert response.status_code == 201, response.content
    assert response.json()["destinations"][0]["quality_discount_pct"] == "12.50"
    d = HarvestDestination.objects.get()
    assert (d.transport_mxn_per_kg, d.quality_discount_pct) == (D("0.30"), D("12.50"))
    assert len(calls) == 1
    bad = api_as("ana").post("/harvests", {
        "plot": world.plot_ojo.pk, "species": "mango", "harvested_on": "2020-05-01", "quantity_kg": "10",
        "destinations": [{"destination": "intermediary", "kg": "10", "price_mxn_per_kg": "0"}]})
    assert bad.status_code == 422 and HarvestDestination.objects.count() == 1
