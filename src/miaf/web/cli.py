"""Web sub-commands of ``miaf``: serve, demo, createuser, and ``manage`` (Django's commands)."""

from __future__ import annotations

import argparse
import os
import sys


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "miaf.web.settings")
    import django

    django.setup()


def load_plot_for_economics(plot_id: str) -> object:
    """``miaf economics --plot ID`` from the command line: set Django up, then read plot ``ID``'s scenario.

    A failure to reach the database becomes a one-line ValueError (exit status 2)."""
    hint = "--plot needs the web app database (run `miaf manage migrate` first, or set DATABASE_URL)"
    try:
        setup_django()
        from miaf.web.economy.services import load_plot_for_cli
    except Exception as exc:  # noqa: BLE001 - bad settings, missing packages, ...
        raise ValueError(f"{hint}: {exc}") from None
    try:
        return load_plot_for_cli(plot_id)
    except ValueError:
        raise
    except Exception as exc:  # noqa: BLE001 - no such table, database locked or not allowed, ...
        raise ValueError(f"{hint}: {exc}") from None


def run_manage(argv: list[str]) -> int:
    """``miaf manage migrate`` → ``django-admin migrate`` with miaf's settings."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "miaf.web.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["miaf manage", *argv])
    return 0


def refuse_unsafe_serving() -> None:
    """Outside debug, refuse the built-in development key and a missing ``MIAF_ALLOWED_HOSTS``.

    The development key is public (it is in the source), so sessions and the open-data pseudonyms made with
    it can be forged or reversed; the default hosts only fit a laptop. Raises ValueError (exit status 2).
    """
    from django.conf import settings

    from miaf.web.settings import DEV_SECRET_KEY

    if settings.DEBUG:
        return
    if settings.SECRET_KEY == DEV_SECRET_KEY or len(settings.SECRET_KEY) < 50:
        raise ValueError("refusing to serve with the development secret key (or one under 50 characters): set "
                         "MIAF_SECRET_KEY, or MIAF_DEBUG=true on your own computer (docs/deploy.md)")  # fmt: skip
    if not os.environ.get("MIAF_ALLOWED_HOSTS", "").strip():
        raise ValueError("refusing to serve without MIAF_ALLOWED_HOSTS (the server's host names, comma-separated), "
                         "or MIAF_DEBUG=true on your own computer (docs/deploy.md)")  # fmt: skip


def refuse_demo_users_outside_demo_database() -> None:
    """Outside debug and outside a demo database, refuse to serve while a demo user still has the published
    password (databases where ``make run`` loaded the demo before the demo users were confined)."""
    from django.conf import settings
    from django.contrib.auth import get_user_model

    from miaf.web.demo.load import DEMO_MARK
    from miaf.web.demo.summary import DEMO_PASSWORD, DEMO_USERS

    if settings.DEBUG or settings.MIAF_DEMO_DATABASE:
        return
    users = get_user_model().objects.filter(username__in=[u for u, *_ in DEMO_USERS], last_name=DEMO_MARK,
                                            is_active=True)  # fmt: skip
    exposed = sorted(u.username for u in users if u.check_password(DEMO_PASSWORD))
    if exposed:
        raise ValueError(f"refusing to serve: the demo user(s) {', '.join(exposed)} still have the published demo "
                         "password; deactivate or delete them in /admin/, or `miaf demo --reset` only on a demo "
                         "database (MIAF_DEMO_DATABASE=true)")  # fmt: skip


def _serve(args: argparse.Namespace) -> int:
    setup_django()
    from django.conf import settings
    from django.core.management import call_command

    refuse_unsafe_serving()
    settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
    if not args.no_migrate:
        call_command("migrate", interactive=False, verbosity=0)
    refuse_demo_users_outside_demo_database()
    collect_static_if_changed()
    bind = f"{args.host}:{args.port}"
    print(f"miaf: serving on http://{bind}/ (gunicorn, {args.workers} workers)", flush=True)
    cmd = [
        sys.executable, "-m", "gunicorn", "miaf.web.wsgi:application",
        "--bind", bind, "--workers", str(args.workers), "--access-logfile", "-", "--timeout", "120",
    ]  # fmt: skip
    os.execv(sys.executable, cmd)
    return 0  # pragma: no cover  (execv does not return)


def collect_static_if_changed() -> bool:
    """Run ``collectstatic`` unless the collected files are already those of the sources.

    Compressing every file (whitenoise writes gzip and brotli copies) takes about a minute on a small
    machine, so ``miaf serve`` keeps a stamp of the source files (path, size, mtime) beside the manifest
    and skips the step when nothing changed. Returns whether it collected.
    """
    import hashlib

    from django.conf import settings
    from django.contrib.staticfiles.finders import get_finders
    from django.core.management import call_command

    digest = hashlib.sha256()
    for finder in get_finders():
        for path, storage in sorted(finder.list([]), key=lambda item: item[0]):
            stat = os.stat(storage.path(path))
            digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    stamp_file = settings.STATIC_ROOT / ".miaf-static-stamp"
    manifest = settings.STATIC_ROOT / "staticfiles.json"
    stamp = digest.hexdigest()
    if manifest.exists() and stamp_file.exists() and stamp_file.read_text() == stamp:
        return False
    call_command("collectstatic", interactive=False, verbosity=0)
    stamp_file.write_text(stamp)
    return True


def _demo(args: argparse.Namespace) -> int:
    setup_django()
    if args.compare:
        from miaf.web.demo.compare import compare_markdown

        print(compare_markdown())
        return 0
    from miaf.web.demo import load_demo
    from miaf.web.trade import demo as trade_demo  # issue 12: prices, advances, quotes derived from the demo

    if args.reset:
        trade_demo.unload_trade_demo()
    summary = load_demo(families=args.families, seed=args.seed, reset=args.reset, only_if_empty=args.if_empty)
    trade_demo.load_trade_demo(summary, seed=args.seed)
    for line in summary.lines():
        print(line)
    return 0


def _createuser(args: argparse.Namespace) -> int:
    setup_django()
    from miaf.web.accounts.services import create_user

    password = args.password or os.environ.get("MIAF_PASSWORD")
    if not password:
        import getpass

        password = getpass.getpass("Contraseña / password: ")
    user = create_user(
        username=args.username,
        password=password,
        role=args.role,
        organisation=args.organisation,
        groups=[g for g in (args.groups or "").split(",") if g],
        email=args.email or "",
    )
    print(f"miaf: user {user.username} created with role {args.role}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    import miaf.economics.cli as economics_cli

    if economics_cli.PLOT_LOADER is None:  # a running app (AppConfig.ready) has installed its own already
        economics_cli.PLOT_LOADER = load_plot_for_economics
    p = sub.add_parser("serve", help="run the web app with gunicorn (static files through whitenoise)")
    p.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    p.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    p.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "3")))
    p.add_argument("--no-migrate", action="store_true", help="do not apply migrations first")
    p.set_defaults(func=_serve)

    p = sub.add_parser("demo", help="load the deterministic demo programme (fixed seed)")
    p.add_argument("--reset", action="store_true", help="delete the demo programme first and load it again")
    p.add_argument("--families", type=int, default=None, help="scale option: number of families (default: the demo's)")
    p.add_argument("--seed", type=int, default=2011)
    p.add_argument("--if-empty", action="store_true", help="do nothing if the database already has families")
    p.add_argument("--compare", action="store_true",
                   help="print the seed article's figures beside the loaded demo's, and why (loads nothing)")
    p.set_defaults(func=_demo)

    p = sub.add_parser("createuser", help="create a user with a role")
    p.add_argument("username")
    p.add_argument("--role", required=True, choices=["administrator", "coordinator", "promoter", "analyst"])
    p.add_argument("--organisation", help="accompanying organisation (name or short name)")
    p.add_argument("--groups", help="comma-separated working-group names (promoters)")
    p.add_argument("--email")
    p.add_argument("--password", help="password (or MIAF_PASSWORD; asked when absent)")
    p.set_defaults(func=_createuser)

    sub.add_parser("manage", help="Django management commands, e.g. `miaf manage migrate`", add_help=False)
