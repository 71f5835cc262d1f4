"""Benchmark the process board: the page (as the coordinator and the promoter) and the CLI's query.

Usage::

    MIAF_VAR_DIR=/path/to/var [DATABASE_URL=postgres://…] .venv/bin/python benchmarks/bench_board.py \
        [--requests 60] [--coordinator coordinadora] [--promoter promotor]

Runs on the database the environment points to (``DATABASE_URL``, else the SQLite file under
``MIAF_VAR_DIR``), which must hold the demo (``miaf demo [--families 100000]``); it only reads. Requests go
through Django's test Client in this process (full middleware stack, session login, template rendering).
Each scenario is warmed up once, then timed ``--requests`` times; the CLI query is
``board_objects`` (every group, 500 a page, as ``miaf process board --json`` runs it). Also prints the
number of SQL queries of ``board_rows`` for one page (it must not grow with the number of groups). Prints a markdown
table with p50 and p95 in milliseconds.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

from benchtools import percentile


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--requests", type=int, default=60)
    ap.add_argument("--coordinator", default="coordinadora")
    ap.add_argument("--promoter", default="promotor")
    ap.add_argument("--cli-runs", type=int, default=5, help="timed runs of the CLI query (it reads every group)")
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

    from miaf.web.process.cli import board_objects, operator
    from miaf.web.process.models import GroupProgress
    from miaf.web.process.queries import board_rows
    from miaf.web.registry.models import Family, Group

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    if not (settings.STATIC_ROOT / "staticfiles.json").exists():  # not collected: serve names unhashed
        settings.STORAGES = {**settings.STORAGES,
                             "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    users = get_user_model().objects
    n_fam, n_groups, n_prog = Family.objects.count(), Group.objects.count(), GroupProgress.objects.count()
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}; {n_fam} families, {n_groups} groups, "
          f"{n_prog} with a current step", file=sys.stderr)
    board = reverse("process:board")
    scenarios: list[tuple[str, str, str]] = [
        ("coordinator", args.coordinator, board),
        ("coordinator, page 20", args.coordinator, board + "?page=20"),
        ("coordinator, overdue only", args.coordinator, board + "?overdue=on"),
        ("promoter", args.promoter, board),
    ]
    rows: list[tuple[str, int, float, float, int]] = []
    for label, username, url in scenarios:
        c = Client()
        c.force_login(users.get(username=username))
        assert c.get(url).status_code == 200, (label, url)
        user = users.get(username=username)
        queries: list[str] = []

        def count(execute, sql, params, many, context, _queries=queries):  # noqa: ANN001, ANN202, PLR0913
            _queries.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            board_rows(user, page=20 if "page=20" in url else 1, overdue_only="overdue" in url)
        times = []
        for _ in range(args.requests):
            t0 = time.perf_counter()
            r = c.get(url)
            times.append(time.perf_counter() - t0)
            assert r.status_code == 200
        rows.append((f"board page: {label}", args.requests, percentile(times, .5), percentile(times, .95),
                     len(queries)))
    op = operator()
    sum(1 for _ in board_objects(op))  # warm
    times = []
    for _ in range(args.cli_runs):
        t0 = time.perf_counter()
        n = sum(1 for _ in board_objects(op))
        times.append(time.perf_counter() - t0)
    rows.append((f"CLI query: every group ({n})", args.cli_runs, percentile(times, .5), percentile(times, .95), 0))
    print("| scenario | n | p50 [ms] | p95 [ms] | SQL queries |")
    print("|---|---:|---:|---:|---:|")
    for label, n_req, p50, p95, q in rows:
        print(f"| {label} | {n_req} | {p50 * 1000:.0f} | {p95 * 1000:.0f} | {q or '—'} |")
    print(f"\nmean of all page requests: {statistics.mean(r[2] for r in rows[:-1]) * 1000:.0f} ms", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
