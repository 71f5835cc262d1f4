"""On the default demo programme the report shows the seed article's headline figures, because they follow
from the generated records (the report computes them; nothing is copied from the generator)."""

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


def test_demo_report_shows_the_seed_headline_figures(demo_report):
    report, text = demo_report
    figures = {k["label"]: k["value"] for k in report.key_figures}
    assert figures["Superficie MIAF-D"] == "405.0 ha"  # seed: 405 ha by 2015
    assert figures["Municipios"] == "14"  # seed: 14 municipalities
    assert figures["Superficie MIAF/MIAF-D dentro del corredor"] == "73.0 %"  # seed: 73 % in the corridor
    assert figures["Autoconsumo/mercado del maíz en cosechas MIAF-D"] == "30/70"  # seed: 30/70
    assert figures["Autoconsumo/mercado del frijol en cosechas MIAF-D"] == "35/65"  # seed: 35/65
    assert figures["Jornales por hectárea MIAF-D / tradicional"] == "×1.50"  # seed: 50 % more labour
    ojo = next(g for g in report.maize_groups if g["group"] == "Ojo de Agua")
    # seed: maize productivity in Ojo de Agua rose 66.7 % (593 → 989 kg/ha, 2010 → 2016)
    assert (ojo["base_year"], ojo["ref_year"], ojo["gain_text"]) == ("2010", "2016", "+66.7 %")
    for figure in ("405.0 ha", "73.0 %", "30/70", "35/65", "×1.50", "Ojo de Agua", "+66.7 %"):
        assert figure in text
    assert "Municipios 14" in text


def test_demo_report_uncertainty_bands_come_from_a_measured_miaf_d_plot(demo_report):
    report, text = demo_report
    u = report.uncertainty
    assert u["available"] and u["draws"] == 500 and u["seed"] == 1
    assert u["measured"]  # the representative plot has recorded years
    assert "P5" in text and "P95" in text
