"""Issue 16, last gaps: the crop-strip share, a strip crop's area, the self-consumption shares and the replanting
share each live in one place (the design rule, one params row), and the economics, the demo and the offer read them."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np
import pytest

from miaf.design import (
    STRIP_CROPS,
    crop_area_ha,
    crop_share,
    replanting_share,
    seedlings_bought,
    tree_band_share,
)
from miaf.economics.cashflow import PlotModel
from miaf.economics.scenario import CropComponent, PlotScenario, TreeComponent, resolve_parameters
from miaf.params import load_parameters

PARAMS = Path(__file__).resolve().parents[2] / "src" / "miaf" / "params"
# round numbers, so that the strip crops' kg can be worked out by hand
FLAT = {"yield.maiz": 1000.0, "yield.frijol": 500.0, "maize_yield_gain_miaf": 0.0, "discount_rate": 0.1}


def _kg(**scenario) -> dict[str, float]:
    sc = PlotScenario.from_dict({"area_ha": 2.0, "horizon_years": 2, "parameters": FLAT, **scenario})
    r = PlotModel(sc, sample_defaults=False).evaluate()
    return {c: float(r.miaf.harvest_kg[c][0]) for c in ("maiz", "frijol")}


def test_economics_has_no_strip_share_rows_and_takes_the_design_rule_at_the_plots_slope():
    econ = load_parameters("economics")
    assert "tree_band_share" not in econ and "crop_share" not in econ
    for slope, band in ((15.0, 4.8 / 14.5), (35.0, 4.2 / 10.6), (None, 4.2 / 10.6)):  # gentle, steep, unknown
        p = resolve_parameters(PlotScenario(area_ha=1.0, slope_pct=slope), sample_defaults=False)
        assert p["tree_band_share"].value == pytest.approx(band, rel=1e-12)
        assert p["crop_share"].value == pytest.approx(1 - band, rel=1e-12)
        assert p["crop_share"].provenance == "design rule" and p["crop_share"].tag == "derived"
    assert crop_share(35.0) == pytest.approx(1 - tree_band_share(35.0), rel=1e-12)


def test_changing_the_designs_spacing_changes_the_economics_crop_area_by_hand():
    # 2 ha, tree band 4.2 m: in a 10.6 m module the strips are 1 − 4.2/10.6 = 0.6038 of the plot, 1.2075 ha;
    # maize and bean alternate strips, 0.6038 ha each: maize 0.6038 × 1,000 = 603.8 kg, bean × 500 = 301.9 kg
    narrow = _kg(design={"band_width_m": 4.2, "module_width_m": 10.6})
    assert narrow["maiz"] == pytest.approx(2.0 * (1 - 4.2 / 10.6) / 2 * 1000.0, rel=1e-12)
    assert narrow["frijol"] == pytest.approx(2.0 * (1 - 4.2 / 10.6) / 2 * 500.0, rel=1e-12)
    # widen the module to 14.5 m: strips 1 − 4.2/14.5 = 0.7103 → maize 710.3 kg
    wide = _kg(design={"band_width_m": 4.2, "module_width_m": 14.5})
    assert wide["maiz"] == pytest.approx(2.0 * (1 - 4.2 / 14.5) / 2 * 1000.0, rel=1e-12)
    assert wide["maiz"] / narrow["maiz"] == pytest.approx((1 - 4.2 / 14.5) / (1 - 4.2 / 10.6), rel=1e-12)
    # no design: the plot's slope picks the module (15 %: gentle, 4.8 / 14.5)
    assert _kg(slope_pct=15)["maiz"] == pytest.approx(2.0 * (1 - 4.8 / 14.5) / 2 * 1000.0, rel=1e-12)
    with pytest.raises(ValueError, match="band_width_m"):
        _kg(design={"band_width_m": 4.2})


def test_a_strip_crop_is_sown_and_harvested_on_its_share_of_the_strips():
    # the design alternates maize and bean strips: each has half of them; alone, a crop has them all
    assert crop_area_ha(1.0, 0.6, "maiz") == pytest.approx(0.3)
    assert crop_area_ha(1.0, 0.6, "frijol", STRIP_CROPS) == pytest.approx(0.3)
    assert crop_area_ha(1.0, 0.6, "maiz", ["maiz"]) == pytest.approx(0.6)
    assert crop_area_ha(1.0, 0.6, "tomate", ["maiz", "frijol", "tomate"]) == pytest.approx(0.6)
    np.testing.assert_allclose(crop_area_ha(np.array([1.0, 2.0]), np.array([0.6, 0.7]), "maiz"), [0.3, 0.7])
    # the plot model takes the same areas: a maize-only strip gets the whole 1.2075 ha
    sc = PlotScenario(area_ha=2.0, horizon_years=2, crops=(CropComponent("maiz"),), parameters=FLAT, slope_pct=35)
    kg = PlotModel(sc, sample_defaults=False).evaluate().miaf.harvest_kg["maiz"][0]
    assert kg == pytest.approx(2.0 * (1 - 4.2 / 10.6) * 1000.0, rel=1e-12)


def test_the_maize_and_bean_self_consumption_shares_are_one_row_each_from_the_seed():
    rows = []
    for path in sorted(PARAMS.glob("*.csv")):
        with path.open(encoding="utf-8") as fh:
            rows += [(path.name, r["key"]) for r in csv.DictReader(fh) if "key" in r and r["key"]
                     and ("self_consumption" in r["key"] or "self_share" in r["key"])]
    assert sorted(rows) == [("economics.csv", "self_consumption_share.default"),
                            ("economics.csv", "self_consumption_share.frijol"),
                            ("economics.csv", "self_consumption_share.maiz")]
    econ = load_parameters("economics")
    maize, bean = econ["self_consumption_share.maiz"], econ["self_consumption_share.frijol"]
    # seed article: 30 % of MIAF-D maize and 35 % of beans eaten at home (Ojo de Agua)
    assert (maize.value, maize.tag, bean.value, bean.tag) == (0.30, "seen", 0.35, "seen")
    assert "Seed article" in maize.source and "Seed article" in bean.source


def test_the_replanting_share_is_one_row_of_the_design_table():
    rows = []
    for path in sorted(PARAMS.glob("*.csv")):
        with path.open(encoding="utf-8") as fh:
            rows += [(path.name, r["key"]) for r in csv.DictReader(fh) if "key" in r and r["key"]
                     and ("replant" in r["key"] or "seedling_replacement" in r["key"])]
    assert rows == [("design.csv", "replanting_share")]
    share = replanting_share()
    # miaf-domain 12.4, the bottom-up establishment cost: "943 + 10 % replanting" (range 5-10 % of §4)
    assert (share.value, share.low, share.high, share.tag) == (0.10, 0.05, 0.10, "estimate")
    assert "miaf-domain 12.4" in share.source
    assert seedlings_bought(100) == 110 and seedlings_bought(943) == 1038  # ceil(943 × 1.1 = 1037.3)


def test_the_designs_bill_of_materials_and_the_economics_establishment_cost_use_the_same_share():
    from miaf.design import design_plot
    from miaf.economics.records import _central

    x, y, e = -92.6, 16.7, 0.0006  # about 64 m × 58 m in the Chiapas highlands (WGS84)
    rect = {"type": "Polygon", "coordinates": [[[x, y], [x + e, y], [x + e, y + e], [x, y + e], [x, y]]]}
    d = design_plot(rect, "aguacate", slope_pct=30, aspect_deg=180, soil_depth_m=1.2)
    n = d.summary.n_trees
    seedlings = next(b for b in d.bill_of_materials if b.item == "aguacate seedlings")
    assert seedlings.quantity == math.ceil(round(n * 1.10, 9))  # the design's share, 10 %
    assert "replanting_share=0.1" in seedlings.source
    # the plot economics without a bill of materials prices N (1 + 0.10) plants: the same share
    sc = PlotScenario(area_ha=1.0, trees=(TreeComponent("aguacate", float(n)),), horizon_years=2)
    model = PlotModel(sc, sample_defaults=False)
    p = model.params["replanting_share"]
    assert (p.value, p.provenance) == (0.10, "default:design.csv")
    v = model.central_values()
    by_hand = n * 1.10 * v["plant_price_mxn"] + n * v["hole_compost_cost_mxn_tree"] + 1.0 * v["tools_cost_mxn_ha"]
    assert model.evaluate().miaf.establishment_mxn[0] == pytest.approx(by_hand, rel=1e-12)
    assert _central()["replanting_share"] == 0.10  # the records' payback and NPV
    # a scenario's own replanting share still overrides it (scenario JSON key replanting_share) …
    own = PlotScenario.from_dict({"area_ha": 1.0, "horizon_years": 2, "trees": [{"species": "aguacate", "n_trees": n}],
                                  "parameters": {"replanting_share": 0.05}})
    m2 = PlotModel(own, sample_defaults=False)
    assert (m2.params["replanting_share"].value, m2.params["replanting_share"].provenance) == (0.05, "scenario")
    assert m2.evaluate().miaf.establishment_mxn[0] == pytest.approx(by_hand - n * 0.05 * v["plant_price_mxn"])
    # … is ignored, not refused, when the scenario prices its own bill of materials …
    bom = {"area_ha": 1.0, "horizon_years": 2, "parameters": {"replanting_share": 0.05},
           "design": {"bom": [{"item": "plants", "quantity": 10, "unit_cost_mxn": 50}]}}
    assert "replanting_share" not in resolve_parameters(PlotScenario.from_dict(bom))
    # … and must be a share
    with pytest.raises(ValueError, match="replanting_share"):
        resolve_parameters(PlotScenario(area_ha=1.0, parameters={"replanting_share": 1.5}))
