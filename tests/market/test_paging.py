"""Paging of the market's long tables (issue 12): the offer calendar by unit and a demand's matching show one
page of the cached result, the totals row stays over every unit, the filters follow the pages, role scoping
is unchanged, and a bad page number gives the first or the last page."""

from __future__ import annotations

import re

import numpy as np
import pytest
from django.test import RequestFactory
from django.urls import reverse

from miaf.web.core.paging import page_of, picker

pytestmark = pytest.mark.django_db

TOTALS = re.compile(r'<tbody class="totals" id="offer-totals">(.*?)</tbody>', re.S)
CELLS = re.compile(r'<td class="cell[^"]*">.*?</td>')


@pytest.fixture
def one_per_page(monkeypatch):  # noqa: ANN001, ANN201
    """One unit per page, so the two groups of the test world make two pages."""
    from miaf.web.market import views

    monkeypatch.setattr(views, "OFFER_UNITS_PER_PAGE", 1)
    monkeypatch.setattr(views, "GROUPS_PER_PAGE", 1)


def units_shown(response) -> list[str]:  # noqa: ANN001
    offer = response.context["offer"]
    return [offer.unit_labels[u] for u in response.context["pager"]["page"].object_list]


def test_each_page_shows_its_slice_of_the_groups(world, market, client_for, one_per_page):
    client = client_for(world.carla)
    first, second = (client.get(reverse("market:offer"), {"by": "group", "page": n}) for n in (1, 2))
    assert first.context["offer"] is second.context["offer"]  # one computed offer, paged: not recomputed
    assert first.context["pager"]["page"].paginator.num_pages == 2
    a, b = units_shown(first), units_shown(second)
    assert len(a) == len(b) == 1 and {a[0], b[0]} == {"Ojo de Agua", "El Vergel"}
    table_1 = first.content.decode().split('id="offer-totals"')[1]
    table_2 = second.content.decode().split('id="offer-totals"')[1]
    assert f'<td class="unit">{a[0]}</td>' in table_1 and f'<td class="unit">{b[0]}</td>' not in table_1
    assert f'<td class="unit">{b[0]}</td>' in table_2 and f'<td class="unit">{a[0]}</td>' not in table_2


def test_the_totals_row_sums_every_group_on_every_page(world, market, client_for, one_per_page):
    from miaf.web.market import services

    client = client_for(world.carla)
    pages = [client.get(reverse("market:offer"), {"by": "group", "page": n}).content.decode() for n in (1, 2)]
    totals = [TOTALS.search(html).group(1) for html in pages]
    assert totals[0] == totals[1] and "<strong>Total</strong>" in totals[0]
    # the same cells as the programme total (by "total"): the range of the sum over both groups' draws
    whole = client.get(reverse("market:offer")).content.decode()
    assert CELLS.findall(totals[0]) == CELLS.findall(whole.split("<tbody>")[1])
    by_group = services.compute_offer(world.carla, by="group")
    total = services.compute_offer(world.carla, by="total")
    summed = by_group.forecast.unit_sum()
    for q in ("p10", "p50", "p90"):
        np.testing.assert_allclose(summed.sale_kg_q[q], total.forecast.sale_kg_q[q], rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(summed.kg, total.forecast.kg, rtol=1e-12)
    assert summed.sale_kg_q["p50"][0].sum() > by_group.forecast.sale_kg_q["p50"][0].sum(axis=-1).max()


def test_the_filters_follow_the_pages(world, market, client_for, one_per_page):
    response = client_for(world.carla).get(reverse("market:offer"), {"by": "group", "product": "aguacate"})
    pager = response.context["pager"]
    assert pager["next"] == "?by=group&product=aguacate&page=2#offer-calendar" and pager["prev"] == ""
    html = response.content.decode()
    assert '<input type="hidden" name="by" value="group">' in html
    assert '<input type="hidden" name="product" value="aguacate">' in html
    assert 'name="page" value="1" min="1" max="2"' in html


@pytest.mark.parametrize(("page", "expected"), [("abc", 1), ("", 1), ("999", 2), ("0", 2), ("-3", 2), ("2", 2)])
def test_a_bad_page_number_gives_the_first_or_last_page(world, market, client_for, one_per_page, page, expected):
    response = client_for(world.carla).get(reverse("market:offer"), {"by": "group", "page": page})
    assert response.status_code == 200
    assert response.context["pager"]["page"].number == expected


def test_role_scoping_is_unchanged_by_paging(world, market, client_for, one_per_page):
    diego = client_for(world.diego).get(reverse("market:offer"), {"by": "group", "page": 2})
    assert diego.status_code == 200 and diego.context["offer"].by == "total"
    html = diego.content.decode()
    assert "Ojo de Agua" not in html and "El Vergel" not in html and 'id="offer-totals"' not in html
    ana = client_for(world.ana).get(reverse("market:offer"), {"by": "group", "page": 2})
    assert units_shown(ana) == ["Ojo de Agua"] and ana.context["pager"]["page"].paginator.num_pages == 1
    assert "El Vergel" not in ana.content.decode() and 'class="pagination picker' not in ana.content.decode()


def test_the_matching_table_is_paged_too(world, market, client_for, one_per_page):
    client = client_for(world.carla)
    url = reverse("market:demand_match", args=[market.demand.pk])
    first, second, beyond = (client.get(url, {"por": "grupo", "page": n}) for n in ("1", "2", "x9"))
    labels = [[u["label"] for u in r.context["units"]] for r in (first, second, beyond)]
    assert len(labels[0]) == len(labels[1]) == 1 and {labels[0][0], labels[1][0]} == {"Ojo de Agua", "El Vergel"}
    assert labels[2] == labels[0]  # not a number: the first page
    assert first.context["pager"]["next"] == "?por=grupo&page=2#match-units"
    assert first.context["match"]["total"] == second.context["match"]["total"]  # over every group
    assert client_for(world.diego).get(url).status_code == 403


def test_picker_links_keep_repeated_parameters_and_skip_useless_ones():
    rf = RequestFactory()
    request = rf.get("/x/", {"group": ["3", "4"], "fpage": "7", "page": "5"})
    page = page_of(request, list(range(100)), 10, "fpage")
    ctx = picker(request, page, "fpage", anchor="#families")
    assert page.number == 7 and list(page.object_list) == list(range(60, 70))
    assert ctx["keep"] == [("group", "3"), ("group", "4"), ("page", "5")]
    assert ctx["next"] == "?group=3&group=4&fpage=8&page=5#families"
    assert ctx["first"].startswith("?group=3&group=4&fpage=1") and ctx["last"].endswith("fpage=10&page=5#families")
    one = picker(request, page_of(rf.get("/x/"), [1, 2], 10), "page")
    assert (one["first"], one["prev"], one["next"], one["last"]) == ("", "", "", "")
