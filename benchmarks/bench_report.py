"""Benchmark: the evidence report of the default demo programme (issue 7 part 4: under 30 s).

``.venv/bin/python benchmarks/bench_report.py [--families N]`` creates a fresh SQLite database in a
temporary directory, loads the demo (not timed), then times the report: building (extraction,
indicators, charts, map, Monte Carlo, annex), HTML rendering and PDF rendering (WeasyPrint). Prints a
markdown table.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--families", type=int, default=None, help="demo size (default: the seed's 400)")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="miaf-bench-report-"))
    os.environ["MIAF_VAR_DIR"] = str(tmp)
    os.environ.pop("DATABASE_URL", None)
    subprocess.run([sys.executable, "-m", "miaf.cli", "manage", "migrate", "-v0"], check=True)
    from miaf.web.cli import setup_django

    setup_django()
    from miaf.web.demo import load_demo
    from miaf.web.evidence.render import render_html, render_pdf, write_report
    from miaf.web.evidence.report import build_report

    summary = load_demo(families=args.families)
    rows = []
    stages: dict[str, float] = {}
    last = [time.perf_counter(), ""]

    def progress(pct: int, stage: str) -> None:
        now = time.perf_counter()
        if last[1]:
            stages[last[1]] = stages.get(last[1], 0.0) + now - last[0]
        last[:] = [now, stage]

    t0 = time.perf_counter()
    report = build_report(None, {}, progress=progress)
    progress(100, "")
    t_build = time.perf_counter() - t0
    t0 = time.perf_counter()
    html = render_html(report)
    t_html = time.perf_counter() - t0
    t0 = time.perf_counter()
    pdf = render_pdf(html)
    t_pdf = time.perf_counter() - t0
    t0 = time.perf_counter()
    write_report(report, tmp / "informe.pdf")
    t_total_pdf = t_build + time.perf_counter() - t0
    rows.append(("build report (extract, indicators, charts, map, Monte Carlo, annex)", t_build))
    rows += [(f"  stage: {k}", v) for k, v in stages.items()]
    rows += [("render HTML (Django template)", t_html), ("render PDF (WeasyPrint)", t_pdf),
             ("**total: build + PDF + annex ZIP written**", t_total_pdf)]  # fmt: skip
    print(f"Evidence report of the demo programme ({summary.families} families, "
          f"{sum(summary.counts.values()):,} records); PDF {len(pdf) / 1e6:.1f} MB, HTML {len(html) / 1e6:.1f} MB\n")
    print("| step | seconds |")
    print("|---|---:|")
    for name, sec in rows:
        print(f"| {name} | {sec:.2f} |")
    print(f"\nTarget: < 30 s for the whole report. {'PASS' if t_total_pdf < 30 else 'FAIL'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
