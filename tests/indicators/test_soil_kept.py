"""Soil kept (issue 16, item 12): per-plot R from rainfall, the distribution against the tolerance with its
uncertainty, and the report's sentence about the seed's claim computed from them."""

from __future__ import annotations

import pytest

from miaf.indicators import compute_indicators


def test_each_plot_gets_its_own_r_from_its_chirps_rainfall(tiny):
    # plots 101/102: stored normal 1,825.1 mm (Las Margaritas); 103: family municipality 07059 (Ocosingo,
    # CHIRPS 2,256.4 mm). Cortés X: 6.8938·1825.1 + 0.000442·1825.1² = 14,054.17;
    # 6.8938·2256.4 + 0.000442·2256.4² = 15,555.17 + 2,250.37 = 17,805.54
    r = compute_indicators(tiny)["soil_loss"].details["r_factor"]
    assert r["min"] == pytest.approx(14_054.17, abs=0.01)
    assert r["max"] == pytest.approx(17_805.54, abs=0.01)
    lam = compute_indicators(tiny)["soil_loss"].details["slope_length_m"]
    assert (lam["min"], lam["max"]) == pytest.approx((100.0, 122.0))  # 1 ha → 100 m; 2 ha → 141 → 122 m


def test_distribution_and_interval_by_system(tiny):
    d = compute_indicators(tiny)["soil_loss"].details
    unc, dist = d["uncertainty"], d["distribution"]
    assert unc["miaf"]["plots"] == 2 and unc["traditional"]["plots"] == 1
    assert unc["miaf"]["area_ha"] == 3.0
    for key in ("miaf", "traditional"):
        assert dist[key]["p10"] <= dist[key]["p50"] <= dist[key]["p90"]
        u = unc[key]
        assert u["soil_loss_p05"] <= u["soil_loss_p50"] <= u["soil_loss_p95"]
        assert 0 <= u["share_within_p05"] <= u["share_within_p95"] <= 1
    # plot 101 (30 %) is beyond the contouring table: 2 of the 3 MIAF-D hectares
    assert d["miaf_area_share_beyond_contouring_table"] == pytest.approx(2 / 3)
    within = compute_indicators(tiny)["soil_loss_within_tolerable"]
    assert within.breakdown["miaf_d"] == pytest.approx(unc["miaf"]["share_within"])


def test_the_report_sentence_follows_the_interval_not_a_hand_written_claim(tiny):
    from miaf.web.evidence.report import soil_kept

    res = compute_indicators(tiny)
    out = soil_kept(res)
    u = res["soil_loss"].details["uncertainty"]["miaf"]
    assert out["available"] and [r["label"] for r in out["rows"]][:2] == ["MIAF/MIAF-D", "milpa tradicional"]
    first = out["text"][0]
    assert first.startswith(f"{100 * u['share_within']:.1f} % de la superficie MIAF/MIAF-D")
    verdict = out["text"][-1]
    if u["share_within_p05"] >= 0.5:
        assert "respalda la afirmación" in verdict and "no respalda" not in verdict
    elif u["share_within_p95"] < 0.5:
        assert "no respalda la afirmación" in verdict
    else:
        assert "no se puede afirmar ni descartar" in verdict
    # with every plot made flat and short, MIAF-D is within the tolerance and the sentence changes with it
    tiny.plots["mean_slope_pct"] = 1.0
    tiny.plots["area_ha"] = 0.01
    flat = soil_kept(compute_indicators(tiny))
    assert "respalda la afirmación" in flat["text"][-1] and "no respalda" not in flat["text"][-1]
