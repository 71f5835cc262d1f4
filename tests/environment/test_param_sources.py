"""Provenance tags that survive a reviewer (issue 16, items 8 and 9).

``seen`` means the value was read in the cited source *for this use*. A value read in a global model (Project
Drawdown, GCAM, …) and applied to Chiapas is an ``estimate``; so is a value whose own source says it was
recalled or assumed. The scan covers every CSV under ``src/miaf/params`` (scalar and row tables).
"""

from __future__ import annotations

import csv
import re
from importlib import resources
from pathlib import Path

import numpy as np
import pytest

from miaf.params import load_parameters

#: Global or other-region models whose figures are estimates when applied to Chiapas plots.
GLOBAL_MODELS = re.compile(
    r"project drawdown|drawdown|\bgcam\b|jgcri|globiom|magpie|lpjml|\bimage model\b|global model|"
    r"integrated assessment model", re.IGNORECASE)
#: A source that says its own value was not read there.
NOT_READ = re.compile(r"\[mem\]|from memory|recalled|not re-read|not read|assumed|assumption", re.IGNORECASE)


def _tables() -> list[Path]:
    return sorted(Path(str(resources.files("miaf.params"))).glob("*.csv"))


def _rows(path: Path):
    with path.open(encoding="utf-8", newline="") as fh:
        yield from enumerate(csv.DictReader(fh), start=2)


def offending_rows(rows) -> list[str]:  # noqa: ANN001
    """``name:line key`` of the rows tagged ``seen`` whose source cites a global model or says it was not read."""
    out = []
    for where, row in rows:
        if (row.get("tag") or "").strip() != "seen":
            continue
        source = row.get("source") or ""
        key = row.get("key") or row.get("code") or "?"
        if GLOBAL_MODELS.search(source):
            out.append(f"{where} {key}: seen but read in a global model ({GLOBAL_MODELS.search(source)[0]})")
        elif NOT_READ.search(source):
            out.append(f"{where} {key}: seen but the source says '{NOT_READ.search(source)[0]}'")
    return out


def test_the_scan_catches_the_rows_it_is_meant_to_catch():
    fake = [("x.csv:2", {"key": "gain", "tag": "seen", "source": "Project Drawdown tree intercropping +31 %"}),
            ("x.csv:3", {"key": "cap", "tag": "seen", "source": "GCAM Various_Tree_C_yield_ratios.csv"}),
            ("x.csv:4", {"key": "share", "tag": "seen", "source": "DGIPA slides (shares assumed)"}),
            ("x.csv:5", {"key": "r", "tag": "seen", "source": "Cortés (1991), coefficients from memory"}),
            ("x.csv:6", {"key": "ok", "tag": "estimate", "source": "Project Drawdown +31 %"}),
            ("x.csv:7", {"key": "ok2", "tag": "seen", "source": "IPCC 2006 Vol. 4 Table 4.4"})]
    found = offending_rows(fake)
    assert [f.split()[1] for f in found] == ["gain:", "cap:", "share:", "r:"]


def test_no_params_row_is_seen_when_it_comes_from_a_global_model_or_memory():
    tables = _tables()
    assert len(tables) >= 10  # the scan does look at the tables
    rows = [(f"{path.name}:{n}", row) for path in tables for n, row in _rows(path)]
    assert sum(1 for _w, r in rows if (r.get("tag") or "").strip() == "seen") > 50
    assert offending_rows(rows) == []


def test_discount_rate_is_mexicos_social_rate_and_the_yield_gain_an_estimate():
    econ = load_parameters("economics")
    rate = econ["discount_rate"]
    # read in SHCP's own page on the Tasa Social de Descuento ("pasó de 12% a 10%"): seen, with its source
    assert rate.value == 0.10 and rate.tag == "seen"
    assert "SHCP" in rate.source and "gob.mx/shcp" in rate.source and "dof.gob.mx" in rate.source
    assert "Drawdown" not in rate.source  # a global model is not the source of Mexico's rate
    assert econ["maize_yield_gain_miaf"].tag == "estimate"
    # the carbon model no longer caps trees with another model's maximum vegetation carbon
    assert not [k for k in load_parameters("carbon") if k.startswith("gcam_")]


def test_whole_bean_strips_have_100_to_125_thousand_plants_and_the_demo_sows_the_designs_rate():
    from miaf.design.materials import seed_mass_kg, sowing_rate_kg_ha

    d = load_parameters("design")
    bean = d["bean_density_plants_per_ha"]
    assert bean.low == 100_000 and bean.high == 125_000 and bean.low <= bean.value <= bean.high
    # 112,500 plants × 1.15 seeds per plant × 0.25 g = 32.34 kg per ha of bean strip
    assert sowing_rate_kg_ha("frijol") == pytest.approx(112_500 * 1.15 * 0.25 / 1000, rel=1e-12)
    assert sowing_rate_kg_ha("frijol") == pytest.approx(seed_mass_kg(bean.value, 0.25, 1.15), rel=1e-12)
    assert sowing_rate_kg_ha("maiz") == pytest.approx(47_500 * 1.15 * 0.33 / 1000, rel=1e-12)
    # one place: the demo has no sowing rate of its own
    assert not [k for k in load_parameters("demo") if k.endswith("_seed_kg_ha")]


def test_demo_bean_seed_per_hectare_matches_the_design():
    from miaf.design import crop_area_ha
    from miaf.design.materials import sowing_rate_kg_ha
    from miaf.web.demo.generate import crop_share, generate_chunk
    from miaf.web.demo.places import plan_programme

    c = generate_chunk(plan_programme(200, 2011), 0, 2011)
    pl, plots = c.plantings, c.plots
    est = plots["established_on"]
    plot_row = np.asarray(pl["plot"]) - plots["family"][0]  # one plot per family, numbered like the families
    for code in ("frijol", "maiz"):
        sel = (pl["species"] == code) & (pl["unit"] == "kg_seed")
        idx = plot_row[sel].astype(int)
        after = pl["planted_on"][sel] >= est[idx]
        ha = crop_area_ha(plots["area_ha"][idx][after], crop_share(plots["mean_slope_pct"][idx][after]), code)
        per_ha = pl["quantity"][sel][after] / ha
        # family-to-family spread is ±10 % (lognormal): the median sits on the design's rate
        assert np.median(per_ha) == pytest.approx(sowing_rate_kg_ha(code), rel=0.05), code
