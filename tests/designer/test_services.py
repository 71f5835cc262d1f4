"""Designer services: soil depth classes, versioned saves, rebuilding a saved version, what economics reads."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import numpy as np
import pytest

from miaf.design import DesignError
from miaf.web.designer.services import (
    DesignInputError,
    design_for_plot,
    error_field,
    plot_design_inputs,
    save_design,
    soil_depth_m_for_class,
    stored_result,
)

pytestmark = pytest.mark.django_db

PARAMS = {"species": ["aguacate"], "aspect_deg": 180}


def test_soil_depth_classes_map_to_representative_depths():
    # mid-points of 0-0.5 and 0.5-1 m; 1.5 m for the open-ended "> 1 m" (params/soil.csv)
    assert soil_depth_m_for_class("shallow") == 0.25
    assert soil_depth_m_for_class("medium") == 0.75
    assert soil_depth_m_for_class("deep") == 1.5
    assert soil_depth_m_for_class("") is None


def test_plot_record_fills_slope_and_soil_depth_and_decides_the_modality(world):  # noqa: ANN001
    # plot_ojo: 30 % and deep soil -> TMV (30 < 40 % and 1.5 > 1 m); medium soil (0.75 m) -> BV
    deep = design_for_plot(world.plot_ojo, PARAMS)
    assert deep.summary.mean_slope_pct == pytest.approx(30.0) and deep.summary.modality == "TMV"
    medium = design_for_plot(world.plot_ojo, PARAMS | {"soil_depth_class": "medium"})
    assert medium.summary.soil_depth_m == 0.75 and medium.summary.modality == "BV"
    unknown = design_for_plot(world.plot_ojo, PARAMS | {"soil_depth_class": ""})
    assert unknown.summary.soil_depth_m is None
    assert "soil_depth_unknown" in {w.code for w in unknown.warnings}


def test_errors_name_the_input_they_are_about(world):  # noqa: ANN001
    with pytest.raises(DesignError) as exc:
        design_for_plot(world.plot_ojo, PARAMS | {"tree_spacing_m": 0})
    assert error_field(exc.value) == "tree_spacing_m"
    with pytest.raises(DesignInputError) as exc:
        design_for_plot(world.plot_ojo, PARAMS | {"species": ["aguacate", "cafe"]})
    assert error_field(exc.value) == "species" and "cafe" in exc.value.message


def test_save_design_numbers_versions_and_keeps_the_old_ones(world):  # noqa: ANN001
    plot = world.plot_ojo
    a = design_for_plot(plot, PARAMS)
    b = design_for_plot(plot, PARAMS | {"species": ["mango"], "year": 1})
    v1 = save_design(plot, a, None, world.carla)
    v2 = save_design(plot, b, None, world.ana)
    assert (v1.version, v2.version) == (1, 2)
    assert list(plot.designs.values_list("version", flat=True)) == [2, 1]
    assert v1.parameters["inputs"]["species"] == ["aguacate"] and v2.parameters["inputs"]["year"] == 1
    assert v1.parameters["design_parameters"]["module_width_steep_m"]["value"] == 10.6
    assert plot.designs.get(version=1).summary["summary"]["n_trees"] == a.summary.n_trees


def test_stored_version_rebuilds_the_same_layout_without_rerunning(world):  # noqa: ANN001
    result = design_for_plot(world.plot_ojo, PARAMS | {"species": ["aguacate", "durazno"]})
    design = save_design(world.plot_ojo, result, None, world.carla)
    again = stored_result(design)
    assert again.summary == result.summary
    assert len(again.trees) == len(result.trees) and len(again.rows) == len(result.rows)
    # coordinates were stored to 1e-7 degrees, about 1 cm: the local positions agree to 2 cm
    assert np.max(np.hypot(again.trees.x - result.trees.x, again.trees.y - result.trees.y)) < 0.02
    assert [r.length_m for r in again.rows] == [r.length_m for r in result.rows]
    assert [b.to_dict() for b in again.bill_of_materials] == [b.to_dict() for b in result.bill_of_materials]
    assert again.labour_by_month() == result.labour_by_month()
    assert again.to_gpx().count("<wpt") == len(result.trees)
    ET.fromstring(again.to_svg())


def test_warnings_keep_their_values_through_a_save(world):  # noqa: ANN001
    result = design_for_plot(world.plot_ojo, PARAMS | {"soil_depth_class": ""})
    again = stored_result(save_design(world.plot_ojo, result, None, None))
    assert [w.message_es for w in again.warnings] == [w.message_es for w in result.warnings]


def test_latest_design_feeds_the_economics(world):  # noqa: ANN001
    from miaf.web.economy.services import plot_inputs

    plot = world.plot_ojo
    assert plot_design_inputs(plot) is None
    save_design(plot, design_for_plot(plot, PARAMS), None, world.carla)
    latest = design_for_plot(plot, PARAMS | {"species": ["aguacate", "durazno"]})
    save_design(plot, latest, None, world.carla)
    inputs = plot_design_inputs(plot)
    assert inputs["version"] == 2 and inputs["n_trees"] == latest.summary.n_trees
    assert inputs["trees_by_species"] == latest.summary.trees_by_species
    econ = plot_inputs(plot)
    assert econ.design_version == 2
    assert econ.design_items.get("establishment_labour_days") == "diseño v2"
    if not plot.plantings.exists():  # without recorded plantings the design gives the trees
        assert econ.design_items["n_trees.aguacate"] == "diseño v2"
