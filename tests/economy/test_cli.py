"""``miaf economics --plot ID`` reads the plot from the database through the web app's loader."""

from __future__ import annotations

import argparse
import json

import pytest

import miaf.economics.cli as economics_cli
from miaf.economics.cashflow import PlotModel
from miaf.economics.cli import register
from miaf.web.economy.services import load_plot_for_cli, plot_scenario

pytestmark = pytest.mark.django_db


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="miaf")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.func(args)


def test_the_app_installs_the_plot_loader():
    assert economics_cli.PLOT_LOADER is load_plot_for_cli


def test_miaf_economics_plot_json_evaluates_the_plot_from_the_database(records, capsys):
    assert run(["economics", "--plot", str(records.plot_ojo.pk), "--json", "--draws", "200", "--seed", "1"]) == 0
    out = json.loads(capsys.readouterr().out)
    expected = PlotModel(plot_scenario(records.plot_ojo)).evaluate()
    assert out["result"]["miaf"]["metrics"]["npv_mxn"] == pytest.approx(expected.miaf.metrics["npv_mxn"])
    assert out["result"]["provenance"]["harvest_kg.aguacate@year4"] == "measured"
    assert out["monte_carlo"]["draws"] == 200


def test_miaf_economics_plot_prints_a_summary(records, capsys):
    assert run(["economics", "--plot", str(records.plot_ojo.pk)]) == 0
    assert "La Ladera" in capsys.readouterr().out


@pytest.mark.parametrize("plot_id", ["999999", "abc"])
def test_an_unknown_or_malformed_plot_id_is_a_value_error(world, plot_id):
    with pytest.raises(ValueError, match="--plot"):
        run(["economics", "--plot", plot_id])


def test_without_the_app_loader_the_cli_sets_django_up_itself(records, monkeypatch, capsys):
    # The `miaf` command registers the web commands first; they install a loader that sets Django up.
    from miaf.cli import main

    monkeypatch.setattr(economics_cli, "PLOT_LOADER", None)
    assert main(["economics", "--plot", str(records.plot_ojo.pk), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["result"]["name"] == "La Ladera"
