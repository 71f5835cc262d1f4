"""Load test of the running app (issue 14, item 9): gunicorn + the demo database + locust, loopback only.

    .venv/bin/python benchmarks/load/run_load.py [--database-url postgres://postgres@127.0.0.1:5432/miaf_load]
        [--users 20] [--run-time 5m] [--workers 3] [--port 8765] [--out /tmp/miaf_load/run]
        [--terminate-backends-at SECONDS] [--restart-postgres-at SECONDS] [--no-warm]

The database must already hold the demo (``DATABASE_URL=… miaf manage migrate && DATABASE_URL=… miaf demo
--families 100000``, with ``MIAF_DEMO_DATABASE=true``); this script never creates or drops a database. It

1. samples, for each demo login, the families and plots it may open (through the app's own scoping),
2. starts ``miaf serve`` (gunicorn, production settings, a random secret key, loopback only) and, unless
   ``--no-warm``, waits until each login's dashboard, indicators and statistics are built (:func:`warm_up`),
3. runs locust headless (``benchmarks/load/locustfile.py``) with ``--csv`` into ``--out``,
4. optionally terminates the app's database connections (``pg_terminate_backend`` on the database's own
   backends, PostgreSQL only) after ``--terminate-backends-at`` seconds, or restarts the PostgreSQL server
   after ``--restart-postgres-at`` seconds, to show the app recovers by itself,
5. prints requests/s, p50/p95/p99 and failures, overall and for the slowest endpoints, and stops the server.

The figures are written by hand to docs/benchmarks/load.md.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PY = sys.executable
SAMPLE = """
import json, sys, django
django.setup()
from django.contrib.auth import get_user_model
from miaf.web.accounts.scoping import families_for, plots_for
out = {}
for name in ("coordinadora", "promotor", "analista"):
    user = get_user_model().objects.get(username=name)
    fams = list(families_for(user).order_by("?").values_list("pk", flat=True)[:500])
    plots = list(plots_for(user).order_by("?").values_list("pk", flat=True)[:500])
    n = families_for(user).count()
    out[name] = {"families": fams or [0], "plots": plots or [0], "pages": [max(1, min(20, n // 50))], "count": [n]}
json.dump(out, open(sys.argv[1], "w"))
"""


def wait_up(url: str, timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as r:  # noqa: S310 - loopback
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(1)
    raise SystemExit(f"the app did not answer {url} within {timeout:.0f} s")


def warm_up(host: str, names: tuple[str, ...], password: str, timeout: float) -> float:
    """Log in as each demo user and ask for the pages whose programme-scale figures are built in the
    background (the dashboard, the indicators; the statistics), until every one answers with current figures.

    The load test measures the app in its steady state: a dashboard or indicator build of 100,000 families
    takes about a minute of CPU per scope, once per data version, and a running server has them built
    (``--no-warm`` measures the cold start instead). Returns the seconds it took."""
    import requests

    t0 = time.monotonic()
    sessions = {}
    for name in names:
        s = requests.Session()
        s.get(f"{host}/accounts/login/", timeout=60)
        r = s.post(f"{host}/accounts/login/", timeout=120, allow_redirects=False,
                   data={"username": name, "password": password, "csrfmiddlewaretoken": s.cookies.get("csrftoken", "")})
        if r.status_code != 302:
            raise SystemExit(f"warm-up: the login of {name} failed ({r.status_code})")
        sessions[name] = s
    pending = {(n, path) for n in names for path in ("/tablero/", "/api/v1/indicators", "/api/v1/stats", "/")}
    while pending:
        for name, path in sorted(pending):
            r = sessions[name].get(f"{host}{path}", timeout=300)
            building = r.status_code == 202 or 'dash-status pending' in r.text or 'dash-status stale' in r.text
            if r.ok and not building:
                pending.discard((name, path))
        if pending:
            if time.monotonic() - t0 > timeout:
                raise SystemExit(f"warm-up: still building after {timeout:.0f} s: {sorted(pending)}")
            time.sleep(5)
    return time.monotonic() - t0


def terminate_backends(database_url: str, at: float, log: list[str]) -> None:
    time.sleep(at)
    name = database_url.rsplit("/", 1)[-1].split("?")[0]
    sql = ("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
           f"WHERE datname = '{name}' AND pid <> pg_backend_pid()")
    base = database_url.rsplit("/", 1)[0] + "/postgres"
    done = subprocess.run(["psql", base, "-Atc", sql], capture_output=True, text=True)
    log.append(f"{time.strftime('%H:%M:%S')} terminated {done.stdout.strip() or done.stderr.strip()} backends of {name}")


def restart_postgres(at: float, log: list[str]) -> None:
    """Restart the PostgreSQL server itself (``pg_ctlcluster``: needs root on a Debian machine of your own)."""
    time.sleep(at)
    t = time.monotonic()
    done = subprocess.run(["pg_ctlcluster", "15", "main", "restart"], capture_output=True, text=True)
    log.append(f"{time.strftime('%H:%M:%S')} pg_ctlcluster 15 main restart: exit {done.returncode} "
               f"in {time.monotonic() - t:.1f} s {done.stderr.strip()}")


def summary(prefix: Path) -> str:
    rows = list(csv.DictReader(open(f"{prefix}_stats.csv")))  # noqa: SIM115
    lines = ["| endpoint | requests | failures | req/s | median [ms] | p95 [ms] | p99 [ms] | max [ms] |",
             "|---|---|---|---|---|---|---|---|"]
    def line(r: dict) -> str:
        return (f"| {r['Name']} | {int(r['Request Count']):,} | {int(r['Failure Count']):,} | "
                f"{float(r['Requests/s']):.2f} | {r['50%']} | {r['95%']} | {r['99%']} | {float(r['Max Response Time']):.0f} |")
    agg = [r for r in rows if r["Name"] == "Aggregated"]
    rest = sorted((r for r in rows if r["Name"] != "Aggregated"), key=lambda r: -float(r["95%"] or 0))
    return "\n".join([*lines, *(line(r) for r in rest), *(line(r).replace(r["Name"], "**all**") for r in agg)])


def nearest_rank(sorted_ms: list[float], q: float) -> float:
    """The ``q`` percentile (0-100) of already sorted values, by the nearest-rank rule."""
    return sorted_ms[max(0, min(len(sorted_ms) - 1, -(-len(sorted_ms) * q // 100) - 1))] if sorted_ms else float("nan")


def by_minute(times: Path) -> str:
    """Requests, failures, median, p95 and p99 per minute of the run, from locust's request log
    (``MIAF_LOAD_TIMES``): how a cold start settles."""
    minutes: dict[int, list[tuple[float, int]]] = {}
    with open(times, newline="") as f:
        for t, _name, ms, failed in csv.reader(f):
            minutes.setdefault(int(float(t) // 60), []).append((float(ms), int(failed)))
    lines = ["| minute | requests | failures | median [ms] | p95 [ms] | p99 [ms] |", "|---|---|---|---|---|---|"]
    for m in sorted(minutes):
        ms = sorted(v for v, _f in minutes[m])
        lines.append(f"| {m + 1} | {len(ms):,} | {sum(f for _v, f in minutes[m])} | {nearest_rank(ms, 50):.0f} | "
                     f"{nearest_rank(ms, 95):.0f} | {nearest_rank(ms, 99):.0f} |")
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/miaf_load")
    ap.add_argument("--users", type=int, default=20)
    ap.add_argument("--spawn-rate", type=float, default=2)
    ap.add_argument("--run-time", default="5m")
    ap.add_argument("--workers", type=int, default=3)
    ap.add_argument("--port", type=int, default=0, help="default: a free port")
    ap.add_argument("--out", type=Path, default=Path("/tmp/miaf_load/run"))
    ap.add_argument("--var-dir", type=Path, default=Path("/tmp/miaf_load/var"))
    ap.add_argument("--terminate-backends-at", type=float, default=None)
    ap.add_argument("--restart-postgres-at", type=float, default=None,
                    help="restart the PostgreSQL server (pg_ctlcluster 15 main restart) this many seconds into the run")
    ap.add_argument("--no-warm", dest="warm", action="store_false",
                    help="start locust at once, while the first dashboard and indicator builds run")
    ap.add_argument("--warm-timeout", type=float, default=1800)
    opts = ap.parse_args()
    opts.out.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "DATABASE_URL": opts.database_url, "MIAF_VAR_DIR": str(opts.var_dir),
           "DJANGO_SETTINGS_MODULE": "miaf.web.settings", "MIAF_SECRET_KEY": secrets.token_urlsafe(50),
           "MIAF_ALLOWED_HOSTS": "127.0.0.1,localhost", "MIAF_DEMO_DATABASE": "true", "MIAF_DEBUG": "false"}
    env.pop("MIAF_TESTING", None)
    if not opts.port:
        with socket.socket() as sock:  # a free port (others may serve on the usual ones)
            sock.bind(("127.0.0.1", 0))
            opts.port = sock.getsockname()[1]
    ids = opts.out / "ids.json"
    subprocess.run([PY, "-c", SAMPLE, str(ids)], env=env, check=True, cwd=ROOT)
    counts = {k: v["count"][0] for k, v in json.loads(ids.read_text()).items()}
    print(f"families in reach: {counts}", flush=True)
    server = subprocess.Popen([PY, "-m", "miaf.cli", "serve", "--host", "127.0.0.1", "--port", str(opts.port),
                               "--workers", str(opts.workers), "--no-migrate"], env=env, cwd=ROOT,
                              stdout=open(opts.out / "server.log", "w"), stderr=subprocess.STDOUT,  # noqa: SIM115
                              start_new_session=True)
    log: list[str] = []
    try:
        host = f"http://127.0.0.1:{opts.port}"
        wait_up(f"{host}/healthz")
        if server.poll() is not None:
            raise SystemExit(f"the server exited ({server.returncode}); is port {opts.port} taken? see server.log")
        print(f"serving at {host}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores", flush=True)
        if opts.warm:
            took = warm_up(host, ("coordinadora", "promotor", "analista"), os.environ.get("MIAF_LOAD_PASSWORD", "milpa2011"),
                           opts.warm_timeout)
            print(f"warm-up (every scope's dashboard, indicators and statistics built): {took:.0f} s; "
                  f"load average {os.getloadavg()[0]:.1f}", flush=True)
        if opts.restart_postgres_at is not None:
            threading.Thread(target=restart_postgres, args=(opts.restart_postgres_at, log), daemon=True).start()
        if opts.terminate_backends_at is not None:
            threading.Thread(target=terminate_backends, args=(opts.database_url, opts.terminate_backends_at, log),
                             daemon=True).start()
        prefix = opts.out / "locust"
        t0 = time.time()
        subprocess.run([PY, "-m", "locust", "-f", str(Path(__file__).with_name("locustfile.py")), "--headless",
                        "-u", str(opts.users), "-r", str(opts.spawn_rate), "-t", opts.run_time, "--host", host,
                        "--csv", str(prefix), "--only-summary"],
                       env={**os.environ, "MIAF_LOAD_IDS": str(ids), "MIAF_LOAD_TIMES": str(opts.out / "times.csv")},
                       cwd=ROOT, check=False)
        print(f"\nlocust ran {time.time() - t0:.0f} s; load average at the end {os.getloadavg()[0]:.1f}")
        print(*log, sep="\n")
        print(summary(prefix))
        print("\nBy minute of the run:\n" + by_minute(opts.out / "times.csv"))
    finally:
        os.killpg(server.pid, signal.SIGTERM)  # the gunicorn we started (its own session)
        server.wait(timeout=60)
    return 0


if __name__ == "__main__":
    sys.exit(main())
