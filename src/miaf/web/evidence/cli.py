"""``miaf indicators``: programme indicators from the database, for a filter, as text or JSON.

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
