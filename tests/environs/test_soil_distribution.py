"""Soil kept (issue 16, item 12): the programme page shows the plots' soil loss against the tolerance with
its uncertainty, computed by the science layer from the same plot evaluations as the table above it."""

from __future__ import annotations

import numpy as np
import pytest

from miaf.environment.erosion import soil_loss_uncertainty

pytestmark = pytest.mark.django_db
YEAR = 2020


def test_programme_rows_carry_the_distribution_and_the_monte_carlo_interval(world, env_records):
    from miaf.web.environs.evaluate import environs_parameters
    from miaf.web.environs.services import programme_environment

    env = programme_environment(world.users["root"], YEAR)
    rows = {r["system"]: r for r in env["erosion"]["by_system"]}
    miaf = rows["miaf-d"]
    assert miaf["distribution"]["p10"] <= miaf["distribution"]["p50"] <= miaf["distribution"]["p90"]
    assert 0 <= miaf["within_p05"] <= miaf["within_p95"] <= 1
    assert miaf["loss_p05"] < miaf["soil_loss_t_ha_yr"] < miaf["loss_p95"]
    # the central share is the share of MIAF-D area whose evaluated loss is within its tolerance
    assert miaf["within_share"] == pytest.approx(1.0 - miaf["share_area_over_tolerable"])
    # same figures as the science function called on the plots' own inputs (one plot each way in the world)
    from miaf.web.environs.services import plot_environment

    e = plot_environment(world.plot_ojo, YEAR)["erosion"]
    k = environs_parameters()["k_default"]
    unc = soil_loss_uncertainty(np.array([True]), np.array([8.0]), np.array([e["r_factor"]]), np.array([30.0]),
                                np.array([e["slope_length_m"]]), np.array([world.plot_ojo.area_ha]),
                                np.array([e["tolerable_t_ha_yr"]]), (float(k), float(k.low), float(k.high)))
    assert miaf["erosion_plots"] == 1
    assert miaf["loss_p05"] == pytest.approx(unc["miaf"]["soil_loss_p05"], rel=1e-9)
    assert miaf["loss_p95"] == pytest.approx(unc["miaf"]["soil_loss_p95"], rel=1e-9)


def test_programme_page_shows_the_distribution_against_the_tolerance(client_for, world, env_records):
    page = client_for(world.users["root"]).get(f"/ambiente/programa/?anio={YEAR}").content.decode()
    assert "Distribución contra la pérdida tolerable" in page
    assert 'data-section="soil-distribution"' in page and "P10 / P50 / P90" in page


def test_plot_panel_says_when_contouring_has_no_p_on_its_slope(client_for, world, env_records):
    # plot_ojo: MIAF-D on 30 %, beyond the 25 % of the contouring table; plot_vergel: traditional milpa
    client = client_for(world.users["root"])
    ojo = client.get(f"/ambiente/parcela/{world.plot_ojo.pk}/?partial=1&anio={YEAR}").content.decode()
    vergel = client.get(f"/ambiente/parcela/{world.plot_vergel.pk}/?partial=1&anio={YEAR}").content.decode()
    assert 'data-note="p_contouring_undefined_above_25_pct"' in ojo
    assert "siembra en contorno según la pendiente" in ojo
    assert 'data-note="p_contouring_undefined_above_25_pct"' not in vergel
