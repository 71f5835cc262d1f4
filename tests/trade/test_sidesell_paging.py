"""Side-selling by group and by family is paged (issue 12): each table shows one page of the cached result,
its own page number (?page= for groups, ?fpage= for families), the other table's page and the assumptions
kept; the programme's figures stay over every group; a bad page number gives the first or last page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.trade.conftest import add_family, hand_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def six_families(world, offer, monkeypatch):  # noqa: ANN001, ANN201
    """Five families of Ojo de Agua and one of El Vergel, each with the hand case; two rows a page."""
    from miaf.web.trade import views

    monkeypatch.setattr(views, "GROUPS_PER_PAGE", 2)
    hand_case(world.plot_ojo, world.fam_ojo)
    for i in range(4):
        fam, plot = add_family(world, f"OJO-20{i}", world.group_ojo)
        hand_case(plot, fam)
    hand_case(world.plot_vergel, world.fam_vergel)


def codes(response) -> list[str]:  # noqa: ANN001
    return [f["code"] for f in response.context["families"]] if "families" in response.context else []


def family_rows(response) -> list[str]:  # noqa: ANN001
    html = response.content.decode().split('id="families"')[1]
    return [c for c in ("OJO-001", "OJO-200", "OJO-201", "OJO-202", "OJO-203", "VER-001") if f">{c}</a>" in html]


def test_the_family_table_shows_its_page_and_the_figures_stay_over_all(world, client_for, six_families):
    client = client_for(world.carla)
    url = reverse("trade:sidesell")
    pages = [client.get(url, {"advance_pct": "30", "fpage": n}) for n in (1, 2, 3)]
    shown = [family_rows(r) for r in pages]
    assert [len(s) for s in shown] == [2, 2, 2]
    assert sorted(c for s in shown for c in s) == ["OJO-001", "OJO-200", "OJO-201", "OJO-202", "OJO-203", "VER-001"]
    # the programme result (60 % outside over six families) is the same on every page
    for r in pages:
        assert r.context["r"]["n_families"] == 6 and 'data-key="share_outside">60' in r.content.decode()
    html = pages[0].content.decode()
    assert '<input type="hidden" name="advance_pct" value="30">' in html  # the assumptions follow the pages
    assert 'href="?advance_pct=30&amp;fpage=2#families"' in html
    # the group table keeps its own page: both groups fit on its one page
    assert "Ojo de Agua" in html and "El Vergel" in html


@pytest.mark.parametrize(("fpage", "expected"), [("nada", 1), ("", 1), ("50", 3), ("-1", 3), ("0", 3)])
def test_a_bad_family_page_gives_the_first_or_last(world, client_for, six_families, fpage, expected):
    client = client_for(world.carla)
    url = reverse("trade:sidesell")
    response = client.get(url, {"fpage": fpage})
    assert response.status_code == 200
    assert family_rows(response) == family_rows(client.get(url, {"fpage": expected}))
    assert response.context["r"]["n_families"] == 6


def test_paging_keeps_the_analyst_and_promoter_scopes(world, client_for, six_families):
    html = client_for(world.diego).get(reverse("trade:sidesell"), {"fpage": 2, "page": 2}).content.decode()
    for text in ("OJO-001", "VER-001", "OJO-200", "/economia/familia/", 'id="families"'):
        assert text not in html, text
    ana = client_for(world.ana).get(reverse("trade:sidesell"), {"fpage": 9})
    html = ana.content.decode()
    assert "VER-001" not in html and "El Vergel" not in html and len(family_rows(ana)) == 1
