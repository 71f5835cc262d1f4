"""Bad population tables and bad scenarios are refused with messages naming the problem; over-ambitious
enrolment is capped and reported, not a crash."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from miaf.scaleup.population import (
    MAX_STRATA,
    PopulationError,
    allocate_units,
    default_population,
    load_population,
)
from miaf.scaleup.run import run_scaleup
from miaf.scaleup.scenario import ScenarioError, load_scenario, parse_scenario

from .conftest import ONE_STRATUM, certain_scenario, write_population


def test_default_population_is_mexicos_5_5_million_family_farms():
    pop = default_population()
    assert pop["farm_units"].sum() == 5_500_000
    assert set(pop.regions) >= {"Pacífico Sur", "Golfo"}
    assert 0 < pop.eligible.sum() < 5_500_000


@pytest.mark.parametrize("change,message", [
    ({"climate_zone": "polar"}, "climate_zone 'polar' is not one of"),
    ({"tree_species": "maiz"}, "tree_species 'maiz' is not a tree"),
    ({"farm_units": "-3"}, "farm_units = -3 is outside"),
    ({"k_factor": "abc"}, "k_factor = 'abc' is not a number"),
    ({"eligible_share": "1.5"}, "eligible_share = 1.5 is outside"),
    ({"slope_pct": ""}, "column 'slope_pct' is empty"),
    ({"farm_units": "2.5"}, "farm_units must be a whole number"),
])
def test_a_bad_cell_names_the_row_and_the_column(tmp_path, change, message):
    path = write_population(tmp_path / "p.csv", [{**ONE_STRATUM, **change}])
    with pytest.raises(PopulationError, match=message) as exc:
        load_population(path)
    assert "p.csv: row 2" in str(exc.value)


def test_population_structure_errors(tmp_path):
    rows = [ONE_STRATUM, ONE_STRATUM]
    with pytest.raises(PopulationError, match="stratum 'T1' appears twice"):
        load_population(write_population(tmp_path / "dup.csv", rows))
    no_region = {k: v for k, v in ONE_STRATUM.items() if k != "region"}
    with pytest.raises(PopulationError, match="missing column"):
        load_population(write_population(tmp_path / "miss.csv", [no_region]))
    with pytest.raises(PopulationError, match="unknown column"):
        load_population(write_population(tmp_path / "extra.csv", [{**ONE_STRATUM, "colour": "red"}]))
    (tmp_path / "p.xlsx").write_bytes(b"PK")
    with pytest.raises(PopulationError, match="must be .csv or .parquet"):
        load_population(tmp_path / "p.xlsx")
    (tmp_path / "bad.parquet").write_bytes(b"not parquet at all")
    with pytest.raises(PopulationError, match="not a readable Parquet file"):
        load_population(tmp_path / "bad.parquet")
    with pytest.raises(PopulationError, match="does not exist"):
        load_population(tmp_path / "nope.csv")
    (tmp_path / "huge_cell.csv").write_text("stratum,state\n" + "x" * 200_000 + ",y\n", encoding="utf-8")
    with pytest.raises(PopulationError, match="not a readable CSV file"):
        load_population(tmp_path / "huge_cell.csv")
    (tmp_path / "latin1.csv").write_bytes("stratum,state\nT1,Michoac\xe1n\n".encode("latin-1"))
    with pytest.raises(PopulationError, match="not a UTF-8 CSV file"):
        load_population(tmp_path / "latin1.csv")


def test_too_many_strata_are_refused_before_use(tmp_path):
    rows = [{**ONE_STRATUM, "stratum": f"S{i}"} for i in range(MAX_STRATA + 1)]
    with pytest.raises(PopulationError, match=f"more than {MAX_STRATA} strata"):
        load_population(write_population(tmp_path / "big.csv", rows))
    table = pa.Table.from_pylist(rows)
    pq.write_table(table, tmp_path / "big.parquet")
    with pytest.raises(PopulationError, match=f"at most {MAX_STRATA}"):
        load_population(tmp_path / "big.parquet")


def test_a_parquet_population_loads_like_the_csv(tmp_path):
    pq.write_table(pa.Table.from_pylist([{**ONE_STRATUM, "farm_units": 10}]), tmp_path / "p.parquet")
    pop = load_population(tmp_path / "p.parquet")
    assert pop.eligible.tolist() == [10]
    n, w = allocate_units(pop, 4)
    assert n.tolist() == [4] and w.tolist() == [2.5]


@pytest.mark.parametrize("data,problem", [
    ({}, "enrolment: give exactly one of 'targets'"),
    ({"enrolment": {"targets": [10], "budget_mxn": 5}}, "enrolment: give exactly one"),
    ({"enrolment": {"targets": [10, -1]}}, "enrolment.targets[1]: must be >= 0"),
    ({"enrolment": {"targets": [1.5]}}, "enrolment.targets[0]: must be a whole number"),
    ({"enrolment": {"targets": 5}, "rates": {"adoption": -0.2}}, "rates.adoption: must lie in [0, 1]"),
    ({"enrolment": {"targets": 5}, "rates": {"dropout_per_year": {"dist": "pert", "low": -0.1, "mode": 0.05,
                                                                 "high": 0.2}}}, "rates.dropout_per_year"),
    ({"enrolment": {"targets": 5}, "rates": {"adoption": {"dist": "normal", "low": 0.5, "high": 0.9}}},
     "use 'pert', 'uniform' or a number"),
    ({"enrolment": {"targets": 5}, "horizon_years": 0}, "horizon_years: must be >= 1"),
    ({"enrolment": {"targets": 5}, "promoters": {"families_per_promoter": 0}}, "promoters.families_per_promoter"),
    ({"enrolment": {"targets": 5}, "support": {"subsidy_share": 2}}, "support.subsidy_share: must be <= 1"),
    ({"enrolment": {"targets": 5}, "colour": "red"}, "colour: unknown key"),
    ({"enrolment": {"targets": 5, "region": ["x"]}}, "enrolment.region: unknown key"),
])
def test_scenario_validation_lists_the_problems(data, problem):
    with pytest.raises(ScenarioError) as exc:
        parse_scenario(data)
    assert problem in str(exc.value)


def test_scenario_file_errors(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("name = [unclosed", encoding="utf-8")
    with pytest.raises(ScenarioError, match="not valid TOML"):
        load_scenario(bad)
    with pytest.raises(ScenarioError, match="does not exist"):
        load_scenario(tmp_path / "none.toml")
    ok = tmp_path / "ok.toml"
    ok.write_text('[enrolment]\ntargets = [100]\n[rates]\nadoption = 0.7\n', encoding="utf-8")
    s = load_scenario(ok)
    assert s.horizon_years == 25 and s.target(10) == 100 and s.rates["adoption"].central() == 0.7


def test_enrolment_beyond_population_or_promoters_is_capped_and_reported(one_family, tmp_path):
    rows = [{**ONE_STRATUM, "farm_units": 1000}]
    pop = load_population(write_population(tmp_path / "k.csv", rows))
    scenario = certain_scenario(5, enrolment={"targets": [400]}, promoters={"initial": 4, "hired_per_year": 0})
    res = run_scaleup(scenario, population=pop, central=True, in_process=True)
    enrolled = res.totals["Nacional"]["families_enrolled"][0]
    # 4 promoters x 25 families = 100 families accompanied at a time, each for 3 years: a new cohort of
    # 100 every third year
    assert enrolled.tolist() == [100, 100, 100, 200, 200]
    assert any("promoter capacity" in w for w in res.warnings)
    scenario = certain_scenario(4, enrolment={"targets": [600]})
    res = run_scaleup(scenario, population=pop, central=True, in_process=True)
    assert res.totals["Nacional"]["families_enrolled"][0].tolist() == [600, 1000, 1000, 1000]
    assert any("eligible families left in year(s) 1, 2, 3" in w for w in res.warnings)


def test_unknown_region_is_an_error(one_family):
    scenario = certain_scenario(2, enrolment={"targets": [1], "regions": ["Atlántida"]})
    with pytest.raises(ValueError, match="unknown region"):
        run_scaleup(scenario, population=one_family, central=True, in_process=True)


def test_budget_driven_enrolment_spends_about_the_budget_and_more_money_enrols_more(tmp_path):
    pop = load_population(write_population(tmp_path / "b.csv", [{**ONE_STRATUM, "farm_units": 100000}]))

    def run(budget):
        scenario = parse_scenario({"horizon_years": 3, "enrolment": {"budget_mxn": [budget]},
                                   "rates": {"adoption": 1.0, "dropout_per_year": 0.0}})
        return run_scaleup(scenario, population=pop, central=True, in_process=True).totals["Nacional"]

    small, big = run(50e6), run(200e6)
    assert 0 < small["families_enrolled"][0, 0] < big["families_enrolled"][0, 0]
    for t, budget in ((small, 50e6), (big, 200e6)):
        # planned at central values: the first year's public cost is the budget, within a promoter's pay
        assert t["public_cost_mxn"][0, 0] <= budget + 180000
        assert t["public_cost_mxn"][0, 0] >= 0.95 * budget


def test_national_enrolment_never_exceeds_the_eligible_families():
    scenario = parse_scenario({"horizon_years": 20, "enrolment": {"targets": [2_000_000]}})
    pop = default_population()
    res = run_scaleup(scenario, population=pop, units=30_000, draws=3, in_process=True)
    enrolled = res.totals["Nacional"]["families_enrolled"]
    assert enrolled[0, -1] == pytest.approx(pop.eligible.sum(), rel=1e-9)
    assert (enrolled <= pop.eligible.sum() * (1 + 1e-12)).all()
    assert (res.totals["Nacional"]["families_active"] <= enrolled + 1e-6).all()
    assert any("eligible families left" in w for w in res.warnings)
