"""Benchmark the cost of the audit trail on a harvest form save: history on and off, interleaved.

Usage::

    MIAF_VAR_DIR=/tmp/audit-var .venv/bin/miaf manage migrate
    MIAF_VAR_DIR=/tmp/audit-var .venv/bin/miaf demo
    MIAF_VAR_DIR=/tmp/audit-var .venv/bin/python benchmarks/bench_audit_cost.py [--blocks 40] [--per-block 10]

The same POST as ``bench_form_save.py`` (``records:harvest_create``, two destinations, full middleware stack),
in one process, alternating blocks with django-simple-history on and off (``SIMPLE_HISTORY_ENABLED``), so a
busy machine slows both sides alike. Also counts the SQL statements of one save each way. The harvests
written are deleted afterwards through ``records.services.delete_record``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

from benchtools import harvest_form, percentile, setup_django_for_bench


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--blocks", type=int, default=40)
    ap.add_argument("--per-block", type=int, default=10)
    ap.add_argument("--user", default="promotor")
    args = ap.parse_args(argv)

    setup_django_for_bench()
    from django.db import connection
    from django.test import override_settings
    from django.test.utils import CaptureQueriesContext

    from miaf.web.records import services
    from miaf.web.records.models import Harvest

    form = harvest_form(args.user, notes="bench-audit")
    if form is None:
        print(f"{args.user} sees no plot: load the demo first (miaf demo)", file=sys.stderr)
        return 1
    client, url, body, plot, user = form
    client.get(url)  # warm: templates, session, connection
    times: dict[bool, list[float]] = {True: [], False: []}
    queries: dict[bool, int] = {}
    for block in range(args.blocks):
        on = block % 2 == 0
        with override_settings(SIMPLE_HISTORY_ENABLED=on):
            if on not in queries:
                with CaptureQueriesContext(connection) as captured:
                    assert client.post(url, body).status_code == 302
                queries[on] = len(captured.captured_queries)
            for _ in range(args.per_block):
                t0 = time.perf_counter()
                response = client.post(url, body)
                times[on].append((time.perf_counter() - t0) * 1000)
                assert response.status_code == 302, (response.status_code, response.content[:500])
    for harvest in Harvest.objects.filter(plot=plot, notes="bench-audit"):
        services.delete_record(user, harvest)
    print("| history | database | saves | SQL statements | p50 [ms] | p95 [ms] | min [ms] |\n"
          "|---|---|---:|---:|---:|---:|---:|")
    for on in (False, True):
        ms = times[on]
        print(f"| {'on' if on else 'off'} | {connection.vendor} | {len(ms)} | {queries[on]} | "
              f"{statistics.median(ms):.1f} | {percentile(ms, 0.95):.1f} | {min(ms):.1f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
