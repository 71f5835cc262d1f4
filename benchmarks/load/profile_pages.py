"""Time each page the load test visits, alone, in-process, with its SQL: which page and which query is slow.

Usage (the database must hold the demo, as for run_load.py; nothing is written but sessions)::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/miaf_big MIAF_DEMO_DATABASE=true \\
        .venv/bin/python benchmarks/load/profile_pages.py [--repeat 3] [--top 3] [--json out.json]

For each demo login (coordinadora, promotor, analista) and each page of ``locustfile.py`` (a middle list page,
a random family and plot of the login's scope), it runs the request through Django's test client ``--repeat``
times and prints the best and the first time, the number of SQL queries and the ``--top`` slowest of them.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "miaf.web.settings")
os.environ.setdefault("MIAF_DEBUG", "false")
os.environ.setdefault("MIAF_SECRET_KEY", "profile-pages-" + "x" * 40)
os.environ["MIAF_ALLOWED_HOSTS"] = "testserver,127.0.0.1"
os.environ.pop("MIAF_TESTING", None)


def pages(ids: dict) -> list[tuple[str, str]]:
    mid = max(1, ids["pages"] // 2)
    fam, plot = ids["family"], ids["plot"]
    return [("/", "/"), ("/familias/?page=N", f"/familias/?page={mid}"), ("/familias/ID/", f"/familias/{fam}/"),
            ("/parcelas/?page=N", f"/parcelas/?page={mid}"), ("/parcelas/ID/", f"/parcelas/{plot}/"),
            ("/tablero/", "/tablero/"), ("/api/v1/families?offset=N", f"/api/v1/families?offset={(mid - 1) * 50}"),
            ("/api/v1/families/ID", f"/api/v1/families/{fam}"), ("/api/v1/plots?offset=N", f"/api/v1/plots?offset={(mid - 1) * 50}"),
            ("/api/v1/indicators", "/api/v1/indicators"), ("/api/v1/stats", "/api/v1/stats")]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--top", type=int, default=3)
    ap.add_argument("--json", default=None)
    ap.add_argument("--seed", type=int, default=1)
    opts = ap.parse_args()

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from miaf.web.accounts.scoping import families_for, plots_for
    from miaf.web.registry.models import Family, Group

    rng = random.Random(opts.seed)
    print(f"families {Family.objects.count():,}; groups {Group.objects.count():,}; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores", flush=True)
    out = []
    for name in ("coordinadora", "promotor", "analista"):
        user = get_user_model().objects.get(username=name)
        fams = list(families_for(user).values_list("pk", flat=True)[:2000])
        plots = list(plots_for(user).values_list("pk", flat=True)[:2000])
        n = families_for(user).count()
        ids = {"pages": max(1, n // 50), "family": rng.choice(fams) if fams else 0,
               "plot": rng.choice(plots) if plots else 0}
        client = Client()
        client.force_login(user)
        print(f"\n{name}: {n:,} families in reach", flush=True)
        for label, url in pages(ids):
            if name == "analista" and label not in ("/", "/tablero/", "/api/v1/indicators", "/api/v1/stats"):
                continue
            times, status, queries = [], None, []
            for _ in range(opts.repeat):
                with CaptureQueriesContext(connection) as ctx:
                    t0 = time.perf_counter()
                    r = client.get(url)
                    if hasattr(r, "streaming_content"):
                        b"".join(r.streaming_content)
                    times.append(time.perf_counter() - t0)
                status, queries = r.status_code, ctx.captured_queries
            top = sorted(queries, key=lambda q: -float(q["time"]))[:opts.top]
            row = {"user": name, "page": label, "status": status, "first_s": times[0], "best_s": min(times),
                   "queries": len(queries), "bytes": len(r.content) if not hasattr(r, "streaming_content") else None,
                   "slowest": [(float(q["time"]), q["sql"][:300]) for q in top]}
            out.append(row)
            print(f"  {label:26} {status} first {times[0] * 1000:8.0f} ms  best {min(times) * 1000:8.0f} ms  "
                  f"{len(queries):4d} queries  {row['bytes'] or 0:9,d} B", flush=True)
            for t, sql in row["slowest"]:
                if t >= 0.05:
                    print(f"      {t * 1000:7.0f} ms  {sql[:200]}", flush=True)
    if opts.json:
        with open(opts.json, "w") as fh:
            json.dump(out, fh, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
