"""Issue 16 item 1: family labour valued at its opportunity cost by default, the family's cash view beside it."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import pytest

from miaf.economics import cli, finance
from miaf.economics.cashflow import PlotModel, evaluate_plot
from miaf.economics.scenario import PlotScenario
from miaf.economics.uncertainty import Distribution
from miaf.params import load_parameters

from .test_cashflow import simple

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "scenario-aguacate.json"
PV3 = 1 + 1 / 1.1 + 1 / 1.21  # 3 years at 10 %: 2.7355372


def test_family_labour_is_valued_by_default():
    assert PlotScenario(area_ha=1.0).value_family_labour is True
    assert PlotScenario.from_dict({"area_ha": 1.0}).value_family_labour is True
    assert PlotScenario.from_dict({"area_ha": 1.0, "value_family_labour": False}).value_family_labour is False


def test_family_days_at_the_wage_by_hand_with_the_cash_view_beside():
    r = PlotModel(simple(value_family_labour=True)).evaluate()
    # baseline milpa: net cash 6,500 a year (test_cashflow); 60 family days x 300 = 18,000 → net -11,500
    # NPV = -11,500 x 2.7355372 = -31,458.68; cash view 6,500 x 2.7355372 = 17,780.99
    np.testing.assert_allclose(r.baseline.net_mxn, -11500)
    assert r.baseline.metrics["npv_mxn"] == pytest.approx(-11500 * PV3)
    assert r.baseline.metrics["npv_cash_mxn"] == pytest.approx(6500 * PV3)
    # MIAF-D strip: net cash 6,150; 90 family days x 300 = 27,000 → -20,850 a year
    np.testing.assert_allclose(r.miaf.net_mxn, -20850)
    # incremental: (-20,850) - (-11,500) = -9,350 a year → NPV -25,577.27; cash view -350 → -957.44
    assert r.incremental["npv_mxn"] == pytest.approx(-9350 * PV3)
    assert r.incremental["npv_cash_mxn"] == pytest.approx(-350 * PV3)
    # return per extra family day: cash -350 a year over 30 extra days = -11.67 MXN, against a 300 MXN wage
    assert r.incremental["return_per_extra_family_day_mxn"] == pytest.approx(-350 / 30)
    assert r.incremental["wage_mxn_day"] == 300
    assert r.incremental["return_per_extra_family_day_to_wage"] == pytest.approx(-350 / 30 / 300)
    assert r.incremental["family_labour_valued"] is True


def test_the_wage_range_moves_the_incremental_npv():
    wage = Distribution.from_spec({"dist": "pert", "low": 250.0, "mode": 300.0, "high": 350.0}, "wage_mxn_day")
    inc = PlotModel(simple(value_family_labour=True, parameters={"wage_mxn_day": wage})).evaluate().incremental
    assert inc["wage_range_mxn_day"] == [250.0, 350.0]
    # 30 extra family days a year: at 250 MXN -350 - 7,500 = -7,850 → x 2.7355372 = -21,473.97;
    # at 350 MXN -350 - 10,500 = -10,850 → -29,680.58
    np.testing.assert_allclose(inc["npv_mxn_at_wage_range"], [-7850 * PV3, -10850 * PV3])


def test_the_unpaid_view_is_the_cash_view():
    r = PlotModel(simple(value_family_labour=False)).evaluate()
    assert r.incremental["npv_mxn"] == pytest.approx(r.incremental["npv_cash_mxn"])
    assert r.incremental["family_labour_valued"] is False


def test_on_the_shipped_example_valued_npv_is_the_cash_npv_less_the_family_days_at_the_wage():
    r = evaluate_plot(json.loads(EXAMPLE.read_text()))
    m = r.miaf.metrics
    # NPV(valued) = NPV(cash) - PV(family days) x wage, year by year
    pv_days = finance.npv(r.discount_rate, r.miaf.family_days)
    assert m["npv_mxn"] == pytest.approx(m["npv_cash_mxn"] - 300 * pv_days)
    # issue 16: paying family days at the wage takes most of the MIAF-D NPV and brings B/C near 1
    assert m["npv_mxn"] < 0.3 * m["npv_cash_mxn"]
    assert 1.0 < m["benefit_cost_ratio"] < 1.5


def test_milpa_running_cost_excludes_labour_so_labour_is_counted_once():
    row = load_parameters("economics")["milpa_running_cost_mxn_ha"]
    # cash inputs only; the 10,000-13,000 MXN/ha totals of the sources include labour and are not used
    assert row.value == 3000 and row.tag == "estimate"
    assert "excluding all labour" in row.notes and "include paid labour" in row.source
    r = PlotModel(simple(value_family_labour=True, parameters={"milpa_running_cost_mxn_ha": 3000.0})).evaluate()
    # baseline year: inputs 3,000 + 60 family days x 300 = 21,000 of costs, labour entering once
    np.testing.assert_allclose(r.baseline.costs_mxn, 3000 + 60 * 300)


def run(argv):
    parser = argparse.ArgumentParser(prog="miaf")
    cli.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.func(args)


def test_cli_json_gives_both_npvs_and_the_return_per_family_day_against_the_wage(capsys):
    assert run(["economics", "--scenario", str(EXAMPLE), "--json", "--draws", "50"]) == 0
    out = json.loads(capsys.readouterr().out)
    inc = out["result"]["incremental"]
    assert {"npv_mxn", "npv_cash_mxn", "return_per_extra_family_day_mxn", "wage_mxn_day", "wage_range_mxn_day",
            "npv_mxn_at_wage_range", "return_per_extra_family_day_to_wage"} <= set(inc)
    assert inc["npv_mxn"] < inc["npv_cash_mxn"]
    assert inc["wage_range_mxn_day"] == [250.0, 350.0]  # the example's PERT interval
    assert inc["npv_mxn_at_wage_range"][0] > inc["npv_mxn_at_wage_range"][1]
    assert "npv_incremental_cash_mxn" in out["monte_carlo"]["percentiles"]
    assert run(["economics", "--scenario", str(EXAMPLE)]) == 0
    text = capsys.readouterr().out
    assert "family cash view" in text and "family labour valued at the wage" in text
