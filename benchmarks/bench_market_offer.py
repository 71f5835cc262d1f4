"""Offer calendar of 100,000 synthetic MIAF-D plots (science layer), and optionally the pages over a demo database.

Run: .venv/bin/python benchmarks/bench_market_offer.py [--plots 100000] [--draws 400]
     DATABASE_URL=sqlite:////path/demo.sqlite3 .venv/bin/python benchmarks/bench_market_offer.py --pages \
         [--requests 20] [--only side-selling]     (offer, matching and side-selling pages, cold and warm)
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

from miaf.economics.offer import OfferRows, income_calendar, month_window, offer_forecast

TREES = ("aguacate", "durazno", "limon", "mango", "guayaba")


def synthetic_rows(plots: int, seed: int = 0) -> tuple[OfferRows, np.ndarray, np.ndarray]:
    """Each plot: 2–3 fruit species (20–150 trees each), maize and bean on 0.3–1 ha of strip; established
    2008–2026; 1,000 groups in 120 municipalities. Returns rows, group per row, municipality per row."""
    rng = np.random.default_rng(seed)
    n_sp = rng.integers(2, 4, plots)
    plot_tree = np.repeat(np.arange(plots), n_sp)
    sp_tree = np.array(TREES)[rng.integers(0, len(TREES), plot_tree.size)]
    q_tree = rng.integers(20, 151, plot_tree.size).astype(float)
    strip = rng.uniform(0.3, 1.0, plots)
    plot_crop = np.repeat(np.arange(plots), 2)
    sp_crop = np.tile(np.array(["maiz", "frijol"]), plots)
    start = rng.integers(2008, 2027, plots)
    plot = np.concatenate([plot_tree, plot_crop])
    rows = OfferRows(np.concatenate([sp_tree, sp_crop]), np.concatenate([q_tree, strip[plot_crop]]), start[plot],
                     rng.uniform(0.7, 1.3, plot.size), plot)
    group = rng.integers(0, 1000, plots)
    return rows, group[plot], (group // 9)[plot]


def science(plots: int, draws: int) -> None:
    rows, group, mun = synthetic_rows(plots)
    window = month_window(2026, 12)
    print(f"{os.cpu_count()} cores (shared); {plots:,} plots = {len(rows):,} plot x species rows; {draws} draws; "
          "12 months\n")
    print("| step | time [s] | target [s] |")
    print("|---|---|---|")
    for label, unit in (("programme total", None), ("by municipality (112)", mun), ("by group (1,000)", group)):
        times = []
        for _ in range(2):
            t = time.perf_counter()
            f = offer_forecast(rows, window, unit=unit, draws=draws)
            times.append(time.perf_counter() - t)
        print(f"| offer_forecast, {label} (best of 2) | {min(times):.2f} | < 10 |")
    t = time.perf_counter()
    f.window_range(np.array([m in (10, 11, 12) for _y, m in window]))
    print(f"| demand match: range of Oct–Dec per group | {time.perf_counter() - t:.2f} | - |")
    t = time.perf_counter()
    income_calendar(rows, list(range(2026, 2036)), unit=group)
    print(f"| income calendar 10 years x 12 months per group | {time.perf_counter() - t:.2f} | - |")


def pages(requests: int = 20, only: str = "") -> None:
    """Warm p50/p95 of the market and side-selling pages (Django test client, full middleware and templates).

    Each page is requested once first (the cold computation, timed and reported), then ``requests`` times."""
    from benchtools import percentile, setup_django_for_bench

    setup_django_for_bench()
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    from miaf.web.market.models import Demand
    from miaf.web.market.queries import offer_table
    from miaf.web.registry.models import Family

    users = get_user_model().objects
    coordinator = users.filter(profile__role="coordinator").first() or users.filter(is_superuser=True).first()
    analyst = users.filter(profile__role="analyst").first()
    t = time.perf_counter()
    table = offer_table(Family.objects.all())
    t_load = time.perf_counter() - t
    print(f"{Family.objects.count():,} families, {table.n_plots:,} MIAF-D plots, {len(table.rows):,} offer rows; "
          f"coordinator {coordinator.username}; offer_table (database to rows, cold) {t_load:.2f} s\n")
    demand = Demand.objects.order_by("pk").first()
    offer = reverse("market:offer")
    side = reverse("trade:sidesell")
    cases = [(coordinator, offer, "offer calendar"), (coordinator, offer + "?by=group", "offer by group"),
             (coordinator, offer + "?by=group&page=10", "offer by group, page 10"),
             (coordinator, reverse("market:buyer_list"), "buyers")]
    if demand:
        cases.append((coordinator, reverse("market:demand_match", args=[demand.pk]), "demand matching"))
    cases += [(coordinator, side, "side-selling, whole programme"),
              (coordinator, side + "?page=5&fpage=100", "side-selling, whole programme, pages 5 and 100"),
              (coordinator, side + "?advance_pct=30&delay_months=1", "side-selling, what-if edited")]
    if analyst:
        cases.append((analyst, side, "side-selling, analyst"))
    print(f"| page | cold [ms] | warm p50 [ms] | warm p95 [ms] | target p95 [ms] | HTML [kB] |  ({requests} warm "
          "requests)")
    print("|---|---|---|---|---|---|")
    for user, url, label in cases:
        if only and only not in label:
            continue
        client = Client()
        client.force_login(user)
        t = time.perf_counter()
        r = client.get(url)
        cold = (time.perf_counter() - t) * 1000
        assert r.status_code == 200, (url, r.status_code)
        times = []
        for _ in range(requests):
            t = time.perf_counter()
            r = client.get(url)
            times.append((time.perf_counter() - t) * 1000)
            assert r.status_code == 200, (url, r.status_code)
        print(f"| {label} (`{url}`) | {cold:,.0f} | {percentile(times, 0.5):,.0f} | {percentile(times, 0.95):,.0f} "
              f"| 300 | {len(r.content) / 1000:,.0f} |", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--plots", type=int, default=100_000)
    ap.add_argument("--draws", type=int, default=400)
    ap.add_argument("--pages", action="store_true", help="time the pages over the database of DATABASE_URL")
    ap.add_argument("--requests", type=int, default=20, help="warm requests per page (--pages)")
    ap.add_argument("--only", default="", help="only the pages whose label contains this text (--pages)")
    args = ap.parse_args()
    if args.pages:
        pages(args.requests, args.only)
    else:
        science(args.plots, args.draws)


if __name__ == "__main__":
    main()
