"""Benchmark "Mi día" and the calendar: p50/p95 of warm requests for a promoter and a coordinator.

Usage::

    .venv/bin/python benchmarks/bench_my_day.py [--requests 60] [--promoter promotor] [--coordinator coordinadora]

Runs against whatever database the environment points to (``DATABASE_URL``, or the SQLite file under
``MIAF_VAR_DIR``), which must hold the demo (``miaf demo --families 100000`` for the programme-scale figure).
Nothing is written. Requests go through Django's test Client in this process (full middleware stack, session,
template rendering); each URL is requested once to warm up, then ``--requests`` times. Also printed: the SQL
queries per request, which must not grow with the number of families. Prints a markdown table.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

from benchtools import percentile


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--requests", type=int, default=60)
    ap.add_argument("--promoter", default="promotor")
    ap.add_argument("--coordinator", default="coordinadora")
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
    from django.utils import timezone

    from miaf.web.registry.models import Family

    # Static files are not what is measured: plain storage, so that no collectstatic manifest is needed.
    settings.STORAGES = {**settings.STORAGES,
                         "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    users = get_user_model().objects
    missing = [u for u in (args.promoter, args.coordinator) if not users.filter(username=u).exists()]
    if missing:
        print(f"bench_my_day: no user {', '.join(missing)} in this database; load the demo first (miaf demo).",
              file=sys.stderr)
        return 2
    families = Family.objects.count()
    month = timezone.localdate().strftime("%Y-%m")
    my_day, calendar = reverse("fieldwork:my_day"), reverse("fieldwork:calendar")
    scenarios = [
        ("promoter", args.promoter, "Mi día", my_day),
        ("promoter", args.promoter, "Mi día, 4 weeks", my_day + "?semanas=4"),
        ("promoter", args.promoter, "calendar, this month", calendar + f"?mes={month}"),
        ("coordinator", args.coordinator, "Mi día of the promoter", my_day + f"?promotor={args.promoter}"),
        ("coordinator", args.coordinator, "calendar, whole organisation", calendar + f"?mes={month}"),
        ("coordinator", args.coordinator, "calendar, one promoter", calendar + f"?mes={month}&promotor={args.promoter}"),
    ]
    clients: dict[str, Client] = {}
    rows = []
    for role, username, label, url in scenarios:
        if username not in clients:
            clients[username] = Client()
            clients[username].force_login(users.get(username=username))
        c = clients[username]
        statements: list[str] = []

        def count(execute, sql, *rest, seen=statements):  # noqa: ANN001, ANN002, ANN202
            seen.append(sql)
            return execute(sql, *rest)

        with connection.execute_wrapper(count):
            first = c.get(url)
        if first.status_code != 200:
            print(f"bench_my_day: {url} answered {first.status_code} for {username}", file=sys.stderr)
            return 1
        times = []
        for _ in range(args.requests):
            t = time.perf_counter()
            response = c.get(url)
            times.append((time.perf_counter() - t) * 1000)
            assert response.status_code == 200
        rows.append((role, label, len(statements), statistics.median(times), percentile(times, 0.95)))
    print(f"\n\"Mi día\" and calendar, Django test Client, {families:,} families, {connection.vendor}, "
          f"{args.requests} warm requests each\n")
    print("| who | page | queries | p50 [ms] | p95 [ms] |")
    print("|---|---|---:|---:|---:|")
    for role, label, queries, p50, p95 in rows:
        print(f"| {role} | {label} | {queries} | {p50:.1f} | {p95:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
