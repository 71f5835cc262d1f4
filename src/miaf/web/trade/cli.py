"""``miaf sidesell [--organisation ORG] [--group G] [--year Y] [--user NAME] --json``: side-selling for scripts.

The same computation as the side-selling page and the API (:func:`miaf.web.trade.analysis.side_selling`):
``share_outside`` (kg sold outside the organisation ÷ kg sold), ``share_explained_by_cash_need`` (of the kg
sold outside, the part sold in a deficit month that the organisation's offer would have won without the
deficit), each channel's effective value and the what-ifs (advance, shorter delay, price change,
diversification) with the assumptions used. Assumptions default to the parameter tables; ``--advance-pct``,
``--delay-months``, ``--price-change-pct`` and ``--deficit-relief-pct`` change them as on the page.

Without ``--user`` the command runs as the operator of the database (every group, families included with
``--families``); with a user, that user's scope and disclosure rules apply (analysts: aggregates of at least
k families only). An unknown organisation, group or user exits with status 2 and a one-line message.
"""

from __future__ import annotations

import argparse
import json
import sys

from miaf.web.market.cli import resolve_group

SCENARIOS = ("advance", "delay", "price", "diversification")


def register(subparsers) -> None:  # noqa: ANN001
    p = subparsers.add_parser("sidesell", help="side-selling: share sold outside, cash need, what-ifs",
                              description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--organisation", help="producer organisation: id, name or short name")
    p.add_argument("--group", help="working group: id or name")
    p.add_argument("--year", type=int, help="only sales of this year")
    p.add_argument("--user", help="within this user's scope (default: every group)")
    p.add_argument("--advance-pct", type=float, help="what-if: advance paid at delivery [%% of the price]")
    p.add_argument("--delay-months", type=float, help="what-if: the organisation's new payment delay [months]")
    p.add_argument("--price-change-pct", type=float, help="what-if: change of the organisation's price [%%]")
    p.add_argument("--deficit-relief-pct", type=float, help="what-if: deficit months removed [%%]")
    p.add_argument("--advance-rate-pct", type=float,
                   help="what-if: interest the organisation charges on the advance [%% per month] (default 0)")
    p.add_argument("--families", action="store_true", help="include the per-family rows (personal data)")
    p.add_argument("--json", action="store_true", help="one JSON object")
    p.set_defaults(func=handle_sidesell)


def _assumptions(args: argparse.Namespace):  # noqa: ANN202
    from dataclasses import replace

    from miaf.web.trade.analysis import Assumptions

    checks = {"advance_pct": ("advance_share", 0, 100, 100.0), "delay_months": ("delay_months", 0, 24, 1.0),
              "price_change_pct": ("price_change", -50, 50, 100.0),
              "deficit_relief_pct": ("deficit_relief", 0, 100, 100.0),
              "advance_rate_pct": ("advance_rate", 0, 10, 100.0)}
    changes = {}
    for name, (attr, lo, hi, scale) in checks.items():
        value = getattr(args, name)
        if value is None:
            continue
        if not lo <= value <= hi:
            raise ValueError(f"--{name.replace('_', '-')} {value:g}: expected {lo} to {hi}")
        changes[attr] = value / scale
    return replace(Assumptions.defaults(), **changes)


def sidesell_result(user, organisation=None, group=None, year: int | None = None, assumptions=None,  # noqa: ANN001, PLR0913
                    families: bool = False) -> dict:
    """The page's computation for the groups within ``user``'s reach (filtered), with the command's summary
    keys ``share_outside`` and ``share_explained_by_cash_need`` at the top."""
    from miaf.web.accounts.scoping import can_see_personal_data, groups_for
    from miaf.web.trade.analysis import side_selling

    groups = groups_for(user)
    if organisation is not None:
        groups = groups.filter(producer_organisation=organisation)
    if group is not None:
        groups = groups.filter(pk=group.pk)
    if year is not None and not 1990 <= year <= 2100:
        raise ValueError(f"--year {year}: expected 1990-2100")
    r = side_selling(sorted(groups.values_list("pk", flat=True)), year=year, assumptions=assumptions,
                     personal=can_see_personal_data(user))
    overall = r.get("overall") or {}
    out = {"share_outside": overall.get("share_outside"),
           "share_explained_by_cash_need": overall.get("share_explained_by_cash_need"), **r}
    if not families:
        out.pop("families", None)
    return out


def handle_sidesell(args: argparse.Namespace) -> int:
    from miaf.web.cli import setup_django

    setup_django()
    from miaf.web.process.cli import resolve_organisation, resolve_user

    user = resolve_user(args.user)
    org = resolve_organisation(args.organisation)
    group = resolve_group(args.group, user, org)
    r = sidesell_result(user, org, group, args.year, _assumptions(args), families=args.families)
    out = sys.stdout
    if args.json:
        json.dump(r, out, ensure_ascii=False, indent=1, default=str)
        out.write("\n")
        return 0
    out.write(_table(r))
    return 0


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.1f} %"


def _table(r: dict) -> str:
    lines = [f"sales: {r['n_sales']}   families: {r['n_families']}   year: {r['year'] or 'all'}"]
    if r.get("overall") is None:
        reason = "fewer than k families" if r.get("suppressed_all") else "no sales"
        return "\n".join([*lines, f"(nothing to show: {reason})", ""])
    lines += [f"share sold outside the organisation: {_pct(r['share_outside'])}",
              f"share explained by cash need:        {_pct(r['share_explained_by_cash_need'])}", "",
              f"{'channel':<14} {'kg':>12} {'share':>8} {'price':>8} {'effective':>10}  [MXN/kg]"]
    for ch in r["overall"]["channels"]:
        lines.append(f"{ch['channel']:<14} {ch['kg']:>12,.0f} {_pct(ch['share']):>8} {ch['price_mxn_kg']:>8.2f} "
                     f"{ch['effective_value_mxn_kg']:>10.2f}")
    lines += ["", f"{'what-if':<16} {'kg recovered':>13} {'share':>8} {'cost MXN':>12} {'MXN/kg':>8}"]
    for key in SCENARIOS:
        w = r["whatifs"].get(key)
        if not w:
            continue
        cost = w["organisation_cost_mxn"]
        per = w["cost_per_kg_prevented_mxn"]
        lines.append(f"{key:<16} {w['kg_prevented']:>13,.0f} {_pct(w['share_prevented']):>8} "
                     f"{'—' if cost is None else f'{cost:,.0f}':>12} {'—' if per is None else f'{per:.2f}':>8}")
    a = r["assumptions"]
    lines += ["", "assumptions: " + ", ".join(f"{k}={v:g}" for k, v in a.items()), ""]
    return "\n".join(lines)
