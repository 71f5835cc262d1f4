"""The erosion, carbon, diversity and overlap sub-commands."""

from __future__ import annotations

import argparse
import json

import numpy as np
import pytest

from miaf.environment.cli import register

from .conftest import write_metric_geotiff

PLOT = {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [[
    [-91.98, 16.31], [-91.979, 16.31], [-91.979, 16.311], [-91.98, 16.311], [-91.98, 16.31]]]}}


def run(argv: list[str], capsys) -> tuple[int, str]:
    """Parse and run like ``miaf``: ValueError / FileNotFoundError → exit 2 (as src/miaf/cli.py does)."""
    parser = argparse.ArgumentParser(prog="miaf")
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    try:
        code = args.func(args)
    except (ValueError, FileNotFoundError) as exc:
        print(f"miaf {args.command}: error: {exc}")
        code = 2
    return code, capsys.readouterr().out


@pytest.fixture
def plot_file(tmp_path):
    p = tmp_path / "plot.geojson"
    p.write_text(json.dumps(PLOT))
    return p


def test_erosion_without_dem_prints_the_required_json_fields(plot_file, capsys):
    code, out = run(["erosion", str(plot_file), "--slope-pct", "30", "--slope-length-m", "50", "--municipality",
                     "07052", "--k-factor", "0.02", "--system", "traditional", "--json"], capsys)
    assert code == 0
    d = json.loads(out)
    for key in ("soil_loss_t_ha_yr", "r_factor", "k_factor", "ls_mean", "c_factor", "p_factor",
                "tolerable_t_ha_yr", "exceeds_tolerable", "p10_t_ha_yr", "p50_t_ha_yr", "p90_t_ha_yr",
                "nodata_cells", "soil_kept_t_ha_yr"):
        assert key in d
    assert d["soil_loss_t_ha_yr"] == pytest.approx(166.4, abs=0.2)
    assert d["plot_area_ha"] == pytest.approx(1.18, abs=0.02)


def test_erosion_with_a_utm_dem_writes_a_raster(plot_file, tmp_path, capsys):
    from pyproj import Transformer

    x, y = Transformer.from_crs("EPSG:4326", "EPSG:32615", always_xy=True).transform(-91.9805, 16.3115)
    z = 1500 - 0.25 * 2.0 * np.arange(80)[:, None] * np.ones((1, 80))
    dem = write_metric_geotiff(tmp_path / "dem.tif", z, 2.0, origin=(x, y))
    out_tif = tmp_path / "loss.tif"
    code, out = run(["erosion", str(plot_file), "--dem", str(dem), "--r-factor", "12000", "--sand-pct", "30",
                     "--silt-pct", "40", "--clay-pct", "30", "--om-pct", "3", "--system", "miaf-d",
                     "--age-years", "5", "--raster", str(out_tif), "--json"], capsys)
    assert code == 0, out
    d = json.loads(out)
    assert d["method"] == "dem_desmet_govers" and d["cells"] > 2000 and d["nodata_cells"] == 0
    assert d["soil_loss_t_ha_yr"] < d["traditional_t_ha_yr"]
    assert out_tif.exists()


@pytest.mark.parametrize("extra,message", [
    (["--rainfall-mm", "9000", "--k-factor", "0.02"], "outside the range"),
    (["--rainfall-mm", "1500", "--region", "XX", "--k-factor", "0.02"], "does not exist"),
    (["--r-factor", "9000", "--k-factor", "1.5"], "k_factor"),
])
def test_bad_erosion_input_exits_2_with_a_message(plot_file, capsys, extra, message):
    code, out = run(["erosion", str(plot_file), "--slope-pct", "20", "--slope-length-m", "40", *extra], capsys)
    assert code == 2 and message in out


def test_carbon_command_with_measurements(plot_file, tmp_path, capsys):
    m = tmp_path / "m.csv"
    m.write_text("species,diameter_cm,height_m\naguacate,12,4\naguacate,10,\n")
    code, out = run(["carbon", str(plot_file), "--species", "aguacate", "--trees", "1000", "--age-years", "5",
                     "--measurements", str(m), "--json"], capsys)
    assert code == 0
    d = json.loads(out)
    assert d["measured_trees"] == 2 and d["pools"][0]["tier"] == 2
    assert d["total_t_c_ha"] == pytest.approx(sum(p["stock_t_c_ha"] for p in d["pools"]))


def test_diversity_and_overlap_commands(tmp_path, capsys):
    t = tmp_path / "t.csv"
    t.write_text("plot_id,species,weight\np1,maiz,2\np1,frijol,1\np2,aguacate,1\n")
    code, out = run(["diversity", str(t), "--json"], capsys)
    assert code == 0 and json.loads(out)["programme"]["richness"] == 3
    plots = tmp_path / "plots.geojson"
    plots.write_text(json.dumps({"type": "FeatureCollection", "features": [dict(PLOT, id="P-1")]}))
    layer = tmp_path / "corridor.geojson"
    layer.write_text(json.dumps({"type": "Polygon", "coordinates": [[[-92, 16], [-91, 16], [-91, 17], [-92, 17],
                                                                     [-92, 16]]]}))
    code, out = run(["overlap", str(plots), str(layer), "--json"], capsys)
    assert code == 0 and json.loads(out)["plots"][0]["share"]["corridor"] == pytest.approx(1.0)
