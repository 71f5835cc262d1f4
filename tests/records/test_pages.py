"""The records pages: every form saves through its service, shows refusals next to the field, and answers
each persona with the expected status (analyst 403, another group's family 404)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from miaf.web.records.models import (
    Harvest,
    HarvestDestination,
    InputPurchase,
    LabourLog,
    LedgerEntry,
    Planting,
)

pytestmark = pytest.mark.django_db

PERSONAS = ("root", "carla", "ana", "beto", "diego", "olga")
SEES_OJO = {"root", "carla", "ana"}


def expected(persona: str) -> int:
    if persona == "diego":
        return 403
    return 200 if persona in SEES_OJO else 404


def family_pages(world) -> list[str]:  # noqa: ANN001
    pk = world.fam_ojo.pk
    return [
        reverse("records:family", args=[pk]),
        reverse("records:harvest_create", args=[pk]),
        reverse("records:ledger_month", args=[pk, 2024, 5]),
        *(reverse("records:create", args=[pk, kind]) for kind in ("siembra", "mano-de-obra", "insumo")),
    ]


def record_pages(world, harvest) -> list[str]:  # noqa: ANN001
    labour = LabourLog.objects.create(family=world.fam_ojo, year=2024, month=1, activity="weeding", kind="family",
                                      person_days=Decimal("2"))
    return [
        reverse("records:harvest_edit", args=[harvest.pk]),
        reverse("records:delete", args=["cosecha", harvest.pk]),
        reverse("records:edit", args=["mano-de-obra", labour.pk]),
        reverse("records:delete", args=["mano-de-obra", labour.pk]),
    ]


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_records_page_answers_each_role_with_the_expected_status(world, client_for, harvest_ojo, persona):
    client = client_for(getattr(world, persona))
    for url in family_pages(world) + record_pages(world, harvest_ojo):
        assert client.get(url).status_code == expected(persona), url


def test_the_family_page_and_the_plot_page_link_to_the_records_forms_with_the_plot_preselected(world, client_for):
    client = client_for(world.ana)
    family_page = client.get(reverse("registry:family_detail", args=[world.fam_ojo.pk])).content.decode()
    assert reverse("records:family", args=[world.fam_ojo.pk]) in family_page
    assert reverse("records:harvest_create", args=[world.fam_ojo.pk]) in family_page
    plot_page = client.get(reverse("plots:detail", args=[world.plot_ojo.pk])).content.decode()
    assert f'{reverse("records:harvest_create", args=[world.fam_ojo.pk])}?parcela={world.plot_ojo.pk}' in plot_page
    form = client.get(f'{reverse("records:harvest_create", args=[world.fam_ojo.pk])}?parcela={world.plot_ojo.pk}')
    assert f'<option value="{world.plot_ojo.pk}" selected>' in form.content.decode()


def harvest_post(world, mango, **over) -> dict:  # noqa: ANN001
    data = {"plot": world.plot_ojo.pk, "species": mango.pk, "harvested_on": "2024-06-01", "quantity_kg": "60",
            "notes": "", "destinations-TOTAL_FORMS": "2", "destinations-INITIAL_FORMS": "0",
            "destinations-0-destination": "self", "destinations-0-kg": "10",
            "destinations-1-destination": "intermediary", "destinations-1-kg": "40",
            "destinations-1-price_mxn_per_kg": "8.50", "destinations-1-buyer": "Don Chepe",
            "destinations-1-payment_delay_days": "15"}
    data.update(over)
    return data


def test_a_promoter_records_a_harvest_with_a_sale_from_the_phone_form(world, client_for, mango):
    response = client_for(world.ana).post(reverse("records:harvest_create", args=[world.fam_ojo.pk]),
                                          harvest_post(world, mango))
    assert response.status_code == 302
    h = Harvest.objects.get()
    assert (h.plot, h.quantity_kg, h.created_by) == (world.plot_ojo, Decimal("60"), world.ana)
    sale = h.destinations.get(destination="intermediary")
    # 15 days after the harvest of 1 June 2024
    assert (sale.kg, sale.price_mxn_per_kg, sale.buyer, sale.paid_on) == (
        Decimal("40"), Decimal("8.50"), "Don Chepe", dt.date(2024, 6, 16))


@pytest.mark.parametrize(("change", "field_id", "words"), [
    ({"harvested_on": (timezone.localdate() + dt.timedelta(days=3)).isoformat()}, "id_harvested_on", "futuro"),
    ({"destinations-1-price_mxn_per_kg": ""}, "id_destinations-1-price_mxn_per_kg", "precio"),
])
def test_a_refused_harvest_shows_the_spanish_error_next_to_the_field_and_saves_nothing(
        world, client_for, mango, change, field_id, words):
    response = client_for(world.ana).post(reverse("records:harvest_create", args=[world.fam_ojo.pk]),
                                          harvest_post(world, mango, **change))
    page = response.content.decode()
    assert response.status_code == 200
    error = page.split(f'id="{field_id}_errors"')[1].split("</ul>")[0]
    assert words in error
    assert not Harvest.objects.exists() and not HarvestDestination.objects.exists()


def test_destinations_over_the_harvest_are_refused_on_the_form(world, client_for, mango):
    response = client_for(world.ana).post(reverse("records:harvest_create", args=[world.fam_ojo.pk]),
                                          harvest_post(world, mango, quantity_kg="45"))
    # 10 + 40 = 50 kg of destinations > 45 kg harvested
    assert "Los destinos suman 50 kg, más que los 45 kg cosechados." in response.content.decode()
    assert not Harvest.objects.exists()


def test_a_plot_of_another_family_cannot_be_chosen(world, client_for, mango):
    response = client_for(world.carla).post(reverse("records:harvest_create", args=[world.fam_ojo.pk]),
                                            harvest_post(world, mango, plot=str(world.plot_vergel.pk)))
    assert 'id="id_plot_errors"' in response.content.decode()
    assert not Harvest.objects.exists()


def test_a_promoter_posting_for_another_groups_family_gets_a_404_and_nothing_is_saved(world, client_for, mango):
    response = client_for(world.beto).post(reverse("records:harvest_create", args=[world.fam_ojo.pk]),
                                           harvest_post(world, mango))
    assert response.status_code == 404
    assert not Harvest.objects.exists()


def test_editing_a_harvest_shows_its_destinations_and_saves_the_change(world, client_for, mango, harvest_ojo):
    client = client_for(world.ana)
    url = reverse("records:harvest_edit", args=[harvest_ojo.pk])
    page = client.get(url).content.decode()
    assert 'value="Tianguis"' in page
    data = harvest_post(world, mango, harvested_on="2024-05-20", quantity_kg="100", **{
        "destinations-TOTAL_FORMS": "4", "destinations-INITIAL_FORMS": "2", "destinations-0-destination": "self", "destinations-0-kg": "30",
        "destinations-1-destination": "local_market", "destinations-1-kg": "70", "destinations-1-price_mxn_per_kg": "13",
        "destinations-1-buyer": "Tianguis", "destinations-1-payment_delay_days": ""})
    assert client.post(url, data).status_code == 302
    assert sorted(harvest_ojo.destinations.values_list("kg", flat=True)) == [Decimal("30"), Decimal("70")]


def test_delete_asks_for_confirmation_and_needs_scope(world, client_for, harvest_ojo):
    url = reverse("records:delete", args=["cosecha", harvest_ojo.pk])
    assert "Sí, borrar" in client_for(world.ana).get(url).content.decode()
    assert Harvest.objects.filter(pk=harvest_ojo.pk).exists()  # a GET deletes nothing
    assert client_for(world.beto).post(url).status_code == 404
    assert client_for(world.diego).post(url).status_code == 403
    assert Harvest.objects.filter(pk=harvest_ojo.pk).exists()
    assert client_for(world.ana).post(url).status_code == 302
    assert not Harvest.objects.filter(pk=harvest_ojo.pk).exists()


def month_post(lines: list[dict], initial: int = 0) -> dict:
    data = {"entries-TOTAL_FORMS": str(len(lines)), "entries-INITIAL_FORMS": str(initial)}
    for i, line in enumerate(lines):
        data.update({f"entries-{i}-{k}": v for k, v in line.items()})
    return data


def test_the_month_of_income_and_expense_is_recorded_on_one_screen(world, client_for):
    client = client_for(world.ana)
    url = reverse("records:ledger_month", args=[world.fam_ojo.pk, 2024, 5])
    response = client.post(url, month_post([
        {"kind": "income", "category": "remittances", "amount_mxn": "2000"},
        {"kind": "expense", "category": "food", "amount_mxn": "1500", "notes": "despensa"},
        {"kind": "", "category": "", "amount_mxn": ""},
    ]))
    assert response.status_code == 302
    lines = LedgerEntry.objects.filter(family=world.fam_ojo, year=2024, month=5)
    assert sorted(lines.values_list("category", "amount_mxn")) == [("food", Decimal("1500")), ("remittances", Decimal("2000"))]
    food = lines.get(category="food")
    page = client.get(url).content.decode()
    assert "despensa" in page
    client.post(url, month_post([{"id": str(food.pk), "kind": "expense", "category": "food", "amount_mxn": "1500",
                                  "delete": "on"},
                                 {"id": str(lines.get(category="remittances").pk), "kind": "income",
                                  "category": "remittances", "amount_mxn": "2500"}], initial=2))
    assert list(LedgerEntry.objects.filter(family=world.fam_ojo, year=2024, month=5)
                .values_list("category", "amount_mxn")) == [("remittances", Decimal("2500"))]


def test_a_category_that_does_not_match_its_kind_is_shown_on_its_line(world, client_for):
    response = client_for(world.ana).post(reverse("records:ledger_month", args=[world.fam_ojo.pk, 2024, 5]),
                                          month_post([{"kind": "expense", "category": "food", "amount_mxn": "10"},
                                                      {"kind": "income", "category": "health", "amount_mxn": "10"}]))
    page = response.content.decode()
    assert 'id="id_entries-1-category_errors"' in page
    assert "no corresponde al tipo" in page
    assert not LedgerEntry.objects.exists()


def test_labour_by_member_planting_and_a_collective_purchase_are_recorded(world, client_for, mango):
    client = client_for(world.carla)
    pk = world.fam_ojo.pk
    head = world.fam_ojo.members.get()
    assert client.post(reverse("records:create", args=[pk, "mano-de-obra"]), {
        "year": "2024", "month": "3", "activity": "pruning", "kind": "family", "member": head.pk,
        "person_days": "2.5", "worker_sex": "F", "wage_mxn_per_day": "", "plot": world.plot_ojo.pk}).status_code == 302
    assert LabourLog.objects.get().member == head
    assert client.post(reverse("records:create", args=[pk, "siembra"]), {
        "plot": world.plot_ojo.pk, "species": mango.pk, "planted_on": "2024-03-02", "quantity": "25",
        "unit": "plants", "row_number": "", "notes": ""}).status_code == 302
    assert Planting.objects.get().quantity == Decimal("25")
    assert client.post(reverse("records:create", args=[pk, "insumo"]), {
        "purchased_on": "2024-03-03", "item": "Composta", "quantity": "10", "unit": "bultos", "cost_mxn": "900",
        "supplier": "", "collective": "on", "plot": ""}).status_code == 302
    assert InputPurchase.objects.get().collective is True


def test_labour_by_a_hired_worker_named_as_a_member_is_refused_next_to_the_member(world, client_for):
    response = client_for(world.ana).post(reverse("records:create", args=[world.fam_ojo.pk, "mano-de-obra"]), {
        "year": "2024", "month": "3", "activity": "pruning", "kind": "hired", "member": world.fam_ojo.members.get().pk,
        "person_days": "1", "worker_sex": "", "wage_mxn_per_day": "180", "plot": ""})
    assert 'id="id_member_errors"' in response.content.decode()
    assert not LabourLog.objects.exists()
