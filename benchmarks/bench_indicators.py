"""Benchmark: every programme indicator over 100,000 synthetic families (demo scale option).

Synthetic tables are built with numpy in the column contracts of ``miaf.indicators.tables`` (one plot per
family, traditional until a conversion in 2011-2015 then MIAF-D, maize and bean harvests in 2010 and
2014-2016, fruit from 2014, destination splits, monthly labour in the baseline and comparison years,
a monthly ledger, training attendance and a corridor overlap). Prints a markdown table.

    .venv/bin/python benchmarks/bench_indicators.py [--families 100000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import platform
import time

import numpy as np
import pandas as pd

from miaf.indicators import IndicatorTables, compute_indicators, over_time

FRUIT = np.array(["aguacate", "limon", "durazno", "mango", "guayaba"])
MUNIS = np.array(["07052", "07041", "07099", "07059", "07020", "07008", "07108", "07046", "07057", "07034",
                  "07073", "07023", "07093", "07026"])  # fmt: skip


def synthetic_tables(n: int, seed: int = 2011) -> IndicatorTables:
    rng = np.random.default_rng(seed)
    fid = np.arange(1, n + 1)
    n_groups = max(n // 20, 1)
    group = rng.integers(0, n_groups, n)
    org = group % 6
    muni = MUNIS[group % len(MUNIS)]
    families = pd.DataFrame({
        "family_id": fid, "group_id": group, "group": pd.Series(group).map(lambda g: f"G{g}").to_numpy(),
        "organisation_id": org, "organisation": np.char.add("ORG", org.astype(str)), "municipality": muni,
        "head_sex": np.where(rng.random(n) < 0.2, "F", "M"), "anyone_migrated": rng.random(n) < 0.14,
    })  # fmt: skip
    size = rng.integers(2, 8, n)
    mfam = np.repeat(fid, size)
    nm = len(mfam)
    members = pd.DataFrame({"member_id": np.arange(nm), "family_id": mfam,
                            "sex": np.where(rng.random(nm) < 0.5, "F", "M"),
                            "languages": rng.choice(np.array(["es", "es;toj", "tzh", "es;tzh", "tzo"]), nm),
                            "migrated": rng.random(nm) < 0.03})  # fmt: skip
    joined = pd.to_datetime("2010-01-01") + pd.to_timedelta(rng.integers(0, 400, n), "D")
    memberships = pd.DataFrame({"family_id": fid, "group_id": group, "joined_on": joined,
                                "left_on": pd.Series(pd.NaT, index=range(n), dtype="datetime64[ns]")})
    conv_year = 2011 + rng.integers(0, 5, n)
    conv = pd.to_datetime(pd.DataFrame({"year": conv_year, "month": rng.integers(5, 8, n), "day": rng.integers(1, 28, n)}))
    area = np.clip(rng.lognormal(-0.3, 0.5, n), 0.1, 5.0)
    pid = fid + 1_000_000
    plots = pd.DataFrame({"plot_id": pid, "family_id": fid, "area_ha": area, "system": "miaf_d", "established_on": conv,
                          "mean_slope_pct": rng.uniform(10, 60, n),
                          "soil_depth_class": rng.choice(np.array(["shallow", "medium", "deep"]), n),
                          "rainfall_mm": rng.uniform(900, 3000, n)})  # fmt: skip
    phases = pd.DataFrame({"plot_id": np.concatenate([pid, pid]),
                           "system": np.repeat(np.array(["traditional", "miaf_d"]), n),
                           "started_on": np.concatenate([np.full(n, np.datetime64("2000-01-01")), conv.to_numpy()]),
                           "ended_on": np.concatenate([conv.to_numpy(), np.full(n, np.datetime64("NaT"))])})  # fmt: skip
    k = 3
    tp = np.repeat(pid, k)
    plantings = pd.DataFrame({"plot_id": tp, "species": rng.choice(FRUIT, n * k),
                              "planted_on": np.repeat(conv.to_numpy(), k),
                              "quantity": np.round(np.repeat(area, k) * 943 / k), "unit": "plants"})  # fmt: skip
    # harvests: maize and beans in 2010, 2014, 2015, 2016; one fruit harvest in 2015 and 2016
    years = np.array([2010, 2014, 2015, 2016])
    hp, hs, hy, hkg = [], [], [], []
    for y in years:
        miaf = y >= conv_year
        hp += [pid, pid]
        hs += [np.full(n, "maiz"), np.full(n, "frijol")]
        hy += [np.full(n, y)] * 2
        hkg += [area * 600 * rng.lognormal(0, 0.2, n) * np.where(miaf, 1.5, 1.0), area * 480 * rng.lognormal(0, 0.2, n)]
    for y in (2015, 2016):
        hp.append(pid)
        hs.append(rng.choice(FRUIT, n))
        hy.append(np.full(n, y))
        hkg.append(area * 1500 * rng.lognormal(0, 0.3, n))
    hy = np.concatenate(hy)
    nh = len(hy)
    harvests = pd.DataFrame({"harvest_id": np.arange(nh), "plot_id": np.concatenate(hp), "species": np.concatenate(hs),
                             "harvested_on": pd.to_datetime(pd.DataFrame({"year": hy, "month": 11, "day": rng.integers(1, 28, nh)})),
                             "quantity_kg": np.round(np.concatenate(hkg), 2)})  # fmt: skip
    share = np.clip(rng.normal(0.35, 0.1, nh), 0.01, 0.99)
    side = rng.random(nh) < 0.3
    kg = harvests["quantity_kg"].to_numpy()
    dest_h = np.concatenate([np.arange(nh), np.arange(nh), np.flatnonzero(side)])
    dest = np.concatenate([np.full(nh, "self"), np.full(nh, "organisation"), np.full(side.sum(), "intermediary")])
    sold = kg * (1 - share)
    dkg = np.concatenate([kg * share, np.where(side, sold * 0.6, sold), (sold * 0.4)[side]])
    price = np.where(dest == "self", np.nan, rng.uniform(4, 20, len(dest)))
    destinations = pd.DataFrame({"harvest_id": dest_h, "destination": dest, "kg": np.round(dkg, 2),
                                 "price_mxn_per_kg": price})  # fmt: skip
    inputs = pd.DataFrame({"family_id": fid, "plot_id": pid.astype(float), "purchased_on": conv,
                           "cost_mxn": area * rng.uniform(20000, 60000, n)})  # fmt: skip
    # labour: 8 monthly rows x 2 kinds in 2010 (traditional) and 2016 (MIAF-D)
    lm = np.arange(4, 12)
    rows = []
    for y, per_ha in ((2010, 57.5), (2016, 86.25)):
        f = np.repeat(fid, len(lm) * 2)
        kind = np.tile(np.repeat(np.array(["family", "hired"]), len(lm)), n)
        days = np.repeat(area * per_ha / len(lm), len(lm) * 2) * np.where(kind == "family", 0.8, 0.2)
        rows.append(pd.DataFrame({"family_id": f, "plot_id": (f + 1_000_000).astype(float), "year": y,
                                  "month": np.tile(lm, 2 * n), "kind": kind, "person_days": days,
                                  "worker_sex": np.where(rng.random(len(f)) < 0.35, "F", "M"),
                                  "wage_mxn_per_day": np.where(kind == "hired", 300.0, np.nan)}))  # fmt: skip
    labour = pd.concat(rows, ignore_index=True)
    # ledger: 12 months x (income, expense) in 2010 and 2016
    lf = np.repeat(fid, 48)
    nl = len(lf)
    income = np.tile(np.repeat(np.array([True, False]), 12), 2 * n)
    ledger = pd.DataFrame({"family_id": lf, "year": np.tile(np.repeat([2010, 2016], 24), n),
                           "month": np.tile(np.arange(1, 13), 4 * n), "kind": np.where(income, "income", "expense"),
                           "category": np.where(income, rng.choice(np.array(["crop_sale", "wages", "transfers"]), nl),
                                                rng.choice(np.array(["food", "production", "health", "other_expense"]), nl)),
                           "species": np.where(income, "maiz", None),
                           "amount_mxn": np.where(rng.random(nl) < 0.6, rng.uniform(100, 3000, nl), 0.0)})  # fmt: skip
    af = fid[rng.random(n) < 0.7]
    attendance = pd.DataFrame({"event_id": group[af - 1], "family_id": af,
                               "member_sex": np.where(rng.random(len(af)) < 0.4, "F", "M"),
                               "held_on": pd.to_datetime("2012-03-01")})  # fmt: skip
    inside = np.clip(rng.normal(0.73, 0.4, n), 0, 1)
    layer_overlap = pd.DataFrame({"plot_id": pid, "layer": "Corredor", "kind": "corridor",
                                  "inside_ha": inside * area, "share": inside})  # fmt: skip
    return IndicatorTables(families=families, members=members, memberships=memberships, plots=plots, phases=phases,
                           plantings=plantings, harvests=harvests, destinations=destinations, inputs=inputs,
                           labour=labour, ledger=ledger, attendance=attendance, layer_overlap=layer_overlap)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--families", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--over-time", action="store_true", help="also time over_time (every record year)")
    a = ap.parse_args()
    t0 = time.perf_counter()
    tables = synthetic_tables(a.families)
    build = time.perf_counter() - t0
    rows = []
    for label, filters in (("whole programme", None), ("year 2016, MIAF-D", {"year": 2016, "system": "miaf_d"}),
                           ("organisation ORG1, female head", {"organisation": "ORG1", "head_sex": "F"})):  # fmt: skip
        times, cpu = [], []
        for _ in range(a.repeat):
            t, c = time.perf_counter(), time.process_time()
            res = compute_indicators(tables, filters)
            times.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
        ok = sum(v.status == "ok" for v in res.values.values())
        rows.append((label, min(times), float(np.median(times)), min(cpu), f"{ok}/{len(res.values)}"))
    print(f"Machine: {platform.machine()} {platform.python_implementation()} {platform.python_version()}, "
          f"pandas {pd.__version__}, numpy {np.__version__}")
    counts = tables.counts()
    print(f"Tables ({a.families:,} families): " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
    print(f"Synthetic tables built in {build:.1f} s\n")
    print(f"| filter | wall, best of {a.repeat} [s] | wall, median [s] | CPU (process), best [s] | indicators ok |")
    print("|---|---|---|---|---|")
    for label, best, med, cpu_best, ok in rows:
        print(f"| {label} | {best:.2f} | {med:.2f} | {cpu_best:.2f} | {ok} |")
    if a.over_time:
        t = time.perf_counter()
        df = over_time(tables)
        print(f"| over_time ({df['year'].nunique()} years) | {time.perf_counter() - t:.2f} | | | |")
    r = compute_indicators(tables)
    print(f"\nload average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"maize_yield_gain {r.value('maize_yield_gain'):.3f}, labour_ratio {r.value('labour_ratio'):.3f}, "
          f"corridor share {r.value('area_share_in_layers'):.3f}")


if __name__ == "__main__":
    main()
