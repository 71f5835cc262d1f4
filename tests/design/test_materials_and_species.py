"""Seed, bill of materials, labour, species arrangement and the maize/bean micro-rotation."""

from __future__ import annotations

import math

import numpy as np
import pytest

from miaf.design import design_parameters, design_plot
from miaf.design.materials import bill_of_materials, establishment_labour, seed_mass_kg

from .conftest import rectangle

PRM = design_parameters()


def test_seed_mass_is_plants_times_seeds_per_plant_times_seed_mass_for_scalars_and_arrays():
    # 30,000 plants * 1.15 seeds * 0.33 g / 1000 = 11.385 kg
    assert seed_mass_kg(30_000, 0.33, 1.15) == pytest.approx(11.385)
    np.testing.assert_allclose(seed_mass_kg(np.array([0, 10_000]), 0.25, 1.0), [0.0, 2.5])


def test_bill_of_materials_adds_replacement_seedlings_and_per_tree_inputs():
    bom = {b.item: b for b in bill_of_materials({"aguacate": 943}, 30_000, 20_000, 943.0, PRM,
                                                {"aguacate": "Aguacate"})}
    # 943 * 1.10 = 1037.3 -> 1038 seedlings; fertiliser 943 * 0.75 = 707.25 kg
    assert bom["aguacate seedlings"].quantity == 1038
    assert bom["organic fertiliser"].quantity == pytest.approx(707.2, abs=0.1)
    assert bom["stakes"].quantity == 943
    # bean seed 20,000 * 1.15 * 0.25 / 1000 = 5.75 kg
    assert bom["bean seed"].quantity == pytest.approx(5.75)
    assert "replanting_share=0.1" in bom["aguacate seedlings"].source


def test_establishment_labour_per_hectare_falls_in_the_20_to_30_day_range():
    items = establishment_labour(943, 943.0, PRM)
    # 943/400 + 943/60 + 943/120 + 943/300 = 2.36 + 15.72 + 7.86 + 3.14 = 29.08 person-days
    assert sum(i.person_days for i in items) == pytest.approx(29.08, abs=0.02)
    assert [i.month for i in items] == [4, 5, 6, 11]


def test_overrides_change_the_quantity_and_are_reported_as_such():
    r = design_plot(rectangle(60, 60), "aguacate", slope_pct=30, aspect_deg=180, soil_depth_m=1.2,
                    overrides={"replanting_share": 0.05})
    seedlings = next(b for b in r.bill_of_materials if b.item == "aguacate seedlings")
    assert seedlings.quantity == math.ceil(r.summary.n_trees * 1.05)
    assert r.parameters["replanting_share"]["tag"] == "override"


def test_maize_and_bean_strips_swap_every_year():
    poly = rectangle(100, 80)
    y0 = design_plot(poly, "aguacate", slope_pct=30, aspect_deg=180, soil_depth_m=1.2, year=0)
    y1 = design_plot(poly, "aguacate", slope_pct=30, aspect_deg=180, soil_depth_m=1.2, year=1)
    assert [s.crop_this_year for s in y1.strips] == [s.crop_next_year for s in y0.strips]
    assert y0.summary.maize_strip_area_ha == pytest.approx(y1.summary.bean_strip_area_ha)
    crops = [s.crop_this_year for s in y0.strips]
    assert all(a != b for a, b in zip(crops, crops[1:], strict=False))  # neighbouring strips alternate
    # plants = strip area * density: maize 47,500 per ha of maize strip
    assert abs(y0.summary.maize_plants - y0.summary.maize_strip_area_ha * 47_500) < 5


def test_crop_strips_are_the_plot_minus_the_tree_bands():
    r = design_plot(rectangle(100, 100), "aguacate", slope_pct=30, aspect_deg=180, soil_depth_m=1.2)
    band_h = 4.2 * math.cos(math.atan(0.3))  # 4.2 m along the ground = 4.023 m on the map
    expected = r.summary.area_ha - r.summary.tree_row_length_m * band_h / 1e4
    assert r.summary.crop_strip_area_ha == pytest.approx(expected, rel=0.01)
    assert r.summary.furrows_per_strip == 8  # (10.6 - 4.2) / 0.8 = 8 furrows


def test_alternating_species_use_the_mean_of_their_spacings_and_blocks_use_their_own():
    poly = rectangle(100, 60)
    alt = design_plot(poly, "aguacate,papaya", slope_pct=30, aspect_deg=180, soil_depth_m=1.2)
    # aguacate 1 m and papaya 2 m alternate: gap (1 + 2) / 2 = 1.5 m
    assert alt.summary.tree_spacing_m == pytest.approx(1.5, abs=1e-6)
    n = alt.summary.trees_by_species
    assert abs(n["aguacate"] - n["papaya"]) <= alt.summary.n_tree_rows
    blocks = design_plot(poly, "aguacate,papaya", arrangement="blocks", slope_pct=30, aspect_deg=180,
                         soil_depth_m=1.2)
    for row in blocks.rows:
        assert len(row.species) == 1
    assert {tuple(r.species) for r in blocks.rows} == {("aguacate",), ("papaya",)}
