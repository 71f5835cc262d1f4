"""Benchmark a harvest form save: the phone form posted through Django's test client.

Usage::

    MIAF_VAR_DIR=/tmp/records-var .venv/bin/miaf manage migrate
    MIAF_VAR_DIR=/tmp/records-var .venv/bin/miaf demo
    MIAF_VAR_DIR=/tmp/records-var .venv/bin/python benchmarks/bench_form_save.py [--saves 50] [--user promotor]

Runs on whatever database ``DATABASE_URL`` / ``MIAF_VAR_DIR`` point to (migrated, with the demo or real
data). Each save is one POST of ``records:harvest_create`` (full middleware stack, session login, CSRF off as
in the test client, form validation, ``records.services.save_harvest`` in one transaction with two
destinations, redirect), timed from request to response; the redirected page is not fetched. The harvests
written are deleted afterwards through ``records.services.delete_record``. Prints p50/p95/max in a markdown
table. Target: p95 under 200 ms.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

from benchtools import harvest_form, percentile, setup_django_for_bench


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--saves", type=int, default=50)
    ap.add_argument("--user", default="promotor", help="who records (default: the demo promoter)")
    args = ap.parse_args(argv)

    setup_django_for_bench()
    from django.db import connection

    from miaf.web.records import services
    from miaf.web.records.models import Harvest

    form = harvest_form(args.user, notes="bench")
    if form is None:
        print(f"{args.user} sees no plot: load the demo first (miaf demo)", file=sys.stderr)
        return 1
    client, url, body, plot, user = form
    before = set(Harvest.objects.filter(plot=plot).values_list("pk", flat=True))
    client.get(url)  # warm: templates, session, connection
    times = []
    for _ in range(args.saves):
        t0 = time.perf_counter()
        response = client.post(url, body)
        times.append(time.perf_counter() - t0)
        assert response.status_code == 302, (response.status_code, response.content[:500])
    written = Harvest.objects.filter(plot=plot).exclude(pk__in=before)
    assert written.count() == args.saves
    for harvest in written:
        services.delete_record(user, harvest)
    ms = [t * 1000 for t in times]
    print(f"| scenario | database | saves | p50 [ms] | p95 [ms] | max [ms] |\n|---|---|---:|---:|---:|---:|\n"
          f"| harvest form save (2 destinations), {args.user} | {connection.vendor} | {len(ms)} | "
          f"{statistics.median(ms):.1f} | {percentile(ms, 0.95):.1f} | {max(ms):.1f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
