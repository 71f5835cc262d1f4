"""The plot's carbon uses its altitude and rainfall for the IPCC climate zone and its design for the tillage."""

from __future__ import annotations

import pandas as pd
import pytest

from miaf.environment import CarbonInputs, evaluate_carbon

pytestmark = pytest.mark.django_db

YEAR = 2020


def test_zone_from_the_plot_altitude_and_the_municipality_rainfall(world, env_records):
    from miaf.web.environs.services import plot_environment

    c = plot_environment(world.plot_ojo, YEAR)["carbon"]
    # no altitude recorded; Las Margaritas stored normal 1,900 mm → tropical moist
    assert c["climate_zone"] == "tropical_moist" and "1900" in c["sources"]["climate_zone"]
    world.plot_ojo.altitude_m = 1600
    world.plot_ojo.save()
    c = plot_environment(world.plot_ojo, YEAR)["carbon"]
    assert c["climate_zone"] == "tropical_montane" and "1600" in c["sources"]["climate_zone"]
    expected = evaluate_carbon(CarbonInputs(
        species="aguacate", n_trees=340, age_years=float(c["age_years"]), area_ha=world.plot_ojo.area_ha,
        climate_zone="tropical_montane", measurements=[], maize_yield_kg_ha=c["maize_yield_kg_ha"],
    ))
    # the soil pool does not depend on the trees: same zone → same soil carbon as the science layer
    assert c["pools"][3]["stock_t_c_ha"] == pytest.approx(expected.pools[3].stock_t_c_ha, rel=1e-12)


def test_tillage_from_the_design_modality(world, env_records):
    from miaf.web.environs.services import plot_environment
    from miaf.web.plots.models import PlotDesign

    none = plot_environment(world.plot_ojo, YEAR)["carbon"]
    assert none["tillage"] == "full" and "convencional" in none["sources"]["tillage"]
    PlotDesign.objects.create(plot=world.plot_ojo, version=1, summary={"summary": {"modality": "TMV"}})
    tmv = plot_environment(world.plot_ojo, YEAR)["carbon"]
    assert tmv["tillage"] == "full" and "TMV" in tmv["sources"]["tillage"]
    PlotDesign.objects.create(plot=world.plot_ojo, version=2, summary={"summary": {"modality": "BV"}})
    bv = plot_environment(world.plot_ojo, YEAR)["carbon"]
    assert bv["tillage"] == "reduced" and "BV" in bv["sources"]["tillage"]
    assert bv["pools"][3]["stock_t_c_ha"] > tmv["pools"][3]["stock_t_c_ha"]  # F_MG 1.15 against 1.0


def test_the_indicator_tables_carry_altitude_and_modality(world, env_records):
    from miaf.web.evidence.extract import load_tables
    from miaf.web.plots.models import PlotDesign

    world.plot_ojo.altitude_m = 1450
    world.plot_ojo.save()
    PlotDesign.objects.create(plot=world.plot_ojo, version=1, summary={"summary": {"modality": "TMV"}})
    PlotDesign.objects.create(plot=world.plot_ojo, version=2, summary={"modality": "BV"})
    plots = load_tables(None).plots.set_index("plot_id")
    assert plots.loc[world.plot_ojo.pk, "altitude_m"] == 1450
    assert plots.loc[world.plot_ojo.pk, "modality"] == "BV"  # the latest design
    assert pd.isna(plots.loc[world.plot_vergel.pk, "modality"])  # no design: conventional tillage downstream
    assert pd.isna(plots.loc[world.plot_vergel.pk, "altitude_m"])


def test_the_plot_panel_names_the_zone_the_tillage_and_the_interval(client_for, world, env_records):
    from miaf.web.plots.models import PlotDesign

    world.plot_ojo.altitude_m = 1600
    world.plot_ojo.save()
    PlotDesign.objects.create(plot=world.plot_ojo, version=1, summary={"summary": {"modality": "BV"}})
    html = client_for(world.carla).get(f"/ambiente/parcela/{world.plot_ojo.pk}/?partial=1&anio=2020").content.decode()
    section = html[html.index('data-section="carbon-basis"'):]
    section = section[:section.index("</p>")]
    for text in ("Zona climática IPCC: tropical de montaña", "altitud 1600 m", "labranza reducida",
                 "modalidad BV", "Intervalos al 95 %", "Enfoque 1"):
        assert text in section, text
