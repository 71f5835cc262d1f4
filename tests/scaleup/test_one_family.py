"""A one-family, central run equals the plot-level economics, erosion and carbon functions called directly,
and the programme's money and families add up."""

from __future__ import annotations

import numpy as np
import pytest

from miaf.economics.cashflow import PlotModel
from miaf.environment.carbon import CarbonInputs, evaluate_carbon
from miaf.environment.erosion import ErosionInputs, evaluate_soil_loss
from miaf.params import load_parameters
from miaf.scaleup.plotflows import stratum_plot_scenario, trees_per_ha
from miaf.scaleup.run import run_scaleup

from .conftest import certain_scenario


@pytest.mark.parametrize("horizon", [1, 6])
def test_one_family_central_run_equals_the_plot_functions_called_directly(one_family, horizon):
    scenario = certain_scenario(horizon)
    res = run_scaleup(scenario, population=one_family, central=True, yield_cv=0.0, in_process=True)
    nat = res.totals["Nacional"]
    assert res.units == 1 and res.draws == 1 and res.years == horizon

    plot = stratum_plot_scenario(one_family.row(0), horizon)
    assert plot.n_trees == round(trees_per_ha(30, "aguacate")) == 943  # 30 % slope: rows 10.6 m, trees 1 m
    econ = PlotModel(plot).evaluate()
    m, b = econ.miaf, econ.baseline
    np.testing.assert_allclose(nat["net_income_mxn"][0], m.net_mxn - b.net_mxn, rtol=1e-9, atol=1e-6)
    np.testing.assert_allclose(nat["maize_kg"][0], m.harvest_kg["maiz"], rtol=1e-9)
    np.testing.assert_allclose(nat["bean_kg"][0], m.harvest_kg["frijol"], rtol=1e-9)
    share = load_parameters("economics")["self_consumption_share.maiz"].value
    np.testing.assert_allclose(nat["maize_self_kg"][0], m.harvest_kg["maiz"] * share, rtol=1e-9)
    days = (m.family_days + m.hired_days) - (b.family_days + b.hired_days)
    np.testing.assert_allclose(nat["person_days"][0], days, rtol=1e-9)

    kept = [evaluate_soil_loss(ErosionInputs(system="miaf-d", age_years=a, rainfall_mm=1825.1, k_factor=0.02,
                                             slope_pct=30, slope_length_m=50)).soil_kept_t_ha_yr
            for a in range(horizon)]
    np.testing.assert_allclose(nat["soil_loss_avoided_t"][0], kept, rtol=1e-12)
    co2 = [evaluate_carbon(CarbonInputs("aguacate", plot.n_trees, a + 1, 1.0, "tropical_moist",
                                        maize_yield_kg_ha=600)).to_dict()["difference_vs_traditional_t_co2e_ha"]
           for a in range(horizon)]
    np.testing.assert_allclose(nat["co2e_t"][0], co2, rtol=1e-9)

    # public cost of year 0, by hand: training + one promoter + half the establishment + one transfer
    expected0 = 2000 + 180000 + 0.5 * m.establishment_mxn[0] + 10000
    assert nat["public_cost_mxn"][0, 0] == pytest.approx(expected0)
    assert nat["families_enrolled"][0].tolist() == [1.0] * horizon
    assert nat["hectares"][0].tolist() == [1.0] * horizon
    assert nat["promoters_needed"][0, 0] == 1 and nat["promoters_bilingual_needed"][0, 0] == 1


def test_one_family_money_adds_up_and_enrolment_never_exceeds_the_population(one_family):
    scenario = certain_scenario(8, enrolment={"targets": [5]}, rates={"adoption": {"dist": "uniform", "low": 0.1, "high": 0.9},
                                                                            "dropout_per_year": 0.3})
    res = run_scaleup(scenario, population=one_family, draws=40, seed=3, in_process=True)
    assert "enrolment capped by the eligible families left in year(s) 0" in " ".join(res.warnings)
    for region, t in res.totals.items():
        parts = sum(t[k] for k in ("cost_training_mxn", "cost_promoters_mxn", "cost_other_accompaniment_mxn",
                                   "cost_subsidy_mxn", "cost_transfers_mxn"))
        np.testing.assert_allclose(t["public_cost_mxn"], parts, rtol=1e-12, err_msg=region)
        np.testing.assert_allclose(t["public_cost_cumulative_mxn"][:, -1], t["public_cost_mxn"].sum(axis=1))
        assert (t["families_enrolled"] <= 1 + 1e-9).all()
        assert (t["families_active"] <= t["families_enrolled"] + 1e-9).all()
    active = res.totals["Nacional"]["families_active"]
    assert set(np.unique(active)) <= {0.0, 1.0}
    assert 0 < active[:, 0].mean() < 1  # some draws adopt, some do not
    # once a family drops out it stays out
    assert (np.diff(active, axis=1) <= 0).all()
