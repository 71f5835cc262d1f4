"""Invariants over random plots and slopes: no tree outside the plot, never a negative count."""

from __future__ import annotations

import math

import numpy as np
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from miaf.design import design_plot

from .conftest import polygon_utm, rectangle


@st.composite
def convex_plots(draw):
    """A convex polygon of 4 to 7 vertices, 20 to 150 m across, in UTM 15N offsets."""
    n = draw(st.integers(4, 7))
    radius = draw(st.floats(10, 75))
    start = draw(st.floats(0, 2 * math.pi))
    gaps = np.array(draw(st.lists(st.floats(0.3, 1.0), min_size=n, max_size=n)))
    angles = start + np.cumsum(gaps / gaps.sum() * 2 * math.pi)
    stretch = draw(st.floats(0.4, 1.0))
    return polygon_utm([(radius * math.cos(a), stretch * radius * math.sin(a)) for a in angles])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plot=convex_plots(), slope=st.floats(0, 70), aspect=st.floats(0, 360),
       species=st.sampled_from(["aguacate", "durazno,limon", "papaya,aguacate,mango"]),
       arrangement=st.sampled_from(["alternate", "blocks"]), soil=st.one_of(st.none(), st.floats(0.2, 2.5)))
def test_no_tree_outside_the_plot_and_no_negative_count(plot, slope, aspect, species, arrangement, soil):
    r = design_plot(plot, species, slope_pct=slope, aspect_deg=aspect, soil_depth_m=soil,
                    arrangement=arrangement)
    s = r.summary
    assert shapely.contains_xy(r.plot, r.trees.x, r.trees.y).all()
    assert all(r.plot.buffer(1e-6).covers(row.line) for row in r.rows)
    for key in ("n_tree_rows", "n_trees", "trees_per_ha", "tree_row_length_m", "crop_strip_area_ha",
                "maize_plants", "bean_plants", "maize_seed_kg", "bean_seed_kg", "establishment_person_days"):
        assert getattr(s, key) >= 0, key
    assert s.n_trees == sum(s.trees_by_species.values()) == len(r.trees)
    assert s.crop_strip_area_ha <= s.area_ha * 1.01
    assert all(b.quantity >= 0 for b in r.bill_of_materials)
    assert s.modality in ("TMV", "BV")


def test_a_plot_smaller_than_one_module_is_designed_with_a_warning():
    r = design_plot(rectangle(8, 6), "aguacate", slope_pct=30, aspect_deg=180, soil_depth_m=1.2)
    assert "plot_too_small" in {w.code for w in r.warnings}
    assert r.summary.n_trees >= 0


def test_flat_land_gets_straight_rows_across_the_default_aspect_and_a_warning():
    r = design_plot(rectangle(80, 80), "aguacate", slope_pct=0)
    assert "terrain_flat" in {w.code for w in r.warnings}
    assert r.summary.row_spacing_ground_m == 14.5 and r.summary.n_tree_rows >= 5


def test_steep_slope_warns_that_it_is_above_the_modality_range():
    r = design_plot(rectangle(60, 60), "aguacate", slope_pct=75, aspect_deg=0, soil_depth_m=0.5)
    assert r.summary.modality == "BV"
    assert "slope_above_modality_range" in {w.code for w in r.warnings}
