"""``miaf scaleup-job --job ID``: run a scale-up job created by the web page (the page starts it in the
background and polls its progress). The science command is ``miaf scaleup``."""

from __future__ import annotations

import argparse


def register(subparsers) -> None:  # noqa: ANN001
    p = subparsers.add_parser("scaleup-job", help="run a scale-up job of the web page (used by the page)",
                              description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--job", type=int, required=True, help="id of the web page's scale-up job")
    p.set_defaults(func=handle)


def handle(args: argparse.Namespace) -> int:
    from miaf.web.cli import setup_django

    setup_django()
    from miaf.web.scaleup.jobs import run_job

    job = run_job(args.job)
    return 0 if job.status == "done" else 1
