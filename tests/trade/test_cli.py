"""``miaf sidesell``: the side-selling page's computation for scripts, on the hand-calculated case."""

from __future__ import annotations

import json

import pytest

from miaf.cli import main
from tests.trade.conftest import hand_case

pytestmark = pytest.mark.django_db


def run(capsys, *argv: str) -> tuple[int, str, str]:  # noqa: ANN001
    code = main(["sidesell", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_sidesell_json_gives_the_hand_calculated_shares_and_the_page_figures(world, offer, capsys):
    from miaf.web.trade.analysis import side_selling

    hand_case(world.plot_ojo, world.fam_ojo)
    code, out, err = run(capsys, "--group", "Ojo de Agua", "--json")
    assert code == 0, err
    r = json.loads(out)
    # 60 kg of 100 kg sold to the intermediary, all of it in a deficit month the organisation would win without
    # the deficit (tests/trade/test_sidesell.py): 60 %, 100 % explained by cash need
    assert r["share_outside"] == pytest.approx(0.60)
    assert r["share_explained_by_cash_need"] == pytest.approx(1.0)
    page = side_selling([world.group_ojo.pk], personal=True)
    for key in ("share_outside", "share_explained_by_cash_need", "value_organisation_offer_mxn_kg",
                "value_outside_offer_mxn_kg", "kg", "kg_intermediary"):
        assert r["overall"][key] == pytest.approx(page["overall"][key])
    assert r["overall"]["channels"] == page["overall"]["channels"]
    assert set(r["whatifs"]) == {"advance", "delay", "price", "diversification"}
    for key, run_ in page["whatifs"].items():
        assert r["whatifs"][key]["kg_prevented"] == pytest.approx(run_["kg_prevented"])
        assert r["whatifs"][key]["share_prevented"] == pytest.approx(run_["share_prevented"])
    assert "families" not in r


def test_the_what_if_assumptions_change_as_on_the_page(world, offer, capsys):
    hand_case(world.plot_ojo, world.fam_ojo)
    # advance of 50 %: 8.26 + 0.5 × 10 × 0.174 = 9.13 > 8.50, recovered; of 10 %: 8.43, not
    _, out50, _ = run(capsys, "--group", "Ojo de Agua", "--advance-pct", "50", "--json")
    _, out10, _ = run(capsys, "--group", "Ojo de Agua", "--advance-pct", "10", "--json")
    assert json.loads(out50)["whatifs"]["advance"]["kg_prevented"] == pytest.approx(60)
    assert json.loads(out10)["whatifs"]["advance"]["kg_prevented"] == pytest.approx(0)
    assert json.loads(out10)["assumptions"]["advance_share"] == pytest.approx(0.10)


def test_an_analyst_gets_no_aggregate_of_fewer_than_k_families(world, offer, capsys):
    hand_case(world.plot_ojo, world.fam_ojo)
    code, out, _ = run(capsys, "--user", "diego", "--json")
    r = json.loads(out)
    assert code == 0 and r["suppressed_all"] and r["overall"] is None and r["whatifs"] == {}
    assert r["share_outside"] is None and r["share_explained_by_cash_need"] is None and "families" not in r


def test_without_json_a_readable_table(world, offer, capsys):
    hand_case(world.plot_ojo, world.fam_ojo)
    code, out, _ = run(capsys, "--group", "Ojo de Agua")
    assert code == 0
    assert "60.0 %" in out and "100.0 %" in out
    assert any(line.startswith("advance") for line in out.splitlines())


@pytest.mark.parametrize("argv, word", [
    (("--group", "Nadie"), "Nadie"),
    (("--organisation", "NADIE"), "NADIE"),
    (("--advance-pct", "150"), "--advance-pct"),
    (("--year", "20"), "--year"),
])
def test_bad_arguments_exit_2_with_one_line(world, capsys, argv, word):
    code, out, err = run(capsys, *argv, "--json")
    assert code == 2
    assert out == "" and len(err.strip().splitlines()) == 1 and word in err
