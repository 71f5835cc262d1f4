"""Issue 16 item 5: a series whose flows change sign more than once is flagged, with every root, in the CLI."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import numpy_financial as npf

from miaf.economics import cli
from miaf.economics.cashflow import evaluate_plot

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "scenario-aguacate.json"


def run(argv):
    parser = argparse.ArgumentParser(prog="miaf")
    cli.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.func(args)


def bad_last_year(tmp_path):
    # the shipped avocado example with a recorded disaster in the last year: no harvest and 300,000 MXN of
    # inputs (a replanting), so the MIAF-D net flow is negative in the first years and in year 19 and positive
    # between: its signs change at least twice (- - + ... + -)
    scenario = json.loads(EXAMPLE.read_text())
    scenario["records"].append({"year": 19, "harvest_kg": {"aguacate": 0}, "input_cost_mxn": 300000})
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(scenario))
    return path


def test_the_json_of_a_conventional_plot_reports_its_single_root(capsys):
    assert run(["economics", "--scenario", str(EXAMPLE), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)["result"]
    # the incremental flows (MIAF-D − milpa) change sign once: one IRR, the same as numpy-financial's
    inc = result["incremental"]
    assert inc["irr_sign_changes"] == 1 and inc["irr_non_conventional"] is False
    # the plot's own flows -80,216, -26,646, -22,324, -20,041, +3,972, -1,311 (avocado off-year, maize and bean
    # each on half the strips), +47,196 ... change sign three times: flagged, and every root zeroes the NPV
    m = result["miaf"]["metrics"]
    net = np.asarray(result["miaf"]["net_mxn"])
    signs = np.sign(net[net != 0])
    assert m["irr_sign_changes"] == int((signs[1:] != signs[:-1]).sum()) == 3 and m["irr_non_conventional"] is True
    for r in m["irr_roots"]:
        assert abs(npf.npv(r, net)) < 1e-6 * np.abs(net).sum()


def test_a_recorded_loss_in_the_last_year_is_flagged_with_every_root_in_json_and_text(tmp_path, capsys):
    path = bad_last_year(tmp_path)
    assert run(["economics", "--scenario", str(path), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)["result"]
    m = result["miaf"]["metrics"]
    net = np.asarray(result["miaf"]["net_mxn"])
    assert net[0] < 0 and net[-1] < 0 and net[6] > 0
    signs = np.sign(net[net != 0])
    assert m["irr_non_conventional"] is True and m["irr_sign_changes"] == int((signs[1:] != signs[:-1]).sum()) >= 2
    # every reported root zeroes the NPV, and numpy-financial's single answer is one of them
    assert m["irr_roots"]
    for r in m["irr_roots"]:
        assert abs(npf.npv(r, net)) < 1e-6 * np.abs(net).sum()
    assert np.isclose(min(m["irr_roots"], key=abs), npf.irr(net), atol=1e-9)
    if len(m["irr_roots"]) > 1:
        assert m["irr"] is None and m["irr_reason"] == "multiple"
    assert run(["economics", "--scenario", str(path)]) == 0
    assert "flows change sign" in capsys.readouterr().out


def test_the_result_object_carries_the_roots_and_sign_changes(tmp_path):
    result = evaluate_plot(json.loads(bad_last_year(tmp_path).read_text()))
    m = result.miaf.metrics
    assert set(m) >= {"irr", "irr_reason", "irr_roots", "irr_sign_changes", "irr_non_conventional"}
