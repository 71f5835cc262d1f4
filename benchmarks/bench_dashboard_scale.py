"""Benchmark the dashboard (home page) at programme scale through the real server.

Usage::

    .venv/bin/miaf manage migrate && .venv/bin/miaf demo --families 100000     # with MIAF_VAR_DIR=DIR
    .venv/bin/python benchmarks/bench_dashboard_scale.py --var-dir DIR [--requests 40]

Starts ``miaf serve`` (gunicorn, 2 workers) on the database in ``DIR`` with an empty dashboard cache, logs in
over HTTP as the demo coordinator and the demo analyst, and measures:

1. cold start: the first request (answered at once with a progress panel) and the time until the
   background build has produced the figures (polling as the page does);
2. warm: ``--requests`` requests of the home page, p50/p95/max and the page size;
3. after a change (a family added through the ORM): requests served with the previous figures while the
   background build runs (p95), and the time until the new figures are shown;
4. the peak resident memory of the gunicorn workers.

Prints a markdown table.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
MIAF = str(ROOT / ".venv" / "bin" / "miaf")
STATE = re.compile(r'id="dashboard-panel"[^>]*data-state="([a-z]+)"')
FAMILIES = re.compile(r'data-code="families" data-value="([^"]*)"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def login(base: str, username: str, password: str) -> requests.Session:
    s = requests.Session()
    s.get(f"{base}/accounts/login/", timeout=30)
    r = s.post(f"{base}/accounts/login/", data={"username": username, "password": password,
                                                 "csrfmiddlewaretoken": s.cookies["csrftoken"]},
               headers={"Referer": f"{base}/accounts/login/"}, timeout=30)  # fmt: skip
    r.raise_for_status()
    assert "sessionid" in s.cookies, f"login of {username} failed"
    return s


def get(s: requests.Session, url: str) -> tuple[float, str]:
    t = time.perf_counter()
    r = s.get(url, timeout=600)
    r.raise_for_status()
    return time.perf_counter() - t, r.text


def state(html: str) -> str:
    m = STATE.search(html)
    return m.group(1) if m else "?"


def wait_fresh(s: requests.Session, url: str, limit_s: float = 1800) -> float:
    t = time.perf_counter()
    while time.perf_counter() - t < limit_s:
        _, html = get(s, url)
        if state(html) == "fresh":
            return time.perf_counter() - t
        time.sleep(2)
    raise RuntimeError("the dashboard did not become fresh")


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]


def worker_rss_mb(master: int) -> float:
    """Sum of VmHWM (peak RSS) of the gunicorn master's children."""
    total = 0.0
    for child in Path(f"/proc/{master}/task/{master}/children").read_text().split():
        for line in Path(f"/proc/{child}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                total = max(total, float(line.split()[1]) / 1024)
    return total


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--var-dir", required=True, type=Path)
    ap.add_argument("--requests", type=int, default=40)
    ap.add_argument("--password", default="milpa2011")
    args = ap.parse_args()
    env = dict(os.environ, MIAF_VAR_DIR=str(args.var_dir), MIAF_DEBUG="false")
    env.pop("DATABASE_URL", None)
    env.pop("MIAF_TESTING", None)
    shutil.rmtree(args.var_dir / "cache" / "dashboard", ignore_errors=True)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen([MIAF, "serve", "--no-migrate", "--port", str(port), "--workers", "2"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    rows: list[tuple[str, str]] = []
    try:
        for _ in range(600):
            try:
                if requests.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except OSError:
                time.sleep(0.2)
        coord = login(base, "coordinadora", args.password)
        analyst = login(base, "analista", args.password)

        first, html = get(coord, base + "/")
        rows.append(("cold: first request (progress panel)", f"{1000 * first:.0f} ms, state `{state(html)}`"))
        rows.append(("cold: until the figures are shown (background build)", f"{wait_fresh(coord, base + '/'):.1f} s"))
        _, html = get(coord, base + "/")
        families = FAMILIES.search(html).group(1)
        rows.append(("families shown", families))

        for who, s in (("coordinator", coord), ("analyst", analyst)):
            if who == "analyst":
                rows.append((f"cold: {who}, until fresh", f"{wait_fresh(s, base + '/'):.1f} s"))
            times, size = [], 0
            for _ in range(args.requests):
                dt, html = get(s, base + "/")
                times.append(dt)
                size = len(html.encode())
            rows.append((f"warm: {who}, {args.requests} requests p50 / p95 / max",
                         f"{1000 * statistics.median(times):.0f} / {1000 * pct(times, 0.95):.0f} / "
                         f"{1000 * max(times):.0f} ms, page {size / 1e6:.2f} MB"))

        code = ("from miaf.web.registry.models import Family, Group, Membership, Locality; import datetime as d; "
                "g=Group.objects.order_by('pk').first(); "
                "f=Family.objects.create(code='BENCH-'+str(int(d.datetime.now().timestamp())), name='Bench', "
                "locality=Locality.objects.order_by('pk').first()); "
                "Membership.objects.create(family=f, group=g, joined_on=d.date(2020,1,1))")
        subprocess.run([MIAF, "manage", "shell", "-c", code], env=env, check=True, stdout=subprocess.DEVNULL)
        changed = time.perf_counter()
        stale_times, states = [], set()
        while True:
            dt, html = get(coord, base + "/")
            stale_times.append(dt)
            states.add(state(html))
            if state(html) == "fresh" and FAMILIES.search(html).group(1) != families:
                break
            if time.perf_counter() - changed > 1800:
                raise RuntimeError("the change never showed")
            time.sleep(1)
        rows.append(("after a change: until the new figures are shown", f"{time.perf_counter() - changed:.1f} s "
                     f"(version reread every 15 s, then the build)"))
        rows.append((f"after a change: {len(stale_times)} requests meanwhile, p95 / max",
                     f"{1000 * pct(stale_times, 0.95):.0f} / {1000 * max(stale_times):.0f} ms, states {sorted(states)}"))
        rows.append(("gunicorn workers: peak resident memory (largest worker)", f"{worker_rss_mb(proc.pid):.0f} MB"))
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    print("| measurement | value |\n|---|---|")
    for k, v in rows:
        print(f"| {k} | {v} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
