"""Figures of the economics and indicators sections of docs/methods/validation.md (issue 16).

Usage (from the repository root)::

    .venv/bin/python docs/methods/validation.py > /tmp/validation-economics.md

Prints markdown: the finance kernel against numpy-financial (NPV, IRR, payback, EAV with a constant series), the
records' payback and NPV against the hand-built programme of tests/indicators/test_record_economics.py, the plot
model against the published MIAF figures of ../shared/reference/miaf-domain.md, and the economics parameters
still tagged ``estimate``. Nothing here is typed by hand: every number is computed when the script runs. The demo
against the seed's figures is ``miaf demo --compare`` (docs/demo-compare.md).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import numpy_financial as npf

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # the hand-built programme lives with its test

from miaf.economics import finance  # noqa: E402
from miaf.economics.cashflow import PlotModel  # noqa: E402
from miaf.economics.scenario import PlotScenario, TreeComponent  # noqa: E402
from miaf.params import load_parameters  # noqa: E402


def fmt(x: float, d: int = 2) -> str:
    return "—" if x is None or not np.isfinite(x) else f"{x:,.{d}f}"


def finance_section() -> list[str]:
    rate = float(load_parameters("economics")["discount_rate"])
    rng = np.random.default_rng(16)
    out = ["### Finance kernel against numpy-financial", "",
           f"Rate {rate:g}; series of 25 years; `miaf.economics.finance` against `numpy_financial` 1.0 "
           "(tests: `tests/economics/test_finance.py`, `tests/economics/test_economics_corrections.py`).", "",
           "| Quantity | Series | numpy-financial / by hand | miaf | Largest abs. difference |", "|---|---|---|---|---|"]
    flows = np.concatenate([-rng.uniform(5e4, 2e5, (1000, 1)), rng.uniform(-5e3, 4e4, (1000, 24))], axis=1)
    ours = finance.npv(rate, flows)
    ref = np.array([npf.npv(rate, f) for f in flows])
    out.append(f"| NPV | 1,000 random (first −, then ±) | e.g. {fmt(ref[0])} | {fmt(ours[0])} | "
               f"{np.max(np.abs(ours - ref)):.1e} MXN |")
    conv = np.concatenate([-rng.uniform(5e4, 2e5, (200, 1)), rng.uniform(1e3, 4e4, (200, 24))], axis=1)
    irr = finance.irr(conv).rate
    ref = np.array([npf.irr(f) for f in conv])
    out.append(f"| IRR | 200 conventional | e.g. {fmt(100 * ref[0], 4)} % | {fmt(100 * irr[0], 4)} % | "
               f"{np.nanmax(np.abs(irr - ref)):.1e} |")
    # NPV × (1+r)^3 = c0 v^3 + c1 v^2 + c2 v + c3 with v = 1 + r: flows = the coefficients of
    # (v − 1.1)(v − 1.2)(v − 1.3), whose IRRs are 10, 20 and 30 %
    multi = -np.poly([1.1, 1.2, 1.3])
    res = finance.irr(multi[None, :])
    roots = [x for x in np.ravel(res.roots) if np.isfinite(x)]
    out.append(f"| IRR, 3 sign changes | flows of (v−1.1)(v−1.2)(v−1.3), v = 1 + r | roots 10, 20, 30 % | "
               f"irr {'none' if not np.isfinite(res.rate[0]) else fmt(100 * res.rate[0], 1)}, roots "
               f"{', '.join(fmt(100 * x, 1) for x in roots)} % | flagged: {int(res.sign_changes[0])} sign changes |")
    pb_flows = np.array([-1000.0, 300.0, 400.0, 500.0])
    by_hand = 2 + 300.0 / 500.0  # cumulative −1000, −700, −300, +200: year 2 + 300/500
    out.append(f"| Payback | −1000, 300, 400, 500 | 2 + 300/500 = {by_hand:.2f} yr | "
               f"{fmt(float(finance.payback_years(pb_flows)), 2)} yr | exact |")
    n = 20
    const = np.full(n, 100.0)
    eav = float(finance.annuity(finance.npv(rate, const), rate, n))
    pmt = float(npf.pmt(rate, n, -npf.npv(rate, const), when="begin"))
    out.append(f"| EAV | 100 a year, years 0–{n - 1} | 100 (pmt, when=begin: {fmt(pmt, 6)}) | {fmt(eav, 6)} | "
               f"{abs(eav - 100):.1e} |")
    return out


def records_section() -> list[str]:
    from tests.indicators.test_record_economics import expected, programme

    from miaf.indicators import compute_indicators
    from miaf.indicators.context import Context
    from miaf.indicators.production import plot_record_economics

    e = expected()
    df = plot_record_economics(Context(programme()))
    out = ["### Payback and NPV from records against a hand-built programme", "",
           "Two 1-ha MIAF-D plots planted in 2020 (tests/indicators/test_record_economics.py; the flows are worked "
           "out by hand there from the parameter tables): plot 201 with harvests, purchases and labour every year; "
           "plot 202 with harvests in 2020 and 2022 only and no cost or labour record.", "",
           "| Plot | Incremental flows by hand (family days at the wage) [MXN] | NPV by hand, numpy-financial | "
           "NPV, miaf | Payback by hand | Payback, miaf |", "|---|---|---|---|---|---|"]
    for i, pid in enumerate((201, 202)):
        f = e["valued"][i]
        cum = np.cumsum(f)
        if (cum >= 0).any():
            k = int(np.argmax(cum >= 0))
            hand = "0" if k == 0 else f"{k - 1} + {-cum[k - 1]:,.0f}/{f[k]:,.0f} = {(k - 1) + (-cum[k - 1]) / f[k]:.3f}"
        else:
            hand = "not paid back"
        out.append(f"| {pid} | {', '.join(f'{x:,.0f}' for x in f)} | {fmt(npf.npv(e['rate'], f))} | "
                   f"{fmt(df.loc[pid, 'npv_mxn'])} | {hand} | {fmt(df.loc[pid, 'payback_years'], 3)} |")
    r = compute_indicators(programme(), codes=["payback_years", "npv_per_ha"])
    out += ["", f"Indicator `npv_per_ha` = {fmt(r['npv_per_ha'].value)} MXN/ha (the mean of the two NPVs over 2 ha); "
                f"`payback_years`: {r['payback_years'].reason}; plots without cost records reported: "
                f"{r['npv_per_ha'].details['plot_ids_without_cost_records']}."]
    return out


def published_section() -> list[str]:
    econ = load_parameters("economics")
    mix = {"aguacate": 330, "limon": 236, "durazno": 141, "mango": 141, "guayaba": 94}
    rows = []
    for label, trees in (("1 ha, avocado only (943 trees)", {"aguacate": 943}),
                         ("1 ha, demo default mix (943 trees)", mix)):
        res = PlotModel(PlotScenario(area_ha=1.0, trees=tuple(TreeComponent(k, v) for k, v in trees.items()))).evaluate()
        rows.append((label, res))
    out = ["### The plot model against published MIAF figures", "",
           "Sources and tags from ../shared/reference/miaf-domain.md §3–4; model: `PlotModel.evaluate()` with the "
           f"defaults (horizon {int(float(econ['horizon_years']))} years, rate {float(econ['discount_rate']):g}, family "
           "days at the wage).", "",
           "| Published figure | Value | Model | Comment |", "|---|---|---|---|"]
    for label, res in rows:
        inc, m = res.incremental, res.miaf.metrics
        out.append(f"| Payback, 1 ha of avocado (seed article) [SEEN] | about 3 years | {label}: incremental "
                   f"{fmt(inc['payback_years'], 1)} yr (incremental NPV {fmt(inc['npv_mxn'], 0)} MXN; family's cash view "
                   f"{fmt(inc['npv_cash_mxn'], 0)}) | the seed counts sales "
                   "only; the model charges the bill of materials, the extra labour at the wage and the milpa "
                   "given up |")
        out.append(f"| B/C of MIAF in Chiapas, Cadena-Iñiguez et al. 2018 [SEEN] | > 2 | {label}: MIAF-D "
                   f"{fmt(m['benefit_cost_ratio'])}, incremental {fmt(inc['benefit_cost_ratio'])} | with family days at "
                   "the wage; unpaid, B/C rises |")
    out.append(f"| Traditional hillside maize, COLPOS [SEEN] | 500–700 kg/ha | "
               f"{float(load_parameters('demo')['maize_yield_kg_ha'].value):g} kg/ha (demo), species.csv maize yield "
               "as the milpa baseline | an input, not a result |")
    lab = float(econ["milpa_labour_days_ha"]) * float(econ["miaf_labour_factor"])
    out.append(f"| MIAF-D labour, seed +50 % on 50–70 d/ha [DERIVED] | 75–105 d/ha | {lab:.1f} d/ha | an input "
               "(miaf_labour_factor, seen) |")
    out.append("| Hass avocado B/C by orchard age, El Oro (Ecuador), Vásquez-Aguilar & García-Hevia 2021 [SEEN] | "
               "year 6: 1.22 | not compared | another system (sole orchard) and country |")
    return out


def estimates_section() -> list[str]:
    from miaf.design import replanting_share

    econ = load_parameters("economics")
    est = [f"`{k}`" for k in sorted(k for k, r in econ.items() if r.tag == "estimate")]
    share = replanting_share()  # the economics reads it from design.csv (one row, issue 16)
    est += [f"`{share.key}` (design.csv, {share.value:g})"] if share.tag == "estimate" else []
    return ["### Still estimates (economics.csv rows tagged `estimate`, and the design.csv row the economics reads)",
            "", ", ".join(est) + ".", "",
            "No MIAF establishment cost, labour budget or yield-by-age series from a primary source was available "
            "(miaf-domain §4 GAP; the CIMMYT file DAT-Oaxaca-MIAF.xlsx, hdl:11529/10548616, would be the reference "
            "and is not in the project). The records' payback and NPV inherit these defaults wherever a plot's "
            "records are missing (inputs, labour, bill-of-materials prices), and say so per plot."]


def main() -> None:
    parts = [finance_section(), records_section(), published_section(), estimates_section()]
    print("\n\n".join("\n".join(p) for p in parts))


if __name__ == "__main__":
    main()
