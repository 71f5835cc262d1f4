"""On the default demo programme the report shows the headline figures the demo's records give (the report
computes them; nothing is copied from the generator, and since issue 16 the generator no longer forces the
seed article's figures: `miaf demo --compare` sets them side by side)."""

from __future__ import annotations

import re

import pytest

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture(scope="module")
def demo_report(django_db_setup, django_db_blocker):  # noqa: ANN001, ANN201
    from django.db import transaction

    from miaf.web.demo import load_demo
    from miaf.web.evidence.render import render_html
    from miaf.web.evidence.report import build_report

    with django_db_blocker.unblock():
        with transaction.atomic():
            load_demo()
            report = build_report(None, {})
            yield report, " ".join(re.sub(r"<[^>]+>", " ", render_html(report)).split())
            transaction.set_rollback(True)


def test_demo_report_shows_the_headline_figures_of_the_records(demo_report):
    from miaf.web.demo.headlines import compute_headlines

    report, text = demo_report
    h = compute_headlines()  # the same figures, aggregated with the ORM from the stored rows
    figures = {k["label"]: k["value"] for k in report.key_figures}
    assert figures["Superficie MIAF-D"] == "405.0 ha"  # the programme's size, an input (seed: 405 ha by 2015)
    assert figures["Municipios"] == "14"  # an input (seed: 14 municipalities)
    assert figures["Superficie MIAF/MIAF-D dentro del corredor"] == "73.0 %"  # the illustrative layer is drawn so
    for crop, share in (("maíz", h["maize_self_share"]), ("frijol", h["bean_self_share"])):
        assert figures[f"Autoconsumo/mercado del {crop} en cosechas MIAF-D"] == \
            f"{round(100 * share)}/{100 - round(100 * share)}"
    assert figures["Jornales por hectárea MIAF-D / tradicional"] == f"×{h['labour_ratio']:.2f}"
    ojo = next(g for g in report.maize_groups if g["group"] == "Ojo de Agua")
    # the report compares the baseline year with its reference year, the last year with records (2020 since the
    # demo records every harvest year 2014-2020); the same ratio from the stored harvests:
    from django.db.models import Sum

    from miaf.web.records.models import Harvest

    def maize(year: str) -> float:
        return float(Harvest.objects.filter(plot__family__memberships__group__name="Ojo de Agua", origin="demo",
                                            species__code="maiz", harvested_on__year=int(year))
                     .aggregate(s=Sum("quantity_kg"))["s"])

    assert (ojo["base_year"], ojo["ref_year"]) == ("2010", "2020")
    assert ojo["gain"] == pytest.approx(maize("2020") / maize("2010") - 1, rel=1e-6)
    for figure in ("405.0 ha", "73.0 %", "Ojo de Agua", ojo["gain_text"]):
        assert figure in text
    assert "Municipios 14" in text


def test_demo_report_uncertainty_bands_come_from_a_measured_miaf_d_plot(demo_report):
    report, text = demo_report
    u = report.uncertainty
    assert u["available"] and u["draws"] == 500 and u["seed"] == 1
    assert u["measured"]  # the representative plot has recorded years
    assert "P5" in text and "P95" in text
