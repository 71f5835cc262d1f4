"""``miaf offer [--organisation ORG] [--group G] [--from YYYY-MM] [--months 12] [--user NAME] --json``.

The offer calendar for scripts: the programme's (or an organisation's, or a group's) expected harvest by
product and month with its P10–P50–P90 range, computed by the same service as the page and the API
(:func:`miaf.web.market.services.compute_offer`, programme total). With ``--json`` one JSON array with one
object per product and month (``product``, ``month`` YYYY-MM, ``kg_p10``, ``kg_p50``, ``kg_p90``, and the
API's ``kg_central``, ``sale_kg_*``, ``value_mxn``); otherwise a table. Without ``--user`` the command runs as
the operator of the database (every group); with it, that user's scope applies. An unknown organisation,
group or user, or a month that is not YYYY-MM, exits with status 2 and a one-line message.
"""

from __future__ import annotations

import argparse
import json
import re
import sys


def register(subparsers) -> None:  # noqa: ANN001
    p = subparsers.add_parser("offer", help="offer calendar: expected harvest by product and month (P10-P90)",
                              description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--organisation", help="producer or accompanying organisation: id, name or short name")
    p.add_argument("--group", help="working group: id or name")
    p.add_argument("--from", dest="start", metavar="YYYY-MM", help="first month (default: the current month)")
    p.add_argument("--months", type=int, default=None, help="number of months, 1-36 (default 12)")
    p.add_argument("--product", help="only this species code (e.g. aguacate)")
    p.add_argument("--user", help="within this user's scope (default: every group)")
    p.add_argument("--json", action="store_true", help="a JSON array, one object per product and month")
    p.set_defaults(func=handle_offer)


def parse_month(text: str | None) -> tuple[int, int] | None:
    """``"2026-12"`` → ``(2026, 12)``; ``None`` stays ``None``; anything else is a ValueError."""
    if text is None:
        return None
    m = re.fullmatch(r"(\d{4})-(\d{1,2})", text.strip())
    if not m or not 1 <= int(m.group(2)) <= 12 or not 2000 <= int(m.group(1)) <= 2100:
        raise ValueError(f"--from {text!r}: expected YYYY-MM with a month 1-12 (e.g. 2026-12)")
    return int(m.group(1)), int(m.group(2))


def resolve_group(value: str | None, user, organisation=None):  # noqa: ANN001, ANN201
    """A working group within ``user``'s reach by id or exact name (of ``organisation`` if given)."""
    if not value:
        return None
    from django.db.models import Q

    from miaf.web.accounts.scoping import groups_for

    q = Q(name__iexact=value)
    if value.isdigit():
        q |= Q(pk=int(value))
    groups = groups_for(user).filter(q)
    if organisation is not None:
        groups = groups.filter(Q(producer_organisation=organisation) |
                               Q(producer_organisation__accompanied_by=organisation))
    found = list(groups[:2])
    if not found:
        raise ValueError(f"group {value!r} not found (--group)")
    if len(found) > 1:
        raise ValueError(f"group name {value!r} is not unique: give its id (--group)")
    return found[0]


def offer_records(user, organisation=None, group=None, start=None, months=None, product=None) -> list[dict]:  # noqa: ANN001, PLR0913
    """The programme-total offer as the API's records (one dict per product and month with a harvest)."""
    from miaf.web.market.services import compute_offer

    if months is not None and not 1 <= int(months) <= 36:
        raise ValueError(f"--months {months}: expected 1-36")
    o = compute_offer(user, organisation=organisation, group=group, product=product or None, start=start,
                      months=months, by="total")
    return [{k: v for k, v in r.items() if k != "unit"} for r in o.forecast.records(unit_labels=o.unit_labels)]


def handle_offer(args: argparse.Namespace) -> int:
    from miaf.web.cli import setup_django

    setup_django()
    from miaf.web.process.cli import resolve_organisation, resolve_user

    start = parse_month(args.start)
    user = resolve_user(args.user)
    org = resolve_organisation(args.organisation)
    group = resolve_group(args.group, user, org)
    rows = offer_records(user, organisation=org, group=group, start=start, months=args.months,
                         product=args.product)
    out = sys.stdout
    if args.json:
        json.dump(rows, out, ensure_ascii=False, indent=1)
        out.write("\n")
        return 0
    out.write(f"{'product':<14} {'month':<8} {'kg P10':>12} {'kg P50':>12} {'kg P90':>12}\n")
    for r in rows:
        out.write(f"{r['product'][:14]:<14} {r['month']:<8} {r['kg_p10']:>12,.1f} {r['kg_p50']:>12,.1f} "
                  f"{r['kg_p90']:>12,.1f}\n")
    if not rows:
        out.write("(no MIAF-D plot in scope offers anything in these months)\n")
    return 0
