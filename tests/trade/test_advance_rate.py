"""Interest on an advance (params/trade.csv ``advance_rate_month``, default 0): it lowers the advance's
effective value to the family and pays the organisation back, checked on the hand case of test_sidesell.py."""

from __future__ import annotations

import json
import math

import pytest

from miaf.cli import main
from tests.trade.conftest import hand_case

pytestmark = pytest.mark.django_db

D_MONTHS = 61 / 30.4375  # the organisation pays 61 days after delivery: 2.00411 months
PV_DEFICIT = 1.10 ** -D_MONTHS  # May 2020 is a deficit month: the moneylender's 10 %/month, 0.826117


def advance_value(rate: float) -> float:
    """The organisation's offer of 10 MXN/kg with half paid at delivery and ``rate`` per month charged on that
    half until the final payment: 0.5 × 10 + 0.5 × 10 × 0.826117 − 0.5 × 10 × [(1 + rate)^d − 1] × 0.826117."""
    return 5 + 5 * PV_DEFICIT - 5 * ((1 + rate) ** D_MONTHS - 1) * PV_DEFICIT


def test_the_default_rate_is_zero_and_leaves_the_advance_what_if_unchanged(world, offer):
    from miaf.economics.sidesell import what_if
    from miaf.params import load_parameters
    from miaf.web.trade.analysis import Assumptions
    from miaf.web.trade.sales import load_sales

    assert float(load_parameters("trade")["advance_rate_month"]) == 0 == Assumptions.defaults().advance_rate
    hand_case(world.plot_ojo, world.fam_ojo)
    sales = load_sales([world.group_ojo.pk]).sales
    assert what_if(sales, advance_share=0.5).to_dict() == what_if(sales, advance_share=0.5, advance_rate=0).to_dict()


@pytest.mark.parametrize("rate_pct, recovered", [(0, 60), (5, 60), (8, 0)])
def test_an_advance_charged_at_a_high_rate_no_longer_wins_the_sale(world, offer, capsys, rate_pct, recovered):
    # 0 %: 9.13; 5 %/month: 9.13 − 5 × 0.1029 × 0.8261 = 8.70 > 8.50 (recovered);
    # 8 %/month: 9.13 − 5 × 0.1666 × 0.8261 = 8.44 < 8.50 (the intermediary's cash at once still wins)
    assert (advance_value(rate_pct / 100) > 8.5) == bool(recovered)
    hand_case(world.plot_ojo, world.fam_ojo)
    code = main(["sidesell", "--group", "Ojo de Agua", "--advance-pct", "50", "--advance-rate-pct", str(rate_pct),
                 "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    r = json.loads(out)
    advance = r["whatifs"]["advance"]
    assert advance["kg_prevented"] == pytest.approx(recovered)
    assert r["assumptions"]["advance_rate"] == pytest.approx(rate_pct / 100)


def test_the_interest_lowers_what_the_advance_costs_the_organisation(world, offer):
    from miaf.economics.sidesell import what_if
    from miaf.web.trade.sales import load_sales

    hand_case(world.plot_ojo, world.fam_ojo)
    sales = load_sales([world.group_ojo.pk]).sales
    free = what_if(sales, advance_share=0.5, advance_rate=0.0, organisation_rate=0.015)
    charged = what_if(sales, advance_share=0.5, advance_rate=0.01, organisation_rate=0.015)
    # both win back the 60 kg; the organisation then buys 100 kg at 10 MXN/kg delivered 2.00411 months before it
    # is paid: cost 100 × 0.5 × 10 × [(1.015)^d − (1.01)^d] with interest, 100 × 0.5 × 10 × [(1.015)^d − 1] without
    assert free.kg_prevented == charged.kg_prevented == pytest.approx(60)
    assert free.organisation_cost_mxn == pytest.approx(500 * math.expm1(D_MONTHS * math.log(1.015)))
    assert charged.organisation_cost_mxn == pytest.approx(500 * (1.015 ** D_MONTHS - 1.01 ** D_MONTHS))


def test_the_side_selling_page_takes_the_rate_as_an_assumption(world, offer, client_for):
    hand_case(world.plot_ojo, world.fam_ojo)
    r = client_for(world.carla).get(f"/comercializacion/venta-por-fuera/?group={world.group_ojo.pk}"
                                    "&advance_pct=50&advance_rate_pct=8")
    assert r.status_code == 200
    assert r.context["r"]["assumptions"]["advance_rate"] == pytest.approx(0.08)
    assert r.context["r"]["whatifs"]["advance"]["kg_prevented"] == pytest.approx(0)
    assert 'name="advance_rate_pct"' in r.content.decode()
