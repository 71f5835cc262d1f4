"""Plot, family and programme evidence: the numbers are the science layer's for the inputs the records give."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from miaf.environment import CarbonInputs, ErosionInputs, TreeMeasurement, evaluate_carbon, evaluate_soil_loss

pytestmark = pytest.mark.django_db

YEAR = 2020
TREE_BAND_SHARE = 4.2 / 10.6  # no design: miaf.design.tree_band_share at the plot's 30 % slope (steep module)


def _ojo_erosion_inputs(**over) -> ErosionInputs:
    # plot_ojo: MIAF-D since 2012 → age 2020 − 2012 = 8; Las Margaritas stored normal 1,900 mm; slope 30 %;
    # K is the environs.csv default (0.02); slope length = side of the plot's square (its area), at most 122 m;
    # deep soil → 1.5 m
    from miaf.environment.erosion import slope_length_from_area
    from miaf.web.plots.models import Plot

    area = Plot.objects.get(name="La Ladera").area_ha
    args = dict(system="miaf-d", age_years=8.0, rainfall_mm=1900.0, k_factor=0.02, slope_pct=30.0,
                slope_length_m=slope_length_from_area(area), soil_depth_m=1.5)
    return ErosionInputs(**(args | over))


def test_plot_soil_loss_equals_evaluate_soil_loss_for_the_same_inputs(world, env_records):
    from miaf.web.environs.services import plot_environment

    env = plot_environment(world.plot_ojo, YEAR)
    expected = evaluate_soil_loss(_ojo_erosion_inputs())
    e = env["erosion"]
    assert env["system"] == "miaf-d" and env["age_years"] == 8.0
    # R = 6.8938 · 1900 + 0.000442 · 1900² = 13,098.22 + 1,595.62 = 14,693.84 (Cortés region X)
    assert e["r_factor"] == pytest.approx(14693.84, rel=1e-9)
    for key in ("soil_loss_t_ha_yr", "traditional_t_ha_yr", "soil_kept_t_ha_yr", "ls_mean", "c_factor", "p_factor",
                "tolerable_t_ha_yr", "module_width_m"):
        assert e[key] == pytest.approx(getattr(expected, key), rel=1e-12), key
    assert e["soil_kept_t_plot_yr"] == pytest.approx(expected.soil_kept_t_ha_yr * world.plot_ojo.area_ha)
    assert "1900" in e["sources"]["r"] and e["sources"]["module_width"] == "regla CIMMYT por pendiente"


def test_miaf_d_plot_loses_less_than_its_traditional_baseline_and_a_milpa_keeps_nothing(world, env_records):
    from miaf.web.environs.services import plot_environment

    miaf = plot_environment(world.plot_ojo, YEAR)["erosion"]
    milpa = plot_environment(world.plot_vergel, YEAR)["erosion"]
    assert miaf["soil_loss_t_ha_yr"] < miaf["traditional_t_ha_yr"]
    # mature MIAF-D at 30 %: rows cut the slope, but the strips are cropped every year (C 0.25) and contour
    # sowing has no P beyond 25 %, so the model keeps far less than the "up to 80 %" of the literature
    assert miaf["soil_kept_t_ha_yr"] > 0 and 10 < miaf["soil_kept_pct"] < 60
    assert miaf["notes"] == ["p_contouring_undefined_above_25_pct"]
    assert milpa["system"] == "traditional" and milpa["soil_kept_t_ha_yr"] == 0.0
    assert milpa["soil_loss_t_ha_yr"] == pytest.approx(milpa["traditional_t_ha_yr"], rel=1e-12)


def test_the_system_and_age_come_from_the_phase_in_force_that_year(world, env_records):
    from miaf.web.environs.services import plot_environment

    before = plot_environment(world.plot_ojo, 2011)  # converted on 2012-05-15
    first = plot_environment(world.plot_ojo, 2012)
    assert before["system"] == "traditional" and before["erosion"]["soil_kept_t_ha_yr"] == 0.0
    assert first["system"] == "miaf-d" and first["age_years"] == 0.0
    young = evaluate_soil_loss(_ojo_erosion_inputs(age_years=0.0))
    assert first["erosion"]["soil_loss_t_ha_yr"] == pytest.approx(young.soil_loss_t_ha_yr, rel=1e-12)


def test_r_comes_from_the_chirps_normal_when_the_municipality_has_no_stored_rainfall(world, env_records):
    from miaf.web.environs.services import plot_environment

    world.municipality.rainfall_normal_mm = None
    world.municipality.save()
    e = plot_environment(world.plot_ojo, YEAR)["erosion"]
    # Las Margaritas (07052) CHIRPS normal 1,825.1 mm: R = 6.8938·1825.1 + 0.000442·1825.1² = 14,054.2
    assert e["r_factor"] == pytest.approx(6.8938 * 1825.1 + 0.000442 * 1825.1**2, rel=1e-9)
    assert "CHIRPS" in e["r_source"] and e["inputs"]["municipality"] == "07052"


def test_a_plot_without_slope_says_why_it_has_no_soil_loss_but_keeps_its_carbon(world, env_records):
    from miaf.web.environs.services import plot_environment

    world.plot_ojo.mean_slope_pct = None
    world.plot_ojo.save()
    env = plot_environment(world.plot_ojo, YEAR)
    assert env["erosion"] is None and "pendiente" in env["erosion_error"]
    assert env["carbon"]["total_t_c_ha"] > 0


def test_shallow_soil_halves_the_tolerable_loss(world, env_records):
    from miaf.web.environs.services import plot_environment

    world.plot_ojo.soil_depth_class = "shallow"
    world.plot_ojo.save()
    assert plot_environment(world.plot_ojo, YEAR)["erosion"]["tolerable_t_ha_yr"] == 5.0  # erosion.csv shallow


def _ojo_measurements() -> list[TreeMeasurement]:
    # conftest: three living avocado trees measured in 2020 (the dead one is left out)
    return [TreeMeasurement("aguacate", 12.0, 4.0), TreeMeasurement("aguacate", 15.0, 5.0),
            TreeMeasurement("aguacate", 9.0, 3.5)]


def test_plot_carbon_equals_evaluate_carbon_for_the_same_inputs(world, env_records):
    from miaf.web.environs.services import plot_environment

    area = world.plot_ojo.area_ha
    env = plot_environment(world.plot_ojo, YEAR)["carbon"]
    # 300 avocado + 40 mango plants (avocado is the Tier 1 species); planted 2012 → age 8;
    # maize 900 kg on the crop strips: 900 / (area · (1 − 0.396)) kg/ha
    expected = evaluate_carbon(CarbonInputs(
        species="aguacate", n_trees=340, age_years=8.0, area_ha=area, measurements=_ojo_measurements(),
        maize_yield_kg_ha=900.0 / (area * (1 - TREE_BAND_SHARE)),
    )).to_dict()
    assert env["n_trees"] == 340 and env["species"] == "aguacate"
    for key in ("total_t_c_ha", "total_t_co2e_ha", "annual_change_t_c_ha_yr", "traditional_t_c_ha",
                "total_low_t_c_ha", "total_high_t_c_ha"):
        assert env[key] == pytest.approx(expected[key], rel=1e-12), key
    assert [p["tier"] for p in env["pools"]] == [2, 2, 1, 1]
    assert env["total_t_c_plot"] == pytest.approx(expected["total_t_c_ha"] * area)


def test_measured_tree_diameters_replace_the_modelled_ones(world, env_records):
    from miaf.web.environs.services import plot_environment

    measured = plot_environment(world.plot_ojo, YEAR)["carbon"]
    assert measured["measured_trees"] == 3  # the dead tree (30 cm) is not counted
    above = measured["pools"][0]
    assert above["tier"] == 2 and "measured trees (3)" in above["method"]
    # the year before the visit the growth model (Tier 1) is used
    modelled = plot_environment(world.plot_ojo, YEAR - 1)["carbon"]
    assert modelled["measured_trees"] == 0 and modelled["pools"][0]["tier"] == 1
    tier1 = evaluate_carbon(CarbonInputs(species="aguacate", n_trees=340, age_years=7.0,
                                         area_ha=world.plot_ojo.area_ha))
    assert modelled["pools"][0]["stock_t_c_ha"] == pytest.approx(tier1.pools[0].stock_t_c_ha, rel=1e-12)
    # a larger measured diameter gives a larger stock
    tree = env_records.trees[0]
    tree.diameter_cm = 40.0
    tree.save()
    bigger = plot_environment(world.plot_ojo, YEAR)["carbon"]["pools"][0]["stock_t_c_ha"]
    assert bigger > above["stock_t_c_ha"]


def test_a_traditional_plot_reports_the_milpa_carbon_only(world, env_records):
    from miaf.web.environs.services import plot_environment

    c = plot_environment(world.plot_vergel, YEAR)["carbon"]
    assert c["miaf"] is False and c["pools"] == []
    # IPCC Tier 1, tropical moist LAC: SOC 47 · 0.48 · 0.92 = 20.755 + residues 25 % of default maize stover
    assert c["total_t_c_ha"] == pytest.approx(c["traditional_t_c_ha"]) and 20.7 < c["total_t_c_ha"] < 21.5


def test_the_latest_design_gives_the_module_width_and_the_tree_band_share(world, env_records):
    from miaf.web.environs.services import plot_environment
    from miaf.web.plots.models import PlotDesign

    PlotDesign.objects.create(plot=world.plot_ojo, version=1, summary={"summary": {"row_spacing_ground_m": 20.0}})
    PlotDesign.objects.create(plot=world.plot_ojo, version=2,
                              summary={"summary": {"row_spacing_ground_m": 12.0, "tree_band_width_m": 3.0}})
    env = plot_environment(world.plot_ojo, YEAR)
    assert env["erosion"]["module_width_m"] == 12.0 and env["erosion"]["sources"]["module_width"] == "diseño v2"
    # the design's own band share (3 / 12) sets the MIAF-D C, as it sets the carbon band
    expected = evaluate_soil_loss(_ojo_erosion_inputs(module_width_m=12.0, tree_band_share=0.25))
    assert env["erosion"]["soil_loss_t_ha_yr"] == pytest.approx(expected.soil_loss_t_ha_yr, rel=1e-12)
    assert env["carbon"]["tree_band_share"] == pytest.approx(3.0 / 12.0)  # band 3 m in a 12 m module


def test_diversity_weights_the_year_harvests(world, env_records):
    from miaf.web.environs.services import plot_environment

    d = plot_environment(world.plot_ojo, YEAR)["diversity"]
    # harvests 2020: maize 900, bean 120, avocado 400 kg → p = 900/1420, 120/1420, 400/1420
    p = [900 / 1420, 120 / 1420, 400 / 1420]
    assert d["weight"] == "harvest_kg" and d["richness"] == 3
    assert d["shannon"] == pytest.approx(-sum(x * math.log(x) for x in p), rel=1e-12)  # ≈ 0.8548
    assert d["simpson"] == pytest.approx(1 - sum(x * x for x in p), rel=1e-12)
    # without harvests in a year, the species planted so far count equally (presence)
    d2019 = plot_environment(world.plot_ojo, 2019)["diversity"]
    assert d2019["weight"] == "presence" and d2019["richness"] == 2  # avocado and mango planted in 2012
    assert d2019["shannon"] == pytest.approx(math.log(2))


def test_family_totals_are_area_weighted_sums_of_its_plots(world, env_records):
    from miaf.web.environs.services import family_environment, plot_environment
    from miaf.web.plots.models import Plot
    from miaf.web.plots.services import register_plot
    from tests.conftest import VERGEL_POLYGON

    second = register_plot(Plot(family=world.fam_ojo, name="El Bajo", boundary=VERGEL_POLYGON, mean_slope_pct=12),
                           since=dt.date(2005, 1, 1))
    fam = family_environment(world.fam_ojo, YEAR)
    a = plot_environment(world.plot_ojo, YEAR)
    b = plot_environment(second, YEAR)
    t = fam["totals"]
    area = a["area_ha"] + b["area_ha"]
    loss = a["erosion"]["soil_loss_t_ha_yr"] * a["area_ha"] + b["erosion"]["soil_loss_t_ha_yr"] * b["area_ha"]
    assert t["plots"] == 2 and t["area_ha"] == pytest.approx(area)
    assert t["soil_loss_t_ha_yr"] == pytest.approx(loss / area, rel=1e-12)
    assert t["soil_kept_t_yr"] == pytest.approx(a["erosion"]["soil_kept_t_plot_yr"])  # the milpa keeps nothing
    assert t["carbon_t_c"] == pytest.approx(a["carbon"]["total_t_c_plot"] + b["carbon"]["total_t_c_plot"])
    assert {p["name"] for p in fam["plots"]} == {"La Ladera", "El Bajo"}
    assert fam["diversity"]["richness"] == 3


def test_programme_aggregates_the_users_scope_with_the_plot_numbers(world, env_records):
    from miaf.web.environs.services import plot_environment, programme_environment

    ojo = plot_environment(world.plot_ojo, YEAR)
    vergel = plot_environment(world.plot_vergel, YEAR)
    prog = programme_environment(world.carla, YEAR)
    by = {s["system"]: s for s in prog["erosion"]["by_system"]}
    assert prog["plots"] == 2  # carla's PROASUS: plot_ojo and plot_vergel, not olga's plot_other
    assert by["miaf-d"]["soil_loss_t_ha_yr"] == pytest.approx(ojo["erosion"]["soil_loss_t_ha_yr"], rel=1e-12)
    assert by["traditional"]["soil_loss_t_ha_yr"] == pytest.approx(vergel["erosion"]["soil_loss_t_ha_yr"], rel=1e-12)
    # both plots exceed 10 t/ha/yr on a 30 % slope → all the area is over the tolerable loss
    assert prog["erosion"]["share_area_over_tolerable"] == pytest.approx(1.0)
    assert prog["carbon"]["carbon_t_c"] == pytest.approx(ojo["carbon"]["total_t_c_plot"]
                                                         + vergel["carbon"]["total_t_c_plot"], rel=1e-12)
    # planted or harvested by 2020: avocado, mango, maize, bean; mango is not native (species.csv)
    assert prog["diversity"]["species"] == 4 and prog["diversity"]["native"] == ["aguacate", "frijol", "maiz"]
    text = str(prog)
    assert "La Ladera" not in text and "Gómez" not in text and "coordinates" not in text


@pytest.mark.parametrize(("persona", "plots"), [("root", 3), ("carla", 2), ("diego", 2), ("ana", 1), ("beto", 1),
                                               ("olga", 1)])
def test_programme_scope_follows_the_users_groups_and_analysts_get_aggregates(world, env_records, persona, plots):
    from miaf.web.environs.services import programme_environment

    env = programme_environment(world.users[persona], YEAR)
    if persona == "diego":  # an analyst's 2 families are under k = 5: nothing but the reason (issue 14)
        assert set(env) == {"year", "suppressed", "suppressed_reason"} and "menos de 5 familias" in env["suppressed"]
        return
    assert env["plots"] == plots
