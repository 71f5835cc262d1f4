"""Reach, social and resilience indicators on the tiny hand-made programme."""

from __future__ import annotations

import pandas as pd
import pytest

from miaf.indicators import IndicatorTables, compute_indicators
from miaf.indicators.context import Context
from miaf.indicators.disclosure import _breakdown_families
from miaf.indicators.environment import miaf_starts

from .conftest import tiny_frames


def test_families_groups_and_municipalities(tiny):
    r = compute_indicators(tiny)
    assert r.value("families") == 3
    assert r.value("groups") == 2  # Ojo de Agua, El Vergel
    assert r.value("municipalities") == 2  # 07052, 07059


def test_families_in_a_year_follow_memberships(tiny):
    # family 3 joined in 2013: not a member in 2012
    assert compute_indicators(tiny, {"year": 2012}).value("families") == 2


def test_members_by_sex(tiny):
    r = compute_indicators(tiny)["members_by_sex"]
    assert r.value == 5
    assert r.breakdown == {"F": 2, "M": 3}


def test_members_by_language(tiny):
    # languages recorded for 4 members; 3 of them speak toj or tzh -> 0.75; member 5 has none
    r = compute_indicators(tiny)["members_by_language"]
    assert r.value == pytest.approx(0.75)
    assert r.breakdown == {"es": 3, "toj": 2, "tzh": 1}


def test_area_by_system(tiny):
    r = compute_indicators(tiny)["area_by_system"]
    assert r.value == pytest.approx(4.0)
    assert r.breakdown == pytest.approx({"miaf_d": 3.0, "traditional": 1.0})


def test_area_by_system_at_the_end_of_a_year_uses_the_phases(tiny):
    # on 31 Dec 2010 plots 101 and 102 were still traditional (2 + 1 ha); family 3 joined only in 2013
    r = compute_indicators(tiny, {"year": 2010})["area_by_system"]
    assert r.breakdown == pytest.approx({"traditional": 3.0})


def test_area_by_establishment_year(tiny):
    r = compute_indicators(tiny)["area_by_establishment_year"]
    assert r.breakdown == pytest.approx({"2011": 3.0})


def test_area_share_in_the_corridor_is_the_seeds_73_percent(tiny):
    # plot 101: 2 ha x 1.00 inside; plot 102: 1 ha x 0.19 inside -> 2.19 / 3 ha = 0.73
    r = compute_indicators(tiny)["area_share_in_layers"]
    assert r.value == pytest.approx(0.73)


def test_labour_ratio_is_the_seeds_plus_50_percent(tiny):
    # MIAF-D 2016: (60 + 60 + 30 + 30 + 30 + 15) days / 3 ha = 75 days/ha
    # traditional plot-years: 2010 plots 101 + 102 (100 + 50 days / 3 ha) and 2016 plot 103 (50 days / 1 ha)
    # -> 200 days / 4 ha = 50 days/ha; 2011 is a transition year (excluded); 75 / 50 = 1.5
    r = compute_indicators(tiny)["labour_ratio"]
    assert r.value == pytest.approx(1.5)
    assert r.details["traditional_set"] == "baseline"


def test_labour_ratio_uses_contemporary_traditional_plots_when_a_year_has_them(tiny):
    # 2016: 75 days/ha on MIAF-D against plot 103's 50 days / 1 ha -> 1.5, comparison set
    r = compute_indicators(tiny, {"year": 2016})["labour_ratio"]
    assert r.value == pytest.approx(1.5)
    assert r.details["traditional_set"] == "comparison"


def test_labour_by_kind(tiny):
    # 2016 MIAF-D: family 60 + 60 + 30 + 30 = 180, hired 30 + 15 = 45 -> hired share 45 / 225 = 0.2
    r = compute_indicators(tiny, {"year": 2016, "system": "miaf_d"})["labour_by_kind"]
    assert r.value == pytest.approx(0.2)
    assert r.breakdown["hired_days_per_ha"] == pytest.approx(15.0)  # 45 days / 3 ha


def test_women_labour_share(tiny):
    # F days: 40 (2010) + 60 + 30 (2016) = 130 of 485 - 10 (no sex recorded) = 475 days
    r = compute_indicators(tiny)["women_labour_share"]
    assert r.value == pytest.approx(130 / 475)
    assert r.details["person_days_without_sex"] == pytest.approx(10.0)


def test_women_training_share(tiny):
    # attendances with a member: F, M, F -> 2 / 3; one attendance without member is left out
    r = compute_indicators(tiny)["women_training_share"]
    assert r.value == pytest.approx(2 / 3)
    assert r.details["attendances_without_member"] == 1


def test_migration(tiny):
    # family 1 of 3 has a migrant; 1 of 5 members migrated
    r = compute_indicators(tiny)["migration"]
    assert r.value == pytest.approx(1 / 3)
    assert r.details["share_of_members"] == pytest.approx(0.2)


def test_product_diversity(tiny):
    # family-years: 2010 f1 {maiz, frijol} = 2, f2 {maiz} = 1; 2016 f1 {maiz, frijol, aguacate} = 3,
    # f2 {maiz} = 1, f3 {maiz} = 1 -> (2 + 1 + 3 + 1 + 1) / 5 = 1.6
    r = compute_indicators(tiny)["product_diversity"]
    assert r.value == pytest.approx(1.6)
    assert r.details["programme_products"] == 3


def test_side_selling_share(tiny):
    # sold kg: 360 + 1000 + 400 + 700 + 260 + 500 = 3220; to intermediaries 360 + 400 + 500 = 1260
    r = compute_indicators(tiny)["side_selling_share"]
    assert r.value == pytest.approx(1260 / 3220)
    assert r.breakdown["maiz"] == pytest.approx(760 / 2460)


def test_area_by_establishment_year_is_the_year_the_plot_became_miaf_d(tiny):
    # one rule (miaf.history.miaf_start, issue 16 item 10): the recorded date, else the first MIAF-D phase, else
    # the first fruit-tree planting. Plot 101 (2 ha) loses its date: its MIAF-D phase began 2011-06-01, still 2011;
    # plot 102 (1 ha) loses its date and its phase: its first fruit trees (durazno) were planted in 2011 too.
    f = tiny_frames()
    f["plots"].loc[f["plots"]["plot_id"].isin([101, 102]), "established_on"] = pd.NaT
    ph = f["phases"]
    ph.loc[(ph["plot_id"] == 101) & (ph["system"] == "miaf_d"), "started_on"] = pd.Timestamp("2012-03-01")
    f["phases"] = ph[~((ph["plot_id"] == 102) & (ph["system"] == "miaf_d"))]
    r = compute_indicators(IndicatorTables(**f))["area_by_establishment_year"]
    # 101 by its phase (2012, not the missing date), 102 by its first tree planting (2011-06-20)
    assert r.breakdown == pytest.approx({"2012": 2.0, "2011": 1.0})
    assert r.details["plots_without_date"] == 0
    assert r.details["start_known_from"] == {"phase": 1, "planting": 1}
    # the same start as the soil-loss and carbon tree ages, and the same years in the privacy breakdown
    ctx = Context(IndicatorTables(**f))
    p = ctx.plots[ctx.plots["system_ref"] == "miaf_d"]
    start, _ = miaf_starts(ctx, p)
    assert sorted(start.dt.year.tolist()) == [2011, 2012]
    assert _breakdown_families(ctx, "area_by_establishment_year") == {"2012": 1, "2011": 1}
