"""Assemble docs/benchmarks.md from the per-topic reports in docs/benchmarks/*.md.

Each topic's benchmark script writes (or its author updates) ``docs/benchmarks/<topic>.md``; this script
joins them under one header so that the figures live in one document. Run:
``.venv/bin/python benchmarks/collect.py``.
"""

from __future__ import annotations

import platform
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ORDER = ["foundation", "demo", "design", "economics", "environment", "intake", "indicators", "dashboard",
         "dashboard-scale", "report", "exports"]


def main() -> None:
    parts = sorted((ROOT / "docs" / "benchmarks").glob("*.md"), key=lambda p: (
        ORDER.index(p.stem) if p.stem in ORDER else len(ORDER), p.stem))
    out = [
        "# Benchmarks",
        "",
        "Measured on this project's machines: 2 cores and 24 GiB, shared with other work and noisy; "
        f"Python {platform.python_version()}. Each section names its command. Where an issue names a "
        "reference, the ratio is measured in one run, side by side. Timings are medians of several runs "
        "unless a section says otherwise; wall time and CPU time are both given where the machine was "
        "loaded.",
        "",
        "Sections (one per topic, kept in `docs/benchmarks/<topic>.md` and joined here by "
        "`benchmarks/collect.py`):",
        "",
    ]
    out += [f"- [{p.stem}](#{p.stem})" for p in parts]
    for p in parts:
        text = p.read_text(encoding="utf-8").strip()
        lines = text.splitlines()
        if lines and lines[0].startswith("# "):
            lines = lines[1:]
        out += ["", f'<a id="{p.stem}"></a>', "", f"## {p.stem.capitalize()}", "", *[
            ("#" + line if line.startswith("#") else line) for line in lines]]
    (ROOT / "docs" / "benchmarks.md").write_text("\n".join(out).rstrip() + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
