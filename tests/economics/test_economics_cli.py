"""`miaf economics` and `miaf calendar` through their argparse registration."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from miaf.economics import cli

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "scenario-aguacate.json"


def run(argv):
    parser = argparse.ArgumentParser(prog="miaf")
    cli.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.func(args)


def test_economics_json_with_monte_carlo(capsys):
    assert run(["economics", "--scenario", str(EXAMPLE), "--json", "--draws", "200", "--seed", "1"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["result"]["incremental"]["npv_mxn"] > 0
    assert out["result"]["provenance"]["establishment_cost_mxn@year0"] == "measured"
    assert out["monte_carlo"]["draws"] == 200
    assert out["monte_carlo"]["sensitivity"]["npv_incremental_mxn"][0]["rank"] == 1


def test_economics_text_summary(capsys):
    assert run(["economics", "--scenario", str(EXAMPLE)]) == 0
    assert "incremental" in capsys.readouterr().out


def test_plot_option_needs_the_web_app_loader(monkeypatch):
    monkeypatch.setattr(cli, "PLOT_LOADER", None)
    with pytest.raises(ValueError, match="--plot needs the web app database"):
        run(["economics", "--plot", "7"])
    monkeypatch.setattr(cli, "PLOT_LOADER", lambda plot_id: {"name": f"plot {plot_id}", "area_ha": 0.5})
    assert run(["economics", "--plot", "7", "--json"]) == 0


def test_bad_scenario_file_raises_value_error(tmp_path):
    bad = tmp_path / "s.json"
    bad.write_text('{"area_ha": 1, "horizon_years": 0}')
    with pytest.raises(ValueError, match="horizon_years"):
        run(["economics", "--scenario", str(bad)])
    bad.write_text("{not json")
    with pytest.raises(ValueError, match="not valid JSON"):
        run(["economics", "--scenario", str(bad)])


def test_calendar_from_csv_with_comparison(tmp_path, capsys):
    ledger = tmp_path / "ledger.csv"
    ledger.write_text(
        "family_id,year,month,kind,category,amount\n"
        "1,2023,10,income,maiz,3000\n1,2023,6,expense,food,1500\n"
        "1,2025,10,income,maiz,3000\n1,2025,2,income,aguacate,2000\n1,2025,6,expense,food,1500\n"
    )
    assert run(["calendar", "--ledger", str(ledger), "--json", "--before", "2023", "--after", "2025"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["calendar"]["family_years"] == 2
    row = out["comparison"]["rows"][0]
    assert row["income_mxn_difference"] == 2000
    ledger.write_text("family_id,year,month,kind,category,amount\n1,2023,14,income,maiz,3000\n")
    with pytest.raises(ValueError, match="month must be 1..12"):
        run(["calendar", "--ledger", str(ledger)])
