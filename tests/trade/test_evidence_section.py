"""The side-selling section of the evidence report: aggregates of at least k families for analysts, no family."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string

from tests.trade.conftest import add_family, hand_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def six_families(world, offer):  # noqa: ANN001, ANN201
    hand_case(world.plot_ojo, world.fam_ojo)
    for i in range(4):
        fam, plot = add_family(world, f"OJO-30{i}", world.group_ojo)
        hand_case(plot, fam)
    hand_case(world.plot_vergel, world.fam_vergel)  # El Vergel: a single family


def test_the_analyst_report_section_shows_only_groups_of_five_families(world, six_families):
    from miaf.indicators.context import IndicatorFilters
    from miaf.web.trade.evidence import report_section

    s = report_section(world.diego, IndicatorFilters())
    assert s["protected"] and s["families"] == []
    shown = [g["name"] for g in s["groups"] if not g["suppressed"]]
    assert shown == ["Ojo de Agua"]
    html = render_to_string("trade/_evidence_sidesell.html", {"t": s})
    assert "Ojo de Agua" in html and "El Vergel" not in html
    assert "60 %" in html  # 6 families × 60 kg of 100 kg sold outside
    for text in ("OJO-001", "VER-001", "Gómez", "López"):
        assert text not in html


def test_a_filter_on_the_small_group_leaves_the_analyst_no_figure(world, six_families):
    from miaf.indicators.context import IndicatorFilters
    from miaf.web.trade.evidence import report_section

    s = report_section(world.diego, IndicatorFilters(group=world.group_vergel.pk))
    assert s["suppressed_all"] and s["overall"] is None
    assert "Menos de 5 familias" in render_to_string("trade/_evidence_sidesell.html", {"t": s})


def test_the_report_carries_the_section(world, six_families):
    from miaf.web.evidence.report import build_report

    report = build_report(world.diego)
    assert [g["name"] for g in report.side_selling["groups"] if not g["suppressed"]] == ["Ojo de Agua"]
