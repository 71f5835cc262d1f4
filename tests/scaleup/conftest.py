"""Shared helpers for the scale-up tests: a one-stratum population and a scenario builder."""

from __future__ import annotations

import csv

import pytest

from miaf.scaleup.population import load_population
from miaf.scaleup.scenario import parse_scenario

ONE_STRATUM = {
    "stratum": "T1", "state": "Chiapas", "region": "Pacífico Sur", "farm_units": 1, "eligible_share": 1,
    "miaf_plot_ha": 1.0, "slope_pct": 30, "slope_length_m": 50, "climate_zone": "tropical_moist",
    "rainfall_mm": 1825.1, "k_factor": 0.02, "tree_species": "aguacate", "household_income_mxn_yr": 100000,
    "indigenous_share": 1.0,
}


def write_population(path, rows):
    cols = list(dict.fromkeys(k for r in rows for k in r))
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, cols)
        w.writeheader()
        w.writerows(rows)
    return path


@pytest.fixture
def one_family(tmp_path):
    return load_population(write_population(tmp_path / "one.csv", [ONE_STRATUM]))


def certain_scenario(horizon=1, **extra):
    """One family enrolled in year 0; every programme rate certain (adopts, never drops out, all trees live)."""
    data = {
        "name": "one family", "horizon_years": horizon, "enrolment": {"targets": [1, 0]},
        "promoters": {"families_per_promoter": 25, "cost_mxn_year": 180000},
        "costs": {"training_mxn_family": 2000, "accompaniment_years": 3},
        "support": {"subsidy_share": 0.5, "transfer_mxn_family_year": 10000, "transfer_years": 2},
        "rates": {"adoption": 1.0, "dropout_per_year": 0.0, "tree_survival": 1.0, "soil_loss_factor": 1.0,
                  "carbon_tree_quantile": 0.0, "poverty_line_mxn_household_yr": 130000},
    }
    for k, v in extra.items():
        data[k] = {**data.get(k, {}), **v} if isinstance(v, dict) else v
    return parse_scenario(data)
