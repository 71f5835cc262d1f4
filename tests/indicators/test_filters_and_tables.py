"""Filters, over-time tables, column contracts and invariants."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from miaf.indicators import IndicatorFilters, IndicatorTables, compute_indicators, over_time

from .conftest import tiny_frames


@pytest.mark.parametrize(("filters", "families"), [
    ({"organisation": "cafe"}, 2),          # by name, case-insensitive
    ({"organisation": 2}, 1),               # by id
    ({"group": "Ojo de Agua"}, 2),
    ({"municipality": "07059"}, 1),
    ({"head_sex": "F"}, 1),
    ({"system": "miaf_d"}, 2),              # families owning a MIAF-D plot
    ({"system": "traditional"}, 1),
    ({"organisation": "CAFE", "head_sex": "M"}, 1),
])  # fmt: skip
def test_filters_select_families(tiny, filters, families):
    assert compute_indicators(tiny, filters).value("families") == families


def test_head_sex_filter_carries_to_the_records(tiny):
    # family 1 (female head): the only migrant family; its labour in 2016: F 60 of 60 + 60 + 30 = 150 days
    r = compute_indicators(tiny, IndicatorFilters(head_sex="F", year=2016))
    assert r.value("migration") == 1.0
    assert r.value("women_labour_share") == pytest.approx(60 / 150)


def test_municipality_filter_selects_the_traditional_plot(tiny):
    # 07059 holds only plot 103: 700 kg maize, all self-consumed; no sales
    r = compute_indicators(tiny, {"municipality": "07059"})
    assert r["self_consumption_share"].breakdown == {"maiz": 1.0}
    assert r["side_selling_share"].status == "no_data"


@pytest.mark.parametrize("bad", [{"municipality": "7052"}, {"system": "milpa"}, {"head_sex": "W"},
                                 {"year": 12}, {"colour": "red"}])  # fmt: skip
def test_bad_filters_raise_value_error(tiny, bad):
    with pytest.raises(ValueError):
        compute_indicators(tiny, bad)


def test_over_time_gives_one_row_per_year_and_indicator(tiny):
    df = over_time(tiny)
    assert sorted(df["year"].unique()) == [2010, 2011, 2016]
    v = df.set_index(["year", "code"])["value"]
    assert v[(2016, "maize_yield_gain")] == pytest.approx(2 / 3)
    assert v[(2010, "families")] == 2  # family 3 joined in 2013
    assert pd.isna(v[(2010, "maize_yield_gain")])


def test_empty_programme_reports_no_data_not_numbers():
    t = IndicatorTables(families=tiny_frames()["families"].iloc[:0])
    r = compute_indicators(t)
    assert r.value("families") == 0
    assert r["maize_yield_gain"].status == "no_data"
    assert r["carbon_stock"].status == "no_data"
    assert all(v.value is None for v in r.values.values() if v.status != "ok")


def test_results_are_json_ready(tiny):
    import json

    d = compute_indicators(tiny).to_dict()
    text = json.dumps(d)
    assert set(d["pillars"]) == {"productivity", "adaptation", "mitigation", "social"}
    assert "maize_yield_gain" in text


def test_missing_column_is_named():
    frames = tiny_frames()
    frames["harvests"] = frames["harvests"].drop(columns="quantity_kg")
    with pytest.raises(ValueError, match="harvests: missing column"):
        IndicatorTables(**frames)


def test_negative_kilograms_are_refused():
    frames = tiny_frames()
    frames["destinations"].loc[0, "kg"] = -1.0
    with pytest.raises(ValueError, match="destinations: column kg must be >= 0"):
        IndicatorTables(**frames)


def test_text_dates_are_refused():
    frames = tiny_frames()
    frames["harvests"]["harvested_on"] = frames["harvests"]["harvested_on"].dt.strftime("%Y-%m-%d")
    with pytest.raises(ValueError, match="harvested_on must be datetime64"):
        IndicatorTables(**frames)


@settings(max_examples=10, deadline=None)
@given(st.lists(st.floats(0.0, 1e4), min_size=11, max_size=11))
def test_self_and_market_shares_add_up_to_one_and_stay_in_range(kgs):
    frames = tiny_frames()
    frames["destinations"]["kg"] = kgs
    r = compute_indicators(IndicatorTables(**frames), codes=["self_consumption_share", "market_share",
                                                              "side_selling_share"])  # fmt: skip
    s, m = r["self_consumption_share"].breakdown or {}, r["market_share"].breakdown or {}
    for crop in s:
        assert 0.0 <= s[crop] <= 1.0
        assert s[crop] + m[crop] == pytest.approx(1.0)
    side = r["side_selling_share"].value
    assert side is None or 0.0 <= side <= 1.0


def test_data_dictionary_is_generated_from_the_registry_and_up_to_date():
    from pathlib import Path

    from miaf.indicators.docs import render
    from miaf.indicators.registry import REGISTRY

    text = render()
    for code, ind in REGISTRY.items():
        assert f"`{code}`" in text
        assert ind.name_es in text and ind.name_en in text
    committed = Path(__file__).resolve().parents[2] / "docs" / "indicators.md"
    assert committed.read_text(encoding="utf-8") == text, "run: python -m miaf.indicators.docs > docs/indicators.md"
