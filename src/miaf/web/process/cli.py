"""``miaf process board [--organisation ORG] [--user NAME] [--overdue] --json``: the process board for scripts.

With ``--json`` prints one JSON array holding one object per group (``group``, ``step`` 1–12, ``step_name``,
``days_in_step``, ``overdue``, ``last_visit``, ``next_visit``, ``overdue_steps`` …); otherwise a table.
Without ``--user`` the command runs as the operator of the database (every group); with it, that user's
role scoping applies. An unknown organisation or user exits with status 2 and a one-line message.
"""

from __future__ import annotations

import argparse
import json
import sys
from types import SimpleNamespace

CLI_PAGE = 500


def register(subparsers) -> None:  # noqa: ANN001
    p = subparsers.add_parser("process", help="the 12-step accompaniment process",
                              description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="process_command", metavar="ACTION")
    sub.required = True
    b = sub.add_parser("board", help="every group's current step, days in it, overdue, last visit")
    b.add_argument("--organisation", help="organisation (producer or accompanying): id, name or short name")
    b.add_argument("--user", help="within this user's scope (default: every group)")
    b.add_argument("--overdue", action="store_true", help="only groups whose current step is overdue")
    b.add_argument("--json", action="store_true", help="a JSON array, one object per group")
    b.set_defaults(func=handle_board)


def resolve_organisation(value: str | None):  # noqa: ANN201
    if not value:
        return None
    from django.db.models import Q

    from miaf.web.registry.models import Organisation

    q = Q(name__iexact=value) | Q(short_name__iexact=value)
    if value.isdigit():
        q |= Q(pk=int(value))
    org = Organisation.objects.filter(q).first()
    if org is None:
        raise ValueError(f"organisation {value!r} not found (--organisation)")
    return org


def operator():  # noqa: ANN201
    """The operator of the database: sees every group, like an administrator."""
    return SimpleNamespace(is_authenticated=True, is_superuser=True, pk=None)


def resolve_user(username: str | None):  # noqa: ANN201
    if not username:
        return operator()
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise ValueError(f"user {username!r} not found (--user)")
    return user


def board_objects(user, organisation=None, overdue_only: bool = False):  # noqa: ANN001, ANN201
    """Every row of the board as JSON-ready dicts, a page of 500 groups at a time."""
    from miaf.web.process.queries import board_rows

    page = 1
    while True:
        board = board_rows(user, organisation=organisation, overdue_only=overdue_only, page=page, per_page=CLI_PAGE)
        for row in board.rows:
            yield row.as_json()
        if not board.page.has_next():
            return
        page += 1


def handle_board(args: argparse.Namespace) -> int:
    from miaf.web.cli import setup_django

    setup_django()
    org = resolve_organisation(args.organisation)
    user = resolve_user(args.user)
    rows = board_objects(user, org, args.overdue)
    out = sys.stdout
    if args.json:
        # Streamed a page at a time, yet one JSON document (like every other --json of miaf).
        out.write("[")
        for i, row in enumerate(rows):
            out.write(("," if i else "") + "\n" + json.dumps(row, ensure_ascii=False))
        out.write("\n]\n")
        return 0
    for row in rows:
        late = "ATRASADO" if row["overdue"] else ""
        out.write(f"{row['group'][:30]:<30} {row['step']:>2}. {row['step_name'][:32]:<32} "
                  f"{row['days_in_step'] if row['days_in_step'] is not None else '—':>5} d  "
                  f"{row['last_visit'] or '—':<10} {late}\n")
    return 0
