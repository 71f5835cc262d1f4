"""GeoJSON, GPX, SVG and PDF exports, the JSON-serialisable result, and the ``miaf design`` command."""

from __future__ import annotations

import argparse
import json
import xml.etree.ElementTree as ET

import pytest

from miaf.design import design_plot
from miaf.design.cli import register

from .conftest import rectangle

CLI_KEYS = {"area_ha", "modality", "row_spacing_ground_m", "row_spacing_horizontal_m", "tree_spacing_m",
            "n_tree_rows", "n_trees", "trees_per_ha", "tree_row_length_m", "crop_strip_area_ha", "maize_plants",
            "bean_plants", "mean_slope_pct", "warnings"}


@pytest.fixture(scope="module")
def result():
    return design_plot(rectangle(90, 70), "aguacate,durazno", slope_pct=28, aspect_deg=160, soil_depth_m=1.3)


def _run(argv):
    parser = argparse.ArgumentParser(prog="miaf")
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    return args.func(args)


def test_result_to_dict_is_json_serialisable_and_lists_sources(result):
    d = json.loads(json.dumps(result.to_dict(geometry=True)))
    assert CLI_KEYS <= set(d["summary"])
    assert all(item["source"] for item in d["bill_of_materials"])
    assert d["parameters"]["module_width_steep_m"]["tag"] == "seen"
    assert len(d["labour_by_month"]) == 12 and sum(d["labour_by_month"]) == pytest.approx(
        d["summary"]["establishment_person_days"], abs=0.05)
    assert d["geojson"]["type"] == "FeatureCollection"


def test_geojson_features_carry_their_kind_and_rows_have_no_elevation_without_dem(result):
    fc = result.to_geojson()
    kinds = [f["properties"]["kind"] for f in fc["features"]]
    assert kinds.count("plot") == 1
    assert kinds.count("tree_row") == result.summary.n_tree_rows
    assert kinds.count("tree") == result.summary.n_trees
    assert kinds.count("crop_strip") == result.summary.n_crop_strips
    rows = [f for f in fc["features"] if f["properties"]["kind"] == "tree_row"]
    assert all("elevation_m" not in f["properties"] for f in rows)
    strips = [f["properties"] for f in fc["features"] if f["properties"]["kind"] == "crop_strip"]
    assert {s["crop_this_year"] for s in strips} == {"maiz", "frijol"}


def test_gpx_has_one_waypoint_per_tree_with_row_and_number_labels(result):
    root = ET.fromstring(result.to_gpx())
    ns = {"g": "http://www.topografix.com/GPX/1/1"}
    wpts = root.findall("g:wpt", ns)
    assert len(wpts) == result.summary.n_trees
    assert wpts[0].find("g:name", ns).text == "H01-001"
    assert len(root.findall("g:trk", ns)) == result.summary.n_tree_rows


def test_svg_plan_sheet_has_north_arrow_scale_legend_and_spanish_counts(result):
    svg = result.to_svg()
    ET.fromstring(svg)  # well-formed
    for text in (">N<", "Escala 1:", "Leyenda", "Árboles por ha", "Franja de maíz", ">1<"):
        assert text in svg
    assert result.to_pdf()[:4] == b"%PDF"


def test_cli_json_prints_one_object_with_the_required_keys(tmp_path, capsys):
    plot = tmp_path / "plot.geojson"
    plot.write_text(json.dumps(rectangle(80, 60)))
    out, gpx, svg, pdf = (tmp_path / n for n in ("d.geojson", "s.gpx", "p.svg", "p.pdf"))
    status = _run(["design", str(plot), "--species", "aguacate", "--slope-pct", "30", "--aspect-deg", "180",
                   "--soil-depth-m", "1.2", "--out", str(out), "--gpx", str(gpx), "--svg", str(svg),
                   "--pdf", str(pdf), "--json"])
    assert status == 0
    summary = json.loads(capsys.readouterr().out)
    assert CLI_KEYS <= set(summary)
    assert summary["modality"] == "TMV" and summary["row_spacing_ground_m"] == 10.6
    kinds = {f["properties"]["kind"] for f in json.loads(out.read_text())["features"]}
    assert kinds == {"plot", "tree_row", "tree", "crop_strip"}
    assert gpx.read_text().startswith("<?xml") and svg.read_text().startswith("<svg")
    assert pdf.read_bytes()[:4] == b"%PDF"


def test_cli_without_json_prints_a_spanish_summary(tmp_path, capsys):
    plot = tmp_path / "plot.geojson"
    plot.write_text(json.dumps(rectangle(80, 60)))
    assert _run(["design", str(plot), "--species", "aguacate,papaya", "--arrangement", "blocks",
                 "--slope-pct", "35", "--aspect-deg", "90"]) == 0
    text = capsys.readouterr().out
    assert "Diseño MIAF" in text and "Árboles" in text and "Jornales de establecimiento" in text
    assert "soil_depth_unknown" in text  # no soil depth given: the warning is shown (in Spanish)
    assert "profundidad del suelo" in text


def test_cli_bad_input_raises_value_error_for_the_main_command_to_convert(tmp_path):
    plot = tmp_path / "plot.geojson"
    plot.write_text(json.dumps(rectangle(80, 60)))
    with pytest.raises(ValueError, match="tree_spacing_m"):
        _run(["design", str(plot), "--species", "aguacate", "--slope-pct", "30", "--aspect-deg", "180",
              "--tree-spacing-m", "0"])


def test_main_command_exits_2_with_a_one_line_message(tmp_path, capsys):
    from miaf.cli import build_parser, main

    try:
        build_parser()
    except (ImportError, AttributeError) as exc:  # another topic's command module is not ready yet
        pytest.skip(f"the main `miaf` command cannot be built yet: {exc}")

    plot = tmp_path / "plot.geojson"
    plot.write_text(json.dumps(rectangle(80, 60)))
    assert main(["design", str(plot), "--species", "manzana", "--slope-pct", "30", "--aspect-deg", "0"]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "manzana" in err
