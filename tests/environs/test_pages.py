"""Environmental pages: the role matrix for every URL × persona, the plot-page hook and the soil-loss map."""

from __future__ import annotations

import io

import numpy as np
import pytest

pytestmark = pytest.mark.django_db

PERSONAS = ("root", "carla", "ana", "beto", "diego", "olga", None)
# plot_ojo / fam_ojo belong to group Ojo de Agua (PROASUS): ana's own, beto's other group, olga's other OSC
OJO = {"root": 200, "carla": 200, "ana": 200, "beto": 404, "diego": 403, "olga": 404, None: 302}
VERGEL = {**OJO, "ana": 404, "beto": 200}  # ana asking for another group's plot
OPEN = {"root": 200, "carla": 200, "ana": 200, "beto": 200, "diego": 200, "olga": 200, None: 302}

PLOT_URLS = ("/ambiente/parcela/{plot}/", "/ambiente/parcela/{plot}/?partial=1", "/ambiente/parcela/{plot}/perdida.tif",
             "/ambiente/parcela/{plot}/perdida.png", "/ambiente/parcela/{plot}/perdida.json")


def _get(client, world, persona, url):  # noqa: ANN001, ANN202
    if persona is not None:
        client.force_login(world.users[persona])
    return client.get(url)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("url", PLOT_URLS)
def test_plot_pages_follow_the_role_matrix(client, world, persona, url):
    r = _get(client, world, persona, url.format(plot=world.plot_ojo.pk))
    assert r.status_code == OJO[persona]
    if r.status_code == 302:
        assert "/accounts/login/" in r["Location"]


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_promoter_gets_404_for_another_groups_plot(client, world, persona):
    assert _get(client, world, persona, f"/ambiente/parcela/{world.plot_vergel.pk}/").status_code == VERGEL[persona]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("family", ["fam_ojo", "fam_vergel"])
def test_family_panel_follows_the_role_matrix(client, world, persona, family):
    expected = (OJO if family == "fam_ojo" else VERGEL)[persona]
    url = f"/ambiente/familia/{getattr(world, family).pk}/?partial=1"
    assert _get(client, world, persona, url).status_code == expected


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("url", ["/ambiente/programa/", "/ambiente/programa/?anio=2020", "/ambiente/capas/"])
def test_programme_and_layer_pages_are_open_to_every_signed_in_role(client, world, persona, url):
    assert _get(client, world, persona, url).status_code == OPEN[persona]


def test_the_programme_page_shows_no_names_or_coordinates(client_for, world, env_records):
    page = client_for(world.diego).get("/ambiente/programa/?anio=2020").content.decode()
    # the analyst's scope holds 2 families, under k = 5: the figures are hidden with the reason (issue 14)
    assert "menos de 5 familias" in page and "Pérdida de suelo" not in page
    coordinator = client_for(world.carla).get("/ambiente/programa/?anio=2020").content.decode()
    assert "Pérdida de suelo" in coordinator and "Carbono" in coordinator
    for secret in ("La Ladera", "El Cerrito", "Gómez Pérez", "OJO-001", "-91.98", "16.31"):
        assert secret not in page


def test_the_plot_page_embeds_the_environment_panel_with_htmx(client_for, world):
    page = client_for(world.carla).get(f"/parcelas/{world.plot_ojo.pk}/").content.decode()
    assert 'id="ambiente"' in page
    assert f'hx-get="/ambiente/parcela/{world.plot_ojo.pk}/?partial=1" hx-trigger="load"' in page


def test_the_plot_panel_shows_soil_loss_factors_carbon_and_diversity(client_for, world, env_records):
    r = client_for(world.carla).get(f"/ambiente/parcela/{world.plot_ojo.pk}/?partial=1&anio=2020")
    html = r.content.decode()
    assert "<html" not in html  # partial: the panel only
    for text in ("Pérdida tolerable", "Milpa tradicional en la misma parcela", "Suelo conservado", "Cortés (1991)",
                 "Tier 2", "t CO₂e/ha", "Índice de Shannon", "pendiente uniforme", "perdida.tif"):
        assert text in html, text
    for pool in ("tree_above_ground", "tree_below_ground", "crop_residues", "soil_organic_carbon"):
        assert f'data-pool="{pool}"' in html


def test_a_plot_without_slope_shows_why_and_its_map_is_404(client_for, world):
    world.plot_ojo.mean_slope_pct = None
    world.plot_ojo.save()
    client = client_for(world.carla)
    assert "pendiente media" in client.get(f"/ambiente/parcela/{world.plot_ojo.pk}/").content.decode()
    assert client.get(f"/ambiente/parcela/{world.plot_ojo.pk}/perdida.png").status_code == 404


def test_the_soil_loss_geotiff_is_a_2_m_utm_grid_clipped_to_the_plot(client_for, world, env_records):
    import rasterio

    client = client_for(world.carla)
    r = client.get(f"/ambiente/parcela/{world.plot_ojo.pk}/perdida.tif?anio=2020")
    assert r["Content-Type"] == "image/tiff"
    with rasterio.MemoryFile(io.BytesIO(r.content)) as mem, mem.open() as ds:
        a = ds.read(1, masked=True)
        assert ds.crs.to_epsg() == 32615  # lon −91.98 → UTM zone 15 N
        assert ds.res == (2.0, 2.0)
        inside = a.compressed()
    # plot_ojo ≈ 1.06 ha = 10,644 m² ≈ 2,661 cells of 4 m² (cells whose centre is inside)
    assert inside.size == pytest.approx(world.plot_ojo.area_ha * 10_000 / 4, rel=0.03)
    assert (inside >= 0).all() and inside.max() > inside.min()  # loss grows down the fall line
    info = client.get(f"/ambiente/parcela/{world.plot_ojo.pk}/perdida.json?anio=2020").json()
    assert info["method"] == "pendiente uniforme" and info["cell_size_m"] == 2.0
    assert info["mean_t_ha_yr"] == pytest.approx(float(np.mean(inside)), rel=1e-5)  # float32 raster
    (south, west), (north, east) = info["bounds"]
    assert south < 16.3100 < 16.3109 < north and west < -91.9800 < -91.9790 < east


def test_the_uniform_slope_map_of_miaf_d_loses_less_than_the_milpa_surface(world, env_records):
    import datetime as dt

    from miaf.web.environs.raster import soil_loss_map
    from miaf.web.environs.records import load_records
    from miaf.web.plots.models import Plot

    rec = load_records(Plot.objects.filter(pk=world.plot_ojo.pk))[world.plot_ojo.pk]
    res = soil_loss_map(rec, 2020, dt.date(2020, 12, 31))
    assert res.method.endswith("(pendiente uniforme)")
    # the plane has the plot's 30 % slope; Horn's gradient on the border cells of the clipped plot sees the
    # nearest valid elevation across the edge, so the plot mean is a little lower (29.4 %)
    assert res.slope_pct == pytest.approx(30.0, rel=0.03)
    assert res.soil_loss_t_ha_yr < res.traditional_t_ha_yr


def test_the_soil_loss_png_is_an_image(client_for, world):
    r = client_for(world.root).get(f"/ambiente/parcela/{world.plot_ojo.pk}/perdida.png")
    assert r["Content-Type"] == "image/png" and r.content[:8] == b"\x89PNG\r\n\x1a\n"
