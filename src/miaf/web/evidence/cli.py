"""``miaf indicators`` and ``miaf report``: programme indicators and the evidence report from the database.

``miaf report [--organisation … --municipality … --group … --year … --system … --head-sex …] --out FILE.pdf|FILE.html
[--user NAME]`` writes the evidence report (and ``FILE-anexo.zip`` with the anonymised tables) with a
progress bar; ``miaf report --job ID`` runs a job created by the web page (the page starts it in the
background and polls its progress).

``miaf indicators [--organisation X] [--municipality 07052] [--group G] [--year 2015] [--system miaf_d]
[--head-sex F] [--user NAME] [--over-time] [--no-layers] [--json]``

Without ``--user`` the command runs as the operator of the database (every group); with it, the user's
role scoping applies (analysts included: indicators are aggregates and carry no names).
"""

from __future__ import annotations

import argparse
import json
import sys

from miaf.indicators.tables import SEXES, SYSTEMS


def register(subparsers) -> None:  # noqa: ANN001
    p = subparsers.add_parser("indicators", help="programme indicators (FAO climate-smart pillars + social)",
                              description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    p.add_argument("--organisation", help="producer organisation: id, name or short name")
    p.add_argument("--municipality", help="INEGI municipality code, 5 digits (07052)")
    p.add_argument("--group", help="working group: id or name")
    p.add_argument("--year", type=int, help="calendar year of the records")
    p.add_argument("--system", choices=SYSTEMS, help="production system")
    p.add_argument("--head-sex", choices=SEXES, dest="head_sex", help="sex of the family head")
    p.add_argument("--user", help="compute within this user's scope (default: every group)")
    p.add_argument("--over-time", action="store_true", help="one value per year with records")
    p.add_argument("--no-layers", action="store_true", help="skip the plot x reference-layer overlap")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=handle)

    r = subparsers.add_parser("report", help="evidence report (PDF or HTML) for a filter",
                              description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    r.add_argument("--organisation", help="producer organisation: id, name or short name")
    r.add_argument("--municipality", help="INEGI municipality code, 5 digits (07052)")
    r.add_argument("--group", help="working group: id or name")
    r.add_argument("--year", type=int, help="calendar year of the records")
    r.add_argument("--system", choices=SYSTEMS, help="production system")
    r.add_argument("--head-sex", choices=SEXES, dest="head_sex", help="sex of the family head")
    r.add_argument("--user", help="build within this user's scope (default: every group)")
    r.add_argument("--out", help="output file, .pdf or .html (required unless --job)")
    r.add_argument("--job", type=int, help="run the web report job with this id (used by the web page)")
    r.add_argument("--quiet", action="store_true", help="no progress bar")
    r.set_defaults(func=handle_report)


def _user(username: str | None):  # noqa: ANN202
    if not username:
        return None
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise ValueError(f"user {username!r} not found (--user)")
    return user


def _fmt(v: float | None) -> str:
    if v is None:
        return "—"
    return f"{v:,.3f}" if abs(v) < 100 else f"{v:,.0f}"


def handle(args: argparse.Namespace) -> int:
    from miaf.indicators import IndicatorFilters, compute_indicators, over_time

    filters = IndicatorFilters(organisation=args.organisation, municipality=args.municipality, group=args.group,
                               year=args.year, system=args.system, head_sex=args.head_sex)  # fmt: skip
    from miaf.web.cli import setup_django

    setup_django()
    from miaf.web.evidence.extract import load_tables

    tables = load_tables(_user(args.user), filters, with_layers=not args.no_layers)
    if args.over_time:
        df = over_time(tables, filters)
        if args.json:
            records = df.astype(object).where(df.notna(), None).to_dict(orient="records")
            json.dump({"filters": filters.to_dict(), "rows": records}, sys.stdout, ensure_ascii=False, indent=2)
            sys.stdout.write("\n")
        else:
            print(df.pivot(index="code", columns="year", values="value").to_string())
        return 0
    res = compute_indicators(tables, filters)
    if args.json:
        json.dump(res.to_dict(), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    print(f"miaf indicators — filters: {filters.to_dict() or 'whole programme'}; reference year {res.reference_year}")
    for pillar, values in res.by_pillar().items():
        print(f"\n## {pillar}")
        for v in values:
            line = f"  {v.code:<28} {_fmt(v.value):>14} {v.unit:<18} n={v.n}"
            if v.breakdown:
                parts = ", ".join(f"{k}: {_fmt(x)}" for k, x in list(v.breakdown.items())[:8])
                line += f"  [{parts}]"
            if v.status != "ok":
                line += f"  ({v.status}: {v.reason})"
            print(line)
    return 0


def _bar(quiet: bool):  # noqa: ANN202
    """A tqdm bar on stderr driven by ``(pct, stage)`` progress calls; None when quiet."""
    if quiet:
        return None, None
    from tqdm import tqdm

    bar = tqdm(total=100, unit="%", file=sys.stderr, bar_format="{l_bar}{bar}| {n_fmt}/{total_fmt} % [{elapsed}]")
    state = {"n": 0}

    def step(pct: int, stage: str) -> None:
        pct = max(state["n"], min(100, int(pct)))
        bar.set_description_str(stage[:40])
        bar.update(pct - state["n"])
        state["n"] = pct

    return bar, step


def handle_report(args: argparse.Namespace) -> int:
    from miaf.web.cli import setup_django

    if args.job is None and not args.out:
        raise ValueError("--out FILE.pdf|FILE.html is required (or --job ID)")
    setup_django()
    if args.job is not None:
        from miaf.web.evidence.jobs import run_job

        bar, step = _bar(args.quiet)
        job = run_job(args.job, echo=step)
        if bar is not None:
            bar.close()
        print(f"miaf report: job {job.pk} {job.status}: {job.output} (data version {job.data_version})")
        return 0
    from pathlib import Path

    from miaf.indicators import IndicatorFilters
    from miaf.web.evidence.render import format_of, write_report
    from miaf.web.evidence.report import build_report

    out = Path(args.out)
    fmt = format_of(out)
    filters = IndicatorFilters(organisation=args.organisation, municipality=args.municipality, group=args.group,
                               year=args.year, system=args.system, head_sex=args.head_sex)  # fmt: skip
    bar, step = _bar(args.quiet)
    report = build_report(_user(args.user), filters, progress=step)
    if step is not None:
        step(92, f"formato {fmt.upper()}")
    files = write_report(report, out)
    if step is not None:
        step(100, "listo")
        bar.close()
    print(f"miaf report: {', '.join(str(f) for f in files)} (data version {report.data_version})")
    return 0
