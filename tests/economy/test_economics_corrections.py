"""Issue 16 on the economics pages: both NPVs (family days valued and unpaid), the wage and its range, and
the warning for an IRR whose flows change sign more than once."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from miaf.economics.cashflow import PlotModel
from miaf.web.economy.pages import irr_note
from miaf.web.economy.services import plot_scenario
from miaf.web.economy.templatetags.economy_fmt import fmt_number

pytestmark = pytest.mark.django_db


def test_plot_page_shows_the_npv_with_family_days_valued_and_the_family_cash_view_beside(records, client_for):
    response = client_for(records.carla).get(reverse("economy:plot", args=[records.plot_ojo.pk]))
    expected = PlotModel(plot_scenario(records.plot_ojo)).evaluate()
    shown = {k["key"]: k for k in response.context["page"].key_results}
    m, inc = expected.miaf.metrics, expected.incremental
    assert shown["npv"]["value"] == pytest.approx(m["npv_mxn"])
    assert shown["npv_cash"]["value"] == pytest.approx(m["npv_cash_mxn"])
    assert shown["npv_inc"]["value"] == pytest.approx(inc["npv_mxn"])
    assert shown["npv_inc_cash"]["value"] == pytest.approx(inc["npv_cash_mxn"])
    assert shown["npv_baseline_cash"]["value"] == pytest.approx(expected.baseline.metrics["npv_cash_mxn"])
    # paying the family's days at the wage lowers the NPV
    assert m["npv_mxn"] < m["npv_cash_mxn"]
    # the plot's recorded hired wage, 280 MXN, inside the table's 250-350 range
    assert shown["wage"]["value"] == inc["wage_mxn_day"] == 280.0
    assert inc["wage_range_mxn_day"] == [250.0, 350.0]
    html = response.content.decode()
    for value in (m["npv_mxn"], m["npv_cash_mxn"], inc["npv_cash_mxn"]):
        assert fmt_number(value) in html
    assert "vista de caja de la familia" in html
    assert "Jornal entre 250 y 350 MXN" in html


def test_plot_page_warns_when_the_flows_change_sign_more_than_once(records, client_for):
    # with family days paid, this plot's net flow alternates with the avocado's alternate bearing: 14 sign
    # changes (16 before maize and bean each took half the strips: years 6 and 7 are now both negative) and no
    # root between -99 % and +1,000 %
    m = PlotModel(plot_scenario(records.plot_ojo)).evaluate().miaf.metrics
    assert m["irr_non_conventional"] and m["irr_sign_changes"] == 14 and m["irr_roots"] == []
    html = client_for(records.carla).get(reverse("economy:plot", args=[records.plot_ojo.pk])).content.decode()
    assert "Los flujos cambian de signo 14 veces y el VPN no cruza cero" in html
    assert 'class="muted irr-note"' in html


def test_irr_note_lists_every_root_and_says_nothing_for_a_conventional_series():
    with translation.override("es"):
        assert irr_note({"irr_non_conventional": False, "irr_sign_changes": 1, "irr_roots": [0.1]}) is None
        note = irr_note({"irr_non_conventional": True, "irr_sign_changes": 3, "irr_roots": [0.1, 0.2, 0.3]})
        assert "3 veces" in note and "10.0 %" in note and "20.0 %" in note and "30.0 %" in note
    with translation.override("en"):
        note = irr_note({"irr_non_conventional": True, "irr_sign_changes": 2, "irr_roots": [-0.169, 0.337]})
        assert "-16.9 %" in note or "−16.9 %" in note


def test_the_evidence_report_lists_both_npvs_from_the_monte_carlo():
    from miaf.economics.scenario import PlotScenario
    from miaf.web.evidence.report import MC_OUTPUTS

    keys = [k for k, _, _ in MC_OUTPUTS]
    assert {"npv_miaf_mxn", "npv_miaf_cash_mxn", "npv_incremental_mxn", "npv_incremental_cash_mxn"} <= set(keys)
    mc = PlotModel(PlotScenario.from_dict({"area_ha": 1.0, "trees": [{"species": "aguacate", "n_trees": 943}]}))
    result = mc.monte_carlo(draws=40, seed=3)
    for key in keys:
        assert key in result.percentiles
    # family days paid at the wage never raise the NPV
    assert result.percentiles["npv_miaf_mxn"]["p50"] < result.percentiles["npv_miaf_cash_mxn"]["p50"]


def test_the_dashboard_shows_the_npv_indicator_in_both_views():
    from miaf.web.dashboard.services import _breakdown

    with translation.override("es"):
        rows = _breakdown({"family_days_valued": -19556.02, "cash_view": -3379.44}, "MXN/ha")
    assert [r["label"] for r in rows] == ["jornales familiares al jornal",
                                          "vista de caja (jornales familiares sin pagar)"]
    assert [r["value"] for r in rows] == [-19556.02, -3379.44]
