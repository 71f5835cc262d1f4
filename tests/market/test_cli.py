"""``miaf offer``: the same figures as the offer page's service, for scripts."""

from __future__ import annotations

import json

import pytest

from miaf.cli import main

pytestmark = pytest.mark.django_db


def run(capsys, *argv: str) -> tuple[int, str, str]:  # noqa: ANN001
    code = main(["offer", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_offer_json_gives_one_object_per_product_and_month_equal_to_the_page_service(world, market, capsys):
    from miaf.web.market.services import compute_offer

    code, out, err = run(capsys, "--group", "Ojo de Agua", "--from", "2026-01", "--months", "12", "--json")
    assert code == 0, err
    rows = json.loads(out)
    # the page's service, same group, same window, as an administrator (the command's operator)
    page = compute_offer(world.root, group=world.group_ojo, start=(2026, 1), months=12, by="total")
    expected = page.forecast.records(unit_labels=page.unit_labels)
    assert len(rows) == len(expected) > 0
    for got, want in zip(rows, expected, strict=True):
        assert {"product", "month", "kg_p10", "kg_p50", "kg_p90"} <= set(got)
        for key in ("product", "month", "kg_p10", "kg_p50", "kg_p90", "kg_central", "value_mxn"):
            assert got[key] == want[key]
    months = {r["month"] for r in rows}
    assert min(months) >= "2026-01" and max(months) <= "2026-12"
    avocado = [r for r in rows if r["product"] == "aguacate"]
    assert avocado and all(r["kg_p10"] <= r["kg_p50"] <= r["kg_p90"] for r in avocado)
    # only Ojo de Agua's 120 trees: the group of 60 trees (El Vergel) and the other organisation are not in it
    both = compute_offer(world.root, organisation=world.org_coffee, start=(2026, 1), months=12, product="aguacate")
    total = sum(r["kg_central"] for r in avocado)
    both_total = sum(r["kg_central"] for r in both.forecast.records())
    assert 0 < total < both_total


def test_an_accompanying_organisation_offers_its_producers_groups(world, market, capsys):
    code, out, _ = run(capsys, "--organisation", "PROASUS", "--from", "2026-01", "--product", "aguacate", "--json")
    code2, out2, _ = run(capsys, "--organisation", "Cafetaleros Orgánicos", "--from", "2026-01", "--product",
                         "aguacate", "--json")
    assert code == code2 == 0
    assert json.loads(out) == json.loads(out2) != []


def test_a_users_scope_applies(world, market, capsys):
    # ana (promoter of Ojo de Agua) gets her group's offer; El Vergel is not hers
    _, ana, _ = run(capsys, "--user", "ana", "--from", "2026-01", "--json")
    _, ojo, _ = run(capsys, "--group", "Ojo de Agua", "--from", "2026-01", "--json")
    assert json.loads(ana) == json.loads(ojo)
    code, out, err = run(capsys, "--user", "ana", "--group", "El Vergel", "--json")
    assert code == 2 and out == "" and "El Vergel" in err


def test_without_json_a_readable_table(world, market, capsys):
    code, out, _ = run(capsys, "--group", "Ojo de Agua", "--from", "2026-01")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["product", "month", "kg"]
    assert any(line.startswith("aguacate") for line in lines[1:])


@pytest.mark.parametrize("argv, word", [
    (("--group", "Nadie"), "Nadie"),
    (("--organisation", "NADIE"), "NADIE"),
    (("--from", "2026-13"), "2026-13"),
    (("--from", "diciembre"), "diciembre"),
    (("--months", "0"), "--months"),
    (("--user", "nadie"), "nadie"),
])
def test_bad_arguments_exit_2_with_one_line(world, market, capsys, argv, word):
    code, out, err = run(capsys, *argv, "--json")
    assert code == 2
    assert out == "" and len(err.strip().splitlines()) == 1 and word in err
