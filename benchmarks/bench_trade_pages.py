"""Benchmark the trade pages (issue 12 items 3-5): side-selling, advances, prices and a group's collective purchases.

Usage::

    MIAF_VAR_DIR=/path/to/var [DATABASE_URL=postgres://…] .venv/bin/python benchmarks/bench_trade_pages.py \
        [--requests 30] [--coordinator coordinadora] [--promoter promotor] [--analyst analista]

Runs on the database the environment points to, which must hold the demo (``miaf demo`` loads the trade demo
too); it only reads. Requests go through Django's test Client in this process (full middleware stack, session
login, template rendering). Each scenario is warmed up once, then timed ``--requests`` times. Prints a markdown
table with p50 and p95 in milliseconds and the number of SQL queries of one request.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

from benchtools import percentile


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--requests", type=int, default=30)
    ap.add_argument("--coordinator", default="coordinadora")
    ap.add_argument("--promoter", default="promotor")
    ap.add_argument("--analyst", default="analista")
    args = ap.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "miaf.web.settings")
    os.environ.setdefault("MIAF_DEBUG", "false")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from miaf.web.records.models import HarvestDestination
    from miaf.web.registry.models import Family
    from miaf.web.trade.models import CollectivePurchase

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    if not (settings.STATIC_ROOT / "staticfiles.json").exists():
        settings.STORAGES = {**settings.STORAGES,
                             "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    users = get_user_model().objects
    sales = HarvestDestination.objects.exclude(destination="self").count()
    print(f"database: {connection.vendor}; {Family.objects.count()} families, {sales} sales", file=sys.stderr)
    purchase = CollectivePurchase.objects.order_by("pk").first()
    scenarios = [
        ("side-selling, coordinator (whole programme)", args.coordinator, reverse("trade:sidesell")),
        ("side-selling, coordinator, what-if edited", args.coordinator,
         reverse("trade:sidesell") + "?advance_pct=80&price_change_pct=3"),
        ("side-selling, promoter", args.promoter, reverse("trade:sidesell")),
        ("side-selling, analyst (aggregates)", args.analyst, reverse("trade:sidesell")),
        ("advances, coordinator", args.coordinator, reverse("trade:advances")),
        ("prices, coordinator", args.coordinator, reverse("trade:prices")),
    ]
    if purchase is not None:
        scenarios.append(("group purchases, coordinator", args.coordinator,
                          reverse("trade:group_purchases", args=[purchase.group_id])))
    sys.stdout.reconfigure(line_buffering=True)
    print("| page | requests | p50 [ms] | p95 [ms] | SQL queries |")
    print("|---|---|---|---|---|")
    for label, username, url in scenarios:
        user = users.filter(username=username).first()
        if user is None:
            print(f"| {label} | user {username} missing | | | |")
            continue
        c = Client()
        c.force_login(user)
        assert c.get(url).status_code == 200, (label, url)
        queries: list[str] = []

        def count(execute, sql, params, many, context, _q=queries):  # noqa: ANN001, ANN202, PLR0913
            _q.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            c.get(url)
        times = []
        for _ in range(args.requests):
            t0 = time.perf_counter()
            c.get(url)
            times.append(1000 * (time.perf_counter() - t0))
        print(f"| {label} | {args.requests} | {percentile(times, 0.5):.0f} | {percentile(times, 0.95):.0f} | "
              f"{len(queries)} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
