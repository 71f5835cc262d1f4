"""At programme scale the plot map is a grid of cells: the count of plots per cell adds up to the plots
shown, each cell sits at its plots' mean centroid, and it carries no link to a plot."""

from __future__ import annotations

import pytest

from .test_dashboard import map_data

pytestmark = pytest.mark.django_db


def test_above_the_point_limit_plots_are_counted_in_grid_cells(records, client_for, settings):
    from miaf.web.plots.models import Plot

    settings.MIAF_DASHBOARD_MAP_POINT_MAX_PLOTS = 1
    settings.MIAF_DASHBOARD_MAP_POLYGON_MAX_PLOTS = 0
    settings.MIAF_DASHBOARD_MAP_GRID_DEG = 5.0  # both PROASUS plots (16.2–16.3 N, 91.98–92.10 W) share a cell
    layer = map_data(client_for(records.carla).get("/").content.decode())
    feats = layer["features"]["features"]
    assert layer["grid"] == 5.0 and layer["count"] == 2 and layer["cells"] == len(feats) == 1
    props = feats[0]["properties"]
    assert props["count"] == 2 and props["name"] == "2 parcelas" and "url" not in props
    plots = Plot.objects.filter(pk__in=[records.plot_ojo.pk, records.plot_vergel.pk])
    lat = sum(p.centroid_lat for p in plots) / 2
    lon = sum(p.centroid_lon for p in plots) / 2
    assert feats[0]["geometry"]["coordinates"] == pytest.approx([lon, lat], abs=1e-5)


def test_a_finer_grid_splits_the_plots_and_colours_cells_by_the_mean_value(records, client_for, settings):
    settings.MIAF_DASHBOARD_MAP_POINT_MAX_PLOTS = 1
    settings.MIAF_DASHBOARD_MAP_POLYGON_MAX_PLOTS = 0
    settings.MIAF_DASHBOARD_MAP_GRID_DEG = 0.02
    html = client_for(records.carla).get("/?colour=maize_yield&year=2016").content.decode()
    layer = map_data(html)
    cells = {round(f["properties"]["lat"], 2): f["properties"] for f in layer["features"]["features"]}
    assert layer["cells"] == 2 and all(c["count"] == 1 for c in cells.values())
    assert cells[round(records.plot_ojo.centroid_lat, 2)]["value"] == pytest.approx(1000 / records.plot_ojo.area_ha, abs=0.01)
    assert "celdas de 0.02°" in html
