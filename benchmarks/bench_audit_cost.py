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
import os
import statistics
import sys
import time

from benchtools import percentile


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--blocks", type=int, default=40)
    ap.add_argument("--per-block", type=int, default=10)
    ap.add_argument("--user", default="promotor")
    args = ap.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "miaf.web.settings")
    os.environ.pop("MIAF_TESTING", None)
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from miaf.web.accounts.scoping import plots_for
    from miaf.web.catalogue.models import Species
    from miaf.web.records import services
    from miaf.web.records.models import Harvest

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.STORAGES = {**settings.STORAGES,
                         "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    user = get_user_model().objects.get(username=args.user)
    plot = plots_for(user).order_by("pk").first()
    if plot is None:
        print(f"{args.user} sees no plot: load the demo first (miaf demo)", file=sys.stderr)
        return 1
    client = Client()
    client.force_login(user)
    url = reverse("records:harvest_create", args=[plot.family_id])
    body = {
        "plot": plot.pk, "species": Species.objects.get(code="mango").pk, "harvested_on": "2024-09-10",
        "quantity_kg": "120", "notes": "bench-audit",
        "destinations-TOTAL_FORMS": "2", "destinations-INITIAL_FORMS": "0",
        "destinations-0-destination": "self", "destinations-0-kg": "20",
        "destinations-1-destination": "organisation", "destinations-1-kg": "100",
        "destinations-1-price_mxn_per_kg": "14.50", "destinations-1-buyer": "Cooperativa",
        "destinations-1-payment_delay_days": "21",
    }
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
