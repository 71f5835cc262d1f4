"""Benchmark the demo programme: `make run`-like setup, the 100,000-family load test, home-page latency.

Usage::

    .venv/bin/python benchmarks/bench_demo_scale.py [--families 100000] [--skip-scale]

Every measurement runs against a fresh SQLite file under /tmp. Prints a markdown table.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MIAF = str(ROOT / ".venv" / "bin" / "miaf")


def env_for(var_dir: Path) -> dict[str, str]:
    env = dict(os.environ, MIAF_VAR_DIR=str(var_dir), MIAF_DEBUG="false")
    env.pop("DATABASE_URL", None)
    env.pop("MIAF_TESTING", None)
    return env


def timed(cmd: list[str], env: dict[str, str]) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def first_healthz(env: dict[str, str]) -> float:
    """Seconds from `miaf serve --no-migrate` to the first 200 on /healthz."""
    port = free_port()
    t = time.perf_counter()
    proc = subprocess.Popen([MIAF, "serve", "--no-migrate", "--port", str(port), "--workers", "2"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        while time.perf_counter() - t < 120:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    if r.status == 200:
                        return time.perf_counter() - t
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("miaf serve did not answer /healthz within 120 s")
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def home_latency(env: dict[str, str], n: int = 20) -> tuple[float, float]:
    """(first request on an empty cache, median after warm-up) [s] of GET / for the demo coordinator."""
    code = (
        "import os,time,statistics,django;os.environ.setdefault('DJANGO_SETTINGS_MODULE','miaf.web.settings');"
        "django.setup();from django.test import Client;from django.contrib.auth import get_user_model;"
        "c=Client();c.force_login(get_user_model().objects.get(username='coordinadora'));"
        "t0=time.perf_counter();c.get('/');cold=time.perf_counter()-t0;[c.get('/') for _ in range(2)];ts=[]\n"
        f"for _ in range({n}):\n t=time.perf_counter();r=c.get('/');ts.append(time.perf_counter()-t);assert r.status_code==200\n"
        "print(cold, statistics.median(ts))"
    )
    env = dict(env, MIAF_ALLOWED_HOSTS="testserver,127.0.0.1")
    subprocess.run([MIAF, "manage", "collectstatic", "--noinput", "-v", "0"], env=env, check=True)  # manifest storage
    out = subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True)
    cold, warm = (float(x) for x in out.stdout.strip().splitlines()[-1].split())
    return cold, warm


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--families", type=int, default=100_000)
    ap.add_argument("--skip-scale", action="store_true")
    args = ap.parse_args()
    rows = []
    base = Path(tempfile.mkdtemp(prefix="miaf_bench_demo_", dir="/tmp"))
    try:
        small = base / "default"
        small.mkdir()
        env = env_for(small)
        t_migrate = timed([MIAF, "manage", "migrate", "--noinput", "-v", "0"], env)
        t_demo = timed([MIAF, "demo", "--if-empty"], env)
        t_health = first_healthz(env)
        rows += [
            ("migrate (fresh SQLite)", f"{t_migrate:.1f} s"),
            ("miaf demo (400 families, 405 ha)", f"{t_demo:.1f} s"),
            ("miaf serve → first /healthz 200", f"{t_health:.1f} s"),
            ("`make run`-like setup total (venv present)", f"{t_migrate + t_demo + t_health:.1f} s"),
        ]
        cold, warm = home_latency(env)
        rows += [
            ("home page (dashboard), coordinator, default demo: first request, empty cache", f"{1000 * cold:.0f} ms"),
            ("home page (dashboard), coordinator, default demo: median of 20 after warm-up", f"{1000 * warm:.0f} ms"),
        ]
        if not args.skip_scale:
            big = base / "scale"
            big.mkdir()
            env = env_for(big)
            timed([MIAF, "manage", "migrate", "--noinput", "-v", "0"], env)
            t_big = timed([MIAF, "demo", "--families", str(args.families)], env)
            size = sum(f.stat().st_size for f in big.glob("miaf.sqlite3*")) / 1e9
            rows += [
                (f"miaf demo --families {args.families:,}", f"{t_big:.0f} s ({args.families / t_big:.0f} families/s)"),
                ("SQLite file size after the scale load", f"{size:.2f} GB"),
            ]
            cold, warm = home_latency(env)
            rows += [
                (f"home page (dashboard), {args.families:,} families: first request, empty cache", f"{cold:.1f} s"),
                (f"home page (dashboard), {args.families:,} families: median of 20 after warm-up", f"{1000 * warm:.0f} ms"),
            ]
    finally:
        shutil.rmtree(base, ignore_errors=True)
    print("| measurement | value |\n|---|---|")
    for name, value in rows:
        print(f"| {name} | {value} |")
    print(f"\nmachine: {os.cpu_count()} cores (shared, noisy); load average at the end {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
