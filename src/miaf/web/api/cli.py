"""``miaf token``: create, list and revoke personal API tokens.

    miaf token create USER NAME     prints the token once (only its SHA-256 is stored)
    miaf token list [USER]          prefix, name, user, created, last used, revoked
    miaf token revoke PREFIX        revokes the token(s) whose 8-character prefix matches

The lead registers this module in ``miaf.cli.COMMAND_MODULES`` as ``"miaf.web.api.cli"``.
"""

from __future__ import annotations

import argparse


def _setup() -> None:
    from miaf.web.cli import setup_django

    setup_django()


def _create(args: argparse.Namespace) -> int:
    _setup()
    from django.contrib.auth import get_user_model

    from miaf.web.accounts.models import ApiToken

    user = get_user_model().objects.filter(username=args.user).first()
    if user is None:
        raise ValueError(f"user {args.user!r} not found")
    if not user.is_active:
        raise ValueError(f"user {args.user!r} is inactive; a token would not authenticate")
    name = args.name.strip()
    if not name or len(name) > 80:
        raise ValueError("the token NAME must have 1 to 80 characters")
    obj, token = ApiToken.issue(user, name)
    print(token)
    print(f"# token {obj.prefix}… for {user.username} ({name}); shown once, store it now", flush=True)
    return 0


def _list(args: argparse.Namespace) -> int:
    _setup()
    from miaf.web.accounts.models import ApiToken

    qs = ApiToken.objects.select_related("user").order_by("user__username", "created_at")
    if args.user:
        qs = qs.filter(user__username=args.user)
    for t in qs:
        state = f"revoked {t.revoked_at:%Y-%m-%d}" if t.revoked_at else "active"
        used = f"{t.last_used_at:%Y-%m-%d %H:%M}" if t.last_used_at else "never"
        print(f"{t.prefix}\t{t.user.username}\t{t.name}\tcreated {t.created_at:%Y-%m-%d}\tused {used}\t{state}")
    return 0


def _revoke(args: argparse.Namespace) -> int:
    _setup()
    from miaf.web.accounts.models import ApiToken

    prefix = args.prefix.removeprefix("miaf_")[:8]
    if len(prefix) < 8:
        raise ValueError("PREFIX must be the token's 8 characters after 'miaf_' (see `miaf token list`)")
    tokens = list(ApiToken.objects.filter(prefix=prefix, revoked_at__isnull=True))
    if not tokens:
        raise ValueError(f"no active token with prefix {prefix!r}")
    for t in tokens:
        t.revoke()
        print(f"revoked {t.prefix}… ({t.name}) of {t.user.username}")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("token", help="create, list and revoke API tokens", description=__doc__,
                                   formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="token_command", metavar="ACTION")
    sub.required = True
    create = sub.add_parser("create", help="create a token for USER (printed once)")
    create.add_argument("user", metavar="USER")
    create.add_argument("name", metavar="NAME", help="what the token is for, e.g. 'ODK sync laptop'")
    create.set_defaults(func=_create)
    listing = sub.add_parser("list", help="list tokens (prefix, user, name, state)")
    listing.add_argument("user", metavar="USER", nargs="?")
    listing.set_defaults(func=_list)
    revoke = sub.add_parser("revoke", help="revoke the token with this prefix")
    revoke.add_argument("prefix", metavar="PREFIX")
    revoke.set_defaults(func=_revoke)
