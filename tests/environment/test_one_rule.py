"""One formula per rule (issue 16, item 10): barrier LS, module width, tree-band share and the MIAF-D start.

Two kinds of check: the callers agree on random inputs, and a grep over ``src/miaf`` finds none of the old
re-implementations (an expression that would drift from the rule if it came back).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from miaf import history
from miaf.design import module_width, module_width_horizontal, tree_band_share
from miaf.environment.erosion import ErosionInputs, evaluate_soil_loss, soil_loss_closed_form
from miaf.environment.ls_factor import ls_contour_rows
from miaf.environment.rusle import cover_practice

SRC = Path(__file__).resolve().parents[2] / "src" / "miaf"


def _python_sources() -> dict[Path, str]:
    return {p: p.read_text(encoding="utf-8") for p in SRC.rglob("*.py") if "migrations" not in p.parts}


# Old expressions, each the re-implementation of a rule that now has one function (where it lives).
FORBIDDEN = {
    # barrier LS: the linear mix e·L(min(λ, W)) + (1 − e)·L(λ) (ls_factor.ls_contour_rows)
    "barrier LS mix": re.compile(r"\*\s*ls_short\b|ls_mccool\([^)\n]*\bmin(imum)?\("),
    # module width: the CIMMYT threshold read outside the design rule (design.core.module_width)
    "module width rule": re.compile(r"module_width_slope_threshold_pct"),
    # tree-band share: band / module computed by hand (design.core.tree_band_share)
    "tree band ratio": re.compile(r"float\(band\)\s*/\s*float\(width\)|tree_band_width_\w+\"\]\s*/"),
    # MIAF-D start: established_on with a hand-made fallback (history.miaf_start)
    "miaf start": re.compile(r"established_on\"\]\.fillna|if (rec|plot)\.established_on:\s*\n\s+return"),
}
OWNERS = {  # the module that holds the one function
    "module width rule": {SRC / "design" / "core.py"},
    "tree band ratio": {SRC / "design" / "core.py"},
}


@pytest.mark.parametrize("rule", sorted(FORBIDDEN))
def test_no_module_reimplements_the_rule(rule):
    allowed = OWNERS.get(rule, set())
    hits = [f"{p.relative_to(SRC)}:{text[: m.start()].count(chr(10)) + 1}"
            for p, text in _python_sources().items() if p not in allowed
            for m in FORBIDDEN[rule].finditer(text)]
    assert hits == [], f"{rule} re-implemented in {hits}; call the one function instead"


def test_the_grep_patterns_catch_the_old_expressions():
    # the patterns are tested on the code they replaced, so a passing grep means something
    old = {
        "barrier LS mix": "ls_sys = cp.barrier_efficiency * ls_short + (1.0 - cp.barrier_efficiency) * ls_trad",
        "module width rule": 'steep = slope > float(ep["module_width_slope_threshold_pct"])',
        "tree band ratio": "share = float(band) / float(width)",
        "miaf start": 'start = q["established_on"].fillna(first.reindex(q.index))',
    }
    for rule, text in old.items():
        assert FORBIDDEN[rule].search(text), rule
    assert FORBIDDEN["miaf start"].search("    if plot.established_on:\n        return plot.established_on.year, 'x'")


@settings(max_examples=60, deadline=None)
@given(slope=st.floats(0, 120), e=st.floats(0, 1), lam=st.floats(5, 300), age=st.floats(0, 15))
def test_module_width_and_barrier_ls_agree_across_callers(slope, e, lam, age):
    w = module_width(slope)
    assert w == (14.5 if slope <= 20 else 10.6)
    one = evaluate_soil_loss(ErosionInputs("miaf-d", age, r_factor=10_000, k_factor=0.02, slope_pct=slope,
                                           slope_length_m=lam))
    vec = soil_loss_closed_form(np.array([True]), np.array([age]), 10_000, 0.02, np.array([slope]), np.array([lam]))
    cp = cover_practice("miaf-d", age, slope)
    assert one.module_width_m == w == vec["module_width_m"][0]
    assert one.module_width_horizontal_m == pytest.approx(module_width_horizontal(w, slope), rel=1e-12)
    assert one.ls_mean == pytest.approx(ls_contour_rows(slope, lam, module_width_horizontal(w, slope),
                                                        cp.barrier_efficiency), rel=1e-12)
    assert vec["ls"][0] == pytest.approx(one.ls_mean, rel=1e-12)
    assert one.tree_band_share == cp.tree_band_share == pytest.approx(tree_band_share(slope), rel=1e-12)


def test_tree_band_share_is_the_design_band_over_the_module():
    # design.csv: 4.2 m band in the 10.6 m module (> 20 %), 4.8 m in the 14.5 m module (≤ 20 %)
    assert tree_band_share(30) == pytest.approx(4.2 / 10.6)
    assert tree_band_share(15) == pytest.approx(4.8 / 14.5)
    assert tree_band_share(band_width_m=3.0, width_m=12.0) == 0.25
    with pytest.raises(ValueError, match="module"):
        tree_band_share(band_width_m=13.0, width_m=12.0)


dates = st.one_of(st.none(), st.dates(dt.date(1990, 1, 1), dt.date(2030, 12, 31)))


@settings(max_examples=100, deadline=None)
@given(rows=st.lists(st.tuples(dates, dates, dates), min_size=1, max_size=8), year=st.integers(1990, 2035))
def test_miaf_start_gives_the_same_answer_for_one_plot_and_for_a_table(rows, year):
    frame = pd.DataFrame(rows, columns=["established_on", "phase", "planting"]).apply(pd.to_datetime)
    starts, sources = history.miaf_start(frame["established_on"], frame["phase"], frame["planting"])
    ages = history.years_since_start(starts, year)
    for i, (est, phase, planting) in enumerate(rows):
        start, source = history.miaf_start(est, phase, planting)
        assert source == sources.iloc[i]
        assert start == (None if pd.isna(starts.iloc[i]) else starts.iloc[i].date())
        assert history.years_since_start(start, year) == ages[i]
        first = next((d for d in (est, phase, planting) if d is not None), None)
        assert start == first  # the rule: establishment date, else first MIAF phase, else first tree planting


def test_miaf_start_sources_and_age_by_hand():
    d = dt.date
    assert history.miaf_start(d(2015, 3, 1), d(2012, 1, 1), d(2011, 6, 1)) == (d(2015, 3, 1), "established_on")
    assert history.miaf_start(None, d(2012, 1, 1), d(2011, 6, 1)) == (d(2012, 1, 1), "phase")
    assert history.miaf_start(None, None, d(2011, 6, 1)) == (d(2011, 6, 1), "planting")
    assert history.miaf_start(None, None, None) == (None, "ex_ante")
    # 2020 − 2012 = 8 years; before the start and unknown: 0
    assert history.years_since_start(d(2012, 1, 1), 2020) == 8.0
    assert history.years_since_start(d(2012, 1, 1), 2010) == 0.0
    assert history.years_since_start(None, 2020) == 0.0
