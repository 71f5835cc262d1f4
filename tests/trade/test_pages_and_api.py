"""Trade pages and API by role: promoters their groups, coordinators all, analysts aggregates only."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from django.urls import reverse

from tests.api.conftest import api_as, tokens  # noqa: F401  (fixtures)
from tests.trade.conftest import add_family, hand_case

pytestmark = pytest.mark.django_db

PAGES = ["trade:sidesell", "trade:prices", "trade:advances", "trade:purchases"]
#: the analyst opens the aggregate pages only
ANALYST_OPEN = {"trade:sidesell", "trade:prices"}


@pytest.mark.parametrize("persona", ["root", "carla", "ana", "diego", "olga"])
@pytest.mark.parametrize("name", PAGES)
def test_each_page_answers_each_role(world, client_for, name, persona):
    response = client_for(getattr(world, persona)).get(reverse(name))
    expected = 403 if persona == "diego" and name not in ANALYST_OPEN else 200
    assert response.status_code == expected


def test_the_analyst_side_selling_page_shows_groups_of_five_families_and_no_family(world, client_for, offer):
    hand_case(world.plot_ojo, world.fam_ojo)
    for i in range(4):
        fam, plot = add_family(world, f"OJO-20{i}", world.group_ojo)
        hand_case(plot, fam)
    hand_case(world.plot_vergel, world.fam_vergel)
    html = client_for(world.diego).get(reverse("trade:sidesell")).content.decode()
    assert 'data-key="share_outside">60' in html  # 60 % sold outside, over six families
    assert "Ojo de Agua" in html and "menos de 5 familias" in html  # El Vergel (one family) suppressed
    for text in ("OJO-001", "VER-001", "OJO-200", "Gómez", "López", "/economia/familia/"):
        assert text not in html, text


def test_a_promoter_sees_only_her_groups_families(world, client_for, offer):
    hand_case(world.plot_ojo, world.fam_ojo)
    hand_case(world.plot_vergel, world.fam_vergel)
    html = client_for(world.ana).get(reverse("trade:sidesell")).content.decode()
    assert "OJO-001" in html and "VER-001" not in html and "El Vergel" not in html


def test_the_assumptions_form_recomputes_the_what_ifs(world, client_for, offer):
    hand_case(world.plot_ojo, world.fam_ojo)
    client = client_for(world.carla)
    default = client.get(reverse("trade:sidesell")).context["r"]
    small = client.get(reverse("trade:sidesell"), {"advance_pct": "10"}).context["r"]
    # 50 % advance (default) wins the 60 kg back; 10 % does not (tests/trade/test_sidesell.py)
    assert default["whatifs"]["advance"]["share_prevented"] == pytest.approx(1.0)
    assert small["whatifs"]["advance"]["share_prevented"] == pytest.approx(0.0)
    assert small["assumptions"]["advance_share"] == pytest.approx(0.10)


def test_a_coordinator_records_a_price_from_the_page_and_a_promoter_cannot(world, client_for):
    from miaf.web.catalogue.models import Species
    from miaf.web.trade.models import OrganisationPrice

    data = {"organisation": world.org_coffee.pk, "species": Species.objects.get(code="mango").pk, "year": "2020",
            "month": "5", "price_mxn_per_kg": "9.5", "payment_delay_days": "30"}
    assert client_for(world.ana).post(reverse("trade:prices"), data).status_code == 403
    assert client_for(world.carla).post(reverse("trade:prices"), data).status_code == 302
    assert OrganisationPrice.objects.get().price_mxn_per_kg == D("9.50")


def test_a_repayment_from_the_family_page_lowers_the_balance_and_a_double_one_is_refused(world, client_for):
    from miaf.web.trade import services

    adv = services.save_advance(world.ana, {"family": world.fam_ojo, "given_on": dt.date(2020, 4, 1),
                                            "amount_mxn": D("500")})
    client = client_for(world.ana)
    url = reverse("trade:family_advances", args=[world.fam_ojo.pk])
    body = {"advance": adv.pk, "paid_on": "2020-06-01", "amount_mxn": "500", "method": "cash"}
    assert client.post(url, body).status_code == 302
    again = client.post(url, body)
    assert again.status_code == 200 and "mayor que el saldo" in again.content.decode()
    assert services.advance_balance(adv) == D("0")
    assert client_for(world.beto).post(url, body).status_code == 404  # not his family


def test_the_group_purchase_page_records_a_quote_and_a_purchase(world, client_for):
    from miaf.web.trade.models import CollectivePurchase

    client = client_for(world.ana)
    url = reverse("trade:group_purchases", args=[world.group_ojo.pk])
    r = client.post(url, {"action": "quote", "q-item": "Abono orgánico", "q-unit": "kg", "q-supplier": "Compostera",
                          "q-unit_price": "4.5", "q-currency": "MXN", "q-quality": "standard",
                          "q-delivery_days": "5", "q-quoted_on": "2020-03-01"})
    assert r.status_code == 302
    quote = world.group_ojo.supplier_quotes.get()
    r = client.post(url, {"action": "purchase", "p-quote": quote.pk, "p-item": "Abono orgánico", "p-unit": "kg",
                          "p-quantity": "100", "p-split": "equal", "p-purchased_on": "2020-04-01"})
    assert r.status_code == 302
    p = CollectivePurchase.objects.get()
    assert p.total_mxn == D("450.00") and p.shares.get().cost_mxn == D("450.00")
    assert client_for(world.beto).get(url).status_code == 404


# --------------------------------------------------------------------------------------------------- API


def test_api_sidesell_gives_analysts_aggregates_only(world, api_as, offer):  # noqa: F811
    hand_case(world.plot_ojo, world.fam_ojo)
    body = api_as("diego").get("/trade/sidesell").json()
    assert body["suppressed_all"] and body["overall"] is None and body["families"] == []
    full = api_as("carla").get("/trade/sidesell", advance_share=0.1).json()
    assert full["overall"]["share_outside"] == pytest.approx(0.6)
    assert full["whatifs"]["advance"]["share_prevented"] == pytest.approx(0.0)


def test_api_writes_prices_advances_repayments_quotes_and_purchases(world, api_as):  # noqa: F811
    carla, ana, diego = api_as("carla"), api_as("ana"), api_as("diego")
    price = {"organisation": world.org_coffee.pk, "species": "mango", "year": 2020, "month": 5,
             "price_mxn_per_kg": "10.00", "payment_delay_days": 61}
    assert ana.post("/trade/prices", price).status_code == 403
    assert carla.post("/trade/prices", price).status_code == 201
    assert carla.post("/trade/prices", {**price, "month": 13}).status_code == 422
    adv = ana.post("/trade/advances", {"family": world.fam_ojo.pk, "given_on": "2020-04-01", "amount_mxn": "300"})
    assert adv.status_code == 201 and adv.json()["balance_mxn"] == "300.00"
    assert diego.post("/trade/advances", {"family": world.fam_ojo.pk, "given_on": "2020-04-01",
                                          "amount_mxn": "300"}).status_code == 403
    pay = {"advance": adv.json()["id"], "paid_on": "2020-05-01", "amount_mxn": "300"}
    assert ana.post("/trade/repayments", pay).json()["balance_mxn"] == "0.00"
    assert ana.post("/trade/repayments", pay).status_code == 422  # repaid twice
    quote = {"group": world.group_ojo.pk, "item": "Estacas", "unit": "stakes", "supplier": "Aserradero",
             "unit_price": "2", "currency": "USD", "delivery_days": 3, "quoted_on": "2020-03-01"}
    assert ana.post("/trade/quotes", quote).status_code == 422  # no exchange rate
    q = ana.post("/trade/quotes", {**quote, "exchange_rate_mxn": "17.5"})
    assert q.status_code == 201 and q.json()["unit_price_mxn"] == "35.00"
    p = ana.post("/trade/purchases", {"group": world.group_ojo.pk, "quote": q.json()["id"], "quantity": "10",
                                      "purchased_on": "2020-04-01", "split": "equal"})
    assert p.status_code == 201
    assert p.json()["total_mxn"] == "350.00" and [s["cost_mxn"] for s in p.json()["shares"]] == ["350.00"]
    assert api_as("beto").post("/trade/purchases", {"group": world.group_ojo.pk, "quantity": "1",
                                                    "unit_price_mxn": "1", "item": "x", "unit": "kg",
                                                    "purchased_on": "2020-04-01"}).status_code == 404
    assert diego.get("/trade/advances").status_code == 403
    assert [r["balance_mxn"] for r in carla.get("/trade/advances").json()] == ["0.00"]


def test_exports_list_advances_with_balance_and_purchase_shares_within_scope(world, client_for):
    from miaf.web.trade import services

    adv = services.save_advance(world.ana, {"family": world.fam_ojo, "given_on": dt.date(2020, 4, 1),
                                            "amount_mxn": D("500")})
    services.add_repayment(world.ana, adv, {"paid_on": dt.date(2020, 5, 1), "amount_mxn": D("120")})
    services.save_advance(world.beto, {"family": world.fam_vergel, "given_on": dt.date(2020, 4, 1),
                                       "amount_mxn": D("90")})
    services.record_collective_purchase(world.ana, world.group_ojo, {
        "item": "Estacas", "unit": "stakes", "quantity": D("10"), "unit_price_mxn": D("3"), "supplier": "Aserradero",
        "purchased_on": dt.date(2020, 4, 1), "split": "equal"})

    def rows(user, table):  # noqa: ANN001, ANN202
        response = client_for(user).get(reverse("exports:table", args=[table, "csv"]))
        assert response.status_code == 200
        return b"".join(response.streaming_content).decode("utf-8-sig").strip().splitlines()

    ana = rows(world.ana, "anticipos")
    assert ana[0].startswith("family_code,") and len(ana) == 2  # header + her family's advance only
    assert [float(x) for x in ana[1].split(",")[-2:]] == [120.0, 380.0]  # repaid, balance = 500 − 120
    assert len(rows(world.carla, "anticipos")) == 3
    shares = rows(world.ana, "compras_colectivas")
    assert len(shares) == 2 and [float(x) for x in shares[1].split(",")[-2:]] == [10.0, 30.0]
    assert client_for(world.diego).get(reverse("exports:table", args=["anticipos", "csv"])).status_code == 403
